"""Scale-out: the CPU-heavy part of a batch as one function that can run in another process or machine.

What this is:

- ``process_items``: clean a chunk of items and extract their events and story features. A plain function
  of picklable data (items and settings in, articles, failures, extractions and features out), so a Dask
  worker, a process pool or the caller's own process can run it. It touches no database. Each process
  keeps its own event extractor (its spaCy model) and place index across chunks and batches
  (``worker_extractor``, ``worker_places``).
- The run's own cleaning pool (``ingest.workers`` processes) is such a runner too
  (``wiredesk.pipeline.batch``): cleaning, event extraction and story features side by side in the same
  workers, one pool, no second one for spaCy.
- ``StageRunner``: the seam through which a run's batches (``wiredesk.pipeline.batch``) hand that work out. Anything with
  ``submit(fn, *args)`` returning an object with ``result()`` fits: a ``concurrent.futures`` executor,
  ``InlineRunner`` below, or the flow's adapter of a Prefect task runner (``flows/ingest.py``).
- ``submit_items``: cut a batch's items into contiguous chunks, submit each, and put the results back
  together in the original order, so a batch stores exactly what the in-process path would store.

What this is not: Prefect or Dask code (``flows/`` adapts those), or storage. Results come back to the
caller, which alone writes them, one transaction per batch (``wiredesk.store``).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from wiredesk.dedup.settings import DedupSettings
from wiredesk.dedup.tokenwork import TokenWork, articles_token_work
from wiredesk.domain.models import Article, Failure, InputItem
from wiredesk.domain.settings import EventsSettings, Settings
from wiredesk.events.extract import DefaultEventExtractor
from wiredesk.events.model import DocumentInput
from wiredesk.pipeline.progress import report_stage
from wiredesk.pipeline.work import clean_one, story_document
from wiredesk.stories import PlaceIndex, extract_features, load_place_index
from wiredesk.stories import Settings as StorySettings


class StageFuture(Protocol):
    def result(self) -> Any: ...


class StageRunner(Protocol):
    """Runs a stage function somewhere, maybe concurrently. ``submit`` must not block on the work; the
    returned future's ``result()`` returns the value or raises the stage's exception."""

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> StageFuture: ...


class Done:
    """A ``StageFuture`` whose work is already done: what ``InlineRunner`` returns, and a batch's step 2 when the
    caller's own process did it (``wiredesk.pipeline.batch``)."""

    def __init__(self, value: Any):
        self.value = value

    def result(self) -> Any:
        return self.value


class InlineRunner:
    """A ``StageRunner`` that runs each stage at once in this process (no concurrency). Useful to run the
    scaled-out code path without a cluster, and as the reference it must agree with."""

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> StageFuture:
        return Done(fn(*args))


@dataclass(frozen=True, kw_only=True)
class ArticlesWork:
    """What the CPU-heavy stages made of some articles, in the articles' order, and the CPU seconds each stage
    spent (summed over workers; on a busy machine wall time is longer). What a worker's chunk (``ChunkResult``)
    and a whole batch (``Processed``) have in common; each adds how its articles and failures come back."""

    #: event extractions of the articles (empty when events are disabled)
    events: tuple = ()
    #: story features of the articles
    stories: tuple = ()
    #: the near-duplicate stage's token work of the articles (``wiredesk.dedup.tokenwork``; empty: the writer's
    #: stage makes it)
    tokens: tuple = ()
    clean_seconds: float = 0.0
    events_seconds: float = 0.0
    stories_seconds: float = 0.0
    tokens_seconds: float = 0.0


@dataclass(frozen=True)
class Processed(ArticlesWork):
    """A batch's CPU-heavy results: its articles paired with their items, in the items' order, its failures, and
    the work done on the articles."""

    articles: tuple[tuple[InputItem, Article], ...] = ()
    failures: tuple[Failure, ...] = ()


@dataclass(frozen=True)
class ChunkResult(ArticlesWork):
    """What a worker sends back for a chunk: per item an ``Article`` or a ``Failure``, and the work done on the
    articles. Not the items: the caller still holds them (raw bytes included), so they never travel back."""

    outcomes: tuple[Article | Failure, ...]


@functools.lru_cache(maxsize=2)
def worker_extractor(events: EventsSettings):
    """The event extractor of this process, made once per process and settings, not per task.

    A process-wide cache on purpose: loading the spaCy model costs 1-2 s, a task a fraction of that. It
    uses one spaCy process (``n_process=1``): here the workers are the parallelism, and a Dask worker is a
    daemon process that may not start processes of its own.
    """
    return DefaultEventExtractor.from_settings(events, n_process=1)


@functools.lru_cache(maxsize=1)
def worker_places() -> PlaceIndex:
    """The story layer's place index of this process, loaded once (about 1 s), as ``worker_extractor``."""
    return load_place_index()


