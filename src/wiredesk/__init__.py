"""wiredesk: incremental news ingestion into DuckDB.

The library is usable without Prefect: ``wiredesk.pipeline`` holds the stages as plain functions and
``wiredesk.store`` the only code that writes SQL. ``flows/`` (importable as ``wiredesk_flows``) wraps
them in a Prefect flow; ``wiredesk.cli`` is the command line.
"""

from wiredesk.version import __version__, PIPELINE_VERSION

__all__ = ["__version__", "PIPELINE_VERSION", "connect"]


def connect(path: str = "wiredesk.duckdb", wait: float = 30.0):
    """Open a wiredesk database read-only and return a DuckDB connection.

    Read-only is the contract for readers (notebooks, pandas, polars): only a pipeline run writes.
    While a run commits a batch, this waits up to ``wait`` seconds for it. While the connection is
    open a run cannot write (DuckDB's file lock): use ``with wiredesk.connect(...) as con:`` or close it
    (docs/operations.md, Concurrency).
    """
    from wiredesk.store import open_readonly

    return open_readonly(path, wait=wait)
