"""events/7: on general news pages, the right word in the wrong class, counts of happenings, roles and
hypotheticals. Each rule with a sentence it must keep out of events (or read in another class), from the
tuning samples and the tuning pages, and a sentence with the same word told as a real happening, which it
must still read."""

import pytest
from support.events import found_triggers, joining_triggers, mention_of


@pytest.mark.parametrize("text, joins, absent", [
    # the class an argument names wins over a word elsewhere in the sentence: the quake struck; "killing" is its toll
    ("A powerful quake struck southern Iran on Sunday, killing at least seven people.", ("struck", "DISASTER"),
     {("struck", "ASSAULT"), ("killing", "ASSAULT")}),
    ("A missile struck the base on Sunday, killing two soldiers.", ("struck", "ASSAULT"), set()),
    # what names the subject counts too: an outfielder signing a contract joins a team
    ("Outfielder Raul Ibanez signed a three-year contract with the Phillies on Friday.", ("signed", "APPOINT"),
     {("signed", "AGREE")}),
    ("The two countries signed a trade agreement on Friday.", ("signed", "AGREE"), {("signed", "APPOINT")}),
])
def test_the_class_an_argument_names_wins(extractor, doc, text, joins, absent):
    assert joins in joining_triggers(extractor, doc, text)
    assert not absent & found_triggers(extractor, doc, text)


def test_deaths_in_a_disaster_are_its_toll_not_an_attack(extractor, doc):
    crash = "Two soldiers were killed in a helicopter crash in Afghanistan on Wednesday."
    assert ("killed", "ASSAULT") not in found_triggers(extractor, doc, crash)
    assert mention_of(extractor, doc, crash, "crash").killed == 2
    attack = "Gunmen killed two soldiers in an attack on Wednesday."
    assert mention_of(extractor, doc, attack, "attack").event_class == "ASSAULT"
    assert mention_of(extractor, doc, attack, "attack").killed == 2


@pytest.mark.parametrize("junk, real", [
    ("The company released a statement on Monday.", "Apple released a new iPhone on Tuesday."),
    ("Police released video of the rescue on Monday.", "The band released its new album on Friday."),
])
def test_releasing_a_statement_or_a_video_is_no_launch(extractor, doc, junk, real):
    assert not {c for t, c in found_triggers(extractor, doc, junk) if t == "released"}
    assert ("released", "BUSINESS") in joining_triggers(extractor, doc, real)


def test_a_fumble_lost_is_no_defeat(extractor, doc):
    assert ("lost", "CONTEST") not in found_triggers(extractor, doc, "Childers was intercepted three times and lost a fumble.")
    assert ("lost", "CONTEST") in joining_triggers(extractor, doc, "Michigan lost the game 24-10 on Saturday.")


@pytest.mark.parametrize("text, trigger", [
    ("A spike in deaths was recorded this week.", "deaths"),
    ("The number of arrests rose sharply last year.", "arrests"),
    ("Arrests rose 5 percent last year, the report said.", "Arrests"),
    ("The flaw has been used in a growing number of attacks.", "attacks"),
])
def test_a_count_of_happenings_is_an_aggregate(extractor, doc, text, trigger):
    m = mention_of(extractor, doc, text, trigger)
    assert m.modality == "aggregate" and not m.happened


@pytest.mark.parametrize("text, trigger", [
    ("His death on Monday shocked the town.", "death"),
    ("The arrests on Monday followed a raid on the house.", "arrests"),
    ("Pirates carried out a number of attacks on ships last week.", "attacks"),  # "a number of": several, real
])
def test_the_same_nouns_told_as_happenings_still_join(extractor, doc, text, trigger):
    m = mention_of(extractor, doc, text, trigger)
    assert m.modality is None and m.happened


def test_a_role_named_after_a_happening_is_generic(extractor, doc):
    m = mention_of(extractor, doc, "Fire crews arrived at the scene on Friday.", "Fire")
    assert m.modality == "generic" and not m.happened
    assert ("fire", "DISASTER") in joining_triggers(extractor, doc, "The fire destroyed the store on Friday.")
    m = mention_of(extractor, doc, "A heavy-lift launch vehicle is needed, he said.", "launch")
    assert m.modality == "generic" and not m.happened


@pytest.mark.parametrize("hypothetical, trigger, modality, real, real_trigger", [
    ("The move could prompt a special election next year.", "election", "possible",
     "The special election was held on Tuesday.", "election"),
    ("Any slowdown in the supply chain could mean layoffs for producers.", "layoffs", "possible",
     "The company announced layoffs on Monday.", "layoffs"),
    ("A guilty plea would ruin his life.", "plea", "possible", "He entered a guilty plea on Monday.", "plea"),
    ("If you are using the same password for every site you visit, change it.", "visit", "conditional",
     "The president visited the site on Monday.", "visited"),
])
def test_a_hypothetical_is_flagged_and_the_happening_is_not(extractor, doc, hypothetical, trigger, modality, real,
                                                            real_trigger):
    m = mention_of(extractor, doc, hypothetical, trigger)
    assert m.modality == modality and not m.happened
    m = mention_of(extractor, doc, real, real_trigger)
    assert m.modality is None and m.happened


@pytest.mark.parametrize("text, trigger", [
    # what caused a happening may be uncertain; the happening is not
    ("The shooting may have been caused by a ricochet bullet, legal sources said.", "shooting"),
    # the verdict is conditional; the murder charged is not
    ("He faces life in prison if convicted of the murder of his wife.", "murder"),
    # an "if" that means "whether"
    ("Asked if that gave him pause for issuing new rules, he replied: no.", "issuing"),
])
def test_a_real_happening_beside_a_modal_or_an_if_stays_real(extractor, doc, text, trigger):
    assert mention_of(extractor, doc, text, trigger).happened


def test_sales_in_the_plural_are_turnover_not_the_sale_of_a_company(extractor, doc):
    junk = "The company said its sales rose 3 percent to $2 billion in the quarter."
    assert ("sales", "BUSINESS") not in found_triggers(extractor, doc, junk)
    real = "The sale of the unit to a rival for $2 billion was completed on Friday."
    assert ("sale", "BUSINESS") in joining_triggers(extractor, doc, real)


def test_goods_flooding_a_market_is_no_flood_and_a_flood_watch_is_generic(extractor, doc):
    assert not {c for t, c in found_triggers(extractor, doc, "Cheap products flood the UK market every winter.")
                if t == "flood"}
    m = mention_of(extractor, doc, "Flash flood watches were in effect for some communities on Monday.", "flood")
    assert m.modality == "generic" and not m.happened
    assert ("flooded", "DISASTER") in joining_triggers(extractor, doc, "The river flooded the town on Monday.")


def test_counted_sales_are_sales(extractor, doc):
    text = "Boeing announced five Dreamliner sales to two airlines for $1.5 billion earlier this week."
    assert ("sales", "BUSINESS") in joining_triggers(extractor, doc, text)
