"""Lexicon 6: the failure modes of lexicon 5's triggers on whole news documents, fixed as rules; each rule
with a sentence it must keep quiet (most from ECB+ reporting documents, the hand-checked cases) and one it
must still read."""

import pytest
from support.events import found_triggers, mentions_of


@pytest.mark.parametrize("text, wrong", [
    # a capitalised word standing alone in mid-sentence is a name: Summit Entertainment, the film company
    ("Warner Bros. entrusted the first two Harry Potter films to Chris Columbus before employing a host of other "
     "filmmakers, and Summit memorably did not invite Catherine Hardwicke back to direct the second Twilight.",
     ("Summit", "CONSULT")),
    # the same, in a sentence with many names that is no headline (it used to be parsed in sentence case)
    ("The announcement was made by Erik Feig, Summit's President of Production.", ("Summit", "CONSULT")),
    # what something is called is no happening
    ("Benjamin has an impressive list of accomplishments, including receiving a MacArthur Fellowship in 2008, "
     'commonly known as the "genius grant".', ("grant", "BUSINESS")),
    # earlier happenings in general, none in particular
    ("Ortiz followed Orozco to the home of one of Orozco's friends whom the deputy knew from previous "
     "altercations.", ("altercations", "ASSAULT")),
    # a sense word in the sentence that is not an argument of the trigger
    ("A surge in piracy has driven up insurance costs, earned the gangs tens of millions of dollars in ransoms, "
     "and prompted foreign navies to rush to the area.", ("earned", "BUSINESS")),
    ("Jackman was abroad promoting the film Friday when his Oscar role was announced.", ("promoting", "APPOINT")),
    ("According to Magruder's testimony before the Senate Watergate committee, an account reportedly confirmed by "
     "LaRue, he and LaRue worked in lock-step with Mitchell.", ("confirmed", "APPOINT")),
    # idioms: the particle or the missing business word tells the other sense
    ("Ultimately, his daughter, Joan, persuaded him to go public;", ("go public", "BUSINESS")),
    ("The former engineer decided to go public with her allegations against the company.", ("go public", "BUSINESS")),
    ("The controversy prompted her disappearance from public view.", ("disappearance", "LIFE")),
])
def test_a_failure_mode_of_lexicon_5_stays_quiet(extractor, doc, text, wrong):
    assert wrong not in found_triggers(extractor, doc, text)


@pytest.mark.parametrize("text, right", [
    ("President Obama arrived in Lisbon on Friday for the NATO summit.", ("summit", "CONSULT")),
    ("Hurricane Katrina struck New Orleans in August 2005.", ("Hurricane", "DISASTER")),
    ('She was the first African-American woman to head a state medical society and received a MacArthur '
     'Foundation "genius grant" last year.', ("grant", "BUSINESS")),
    ("Hiller got into an altercation with the two women and a male co-worker Thursday night.",
     ("altercation", "ASSAULT")),
    ("The retailer earned $2.8 billion in the third quarter.", ("earned", "BUSINESS")),
    ("Tennant was promoted to captain four years ago.", ("promoted", "APPOINT")),
    ("On July 1, 1971, Hoover promoted Felt to deputy associate director.", ("promoted", "APPOINT")),
    ("The Senate confirmed the nominee on Thursday.", ("confirmed", "APPOINT")),
    ("The Senate voted 52-48 to confirm her as secretary.", ("confirm", "APPOINT")),
    ("The company plans to go public next year.", ("go public", "BUSINESS")),
    ("Police are investigating the disappearance of a student.", ("disappearance", "LIFE")),
])
def test_the_same_words_in_their_event_sense_still_fire(extractor, doc, text, right):
    assert right in found_triggers(extractor, doc, text)


@pytest.mark.parametrize("text, trigger, modality", [
    ("If confirmed by the Senate, she will replace Rear Admiral Steven K. Galson.", "confirmed", "conditional"),
    ("Neighbors had complained about a possible natural gas leak, which led them to the scene.", "leak", "possible"),
    ("Prosecutors said Smith could face charges over the crash.", "charges", "possible"),
    ("The chief executive could be forced to resign.", "resign", "possible"),
    ("A New York man pleaded guilty Monday to threatening to kill U.S. Rep. Ilhan Omar.", "kill", "intended"),
])
def test_a_hypothetical_mention_is_stored_with_its_modality_and_not_as_happened(extractor, doc, text, trigger,
                                                                               modality):
    m = next(m for m in mentions_of(extractor, doc, text) if m.trigger == trigger)
    assert m.modality == modality and not m.negated
    assert not m.happened


@pytest.mark.parametrize("text, trigger, modality", [
    ("A gas leak forced the evacuation of the building on Monday.", "leak", None),
    ("Prosecutors said Smith could face charges over the crash.", "crash", None),  # the crash itself happened
    ("He will be sentenced May 3.", "sentenced", "future"),  # announced for a date
    ("A MOB of hundreds of pro-Iran thugs tried to storm the US Embassy in Baghdad today.", "storm", "attempted"),
])
def test_a_real_or_announced_happening_is_told_as_happened(extractor, doc, text, trigger, modality):
    m = next(m for m in mentions_of(extractor, doc, text) if m.trigger == trigger)
    assert m.modality == modality and m.happened


def test_the_rules_only_back_end_reads_the_particle_of_an_idiom(rules_extractor, doc):
    quiet = "The former engineer decided to go public with her allegations against the company."
    assert ("go public", "BUSINESS") not in found_triggers(rules_extractor, doc, quiet)
    assert ("go public", "BUSINESS") in found_triggers(rules_extractor, doc, "The company plans to go public next year.")
