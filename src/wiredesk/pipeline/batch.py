"""One batch, the same for files, scaled-out files and feeds: plan → clean → extract events and story
features → store → counts.

``BatchStep.submit`` takes a batch of loaded items (with the failures and feed state that ride with them):

1. plan: which items are new or changed against the stored raw hashes (``stages.plan_batch``);
2. clean, extract events and story features: here, with the run's cleaning pool (``stages.clean_batch``,
   then ``stages.extract_events_batch`` with the run's one extractor and ``stages.story_features_batch``
   with the run's one place index), or on a ``StageRunner`` (``wiredesk.pipeline.scaleout``: Dask
   workers, chunks submitted at once);
3. store: one transaction per batch, in the order batches were submitted (``stages.store_batch``);
4. counts: added to the run's summary, failures collected, progress reported.

With ``ahead`` > 0 (scaled-out files) up to that many batches are cleaned on the runner while an earlier
one is stored; ``drain`` stores what is still pending. Every stage goes through the run's ``wrap`` (a Prefect
task in the flow).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from wiredesk.domain.counts import BatchCounts
from wiredesk.domain.models import Failure, InputItem
from wiredesk.pipeline.run import Run
from wiredesk.pipeline.scaleout import PendingItems, Processed, StageRunner, submit_items
from wiredesk.pipeline.stages import (Plan, clean_batch, extract_events_batch, make_event_extractor, plan_batch,
                                      store_batch, story_features_batch)
from wiredesk.store import Batch
from wiredesk.store.feeds import FeedBatch
from wiredesk.stories import PlaceIndex, load_place_index

Progress = Callable[[int, int, BatchCounts], None]


@dataclass(frozen=True)
class BatchInput:
    """A batch of loaded items, the failures found loading them, and the feed state that commits with them.
    ``done``: how many of the run's ``total`` inputs are done once it is stored (None: report no progress)."""

    items: tuple[InputItem, ...]
    failures: tuple[Failure, ...] = ()
    feeds: FeedBatch | None = None
    done: int | None = None


class _Finished:
    """Step 2 done in this process: its result, shaped like a runner's pending chunks."""

    def __init__(self, processed: Processed):
        self.processed = processed

    def result(self) -> Processed:
        return self.processed


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
        self._pending: deque[tuple[BatchInput, Plan, PendingItems | _Finished]] = deque()
        self._extractor = None
        self._places: PlaceIndex | None = None

    def submit(self, batch: BatchInput, *, ahead: int = 0) -> None:
        """Plan ``batch`` and start its cleaning; store pending batches, oldest first, until at most ``ahead``
        wait (``ahead`` only counts with a runner: here, cleaning is done when ``submit`` returns)."""
        # planning reads what earlier batches stored; a batch still in flight cannot hold these origins
        # (each input is in one batch), and the writer re-checks stored hashes anyway
        plan = self.wrap(plan_batch)(batch.items, self.settings)
        self._pending.append((batch, plan, self._process(plan.todo)))
        while len(self._pending) > (ahead if self.runner is not None else 0):
            self._store_next()

    def drain(self) -> None:
        """Store every pending batch, in order."""
        while self._pending:
            self._store_next()

    def store_failures(self, failures: tuple[Failure, ...]) -> None:
        """Store failures found before any batch (paths that could not be used at all): step 3 and 4 only."""
        self._store(Batch(failures=failures))

    def _process(self, items: tuple[InputItem, ...]) -> PendingItems | _Finished:
        if self.runner is not None:
            return submit_items(self.runner, items, self.settings, self.runner_workers)
        cleaned = self.wrap(clean_batch)(items, self.settings, self.run.executor)
        events: tuple = ()
        if self.settings.events.enabled and cleaned.articles:
            if self._extractor is None:  # made on the first batch with articles: a rerun of unchanged inputs loads no model
                self._extractor = make_event_extractor(self.settings)
            events = self.wrap(extract_events_batch)(cleaned, self._extractor)
        stories: tuple = ()
        if cleaned.articles:
            if self._places is None:  # loaded on the first batch with articles, like the extractor (about 1 s)
                self._places = load_place_index()
            stories = self.wrap(story_features_batch)(cleaned, self._places)
        return _Finished(Processed(cleaned.articles, cleaned.failures, events, stories))

    def _store_next(self) -> None:
        batch, plan, work = self._pending.popleft()
        processed = work.result()
        self._store(Batch(cleaned=processed.articles, unchanged=plan.unchanged,
                          failures=batch.failures + processed.failures, feeds=batch.feeds, events=processed.events,
                          stories=processed.stories))
        if self.progress is not None and batch.done is not None:
            self.progress(batch.done, self.total, self.run.summary.counts)

    def _store(self, batch: Batch) -> None:
        summary = self.run.summary
        summary.counts.add(self.wrap(store_batch)(self.run.run_id, batch, self.settings))
        summary.failures.extend(batch.failures)
