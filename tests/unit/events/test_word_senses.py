"""events/6 (lexicon 7): a trigger word in another sense on general news pages. Each rule family with a
sentence it must keep out of events (from the hand-checked samples and the tuning pages) and a sentence with
the same word told as a real happening, which it must still read."""

import pytest
from support.events import found_triggers, joining_triggers, mentions_of


@pytest.mark.parametrize("junk, wrong, real, right", [
    # an argument names the other sense (lexicon "-word"): a goalie's saves, an idiom, a sales figure
    ("Joonas Korpisalo stopped 30 shots for his eighth win as Columbus improved to 8-8-4.", ("stopped", "CONTEST"),
     "Fury stopped Wilder in the seventh round to retain his heavyweight title.", ("stopped", "CONTEST")),
    ("Indeed, most conservatives seized the moment to double down on the failed approaches of the past.",
     ("seized", "COERCE"), "Customs officers seized two tonnes of cocaine at the port on Monday.",
     ("seized", "COERCE")),
    ("People will continue to lose health insurance just because they lose their job.", ("lose", "CONTEST"),
     "The Lakers lost the game 102-98 on Sunday night.", ("lost", "CONTEST")),
    ("Dealers last year sold 303,417 new vehicles, up 4 percent from the previous year.", ("sold", "BUSINESS"),
     "The company sold its cable unit to a rival for $2 billion.", ("sold", "BUSINESS")),
    ("Although fleet sales were up from 13.2 percent in September, the company expects $1 million less.",
     ("sales", "BUSINESS"), "The sale of the unit for $1 billion was completed on Friday.", ("sale", "BUSINESS")),
    ("Staff are not allowed to take charge of any animal, the charity said after the charges were dropped.",
     ("charge", "JUSTICE"), "He denied the charge in court on Monday.", ("charge", "JUSTICE")),
    ("Microsoft urged users to test and deploy the security update as soon as possible.", ("deploy", "MOBILIZE"),
     "The army deployed troops to the border on Friday.", ("deployed", "MOBILIZE")),
    ("The result was not a peaceful transition but civil war.", ("result", "BUSINESS"),
     "The bank reported quarterly results above forecasts on Tuesday.", ("results", "BUSINESS")),
    ("Felt played a dual role in Nixon's downfall, the team's coach said.", ("played", "CONTEST"),
     "The team played the final in Paris on Saturday.", ("played", "CONTEST")),
    ("The new cards are also sold out at the moment, the company said.", ("sold", "BUSINESS"),
     "The company sold its stake in the bank for $1 billion.", ("sold", "BUSINESS")),
])
def test_a_word_whose_argument_tells_another_sense_is_no_trigger(extractor, doc, junk, wrong, real, right):
    assert wrong not in found_triggers(extractor, doc, junk)
    assert right in joining_triggers(extractor, doc, real)


def test_a_noun_measuring_another_noun_is_no_trigger(extractor, doc):
    junk = "Right now, having scored four times during a three-game streak, Parise is brimming with confidence."
    assert ("game", "CONTEST") not in found_triggers(extractor, doc, junk)
    real = "The game against Iowa drew 50,000 fans to the stadium on Saturday."
    assert ("game", "CONTEST") in joining_triggers(extractor, doc, real)


@pytest.mark.parametrize("text, trigger, modality", [
    # a kind of thing named after an action: stored as generic, joins no event
    ("Coaches require details of crash testing certificates for the wheelchair.", "crash", "generic"),
    ("Prosecutors will seek the death penalty.", "death", "generic"),
    ("The navy seized seven AK-47 assault rifles from the pirates.", "assault", "generic"),
    ("Protesters threw stones at riot police in the capital on Sunday.", "riot", "generic"),
    # the same nouns as happenings still join events
    ("The crash killed two people on the motorway on Monday.", "crash", None),
    ("Police are investigating the death of a student found on Sunday.", "death", None),
    ("The assault on the town began at dawn on Friday.", "assault", None),
    ("A riot broke out in the prison on Monday.", "riot", None),
])
def test_a_kind_of_thing_named_after_an_action_is_generic_and_the_happening_is_not(extractor, doc, text, trigger,
                                                                                    modality):
    m = next(m for m in mentions_of(extractor, doc, text) if m.trigger == trigger)
    assert m.modality == modality and m.happened == (modality is None)


def test_a_direct_question_asks_and_tells_no_happening(extractor, doc):
    m = next(m for m in mentions_of(extractor, doc, "What was the Swedish investigation about?")
             if m.trigger == "investigation")
    assert m.modality == "asked" and not m.happened
    assert ("investigation", "JUSTICE") in joining_triggers(
        extractor, doc, "Prosecutors dropped the Swedish investigation in November.")
    # a "?" alone is no question: some sources print a character they cannot encode as "?"
    assert ("agreed", "AGREE") in joining_triggers(
        extractor, doc, "The government agreed at the weekend to slash spending in return for ?")


def test_an_imperative_is_a_demand_not_a_happening(extractor, doc):
    junk = "For more information on our clinical care solutions, please visit: www.example.com"
    m = next(m for m in mentions_of(extractor, doc, junk) if m.trigger == "visit")
    assert m.modality == "demanded" and not m.happened
    assert ("visited", "CONSULT") in joining_triggers(extractor, doc, "The prime minister visited Paris on Tuesday.")


def test_a_headline_in_the_base_form_is_no_imperative(extractor, doc):
    text = "Hit and run outside Bloomington store leaves woman dead"
    assert any(m.event_class == "DISASTER" and m.happened for m in mentions_of(extractor, doc, text))


def test_a_word_alone_on_its_line_is_no_trigger(extractor, doc):
    assert not found_triggers(extractor, doc, "Fall\nIt's so peaceful out here on the farm, said the climber.")
    assert ("fell", "DISASTER") in joining_triggers(extractor, doc, "The climber fell 300 feet from the ridge on Sunday.")


def test_a_sentence_in_another_language_is_not_read(extractor, doc):
    german = ("Ein hilfreicher kleiner Film, der uns davor bewahrt, zu glauben, die Bausteine, die wir täglich "
              "sehen, seien die einzigen, die es gibt.")
    assert not found_triggers(extractor, doc, german)
    both = "The singer died on Sunday at his home in Berlin. " + german
    assert joining_triggers(extractor, doc, both) == {("died", "DIE")}
