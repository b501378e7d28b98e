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

import dataclasses
import hashlib
import json
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import BrokenExecutor, Executor
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from wiredesk.domain.counts import BatchCounts
from wiredesk.domain.dates import utcnow
from wiredesk.domain.errors import BadInputError
from wiredesk.domain.lineage import code_versions
from wiredesk.domain.models import Article, Failure, InputItem
from wiredesk.domain.retry import FailureRecord, RetryPolicy, may_try
from wiredesk.domain.settings import Settings
from wiredesk.domain.urls import host_of
from wiredesk.events.extract import DefaultEventExtractor
from wiredesk.events.model import DocumentInput, Extraction
from wiredesk.ops.faults import checkpoint
from wiredesk.pipeline.progress import report_stage
from wiredesk.pipeline.work import clean_one, story_document
from wiredesk.sources import files, urllists, warc
from wiredesk.store import Batch, Store
from wiredesk.store.search_index import RefreshResult
from wiredesk.stories import DocFeatures, PlaceIndex, extract_features
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
    """Read a batch of files into items and URLs to fetch (URL lists: ``wiredesk.sources.urllists``); bad files
    and rows become failures (of the file as it is now: a rerun of an unchanged list records them once)."""
    lists = [Path(p) for p in paths if urllists.is_url_list(Path(p))]
    loaded = files.load_files([Path(p) for p in paths if not urllists.is_url_list(Path(p))], settings.ingest)
    urls, failures, skipped = list(loaded.urls), list(loaded.failures), Counter()
    for path in lists:
        identity = files.file_identity(path)
        try:
            found = urllists.read_url_list(path, url_column=settings.urls.url_column or None,
                                           max_record_bytes=settings.ingest.max_record_bytes)
        except BadInputError as exc:
            failures.append(Failure(str(path), "load", exc.reason, str(exc), content=identity,
                                    may_pass=exc.reason == "unreadable"))
            continue
        urls += found.records
        failures += [dataclasses.replace(f, content=identity) for f in found.failures]
        skipped.update(found.skipped)
    checkpoint("files:loaded")
    return files.Loaded(loaded.items, tuple(failures), tuple(urls), tuple(skipped.items()))


def load_warc_chunk(path: str, offset: int, settings: Settings) -> warc.WarcChunk:
    """Read the next ``ingest.batch_size`` records of a web archive from byte ``offset``; bad records become
    failures, records that are no HTML page are counted as skipped, by kind."""
    chunk = warc.read_warc(Path(path), offset, settings.ingest, settings.ingest.batch_size)
    checkpoint("files:loaded")
    return chunk


# -- plan -------------------------------------------------------------------------------------------


@cache
def _code_version(versions: str) -> str:
    return hashlib.sha256(versions.encode()).hexdigest()[:16]


def retry_policy(settings: Settings) -> RetryPolicy:
    """When failed items are tried again (``[ingest] retry_*``), and the version of the code and settings
    their failures are recorded with: new code or settings make every failed item worth trying again."""
    ing = settings.ingest
    versions = json.dumps(code_versions(settings), sort_keys=True)
    return RetryPolicy(ing.retry_attempts, timedelta(minutes=ing.retry_backoff_minutes),
                       timedelta(minutes=ing.retry_max_backoff_minutes), _code_version(versions))


@dataclass(frozen=True)
class Plan:
    """Which loaded items need cleaning, which are byte-for-byte what was stored before, which failed
    before on these very bytes with this code and are not due to be tried again (``skipped``), and which
    load failures are worth recording (the others are known already: no new attempt)."""

    todo: tuple[InputItem, ...]
    unchanged: tuple[InputItem, ...]
    skipped: tuple[InputItem, ...] = ()
    failures: tuple[Failure, ...] = ()


def plan_items(items: Iterable[InputItem], known: dict[str, str], failing: dict[str, FailureRecord] | None = None,
               failures: Iterable[Failure] = (), *, now: datetime | None = None, code_version: str = "") -> Plan:
    """Pure: an item whose bytes equal the last stored bytes of its origin is unchanged; one that failed
    before is tried again only as ``wiredesk.domain.retry.may_try`` says (new bytes, new code, or its
    retry time has come); a load failure already recorded for the same file content is not recorded again.

    Within one batch, the first item of an origin wins (a JSONL file repeating a line twice is one item).
    """
    failing = failing or {}
    now = now or utcnow()
    todo, unchanged, skipped, seen = [], [], [], set()
    for item in items:
        if known.get(item.origin) == item.raw_sha256 or item.origin in seen:
            unchanged.append(item)
        elif not may_try(failing.get(item.origin), now, code_version, item.raw_sha256):
            skipped.append(item)
        else:
            todo.append(item)
        seen.add(item.origin)
    kept = tuple(f for f in failures if may_try(failing.get(f.origin), now, code_version, f.content))
    return Plan(tuple(todo), tuple(unchanged), tuple(skipped), kept)


