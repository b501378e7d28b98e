"""One batch, the same for files, scaled-out files and feeds: plan → clean → extract events and story
features → store → counts.

``BatchStep.submit`` takes a batch of loaded items (with the failures and feed state that ride with them):

1. plan: which items are new or changed against the stored raw hashes (``stages.plan_batch``);
2. clean, extract events and story features: on a ``StageRunner`` (``wiredesk.pipeline.scaleout``: Dask
   workers) or the run's own process pool, chunks submitted at once, each worker cleaning its chunk and
   reading it for events with the model it keeps across batches, and for story features; without either,
   here (``stages.clean_batch``, then ``stages.extract_events_batch`` with the run's one extractor and
   ``stages.story_features_batch`` with the run's one place index);
3. store: one transaction per batch, in the order batches were submitted (``stages.store_batch``);
4. counts: added to the run's summary, failures collected, progress reported.

With ``ahead`` > 0 (file batches) up to that many batches are cleaned on the runner or the pool while an
earlier one is stored; ``drain`` stores what is still pending. Every stage goes through the run's ``wrap`` (a Prefect
task in the flow).
"""

from __future__ import annotations

import logging
import time
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import BrokenExecutor
from dataclasses import dataclass, field

from wiredesk.domain.counts import BatchCounts
from wiredesk.domain.models import Failure, InputItem
from wiredesk.domain.urls import is_http_url
from wiredesk.pipeline.progress import report_stage, report_stored
from wiredesk.pipeline.run import Run
from wiredesk.pipeline.scaleout import Done, PendingItems, Processed, StageRunner, submit_items, work_stage
from wiredesk.pipeline.stages import (MIN_ITEMS_FOR_POOL, Plan, clean_batch, extract_events_batch,
                                      make_event_extractor, plan_batch, retry_policy, store_batch,
                                      story_features_batch)
from wiredesk.store import Batch
from wiredesk.store.feeds import FeedBatch
from wiredesk.store.source_health import PageAccess
from wiredesk.stories import PlaceIndex, load_place_index

log = logging.getLogger("wiredesk")

Progress = Callable[[int, int, BatchCounts], None]


@dataclass(frozen=True)
class BatchInput:
    """A batch of loaded items, the failures found loading them, and the feed state that commits with them.
    ``done``: how many of the run's ``total`` inputs are done once it is stored (None: report no progress)."""

    items: tuple[InputItem, ...]
    failures: tuple[Failure, ...] = ()
    feeds: FeedBatch | None = None
    done: int | None = None
    #: web-archive records passed over while loading, by kind (``wiredesk.sources.warc``)
    skipped: Counter = field(default_factory=Counter)


def page_access(items: tuple[InputItem, ...], processed: Processed) -> tuple[PageAccess, ...]:
    """The access state of each fetched page cleaned (an article, or the state its ``access`` failure gives)."""
    failed = {f.origin: f for f in processed.failures if f.stage == "access"}
    stored = {item.origin for item, _ in processed.articles}
    return tuple(PageAccess(i.origin, i.source_id, "article", None, i.raw_sha256) if i.origin in stored
                 else PageAccess(i.origin, i.source_id, failed[i.origin].reason, failed[i.origin].message, i.raw_sha256)
                 for i in items if i.origin in stored and is_http_url(i.origin) and i.kind == "html" or i.origin in failed)


