"""Grouping compares a mention with a bounded number of events whatever the number of mentions of a day: a
block (every ASSAULT "attack" published on one day) larger than ``block_size`` is cut to its latest events,
and the cut is counted. Behaviour, not timing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from wiredesk.events.group import GroupingSettings, GroupingStats, group_mentions
from wiredesk.events.model import UNKNOWN_DATE, EventMention, Place

DAY = datetime(2024, 3, 1, 6, tzinfo=timezone.utc)


def _mention(i: int, city: str | None = None) -> EventMention:
    city = city or f"Town{i}"  # a different town each: every pair conflicts, each mention is its own event
    return EventMention(
        doc_key=f"doc{i}", source=f"outlet{i % 40}", published_at=DAY + timedelta(seconds=30 * i), sentence_index=0,
        sentence="Gunmen attacked a convoy near the market.", sentence_start=0, sentence_end=40, trigger="attacked",
        trigger_start=7, trigger_end=15, event_class="ASSAULT", cameo="190", actor=None, target=None,
        place=Place(city, city, "XXX", 0.0, 0.0, "city", None, 0, 0), date=UNKNOWN_DATE, killed=None,
        wounded=None, crowd=None, negated=False, modality=None, confidence=0.8, trigger_lemma="attack")


def test_a_days_block_of_one_class_is_compared_at_most_block_size_events_at_a_time():
    mentions = [_mention(i) for i in range(600)]
    stats = GroupingStats()
    events = group_mentions(mentions, settings=GroupingSettings(block_size=16), stats=stats)
    assert len(events) == 600  # every pair conflicts (another town): the cut changes nothing here
    # the only key the mentions share is (class, trigger, publication day): 16 events at most each
    assert stats.comparisons == sum(min(i, 16) for i in range(600))
    assert stats.blocks_cut == 600 - 17
    assert stats.candidates_cut == sum(i - 16 for i in range(17, 600))
    unbounded = GroupingStats()
    group_mentions(mentions, settings=GroupingSettings(block_size=10_000), stats=unbounded)
    assert unbounded.comparisons == 600 * 599 // 2 and unbounded.candidates_cut == 0


def test_a_mention_still_joins_an_event_of_a_full_block_through_a_narrower_key():
    # 300 attacks in other towns fill the day's block; the first and the last attack in Basra are one event,
    # found through the place key although the day's block cut the first one long ago
    mentions = [_mention(0, "Basra")] + [_mention(i) for i in range(1, 300)] + [_mention(300, "Basra")]
    stats = GroupingStats()
    events = group_mentions(mentions, settings=GroupingSettings(block_size=16), stats=stats)
    basra = [e for e in events if e.place and e.place.name == "Basra"]
    assert len(basra) == 1 and basra[0].num_mentions == 2
    assert stats.candidates_cut > 0


def test_the_cut_is_deterministic_whatever_the_input_order():
    mentions = [_mention(i, f"Town{i % 50}") for i in range(400)]
    settings = GroupingSettings(block_size=8)
    one = sorted(sorted(m.doc_key for m in e.mentions) for e in group_mentions(mentions, settings=settings))
    other = sorted(sorted(m.doc_key for m in e.mentions) for e in group_mentions(mentions[::-1], settings=settings))
    assert one == other and len(one) < 400
