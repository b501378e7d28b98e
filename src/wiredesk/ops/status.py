"""The health of one wiredesk database, read-only: what ``wiredesk status`` shows.

``collect_status`` reads a read-only DuckDB connection (plus the file's size and run lock) and returns
plain data (a dict ready for JSON): the last runs, whether a run is writing now, the sources due now,
the failing sources, the database size and the health of the near-duplicate index and event tables.
It decides nothing and writes nothing; ``cli_status`` prints it.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

from wiredesk.domain.settings import Settings
from wiredesk.store.access import lock_is_held, read_holder

#: Last runs shown.
LAST_RUNS = 5


def _rows(con, sql: str, params: list | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _has_table(con, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[0])


def file_sizes(db_path: str) -> dict[str, int]:
    """Bytes of the database file and of its write-ahead log (present while a write is unfinished)."""
    sizes = {}
    for label, path in (("database_bytes", Path(db_path)), ("wal_bytes", Path(f"{db_path}.wal"))):
        try:
            sizes[label] = os.path.getsize(path)
        except OSError:
            sizes[label] = 0
    return sizes


def collect_status(con, settings: Settings, now: datetime) -> dict[str, Any]:
    """Everything ``wiredesk status`` shows, for the database at ``settings.db_path``."""
    db = settings.db_path
    held = lock_is_held(db)
    holder = read_holder(db) if held else None
    status: dict[str, Any] = {
        "database": str(db),
        **file_sizes(db),
        "run_in_progress": holder.describe() if holder else ("yes (holder unknown)" if held else None),
        "last_runs": _rows(con, f"""
            SELECT run_id, status, started_at, finished_at,
                   round(epoch(finished_at) - epoch(started_at), 1) AS seconds,
                   documents_new, documents_updated, items_failed, duplicates_new, error
            FROM runs ORDER BY run_id DESC LIMIT {LAST_RUNS}"""),
        "counts": _rows(con, """
            SELECT (SELECT count(*) FROM documents WHERE is_current) AS documents_current,
                   (SELECT count(*) FROM paragraphs) AS paragraphs,
                   (SELECT count(*) FROM duplicates) AS duplicate_links,
                   (SELECT count(*) FROM failures) AS failures""")[0],
    }
    if _has_table(con, "sources"):
        status["sources_due"] = _rows(con, """
            SELECT name, kind, next_fetch_at, consecutive_failures FROM sources
            WHERE enabled AND disabled_reason IS NULL AND (next_fetch_at IS NULL OR next_fetch_at <= ?)
            ORDER BY next_fetch_at NULLS FIRST, name""", [now])
        status["sources_failing"] = _rows(con, """
            SELECT name, consecutive_failures, last_status, coalesce(disabled_reason, last_error) AS last_error,
                   last_success_at, next_fetch_at, disabled_reason IS NOT NULL AS disabled
            FROM sources WHERE consecutive_failures > 0 OR disabled_reason IS NOT NULL
            ORDER BY consecutive_failures DESC, name""")
        status["sources_total"] = con.execute("SELECT count(*) FROM sources").fetchone()[0]
    status["index"] = index_health(con, settings)
    return status


def index_health(con, settings: Settings) -> dict[str, Any]:
    """Near-duplicate index and event tables: is anything missing or built with other settings?"""
    dedup = settings.dedup
    stored = con.execute("SELECT signature_version FROM dedup_index").fetchone() if _has_table(con, "dedup_index") else None
    stored_version = stored[0] if stored else None
    eligible, not_indexed = con.execute(
        """
        SELECT count(*), count(*) FILTER (WHERE dp.paragraph_id IS NULL)
        FROM paragraphs p JOIN documents d ON d.document_id = p.document_id
        LEFT JOIN dedup_paragraphs dp ON dp.paragraph_id = p.paragraph_id
        WHERE d.is_current AND p.role IN (SELECT unnest(?::VARCHAR[])) AND length(p.text) >= ?
        """, [list(dedup.roles), dedup.min_chars]).fetchone()
    health: dict[str, Any] = {
        "near_index_rows": con.execute("SELECT count(*) FROM dedup_paragraphs").fetchone()[0],
        "near_index_keys": con.execute("SELECT count(*) FROM dedup_keys").fetchone()[0],
        "near_eligible_paragraphs": eligible,
        "near_not_indexed": not_indexed,
        "near_signature_matches": stored_version is None or stored_version == dedup.signature_version,
    }
    problems = []
    if not health["near_signature_matches"]:
        problems.append("near-duplicate index built with other [dedup] settings: run `wiredesk dedup-rebuild`")
    if not_indexed:
        problems.append(f"{not_indexed} current paragraphs missing from the near-duplicate index: run `wiredesk dedup-rebuild`")
    if _has_table(con, "event_mention_rows"):
        versions = _rows(con, "SELECT extractor, count(*) AS mentions FROM event_mention_rows GROUP BY 1 ORDER BY 2 DESC")
        health["event_extractors"] = versions
        if len(versions) > 1:
            problems.append(f"event mentions come from {len(versions)} extractor versions (older documents were not re-extracted)")
    health["problems"] = problems
    return health
