"""Storage: the DuckDB schema (numbered migrations), every query wiredesk runs, and who may open the file.

``Store`` (``database``) is the read-write database: the pipeline's only way to write, or read for writing.
``Reader`` (``reader``) is the read-only one: status, stats, search and export reads. ``open_readonly``
(``access``) gives the one raw connection wiredesk hands out, the documented read-only connection of
``wiredesk.connect`` and ``wiredesk query``; it waits for a run's batch commit to end. A run holds ``RunLock``
so that two runs never interleave. The SQL lives only in this package.
"""

from wiredesk.store.access import (READ_WAIT_SECONDS, SANDBOX_CONFIG, DatabaseBusyError, RunLock, RunLockedError,
                                   open_readonly)
from wiredesk.store.database import Store
from wiredesk.store.writer import Batch

__all__ = ["Batch", "DatabaseBusyError", "READ_WAIT_SECONDS", "RunLock", "RunLockedError", "SANDBOX_CONFIG", "Store",
           "open_readonly"]
