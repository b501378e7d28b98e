"""events/12 (lexicon 9): THREATEN's two noisiest words. "warn" is a threat only with force or retaliation in
its sentence (not a forecast, advice or a PHP "Warning:" line); "threat" only as one an actor makes ("death
threats", "made threats", "threats by"), not as a danger ("the threat of pirates", "security threats"). Each
rule with a sentence where it must not fire and one where it still does, through the public extraction API."""

import pytest
from support.events import found_triggers, joining_triggers


@pytest.mark.parametrize("junk, trigger", [
    ("Experts warned that the outbreak could spread to other countries within weeks.", "warned"),
    ("The doctors warned that children would face more serious health risks in the camps.", "warned"),
    ("Warning: Use of undefined constant comments - assumed 'comments' in /htdocs/plugin.php on line 928",
     "Warning"),
])
def test_warn_without_force_or_retaliation_is_no_threat(extractor, doc, junk, trigger):
    assert (trigger, "THREATEN") not in found_triggers(extractor, doc, junk)


@pytest.mark.parametrize("real, trigger", [
    ("Israel warned people in northern Gaza on Friday to move south or risk being targeted by its forces.",
     "warned"),
    ("The defence minister warned on Tuesday that the army would retaliate against any attack on the border.",
     "warned"),
])
def test_warn_with_force_or_retaliation_is_a_threat(extractor, doc, real, trigger):
    assert (trigger, "THREATEN") in joining_triggers(extractor, doc, real)


@pytest.mark.parametrize("junk", [
    "The threat of pirates prompted a German cruise ship to evacuate its 420 passengers on Saturday.",
    "The agency confronts security threats along the border with new patrol boats.",
    "The company said the threat to customers was serious and released a patch on Tuesday.",
])
def test_a_threat_as_a_danger_is_no_threat(extractor, doc, junk):
    assert not [t for t in found_triggers(extractor, doc, junk) if t[1] == "THREATEN"]


@pytest.mark.parametrize("real, trigger", [
    ("The driver made some veiled threats to the officers on Sunday.", "threats"),  # the verb it is the object of
    ("The senator received death threats after the vote on Monday.", "threats"),  # what kind of threat
    ("Teachers reacted with fury on Friday to threats by the education secretary to cut their pay.", "threats"),
])
def test_a_threat_an_actor_makes_is_a_threat(extractor, doc, real, trigger):
    assert (trigger, "THREATEN") in joining_triggers(extractor, doc, real)
