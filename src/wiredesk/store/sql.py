"""SQL helpers every store module shares: bulk inserts of column lists, and the batch transaction.

Not here: any table's queries (each store module owns its own).
"""

from __future__ import annotations

import re

import duckdb

from wiredesk.domain.errors import StoreError

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
_SQL_TYPE = re.compile(r"[A-Z]+(\[\])?")


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
