"""Schema migrations: numbered SQL files applied in order, each in its own transaction.

``migrations/NNNN_name.sql`` files are the only way the schema changes; a shipped file is never edited.
Applied versions are recorded in ``schema_migrations``. A database whose recorded version is newer than
the newest file here was made by a newer wiredesk and is refused, untouched (``SchemaVersionError``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources

import duckdb

from wiredesk.errors import SchemaVersionError, StoreError

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


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
    if len(set(versions)) != len(versions) or (versions and versions[0] != 1):
        raise StoreError(f"migration files must start at 1 and use each number once: {versions}")
    # Gaps are allowed: numbers are reserved per feature branch and may land out of order (a branch
    # with 0006 can land before the one with 0005); ``migrate`` applies every number not yet recorded.
    return out


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The newest migration applied to this database; 0 for a new database."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]


def migrate(con: duckdb.DuckDBPyConnection) -> list[Migration]:
    """Apply pending migrations; return those applied. Refuses a database newer than this code."""
    available = available_migrations()
    newest = available[-1].version if available else 0
    current = schema_version(con)
    if current > newest:
        raise SchemaVersionError(
            f"database schema is version {current}, but this wiredesk knows only up to {newest}: "
            "upgrade wiredesk to open it (the database was not modified)"
        )
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
    )
    done = {v for (v,) in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for m in available:
        if m.version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(m.sql)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)", [m.version, m.name, datetime.now(timezone.utc)]
            )
            con.execute("COMMIT")
        except duckdb.Error as exc:
            con.execute("ROLLBACK")
            raise StoreError(f"migration {m.version:04d}_{m.name} failed: {exc}") from exc
        applied.append(m)
    return applied
