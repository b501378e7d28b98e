"""What ``wiredesk stats`` and ``wiredesk status`` read: the state of one database at a glance.

Functions over a read-only connection (``Reader`` delegates to them): the counts of ``stats``, the last runs,
the sources due and failing, the near-duplicate index and the duplicate views' stored answers against what
they should hold, the extractor versions of the stored mentions and the documents whose page types (what the
events' page-kind gate reads) were never derived. Each is one small query or a handful;
the callers (``wiredesk.ops.status``, ``wiredesk.cli.status``) decide what is healthy and format.

What it is not: the stories' reads (``wiredesk.store.story_reads``), the search index's
(``wiredesk.store.search_reads``), the revisit queue's (``wiredesk.store.revisits``) or the sources' health
signals (``wiredesk.store.source_health``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb

from wiredesk.dedup.settings import DedupSettings
from wiredesk.store import clusters
from wiredesk.store.sql import dict_rows, first_row, has_column, has_table


def stats(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """What ``wiredesk stats`` prints: documents, paragraphs by role, links by kind, events, sources,
    the last runs and the failures, from the public tables."""
    out: dict[str, Any] = {"schema_version": first_row(con, "SELECT max(version) FROM schema_migrations")[0]}
    out["documents"], out["documents_current"], out["sources"] = first_row(
        con, "SELECT count(*), count(*) FILTER (WHERE is_current), count(DISTINCT source) FROM documents")
    out["paragraphs_by_role"] = dict(con.execute("SELECT role, count(*) FROM paragraphs GROUP BY role").fetchall())
    out["duplicates_by_kind"] = con.execute(
        "SELECT kind, count(*) FROM duplicates GROUP BY kind ORDER BY kind").fetchall()
    out["events"] = first_row(con, "SELECT count(*) FROM events")[0]
    out["event_mentions"] = first_row(con, "SELECT count(*) FROM event_mentions")[0]
    out["entities"] = first_row(con, "SELECT count(*) FROM entities")[0]
    out["sources_followed"], out["sources_failing"], out["sources_disabled"] = first_row(
        con, "SELECT count(*), count(*) FILTER (WHERE consecutive_failures > 0 AND disabled_reason IS NULL), "
        "count(*) FILTER (WHERE disabled_reason IS NOT NULL OR NOT enabled) FROM sources")
    out["top_sources"] = con.execute(
        "SELECT coalesce(source, '(unknown)'), count(*) n FROM documents WHERE is_current GROUP BY 1 "
        "ORDER BY n DESC, 1 LIMIT 5").fetchall()
    out["runs"] = first_row(con, "SELECT count(*) FROM runs")[0]
    out["latest_runs"] = con.execute(
        "SELECT run_id, status, started_at, documents_new, items_unchanged, items_failed, event_documents_skipped, "
        "event_documents_not_news FROM runs ORDER BY run_id DESC LIMIT 5").fetchall()
    out["failures"] = first_row(con, "SELECT count(*) FROM failures")[0]
    out["failure_reasons"] = con.execute(
        "SELECT reason, count(*) n FROM failures GROUP BY 1 ORDER BY n DESC LIMIT 5").fetchall()
    return out


def last_runs(con: duckdb.DuckDBPyConnection, limit: int) -> list[dict[str, Any]]:
    """The newest runs, newest first, with their length in seconds."""
    return dict_rows(con, """
        SELECT run_id, status, started_at, finished_at, round(epoch(finished_at) - epoch(started_at), 1) AS seconds,
               documents_new, documents_updated, items_failed, duplicates_new, event_documents_skipped,
               event_documents_not_news, error
        FROM runs ORDER BY run_id DESC LIMIT ?""", [limit])


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Current documents, paragraphs, duplicate links and recorded failures."""
    return dict_rows(con, """
        SELECT (SELECT count(*) FROM documents WHERE is_current) AS documents_current,
               (SELECT count(*) FROM paragraphs) AS paragraphs, (SELECT count(*) FROM duplicates) AS duplicate_links,
               (SELECT count(*) FROM failures) AS failures""")[0]


def sources_due(con: duckdb.DuckDBPyConnection, now: datetime) -> list[dict[str, Any]]:
    """Enabled sources whose next fetch time has come by ``now``."""
    return dict_rows(con, """
        SELECT name, kind, next_fetch_at, consecutive_failures FROM sources WHERE enabled AND disabled_reason IS NULL
        AND (next_fetch_at IS NULL OR next_fetch_at <= ?) ORDER BY next_fetch_at NULLS FIRST, name""", [now])


def sources_failing(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Sources with failures in a row, or disabled, most failures first."""
    return dict_rows(con, """
        SELECT name, consecutive_failures, last_status, coalesce(disabled_reason, last_error) AS last_error,
               last_success_at, next_fetch_at, disabled_reason IS NOT NULL AS disabled
        FROM sources WHERE consecutive_failures > 0 OR disabled_reason IS NOT NULL
        ORDER BY consecutive_failures DESC, name""")


def near_index_state(con: duckdb.DuckDBPyConnection, dedup: DedupSettings) -> dict[str, Any]:
    """The near-duplicate index: its stored signature version, rows and keys, and the current paragraphs
    ``dedup`` makes eligible that it lacks."""
    stored = first_row(con, "SELECT signature_version FROM dedup_index") if has_table(con, "dedup_index") else None
    eligible, not_indexed = first_row(con, """
        SELECT count(*), count(*) FILTER (WHERE dp.paragraph_id IS NULL)
        FROM paragraphs p JOIN documents d ON d.document_id = p.document_id
        LEFT JOIN dedup_paragraphs dp ON dp.paragraph_id = p.paragraph_id
        WHERE d.is_current AND p.role IN (SELECT unnest(?::VARCHAR[])) AND length(p.text) >= ?
        """, [list(dedup.roles), dedup.min_chars])
    return {
        "signature_version": stored[0] if stored else None,
        "rows": first_row(con, "SELECT count(*) FROM dedup_paragraphs")[0],
        "keys": first_row(con, "SELECT count(*) FROM dedup_keys")[0],
        "eligible": eligible,
        "not_indexed": not_indexed,
    }


def cluster_state(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The duplicate views' stored answers (``wiredesk.store.clusters``): paragraphs never computed or out
    of step with their links, links to a missing paragraph, and where cycles of copy links were cut; ``{}`` for
    a database from before them."""
    if not has_column(con, "paragraphs", "cluster_id"):
        return {}
    return {
        "not_computed": first_row(con, clusters.NOT_COMPUTED)[0],
        "out_of_step": first_row(con, clusters.OUT_OF_STEP)[0],
        "dangling_links": first_row(con, clusters.DANGLING)[0],
        "cycles_cut_at": [r["paragraph_id"] for r in dict_rows(con, clusters.CUT)],
    }


def documents_without_page_types(con: duckdb.DuckDBPyConnection) -> int:
    """Current documents whose page types were never derived (``documents.page_types`` NULL: stored before
    migration 0030, page_kinds, and not re-cleaned since); 0 for a database from before the column."""
    if not has_column(con, "documents", "page_types"):
        return 0
    return first_row(con, "SELECT count(*) FROM documents WHERE is_current AND page_types IS NULL")[0]


def extractor_versions(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Event mentions per extractor version, most first."""
    return dict_rows(con, "SELECT extractor, count(*) AS mentions FROM event_mention_rows GROUP BY 1 ORDER BY 2 DESC")
