"""wiredesk: incremental news ingestion into DuckDB.

The library is usable without Prefect: ``wiredesk.pipeline.ingest`` holds the stages as plain functions and
``wiredesk.store`` the only code that writes SQL. ``flows/`` (importable as ``wiredesk_flows``) wraps
them in a Prefect flow; ``wiredesk.cli`` is the command line. The Python API (``connect``, ``ingest``,
``search``, ``export``) is ``wiredesk.api``: docs/python-api.md.
"""

from wiredesk.api import connect, export, ingest, search
from wiredesk.domain.versions import PIPELINE_VERSION, __version__

__all__ = ["__version__", "PIPELINE_VERSION", "connect", "export", "ingest", "search"]
