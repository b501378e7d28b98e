"""Lexicon 4: nominal, light-verb, participle and sense-filtered forms of newsworthy actions, and the
POLICY class; one case per trigger family, and the other sense of each ambiguous word staying quiet."""

import pytest

from support.events import found_mentions


@pytest.mark.parametrize("text, expected", [
    # nominal events and light-verb forms of an attack
    ("Police said the gunfire that killed two men lasted ten minutes.", ("gunfire", "ASSAULT", "193")),
    ("Two men died in a shootout with police.", ("shootout", "ASSAULT", "193")),
    ("Gunmen opened fire on a crowded market on Sunday.", ("opened fire", "ASSAULT", "193")),
    ("The officer was gunned down outside his home.", ("gunned down", "ASSAULT", "193")),
    ("The shot that killed the officer came from a rooftop.", ("shot", "ASSAULT", "193")),
    ("Two gunmen sprayed bullets at the crowd on Friday.", ("sprayed", "ASSAULT", "193")),
    ("The bomber detonated a device near the checkpoint.", ("detonated", "ASSAULT", "183")),
    # disasters: quakes by other names and verbs, fires
    ("The temblor was felt in the capital.", ("temblor", "DISASTER", "W22")),
    ("A strong earthquake struck the region on Tuesday.", ("struck", "DISASTER", "W22")),
    ("The warehouse was engulfed by flames.", ("engulfed", "DISASTER", "W21")),
    # (since events/7 "injured in the crash" folds into the crash, as its toll: test_classes_counts_conditions.py)
    ("Two people were injured when their car overturned on the highway.", ("injured", "DISASTER", "W24")),
    ("A driver mowed down a woman crossing the street in his car.", ("mowed down", "DISASTER", "W24")),
    # justice and arrests
    ("He confessed to the murder of his neighbour.", ("confessed", "JUSTICE", "W33")),
    ("The suspect was arraigned on Monday.", ("arraigned", "JUSTICE", "W31")),
    ("The suspect was booked into the county jail on suspicion of murder.", ("booked", "COERCE", "173")),
    ("Rioters looted shops in the city centre.", ("looted", "CRIME", "W92")),
    # business, personnel, politics, life, sports
    ("The company agreed to take over its rival for $2 billion.", ("take over", "BUSINESS", "W61")),
    ("The Blazers terminated the coach on Monday.", ("terminated", "APPOINT", "W43")),
    ("He will take office in January.", ("take office", "APPOINT", "W41")),
    ("She succumbed to her injuries in hospital.", ("succumbed", "DIE", "W10")),
    ("Klitschko won by a seventh-round stoppage.", ("stoppage", "CONTEST", "W73")),
    ("The Saints placed Bush on the injured list.", ("placed", "APPOINT", "W44")),
    # policy: laws and rules made, undone, bans
    ("Congress passed the bill on Friday.", ("passed", "POLICY", "W01")),
    ("The Interior Department issued two new regulations on Thursday.", ("issued", "POLICY", "W01")),
    ("President Obama overturned the regulation on Monday.", ("overturned", "POLICY", "W02")),
    ("The governor vetoed the budget.", ("vetoed", "POLICY", "W02")),
])
def test_each_new_trigger_family_fires_with_its_class_and_code(extractor, doc, text, expected):
    assert expected in found_mentions(extractor, doc, text)[0]


@pytest.mark.parametrize("text, absent_class", [
    ("The shot went in off the backboard for the win.", "ASSAULT"),  # a shot needs a gun, a victim, police
    ("Gunfire was heard near the embassy.", "ASSAULT"),  # heard, with no victim, shooter or police
    ("Their new album will take over the charts.", "BUSINESS"),  # a takeover needs a company or a sum
    ("He booked a flight to Paris.", "COERCE"),  # booking needs a jail, a charge, police
    ("He passed Ford for the top spot in school history.", "POLICY"),  # passing needs a law
    ("He passed the ball to Smith.", "POLICY"),
    ("The news struck a chord with voters.", "DISASTER"),  # striking needs a quake
    ("The injured player sat out the game.", "DISASTER"),  # "injured" is an event only as a predicate
])
def test_the_other_sense_of_a_new_word_is_no_event(extractor, doc, text, absent_class):
    assert absent_class not in found_mentions(extractor, doc, text)[1]


def test_a_court_overturning_a_conviction_stays_justice(extractor, doc):
    found, classes = found_mentions(extractor, doc, "The court overturned his conviction.")
    assert ("overturned", "JUSTICE", "W33") in found and "POLICY" not in classes
