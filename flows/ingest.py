"""The ingestion flow: ``wiredesk.pipeline.ingest.run_ingest`` with each stage run as a Prefect task.

Thin on purpose: no SQL, no HTTP, no data decisions. The stages are the plain functions of
``wiredesk.pipeline.stages`` (and the feed, URL-list and revisit stages); this module only gives
them Prefect's task semantics (state, logs and timing per stage and batch in the UI) and reports progress
to the run logger.

Entrypoints: ``wiredesk run`` (CLI), ``flows/ingest.py:ingest_flow`` (``prefect deploy`` from a clone),
``from wiredesk_flows.ingest import ingest_flow`` (Python).
"""

from __future__ import annotations

import logging
import warnings

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from wiredesk.cli.report import run_report_markdown
from wiredesk.domain.dates import utcnow
from wiredesk.domain.errors import WiredeskError
from wiredesk.domain.settings import load_settings, replace
from wiredesk.pipeline import feeds as feed_stage
from wiredesk.pipeline import revisits as revisit_stage
from wiredesk.pipeline import scaleout, stages
from wiredesk.pipeline import urls as url_stage
from wiredesk.pipeline.ingest import run_ingest
from wiredesk.pipeline.progress import progress_line
from wiredesk.pipeline.run import RunSummary
from wiredesk.report.markdown import run_additions_markdown
from wiredesk.store.reader import Reader
from wiredesk_flows.runners import stage_runner

# Two known lines of noise on the terminal of a run through Prefect, which configures the root logger and
# brings its own exit hooks into every process it forks; neither says anything the run does not say better:
# 1. spaCy's W127 "Not all Language.pipe worker processes completed successfully": its worker processes are
#    forked from this one and inherit Prefect's at-exit hook, which fails in them after they have sent every
#    parsed document back (exit code 1). A worker that really dies fails the pipe with an error instead.
# 2. trafilatura's WARNING "discarding data: None" for a page it finds no text in: the page is already a
#    `failures` row (reason no_text), and Prefect's root handler prints it. Its errors still print.
warnings.filterwarnings("ignore", message=r"\[W127\]", category=UserWarning)
logging.getLogger("trafilatura").setLevel(logging.ERROR)


def _task(fn):
    # Stages receive large in-memory batches: no caching and no result persistence, which would hash
    # or serialize them for nothing (the database is the only state).
    return task(fn, name=fn.__name__.replace("_", "-"), cache_policy=NO_CACHE, persist_result=False)


#: Each pipeline stage as a Prefect task; built once at import, never changed.
STAGE_TASKS = {
    fn: _task(fn)
    for fn in (
        stages.discover_inputs,
        stages.start_run,
        stages.load_batch,
        stages.load_warc_chunk,
        stages.plan_batch,
        stages.clean_batch,
        stages.extract_events_batch,
        stages.story_features_batch,
        stages.store_batch,
        stages.finish_run,
        stages.refresh_search,
        # the CPU-heavy chunk of a batch, run on the configured task runner (flows/runners.py)
        scaleout.process_items,
        # the feed stages
        feed_stage.prepare_sources,
        feed_stage.fetch_feed_group,
        feed_stage.collect_group_items,
        # the pages of URL lists
        url_stage.plan_urls,
        url_stage.fetch_urls,
        # revisits of pages fetched by URL
        revisit_stage.plan_revisits,
        revisit_stage.fetch_revisits,
    )
}


def _timed_wrap(timeout_seconds: float):
    """The stage tasks with this run's per-task timeout (``serve.task_timeout_seconds``)."""
    timed: dict = {}

    def wrap(fn):
        if fn not in timed:
            timed[fn] = STAGE_TASKS[fn].with_options(timeout_seconds=timeout_seconds)
        return timed[fn]

    return wrap


def added_markdown(summary: RunSummary) -> str:
    """What the run added (``wiredesk.report.markdown``), read back from the database it just wrote; one line
    saying why when it cannot be read (another run already holds the file), never a failed flow."""
    try:
        with Reader.open(summary.db_path, wait=5) as reader:
            added = reader.run_additions(summary.run_id)
    except WiredeskError as exc:
        return f"(What run {summary.run_id} added could not be read back: {exc})\n"
    return run_additions_markdown(summary.run_id, added, utcnow().date())


@flow(name="wiredesk-ingest", persist_result=False)
def ingest_flow(paths: list[str] | None = None, db: str | None = None, config: str | None = None,
                source_tag: str | None = None, lock_wait: float = 0.0, url_column: str | None = None,
                revisits: bool = True) -> RunSummary:
    """Ingest files and folders (default: ``seeds/``) and due feed sources into a wiredesk DuckDB file.

    Args:
        paths: files and folders to ingest, or feed URLs; empty means ``seeds/`` and every due source.
        db: database file; overrides ``[database] path`` of the config.
        config: settings file (TOML); default ``./wiredesk.toml`` when present.
        source_tag: only the due sources with this tag, no files (a source group's scheduled run).
        lock_wait: seconds to wait while another run holds the database, before failing.
        url_column: the URL column of CSV URL lists; overrides ``[urls] url_column`` of the config.
        revisits: fetch the due revisits of pages fetched by URL (False: ``wiredesk run --no-revisits``).
    """
    logger = get_run_logger()
    settings = load_settings(config)
    if db:
        settings = replace(settings, db_path=db)
    if url_column:
        settings = replace(settings, urls=replace(settings.urls, url_column=url_column))
    if not revisits:
        settings = replace(settings, revisits=replace(settings.revisits, enabled=False))

    def progress(done: int, total: int, counts) -> None:
        # the Prefect UI; the terminal hears from the pipeline itself (wiredesk.pipeline.progress)
        logger.info(progress_line(done, total, counts))

    wrap = _timed_wrap(settings.serve.task_timeout_seconds)
    with stage_runner(settings.runner, wrap) as (runner, workers):  # [runner] kind: where cleaning and events run
        summary = run_ingest(paths, settings, wrap=wrap, progress=progress, flow_run_id=str(flow_run.id),
                                      lock_wait=lock_wait, source_tag=source_tag, runner=runner, runner_workers=workers)
    logger.info(
        "run %d %s in %.1fs: %d new, %d updated, %d unchanged, %d failed documents; %d paragraphs, %d duplicates",
        summary.run_id, summary.status, summary.seconds, summary.counts.documents_new, summary.counts.documents_updated,
        summary.counts.items_unchanged, summary.counts.items_failed, summary.counts.paragraphs_new,
        summary.counts.duplicates_new,
    )
    # the run's summary in the Prefect UI (Artifacts tab of the flow run), with a small report of what it added
    # (outlets, events, copies); keyed so the UI also shows the history of runs side by side
    create_markdown_artifact(markdown=run_report_markdown(summary) + "\n" + added_markdown(summary),
                             key="wiredesk-run-summary",
                             description=f"wiredesk run {summary.run_id}: documents, duplicates, events, errors by "
                                         "source, and what it added")
    return summary