class BatchStep:
    """Steps 1-4 for the batches of one run (see the module docstring); counts and failures go to the run's
    summary, progress is reported against ``total``.

    ``runner`` (with ``runner_workers``): clean and extract events there instead of here."""

    def __init__(self, run: Run, *, progress: Progress | None = None, total: int = 0,
                 runner: StageRunner | None = None, runner_workers: int = 1):
        self.run = run
        self.settings = run.settings
        self.wrap = run.wrap
        self.progress = progress
        self.total = total
        self.runner = runner
        self.runner_workers = runner_workers
        self._pending: deque[tuple[BatchInput, Plan, PendingItems | Done]] = deque()
        self._extractor = None
        self.retry = retry_policy(self.settings)  # when failed items are tried again, with which code version
        self.revisit_offsets = self.settings.revisits.deltas  # when pages fetched by URL are fetched again
        self._places: PlaceIndex | None = None
        self._stored = 0  # inputs stored so far (feed batches, which carry no ``done``, count their items)

    def submit(self, batch: BatchInput, *, ahead: int = 0) -> None:
        """Plan ``batch`` and start its cleaning; store pending batches, oldest first, until at most ``ahead``
        wait (``ahead`` only counts with a runner or the run's pool: here, cleaning is done when ``submit``
        returns)."""
        # planning reads what earlier batches stored; a batch still in flight cannot hold these origins
        # (each input is in one batch), and the writer re-checks stored hashes anyway
        report_stage("plan", 0, len(batch.items))
        plan = self.wrap(plan_batch)(batch.items, self.settings, batch.failures, self.retry, self.run.run_id)
        work = self._process(plan.todo)
        self._pending.append((batch, plan, work))
        limit = ahead if isinstance(work, PendingItems) else 0
        while len(self._pending) > limit:
            self._store_next()

    def drain(self) -> None:
        """Store every pending batch, in order."""
        while self._pending:
            self._store_next()

    def store_failures(self, failures: tuple[Failure, ...]) -> None:
        """Store failures found before any batch (paths that could not be used at all): step 3 and 4 only."""
        self._store(Batch(failures=failures, retry=self.retry))

    def _process(self, items: tuple[InputItem, ...]) -> PendingItems | Done:
        if self.runner is not None:
            report_stage(work_stage(self.settings), 0, len(items))  # done counts come as chunks return
            return submit_items(self.runner, items, self.settings, self.runner_workers)
        executor = self.run.executor if items and self._pooled(items) else None
        if executor is not None:
            # the run's pool is a runner too: each worker cleans its chunk and reads it for events with
            # the model it keeps (scaleout.worker_extractor), while this process stores earlier batches
            try:
                report_stage(work_stage(self.settings), 0, len(items))
                return submit_items(executor, items, self.settings, self.settings.clean_workers)
            except BrokenExecutor as exc:
                log.warning("process pool broke (%s); cleaning this batch in the main process", exc)
        return self._process_here(items)

    def _process_here(self, items: tuple[InputItem, ...]) -> Done:
        started = time.process_time()
        cleaned = self.wrap(clean_batch)(items, self.settings, None)
        clean_seconds = time.process_time() - started
        events: tuple = ()
        if self.settings.events.enabled and cleaned.articles:
            if self._extractor is None:  # made on the first batch with articles: a rerun of unchanged inputs loads no model
                self._extractor = make_event_extractor(self.settings)
            events = self.wrap(extract_events_batch)(cleaned, self._extractor)
        events_done = time.process_time()
        stories: tuple = ()
        if cleaned.articles:
            if self._places is None:  # loaded on the first batch with articles, like the extractor (about 1 s)
                self._places = load_place_index()
            stories = self.wrap(story_features_batch)(cleaned, self._places)
        return Done(Processed(cleaned.articles, cleaned.failures, events=events, stories=stories,
                              clean_seconds=clean_seconds, events_seconds=events_done - started - clean_seconds,
                              stories_seconds=time.process_time() - events_done))

    def _pooled(self, items: tuple[InputItem, ...]) -> bool:
        """Whether a batch goes to the pool: any batch when events are read (the workers hold the models;
        this process then never loads one), else one with enough HTML to clean to pay for the trip."""
        return self.settings.events.enabled or sum(1 for i in items if i.kind == "html") >= MIN_ITEMS_FOR_POOL

    def _store_next(self) -> None:
        batch, plan, work = self._pending.popleft()
        try:
            processed = work.result()
        except BrokenExecutor as exc:  # a pool worker died (out of memory, killed): finish the batch here
            log.warning("process pool broke (%s); cleaning this batch in the main process", exc)
            processed = self._process_here(plan.todo).result()
        self.run.summary.cpu_seconds.update(clean=processed.clean_seconds, events=processed.events_seconds,
                                            stories=processed.stories_seconds, near_tokens=processed.tokens_seconds)
        report_stage("store", 0, len(batch.items))
        self._store(Batch(cleaned=processed.articles, unchanged=plan.unchanged, skipped=plan.skipped,
                          failures=plan.failures + processed.failures, feeds=batch.feeds, events=processed.events,
                          stories=processed.stories, tokens=processed.tokens, retry=self.retry,
                          access=page_access(plan.todo, processed), revisit_offsets=self.revisit_offsets))
        counts = self.run.summary.counts
        counts.records_skipped.update(batch.skipped)
        if batch.done is not None:  # a batch of files: done of the run's total inputs
            self._stored = batch.done
            report_stored(batch.done, self.total, counts)
            if self.progress is not None:
                self.progress(batch.done, self.total, counts)
        elif batch.items:  # a batch of feed articles: how many there will be is not known in advance
            self._stored += len(batch.items)
            report_stored(self._stored, None, counts)

    def _store(self, batch: Batch) -> None:
        summary = self.run.summary
        summary.counts.add(self.wrap(store_batch)(self.run.run_id, batch, self.settings))
        summary.failures.extend(batch.failures)
