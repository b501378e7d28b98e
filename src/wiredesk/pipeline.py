"""The ingestion pipeline as plain functions, batch by batch: for files discover → load → plan → clean →
extract events → store; for feeds (``wiredesk.feeds.stage``) fetch → collect → the same plan → clean →
extract events → store.

Each stage takes and returns data (paths, items, articles, counts) and, where it needs the database,
its path, never a connection: so the same functions run directly (tests, ``wiredesk run --no-prefect``)
or as Prefect tasks (``flows/ingest.py`` passes ``wrap`` to turn each stage into a task). The loop in
``run_ingest`` is the one place the stages are put together (the feed loop lives beside the feed stages).

What this module decides: nothing that is not a plain function of its inputs. Which items are new is
``plan_items``; what is a duplicate is ``wiredesk.dedup``; what is an event is ``wiredesk.events``; what
is stored is ``wiredesk.store``.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import BrokenExecutor, Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from wiredesk import files
from wiredesk.clean import HtmlCleaner, clean_item
from wiredesk.errors import SURVIVABLE_ERRORS
from wiredesk.faults import checkpoint
from wiredesk.models import Article, Failure, InputItem
from wiredesk.settings import CleanSettings, Settings
from wiredesk.store import Batch, BatchCounts, RunLock, Store

if TYPE_CHECKING:
    from wiredesk.scaleout import StageRunner

log = logging.getLogger("wiredesk")

#: The embedded default: what ``wiredesk run`` ingests when given no paths.
SEEDS_DIR = "seeds"
#: Below this many HTML items in a batch, a process pool costs more than it saves.
_MIN_ITEMS_FOR_POOL = 8


def split_feed_urls(paths: Sequence[str] | None) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """Issue 3: ``(feed URLs, file paths, whether feeds run)``. No paths: seeds/ and the due sources."""
    from wiredesk.urls import is_http_url

    if not paths:
        return (), (SEEDS_DIR,), True
    urls = tuple(p for p in paths if is_http_url(p))
    return urls, tuple(p for p in paths if not is_http_url(p)), bool(urls)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


# -- stages -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Discovery:
    """The files a run will load, and the paths that could not be used at all."""

    files: tuple[str, ...]
    failures: tuple[Failure, ...]


def discover_inputs(paths: Sequence[str]) -> Discovery:
    """Expand the given files and folders (raises ``MissingPathError`` for a path that does not exist)."""
    found, failures = files.discover(paths)
    return Discovery(tuple(str(p) for p in found), tuple(failures))


def load_batch(paths: Sequence[str], settings: Settings) -> files.Loaded:
    """Read a batch of files into items; bad files become failures."""
    loaded = files.load_files([Path(p) for p in paths], settings.ingest)
    checkpoint("files:loaded")
    return loaded


@dataclass(frozen=True)
class Plan:
    """Which loaded items need cleaning and which are byte-for-byte what was stored before."""

    todo: tuple[InputItem, ...]
    unchanged: tuple[InputItem, ...]


def plan_items(items: Iterable[InputItem], known: dict[str, str]) -> Plan:
    """Pure: an item whose bytes equal the last stored bytes of its origin is unchanged.

    Within one batch, the first item of an origin wins (a JSONL file repeating a line twice is one item).
    """
    todo, unchanged, seen = [], [], set()
    for item in items:
        if known.get(item.origin) == item.raw_sha256 or item.origin in seen:
            unchanged.append(item)
        else:
            todo.append(item)
        seen.add(item.origin)
    return Plan(tuple(todo), tuple(unchanged))


def plan_batch(db_path: str, items: Sequence[InputItem]) -> Plan:
    """Read the stored state of these items' origins and plan them."""
    with Store.open(db_path) as store:
        known = store.known_raw_hashes(i.origin for i in items)
    checkpoint("plan:done")
    return plan_items(items, known)


def clean_one(item: InputItem, settings: CleanSettings) -> Article | Failure:
    """Clean one item; a survivable error becomes a ``Failure`` instead of an exception."""
    try:
        cleaner = HtmlCleaner(favor_precision=settings.favor_precision, include_tables=settings.include_tables)
        return clean_item(item, cleaner)
    except SURVIVABLE_ERRORS as exc:
        return Failure(item.origin, "clean", exc.reason, str(exc))
    except Exception as exc:  # a bug or a hostile page must cost one item, not the run
        log.exception("unexpected error cleaning %s", item.origin)
        return Failure(item.origin, "clean", "unexpected", f"{type(exc).__name__}: {exc}")


