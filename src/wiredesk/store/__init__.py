"""Storage: the DuckDB schema (numbered migrations), the single writer, and read-only access.

``Store`` is the only code that writes SQL. Readers (``wiredesk query``, notebooks) open the database
read-only with ``open_readonly``.
"""

from pathlib import Path

import duckdb

from wiredesk.errors import StoreError
from wiredesk.store.writer import Batch, BatchCounts, Store

__all__ = ["Batch", "BatchCounts", "Store", "open_readonly"]


def open_readonly(path: str | Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to an existing wiredesk database; ``StoreError`` with a clear reason if not."""
    p = Path(path)
    if not p.is_file():
        raise StoreError(f"no database at {p} (run `wiredesk run` first, or pass --db)")
    try:
        return duckdb.connect(str(p), read_only=True)
    except duckdb.Error as exc:
        raise StoreError(f"cannot open {p} read-only: {exc}") from exc
