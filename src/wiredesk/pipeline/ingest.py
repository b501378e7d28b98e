"""``run_ingest``: one ingest run of files, folders and feeds: the run lifecycle (``wiredesk.pipeline.run``)
around the batch step (``wiredesk.pipeline.batch``), fed by file batches, then by the pages of the URLs the
files listed (``wiredesk.pipeline.urls``), then by feed batches (``wiredesk.pipeline.feeds``), then the search
index refreshed.

This is the one place an ingest's stages are put together; ``wiredesk run --no-prefect`` calls it directly,
the Prefect flow (``flows/ingest.py``) with ``wrap`` turning each stage into a task.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from itertools import groupby
from datetime import datetime
from pathlib import Path

import duckdb

from wiredesk.domain.dates import utcnow
from wiredesk.domain.models import UrlRecord
from wiredesk.domain.settings import Settings
from wiredesk.domain.urls import is_http_url
from wiredesk.ops.faults import checkpoint
from wiredesk.pipeline.batch import BatchInput, BatchStep, Progress
from wiredesk.pipeline.feeds import ingest_feeds
from wiredesk.pipeline.revisits import ingest_revisits
from wiredesk.pipeline.urls import ingest_urls
from wiredesk.pipeline.progress import report_stage, report_stored
from wiredesk.pipeline.run import RunSummary, Wrap, identity, locked, running
from wiredesk.pipeline.scaleout import StageRunner
from wiredesk.pipeline.stages import MIN_ITEMS_FOR_POOL, discover_inputs, load_batch, load_warc_chunk, refresh_search
from wiredesk.sources.schedule import is_due
from wiredesk.sources.urllists import is_url_list
from wiredesk.sources.warc import is_warc
from wiredesk.store.access import lock_is_held
from wiredesk.store.reader import Reader

#: The embedded default: what ``wiredesk run`` ingests from disk when given no paths, where it exists.
SEEDS_DIR = "seeds"


def default_inputs() -> tuple[str, ...]:
    """The files a run given no paths ingests: ``seeds/`` when the working folder has one, else none (the
    run then fetches the due sources only)."""
    return (SEEDS_DIR,) if Path(SEEDS_DIR).is_dir() else ()


def split_feed_urls(paths: Sequence[str] | None) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """``(feed URLs, file paths, whether feeds run)``: http(s) URLs are feeds; with no paths at all, seeds/
    (where there is one) and every due source."""
    if not paths:
        return (), default_inputs(), True
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
    clock: Callable[[], datetime] = utcnow,
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
    A run that fetches (feeds, URL lists) then fetches the due revisits of pages fetched by URL
    (``wiredesk.pipeline.revisits``; ``[revisits] enabled``); ``clock`` is the time that decides which are due.
    """
    feed_urls, file_inputs, run_feeds = split_feed_urls(paths)
    inputs = tuple(paths) if paths else (file_inputs or ("due sources",))
    if source_tag:  # a source group's scheduled run: its due sources only
        feed_urls, file_inputs, run_feeds = (), (), True
        inputs = (f"sources tagged {source_tag}",)
    with locked(settings, _command_name(paths, source_tag), lock_wait=lock_wait) as lock:
        started = time.perf_counter()
        report_stage("discover", 0, None, "files")
        discovery = wrap(discover_inputs)(file_inputs)
        checkpoint("run:discovered")
        html_files = sum(1 for f in discovery.files if Path(f).suffix.lower() in (".html", ".htm", ".json", ".jsonl"))
        # a web archive holds many pages, a URL list many pages to fetch: worth the pool on their own
        archives = MIN_ITEMS_FOR_POOL * sum(1 for f in discovery.files if is_warc(Path(f)) or is_url_list(Path(f)))
        # feeds bring HTML pages too (the pool starts on first use); with events on, every file is worth a
        # worker (parsing costs more than cleaning); a runner cleans elsewhere
        pooled = archives + (len(discovery.files) if settings.events.enabled else html_files)
        use_pool = runner is None and (pooled >= MIN_ITEMS_FOR_POOL or run_feeds)
        summary = RunSummary(run_id=-1, db_path=settings.db_path, inputs=inputs)
        with running(settings, lock, summary, inputs, wrap=wrap, flow_run_id=flow_run_id, use_pool=use_pool,
                     started=started) as run:
            checkpoint("run:started")
            step = BatchStep(run, progress=progress, total=len(discovery.files), runner=runner,
                             runner_workers=runner_workers)
            if discovery.files:  # how many there are, before the first batch is stored
                report_stored(0, len(discovery.files), summary.counts)
            if discovery.failures:
                step.store_failures(discovery.failures)
            ahead = settings.runner.batches_ahead
            urls: list[UrlRecord] = []  # read from URL lists and URL-only records: fetched after the files
            for batch in _file_batches(discovery.files, settings, wrap, urls):
                step.submit(batch, ahead=ahead)
            step.drain()
            if urls:
                ingest_urls(step, urls)
            if run_feeds:
                ingest_feeds(step, feed_urls, source_tag=source_tag)
            if settings.revisits.enabled and (run_feeds or urls):  # pages fetched by URL, fetched again when due
                ingest_revisits(step, clock(), source_tag=source_tag)
            report_stage("index", 0, None, "documents")
            wrap(refresh_search)(settings, run.run_id)  # the search index is current after every run
            checkpoint("run:finishing")
    return summary


