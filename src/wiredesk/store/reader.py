"""``Reader``: a read-only wiredesk database, and every read the commands make of it.

What ``wiredesk stats``, ``status``, ``search``, ``stories`` and ``export`` show comes from the methods here
(the export's ``COPY`` is ``wiredesk.store.exports``'s); the callers format and decide, they send no SQL. A
``Reader`` opens its own connection with ``open_readonly`` (which waits for a run's batch commit to end) and
keeps it to itself; ``Reader.over(con)`` reads one the caller owns (``wiredesk.connect``, ``wiredesk.search``).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from wiredesk.dedup.settings import DedupSettings
from wiredesk.domain.errors import StoreError
from wiredesk.store import clusters, exports, report_queries, revisits, search_reads, source_health
from wiredesk.store.access import READ_WAIT_SECONDS, open_readonly
from wiredesk.store.dbfile import foreign_error, translate_error
from wiredesk.store.feeds import SourceRow, list_sources


def _has_schema(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations' "
                            "AND table_catalog = current_database()").fetchone()[0])

#: The columns of ``Reader.stories`` and ``Reader.story_documents`` (``wiredesk stories``, the Python API).
STORY_COLUMNS = ("story_id", "n_documents", "n_outlets", "first_seen", "last_seen", "first_outlet", "title",
                 "top_names")
STORY_DOCUMENT_COLUMNS = ("published_at", "outlet", "title", "novel_share", "method", "similarity", "document_id",
                          "url")

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
        try:
            if not _has_schema(con):
                raise foreign_error(path)
        except BaseException as exc:
            con.close()
            translated = translate_error(exc, path)
            if translated is not None:
                raise translated from exc
            raise
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

    def _rows(self, sql: str, params: list | None = None) -> list[dict[str, Any]]:
        cur = self._con.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def _one(self, sql: str, params: list | None = None) -> tuple:
        # fetchall, not fetchone: a result left unfinished would block the relations of stories() and search()
        rows = self._con.execute(sql, params or []).fetchall()
        return rows[0] if rows else None

    def has_table(self, name: str) -> bool:
        return bool(self._one("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name])[0])

    # -- the catalog: tables and views ------------------------------------------------------------------

    def catalog(self, name: str | None = None) -> list[dict[str, Any]]:
        """The tables and views (or the one called ``name``), tables first, by name: ``name``, ``kind`` (table
        or view), ``columns``, ``rows`` (counted), ``sql`` (its CREATE statement) and ``indexes`` (theirs)."""
        rows = self._rows(_CATALOG_SQL, [name])
        indexes: dict[str, list[str]] = {}
        for index in self._rows(_INDEXES_SQL):
            indexes.setdefault(index["table_name"], []).append(index["sql"])
        for r in rows:
            r["rows"] = self._one("SELECT count(*) FROM query_table(?)", [r["name"]])[0]  # the name is bound
            r["indexes"] = indexes.get(r["name"], [])
        return rows

    # -- stats --------------------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """What ``wiredesk stats`` prints: documents, paragraphs by role, links by kind, events, sources,
        the last runs and the failures, from the public tables."""
        out: dict[str, Any] = {"schema_version": self._one("SELECT max(version) FROM schema_migrations")[0]}
        out["documents"], out["documents_current"], out["sources"] = self._one(
            "SELECT count(*), count(*) FILTER (WHERE is_current), count(DISTINCT source) FROM documents")
        out["paragraphs_by_role"] = dict(self._con.execute("SELECT role, count(*) FROM paragraphs GROUP BY role").fetchall())
        out["duplicates_by_kind"] = self._con.execute(
            "SELECT kind, count(*) FROM duplicates GROUP BY kind ORDER BY kind").fetchall()
        out["events"] = self._one("SELECT count(*) FROM events")[0]
        out["event_mentions"] = self._one("SELECT count(*) FROM event_mentions")[0]
        out["entities"] = self._one("SELECT count(*) FROM entities")[0]
        out["sources_followed"], out["sources_failing"], out["sources_disabled"] = self._one(
            "SELECT count(*), count(*) FILTER (WHERE consecutive_failures > 0 AND disabled_reason IS NULL), "
            "count(*) FILTER (WHERE disabled_reason IS NOT NULL OR NOT enabled) FROM sources")
        out["top_sources"] = self._con.execute(
            "SELECT coalesce(source, '(unknown)'), count(*) n FROM documents WHERE is_current GROUP BY 1 "
            "ORDER BY n DESC, 1 LIMIT 5").fetchall()
        out["runs"] = self._one("SELECT count(*) FROM runs")[0]
        out["latest_runs"] = self._con.execute(
            "SELECT run_id, status, started_at, documents_new, items_unchanged, items_failed, event_documents_skipped "
            "FROM runs ORDER BY run_id DESC LIMIT 5").fetchall()
        out["failures"] = self._one("SELECT count(*) FROM failures")[0]
        out["failure_reasons"] = self._con.execute(
            "SELECT reason, count(*) n FROM failures GROUP BY 1 ORDER BY n DESC LIMIT 5").fetchall()
        return out

    # -- status -------------------------------------------------------------------------------------

    def last_runs(self, limit: int) -> list[dict[str, Any]]:
        """The newest runs, newest first, with their length in seconds."""
        return self._rows("""
            SELECT run_id, status, started_at, finished_at, round(epoch(finished_at) - epoch(started_at), 1) AS seconds,
                   documents_new, documents_updated, items_failed, duplicates_new, event_documents_skipped, error
            FROM runs ORDER BY run_id DESC LIMIT ?""", [limit])

    def table_counts(self) -> dict[str, Any]:
        """Current documents, paragraphs, duplicate links and recorded failures."""
        return self._rows("""
            SELECT (SELECT count(*) FROM documents WHERE is_current) AS documents_current,
                   (SELECT count(*) FROM paragraphs) AS paragraphs, (SELECT count(*) FROM duplicates) AS duplicate_links,
                   (SELECT count(*) FROM failures) AS failures""")[0]

    def sources_due(self, now: datetime) -> list[dict[str, Any]]:
        """Enabled sources whose next fetch time has come by ``now``."""
        return self._rows("""
            SELECT name, kind, next_fetch_at, consecutive_failures FROM sources WHERE enabled AND disabled_reason IS NULL
            AND (next_fetch_at IS NULL OR next_fetch_at <= ?) ORDER BY next_fetch_at NULLS FIRST, name""", [now])

    def sources_failing(self) -> list[dict[str, Any]]:
        """Sources with failures in a row, or disabled, most failures first."""
        return self._rows("""
            SELECT name, consecutive_failures, last_status, coalesce(disabled_reason, last_error) AS last_error,
                   last_success_at, next_fetch_at, disabled_reason IS NOT NULL AS disabled
            FROM sources WHERE consecutive_failures > 0 OR disabled_reason IS NOT NULL
            ORDER BY consecutive_failures DESC, name""")

    def sources(self) -> list[SourceRow]:
        """Every followed source with its configuration and state, by name."""
        return list_sources(self._con)

    def sources_total(self) -> int:
        return self._one("SELECT count(*) FROM sources")[0]

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
        stored = self._one("SELECT signature_version FROM dedup_index") if self.has_table("dedup_index") else None
        eligible, not_indexed = self._one(
            """
            SELECT count(*), count(*) FILTER (WHERE dp.paragraph_id IS NULL)
            FROM paragraphs p JOIN documents d ON d.document_id = p.document_id
            LEFT JOIN dedup_paragraphs dp ON dp.paragraph_id = p.paragraph_id
            WHERE d.is_current AND p.role IN (SELECT unnest(?::VARCHAR[])) AND length(p.text) >= ?
            """, [list(dedup.roles), dedup.min_chars])
        return {
            "signature_version": stored[0] if stored else None,
            "rows": self._one("SELECT count(*) FROM dedup_paragraphs")[0],
            "keys": self._one("SELECT count(*) FROM dedup_keys")[0],
            "eligible": eligible,
            "not_indexed": not_indexed,
        }

    def cluster_state(self) -> dict[str, Any]:
        """The duplicate views' stored answers (``wiredesk.store.clusters``): paragraphs never computed or out
        of step with their links, links to a missing paragraph, and where cycles of copy links were cut."""
        if not self.has_column("paragraphs", "cluster_id"):
            return {}
        return {
            "not_computed": self._one(clusters.NOT_COMPUTED)[0],
            "out_of_step": self._one(clusters.OUT_OF_STEP)[0],
            "dangling_links": self._one(clusters.DANGLING)[0],
            "cycles_cut_at": [r["paragraph_id"] for r in self._rows(clusters.CUT)],
        }

    def has_column(self, table: str, column: str) -> bool:
        return bool(self._one("SELECT count(*) FROM information_schema.columns WHERE table_name = ? AND column_name = ?",
                              [table, column])[0])

    def extractor_versions(self) -> list[dict[str, Any]]:
        """Event mentions per extractor version, most first."""
        return self._rows("SELECT extractor, count(*) AS mentions FROM event_mention_rows GROUP BY 1 ORDER BY 2 DESC")

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

    # -- stories ------------------------------------------------------------------------------------

    def has_stories(self) -> bool:
        """Whether this database has the story tables (migration 0007 or later)."""
        return self.has_table("story_assignments")

    def documents_without_story(self) -> int:
        """Current document versions with no story (stored before stories existed: ``wiredesk stories-rebuild``)."""
        return self._one("SELECT count(*) FROM documents d WHERE d.is_current AND NOT EXISTS "
                         "(SELECT 1 FROM story_assignments a WHERE a.document_id = d.document_id)")[0]

    def story_versions(self) -> list[dict[str, Any]]:
        """Assigned document versions per story code (``derived_by``), most first."""
        return self._rows("SELECT derived_by, count(*) AS documents FROM story_assignments GROUP BY 1 ORDER BY 2 DESC")

    def stories(self, since: date | None = None, min_outlets: int = 1, limit: int | None = None
                ) -> duckdb.DuckDBPyRelation:
        """Stories with a document seen on or after ``since`` (publication, else ingestion date) and at least
        ``min_outlets`` outlets, biggest first, as a relation with ``STORY_COLUMNS``."""
        self._require_stories()
        return self._con.sql(
            """
            SELECT story_id, n_documents, n_outlets, first_seen, last_seen, first_outlet, title, top_names
            FROM stories
            WHERE ($since IS NULL OR last_seen >= $since::DATE) AND n_outlets >= $min_outlets
            ORDER BY n_documents DESC, n_outlets DESC, first_seen, story_id
            LIMIT $limit
            """, params={"since": since, "min_outlets": min_outlets, "limit": limit})

    def story(self, story_id: int) -> dict[str, Any] | None:
        """One row of the ``stories`` view, or None."""
        self._require_stories()
        rows = self._rows("SELECT * FROM stories WHERE story_id = ?", [story_id])
        return rows[0] if rows else None

    def story_documents(self, story_id: int) -> duckdb.DuckDBPyRelation:
        """The current documents of one story in time order (published, undated last, then arrival), with
        outlet, title and novel share, as a relation with ``STORY_DOCUMENT_COLUMNS``."""
        self._require_stories()
        return self._con.sql(
            """
            SELECT d.published_at, d.source AS outlet, d.title, n.novel_share, ds.method, ds.similarity,
                   d.document_id, d.url
            FROM document_stories ds
            JOIN documents d ON d.document_id = ds.document_id
            JOIN document_novelty n ON n.document_id = ds.document_id
            WHERE ds.story_id = $story_id
            ORDER BY d.published_at NULLS LAST, ds.seq
            """, params={"story_id": story_id})

    def _require_stories(self) -> None:
        if not self.has_stories():
            raise StoreError("this database has no stories yet (made by an older wiredesk): the next "
                             "`wiredesk run` upgrades it; then `wiredesk stories-rebuild` assigns what is stored")

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
