"""The ingestion flow: ``wiredesk.pipeline.run_ingest`` with each stage run as a Prefect task.

Thin on purpose: no SQL, no HTTP, no data decisions. The stages are the plain functions of
``wiredesk.pipeline``; this module only gives them Prefect's task semantics (state, logs and timing
per stage and batch in the UI) and reports progress to the run logger.

Entrypoints: ``wiredesk run`` (CLI), ``flows/ingest.py:ingest_flow`` (``prefect deploy`` from a clone),
``from wiredesk_flows.ingest import ingest_flow`` (Python).
"""

from __future__ import annotations

import logging

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from wiredesk import pipeline, scaleout
from wiredesk.feeds import stage as feed_stage
from wiredesk.output import format_progress
from wiredesk.settings import load_settings, replace
from wiredesk_flows.runners import stage_runner


progress_log = logging.getLogger("wiredesk.progress")


def _task(fn):
    # Stages receive large in-memory batches: no caching and no result persistence, which would hash
    # or serialize them for nothing (the database is the only state).
    return task(fn, name=fn.__name__.replace("_", "-"), cache_policy=NO_CACHE, persist_result=False)


#: Each pipeline stage as a Prefect task; built once at import, never changed.
STAGE_TASKS = {
    fn: _task(fn)
    for fn in (
        pipeline.discover_inputs,
        pipeline.start_run,
        pipeline.load_batch,
        pipeline.plan_batch,
        pipeline.clean_batch,
        pipeline.extract_events_batch,
        pipeline.store_batch,
        pipeline.finish_run,
        # issue 6: the CPU-heavy chunk of a batch, run on the configured task runner (flows/runners.py)
        scaleout.process_items,
        # issue 3: the feed stages
        feed_stage.prepare_sources,
        feed_stage.fetch_feed_group,
        feed_stage.collect_group_items,
    )
}


def _as_task(fn):
    return STAGE_TASKS[fn]


@flow(name="wiredesk-ingest", persist_result=False)
def ingest_flow(paths: list[str] | None = None, db: str | None = None, config: str | None = None) -> pipeline.RunSummary:
    """Ingest files and folders (default: ``seeds/``) into a wiredesk DuckDB file.

    Args:
        paths: files and folders to ingest; empty means the embedded default, ``seeds/``.
        db: database file; overrides ``[database] path`` of the config.
        config: settings file (TOML); default ``./wiredesk.toml`` when present.
    """
    logger = get_run_logger()
    settings = load_settings(config)
    if db:
        settings = replace(settings, db_path=db)

    def progress(done: int, total: int, counts) -> None:
        line = format_progress(done, total, counts)
        logger.info(line)  # the Prefect UI
        progress_log.info("  %s", line)  # the terminal, through the CLI's handler

    with stage_runner(settings.runner, _as_task) as (runner, workers):  # issue 6: [runner] kind
        summary = pipeline.run_ingest(paths, settings, wrap=_as_task, progress=progress, flow_run_id=str(flow_run.id),
                                      runner=runner, runner_workers=workers)
    logger.info(
        "run %d %s in %.1fs: %d new, %d updated, %d unchanged, %d failed documents; %d paragraphs, %d duplicates",
        summary.run_id, summary.status, summary.seconds, summary.counts.documents_new, summary.counts.documents_updated,
        summary.counts.items_unchanged, summary.counts.items_failed, summary.counts.paragraphs_new,
        summary.counts.duplicates_new,
    )
    return summary