def _file_batches(paths: Sequence[str], settings: Settings, wrap: Wrap, urls: list[UrlRecord]) -> Iterator[BatchInput]:
    """The files in batches of ``ingest.batch_size``, each loaded when the step asks for it; a web archive
    in batches of that many records, read from where the last one ended (never the whole file at once).
    The URLs the files list (URL lists, URL-only records) are added to ``urls``, to fetch afterwards."""
    size, total = settings.ingest.batch_size, len(paths)
    done = 0
    for is_archive, group in groupby(paths, key=lambda p: is_warc(Path(p))):
        names = list(group)
        if is_archive:
            for path in names:
                offset: int | None = 0
                while offset is not None:
                    report_stage("load", done, total, "files")
                    chunk = wrap(load_warc_chunk)(path, offset, settings)
                    offset = chunk.next_offset
                    yield BatchInput(chunk.items, chunk.failures, done=done + (offset is None), skipped=chunk.skipped)
                done += 1
            continue
        for start in range(0, len(names), size):
            report_stage("load", done, total, "files")
            loaded = wrap(load_batch)(names[start:start + size], settings)
            done += len(names[start:start + size])
            urls.extend(loaded.urls)
            yield BatchInput(loaded.items, loaded.failures, done=done, skipped=Counter(dict(loaded.skipped)))


def idle_reason(settings: Settings, now: datetime) -> str | None:
    """Why a run given no paths would have nothing to do, or None when it has something: no ``seeds/`` here,
    no sources file to sync, and no followed source due. Reads the database without writing to it; while
    another run writes it, the run is left to say so itself."""
    if default_inputs() or Path(settings.feeds.sources_file).is_file():
        return None
    here = f"no {SEEDS_DIR}/ folder in {Path.cwd()}"
    if not Path(settings.db_path).is_file():
        return f"{here}, and no database at {settings.db_path} yet, so no followed sources"
    if lock_is_held(settings.db_path):
        return None
    try:
        with Reader.open(settings.db_path) as reader:
            rows = reader.sources() if reader.has_table("sources") else []
    except duckdb.Error:  # a database from an older wiredesk: the run migrates it first, then knows
        return None
    active = [r for r in rows if r.config.enabled and not r.state.disabled]
    if any(is_due(r.state, now) for r in active):
        return None
    if not active:
        return f"{here}, and no source to fetch ({len(rows)} followed, none enabled)" if rows else \
            f"{here}, and no sources followed in {settings.db_path}"
    soonest = min(active, key=lambda r: r.state.next_fetch_at or now)
    when = soonest.state.next_fetch_at.strftime("%Y-%m-%d %H:%M:%S UTC") if soonest.state.next_fetch_at else "now"
    return (f"{here}, and none of the {len(active)} followed sources is due "
            f"(next: {soonest.config.name} at {when})")


def _command_name(paths: Sequence[str] | None, source_tag: str | None) -> str:
    if source_tag:
        return f"scheduled run of sources tagged {source_tag!r}"
    return "run " + (" ".join(paths)[:200] if paths else "(seeds/ and due sources)")
