"""Storage: the DuckDB schema (numbered migrations), the single writer, and read-only access.

``Store`` is the only code that writes SQL. Readers (``wiredesk query``, ``stats``, ``status``,
``wiredesk.connect``) open the database read-only with ``open_readonly``, which waits for a run's batch
commit to end (``wiredesk.store.access``); a run holds ``RunLock`` so that two runs never interleave.
"""

from pathlib import Path

import duckdb

from wiredesk.domain.errors import StoreError
from wiredesk.store.access import READ_WAIT_SECONDS, DatabaseBusyError, RunLock, RunLockedError, connect_retrying
from wiredesk.store.writer import Batch, BatchCounts, Store

__all__ = ["Batch", "BatchCounts", "DatabaseBusyError", "RunLock", "RunLockedError", "Store", "open_readonly",
           "SANDBOX_CONFIG"]

#: DuckDB settings for connections that run SQL typed by a user (``wiredesk query``). Read-only mode
#: alone still lets SQL write *other* files (``COPY ... TO``, ``ATTACH`` a new database, ``EXPORT
#: DATABASE``), read any file (``read_csv('/etc/passwd')``) or install extensions; these settings turn
#: all file and network access off and lock the configuration so ``SET`` cannot turn it back on.
#: (tests/test_sql_surface.py proves each one; docs/reliability.md "SQL surface".)
SANDBOX_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}


def open_readonly(path: str | Path, wait: float = READ_WAIT_SECONDS, *, sandbox: bool = False) -> duckdb.DuckDBPyConnection:
    """A read-only connection to an existing wiredesk database; ``StoreError`` with a clear reason if not.

    While a run commits a batch the file is held by the writer: this waits up to ``wait`` seconds for
    the commit to end (``DatabaseBusyError`` after that). Close the connection when done: while it is
    open, runs cannot write.

    ``sandbox=True`` also applies ``SANDBOX_CONFIG``: the connection can read this database and nothing
    else, and write nothing at all (for SQL that comes from a user).
    """
    p = Path(path)
    if not p.is_file():
        raise StoreError(f"no database at {p} (run `wiredesk run` first, or pass --db)")
    try:
        return connect_retrying(str(p), read_only=True, wait=wait, config=dict(SANDBOX_CONFIG) if sandbox else None)
    except DatabaseBusyError:
        raise
    except duckdb.Error as exc:
        raise StoreError(f"cannot open {p} read-only: {exc}") from exc
