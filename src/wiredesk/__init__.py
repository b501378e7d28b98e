"""wiredesk: incremental news ingestion into DuckDB.

The Python API (``connect``, ``ingest``, ``search``, ``export``, ``list_stories``, ``story_documents``,
``write_report``; ``wiredesk.api``, docs/python-api.md) is re-exported here on first use, so ``import wiredesk`` (and any of
its light modules, e.g. ``wiredesk.domain.normalize``) loads none of duckdb, Prefect, spaCy or trafilatura. The library is usable
without Prefect: ``wiredesk.pipeline`` puts the stages together, ``wiredesk.store`` holds all SQL,
``flows/`` (importable as ``wiredesk_flows``) wraps the pipeline in a Prefect flow, ``wiredesk.cli`` is
the command line. The layout: docs/architecture.md.
"""

from wiredesk.domain.versions import PIPELINE_VERSION, __version__

__all__ = ["__version__", "PIPELINE_VERSION", "connect", "export", "ingest", "list_stories", "search",
           "story_documents", "write_report"]

_API = ("connect", "export", "ingest", "list_stories", "search", "story_documents", "write_report")


def __getattr__(name: str):
    if name in _API:
        from wiredesk import api  # lazy on purpose: the API loads duckdb (and, running, the pipeline)

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