@dataclass(frozen=True)
class Cleaned:
    articles: tuple[tuple[InputItem, Article], ...]
    failures: tuple[Failure, ...]


def clean_batch(items: Sequence[InputItem], settings: Settings, executor: Executor | None = None) -> Cleaned:
    """Clean items, in ``executor``'s worker processes when given, else here. Order is kept."""
    results: list[Article | Failure] | None = None
    if executor is not None and sum(1 for i in items if i.kind == "html") >= _MIN_ITEMS_FOR_POOL:
        try:
            results = list(executor.map(clean_one, items, [settings.clean] * len(items), chunksize=4))
        except BrokenExecutor as exc:  # a worker died (out of memory, killed): finish the batch here
            log.warning("cleaning pool broke (%s); cleaning this batch in the main process", exc)
    if results is None:
        results = []
        for item in items:
            checkpoint("clean:item")
            results.append(clean_one(item, settings.clean))
    checkpoint("clean:done")
    articles = tuple((item, r) for item, r in zip(items, results) if isinstance(r, Article))
    failures = tuple(r for r in results if isinstance(r, Failure))
    return Cleaned(articles, failures)


# --- events (issue 5) ---
def make_event_extractor(settings: Settings):
    """The event extractor the settings ask for (loads the spaCy model once per run), or None when
    event extraction is disabled. Raises ``ConfigError`` when ``events.backend = "spacy"`` has no model."""
    if not settings.events.enabled:
        return None
    from wiredesk.events import DefaultEventExtractor

    ev = settings.events
    return DefaultEventExtractor(ev.backend, model=ev.model or None, models=dict(m.split("=", 1) for m in ev.models),
                                 n_process=ev.workers or (os.cpu_count() or 1))


def extract_events_batch(cleaned: Cleaned, extractor) -> tuple:
    """Event and entity mentions of each cleaned article (body paragraphs only), in one ``nlp.pipe`` pass."""
    from wiredesk.events import DocumentInput

    docs = [DocumentInput.from_article(article) for _, article in cleaned.articles]
    extractions = tuple(extractor.extract_many(docs)) if docs else ()
    checkpoint("events:done")
    return extractions


class EventStage:
    """The event extraction of one run, for every batch (files and feeds): the extractor (and its spaCy
    model) is made on the first batch that has articles, so a rerun of unchanged inputs loads no model."""

    def __init__(self, settings: Settings, wrap: "Wrap") -> None:
        self.settings = settings
        self.wrap = wrap
        self.extractor = None

    def __call__(self, cleaned: Cleaned) -> tuple:
        if not self.settings.events.enabled or not cleaned.articles:
            return ()
        if self.extractor is None:
            self.extractor = make_event_extractor(self.settings)
        return self.wrap(extract_events_batch)(cleaned, self.extractor)
# --- end events ---


def store_batch(db_path: str, run_id: int, batch: Batch, settings: Settings) -> BatchCounts:
    """Write one batch in one transaction."""
    with Store.open(db_path) as store:
        return store.write_batch(run_id, batch, settings.dedup, utcnow(), settings.events.group_window_days)


def start_run(db_path: str, inputs: Sequence[str], flow_run_id: str | None = None) -> int:
    with Store.open(db_path) as store:
        return store.start_run(inputs, utcnow(), flow_run_id)


def finish_run(db_path: str, run_id: int, status: str, error: str | None = None) -> None:
    with Store.open(db_path) as store:
        store.finish_run(run_id, utcnow(), status, error)


def refresh_search(db_path: str, run_id: int):
    """Issue 6: index the current documents this run stored (and drop superseded versions) for
    ``wiredesk search``; incremental, so a run that stored nothing costs milliseconds."""
    with Store.open(db_path) as store:
        return store.refresh_search_index(utcnow(), run_id)


# -- the run ----------------------------------------------------------------------------------------


