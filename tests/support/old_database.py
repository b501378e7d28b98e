"""Databases as an older wiredesk left them: the real migrations up to a version, filled with the rows
of a database the current code wrote (every column that already existed at that version)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from wiredesk.store.migrate import migrate, schema_version


def base_tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Table name -> its columns in order, for the base tables of the open database."""
    rows = con.execute("SELECT c.table_name, c.column_name FROM information_schema.columns c "
                       "JOIN information_schema.tables t USING (table_catalog, table_schema, table_name) "
                       "WHERE c.table_catalog = current_database() AND c.table_schema = 'main' "
                       "AND t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position").fetchall()
    out: dict[str, list[str]] = {}
    for table, column in rows:
        out.setdefault(table, []).append(column)
    return out


def old_database(path: Path, version: int, reference: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    """Create ``path`` at schema ``version``, filled from ``reference``; return table -> (columns, rows put in)."""
    con = duckdb.connect(str(path))
    try:
        migrate(con, upto=version)
        assert schema_version(con) == version
        con.execute(f"ATTACH '{reference}' AS ref (READ_ONLY)")  # test-only SQL; the path is tmp_path's
        ref_cols: dict[str, set[str]] = {}
        for t, c in con.execute("SELECT table_name, column_name FROM information_schema.columns "
                                "WHERE table_catalog = 'ref'").fetchall():
            ref_cols.setdefault(t, set()).add(c)
        filled = {}
        for table, columns in base_tables(con).items():
            if table == "schema_migrations" or table not in ref_cols:
                continue
            cols = [c for c in columns if c in ref_cols[table]]
            names = ", ".join(cols)
            con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM ref.{table}")
            filled[table] = (cols, con.execute(f"SELECT {names} FROM {table} ORDER BY ALL").fetchall())
        con.execute("DETACH ref")
        return filled
    finally:
        con.close()
