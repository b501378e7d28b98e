"""The Python API: open a database for reading, run the pipeline, search and export from code.

What it is: small functions over the same code the CLI runs (``wiredesk.pipeline.ingest``, ``wiredesk.fulltext.ranking``,
``wiredesk.exports.tables``, the story reads of ``wiredesk.store.reader``), re-exported as ``wiredesk.connect``,
``wiredesk.ingest``, ``wiredesk.search``, ``wiredesk.export``, ``wiredesk.list_stories``,
``wiredesk.story_documents`` (not ``wiredesk.stories``: that is the story package) and ``wiredesk.write_report``
(not ``wiredesk.report``: that is the report package). Examples for pandas and polars: docs/python-api.md (every one is run by the tests).

What it is not: a second implementation of anything, nor an ORM: results are DuckDB relations and
connections, which turn into pandas (``.df()``), polars (``.pl()``) or Arrow (``.arrow()``) as you like.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from os import PathLike
from pathlib import Path

import duckdb

from wiredesk.domain.dates import utcnow
from wiredesk.domain.errors import InputError
from wiredesk.domain.settings import load_settings, replace
from wiredesk.exports.tables import DEFAULT_TABLES, export_tables
from wiredesk.ops.prefect_server import wait_longer_for_temporary_server
from wiredesk.store.access import READ_WAIT_SECONDS, open_readonly
from wiredesk.store.reader import Reader

StrPath = str | PathLike


def connect(path: StrPath = "wiredesk.duckdb", wait: float = READ_WAIT_SECONDS) -> duckdb.DuckDBPyConnection:
    """Open a wiredesk database read-only and return a DuckDB connection.

    Read-only is the contract for readers (notebooks, pandas, polars): only a pipeline run writes.
    While a run commits a batch, this waits up to ``wait`` seconds for it. While the connection is
    open a run cannot write (DuckDB's file lock): use ``with wiredesk.connect(...) as con:`` or close it
    (docs/operations.md, Concurrency). Raises ``StoreError`` when there is no database at ``path``.
    """
    return open_readonly(path, wait=wait)


def ingest(paths: Sequence[StrPath] | None = None, *, db: StrPath | None = None, config: StrPath | None = None,
           prefect: bool = False, progress=None, clock=None):
    """Run the pipeline on ``paths`` (files, folders, feed URLs; default: ``seeds/`` and due sources) and
    return its ``RunSummary`` (``run_id``, ``status``, ``counts``, ``failures``, ``ok``).

    ``db`` overrides ``[database] path`` of ``config`` (default ``./wiredesk.toml`` when present).
    ``prefect=False`` runs the stages directly, like ``wiredesk run --no-prefect``; ``prefect=True`` runs
    the Prefect flow (needs a Prefect API: ``PREFECT_API_URL``, or Prefect starts a temporary server).
    ``clock`` (``prefect=False`` only): a function returning the aware time that decides which revisits of
    pages fetched by URL are due (default: the wall clock); a replay or a test moves time with it.
    """
    if isinstance(paths, (str, PathLike)):  # one path, not a sequence of one-letter paths
        paths = [paths]
    items = [str(p) for p in paths] if paths else None
    settings = load_settings(str(config) if config else None)
    if db is not None:
        settings = replace(settings, db_path=str(db))
    if prefect:
        wait_longer_for_temporary_server()  # before Prefect loads its settings
        # as `wiredesk run` does: a temporary Prefect server would otherwise try to send telemetry, and log an
        # ERROR for it where there is no network (the variable is read when the server process starts)
        os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        from wiredesk_flows.ingest import ingest_flow  # lazy on purpose: Prefect takes seconds to import

        return ingest_flow(paths=items, db=settings.db_path, config=str(config) if config else None)
    from wiredesk.pipeline.ingest import run_ingest  # lazy on purpose: the pipeline loads trafilatura and spaCy

    return run_ingest(items, settings, progress=progress, clock=clock or utcnow)


def search(db: duckdb.DuckDBPyConnection | StrPath, query: str, limit: int = 10) -> duckdb.DuckDBPyRelation:
    """Current documents matching ``query``, best first (BM25), as a relation with the columns ``rank,
    score, title, source, published_at, snippet, document_id, url, origin``. ``db``: a connection or a path."""
    con = db if isinstance(db, duckdb.DuckDBPyConnection) else connect(db)
    return Reader.over(con).search(query, limit)


def list_stories(db: duckdb.DuckDBPyConnection | StrPath, *, since: date | None = None, min_outlets: int = 1,
                 limit: int | None = None) -> duckdb.DuckDBPyRelation:
    """Stories, biggest first, like ``wiredesk stories``: a relation with the columns ``story_id, n_documents,
    n_outlets, first_seen, last_seen, first_outlet, title, top_names``. ``since``: only stories with a
    document seen on or after that date; ``min_outlets``: told by at least that many outlets.
    ``db``: a connection or a path."""
    con = db if isinstance(db, duckdb.DuckDBPyConnection) else connect(db)
    return Reader.over(con).stories(since, min_outlets, limit)


def story_documents(db: duckdb.DuckDBPyConnection | StrPath, story_id: int) -> duckdb.DuckDBPyRelation:
    """One story's current documents in time order, like ``wiredesk stories show ID``: a relation with the
    columns ``published_at, outlet, title, novel_share, method, similarity, document_id, url``."""
    con = db if isinstance(db, duckdb.DuckDBPyConnection) else connect(db)
    return Reader.over(con).story_documents(story_id)


def export(db: StrPath, dest: StrPath, *, tables: Sequence[str] | None = None, format: str = "parquet",
           since: date | None = None, full: bool = False):
    """Export tables to ``dest`` like ``wiredesk export`` (incremental; see docs/export.md) and return
    one ``TableExport`` per table (rows and files written)."""
    with Reader.open(db) as reader:
        return export_tables(reader, dest, database=str(Path(db).resolve()), tables=tables or DEFAULT_TABLES,
                             fmt=format, since=since, full=full)


def write_report(db: StrPath, output: StrPath = "report.html", *, since: date | None = None, until: date | None = None,
                 limits=None) -> Path:  # noqa: ANN001 (wiredesk.report.build.Limits)
    """Draw the HTML report of ``db`` for the publication days ``since``..``until`` (inclusive; None: open)
    into ``output``, one self-contained file, and return its path (docs/report.md). Only reads ``db``."""
    # lazy on purpose: the report's modules (and plotly, for its JavaScript) load only when a report is drawn
    from plotly.offline import get_plotlyjs
    from wiredesk.report.build import Limits, render_report

    if since and until and since > until:
        raise InputError(f"--since {since} is after --until {until}: nothing can be in that window")
    limits = limits or Limits()
    with Reader.open(db) as reader:
        rows = reader.report_rows(since, until, stories=limits.stories, events=limits.events,
                                  mentions_per_event=limits.mentions_per_event, runs=limits.runs,
                                  places=limits.places)
    html = render_report(rows, since=since, until=until, database=Path(db).name, now=utcnow(), plotly_js=get_plotlyjs)
    out = Path(output)
    try:
        out.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write the report to {out}: {exc.strerror or exc}") from exc
    return out
