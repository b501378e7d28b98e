"""The stages of the pipeline as plain functions: discover, load, plan, clean, extract events, story
features, store, and the run row's start and finish.

Each stage takes and returns data (paths, items, articles, counts) and, where it needs the database, the
settings that name it, never a connection: so the same functions run directly (tests, ``wiredesk run
--no-prefect``) or as Prefect tasks (``flows/ingest.py`` wraps each one; its name is the task's). They are
put together in one place per kind of work: ``wiredesk.pipeline.batch`` (one batch) and
``wiredesk.pipeline.run`` (one run).

What this module decides: nothing that is not a plain function of its inputs. Which items are new is
``plan_items``; what is a duplicate is ``wiredesk.dedup``; what is an event is ``wiredesk.events``; which
story a document joins is ``wiredesk.stories``; what is stored is ``wiredesk.store``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import BrokenExecutor, Executor
from dataclasses import dataclass
from pathlib import Path

from wiredesk.clean.cleaner import HtmlCleaner, clean_item
from wiredesk.domain.counts import BatchCounts
from wiredesk.domain.dates import utcnow
from wiredesk.domain.errors import SURVIVABLE_ERRORS
from wiredesk.domain.models import Article, Failure, InputItem
from wiredesk.domain.settings import CleanSettings, Settings
from wiredesk.events.extract import DefaultEventExtractor
from wiredesk.events.model import DocumentInput, Extraction
from wiredesk.ops.faults import checkpoint
from wiredesk.sources import files
from wiredesk.store import Batch, Store
from wiredesk.store.search_index import RefreshResult
from wiredesk.stories import DocFeatures, PlaceIndex, StoryDocument, extract_features
from wiredesk.stories import Settings as StorySettings

log = logging.getLogger("wiredesk")

#: Below this many HTML items in a batch, a process pool costs more than it saves.
MIN_ITEMS_FOR_POOL = 8


def open_store(settings: Settings) -> Store:
    """The read-write database of ``settings``, waiting for readers as ``[database] write_wait_seconds`` says."""
    return Store.open(settings.db_path, wait=settings.db_write_wait_seconds)


# -- discover and load (files) ----------------------------------------------------------------------


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


# -- plan -------------------------------------------------------------------------------------------


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


def plan_batch(items: Sequence[InputItem], settings: Settings) -> Plan:
    """Read the stored state of these items' origins and plan them."""
    with open_store(settings) as store:
        known = store.known_raw_hashes(i.origin for i in items)
    checkpoint("plan:done")
    return plan_items(items, known)


# -- clean ------------------------------------------------------------------------------------------


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
    if executor is not None and sum(1 for i in items if i.kind == "html") >= MIN_ITEMS_FOR_POOL:
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


# -- extract events ---------------------------------------------------------------------------------


def make_event_extractor(settings: Settings) -> DefaultEventExtractor | None:
    """The event extractor the settings ask for (loads the spaCy model once per run), or None when
    event extraction is disabled. Raises ``ConfigError`` when ``events.backend = "spacy"`` has no model."""
    if not settings.events.enabled:
        return None
    ev = settings.events
    return DefaultEventExtractor(ev.backend, model=ev.model or None, n_process=ev.workers or (os.cpu_count() or 1))


def extract_events_batch(cleaned: Cleaned, extractor: DefaultEventExtractor) -> tuple[Extraction, ...]:
    """Event and entity mentions of each cleaned article (body paragraphs only), in one ``nlp.pipe`` pass."""
    docs = [DocumentInput.from_article(article) for _, article in cleaned.articles]
    extractions = tuple(extractor.extract_many(docs)) if docs else ()
    checkpoint("events:done")
    return extractions


# -- story features ---------------------------------------------------------------------------------


def story_document(article: Article) -> StoryDocument:
    """What the story layer reads of an article: the values its document row stores (id filled by the store)."""
    return StoryDocument(0, article.text, title=article.title, language=article.language,
                         published_at=article.published_at, outlet=article.source)


def story_features_batch(cleaned: Cleaned, places: PlaceIndex) -> tuple[DocFeatures, ...]:
    """The story features (words, names, numbers, years, places) of each cleaned article, in order; the store
    decides their stories in the batch's transaction (``wiredesk.store.stories``)."""
    settings = StorySettings()
    features = tuple(extract_features(story_document(article), settings, places) for _, article in cleaned.articles)
    checkpoint("stories:features")
    return features


# -- store and the run row --------------------------------------------------------------------------


def store_batch(run_id: int, batch: Batch, settings: Settings) -> BatchCounts:
    """Write one batch in one transaction."""
    with open_store(settings) as store:
        return store.write_batch(run_id, batch, settings.dedup, utcnow(), settings.events.group_window_days)


def start_run(settings: Settings, inputs: Sequence[str], flow_run_id: str | None = None, kind: str = "ingest",
              code_versions: dict | None = None) -> int:
    """Record a new run as ``running``; returns its id."""
    with open_store(settings) as store:
        return store.start_run(inputs, utcnow(), flow_run_id, kind=kind, code_versions=code_versions)


def finish_run(settings: Settings, run_id: int, status: str, error: str | None = None) -> None:
    with open_store(settings) as store:
        store.finish_run(run_id, utcnow(), status, error)


def refresh_search(settings: Settings, run_id: int) -> RefreshResult:
    """Index the current documents this run stored (and drop superseded versions) for ``wiredesk search``;
    incremental, so a run that stored nothing costs milliseconds."""
    with open_store(settings) as store:
        return store.refresh_search_index(utcnow(), run_id)