def process_items(items: Sequence[InputItem], settings: Settings) -> ChunkResult:
    """Clean ``items`` (one by one, in this process), then extract the events and story features of the
    articles found."""
    started = time.process_time()
    outcomes = tuple(clean_one(item, settings.clean, settings.site_rules) for item in items)
    cleaned = time.process_time()
    events: tuple = ()
    articles = [o for o in outcomes if isinstance(o, Article)]
    if settings.events.enabled and articles:
        events = tuple(worker_extractor(settings.events).extract_many([DocumentInput.from_article(a) for a in articles]))
    events_done = time.process_time()
    stories = tuple(extract_features(story_document(a), StorySettings(), worker_places()) for a in articles)
    stories_done = time.process_time()
    tokens = tuple(near_token_work(articles, settings.dedup))
    return ChunkResult(outcomes, events=events, stories=stories, tokens=tokens, clean_seconds=cleaned - started,
                       events_seconds=events_done - cleaned, stories_seconds=stories_done - events_done,
                       tokens_seconds=time.process_time() - stories_done)


def near_token_work(articles: Sequence[Article], settings: DedupSettings) -> list[TokenWork]:
    """The near-duplicate stage's token work of ``articles`` (``wiredesk.dedup.tokenwork``), made here so that
    the writer does not: the paragraphs' match tokens, keys and sketches."""
    if not articles:
        return []
    return articles_token_work([([(p.role, p.text) for p in a.paragraphs], a.language) for a in articles], settings)


def without_raw(item: InputItem) -> InputItem:
    """The item as a worker needs it: cleaning reads ``content``, never the raw bytes (which can double
    what crosses the network); the writer stores the raw bytes from the caller's copy."""
    return dataclasses.replace(item, raw=b"")


def split_items(items: Sequence[InputItem], parts: int) -> list[tuple[InputItem, ...]]:
    """``items`` cut into at most ``parts`` contiguous chunks of nearly equal size (none empty)."""
    if not items:
        return []
    size = math.ceil(len(items) / max(1, parts))
    return [tuple(items[i:i + size]) for i in range(0, len(items), size)]


class PendingItems:
    """The submitted chunks of one batch; ``result()`` waits for all and joins them in order, each
    outcome paired with the caller's own item."""

    def __init__(self, chunks: list[tuple[InputItem, ...]], futures: list[StageFuture], stage: str = "clean"):
        self.chunks = chunks
        self.futures = futures
        self.stage = stage  # what progress calls this work (``work_stage``)

    def result(self) -> Processed:
        articles: list[tuple[InputItem, Article]] = []
        failures: list[Failure] = []
        events: list = []
        clean = extract = story = token_seconds = 0.0
        stories: list = []
        tokens: list = []
        total, finished = sum(len(c) for c in self.chunks), 0
        for chunk, future in zip(self.chunks, self.futures):
            done: ChunkResult = future.result()
            finished += len(chunk)
            report_stage(self.stage, finished, total)  # chunk by chunk, as the workers hand them back
            for item, outcome in zip(chunk, done.outcomes, strict=True):
                if isinstance(outcome, Article):
                    articles.append((item, outcome))
                else:
                    failures.append(outcome)
            events.extend(done.events)
            stories.extend(done.stories)
            tokens.extend(done.tokens)
            clean += done.clean_seconds
            extract += done.events_seconds
            story += done.stories_seconds
            token_seconds += done.tokens_seconds
        if len(tokens) != len(articles):  # a runner that sends no token work: the writer's stage makes it
            tokens = []
        return Processed(tuple(articles), tuple(failures), events=tuple(events), stories=tuple(stories),
                         tokens=tuple(tokens), clean_seconds=clean, events_seconds=extract, stories_seconds=story,
                         tokens_seconds=token_seconds)


#: Chunks per worker and batch: pages differ a lot in cleaning and parsing time, and with one chunk each a
#: worker that finishes early would wait for the slowest; more chunks cost a task and a pickle each.
CHUNKS_PER_WORKER = 2


def submit_items(runner: StageRunner, items: Sequence[InputItem], settings: Settings, workers: int) -> PendingItems:
    """Submit ``process_items`` for ``items`` in ``CHUNKS_PER_WORKER`` chunks per worker; returns at once."""
    chunks = split_items(items, CHUNKS_PER_WORKER * max(1, workers))
    futures = [runner.submit(process_items, tuple(without_raw(i) for i in chunk), settings) for chunk in chunks]
    return PendingItems(chunks, futures, work_stage(settings))


def work_stage(settings: Settings) -> str:
    """The progress stage of what a worker does with its items: cleaning, and reading events when they are on."""
    return "clean_events" if settings.events.enabled else "clean"
