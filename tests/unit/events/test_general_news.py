"""General news beyond conflict: business, justice, disasters and accidents, politics, sports, health, crime,
each with its class and code; ambiguous words fire only in their sense."""

import pytest


def _classes(extractor, doc, text):
    return [(m.trigger, m.event_class, m.cameo) for m in extractor.extract(doc(text)).mentions]


@pytest.mark.parametrize("text, expected", [
    # business
    ("Microsoft agreed to acquire LinkedIn for $26.2 billion.", ("acquire", "BUSINESS", "W61")),
    ("The merger of the two banks was approved on Monday.", ("merger", "BUSINESS", "W61")),
    ("Apple unveiled a new iPhone in California.", ("unveiled", "BUSINESS", "W64")),
    ("The company will lay off 2,000 workers.", ("lay off", "BUSINESS", "W66")),
    ("Ford reported quarterly results on Tuesday.", ("results", "BUSINESS", "W65")),
    # justice
    ("A jury found him guilty of murder on Friday.", ("found", "JUSTICE", "W33")),
    ("The former mayor was found guilty of fraud.", ("found guilty", "JUSTICE", "W33")),
    ("The driver was charged with manslaughter.", ("charged", "JUSTICE", "W31")),
    ("She was acquitted of all charges.", ("acquitted", "JUSTICE", "W33")),
    ("The trial of the former mayor opened in court.", ("trial", "JUSTICE", "W32")),
    # disasters and accidents
    ("A magnitude 7.1 earthquake struck southern Mexico.", ("earthquake", "DISASTER", "W22")),
    ("Flooding forced thousands from their homes in Bangladesh.", ("Flooding", "DISASTER", "W23")),
    ("A fire destroyed the warehouse overnight.", ("fire", "DISASTER", "W21")),
    ("Two people were injured in the crash.", ("crash", "DISASTER", "W24")),
    # politics
    ("The prime minister resigned on Sunday.", ("resigned", "APPOINT", "W42")),
    ("Voters elected a new president in Chile.", ("elected", "ELECT", "W51")),
    # sports, health, crime
    ("The Colts beat the Jaguars 31-24 to clinch a playoff berth.", ("beat", "CONTEST", "W71")),
    ("Lindsay Lohan checked into the Betty Ford Center on Thursday.", ("checked into", "LIFE", "W80")),
    ("He was arrested on suspicion of drunk driving.", ("drunk driving", "CRIME", "W91")),
])
def test_general_news_actions_get_their_class_and_code(extractor, doc, text, expected):
    assert expected in _classes(extractor, doc, text)


@pytest.mark.parametrize("text, absent_class", [
    ("He bought a coffee and went home.", "BUSINESS"),  # "buy" needs a company, a stake or a sum
    ("Militants launched rockets at the base.", "BUSINESS"),  # "launch" needs a product
    ("Gunmen opened fire on the crowd.", "DISASTER"),  # not a blaze
    ("Police came under fire in the north.", "DISASTER"),
    ("Share prices fell 3 percent on Monday.", "DISASTER"),  # "fall" needs a climber, a cliff, a height
    ("She won the hearts of the audience.", "CONTEST"),  # "win" needs a game, a title, an election
    ("The sentence was hard to read.", "JUSTICE"),
])
def test_ambiguous_words_do_not_fire_in_their_other_sense(extractor, doc, text, absent_class):
    assert absent_class not in {c for _, c, _ in _classes(extractor, doc, text)}


def test_winning_an_election_is_not_a_sports_result(extractor, doc):
    assert ("won", "ELECT", "W51") in _classes(extractor, doc, "The Social Democrats won the election in 2021.")
    assert ("won", "CONTEST", "W71") in _classes(extractor, doc, "Chelsea won the Champions League final.")


def test_a_crowd_attacking_is_a_violent_protest_not_an_armed_attack(extractor, doc):
    [m] = extractor.extract(doc("The mob began attacking the building on Tuesday.")).mentions
    assert (m.event_class, m.cameo, m.actor.kind) == ("PROTEST", "145", "protesters")
    [m] = extractor.extract(doc("Gunmen attacked the building on Tuesday.")).mentions
    assert m.event_class == "ASSAULT"


def test_a_gerund_step_after_after_is_merged_into_the_action(extractor, doc):
    text = "Dozens of protesters pushed into the embassy compound after smashing the gate."
    [m] = extractor.extract(doc(text)).mentions
    assert m.trigger == "pushed into" and text[slice(*m.merged_triggers[0])] == "smashing"


def test_a_clause_under_the_protest_that_began_is_the_same_protest(extractor, doc):
    text = ("Today's protest began after mourners held funerals for those killed in a Baghdad neighbourhood, "
            "after which they marched on to the Green Zone.")
    protests = [m for m in extractor.extract(doc(text)).mentions if m.event_class == "PROTEST"]
    assert [m.trigger for m in protests] == ["protest"]
    assert text[slice(*protests[0].merged_triggers[0])] == "marched"


def test_two_results_of_one_sentence_stay_two_mentions(extractor, doc):
    text = "Luck scored three touchdowns to clinch the win."
    ms = extractor.extract(doc(text)).mentions
    assert [(m.trigger, m.cameo) for m in ms] == [("scored", "W72"), ("clinch", "W71")]
    assert text[slice(*ms[1].merged_triggers[0])] == "win"  # "clinch the win" is one result


def test_headlines_and_shouted_lines_are_read_in_sentence_case_and_reported_as_written(extractor, doc):
    text = "Colts Clinch Playoff Berth With Victory Over Jaguars"
    ms = extractor.extract(doc(text)).mentions
    assert ("Clinch", "CONTEST", "W71") in [(m.trigger, m.event_class, m.cameo) for m in ms]
    text = "GRANDMOTHER KILLED BY DRUNK DRIVER IN QUEENS"
    ms = extractor.extract(doc(text)).mentions
    assert [(m.trigger, m.event_class) for m in ms] == [("KILLED", "ASSAULT")]
    assert ms[0].sentence == text
