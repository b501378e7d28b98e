"""Regrouping: which stored mentions are grouped again when a batch arrives, and into which events. Pure.

The store (``wiredesk.store.events.regroup_events``) reads the batch's mentions, the stored mentions of current
documents published within the grouping window of the batch's that share a blocking key with them (at most
``block_size`` a key, the nearest in time), every mention of the events those belong to, the near-duplicate
links between them, their documents' named entities and stories, calls ``regroup`` and
rewrites the events it returns. Event ids derive from an event's earliest mention (``doc_key`` + offset), so they survive
reruns and new versions of other documents (``wiredesk.events.group``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from wiredesk.events.group import GroupingSettings, GroupingStats, group_mentions
from wiredesk.events.model import EntityMention, Event, EventMention


@dataclass(frozen=True)
class Regrouped:
    """The events of a regrouped set of mentions, and which event each mention (by stored id) now belongs to."""

    events: list[Event]
    assignments: list[tuple[int, str]]  # (mention id, event id)
    cut: int = 0  # events not compared through a block larger than the block size (``GroupingStats``)


def regroup(mentions: Mapping[int, EventMention], *, near_links: Iterable[tuple] = (),
            entities: Iterable[EntityMention] = (), stories: Mapping[str, object] | None = None,
            window_days: int = 30, block_size: int = GroupingSettings.block_size) -> Regrouped:
    """Group ``mentions`` (stored id -> mention) into events; ``near_links`` are pairs of
    ``(doc_key, paragraph position)`` that repeat each other, ``entities`` the documents' named entities,
    ``stories`` each document's story (``doc_key`` -> story id). Only ``groupable`` mentions (told as happened,
    not statements) are grouped: the others get no event."""
    stats = GroupingStats()
    # a mention whose sentence does not tell its action as real ("if confirmed", "could face charges") is
    # stored with its modality and, like a negated one, joins no event (``group_mentions`` leaves it out)
    events = group_mentions(mentions.values(), near_links=near_links, entities=entities, stories=stories,
                            settings=GroupingSettings(max_gap_days=window_days, block_size=block_size), stats=stats)
    key_to_id = {m.key: mid for mid, m in mentions.items()}
    return Regrouped(events, [(key_to_id[m.key], e.event_id) for e in events for m in e.mentions],
                     stats.candidates_cut)
