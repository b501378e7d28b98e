"""Reprocess's steps, one stored layer each: a document's row and paragraphs, and its event mentions.

Each step compares what the current code made of one stored document with what is stored, replaces only
what differs, and notes it in the document's ``DocChange``: ``replace_article`` (clean stage: the document
row updated in place, changed paragraphs deleted and inserted, their near-index rows and links dropped) and
``replace_mentions`` (events stage: the mentions and entity mentions of documents whose extraction differs,
their events regrouped). Rows that come out identical keep their ids and ``run_id``.

What it is not: the order of the steps, the transaction and what is recorded of them
(``wiredesk.store.rederive``), or the duplicate links' layer (``wiredesk.store.rederive_links``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from wiredesk.domain.models import Article
from wiredesk.domain.normalize import content_hash, match_hash
from wiredesk.domain.urls import host_of
from wiredesk.domain.versions import PARAGRAPHS_VERSION, PIPELINE_VERSION
from wiredesk.events.model import Extraction
from wiredesk.store import near_index as index
from wiredesk.store.event_neighbours import forget_mention_keys, refresh_mention_keys
from wiredesk.store.events import (MENTION_COLUMNS, RegroupCounts, mention_values, regroup_events_counted,
                                   store_extractions)
from wiredesk.store.rederive_reads import StoredDocument
from wiredesk.store.sql import insert_columns
from wiredesk.store.story_answers import set_lead_lines

#: documents columns a re-clean may change (besides text, content_hash and the version columns)
METADATA_COLUMNS = ("url", "title", "authors", "source", "published_at", "language", "language_source")
_COMPARED_MENTION_COLUMNS = [c for c in MENTION_COLUMNS if c not in ("mention_id", "document_id", "event_id", "extractor", "run_id")]


@dataclass
class DocChange:
    """What re-deriving one document changed, step by step; ``changed``: anything at all."""

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


def replace_article(con, old: StoredDocument, article: Article, run_id: int, ch: DocChange,
                    shrunk: set[int]) -> tuple[list[int], list[int], list[int]]:
    """Update one document's row from its re-cleaned article; returns the removed and added paragraph ids,
    and the paragraphs whose near link pointed to a removed one (to relink). The clusters the removed
    paragraphs were in are added to ``shrunk``."""
    text = article.text
    new_values = {"url": article.url, "title": article.title, "authors": tuple(article.authors),
                  "source": article.source, "published_at": article.published_at, "language": article.language,
                  "language_source": article.language_source}
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
        "derived_run_id = ? "
        "WHERE document_id = ?",
        [article.url, article.title, list(article.authors), article.source, article.published_at, article.language,
         article.language_source, host_of(article.url) if article.url else None, text, content_hash(text),
         article.cleaner, article.site_rule, PIPELINE_VERSION, run_id, old.document_id])
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


def replace_mentions(con, run_id, by_id, extractions: Sequence[tuple[int, Extraction]], changes,
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
        ch = changes.setdefault(doc_id, DocChange())
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

