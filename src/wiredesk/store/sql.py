"""SQL helpers every store module shares: bulk inserts of column lists, a set of ids as a table a query joins, the
batch transaction, and the small reads of the read side (rows as dicts, the first row, whether a table or column
exists).

Not here: any table's queries (each store module owns its own).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import duckdb
import numpy as np

from wiredesk.domain.errors import StoreError

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
_SQL_TYPE = re.compile(r"[A-Z]+(\[\])?")


def id_table(ids: Iterable[int]) -> dict[str, np.ndarray]:
    """``ids`` as a one-column table ``id`` (BIGINT, unique, sorted) that a query reads by the local variable's
    name (DuckDB's replacement scan: ``wanted = id_table(ids)``, then ``... IN (SELECT id FROM wanted)``)."""
    return {"id": np.unique(np.fromiter(ids, dtype=np.int64))}


def id_bounds(wanted: dict[str, np.ndarray]) -> dict[str, int]:
    """``$lo`` and ``$hi`` of an ``id_table`` (an empty range if it is empty). A query that also filters on them
    lets DuckDB skip the row groups outside by their min/max: ids grow with ingestion, so a new batch's rows are
    the last ones, and a join alone reads every row group."""
    ids = wanted["id"]
    return {"lo": int(ids[0]), "hi": int(ids[-1])} if len(ids) else {"lo": 0, "hi": -1}


def insert_columns(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, tuple[str, list]]) -> None:
    """Bulk insert column lists (``name -> (SQL type, values)``) with one statement of zipped unnests.

    Much faster than ``executemany`` and still fully parameterized: ``table`` and column names are
    constants of this module, never input.
    """
    names = list(columns)
    # The statement is built from the table, column and type names: refuse anything that is not a plain
    # identifier, so no string can ever reach SQL text through here (tests/integration/test_sql_surface.py).
    bad = [x for x in (table, *names) if not _IDENTIFIER.fullmatch(x)] + [
        t for t, _ in columns.values() if not _SQL_TYPE.fullmatch(t)]
    if bad:
        raise StoreError(f"insert_columns: not a plain SQL identifier or type: {bad!r}")
    if not names or not columns[names[0]][1]:
        return
    select = ", ".join(f"unnest(${i + 1}::{columns[n][0]}[])" for i, n in enumerate(names))
    con.execute(f"INSERT INTO {table} ({', '.join(names)}) SELECT {select}", [columns[n][1] for n in names])


class Transaction:
    """BEGIN ... COMMIT, or ROLLBACK on any error (DuckDB errors become ``StoreError``). ``rollback=True``
    rolls back even on success (a dry run: do everything, keep nothing)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, *, rollback: bool = False, what: str = "batch"):
        self.con = con
        self.rollback = rollback
        self.what = what

    def __enter__(self) -> duckdb.DuckDBPyConnection:
        self.con.execute("BEGIN TRANSACTION")
        return self.con

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            try:
                if self.rollback:
                    self.con.execute("ROLLBACK")
                else:
                    self.con.execute("COMMIT")
            except duckdb.Error as err:
                raise StoreError(f"commit failed: {err}") from err
            return False
        try:
            self.con.execute("ROLLBACK")
        except duckdb.Error:
            pass  # the transaction is already aborted; the original error is what matters
        if isinstance(exc, duckdb.Error):
            raise StoreError(f"database write failed, {self.what} rolled back: {exc}") from exc
        return False


# -- reads -------------------------------------------------------------------------------------------------


def dict_rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict[str, Any]]:
    """The rows of the query ``sql`` (a constant of its caller; values bound as ``params``) as dicts by column."""
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def first_row(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple | None:
    """The first row of the query ``sql`` (a constant of its caller), or None."""
    # fetchall, not fetchone: a result left unfinished would block a relation the caller reads next (a
    # Reader's stories() and search())
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the open database has a table or view ``name`` (a database older than its migration has not)."""
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ? "
                            "AND table_catalog = current_database()", [name]).fetchall()[0][0])


def has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    """Whether the open database's table ``table`` has the column ``column``."""
    return bool(con.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = ? AND column_name = ? "
                            "AND table_catalog = current_database()", [table, column]).fetchall()[0][0])
