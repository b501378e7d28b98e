"""When an item that failed is tried again: the rule for files, records and pages alike. Pure.

One row of ``failures`` per item (its origin) says how often it failed, when last, with which bytes
(``content``) and which code (``code_version``), and when it may be tried again (``retry_at``):

1. a failure that may pass (``Failure.may_pass``: a timeout, a refused connection, a 5xx or 429, a file
   that could not be read, a page with no text yet behind a consent wall or a script) is tried again: at
   the next run the first time (an outage is often over by then), then after ``retry_backoff_minutes``,
   doubling up to ``retry_max_backoff_minutes``, ``retry_attempts`` attempts in all;
2. any other failure (an empty or binary file, a page refused by robots.txt or by the address guard, a
   404), and one that used up its attempts, waits for new bytes or new code: ``retry_at`` is empty, and
   the item is tried again only when its content or the code version differs from the failed attempt's
   (a page's content is not known before it is fetched: its feed entry changing is what brings it back).

Not here: reading or writing the rows (``wiredesk.store``), or what counts as "may pass" for a fetch
(``wiredesk.net.retries.result_may_pass``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from wiredesk.domain.models import Failure


@dataclass(frozen=True)
class RetryPolicy:
    """The bounds of rule 1 (``[ingest] retry_attempts``, ``retry_backoff_minutes``, ``retry_max_backoff_minutes``)
    and the version of the code (and settings) that failures are recorded with."""

    attempts: int = 5
    backoff: timedelta = timedelta(minutes=15)
    max_backoff: timedelta = timedelta(hours=24)
    code_version: str = ""


@dataclass(frozen=True)
class FailureRecord:
    """An item's row of ``failures``, as the planning stages need it."""

    origin: str
    attempts: int
    retry_at: datetime | None
    content: str | None
    code_version: str | None
    first_failed_at: datetime | None = None


def retry_at(attempts: int, failure: Failure, now: datetime, policy: RetryPolicy) -> datetime | None:
    """When an item that has now failed ``attempts`` times in a row may be tried again (None: only with new
    content or new code)."""
    if not failure.may_pass or attempts >= policy.attempts:
        return None
    if attempts <= 1:
        return now  # the next run
    return now + min(policy.max_backoff, policy.backoff * (2 ** (attempts - 2)))


def next_attempts(record: FailureRecord | None, failure: Failure, code_version: str) -> int:
    """The attempt count to store with ``failure``: one more than before, or 1 when the item failed before
    on other content or other code (a fresh series of attempts)."""
    if record is None:
        return 1
    fresh = record.code_version != code_version or (
        failure.content is not None and record.content is not None and failure.content != record.content)
    return 1 if fresh else record.attempts + 1


def may_try(record: FailureRecord | None, now: datetime, code_version: str, content: str | None = None) -> bool:
    """Whether an item with this failure row is tried (cleaned, fetched) now. ``content``: the item's
    bytes' hash when known before trying (files, records); None for a page not yet fetched."""
    if record is None or record.code_version != code_version:
        return True
    if content is not None and content != record.content:
        return True
    return record.retry_at is not None and record.retry_at <= now


def is_waiting(record: FailureRecord | None, now: datetime, code_version: str) -> bool:
    """A page that failed and waits for its next attempt (``retry_at`` in the future): not fetched now."""
    return (record is not None and record.code_version == code_version and record.retry_at is not None
            and record.retry_at > now)


def has_given_up(record: FailureRecord | None, code_version: str) -> bool:
    """A page that failed for good with this code (no ``retry_at``): fetched again only when its feed entry
    changes."""
    return record is not None and record.code_version == code_version and record.retry_at is None
