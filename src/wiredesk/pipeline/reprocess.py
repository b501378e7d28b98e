"""Reprocess: re-derive stored documents with the current code, from the stored raw bytes, without the network.

``run_reprocess`` takes the current document versions (all, or those ingested since a date), batch by batch:

1. clean: rebuild each input item from ``raw_pages`` (``item_from_raw``: the bytes, the JSON record or front
   matter they contain, and the metadata that was supplied with the item, ``documents.supplied_meta``) and
   clean it again with the current cleaner;
2. dedup: re-derive the exact and near/partial links (and near-index keys) of every paragraph of the batch;
3. events: extract event and entity mentions again and regroup the events whose mentions changed.

``outdated`` takes only the documents whose stored cleaner version is not the one the cleaners would write for
them now (``outdated_ids``): new cleaning code, or a site rule of their host added, changed or removed
(``wiredesk.clean.siterules``), and the documents stored before the cleaner kept the types a page declares
(``documents.page_types`` NULL); the others are not read at all.

``stage`` names the first stage re-derived; every later one runs too (a changed paragraph must be relinked,
a changed text re-extracted). Each batch is written by ``Store.write_rederived`` in one transaction; the
reprocess is a run like any other (``wiredesk.pipeline.run``: the lock, ``runs.kind = 'reprocess'``, the
cleaning pool, the finish) with counts of what changed, and every changed document gets a
``reprocess_changes`` row. ``dry_run`` does the same work and rolls every batch back.

It shares the run lifecycle and the clean and events stages (``stages.clean_batch``,
``stages.make_event_extractor``) with an ingest, not the batch step: its plan is the stored documents and its
store replaces derived rows in place, where an ingest adds versions.

What it is not: an ingest. Documents keep their ``document_id``, ``version`` and ``ingested_at``; nothing is
fetched or read from disk; older (non-current) versions are left as they were made.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from wiredesk.clean.cleaner import cleaner_version
from wiredesk.clean.siterules import SiteRules
from wiredesk.domain.counts import ReprocessCounts
from wiredesk.domain.dates import utcnow
from wiredesk.domain.errors import SURVIVABLE_ERRORS, ReprocessError
from wiredesk.domain.lineage import code_versions, meta_from_json
from wiredesk.domain.models import Article, Failure, InputItem, ItemMeta
from wiredesk.domain.settings import Settings
from wiredesk.domain.urls import host_of, is_http_url
from wiredesk.events.model import DocumentInput, InputParagraph
from wiredesk.pipeline.run import locked, running
from wiredesk.pipeline.stages import clean_batch, make_event_extractor, open_store, refresh_search
from wiredesk.sources import files
from wiredesk.sources.feeds.collect import decode_html
from wiredesk.store.rederive import Rederived
from wiredesk.store.rederive_reads import StoredDocument

log = logging.getLogger("wiredesk")

STAGES = ("clean", "dedup", "events")

Clean = Callable[[InputItem], Article]
Progress = Callable[[int, int, ReprocessCounts], None]


@dataclass
class ReprocessSummary:
    """What a reprocess did (or, with ``dry_run``, would do)."""

    run_id: int | None
    db_path: str
    stage: str
    since: datetime | None
    dry_run: bool
    status: str = "running"
    #: only the documents whose cleaner version is outdated were taken
    outdated: bool = False
    counts: ReprocessCounts = field(default_factory=ReprocessCounts)
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None


# -- 1. the input item again, from the stored bytes (pure) ---------------------------------------------


def _is_record(origin: str) -> bool:
    """A JSON/JSONL record: its raw bytes are the record, not the article."""
    path = origin.rsplit("#", 1)[0] if "#" in origin else origin
    return path.lower().endswith((".json", ".jsonl"))


def _stored_meta(doc: StoredDocument) -> ItemMeta:
    """The document's own metadata, for documents stored before 0005 (no ``supplied_meta``): what they
    carried is kept (the cleaner only fills what is missing)."""
    return ItemMeta(url=doc.url, title=doc.title, source=doc.source, published_at=doc.published_at,
                    language=doc.language, authors=doc.authors)


def item_from_raw(doc: StoredDocument, fallback_encoding: str = "") -> InputItem:
    """The input item a stored document was cleaned from, rebuilt from its raw bytes and supplied metadata.

    Raises ``BadInputError`` when the bytes no longer decode (e.g. a fallback encoding was removed) and
    ``ReprocessError`` when no raw bytes are stored.
    """
    if doc.raw is None:
        raise ReprocessError(f"no raw bytes stored for {doc.origin} (raw_sha256 {doc.raw_sha256[:12]})")
    supplied = meta_from_json(doc.supplied_meta) if doc.supplied_meta else _stored_meta(doc)
    if _is_record(doc.origin):
        record = json.loads(files.decode(doc.raw, "json", fallback_encoding))
        item = files.record_to_item(record, doc.origin, doc.raw, None if doc.supplied_meta else supplied)
        return dataclasses.replace(item, meta=supplied) if doc.supplied_meta else item
    http = dict(supplied.http)
    if "content_type" in http:  # a web archive's page: decoded as when it was read, by its HTTP charset first
        return InputItem(origin=doc.origin, kind=doc.kind, content=decode_html(doc.raw, http["content_type"]),
                         raw=doc.raw, raw_sha256=doc.raw_sha256, meta=supplied)
    text = files.decode(doc.raw, doc.kind, fallback_encoding)
    meta = supplied
    if doc.kind != "html":
        front, text = files.split_front_matter(text)
        if front and not doc.supplied_meta:  # supplied_meta already holds what the front matter said
            meta = files.merge_meta(files.meta_from_mapping(front), supplied)
    return InputItem(origin=doc.origin, kind=doc.kind, content=text, raw=doc.raw, raw_sha256=doc.raw_sha256, meta=meta)


def site_key(doc: StoredDocument) -> tuple[str, int] | None:
    """The question whose answer is the document's site furniture, as ingesting it asked it: the host of its
    supplied URL and the run that stored it (``wiredesk.pipeline.stages.with_site_furniture``)."""
    url = meta_from_json(doc.supplied_meta).url if doc.supplied_meta else doc.url
    return (host_of(url), doc.stored_run_id) if url and doc.stored_run_id is not None else None


def outdated_ids(lineage, site_rules: SiteRules) -> list[int]:
    """Pure: the ids, among ``lineage`` rows (``Store.document_lineage``: id, origin, kind, cleaner, supplied
    metadata, url, whether its page types were derived), of the documents whose cleaner version is not the one
    the cleaners would write now, or whose page types were never derived (stored before the cleaner kept them:
    the page-kind gate of event extraction would read them as declaring nothing). The host is the one cleaning
    saw (``wiredesk.clean.cleaner.item_host``): the supplied URL's, else the origin's when it is a web address."""
    out = []
    for document_id, origin, kind, cleaner, supplied_meta, url, page_types_derived in lineage:
        url = (meta_from_json(supplied_meta).url if supplied_meta else url) or (origin if is_http_url(origin) else None)
        if not page_types_derived or cleaner != cleaner_version(kind, host_of(url) if url else None, site_rules):
            out.append(document_id)
    return out


def reclean(doc: StoredDocument, clean: Clean, fallback_encoding: str = "",
            site_furniture: frozenset[int] = frozenset()) -> Article | Failure:
    """The document cleaned again by ``clean``; its identity (``doc_key``, origin) stays as stored."""
    try:
        article = clean(dataclasses.replace(item_from_raw(doc, fallback_encoding), site_furniture=site_furniture))
    except SURVIVABLE_ERRORS as exc:
        return Failure(doc.origin, "clean", exc.reason, f"reprocess: {exc}")
    except ReprocessError as exc:
        return Failure(doc.origin, "clean", "no_raw", str(exc))
    except Exception as exc:  # new code failing on one page must cost that page, not the reprocess
        log.exception("unexpected error re-cleaning %s", doc.origin)
        return Failure(doc.origin, "clean", "unexpected", f"reprocess: {type(exc).__name__}: {exc}")
    return dataclasses.replace(article, doc_key=doc.doc_key, origin=doc.origin)


def _document_input(doc: StoredDocument, article: Article | None) -> DocumentInput:
    if article is not None:
        return DocumentInput.from_article(article)
    return DocumentInput(doc_key=doc.doc_key, published_at=doc.published_at, source=doc.source,
                         paragraphs=tuple(InputParagraph(p.position, p.role, p.text) for p in doc.paragraphs),
                         language=doc.language, url=doc.url, page_types=doc.page_types or ())


# -- the reprocess ---------------------------------------------------------------------------------------


def run_reprocess(settings: Settings, *, since: datetime | None = None, stage: str = "clean", dry_run: bool = False,
                  progress: Progress | None = None, clean: Clean | None = None, extractor=None,
                  batch_size: int | None = None, outdated: bool = False) -> ReprocessSummary:
    """Re-derive the current documents of ``settings.db_path`` (ingested at or after ``since``; with
    ``outdated``, only those whose cleaner version is not the current one for them, or whose page types were
    never derived) from ``stage`` on.

    ``clean`` (default: the configured cleaners) and ``extractor`` (default: the configured event extractor)
    are the code to re-derive with; tests and experiments inject other versions here.
    """
    if stage not in STAGES:
        raise ReprocessError(f"unknown stage {stage!r} (stages: {', '.join(STAGES)})")
    if outdated and stage != "clean":
        raise ReprocessError("--outdated selects documents by their cleaner version: it needs --stage clean")
    if not Path(settings.db_path).is_file():  # Store.open would create an empty one
        raise ReprocessError(f"no database at {settings.db_path} (run `wiredesk run` first, or pass --db)")
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=timezone.utc)
    do_clean = stage == "clean"
    do_dedup = stage in ("clean", "dedup")
    do_events = settings.events.enabled or extractor is not None
    size = batch_size or settings.ingest.batch_size
    started = time.perf_counter()
    summary = ReprocessSummary(run_id=None, db_path=settings.db_path, stage=stage, since=since, dry_run=dry_run,
                               outdated=outdated)
    # never while a run writes the same database (the run lock names it; one line, exit 2)
    with locked(settings, f"reprocess --stage={stage}") as lock:
        with open_store(settings) as store:
            total = store.count_current_documents(since)
        inputs = (["reprocess", f"--stage={stage}"] + ([f"--since={since.isoformat()}"] if since else [])
                  + (["--outdated"] if outdated else []))
        use_pool = do_clean and clean is None and settings.clean_workers > 1 and total >= 8
        with running(settings, lock, summary, inputs, kind="reprocess", code_versions=code_versions(settings),
                     dry_run=dry_run, use_pool=use_pool, started=started) as run:
            after, done = 0, 0
            while True:
                with open_store(settings) as store:
                    scanned = store.select_documents(since, after, size)
                    ids = outdated_ids(store.document_lineage(scanned), settings.site_rules) if outdated else scanned
                    docs = store.load_documents(ids, with_raw=do_clean)
                    site = store.site_lines([k for d in docs if (k := site_key(d))]) if do_clean else {}
                if not scanned:
                    break
                after = scanned[-1]
                if not docs:  # --outdated: nothing of this batch is
                    done += len(scanned)
                    continue
                articles, failures = _reclean_batch(docs, settings, clean, run.executor, site) if do_clean else ({}, [])
                if do_events and extractor is None:
                    extractor = make_event_extractor(settings)
                extracted = {}
                if do_events:
                    keep = [d for d in docs if not (do_clean and d.document_id not in articles)]
                    inputs_ = [_document_input(d, articles.get(d.document_id)) for d in keep]
                    extracted = dict(zip((d.document_id for d in keep), extractor.extract_many(inputs_))) if keep else {}
                results = [Rederived(d.document_id, articles.get(d.document_id), extracted.get(d.document_id)) for d in docs]
                with open_store(settings) as store:
                    counts = store.write_rederived(run.run_id, docs, results, relink_duplicates=do_dedup,
                                                   dedup=settings.dedup, failures=failures, now=utcnow(),
                                                   events_window_days=settings.events.group_window_days,
                                                   dry_run=dry_run)
                summary.counts.add(counts)
                summary.failures.extend(failures)
                done += len(scanned)
                if progress is not None:
                    progress(done, total, summary.counts)
            if not dry_run:  # re-derived texts are searchable at once (wiredesk.store.search_index)
                refresh_search(settings, run.run_id)
    return summary


def _reclean_batch(docs, settings: Settings, clean: Clean | None, executor,
                   site: dict[tuple[str, int], frozenset[int]]) -> tuple[dict[int, Article], list[Failure]]:
    """Clean the batch again: with the configured cleaners (in the pool, like ``run``) or the injected ``clean``;
    each item carries the site furniture its ingest saw (``site``, by ``site_key``)."""
    fallback = settings.ingest.fallback_encoding
    if clean is not None:
        results = [reclean(d, clean, fallback, site.get(site_key(d), frozenset())) for d in docs]
    else:
        items, results = {}, [None] * len(docs)
        for i, d in enumerate(docs):
            try:
                items[i] = dataclasses.replace(item_from_raw(d, fallback),
                                               site_furniture=site.get(site_key(d), frozenset()))
            except SURVIVABLE_ERRORS as exc:
                results[i] = Failure(d.origin, "clean", exc.reason, f"reprocess: {exc}")
            except ReprocessError as exc:
                results[i] = Failure(d.origin, "clean", "no_raw", str(exc))
        order = sorted(items)
        cleaned = clean_batch([items[i] for i in order], settings, executor)
        by_origin = {item.origin: article for item, article in cleaned.articles}
        failed = {f.origin: f for f in cleaned.failures}
        for i in order:
            d = docs[i]
            art = by_origin.get(d.origin)
            results[i] = (dataclasses.replace(art, doc_key=d.doc_key, origin=d.origin) if art is not None
                          else failed.get(d.origin, Failure(d.origin, "clean", "unexpected", "reprocess: no result")))
    articles = {d.document_id: r for d, r in zip(docs, results) if isinstance(r, Article)}
    return articles, [r for r in results if isinstance(r, Failure)]
