"""Storage: the DuckDB schema (numbered migrations), the single writer, and read-only access.

``Store`` is the only code that writes SQL. Readers (``wiredesk query``, ``stats``, ``status``,
``wiredesk.connect``) open the database read-only with ``open_readonly``, which waits for a run's batch
commit to end (``wiredesk.store.access``); a run holds ``RunLock`` so that two runs never interleave.
"""

from pathlib import Path

import duckdb

from wiredesk.errors import StoreError
from wiredesk.store.access import READ_WAIT_SECONDS, DatabaseBusyError, RunLock, RunLockedError, connect_retrying
from wiredesk.store.writer import Batch, BatchCounts, Store

__all__ = ["Batch", "BatchCounts", "DatabaseBusyError", "RunLock", "RunLockedError", "Store", "open_readonly"]


def open_readonly(path: str | Path, wait: float = READ_WAIT_SECONDS) -> duckdb.DuckDBPyConnection:
    """A read-only connection to an existing wiredesk database; ``StoreError`` with a clear reason if not.

    While a run commits a batch the file is held by the writer: this waits up to ``wait`` seconds for
    the commit to end (``DatabaseBusyError`` after that). Close the connection when done: while it is
    open, runs cannot write.
    """
    p = Path(path)
    if not p.is_file():
        raise StoreError(f"no database at {p} (run `wiredesk run` first, or pass --db)")
    try:
        return connect_retrying(str(p), read_only=True, wait=wait)
    except DatabaseBusyError:
        raise
    except duckdb.Error as exc:
        raise StoreError(f"cannot open {p} read-only: {exc}") from exc
