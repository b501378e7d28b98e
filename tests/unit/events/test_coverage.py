"""Coverage of lexicon 3: an ambiguous word takes its sense from its document, modifiers join the mention of
the noun they modify, predicative adjectives, and statements with a named speaker that make no events."""

from datetime import datetime, timezone

from wiredesk.events import DocumentInput, InputParagraph, group_mentions

PUBLISHED = datetime(2019, 12, 31, tzinfo=timezone.utc)


def _article(*paragraphs: str, key: str = "a") -> DocumentInput:
    return DocumentInput(key, None, key, tuple(InputParagraph(i, "body", p) for i, p in enumerate(paragraphs)),
                         language="en")


def _found(extractor, d: DocumentInput) -> list[tuple[str, str, str]]:
    return [(m.trigger, m.event_class, m.cameo) for m in extractor.extract(d).mentions]


def test_an_ambiguous_word_takes_its_sense_from_the_rest_of_the_article(extractor):
    # "won" alone says nothing of a game; the article around it does
    match = _article("The Colts played their last game of the season in Jacksonville on Thursday night.",
                     "They won without receiver Marvin Harrison.")
    won = [m for m in extractor.extract(match).mentions if m.trigger == "won"]
    assert [(m.event_class, m.cameo) for m in won] == [("CONTEST", "W71")]
    alone = extractor.extract(_article("They won without receiver Marvin Harrison.")).mentions
    assert not [m for m in alone if m.trigger == "won"]
    # its confidence is lower than that of the same word with its sense in its own sentence
    told = extractor.extract(_article("They won the game without receiver Marvin Harrison.")).mentions
    assert won[0].confidence < next(m for m in told if m.trigger == "won").confidence


def test_a_generic_verb_needs_its_sense_in_its_own_sentence(extractor):
    # "joined" is an appointment with a team in the sentence, not because a team is named elsewhere
    d = _article("The coach joined the team in March.", "Some commanders joined the protest on Tuesday.")
    joined = [(m.sentence_index, m.event_class) for m in extractor.extract(d).mentions if m.trigger == "joined"]
    assert joined == [(0, "APPOINT")]


def test_a_modifier_that_names_an_event_joins_the_mention_of_the_noun_it_modifies(extractor):
    d = _article("San Diego Chargers tackle Jamal Williams faces DUI charges after his arrest on Sunday.")
    [charge] = [m for m in extractor.extract(d).mentions if m.trigger == "charges"]
    assert charge.event_class == "JUSTICE" and [d.text[a:b] for a, b in charge.merged_triggers] == ["DUI"]
    # a modifier of a noun that names no event is a trigger of its own ("playoff contention")
    d = _article("The Saints were eliminated from playoff contention over the weekend.")
    words = {d.text[a:b] for m in extractor.extract(d).mentions
             for a, b in ((m.trigger_start, m.trigger_end), *m.merged_triggers)}
    assert "playoff" in words


def test_a_predicative_adjective_can_report_a_death(extractor):
    assert ("dead", "DIE", "W10") in _found(extractor, _article("A climber is dead after falling 150 metres."))
    # used as a modifier it reports nothing
    assert not [t for t in _found(extractor, _article("The road came to a dead end.")) if t[0] == "dead"]


def test_a_statement_needs_a_named_speaker_and_makes_no_event(extractor):
    d = _article("Secretary of State Mike Pompeo said the strikes sent a clear message.",
                 "He said more could follow.", "Officials said the embassy was safe.",
                 "The Iraqi government said it would review the agreement.")
    statements = [m for m in extractor.extract(d).mentions if m.event_class == "STATEMENT"]
    # "He said": the speaker is the named one it refers to; "Officials said": no one in particular
    assert [(m.sentence_index, m.cameo) for m in statements] == [(0, "010"), (1, "010"), (3, "010")]
    assert statements[0].actor.name.endswith("Pompeo") and statements[1].actor.resolved_from is not None
    assert statements[2].actor.country == "IRQ"
    events = group_mentions(statements)
    assert events == []


def test_checking_into_rehab_is_one_mention_with_both_words(extractor):
    d = _article("Tara Reid has entered a rehab program in Los Angeles.")
    [m] = [m for m in extractor.extract(d).mentions if m.event_class == "LIFE"]
    assert m.trigger == "entered" and [d.text[a:b] for a, b in m.merged_triggers] == ["rehab"]


def test_a_copula_makes_two_words_one_mention(extractor):
    d = _article("There were no reports of casualties, but the unprecedented breach was one of the worst attacks "
                 "on the embassy in recent memory.")
    [m] = extractor.extract(d).mentions
    assert (m.trigger, m.event_class) == ("breach", "PROTEST")
    assert [d.text[a:b] for a, b in m.merged_triggers] == ["attacks"]


def test_an_earlier_event_brought_to_mind_joins_its_dated_siege_not_this_weeks_attack(extractor):
    d = _article("Last week an American contractor was killed in a rocket attack on an Iraqi military base.",
                 "The attack raised painful memories of the murder of the US ambassador to Libya after the Benghazi "
                 "embassy siege by Islamist terrorists in 2012.")
    d = DocumentInput(d.doc_key, PUBLISHED, d.source, d.paragraphs, language="en")
    x = extractor.extract(d)
    murder = next(m for m in x.mentions if m.trigger == "murder")
    assert murder.modality == "recalled"
    event_of = {m.trigger: e.event_id for e in group_mentions(x.mentions) for m in e.mentions}
    assert event_of["murder"] == event_of["siege"] != event_of["rocket attack"]


def test_two_reports_name_one_person_fully_and_by_surname_and_are_one_event(extractor):
    a = _article("Tara Reid checked herself into Promises Treatment Center in Malibu.", key="people")
    b = _article("Reid checked into rehab at Promises on Tuesday, her publicist said.", key="us-weekly")
    xs = extractor.extract_many([a, b])
    rehab = [m for x in xs for m in x.mentions if m.event_class == "LIFE"]
    assert {m.doc_key for m in rehab} == {"people", "us-weekly"}
    events = group_mentions(rehab, entities=[e for x in xs for e in x.entities])
    assert len(events) == 1 and events[0].num_documents == 2


def test_two_reports_of_one_story_naming_the_same_action_are_one_event_and_of_two_stories_two(extractor):
    a = _article("A powerful earthquake shook the island, officials said.", key="wire")
    b = _article("The earthquake damaged hundreds of homes near the coast.", key="paper")
    xs = extractor.extract_many([a, b])
    quakes = [m for x in xs for m in x.mentions if m.trigger_lemma == "earthquake"]
    assert {m.doc_key for m in quakes} == {"wire", "paper"}
    assert len(group_mentions(quakes)) == 2  # nothing but the word in common
    [one] = group_mentions(quakes, stories={"wire": 7, "paper": 7})
    assert one.num_documents == 2
    assert len(group_mentions(quakes, stories={"wire": 7, "paper": 8})) == 2