@dataclass
class RunSummary:
    """What a run did: the numbers ``wiredesk run`` prints and a flow returns."""

    run_id: int
    db_path: str
    inputs: tuple[str, ...]
    status: str = "running"
    counts: BatchCounts = field(default_factory=BatchCounts)
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    @property
    def ok(self) -> bool:
        """A run fails only when it stored nothing and could not ingest anything it was given."""
        c = self.counts
        if self.status != "completed":
            return False
        return not (c.items_failed and not (c.documents_new or c.documents_updated or c.items_unchanged))


Stage = Callable[..., object]
Wrap = Callable[[Stage], Stage]
Progress = Callable[[int, int, BatchCounts], None]


def _identity(fn: Stage) -> Stage:
    return fn


def _pool(workers: int) -> Executor | None:
    if workers <= 1:
        return None
    # forkserver: forking a process that holds threads (Prefect's client, DuckDB) is not safe
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver"))


#: Issue 6: file batches whose CPU work is submitted ahead of the one being stored. Two keep every worker
#: busy while the writer stores and bound the memory held (every batch in flight is in memory here).
_BATCHES_AHEAD = 2


def _scaled_process(runner: "StageRunner | None", settings: Settings, workers: int) -> Callable | None:
    """Issue 6: for feed batches, items to clean → ``Processed`` on ``runner`` (one batch at a time)."""
    if runner is None:
        return None
    from wiredesk.scaleout import submit_items

    return lambda items: submit_items(runner, items, settings, workers).result()


def _ingest_files_scaled(files_: Sequence[str], run_id: int, settings: Settings, summary: RunSummary, wrap: Wrap,
                         progress: Progress | None, runner: "StageRunner", workers: int) -> None:
    """The file batches with their cleaning and events on ``runner``: load and plan here, submit the
    batch's chunks, and store finished batches in their order (one writer, one transaction per batch)."""
    from collections import deque

    from wiredesk.scaleout import submit_items

    db, size, total = settings.db_path, settings.ingest.batch_size, len(files_)
    pending: deque = deque()

    def store_next() -> None:
        done, loaded, plan, work = pending.popleft()
        processed = work.result()
        batch = Batch(cleaned=processed.articles, unchanged=plan.unchanged,
                      failures=loaded.failures + processed.failures, events=processed.events)
        summary.counts.add(wrap(store_batch)(db, run_id, batch, settings))
        summary.failures.extend(batch.failures)
        if progress is not None:
            progress(done, total, summary.counts)

    for start in range(0, total, size):
        loaded = wrap(load_batch)(files_[start:start + size], settings)
        # planning reads what earlier batches stored; a batch still in flight cannot hold these origins
        # (each file is in one batch), and the writer re-checks stored hashes anyway
        plan = wrap(plan_batch)(db, loaded.items)
        pending.append((min(start + size, total), loaded, plan, submit_items(runner, plan.todo, settings, workers)))
        if len(pending) > _BATCHES_AHEAD:
            store_next()
    while pending:
        store_next()


def run_ingest(
    paths: Sequence[str] | None,
    settings: Settings,
    *,
    wrap: Wrap = _identity,
    progress: Progress | None = None,
    flow_run_id: str | None = None,
    lock_wait: float = 0.0,
    source_tag: str | None = None,
    runner: "StageRunner | None" = None,
    runner_workers: int = 1,
) -> RunSummary:
    """Ingest ``paths`` (default: ``seeds/``) into ``settings.db_path``; return the run's summary.

    ``wrap`` turns each stage function into what runs it (identity here; a Prefect task in the flow).
    ``runner`` (issue 6, ``wiredesk.scaleout``), when given, runs the CPU-heavy work of file batches
    (cleaning and event extraction) in chunks (two per worker of ``runner_workers``), with the next batches submitted
    while this process stores the earlier ones in order; without it that work runs here.
    Per-item problems are recorded and the run goes on; an error that stops the run (database, config)
    marks the run ``failed`` and is raised after the batches already committed stay committed.

    The run holds the database's ``RunLock`` throughout: when another run holds it, this waits up to
    ``lock_wait`` seconds, then raises ``RunLockedError`` naming that run (nothing is written).
    ``source_tag`` (scheduled runs of one source group): only due sources with this tag, and no files.
    """
    with RunLock(settings.db_path, _command_name(paths, source_tag), wait=lock_wait) as lock:
        return _run_locked(paths, settings, wrap=wrap, progress=progress, flow_run_id=flow_run_id,
                           lock=lock, source_tag=source_tag, runner=runner, runner_workers=runner_workers)


