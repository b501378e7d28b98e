"""The fault-injection seam itself (``wiredesk.ops.faults``): inert unless asked, precise when asked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import wiredesk
from wiredesk.ops.faults import POINTS, InjectedFault, checkpoint, injected, parse_fault

SRC = Path(wiredesk.__file__).resolve().parent


def test_every_listed_checkpoint_is_in_the_code_and_every_checkpoint_in_the_code_is_listed():
    used = set()
    for path in SRC.rglob("*.py"):
        used |= set(re.findall(r'checkpoint\("([^"]+)"\)', path.read_text(encoding="utf-8")))
    assert used == set(POINTS)


def test_a_checkpoint_does_nothing_when_no_fault_is_configured():
    for point in POINTS:
        checkpoint(point)


def test_an_injected_fault_fires_on_its_hit_only_and_only_inside_the_block():
    with injected("store:near:2:raise"):
        checkpoint("store:near")
        checkpoint("store:exact")
        with pytest.raises(InjectedFault, match=r"store:near \(hit 2\)"):
            checkpoint("store:near")
        checkpoint("store:near")
    checkpoint("store:near")


@pytest.mark.parametrize("spec, message", [
    ("store:nowhere:1:kill", "unknown checkpoint"),
    ("store:near:0:kill", "hit must be"),
    ("store:near:x:kill", "hit must be"),
    ("store:near:1:explode", "action must be"),
])
def test_a_malformed_fault_spec_is_refused_naming_what_is_wrong(spec, message):
    with pytest.raises(ValueError, match=message):
        parse_fault(spec)
