"""Revisits: when an article page fetched by URL is fetched again to see whether its outlet edited it. Pure:
values, the ``[revisits]`` settings and the schedule's arithmetic; no database, no clock, no HTTP.

A page first stored from a fetch (a feed's article, a URL list's page; never a file or a web archive) is due
again at each offset after it was first seen (default +1 h, +6 h, +24 h): slot 0, 1, 2. A run revisits the
pages whose next slot has come, at most ``budget_per_source`` per source (a followed source, or a URL list),
oldest due first; the rest wait for the next run. A revisit moves the page to the first slot still ahead of
``now``: a run that comes late (a page last seen 7 h ago) revisits once, not once per slot it missed, and no
slot is ever revisited twice. The store keeps the schedule (``wiredesk.store.revisits``); the stage that
fetches is ``wiredesk.pipeline.revisits``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from wiredesk.domain.errors import ConfigError
from wiredesk.domain.models import ItemMeta
from wiredesk.sources.config import parse_duration  # the sources file's durations: "90s", "30m", "6h", "1d"


@dataclass(frozen=True)
class RevisitSettings:
    """``[revisits]``: the schedule of revisits of pages fetched by URL (docs/revisits.md)."""

    #: fetch due revisits in runs that fetch (``wiredesk run --no-revisits`` turns it off for one run)
    enabled: bool = True
    #: when a page is fetched again, after it was first seen; [] schedules no revisit
    offsets: tuple[str, ...] = ("1h", "6h", "24h")
    #: revisits per source (a followed source, or a URL list) and run; the rest wait for the next run
    budget_per_source: int = 50

    def __post_init__(self) -> None:
        self.deltas  # noqa: B018  # a bad offset fails at load, naming the key

    @property
    def deltas(self) -> tuple[timedelta, ...]:
        """The offsets as durations, in increasing order (a list given out of order is an error)."""
        out = tuple(parse_duration(o, f"revisits.offsets[{i}]") for i, o in enumerate(self.offsets))
        if list(out) != sorted(set(out)):
            raise ConfigError(f"setting 'revisits.offsets' must increase, got {list(self.offsets)}")
        return out


def due_at(first_seen: datetime, offsets: Sequence[timedelta], slot: int) -> datetime | None:
    """When slot ``slot`` of a page first seen at ``first_seen`` is due; None when there is no such slot."""
    return first_seen + offsets[slot] if 0 <= slot < len(offsets) else None


def next_slot(first_seen: datetime, offsets: Sequence[timedelta], now: datetime) -> int:
    """The first slot still ahead of ``now`` (``len(offsets)`` when none is): where a page revisited now goes."""
    return sum(1 for off in offsets if first_seen + off <= now)


@dataclass(frozen=True)
class DueRevisit:
    """A page whose revisit has come, as the store keeps it, with the metadata its current version was
    stored with (the new version keeps it)."""

    origin: str  # the page's canonical URL: documents.origin, item_state.origin
    fetch_url: str  # what is fetched
    source_id: int | None
    source: str  # the followed source's name or the URL list's path: the budget's key
    first_seen_at: datetime
    slot: int
    etag: str | None
    last_modified: str | None
    meta: ItemMeta


@dataclass(frozen=True)
class RevisitOutcome:
    """What a revisit found, to store with the batch: ``fetched`` (a page; the store knows whether its text
    changed), ``not_modified`` (a 304) or ``error:REASON``; the page's next slot and its validators now."""

    origin: str
    slot: int  # the slot revisited: the store moves only a page still at that slot (never twice)
    status: str
    checked_at: datetime
    next_slot: int
    next_due_at: datetime | None
    etag: str | None
    last_modified: str | None
    first_seen_at: datetime  # the page's (never changes): lets the store skip older pages' rows


@dataclass(frozen=True)
class RevisitBatch:
    """The revisits stored with one batch, and (on a run's first revisit batch) how many were due, how
    many the per-source budget left for a later run, and the due pages without a current document (taken
    off the schedule with this batch, never fetched)."""

    outcomes: tuple[RevisitOutcome, ...] = ()
    due: int = 0
    skipped: int = 0
    dropped: tuple[str, ...] = ()
