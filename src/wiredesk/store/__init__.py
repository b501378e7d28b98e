"""Storage: the DuckDB schema (numbered migrations), the single writer, and read-only access.

``Store`` is the only code that writes SQL. Readers (``wiredesk query``, notebooks) open the database
read-only with ``open_readonly``.
"""

from pathlib import Path

import duckdb

from wiredesk.errors import StoreError
from wiredesk.store.writer import Batch, BatchCounts, Store

__all__ = ["Batch", "BatchCounts", "Store", "open_readonly", "SANDBOX_CONFIG"]

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


def open_readonly(path: str | Path, *, sandbox: bool = False) -> duckdb.DuckDBPyConnection:
    """A read-only connection to an existing wiredesk database; ``StoreError`` with a clear reason if not.

    ``sandbox=True`` also applies ``SANDBOX_CONFIG``: the connection can read this database and nothing
    else, and write nothing at all (for SQL that comes from a user).
    """
    p = Path(path)
    if not p.is_file():
        raise StoreError(f"no database at {p} (run `wiredesk run` first, or pass --db)")
    try:
        return duckdb.connect(str(p), read_only=True, config=dict(SANDBOX_CONFIG) if sandbox else {})
    except duckdb.Error as exc:
        raise StoreError(f"cannot open {p} read-only: {exc}") from exc
