"""``run_ingest``: one ingest run of files, folders and feeds: the run lifecycle (``wiredesk.pipeline.run``)
around the batch step (``wiredesk.pipeline.batch``), fed by file batches, then by feed batches
(``wiredesk.pipeline.feeds``), then the search index refreshed.

This is the one place an ingest's stages are put together; ``wiredesk run --no-prefect`` calls it directly,
the Prefect flow (``flows/ingest.py``) with ``wrap`` turning each stage into a task.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from wiredesk.domain.settings import Settings
from wiredesk.domain.urls import is_http_url
from wiredesk.ops.faults import checkpoint
from wiredesk.pipeline.batch import BatchInput, BatchStep, Progress
from wiredesk.pipeline.feeds import ingest_feeds
from wiredesk.pipeline.run import RunSummary, Wrap, identity, locked, running
from wiredesk.pipeline.scaleout import StageRunner
from wiredesk.pipeline.stages import MIN_ITEMS_FOR_POOL, discover_inputs, load_batch, refresh_search

#: The embedded default: what ``wiredesk run`` ingests when given no paths.
SEEDS_DIR = "seeds"


def split_feed_urls(paths: Sequence[str] | None) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """``(feed URLs, file paths, whether feeds run)``: http(s) URLs are feeds; with no paths at all, seeds/
    and every due source."""
    if not paths:
        return (), (SEEDS_DIR,), True
    urls = tuple(p for p in paths if is_http_url(p))
    return urls, tuple(p for p in paths if not is_http_url(p)), bool(urls)


def run_ingest(
    paths: Sequence[str] | None,
    settings: Settings,
    *,
    wrap: Wrap = identity,
    progress: Progress | None = None,
    flow_run_id: str | None = None,
    lock_wait: float = 0.0,
    source_tag: str | None = None,
    runner: StageRunner | None = None,
    runner_workers: int = 1,
) -> RunSummary:
    """Ingest ``paths`` (default: ``seeds/``) into ``settings.db_path``; return the run's summary.

    ``wrap`` turns each stage function into what runs it (identity here; a Prefect task in the flow).
    ``runner`` (``wiredesk.pipeline.scaleout``), when given, runs the CPU-heavy work (cleaning and event
    extraction) in chunks (two per worker of ``runner_workers``); file batches are then submitted up to
    ``runner.batches_ahead`` ahead of the one this process stores; without it that work runs here.
    Per-item problems are recorded and the run goes on; an error that stops the run (database, config)
    marks the run ``failed`` and is raised after the batches already committed stay committed.

    The run holds the database's ``RunLock`` throughout: when another run holds it, this waits up to
    ``lock_wait`` seconds, then raises ``RunLockedError`` naming that run (nothing is written).
    ``source_tag`` (scheduled runs of one source group): only due sources with this tag, and no files.
    """
    inputs = tuple(paths) if paths else (SEEDS_DIR,)
    feed_urls, file_inputs, run_feeds = split_feed_urls(paths)
    if source_tag:  # a source group's scheduled run: its due sources only
        feed_urls, file_inputs, run_feeds = (), (), True
        inputs = (f"sources tagged {source_tag}",)
    with locked(settings, _command_name(paths, source_tag), lock_wait=lock_wait) as lock:
        started = time.perf_counter()
        discovery = wrap(discover_inputs)(file_inputs)
        checkpoint("run:discovered")
        html_files = sum(1 for f in discovery.files if Path(f).suffix.lower() in (".html", ".htm", ".json", ".jsonl"))
        # feeds bring HTML pages too (the pool starts on first use); with events on, every file is worth a
        # worker (parsing costs more than cleaning); a runner cleans elsewhere
        pooled = len(discovery.files) if settings.events.enabled else html_files
        use_pool = runner is None and (pooled >= MIN_ITEMS_FOR_POOL or run_feeds)
        summary = RunSummary(run_id=-1, db_path=settings.db_path, inputs=inputs)
        with running(settings, lock, summary, inputs, wrap=wrap, flow_run_id=flow_run_id, use_pool=use_pool,
                     started=started) as run:
            checkpoint("run:started")
            step = BatchStep(run, progress=progress, total=len(discovery.files), runner=runner,
                             runner_workers=runner_workers)
            if discovery.failures:
                step.store_failures(discovery.failures)
            ahead = settings.runner.batches_ahead
            for batch in _file_batches(discovery.files, settings, wrap):
                step.submit(batch, ahead=ahead)
            step.drain()
            if run_feeds:
                ingest_feeds(step, feed_urls, source_tag=source_tag)
            wrap(refresh_search)(settings, run.run_id)  # the search index is current after every run
            checkpoint("run:finishing")
    return summary


def _file_batches(paths: Sequence[str], settings: Settings, wrap: Wrap) -> Iterator[BatchInput]:
    """The files in batches of ``ingest.batch_size``, each loaded when the step asks for it."""
    size, total = settings.ingest.batch_size, len(paths)
    for start in range(0, total, size):
        loaded = wrap(load_batch)(paths[start:start + size], settings)
        yield BatchInput(loaded.items, loaded.failures, done=min(start + size, total))


def _command_name(paths: Sequence[str] | None, source_tag: str | None) -> str:
    if source_tag:
        return f"scheduled run of sources tagged {source_tag!r}"
    return "run " + (" ".join(paths)[:200] if paths else "(seeds/ and due sources)")
