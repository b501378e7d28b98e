"""The SQL of access states and source health: the rows of ``page_access``, and what each source's health
is decided from (``wiredesk.sources.health`` decides; this module only reads and writes).

- ``write_page_access``: one row per fetched page cleaned in a batch (its access state), in the batch's
  transaction (``wiredesk.store.writer.write_batch``);
- ``access_by_source``: per source, how many pages are, as last fetched, not an article, by state;
- ``source_signals``: per source, the dates its entries appeared (publication date, else the start of the
  run that first saw them) and the text length of its documents' first versions, oldest first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb

from wiredesk.domain.versions import ACCESS_VERSION
from wiredesk.store.sql import insert_columns

#: Recent entry dates and document lengths read per source (the decisions look at fewer).
SIGNAL_WINDOW = 40


@dataclass(frozen=True)
class PageAccess:
    """The access state of one fetched page, as ``page_access`` stores it."""

    origin: str
    source_id: int | None
    state: str
    reason: str | None
    raw_sha256: str


def write_page_access(con: duckdb.DuckDBPyConnection, run_id: int, rows: Sequence[PageAccess], now: datetime) -> None:
    if not rows:
        return
    insert_columns(con, "page_access", {
        "run_id": ("BIGINT", [run_id] * len(rows)),
        "source_id": ("BIGINT", [r.source_id for r in rows]),
        "origin": ("VARCHAR", [r.origin for r in rows]),
        "state": ("VARCHAR", [r.state for r in rows]),
        "reason": ("VARCHAR", [r.reason for r in rows]),
        "raw_sha256": ("VARCHAR", [r.raw_sha256 for r in rows]),
        "checked_at": ("TIMESTAMPTZ", [now] * len(rows)),
        "derived_by": ("VARCHAR", [ACCESS_VERSION] * len(rows)),
    })


def access_by_source(con: duckdb.DuckDBPyConnection) -> dict[int, dict[str, int]]:
    """``{source_id: {state: pages}}``: each source's pages whose latest access row is not an article."""
    rows = con.execute("""
        WITH latest AS (
            SELECT source_id, origin, arg_max(state, checked_at) AS state
            FROM page_access WHERE source_id IS NOT NULL GROUP BY source_id, origin)
        SELECT source_id, state, count(*) FROM latest WHERE state <> 'article'
        GROUP BY source_id, state ORDER BY source_id, state""").fetchall()
    out: dict[int, dict[str, int]] = {}
    for source_id, state, n in rows:
        out.setdefault(source_id, {})[state] = n
    return out


def source_signals(con: duckdb.DuckDBPyConnection) -> dict[int, tuple[list[datetime], list[int]]]:
    """``{source_id: (entry dates, document lengths)}``, each the latest ``SIGNAL_WINDOW``, oldest first:
    when each entry appeared (its document's publication date, else when a run first saw it), and the
    characters of text of each document's first version, in the order they were stored."""
    entries = con.execute("""
        WITH e AS (
            SELECT source_id, doc_key, min(first_seen_run) AS first_run FROM feed_entries GROUP BY source_id, doc_key),
        dated AS (
            SELECT e.source_id, e.doc_key, coalesce(d.published_at, r.started_at) AS seen_at,
                   length(d.text) AS chars, d.ingested_at, d.document_id
            FROM e JOIN runs r ON r.run_id = e.first_run
            LEFT JOIN documents d ON d.doc_key = e.doc_key AND d.version = 1),
        ranked AS (
            SELECT *, row_number() OVER (PARTITION BY source_id ORDER BY seen_at DESC) AS by_date,
                      row_number() OVER (PARTITION BY source_id ORDER BY ingested_at DESC NULLS LAST, document_id DESC) AS by_store
            FROM dated)
        SELECT source_id,
               list(seen_at ORDER BY seen_at) FILTER (WHERE by_date <= ?),
               list(chars ORDER BY ingested_at, document_id) FILTER (WHERE chars IS NOT NULL AND by_store <= ?)
        FROM ranked GROUP BY source_id""", [SIGNAL_WINDOW, SIGNAL_WINDOW]).fetchall()
    return {sid: (list(dates or []), list(chars or [])) for sid, dates, chars in entries}


def site_rule_fallbacks(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """``(host, current documents)`` whose site rule's keep selectors matched nothing (``documents.site_rule
    = 'keep_unmatched'``: generic extraction, the rule needs a look), most first."""
    return con.execute("SELECT coalesce(host, '(no host)'), count(*) AS n FROM documents "
                       "WHERE is_current AND site_rule = 'keep_unmatched' GROUP BY 1 ORDER BY n DESC, 1").fetchall()
