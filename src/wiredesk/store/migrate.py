"""Schema migrations: numbered SQL files applied in order, each in its own transaction.

``migrations/NNNN_name.sql`` files are the only way the schema changes; a shipped file is never edited.
Applied versions are recorded in ``schema_migrations``. A migration that adds stored answers computed by code
(not SQL) names that code in ``BACKFILLS``, by the migration's name: it runs in the migration's transaction,
so an upgraded database is never seen with the columns and without their values. A database is refused, untouched
(``SchemaVersionError``), when its recorded version is newer than the newest file here (a newer
wiredesk made it), when a recorded migration is not the one shipped here under that number (a
different branch or fork made it: applying ours on top would mix two schemas), and
(``NotWiredeskDatabaseError``) when it holds tables but no ``schema_migrations`` (another program's).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

import duckdb

from wiredesk.domain.dates import utcnow
from wiredesk.domain.errors import SchemaVersionError, StoreError
from wiredesk.store.clusters import rebuild_clusters, rebuild_document_facts, rebuild_novelty
from wiredesk.store.entity_counts import recount_all_entities
from wiredesk.store.event_neighbours import rebuild_mention_keys
from wiredesk.store.events import store_event_stories
from wiredesk.store.revisits import rebuild_revisions
from wiredesk.store.search_segments import seal_segment
from wiredesk.store.story_answers import recount_stories, recount_story_outlets, set_lead_lines
from wiredesk.store.dbfile import foreign_error, has_foreign_tables

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")

def backfill_stored_view_answers_2(con: duckdb.DuckDBPyConnection) -> None:
    """The paragraphs' document facts, the documents' first lines and novelty counts, the events' stories."""
    rebuild_document_facts(con)
    set_lead_lines(con)
    rebuild_novelty(con, outlets=False)  # story_outlet_answers comes with a later migration
    store_event_stories(con)


#: Migration name -> the code that fills what it added, run after its SQL in the same transaction.
BACKFILLS: dict[str, Callable[[duckdb.DuckDBPyConnection], object]] = {
    "stored_view_answers": rebuild_clusters,  # the duplicate views' stored answers, from the links already stored
    "stored_view_answers_2": backfill_stored_view_answers_2,
    "story_answers": lambda con: recount_stories(con, outlets=False),  # every story's row (outlets: a later migration)
    "story_outlet_answers": recount_story_outlets,  # every story's rows per outlet
    # entity_rows.source_documents was filled here; migration entity_outlets replaces it and counts again
    "entity_source_counts": lambda con: None,
    "revisits": rebuild_revisions,  # the paragraph changes of every version after the first stored before
    "search_postings_by_term": lambda con: seal_segment(con, 1, 1),  # the converted postings: one sorted segment
    "event_mention_keys": rebuild_mention_keys,  # the blocking keys of every current mention already stored
    "entity_outlets": recount_all_entities,  # every entity's counts and its documents per outlet
}


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    """The migrations shipped with this wiredesk, in version order."""
    out = []
    for entry in resources.files("wiredesk.store.migrations").iterdir():
        m = _NAME.match(entry.name)
        if m:
            out.append(Migration(int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    out.sort(key=lambda m: m.version)
    versions = [m.version for m in out]
    if versions != list(range(1, len(out) + 1)):
        raise StoreError(f"migration files are not numbered 1..N without gaps: {versions}")
    return out


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The newest migration applied to this database; 0 for a new database."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]


def check_compatible(con: duckdb.DuckDBPyConnection, available: list[Migration] | None = None) -> int:
    """The database's schema version, after checking this wiredesk can upgrade it; reads only.

    Raises ``SchemaVersionError`` for a database from a newer wiredesk, or one whose recorded
    migrations are not exactly ours, 1..N under the same names.
    """
    available = available_migrations() if available is None else available
    newest = available[-1].version if available else 0
    current = schema_version(con)
    if current == 0 and has_foreign_tables(con):  # another program's database: nothing may be written in it
        raise foreign_error(con.execute("SELECT path FROM duckdb_databases() WHERE database_name = "
                                        "current_database()").fetchone()[0] or "the database")
    if current > newest:
        raise SchemaVersionError(
            f"database schema is version {current}, but this wiredesk knows only up to {newest}: "
            "upgrade wiredesk to open it (the database was not modified)"
        )
    if current:
        recorded = con.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
        ours = [(m.version, m.name) for m in available[:current]]
        if recorded != ours:
            theirs = ", ".join(f"{v:04d}_{n}" for v, n in recorded if (v, n) not in ours) or "a gap"
            raise SchemaVersionError(
                f"database records migration(s) this wiredesk does not have ({theirs}); it was made by another "
                "version or branch of wiredesk and cannot be upgraded safely (the database was not modified)"
            )
    return current


def migrate(con: duckdb.DuckDBPyConnection, *, upto: int | None = None) -> list[Migration]:
    """Apply pending migrations (up to version ``upto``, default all); return those applied.

    Refuses, before changing anything, a database this code cannot upgrade (``check_compatible``).
    ``upto`` exists to build databases of older schema versions (the upgrade tests).
    """
    available = available_migrations()
    current = check_compatible(con, available)
    if upto is not None:
        available = [m for m in available if m.version <= upto]
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
    )
    applied = []
    for m in available:
        if m.version <= current:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(m.sql)
            if m.name in BACKFILLS:
                BACKFILLS[m.name](con)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)", [m.version, m.name, utcnow()]
            )
            con.execute("COMMIT")
        except Exception as exc:  # a backfill's own error too: nothing of the migration may stay
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:
                pass  # a failed COMMIT (e.g. a full disk) already ended the transaction
            if not isinstance(exc, duckdb.Error):
                raise
            raise StoreError(f"migration {m.version:04d}_{m.name} failed: {exc}") from exc
        applied.append(m)
    return applied
