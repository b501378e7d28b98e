"""When to fetch a source next, from its own signals and its failures. Pure: ``now`` is always passed in.

After a successful fetch (2xx or 304) the next fetch is ``now + interval`` where the interval is
1. the source's configured interval, lengthened (never shortened) when the feed publishes rarely: half
   the median gap between its recent entries, capped at ``max_interval``;
2. never shorter than what the feed asks for: RSS ``<ttl>`` and ``Cache-Control: max-age``.

After a failure, exponential backoff with jitter: ``base_backoff * 2**(failures-1)`` capped at
``max_backoff``, then "equal jitter" (half fixed, half random) from a ``random.Random`` seeded with the
source key and the failure count, so a schedule is reproducible and sources failing together spread out.
``Retry-After`` on 429/503 is honoured (as a minimum). 410 Gone disables the source with a reason.
Nothing is dropped silently: a failing source keeps being retried at ``max_backoff`` and its
``consecutive_failures`` and ``last_error`` stay visible (``health``).
"""

from __future__ import annotations

import random
import re
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

SCHEDULE_VERSION = "schedule/1"


@dataclass(frozen=True)
class ScheduleSettings:
    max_interval: timedelta = timedelta(hours=24)
    base_backoff: timedelta = timedelta(minutes=5)
    max_backoff: timedelta = timedelta(hours=12)
    #: recent entry dates considered for the publishing frequency
    frequency_window: int = 20


@dataclass(frozen=True)
class SourceState:
    """Per-source state, stored with the data it produced. All datetimes aware UTC."""

    etag: str | None = None
    last_modified: str | None = None
    next_fetch_at: datetime | None = None  # None: due now
    last_fetch_at: datetime | None = None
    last_success_at: datetime | None = None
    last_status: int | None = None
    consecutive_failures: int = 0
    last_error: str | None = None
    disabled_reason: str | None = None  # set: never fetched until re-enabled
    feed_url: str | None = None  # where to fetch: found by autodiscovery (site), or after a 301/308

    @property
    def disabled(self) -> bool:
        return self.disabled_reason is not None


@dataclass(frozen=True)
class FetchOutcome:
    """What the scheduler needs from a fetch (see ``wiredesk.net.http.FetchResult``)."""

    status: int | None
    error: str | None = None  # FetchError/FeedError reason
    message: str | None = None
    headers: Mapping[str, str] | None = None
    feed_ttl_minutes: int | None = None
    entry_dates: tuple[datetime, ...] = ()


def is_due(state: SourceState, now: datetime) -> bool:
    return not state.disabled and (state.next_fetch_at is None or state.next_fetch_at <= now)


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """``Retry-After`` as seconds or an HTTP date (RFC 9110 10.2.3); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(timedelta(0), when - now)


def parse_max_age(cache_control: str | None) -> timedelta | None:
    """``max-age`` of a ``Cache-Control`` header; None when absent or when caching is refused."""
    if not cache_control:
        return None
    directives = cache_control.lower()
    if "no-store" in directives:
        return None
    m = re.search(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)", directives)
    return timedelta(seconds=int(m.group(1))) if m else None


def publishing_gap(dates: Iterable[datetime], window: int) -> timedelta | None:
    """Median gap between the most recent ``window`` distinct entry dates, or None with fewer than 3."""
    recent = sorted(set(dates), reverse=True)[:window]
    if len(recent) < 3:
        return None
    gaps = [(a - b).total_seconds() for a, b in zip(recent, recent[1:], strict=False)]
    return timedelta(seconds=statistics.median(gaps))


def success_interval(interval: timedelta, outcome: FetchOutcome, now: datetime,
                     settings: ScheduleSettings) -> timedelta:
    chosen = interval
    gap = publishing_gap(outcome.entry_dates, settings.frequency_window)
    if gap is not None:
        chosen = max(chosen, min(gap / 2, settings.max_interval))
    headers = outcome.headers or {}
    floors = [parse_max_age(headers.get("cache-control"))]
    if outcome.feed_ttl_minutes:
        floors.append(timedelta(minutes=outcome.feed_ttl_minutes))
    for floor in floors:
        if floor is not None:
            chosen = max(chosen, min(floor, settings.max_interval))
    return chosen


def backoff_delay(failures: int, seed_key: str, settings: ScheduleSettings) -> timedelta:
    """Exponential backoff with equal jitter, deterministic for (``seed_key``, ``failures``)."""
    exp = settings.base_backoff * (2 ** max(0, min(failures - 1, 30)))
    capped = min(exp, settings.max_backoff)
    rng = random.Random(f"{seed_key}#{failures}")
    return capped / 2 + capped / 2 * rng.random()


def after_fetch(state: SourceState, outcome: FetchOutcome, *, now: datetime, interval: timedelta,
                seed_key: str, settings: ScheduleSettings | None = None) -> SourceState:
    """The source's state after one fetch attempt with ``outcome``."""
    settings = settings or ScheduleSettings()
    headers = outcome.headers or {}
    ok = outcome.error is None and outcome.status is not None and (200 <= outcome.status < 300 or outcome.status == 304)
    if ok:
        return replace(
            state,
            etag=headers.get("etag", state.etag if outcome.status == 304 else None),
            last_modified=headers.get("last-modified", state.last_modified if outcome.status == 304 else None),
            next_fetch_at=now + success_interval(interval, outcome, now, settings),
            last_fetch_at=now, last_success_at=now, last_status=outcome.status,
            consecutive_failures=0, last_error=None,
        )
    failures = state.consecutive_failures + 1
    error = outcome.message or outcome.error or f"HTTP {outcome.status}"
    if outcome.status == 410:
        return replace(state, last_fetch_at=now, last_status=410, consecutive_failures=failures,
                       last_error=error, next_fetch_at=None, disabled_reason="gone: HTTP 410")
    delay = backoff_delay(failures, seed_key, settings)
    if outcome.status in (429, 503):
        retry_after = parse_retry_after(headers.get("retry-after"), now)
        if retry_after is not None:
            delay = max(delay, min(retry_after, settings.max_backoff * 2))
    delay = max(delay, min(interval, settings.max_backoff))
    return replace(state, next_fetch_at=now + delay, last_fetch_at=now, last_status=outcome.status,
                   consecutive_failures=failures, last_error=error)


def health(state: SourceState) -> str:
    """One word for ``wiredesk sources list``: new, ok, failing, disabled."""
    if state.disabled:
        return "disabled"
    if state.last_fetch_at is None:
        return "new"
    return "failing" if state.consecutive_failures else "ok"
