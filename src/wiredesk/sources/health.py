"""Source health beyond errors: is a feed that answers still publishing, and do its pages still extract to
as much text as before? Pure: the store reads the signals (``wiredesk.store.source_health``), ``now`` is
passed in.

- **stalled**: the source is fetched without error, but no new entry has appeared for more than
  ``stall_factor`` times its usual gap (the median gap between its latest entries' dates) and at least
  ``stall_floor`` (a news site that sleeps at night is not stalled at breakfast);
- **degraded**: its latest pages extract to much less text than before (a layout change the cleaner no
  longer reads): the median length of the last ``recent`` documents is under ``ratio`` times the median of
  the ones before (at least ``recent`` of each).

Each comes with the figure that triggered it. Not here: errors and backoff (``wiredesk.sources.schedule``),
or what a single page is (``wiredesk.clean.access``).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from wiredesk.sources.schedule import SourceState, health


@dataclass(frozen=True)
class HealthSettings:
    stall_factor: float = 4.0
    stall_floor: timedelta = timedelta(hours=24)
    #: entry dates needed to know a usual gap
    min_entries: int = 5
    #: recent entry dates the usual gap is the median of
    gap_window: int = 20
    recent: int = 5
    ratio: float = 0.5
    #: documents before the recent ones read for the old length
    before_window: int = 20


def _span(delta: timedelta) -> str:
    seconds = delta.total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.0f} s"


def stalled(dates: Sequence[datetime], now: datetime, settings: HealthSettings = HealthSettings()) -> str | None:
    """The figure that makes a source stalled ("no new entry for 5.0 d, usual gap 1.0 h"), or None.
    ``dates``: when its entries appeared, in any order."""
    recent = sorted(set(dates))[-settings.gap_window:]
    if len(recent) < settings.min_entries:
        return None
    gaps = [b - a for a, b in zip(recent, recent[1:], strict=False)]
    gap = timedelta(seconds=statistics.median(g.total_seconds() for g in gaps))
    silence = now - recent[-1]
    if silence <= max(gap * settings.stall_factor, settings.stall_floor):
        return None
    times = f" (x{silence / gap:.0f})" if gap.total_seconds() > 0 else ""
    return f"no new entry for {_span(silence)}, usual gap {_span(gap)}{times}"


def degraded(lengths: Sequence[int], settings: HealthSettings = HealthSettings()) -> str | None:
    """The figure that makes a source degraded ("text 120 chars (median of the last 5), was 2400: 5 %"),
    or None. ``lengths``: characters of text of its documents, oldest first."""
    recent, before = lengths[-settings.recent:], lengths[:-settings.recent][-settings.before_window:]
    if len(recent) < settings.recent or len(before) < settings.recent:
        return None
    now_len, was = statistics.median(recent), statistics.median(before)
    if was <= 0 or now_len >= settings.ratio * was:
        return None
    return (f"text {now_len:.0f} chars (median of the last {len(recent)} pages), was {was:.0f}: "
            f"{100 * now_len / was:.0f} %")


def format_access(states: dict[str, int]) -> str | None:
    """A source's pages that are not articles, as ``sources list`` and ``status`` show them: "consent 2, paywall 1"."""
    return ", ".join(f"{state} {n}" for state, n in sorted(states.items())) or None


@dataclass(frozen=True)
class SourceHealth:
    """One word for a source (new, ok, failing, disabled, off, stalled, degraded) and the figures behind it."""

    word: str
    stalled: str | None = None
    degraded: str | None = None

    @property
    def figure(self) -> str | None:
        return "; ".join(f for f in (self.stalled, self.degraded) if f) or None


def source_health(state: SourceState, enabled: bool, dates: Sequence[datetime], lengths: Sequence[int], now: datetime,
                  settings: HealthSettings = HealthSettings()) -> SourceHealth:
    """The health of one source: errors first (``schedule.health``); a source fetched without error may be
    stalled (only then: a failing feed's silence is its errors') or degraded."""
    if not enabled:
        return SourceHealth("off")
    word = health(state)
    if word in ("disabled", "new"):
        return SourceHealth(word)
    stall = stalled(dates, now, settings) if word == "ok" else None
    degrade = degraded(lengths, settings)
    if word == "ok":
        word = "stalled" if stall else "degraded" if degrade else "ok"
    return SourceHealth(word, stall, degrade)
