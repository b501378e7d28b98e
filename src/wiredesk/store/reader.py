"""``Reader``: a read-only wiredesk database, and the one door every read the commands make goes through.

What ``wiredesk stats``, ``status``, ``search``, ``stories``, ``tables``, ``export`` and ``report`` show comes
through the methods here; the callers format and decide, they send no SQL. A ``Reader`` opens its own
connection with ``open_readonly`` (which waits for a run's batch commit to end) and keeps it to itself;
``Reader.over(con)`` reads one the caller owns (``wiredesk.connect``, ``wiredesk.search``).

What it is: opening and closing (with a damaged or foreign file's errors made one line), the catalog of
tables and views, and one method per read, each handing the connection to the store module that owns that
read's SQL: ``status_reads`` (stats and status), ``story_reads``, ``search_reads``, ``revisits``,
``source_health``, ``exports`` and ``report_queries``. What it is not: the queries themselves, except the
catalog's.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from wiredesk.dedup.settings import DedupSettings
from wiredesk.store import (exports, report_queries, revisits, search_reads, source_health, status_reads,
                            story_reads)
from wiredesk.store.access import READ_WAIT_SECONDS, open_readonly
from wiredesk.store.dbfile import closing_on_error, foreign_error, translate_error
from wiredesk.store.feeds import SourceRow, list_sources
from wiredesk.store.sql import dict_rows, first_row, has_column, has_table

#: The user's tables and views of the open database (not DuckDB's own), tables first; ``$1``: one name or NULL.
_CATALOG_SQL = """
SELECT name, kind, columns, sql FROM (
    SELECT table_name AS name, 'table' AS kind, column_count AS columns, sql FROM duckdb_tables()
    WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
    UNION ALL
    SELECT view_name, 'view', column_count, sql FROM duckdb_views()
    WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
) WHERE $1::VARCHAR IS NULL OR name = $1
ORDER BY kind, name"""
_INDEXES_SQL = ("SELECT table_name, sql FROM duckdb_indexes() WHERE database_name = current_database() "
                "AND schema_name = 'main' ORDER BY index_name")


class Reader:
    """Read-only access to one database. ``Reader.open(path)`` as a context manager, or ``Reader.over(con)``."""

    def __init__(self, con: duckdb.DuckDBPyConnection, *, owned: bool, path: str | Path | None = None):
        self._con = con
        self._owned = owned
        self._path = path

    @classmethod
    def open(cls, path: str | Path, wait: float = READ_WAIT_SECONDS) -> Reader:
        """Open the database at ``path`` read-only (``StoreError`` when there is none, or it is not wiredesk's)."""
        con = open_readonly(path, wait=wait)
        with closing_on_error(con, path):
            if not has_table(con, "schema_migrations"):
                raise foreign_error(path)
        return cls(con, owned=True, path=path)

    @classmethod
    def over(cls, con: duckdb.DuckDBPyConnection) -> Reader:
        """Read through ``con``, a read-only connection the caller keeps and closes."""
        return cls(con, owned=False)

    def close(self) -> None:
        if self._owned:
            self._con.close()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close()
        # the boundary of the store: a damaged file met while reading becomes one line naming it
        translated = translate_error(exc, self._path) if exc is not None and self._path is not None else None
        if translated is not None:
            raise translated from exc


    def has_table(self, name: str) -> bool:
        return has_table(self._con, name)

    def has_column(self, table: str, column: str) -> bool:
        return has_column(self._con, table, column)

    # -- the catalog: tables and views ------------------------------------------------------------------

    def catalog(self, name: str | None = None) -> list[dict[str, Any]]:
        """The tables and views (or the one called ``name``), tables first, by name: ``name``, ``kind`` (table
        or view), ``columns``, ``rows`` (counted), ``sql`` (its CREATE statement) and ``indexes`` (theirs)."""
        rows = dict_rows(self._con, _CATALOG_SQL, [name])
        indexes: dict[str, list[str]] = {}
        for index in dict_rows(self._con, _INDEXES_SQL):
            indexes.setdefault(index["table_name"], []).append(index["sql"])
        for r in rows:
            r["rows"] = first_row(self._con, "SELECT count(*) FROM query_table(?)", [r["name"]])[0]  # the name is bound
            r["indexes"] = indexes.get(r["name"], [])
        return rows

    # -- stats and status (wiredesk.store.status_reads) -------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """What ``wiredesk stats`` prints: documents, paragraphs by role, links by kind, events, sources,
        the last runs and the failures, from the public tables."""
        return status_reads.stats(self._con)

    def last_runs(self, limit: int) -> list[dict[str, Any]]:
        """The newest runs, newest first, with their length in seconds."""
        return status_reads.last_runs(self._con, limit)

    def table_counts(self) -> dict[str, Any]:
        """Current documents, paragraphs, duplicate links and recorded failures."""
        return status_reads.table_counts(self._con)

    def sources_due(self, now: datetime) -> list[dict[str, Any]]:
        """Enabled sources whose next fetch time has come by ``now``."""
        return status_reads.sources_due(self._con, now)

    def sources_failing(self) -> list[dict[str, Any]]:
        """Sources with failures in a row, or disabled, most failures first."""
        return status_reads.sources_failing(self._con)

    def sources(self) -> list[SourceRow]:
        """Every followed source with its configuration and state, by name."""
        return list_sources(self._con)

    def sources_total(self) -> int:
        return first_row(self._con, "SELECT count(*) FROM sources")[0]

    def revisions(self, keys: list[str]) -> tuple[list[dict], list[dict]]:  # a URL's versions; their changes
        return revisits.read_revisions(self._con, keys)

    def source_signals(self) -> tuple[dict, dict]:  # pages not articles by state; entry dates, text lengths
        return source_health.access_by_source(self._con), source_health.source_signals(self._con)

    def revisit_overview(self, now: datetime) -> dict[str, Any] | None:  # None: a database from before the queue
        return revisits.revisit_overview(self._con, now) if self.has_table("revisit_queue") else None

    def site_rule_fallbacks(self) -> list[tuple[str, int]]:  # hosts whose keep selectors matched nothing
        return source_health.site_rule_fallbacks(self._con) if self.has_column("documents", "site_rule") else []

    def near_index_state(self, dedup: DedupSettings) -> dict[str, Any]:
        """The near-duplicate index: its stored signature version, rows and keys, and the current paragraphs
        ``dedup`` makes eligible that it lacks."""
        return status_reads.near_index_state(self._con, dedup)

    def cluster_state(self) -> dict[str, Any]:
        """The duplicate views' stored answers (``wiredesk.store.clusters``): paragraphs never computed or out
        of step with their links, links to a missing paragraph, and where cycles of copy links were cut."""
        return status_reads.cluster_state(self._con)

    def extractor_versions(self) -> list[dict[str, Any]]:
        """Event mentions per extractor version, most first."""
        return status_reads.extractor_versions(self._con)

    def documents_without_page_types(self) -> int:
        """Current documents whose page types were never derived (stored before migration 0030; a reprocess
        of the clean stage fills them)."""
        return status_reads.documents_without_page_types(self._con)

    # -- search (wiredesk.store.search_reads) ------------------------------------------------------------

    def has_search_index(self) -> bool:
        return search_reads.has_search_index(self._con)

    def indexed_documents(self) -> int:
        return search_reads.indexed_documents(self._con)

    def unindexed_documents(self) -> int:
        return search_reads.unindexed_documents(self._con)

    def indexed_languages(self) -> list[str | None]:
        return search_reads.indexed_languages(self._con)

    def search_index_version(self) -> str | None:
        return search_reads.search_index_version(self._con)

    def query_terms(self, query: str) -> list[str]:
        return search_reads.query_terms(self._con, query)

    def search(self, query: str, limit: int = 10) -> duckdb.DuckDBPyRelation:
        """``wiredesk.store.search_reads.search``: the relation reads when consumed; consume it before closing."""
        return search_reads.search(self._con, query, limit)

    # -- stories (wiredesk.store.story_reads) ----------------------------------------------------------

    def has_stories(self) -> bool:
        """Whether this database has the story tables (migration 0007 or later)."""
        return story_reads.has_stories(self._con)

    def documents_without_story(self) -> int:
        """Current document versions with no story (stored before stories existed: ``wiredesk stories-rebuild``)."""
        return story_reads.documents_without_story(self._con)

    def story_versions(self) -> list[dict[str, Any]]:
        """Assigned document versions per story code (``derived_by``), most first."""
        return story_reads.story_versions(self._con)

    def stories(self, since: date | None = None, min_outlets: int = 1, limit: int | None = None
                ) -> duckdb.DuckDBPyRelation:
        """Stories with a document seen on or after ``since`` (publication, else ingestion date) and at least
        ``min_outlets`` outlets, biggest first, as a relation with ``story_reads.STORY_COLUMNS``."""
        return story_reads.stories(self._con, since, min_outlets, limit)

    def story(self, story_id: int) -> dict[str, Any] | None:
        """One row of the ``stories`` view, or None."""
        return story_reads.story(self._con, story_id)

    def story_documents(self, story_id: int) -> duckdb.DuckDBPyRelation:
        """The current documents of one story in time order (published, undated last, then arrival), with
        outlet, title and novel share, as a relation with ``story_reads.STORY_DOCUMENT_COLUMNS``."""
        return story_reads.story_documents(self._con, story_id)

    # -- exports (wiredesk.exports.tables decides what; wiredesk.store.exports has the SQL) -----------------

    def export_prepare(self) -> None:
        exports.use_utc(self._con)

    def export_last_run(self) -> int:
        return exports.last_run(self._con)

    def export_max_key(self, table: exports.ExportTable) -> int:
        return exports.max_key(self._con, table)

    def export_reprocessed_since(self, run: int) -> int | None:
        return exports.reprocessed_since(self._con, run)

    def export_fingerprint(self, table: exports.ExportTable, since: date | None) -> tuple[int, int | None]:
        return exports.fingerprint(self._con, table, since)

    def export_copy(self, dest: Path, table: exports.ExportTable, fmt: str, stem: str, *, since: date | None = None,
                    ids: tuple[int, int] | None = None) -> tuple[int, tuple[str, ...]]:
        return exports.copy_rows(self._con, dest, table, fmt, stem, since=since, ids=ids)

    # -- report (wiredesk.report draws; wiredesk.store.report_queries has the SQL) ------------------------

    def report_rows(self, since: date | None, until: date | None, *, stories: int, events: int,
                    mentions_per_event: int, runs: int, places: int) -> dict[str, Any]:
        """Everything ``wiredesk report`` draws for the window ``since``..``until`` (inclusive, None: open),
        at most ``stories`` stories, ``events`` events with ``mentions_per_event`` sentences each, ``runs`` runs
        and ``places`` points on the map."""
        q, con = report_queries, self._con
        rows: dict[str, Any] = {
            "totals": q.totals(con, since, until),
            "documents_by_outlet_day": q.documents_by_outlet_day(con, since, until),
            "stories_by_day": q.stories_by_day(con, since, until, stories),
            "copy_edges": q.copy_edges(con, since, until),
            "novelty_by_outlet": q.novelty_by_outlet(con, since, until),
            "events": q.events(con, since, until, events),
            "event_places": q.event_places(con, since, until, places),
            "sources_health": q.sources_health(con),
            "fetches_by_day": q.fetches_by_day(con, since, until),
            "runs": q.runs(con, since, until, runs),
            "failure_reasons": q.failure_reasons(con, since, until),
            "revisits_by_run": q.revisits_by_run(con, since, until, runs),
            "site_rule_fallbacks": q.site_rule_fallbacks(con, since, until),
        }
        access = source_health.access_by_source(con) if self.has_table("page_access") else {}
        for s in rows["sources_health"]:  # pages not the article when last fetched, by state
            s["not_articles"] = access.get(s["source_id"], {})
        rows["event_mentions"] = q.event_mentions(con, [e["event_id"] for e in rows["events"]], mentions_per_event)
        return rows

    def run_additions(self, run_id: int, limit: int = 10) -> dict[str, Any]:
        """What run ``run_id`` added: documents per outlet, the events it wrote, copies per pair of outlets."""
        return report_queries.run_additions(self._con, run_id, limit)


def search(con: duckdb.DuckDBPyConnection, query: str, limit: int = 10) -> duckdb.DuckDBPyRelation:
    """``Reader.search`` through ``con``, a read-only connection the caller keeps (``wiredesk.search``)."""
    return Reader.over(con).search(query, limit)


def query_terms(con: duckdb.DuckDBPyConnection, query: str) -> list[str]:
    """``Reader.query_terms`` through ``con``: the index terms of ``query``."""
    return Reader.over(con).query_terms(query)
