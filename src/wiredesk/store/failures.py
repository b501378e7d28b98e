"""The SQL of the ``failures`` table: one row per item that is failing now (not a history), with its attempts
and when to try it again. The decisions (how many attempts, when) are ``wiredesk.domain.retry``'s; this module
reads and writes, in the caller's transaction (a batch's, ``wiredesk.store.writer.write_batch``, or a
reprocess's, ``wiredesk.store.rederive``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import duckdb

from wiredesk.domain.models import Failure
from wiredesk.domain.retry import FailureRecord, RetryPolicy, next_attempts, retry_at
from wiredesk.store.sql import insert_columns


def known_failures(con: duckdb.DuckDBPyConnection, origins: Iterable[str]) -> dict[str, FailureRecord]:
    """The ``failures`` row of each of ``origins`` that failed before."""
    origins = sorted(set(origins))
    if not origins:
        return {}
    rows = con.execute("SELECT origin, attempts, retry_at, content, code_version, first_failed_at FROM failures "
                       "WHERE origin IN (SELECT unnest(?::VARCHAR[]))", [origins]).fetchall()
    return {r[0]: FailureRecord(*r) for r in rows}


def clear_failures(con: duckdb.DuckDBPyConnection, origins: Sequence[str]) -> None:
    """Items stored now: their failure rows go (one row per item that is failing, not a history)."""
    if origins:
        con.execute("DELETE FROM failures WHERE origin IN (SELECT unnest(?::VARCHAR[]))", [list(origins)])


def insert_failures(con: duckdb.DuckDBPyConnection, run_id: int, failures: Sequence[Failure], now: datetime,
                    policy: RetryPolicy = RetryPolicy()) -> None:
    """Record ``failures``, one row per item: a new row, or the item's row with one more attempt (a fresh
    series when its content or the code changed) and when to try it again (``wiredesk.domain.retry``)."""
    latest = {f.origin: f for f in failures}  # an item failing twice in one batch is one attempt
    if not latest:
        return
    before = known_failures(con, latest)
    rows = []
    for origin, f in latest.items():
        record = before.get(origin)
        attempts = next_attempts(record, f, policy.code_version)
        first = record.first_failed_at if record is not None and attempts > 1 else now
        rows.append((f, attempts, retry_at(attempts, f, now, policy), first))
    clear_failures(con, [origin for origin in latest if origin in before])
    insert_columns(con, "failures", {
        "run_id": ("BIGINT", [run_id] * len(rows)),
        "origin": ("VARCHAR", [f.origin for f, *_ in rows]),
        "stage": ("VARCHAR", [f.stage for f, *_ in rows]),
        "reason": ("VARCHAR", [f.reason for f, *_ in rows]),
        "message": ("VARCHAR", [f.message for f, *_ in rows]),
        "failed_at": ("TIMESTAMPTZ", [now] * len(rows)),
        "first_failed_at": ("TIMESTAMPTZ", [first for *_, first in rows]),
        "attempts": ("INTEGER", [a for _, a, _, _ in rows]),
        "retry_at": ("TIMESTAMPTZ", [r for _, _, r, _ in rows]),
        "content": ("VARCHAR", [f.content for f, *_ in rows]),
        "code_version": ("VARCHAR", [policy.code_version] * len(rows)),
    })
