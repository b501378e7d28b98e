"""Revision diffs and the revisit schedule: pure functions of paragraphs, offsets and a given time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from wiredesk.domain.errors import ConfigError
from wiredesk.domain.revisions import diff_paragraphs
from wiredesk.sources.revisits import RevisitSettings, due_at, next_slot

OLD = [(0, "The council met on Tuesday to discuss the harbour project."),
       (1, "Officials said 12 people were hurt in the blast."),
       (2, "The vote takes place next month."),
       (3, "Residents have opposed the plan for years.")]


def changes(old, new):
    return [(c.change, c.old_position, c.new_position) for c in diff_paragraphs(old, new)]


def test_unchanged_paragraphs_give_no_rows_and_whitespace_does_not_count():
    assert diff_paragraphs(OLD, [(p, "  " + t.replace(" ", "  ")) for p, t in OLD]) == []


def test_an_edited_paragraph_is_one_change_with_its_old_and_new_text():
    new = [OLD[0], (1, "Officials said 15 people were hurt in the blast on Wednesday."), OLD[2], OLD[3]]
    [c] = diff_paragraphs(OLD, new)
    assert (c.change, c.old_position, c.new_position) == ("changed", 1, 1)
    assert c.old_text == OLD[1][1] and c.new_text == new[1][1] and 0.5 <= c.similarity < 1


def test_a_rewritten_paragraph_is_removed_and_added_and_positions_follow_each_version():
    new = [OLD[0], (1, "A completely different statement came from the mayor's office."), OLD[2], OLD[3],
           (4, "Correction: the vote was moved to the autumn.")]
    assert changes(OLD, new) == [("removed", 1, None), ("added", None, 1), ("added", None, 4)]


def test_pairs_keep_reading_order_inside_a_changed_stretch():
    new = [OLD[0], (1, "A new paragraph was inserted before the edit."),
           (2, "Officials said 14 people were hurt in the blast."), (3, "The vote takes place next year."), OLD[3]]
    assert changes(OLD, new) == [("added", None, 1), ("changed", 1, 2), ("changed", 2, 3)]


def test_everything_removed_and_everything_added():
    assert [c.change for c in diff_paragraphs(OLD, [])] == ["removed"] * 4
    assert [c.change for c in diff_paragraphs([], OLD)] == ["added"] * 4


def test_a_page_revisited_late_skips_the_slots_it_missed_and_never_repeats_one():
    first = datetime(2026, 1, 1, 8, tzinfo=UTC)
    offsets = RevisitSettings().deltas
    assert due_at(first, offsets, 0) == first + timedelta(hours=1)
    assert next_slot(first, offsets, first + timedelta(minutes=90)) == 1
    assert next_slot(first, offsets, first + timedelta(hours=7)) == 2  # the +1 h and +6 h slots are past
    assert next_slot(first, offsets, first + timedelta(days=2)) == 3 and due_at(first, offsets, 3) is None


def test_offsets_must_be_durations_in_increasing_order():
    assert RevisitSettings(offsets=("30m", "2d")).deltas == (timedelta(minutes=30), timedelta(days=2))
    with pytest.raises(ConfigError, match="increase"):
        RevisitSettings(offsets=("6h", "1h"))
    with pytest.raises(ConfigError, match=r"revisits.offsets\[0\]"):
        RevisitSettings(offsets=("soon",))
