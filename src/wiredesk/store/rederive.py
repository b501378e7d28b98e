"""Reprocess storage: replace one batch's derived rows in one transaction, and record what changed.

``wiredesk.pipeline.reprocess`` decides what to re-derive and runs the current code (cleaner, extractor) on the
stored raw bytes it read (``wiredesk.store.rederive_reads``); ``write_rederived`` writes the result, layer by
layer in order: documents updated in place (same ``document_id`` and ``version``: a re-derivation is not a new
version of the article) and changed paragraphs replaced (``rederive_steps.replace_article``), duplicate links of
the batch's paragraphs re-derived (``wiredesk.store.rederive_links``), the clusters, mention keys and stories
of re-cleaned documents refreshed, event mentions replaced and their events regrouped
(``rederive_steps.replace_mentions``), entities recounted; then one ``reprocess_changes`` row per changed
document, the failures and the run's counters. All of it in ONE transaction per batch: a crash leaves every
document of the batch either as it was or fully re-derived. Rows that come out identical keep their ids and
``run_id``, so reprocessing an unchanged database changes nothing.

Not here: what each layer's step compares and replaces (``wiredesk.store.rederive_steps``), the reads, cleaning,
extraction, or the decision which documents to take (``wiredesk.pipeline.reprocess``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb

from wiredesk.dedup.settings import DedupSettings
from wiredesk.domain.counts import REPROCESS_RUN_COLUMNS, DocumentChange, ReprocessCounts
from wiredesk.domain.models import Article, Failure
from wiredesk.domain.normalize import match_hash
from wiredesk.events.model import Extraction
from wiredesk.store.clusters import refresh_documents
from wiredesk.store.entity_counts import count_entities, entities_of
from wiredesk.store.event_neighbours import refresh_mention_keys
from wiredesk.store.failures import insert_failures
from wiredesk.store.near_index import link_near
from wiredesk.store.rederive_links import count_link_changes, link_region, links_touching, relink_documents
from wiredesk.store.rederive_reads import StoredDocument
from wiredesk.store.rederive_steps import DocChange, replace_article, replace_mentions
from wiredesk.store.sql import Transaction, insert_columns
from wiredesk.store.story_answers import recount_stories, stories_touched
from wiredesk.store.writer import add_run_counters


@dataclass(frozen=True)
class Rederived:
    """What the current code made of one stored document: a re-cleaned article (clean stage) and/or an
    extraction (events stage). ``None`` means "this stage was not re-derived"."""

    document_id: int
    article: Article | None = None
    extraction: Extraction | None = None


def write_rederived(con: duckdb.DuckDBPyConnection, run_id: int, docs: Sequence[StoredDocument],
                    results: Sequence[Rederived], *, relink_duplicates: bool, dedup: DedupSettings,
                    failures: Sequence[Failure], now: datetime, events_window_days: int = 30,
                    dry_run: bool = False) -> ReprocessCounts:
    """Replace the derived rows of one batch in one transaction and return what changed. ``dry_run``: do all of
    it, count, then roll back (nothing is written)."""
    with Transaction(con, rollback=dry_run, what="reprocess batch"):
        return _write(con, run_id, docs, results, relink_duplicates, dedup, failures, now, events_window_days,
                      record=not dry_run)


def _write(con, run_id, docs, results, relink_duplicates, dedup, failures, now, window, record) -> ReprocessCounts:
    by_id = {d.document_id: d for d in docs}
    changes: dict[int, DocChange] = {}
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
            ch = changes.setdefault(r.document_id, DocChange())
            gone, new, lost_target = replace_article(con, by_id[r.document_id], r.article, run_id, ch, shrunk)
            removed += gone
            added += new
            orphans += lost_target

    # 3. duplicate links of every paragraph of the batch, re-derived (index keys too)
    if relink_duplicates:
        orphans = relink_documents(con, run_id, doc_ids, removed, orphans, new_hashes, dedup)
        after = links_touching(con, sorted(set(link_region(con, doc_ids, new_hashes)) | set(orphans)))
        added_by_doc, removed_by_doc = count_link_changes(con, before, after)
        for doc_id, n in added_by_doc.items():
            changes.setdefault(doc_id, DocChange()).links_added += n
        for doc_id, n in removed_by_doc.items():
            changes.setdefault(doc_id, DocChange()).links_removed += n
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
        regrouped = replace_mentions(con, run_id, by_id, extractions, changes, window, set(recleaned))
        counts.events_written, counts.event_candidates_cut = regrouped.events, regrouped.cut
        counts.event_documents_skipped = sum(1 for _, x in extractions if x.skipped)
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


def _changes(con, by_id: dict[int, StoredDocument], changed: dict[int, DocChange]) -> list[DocumentChange]:
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


def _record(con, run_id, changed: dict[int, DocChange], counts: ReprocessCounts, failures, now) -> None:
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
