"""The SQL of exports: which tables can be exported, their columns and publication time, and the reads an
export makes (``COPY ... TO`` files partitioned by publication date, high-water marks, snapshot fingerprints).

Every function takes a read-only connection (``wiredesk.store.reader.Reader`` holds it) and writes nothing to
the database. What is exported when, and the state kept in the destination, is ``wiredesk.exports.tables``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

FORMATS = {"parquet": "parquet", "jsonl": "jsonl", "csv": "csv"}  # format -> file extension
_COPY_OPTIONS = {
    "parquet": "FORMAT parquet, COMPRESSION zstd",
    "jsonl": "FORMAT json, FILE_EXTENSION 'jsonl'",
    "csv": "FORMAT csv, HEADER true",
}
#: The partition value of rows whose publication date is unknown.
UNDATED = "undated"


@dataclass(frozen=True)
class ExportTable:
    """One exportable table: its columns and FROM clause, the expression of its rows' publication
    time, and how it is exported incrementally (``key``: an ever-increasing id column for append
    tables; None for snapshots). The SQL fragments are constants of this module, never input."""

    name: str
    columns: str
    source: str
    published: str
    key: str | None = None

    def select(self, where: str = "") -> str:
        """Its rows, with the publication time as ``__published`` (partition value only, not written)."""
        return f"SELECT {self.columns}, {self.published} AS __published FROM {self.source}" + (f" WHERE {where}" if where else "")


TABLES = {
    t.name: t
    for t in (
        ExportTable("documents", "d.*", "documents d", "d.published_at", "d.document_id"),
        # not the duplicate views' stored answers (copy_of ... document_seen_at): they change as copies arrive,
        # and paragraphs are exported append-only
        ExportTable("paragraphs", "p.* EXCLUDE (copy_of, cluster_id, novel, partial_of, cluster_paragraphs, "
                    "cluster_documents, cluster_sources, cluster_last_seen, document_source, document_seen_at), "
                    "d.doc_key, d.version, d.source, d.published_at",
                    "paragraphs p JOIN documents d USING (document_id)", "d.published_at", "p.paragraph_id"),
        ExportTable("duplicates", "l.*, p.document_id, d.source, d.published_at",
                    "duplicates l JOIN paragraphs p ON p.paragraph_id = l.paragraph_id "
                    "JOIN documents d ON d.document_id = p.document_id", "d.published_at"),
        ExportTable("events", "e.*", "events e", "e.first_seen"),
        ExportTable("event_mentions", "m.*", "event_mentions m", "m.published_at"),
        ExportTable("entities", "n.*", "entities n", "n.first_seen"),
    )
}


def _since(table: ExportTable, since: date | None) -> list[str]:
    return [f"{table.published} >= DATE '{since.isoformat()}'"] if since else []


def _published_date(expr: str) -> str:
    return f"coalesce(strftime({expr}, '%Y-%m-%d'), '{UNDATED}')"


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def use_utc(con: duckdb.DuckDBPyConnection) -> None:
    """Partition dates are UTC dates, whatever the machine's zone (a session setting; the file is not touched)."""
    con.execute("SET TimeZone = 'UTC'")


def last_run(con: duckdb.DuckDBPyConnection) -> int:
    """The newest run in the database (0 when none)."""
    return con.execute("SELECT coalesce(max(run_id), 0) FROM runs").fetchall()[0][0]


def max_key(con: duckdb.DuckDBPyConnection, table: ExportTable) -> int:
    """The highest id of an append table (0 when empty)."""
    return con.execute(f"SELECT coalesce(max({table.key}), 0) FROM {table.source}").fetchall()[0][0]


def reprocessed_since(con: duckdb.DuckDBPyConnection, run: int) -> int | None:
    """The newest ``wiredesk reprocess`` run after ``run`` that changed stored documents in place."""
    has_kind = con.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_name = 'runs' AND column_name = 'kind'"
    ).fetchall()[0][0]
    if not has_kind:  # a database from before reprocess existed (migration 0005)
        return None
    return con.execute(
        "SELECT max(run_id) FROM runs WHERE kind = 'reprocess' AND run_id > ? AND documents_changed > 0", [run]
    ).fetchall()[0][0]


def fingerprint(con: duckdb.DuckDBPyConnection, table: ExportTable, since: date | None) -> tuple[int, int | None]:
    """``(rows, content hash)`` of a snapshot table's rows published since ``since``."""
    where = _since(table, since)
    return tuple(con.execute(
        f"SELECT count(*), bit_xor(hash(t)) FROM ({table.select(' AND '.join(where))}) t"
    ).fetchall()[0])


def copy_rows(con: duckdb.DuckDBPyConnection, dest: Path, table: ExportTable, fmt: str, stem: str, *,
              since: date | None = None, ids: tuple[int, int] | None = None) -> tuple[int, tuple[str, ...]]:
    """COPY the rows (published since ``since``; of an append table, with ``ids[0] < key <= ids[1]``) into
    ``dest/<table>/published_date=.../<stem>_<i>.<ext>``; return rows and files (relative to ``dest``)."""
    where = [f"{table.key} > {int(ids[0])}", f"{table.key} <= {int(ids[1])}"] if ids else []
    where += _since(table, since)
    out = dest / table.name
    out.mkdir(parents=True, exist_ok=True)
    sql = (
        f"COPY (SELECT * EXCLUDE (__published), {_published_date('__published')} AS published_date "
        f"FROM ({table.select(' AND '.join(where))})) "
        f"TO {_sql_path(out)} ({_COPY_OPTIONS[fmt]}, PARTITION_BY (published_date), "
        f"FILENAME_PATTERN '{stem}_{{i}}', OVERWRITE_OR_IGNORE true, RETURN_FILES true)"
    )
    rows, files = con.execute(sql).fetchall()[0]
    return rows, tuple(sorted(str(Path(f).relative_to(dest)) for f in files))
