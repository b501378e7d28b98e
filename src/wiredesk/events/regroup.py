"""Regrouping: which stored mentions are grouped again when a batch arrives, and into which events. Pure.

The store (``wiredesk.store.events.regroup_events``) reads the mentions of current documents published
within ``regroup_window`` of the batch's documents (and every mention of the events those belong to), the
near-duplicate links between them, their documents' named entities and stories, calls ``regroup`` and
rewrites the events it returns. Event ids derive from an event's earliest mention (``doc_key`` + offset), so they survive
reruns and new versions of other documents (``wiredesk.events.group``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from wiredesk.events.group import GroupingSettings, group_mentions
from wiredesk.events.model import EntityMention, Event, EventMention


@dataclass(frozen=True)
class Regrouped:
    """The events of a regrouped set of mentions, and which event each mention (by stored id) now belongs to."""

    events: list[Event]
    assignments: list[tuple[int, str]]  # (mention id, event id)


def regroup_window(earliest: datetime, latest: datetime, window_days: int) -> tuple[datetime, datetime]:
    """The publication times whose mentions are grouped again with a batch published between ``earliest`` and
    ``latest``: twice the grouping gap either side, so an event can grow across the batch in both directions."""
    w = timedelta(days=2 * window_days)
    return earliest - w, latest + w


def regroup(mentions: Mapping[int, EventMention], *, near_links: Iterable[tuple] = (),
            entities: Iterable[EntityMention] = (), stories: Mapping[str, object] | None = None,
            window_days: int = 30) -> Regrouped:
    """Group ``mentions`` (stored id -> mention) into events; ``near_links`` are pairs of
    ``(doc_key, paragraph position)`` that repeat each other, ``entities`` the documents' named entities,
    ``stories`` each document's story (``doc_key`` -> story id)."""
    events = group_mentions(mentions.values(), near_links=near_links, entities=entities, stories=stories,
                            settings=GroupingSettings(max_gap_days=window_days))
    key_to_id = {m.key: mid for mid, m in mentions.items()}
    return Regrouped(events, [(key_to_id[m.key], e.event_id) for e in events for m in e.mentions])
