"""Reprocess storage: read stored documents back, and replace one batch's derived rows in one transaction.

``wiredesk.pipeline.reprocess`` decides what to re-derive and runs the current code (cleaner, extractor) on the stored
raw bytes; this module reads what it needs (``select_documents``, ``load_documents``) and writes the result
(``write_rederived``): documents updated in place (same ``document_id`` and ``version``: a re-derivation is
not a new version of the article), changed paragraphs replaced, duplicate links of the batch's paragraphs
re-derived, event mentions replaced and their events regrouped, one ``reprocess_changes`` row per changed
document, and the run's counters. All of it in ONE transaction per batch: a crash leaves every document of
the batch either as it was or fully re-derived. Rows that come out identical keep their ids and ``run_id``,
so reprocessing an unchanged database changes nothing.

Duplicate links are re-derived by ``wiredesk.store.rederive_links`` inside the same transaction. Not here:
cleaning, extraction, or the decision which documents to take (``wiredesk.pipeline.reprocess``).
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import numpy as np

from wiredesk.dedup.settings import DedupSettings
from wiredesk.domain.counts import REPROCESS_RUN_COLUMNS, DocumentChange, ReprocessCounts
from wiredesk.domain.models import Article, Failure, Paragraph
from wiredesk.domain.normalize import content_hash, match_hash
from wiredesk.domain.urls import host_of
from wiredesk.domain.versions import PARAGRAPHS_VERSION, PIPELINE_VERSION
from wiredesk.events.model import Extraction
from wiredesk.store import near_index as index
from wiredesk.store.clusters import refresh_documents
from wiredesk.store.entity_counts import count_entities, entities_of
from wiredesk.store.event_neighbours import forget_mention_keys, refresh_mention_keys
from wiredesk.store.events import (MENTION_COLUMNS, RegroupCounts, mention_values, regroup_events_counted,
                                   store_extractions)
from wiredesk.store.near_index import link_near
from wiredesk.store.rederive_links import count_link_changes, link_region, links_touching, relink_documents
from wiredesk.store.sql import Transaction, insert_columns
from wiredesk.store.story_answers import recount_stories, set_lead_lines, stories_touched
from wiredesk.store.failures import insert_failures
from wiredesk.store.writer import add_run_counters

#: documents columns a re-clean may change (besides text, content_hash and the version columns)
METADATA_COLUMNS = ("url", "title", "authors", "source", "published_at", "language", "language_source", "page_types")
_COMPARED_MENTION_COLUMNS = [c for c in MENTION_COLUMNS if c not in ("mention_id", "document_id", "event_id", "extractor", "run_id")]


@dataclass(frozen=True)
class StoredDocument:
    """A current document version as stored, with its paragraphs and (when asked for) its raw bytes."""

    document_id: int
    doc_key: str
    origin: str
    kind: str
    raw_sha256: str
    url: str | None
    title: str | None
    authors: tuple[str, ...]
    source: str | None
    published_at: datetime | None
    language: str | None
    language_source: str | None
    text: str
    content_hash: str
    cleaner: str
    supplied_meta: str | None
    paragraphs: tuple[Paragraph, ...]
    raw: bytes | None = None
    #: the run that stored it (documents.run_id): its site furniture counts only the runs before it
    stored_run_id: int | None = None
    #: the kinds the page declares (documents.page_types; empty when stored before they were kept)
    page_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rederived:
    """What the current code made of one stored document: a re-cleaned article (clean stage) and/or an
    extraction (events stage). ``None`` means "this stage was not re-derived"."""

    document_id: int
    article: Article | None = None
    extraction: Extraction | None = None


# -- reads --------------------------------------------------------------------------------------------


def select_documents(con, since: datetime | None, after: int, limit: int) -> list[int]:
    """Ids of current document versions above ``after`` (ascending), ingested at or after ``since``."""
    return [r[0] for r in con.execute(
        "SELECT document_id FROM documents WHERE is_current AND document_id > ? AND (? IS NULL OR ingested_at >= ?) "
        "ORDER BY document_id LIMIT ?", [after, since, since, limit]).fetchall()]


def document_lineage(con, ids: Sequence[int]) -> list[tuple[int, str, str, str, str | None, str | None]]:
    """``(document_id, origin, kind, cleaner, supplied_meta, url)`` of the documents ``ids``: what tells whether
    the current cleaner would write another version for them, without reading their texts."""
    return [tuple(r) for r in con.execute(
        "SELECT document_id, origin, kind, cleaner, supplied_meta, url FROM documents "
        "WHERE document_id IN (SELECT unnest(?::BIGINT[])) ORDER BY document_id", [list(ids)]).fetchall()]


def load_documents(con, ids: Sequence[int], *, with_raw: bool) -> list[StoredDocument]:
    """The stored documents ``ids`` with their paragraphs (and raw bytes, decompressed, if ``with_raw``)."""
    if not ids:
        return []
    wanted = {"id": np.asarray(ids, dtype=np.int64)}  # noqa: F841 (read by DuckDB's replacement scan)
    raw_col = "r.codec, r.data" if with_raw else "NULL, NULL"
    rows = con.execute(
        f"SELECT d.document_id, d.doc_key, d.origin, d.kind, d.raw_sha256, d.url, d.title, d.authors, d.source, "
        f"d.published_at, d.language, d.language_source, d.text, d.content_hash, d.cleaner, d.supplied_meta, "
        f"{raw_col}, d.run_id, d.page_types "
        "FROM documents d LEFT JOIN raw_pages r ON r.raw_sha256 = d.raw_sha256 "
        "WHERE d.document_id IN (SELECT id FROM wanted) ORDER BY d.document_id").fetchall()
    pars: dict[int, list[Paragraph]] = {}
    for doc_id, position, role, text, attached in con.execute(
        "SELECT document_id, position, role, text, attached_to FROM paragraphs "
        "WHERE document_id IN (SELECT id FROM wanted) ORDER BY document_id, position").fetchall():
        pars.setdefault(doc_id, []).append(Paragraph(position, role, text, attached))
    out = []
    for r in rows:
        codec, data = r[16], r[17]
        raw = None
        if data is not None:
            raw = zlib.decompress(data) if codec == "zlib" else bytes(data)
        out.append(StoredDocument(*r[:7], tuple(r[7] or ()), *r[8:16], tuple(pars.get(r[0], ())), raw, r[18],
                                  tuple(r[19] or ())))
    return out


# -- the batch write ------------------------------------------------------------------------------------


def write_rederived(con: duckdb.DuckDBPyConnection, run_id: int, docs: Sequence[StoredDocument],
                    results: Sequence[Rederived], *, relink_duplicates: bool, dedup: DedupSettings,
                    failures: Sequence[Failure], now: datetime, events_window_days: int = 30,
                    dry_run: bool = False) -> ReprocessCounts:
    """Replace the derived rows of one batch in one transaction and return what changed. ``dry_run``: do all of
    it, count, then roll back (nothing is written)."""
    with Transaction(con, rollback=dry_run, what="reprocess batch"):
        return _write(con, run_id, docs, results, relink_duplicates, dedup, failures, now, events_window_days,
                      record=not dry_run)


@dataclass
class _DocChange:
    text_changed: bool = False
    metadata_changed: list[str] = field(default_factory=list)
    cleaner_before: str | None = None
    cleaner_after: str | None = None
    content_hash_before: str | None = None
    text_before: str | None = None
    paragraphs_added: int = 0
    paragraphs_removed: int = 0
    links_added: int = 0
    links_removed: int = 0
    mentions_added: int = 0
    mentions_removed: int = 0
    extractor_before: str | None = None
    extractor_after: str | None = None
    versions_changed: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.text_changed or self.metadata_changed or self.paragraphs_added or self.paragraphs_removed
                    or self.links_added or self.links_removed or self.mentions_added or self.mentions_removed
                    or self.versions_changed)


def _write(con, run_id, docs, results, relink_duplicates, dedup, failures, now, window, record) -> ReprocessCounts:
    by_id = {d.document_id: d for d in docs}
    changes: dict[int, _DocChange] = {}
    counts = ReprocessCounts(documents_seen=len(docs), failed=len(failures))
    doc_ids = sorted(by_id)
    # the texts a re-clean brings and the ones it may take away: their exact clusters are recomputed
    new_hashes = {match_hash(p.text) for r in results if r.article
                  for p in r.article.paragraphs + by_id[r.document_id].paragraphs}

    # 1. the links around the batch before anything changes (to tell changed links from re-made ones), and the
    #    entities its documents mention (their counts change when the mentions or the documents do)
    region = link_region(con, doc_ids, new_hashes) if relink_duplicates else []
    before = links_touching(con, region)
    entities_before = entities_of(con, doc_ids)

    # 2. documents and paragraphs (clean stage): update in place, replace changed paragraphs
    removed: list[int] = []
    added: list[int] = []
    orphans: list[int] = []
    shrunk: set[int] = set()  # clusters that lost a removed paragraph
    for r in results:
        if r.article is not None:
            ch = changes.setdefault(r.document_id, _DocChange())
            gone, new, lost_target = _replace_article(con, by_id[r.document_id], r.article, run_id, ch, shrunk)
            removed += gone
            added += new
            orphans += lost_target

    # 3. duplicate links of every paragraph of the batch, re-derived (index keys too)
    if relink_duplicates:
        orphans = relink_documents(con, run_id, doc_ids, removed, orphans, new_hashes, dedup)
        after = links_touching(con, sorted(set(link_region(con, doc_ids, new_hashes)) | set(orphans)))
        added_by_doc, removed_by_doc = count_link_changes(con, before, after)
        for doc_id, n in added_by_doc.items():
            changes.setdefault(doc_id, _DocChange()).links_added += n
        for doc_id, n in removed_by_doc.items():
            changes.setdefault(doc_id, _DocChange()).links_removed += n
    elif added:  # new paragraphs still join the index and get links (no full re-derivation asked for)
        link_near(con, added, dedup, run_id)
    recleaned = [r.document_id for r in results if r.article is not None]
    extractions = [(r.document_id, r.extraction) for r in results if r.extraction is not None]
    if recleaned:  # dates and sources may have changed: clusters follow
        refresh_documents(con, recleaned, [*removed, *orphans], shrunk)
        # ... and the stored blocking keys of their mentions (the publication day is one of them): here those of
        # documents not re-extracted; step 4 does the others, once, after it knows whose mentions it replaces
        refresh_mention_keys(con, sorted(set(recleaned) - {doc_id for doc_id, _ in extractions}))
        recount_stories(con, stories_touched(con, recleaned))

    # 4. event mentions (events stage): replaced where they differ, their events regrouped; entities recounted
    if extractions:
        regrouped = _replace_mentions(con, run_id, by_id, extractions, changes, window, set(recleaned))
        counts.events_written, counts.event_candidates_cut = regrouped.events, regrouped.cut
        counts.event_documents_skipped = sum(1 for _, x in extractions if x.skipped == "language")
        counts.event_documents_not_news = sum(1 for _, x in extractions if x.skipped == "page")
    count_entities(con, doc_ids, sorted(entities_before))

    # 5. what changed, the failures, and the run's counters
    changed = {doc_id: ch for doc_id, ch in changes.items() if ch.changed}
    counts.documents_changed = len(changed)
    for ch in changed.values():
        counts.text_changed += ch.text_changed
        counts.metadata_changed += bool(ch.metadata_changed)
        counts.fields_changed.update(ch.metadata_changed)
        for name in ("paragraphs_added", "paragraphs_removed", "links_added", "links_removed", "mentions_added",
                     "mentions_removed"):
            setattr(counts, name, getattr(counts, name) + getattr(ch, name))
    if record:
        _record(con, run_id, changed, counts, failures, now)
    else:  # a dry run rolls back: what would have been recorded is returned instead
        counts.changes = _changes(con, by_id, changed)
    return counts


def _changes(con, by_id: dict[int, StoredDocument], changed: dict[int, _DocChange]) -> list[DocumentChange]:
    # a changed link or event can touch a document outside the batch: its origin and title are read here
    names = {d.document_id: (d.origin, d.title) for d in by_id.values()}
    others = sorted(set(changed) - set(names))
    if others:
        names.update({i: (o, t) for i, o, t in con.execute(
            "SELECT document_id, origin, title FROM documents WHERE document_id IN (SELECT unnest(?::BIGINT[]))",
            [others]).fetchall()})
    return [DocumentChange(i, *names.get(i, ("", None)), ch.text_changed, tuple(ch.metadata_changed),
                           ch.paragraphs_added, ch.paragraphs_removed, ch.links_added, ch.links_removed,
                           ch.mentions_added, ch.mentions_removed) for i, ch in sorted(changed.items())]


def _replace_article(con, old: StoredDocument, article: Article, run_id: int, ch: _DocChange,
                     shrunk: set[int]) -> tuple[list[int], list[int], list[int]]:
    """Update one document's row from its re-cleaned article; returns the removed and added paragraph ids,
    and the paragraphs whose near link pointed to a removed one (to relink). The clusters the removed
    paragraphs were in are added to ``shrunk``."""
    text = article.text
    new_values = {"url": article.url, "title": article.title, "authors": tuple(article.authors),
                  "source": article.source, "published_at": article.published_at, "language": article.language,
                  "language_source": article.language_source, "page_types": tuple(article.page_types)}
    ch.metadata_changed = [c for c in METADATA_COLUMNS if new_values[c] != getattr(old, c)]
    ch.text_changed = text != old.text
    ch.cleaner_before, ch.cleaner_after = old.cleaner, article.cleaner
    ch.content_hash_before = old.content_hash
    if ch.text_changed:
        ch.text_before = old.text
    old_pars = {(p.position, p.role, p.text, p.attached_to) for p in old.paragraphs}
    new_pars = {(p.position, p.role, p.text, p.attached_to) for p in article.paragraphs}
    removed_keys = old_pars - new_pars
    added = [p for p in article.paragraphs if (p.position, p.role, p.text, p.attached_to) not in old_pars]
    ch.paragraphs_removed, ch.paragraphs_added = len(removed_keys), len(added)
    stale_versions = con.execute(
        "SELECT count(*) FROM paragraphs WHERE document_id = ? AND derived_by <> ?", [old.document_id, PARAGRAPHS_VERSION]
    ).fetchone()[0]
    stored_pipeline = con.execute("SELECT pipeline_version FROM documents WHERE document_id = ?", [old.document_id]).fetchone()[0]
    ch.versions_changed = article.cleaner != old.cleaner or bool(stale_versions) or stored_pipeline != PIPELINE_VERSION
    if not (ch.metadata_changed or ch.text_changed or removed_keys or added or ch.versions_changed):
        return [], [], []
    con.execute(
        "UPDATE documents SET url = ?, title = ?, authors = ?, source = ?, published_at = ?, language = ?, "
        "language_source = ?, host = ?, text = ?, content_hash = ?, cleaner = ?, site_rule = ?, pipeline_version = ?, "
        "derived_run_id = ?, page_types = ? "
        "WHERE document_id = ?",
        [article.url, article.title, list(article.authors), article.source, article.published_at, article.language,
         article.language_source, host_of(article.url) if article.url else None, text, content_hash(text),
         article.cleaner, article.site_rule, PIPELINE_VERSION, run_id, list(article.page_types), old.document_id])
    set_lead_lines(con, [old.document_id])
    if stale_versions:  # kept paragraphs, made again by newer splitting code with the same result
        con.execute("UPDATE paragraphs SET derived_by = ?, run_id = ? WHERE document_id = ? AND derived_by <> ?",
                    [PARAGRAPHS_VERSION, run_id, old.document_id, PARAGRAPHS_VERSION])
    gone = [r[0] for r in con.execute(
        "SELECT paragraph_id FROM paragraphs WHERE document_id = ? AND "
        "(position, role, text, coalesce(attached_to, -1)) IN (SELECT (unnest(?::INTEGER[]), unnest(?::VARCHAR[]), "
        "unnest(?::VARCHAR[]), unnest(?::INTEGER[])))",
        [old.document_id, [k[0] for k in removed_keys], [k[1] for k in removed_keys], [k[2] for k in removed_keys],
         [-1 if k[3] is None else k[3] for k in removed_keys]]).fetchall()] if removed_keys else []
    orphans: list[int] = []
    if gone:  # delete first: (document_id, position) is unique and an added paragraph may take the position
        gone_ids = {"id": np.asarray(gone, dtype=np.int64)}  # noqa: F841
        orphans = index.forget_paragraphs(con, gone)
        con.execute("DELETE FROM dedup_paragraphs WHERE paragraph_id IN (SELECT id FROM gone_ids)")
        con.execute("DELETE FROM duplicates WHERE paragraph_id IN (SELECT id FROM gone_ids) OR duplicate_of IN (SELECT id FROM gone_ids)")
        shrunk.update(r[0] for r in con.execute(
            "DELETE FROM paragraphs WHERE paragraph_id IN (SELECT id FROM gone_ids) RETURNING cluster_id").fetchall())
    next_par = con.execute("SELECT coalesce(max(paragraph_id), 0) + 1 FROM paragraphs").fetchone()[0]
    ids = list(range(next_par, next_par + len(added)))
    insert_columns(con, "paragraphs", {
        "paragraph_id": ("BIGINT", ids), "document_id": ("BIGINT", [old.document_id] * len(added)),
        "position": ("INTEGER", [p.position for p in added]), "role": ("VARCHAR", [p.role for p in added]),
        "text": ("VARCHAR", [p.text for p in added]), "attached_to": ("INTEGER", [p.attached_to for p in added]),
        "match_hash": ("BIGINT", [match_hash(p.text) for p in added]), "n_chars": ("INTEGER", [len(p.text) for p in added]),
        "derived_by": ("VARCHAR", [PARAGRAPHS_VERSION] * len(added)), "run_id": ("BIGINT", [run_id] * len(added)),
    })
    return gone, ids, orphans


# -- event mentions -------------------------------------------------------------------------------------


def _replace_mentions(con, run_id, by_id, extractions: Sequence[tuple[int, Extraction]], changes,
                      window: int, recleaned: set[int]) -> RegroupCounts:
    """Replace the mentions of documents whose extraction differs from the stored one; regroup their events
    (the events written, and what the block size cut). The mention keys of the ``recleaned`` documents are
    computed once: stored with their new mentions, or refreshed (kept mentions) before the regrouping reads them."""
    ids = [doc_id for doc_id, _ in extractions]
    stored: dict[int, list] = {}
    extractor_of: dict[int, str] = {}
    cols = ", ".join(_COMPARED_MENTION_COLUMNS)
    for row in con.execute(f"SELECT document_id, extractor, {cols} FROM event_mention_rows "
                           "WHERE document_id IN (SELECT unnest(?::BIGINT[])) ORDER BY mention_id", [ids]).fetchall():
        stored.setdefault(row[0], []).append(tuple(row[2:]))
        extractor_of[row[0]] = row[1]
    ents: dict[int, list] = {}
    for row in con.execute(
        "SELECT em.document_id, em.extractor, e.label, e.name, coalesce(e.country, ''), em.text, em.start_offset, em.end_offset "
        "FROM entity_mention_rows em JOIN entity_rows e USING (entity_id) "
        "WHERE em.document_id IN (SELECT unnest(?::BIGINT[]))", [ids]).fetchall():
        ents.setdefault(row[0], []).append(tuple(row[2:]))
        extractor_of.setdefault(row[0], row[1])
    changed: list[int] = []
    for doc_id, x in extractions:
        new = [tuple(mention_values(m)[c] for c in _COMPARED_MENTION_COLUMNS) for m in x.mentions]
        new_ents = sorted((e.label, e.name, e.country or "", e.text, e.start, e.end) for e in x.entities)
        old = stored.get(doc_id, [])
        had = bool(old or ents.get(doc_id))
        if new == old and new_ents == sorted(ents.get(doc_id, [])) and (not had or extractor_of.get(doc_id) == x.extractor):
            continue
        ch = changes.setdefault(doc_id, _DocChange())
        ch.mentions_removed, ch.mentions_added = len(old), len(new)
        ch.extractor_before, ch.extractor_after = extractor_of.get(doc_id), x.extractor
        changed.append(doc_id)
    refresh_mention_keys(con, sorted(recleaned.intersection(ids) - set(changed)))
    if not changed:
        return RegroupCounts()
    old_events = sorted({r[0] for r in con.execute(
        "SELECT DISTINCT event_id FROM event_mention_rows WHERE event_id IS NOT NULL AND document_id IN (SELECT unnest(?::BIGINT[]))",
        [changed]).fetchall()})
    con.execute("DELETE FROM event_mention_rows WHERE document_id IN (SELECT unnest(?::BIGINT[]))", [changed])
    forget_mention_keys(con, changed)  # store_extractions stores the new mentions' keys
    con.execute("DELETE FROM entity_mention_rows WHERE document_id IN (SELECT unnest(?::BIGINT[]))", [changed])
    wanted = {doc_id for doc_id in changed}
    for doc_id, x in extractions:
        if doc_id in wanted:
            store_extractions(con, run_id, {x.doc_key: doc_id}, [x])
    # the events those mentions belonged to: gone when nothing is left of them, else regrouped with the rest
    con.execute("DELETE FROM event_rows WHERE event_id IN (SELECT unnest(?::VARCHAR[])) AND event_id NOT IN "
                "(SELECT event_id FROM event_mention_rows WHERE event_id IS NOT NULL)", [old_events])
    others = [r[0] for r in con.execute(
        "SELECT DISTINCT document_id FROM event_mention_rows WHERE event_id IN (SELECT unnest(?::VARCHAR[]))", [old_events]
    ).fetchall()]
    return regroup_events_counted(con, run_id, sorted(set(changed) | set(others)), [], window)


def _record(con, run_id, changed: dict[int, _DocChange], counts: ReprocessCounts, failures, now) -> None:
    ids = sorted(changed)
    cols = {
        "run_id": ("BIGINT", [run_id] * len(ids)), "document_id": ("BIGINT", ids),
        "text_changed": ("BOOLEAN", [changed[i].text_changed for i in ids]),
        "metadata_changed": ("VARCHAR[]", [changed[i].metadata_changed for i in ids]),
    }
    for name, typ in (("cleaner_before", "VARCHAR"), ("cleaner_after", "VARCHAR"), ("content_hash_before", "VARCHAR"),
                      ("text_before", "VARCHAR"), ("paragraphs_added", "INTEGER"), ("paragraphs_removed", "INTEGER"),
                      ("links_added", "INTEGER"), ("links_removed", "INTEGER"), ("mentions_added", "INTEGER"),
                      ("mentions_removed", "INTEGER"), ("extractor_before", "VARCHAR"), ("extractor_after", "VARCHAR")):
        cols[name] = (typ, [getattr(changed[i], name) for i in ids])
    insert_columns(con, "reprocess_changes", cols)
    insert_failures(con, run_id, failures, now)
    add_run_counters(con, run_id, REPROCESS_RUN_COLUMNS, counts)