def plan_batch(items: Sequence[InputItem], settings: Settings, failures: Sequence[Failure] = (),
               retry: RetryPolicy | None = None, run_id: int | None = None) -> Plan:
    """Read the stored state and the failure rows of these items' origins and plan them; with ``run_id``, the
    items to clean carry the site furniture earlier runs stored for their site (``with_site_furniture``)."""
    retry = retry or retry_policy(settings)
    with open_store(settings) as store:
        known = store.known_raw_hashes(i.origin for i in items)
        failing = store.known_failures([*(i.origin for i in items), *(f.origin for f in failures)])
        plan = plan_items(items, known, failing, failures, now=utcnow(), code_version=retry.code_version)
        if run_id is not None and plan.todo:
            plan = dataclasses.replace(
                plan, todo=with_site_furniture(plan.todo, [run_id] * len(plan.todo), store.site_lines))
    checkpoint("plan:done")
    return plan


def with_site_furniture(items: Sequence[InputItem], runs: Sequence[int],
                        site_lines: Callable[[Sequence[tuple[str, int]]], dict[tuple[str, int], frozenset[int]]]
                        ) -> tuple[InputItem, ...]:
    """``items`` with ``site_furniture`` set: the short lines that documents of the item's host (from its
    URL) stored by runs before ``runs[i]`` carried (``site_lines``: the store's answer). An item without a
    URL keeps none."""
    wanted = [(host_of(i.meta.url), run) if i.meta.url else None for i, run in zip(items, runs, strict=True)]
    found = site_lines([w for w in wanted if w is not None])
    return tuple(dataclasses.replace(i, site_furniture=found.get(w, frozenset())) if w else i
                 for i, w in zip(items, wanted))


# -- clean ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cleaned:
    articles: tuple[tuple[InputItem, Article], ...]
    failures: tuple[Failure, ...]


def clean_batch(items: Sequence[InputItem], settings: Settings, executor: Executor | None = None) -> Cleaned:
    """Clean items, in ``executor``'s worker processes when given, else here. Order is kept."""
    results: list[Article | Failure] | None = None
    total = len(items)
    report_stage("clean", 0, total)
    if executor is not None and sum(1 for i in items if i.kind == "html") >= MIN_ITEMS_FOR_POOL:
        try:
            results = []
            for result in executor.map(clean_one, items, [settings.clean] * total, [settings.site_rules] * total,
                                       chunksize=4):
                results.append(result)
                report_stage("clean", len(results), total)
        except BrokenExecutor as exc:  # a worker died (out of memory, killed): finish the batch here
            log.warning("cleaning pool broke (%s); cleaning this batch in the main process", exc)
            results = None
    if results is None:
        results = []
        for item in items:
            checkpoint("clean:item")
            results.append(clean_one(item, settings.clean, settings.site_rules))
            report_stage("clean", len(results), total)
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
    events = settings.events
    return DefaultEventExtractor.from_settings(events, n_process=events.workers or (os.cpu_count() or 1))


#: Documents handed to the extractor at once: each hand-over is one ``nlp.pipe`` pass (with its worker
#: processes when it has 64 paragraphs or more), and between two the run reports how far it got; an article
#: is read alone, so the hand-over size changes no result.
EVENTS_CHUNK_DOCUMENTS = 32


def extract_events_batch(cleaned: Cleaned, extractor: DefaultEventExtractor) -> tuple[Extraction, ...]:
    """Event and entity mentions of each cleaned article (body paragraphs only), ``EVENTS_CHUNK_DOCUMENTS``
    articles per ``nlp.pipe`` pass."""
    docs = [DocumentInput.from_article(article) for _, article in cleaned.articles]
    extractions: list[Extraction] = []
    report_stage("events", 0, len(docs), "documents")
    for start in range(0, len(docs), EVENTS_CHUNK_DOCUMENTS):
        extractions.extend(extractor.extract_many(docs[start:start + EVENTS_CHUNK_DOCUMENTS]))
        report_stage("events", len(extractions), len(docs), "documents")
    checkpoint("events:done")
    return tuple(extractions)


# -- story features ---------------------------------------------------------------------------------


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