def _command_name(paths: Sequence[str] | None, source_tag: str | None) -> str:
    if source_tag:
        return f"scheduled run of sources tagged {source_tag!r}"
    return "run " + (" ".join(paths)[:200] if paths else "(seeds/ and due sources)")


def _run_locked(paths, settings: Settings, *, wrap: Wrap, progress: Progress | None, flow_run_id: str | None,
                lock: RunLock, source_tag: str | None, runner: "StageRunner | None" = None,
                runner_workers: int = 1) -> RunSummary:
    inputs = tuple(paths) if paths else (SEEDS_DIR,)
    # issue 3: http(s) URLs are feeds; with no paths at all, every due source runs along with seeds/
    feed_urls, file_inputs, run_feeds = split_feed_urls(paths)
    if source_tag:  # a source group's scheduled run: its due sources only
        feed_urls, file_inputs, run_feeds = (), (), True
        inputs = (f"sources tagged {source_tag}",)
    db = settings.db_path
    started = time.perf_counter()
    discovery = wrap(discover_inputs)(file_inputs)
    checkpoint("run:discovered")
    run_id = wrap(start_run)(db, inputs, flow_run_id)
    lock.note_run(run_id)
    summary = RunSummary(run_id=run_id, db_path=db, inputs=inputs)
    total = len(discovery.files)
    executor = None
    try:  # from here on the run row exists: whatever happens, it must not stay 'running'
        checkpoint("run:started")
        if discovery.failures:
            first = Batch(failures=discovery.failures)
            summary.counts.add(wrap(store_batch)(db, run_id, first, settings))
            summary.failures.extend(discovery.failures)
        html_files = sum(1 for f in discovery.files if Path(f).suffix.lower() in (".html", ".htm", ".json", ".jsonl"))
        if runner is None and (html_files >= _MIN_ITEMS_FOR_POOL or run_feeds):  # issue 3: feeds bring HTML pages (the pool starts lazily)
            executor = _pool(settings.clean_workers)
        size = settings.ingest.batch_size
        extract_events = EventStage(settings, wrap)  # issue 5
        if runner is not None:  # issue 6: cleaning and events scaled out (wiredesk.scaleout), not the loop below
            _ingest_files_scaled(discovery.files, run_id, settings, summary, wrap, progress, runner, runner_workers)
        for start in range(0, total if runner is None else 0, size):
            chunk = discovery.files[start:start + size]
            loaded = wrap(load_batch)(chunk, settings)
            plan = wrap(plan_batch)(db, loaded.items)
            cleaned = wrap(clean_batch)(plan.todo, settings, executor)
            batch = Batch(cleaned=cleaned.articles, unchanged=plan.unchanged, failures=loaded.failures + cleaned.failures,
                          events=extract_events(cleaned))
            summary.counts.add(wrap(store_batch)(db, run_id, batch, settings))
            summary.failures.extend(batch.failures)
            if progress is not None:
                progress(min(start + size, total), total, summary.counts)
        # issue 3: the feed stages (wiredesk.feeds.stage), through the same plan/clean/store stages
        if run_feeds:
            from wiredesk.feeds.stage import ingest_feeds

            fed = ingest_feeds(db, run_id, feed_urls, settings, wrap=wrap, executor=executor,
                               extract_events=extract_events, source_tag=source_tag,
                               process=_scaled_process(runner, settings, runner_workers))
            summary.counts.add(fed.counts)
            summary.failures.extend(fed.failures)
        wrap(refresh_search)(db, run_id)  # issue 6: the search index is current after every run
        checkpoint("run:finishing")
        summary.status = "completed"
    except BaseException as exc:  # KeyboardInterrupt too: the run row must not stay 'running'
        summary.status, summary.error = "failed", f"{type(exc).__name__}: {exc}"
        raise
    finally:
        if executor is not None:
            executor.shutdown()
        summary.seconds = time.perf_counter() - started
        try:
            wrap(finish_run)(db, run_id, summary.status, summary.error)
        except Exception:  # the original error matters more; the run stays 'running' → 'abandoned' later
            log.exception("could not record the end of run %s", run_id)
    return summary
