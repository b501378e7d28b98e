"""The batch write: the SQL steps that store one batch, in the caller's transaction.

A batch (documents, paragraphs, duplicate links, event mentions, raw inputs, per-item state, feed state,
failures and the run's counters) is written in ONE transaction (``Store.write_batch`` opens it): it all
lands, or the database stays exactly as it was. What changes is decided first, without writing
(``wiredesk.store.decide.decide_versions``: which versions are new, changed or the same); the steps below
apply the decision. Writing is idempotent: an item whose bytes were already stored, or whose cleaned content
is unchanged, adds no document; so a rerun, or a rerun after a crash, stores nothing twice and loses nothing.

Not here: deciding what is a duplicate (``wiredesk.dedup``) or an event (``wiredesk.events``), cleaning, or
any Prefect code. Callers pass data, never SQL; every value reaches DuckDB as a bound parameter.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import duckdb

from wiredesk.dedup.exact import ParagraphRef, exact_links
from wiredesk.dedup.settings import DedupSettings
from wiredesk.dedup.tokenwork import TokenWork
from wiredesk.domain.counts import INGEST_RUN_COLUMNS, BatchCounts
from wiredesk.domain.lineage import meta_to_json
from wiredesk.domain.models import Article, Failure, InputItem
from wiredesk.domain.retry import RetryPolicy
from wiredesk.domain.urls import host_of
from wiredesk.domain.versions import EXACT_DEDUP_VERSION, PARAGRAPHS_VERSION, PIPELINE_VERSION
from wiredesk.events.model import Extraction
from wiredesk.ops.faults import checkpoint
from wiredesk.store.clusters import refresh_clusters
from wiredesk.store.decide import CurrentVersion, VersionDecision, decide_versions
from wiredesk.store.entity_counts import add_entity_counts
from wiredesk.store.events import regroup_events_counted, skipped_languages, skipped_pages, store_extractions
from wiredesk.store.failures import clear_failures, insert_failures
from wiredesk.store.feeds import FeedBatch, write_feed_batch
from wiredesk.store.near_index import link_near, window_start
from wiredesk.store.revisits import write_revisits
from wiredesk.store.source_health import PageAccess, write_page_access
from wiredesk.store.sql import insert_columns
from wiredesk.store.stories import assign_documents, copied_documents, previous_versions
from wiredesk.store.story_answers import recount_stories, set_lead_lines, stories_touched
from wiredesk.stories import DocFeatures

RAW_CODEC = "zlib"
# Level 3: on the AEB pages 2.3x faster than the default 6 for 11% larger output (4.5x vs 5.1x smaller than raw).
RAW_LEVEL = 3


@dataclass(frozen=True)
class Batch:
    """One batch to store: cleaned items with their articles, items planned as unchanged, failures."""

    cleaned: tuple[tuple[InputItem, Article], ...] = ()
    unchanged: tuple[InputItem, ...] = ()
    #: items that failed before on these very bytes with this code, not tried again (counted as unchanged)
    skipped: tuple[InputItem, ...] = ()
    failures: tuple[Failure, ...] = ()
    #: event extraction of the cleaned articles, by ``doc_key`` (``wiredesk.events``; empty when disabled)
    events: tuple[Extraction, ...] = ()
    #: feed sources' state, entry keys and fetch log produced with these items (committed with them)
    feeds: FeedBatch | None = None
    #: when a failed item is tried again, and the code version its failure is recorded with
    retry: RetryPolicy = RetryPolicy()
    #: story features of the cleaned articles, in the same order (``wiredesk.pipeline.stages.story_features_batch``)
    stories: tuple[DocFeatures, ...] = ()
    #: access states of the fetched pages cleaned in this batch (``wiredesk.clean.access``)
    access: tuple[PageAccess, ...] = ()
    revisit_offsets: tuple[timedelta, ...] = ()  # [revisits] offsets: when a page fetched by URL is fetched again
    #: the near-duplicate stage's token work of the cleaned articles, in the same order, made by the workers
    #: that cleaned them (``wiredesk.dedup.tokenwork``; empty: the stage makes it)
    tokens: tuple[TokenWork, ...] = ()


def known_raw_hashes(con: duckdb.DuckDBPyConnection, origins: Iterable[str]) -> dict[str, str]:
    """``origin -> raw_sha256`` last stored for each of ``origins`` that was seen before."""
    origins = list(origins)
    if not origins:
        return {}
    rows = con.execute(
        "SELECT origin, raw_sha256 FROM item_state WHERE origin IN (SELECT unnest(?::VARCHAR[]))", [origins]
    ).fetchall()
    return dict(rows)


def _current_versions(con: duckdb.DuckDBPyConnection, keys: list[str]) -> dict[str, CurrentVersion]:
    return {
        key: CurrentVersion(doc_id, version, chash)
        for key, doc_id, version, chash in con.execute(
            "SELECT doc_key, document_id, version, content_hash FROM documents "
            "WHERE is_current AND doc_key IN (SELECT unnest(?::VARCHAR[]))",
            [keys],
        ).fetchall()
    }


def write_batch(con: duckdb.DuckDBPyConnection, run_id: int, batch: Batch, dedup: DedupSettings, now: datetime,
                events_window_days: int = 30) -> BatchCounts:
    """Store one batch (in the caller's transaction) and return what it did."""
    checkpoint("store:begin")
    decision = decide_versions(
        batch.cleaned,
        known_raw_hashes(con, [item.origin for item, _ in batch.cleaned]),
        _current_versions(con, sorted({article.doc_key for _, article in batch.cleaned})),
        con.execute("SELECT coalesce(max(document_id), 0) + 1 FROM documents").fetchone()[0],
        con.execute("SELECT coalesce(max(paragraph_id), 0) + 1 FROM paragraphs").fetchone()[0],
        dedup,
    )
    counts = decision.counts
    counts.items_failed = len(batch.failures)

    # 1. raw bytes (compressed), only those not stored yet
    _write_raw_pages(con, decision.raws, run_id, now)
    checkpoint("store:raw")

    # 2. documents and paragraphs; older versions stop being current
    dedup_hashes = set(decision.dedup_hashes)
    if decision.superseded:
        con.execute("UPDATE documents SET is_current = false WHERE document_id IN (SELECT unnest(?::BIGINT[]))",
                    [decision.superseded])
        dedup_hashes.update(
            r[0]
            for r in con.execute(
                "SELECT DISTINCT match_hash FROM paragraphs WHERE document_id IN (SELECT unnest(?::BIGINT[]))",
                [decision.superseded],
            ).fetchall()
        )
    _insert_versions(con, decision, run_id, now)
    checkpoint("store:documents")

    # 3. per-item state, committed with the data it describes
    counts.items_unchanged += len(batch.unchanged) + len(batch.skipped)
    _write_item_state(con, [i.origin for i in batch.unchanged], decision.states, run_id)
    checkpoint("store:state")

    # 4. exact-duplicate links of every cluster this batch touched, recomputed whole
    new_paragraph_ids = decision.new_paragraph_ids
    fresh_ids = set(new_paragraph_ids)
    counts.duplicates_new = relink_exact(con, sorted(dedup_hashes), decision.superseded, fresh_ids, dedup, run_id,
                                         now=now)
    checkpoint("store:exact")

    # 5. near-duplicate and partial links against everything stored (wiredesk.dedup.near)
    near = link_near(con, new_paragraph_ids, dedup, run_id, superseded_documents=decision.superseded, now=now,
                     carried=_carried_tokens(decision, batch))
    counts.duplicates_new += sum(1 for link in near.new_links if link.paragraph_id in fresh_ids)
    checkpoint("store:near")

    # 6. stories of the new versions, in the writer's order, after the duplicate links: a copy joins the
    #    story of the document it copies (wiredesk.store.stories)
    assigned = assign_documents(con, _story_documents(con, decision, batch), run_id)
    counts.documents_assigned, counts.stories_new = assigned.documents, assigned.stories_new
    # what the stories view shows, for the stories the new versions joined and the old ones left
    recount_stories(con, stories_touched(con, [*(v.document_id for v in decision.versions), *decision.superseded]))
    checkpoint("store:stories")

    # 7. event mentions of the new versions, then their events regrouped (wiredesk.store.events)
    new_doc_ids = {v.article.doc_key: v.document_id for v in decision.versions}
    counts.event_mentions_new = store_extractions(con, run_id, new_doc_ids, batch.events)
    counts.event_skipped_languages = skipped_languages(new_doc_ids, batch.events)
    counts.event_documents_skipped = sum(counts.event_skipped_languages.values())
    counts.event_skipped_pages = skipped_pages(new_doc_ids, batch.events)
    counts.event_documents_not_news = sum(counts.event_skipped_pages.values())
    if batch.events or decision.superseded:
        regrouped = regroup_events_counted(con, run_id, sorted(new_doc_ids.values()), decision.superseded,
                                           events_window_days)
        counts.events_written, counts.event_candidates_cut = regrouped.events, regrouped.cut
        add_entity_counts(con, list(new_doc_ids.values()), decision.superseded)
    checkpoint("store:events")

    # 8. failures: one row per item (attempts, when to try again); an item stored now fails no more
    clear_failures(con, [item.origin for item, _ in batch.cleaned] + [item.origin for item in batch.unchanged])
    insert_failures(con, run_id, batch.failures, now, batch.retry)
    write_page_access(con, run_id, batch.access, now)
    counts.not_articles.update(a.state for a in batch.access if a.state != "article")

    # 9. feed sources' state, entry keys and fetch log, with the documents (and failures) they describe; the
    #    new pages' revisit schedules, the revisits done, the new versions' paragraph changes (store.revisits)
    if batch.feeds is not None:
        write_feed_batch(con, run_id, batch.feeds)
        counts.entries_dropped = sum(d[3] for d in batch.feeds.dropped)
        checkpoint("store:feeds")
    write_revisits(con, run_id, decision.versions, batch.failures, batch.feeds.revisits if batch.feeds else None,
                   batch.revisit_offsets, now, counts)

    # 10. the run's counters
    add_run_counters(con, run_id, INGEST_RUN_COLUMNS, counts,
                     items_seen=len(batch.cleaned) + len(batch.unchanged) + len(batch.skipped) + len(batch.failures))
    checkpoint("store:counters")
    return counts


def _carried_tokens(decision: VersionDecision, batch: Batch) -> dict[int, tuple[TokenWork, int]]:
    """The new paragraphs' token work as the batch carries it (by origin, as story features): paragraph id ->
    (its article's work, its number in the article)."""
    if len(batch.tokens) != len(batch.cleaned):
        return {}
    by_origin = {item.origin: work for (item, _), work in zip(batch.cleaned, batch.tokens)}
    return {pid: (by_origin[v.item.origin], j) for v in decision.versions if v.item.origin in by_origin
            for j, pid in enumerate(v.paragraph_ids)}


def _story_documents(con: duckdb.DuckDBPyConnection, decision: VersionDecision, batch: Batch) -> list[DocFeatures]:
    """The new versions' story features (from the batch, by origin) with what only the store knows: their ids,
    the documents they copy paragraphs from and the versions they replace."""
    if not decision.versions:
        return []
    if len(batch.stories) != len(batch.cleaned):
        raise ValueError(f"a batch of {len(batch.cleaned)} cleaned articles needs as many story features, "
                         f"not {len(batch.stories)} (wiredesk.pipeline.stages.story_features_batch)")
    by_origin = {item.origin: features for (item, _), features in zip(batch.cleaned, batch.stories)}
    ids = [v.document_id for v in decision.versions]
    copies = copied_documents(con, {p: v.document_id for v in decision.versions for p in v.paragraph_ids})
    previous = previous_versions(con, ids)
    return [replace(by_origin[v.item.origin], document_id=v.document_id, copies_of=copies.get(v.document_id, ()),
                    previous_version=previous.get(v.document_id)) for v in decision.versions]


def _write_raw_pages(con: duckdb.DuckDBPyConnection, raws: dict[str, InputItem], run_id: int, now: datetime) -> None:
    stored_raw = set()
    if raws:
        stored_raw = {
            r[0]
            for r in con.execute(
                "SELECT raw_sha256 FROM raw_pages WHERE raw_sha256 IN (SELECT unnest(?::VARCHAR[]))", [list(raws)]
            ).fetchall()
        }
    fresh = [item for sha, item in raws.items() if sha not in stored_raw]
    insert_columns(con, "raw_pages", {
        "raw_sha256": ("VARCHAR", [i.raw_sha256 for i in fresh]),
        "origin": ("VARCHAR", [i.origin for i in fresh]),
        "kind": ("VARCHAR", [i.kind for i in fresh]),
        "size_bytes": ("BIGINT", [len(i.raw) for i in fresh]),
        "codec": ("VARCHAR", [RAW_CODEC] * len(fresh)),
        "data": ("BLOB", [zlib.compress(i.raw, RAW_LEVEL) for i in fresh]),
        "run_id": ("BIGINT", [run_id] * len(fresh)),
        "stored_at": ("TIMESTAMPTZ", [now] * len(fresh)),
    })


def _insert_versions(con: duckdb.DuckDBPyConnection, decision: VersionDecision, run_id: int, now: datetime) -> None:
    docs: dict[str, list] = {k: [] for k in _DOCUMENT_COLUMNS}
    pars: dict[str, list] = {k: [] for k in _PARAGRAPH_COLUMNS}
    for v in decision.versions:
        item, article = v.item, v.article
        for name, value in (
            ("document_id", v.document_id), ("doc_key", article.doc_key), ("version", v.version), ("is_current", True),
            ("url", article.url), ("title", article.title), ("authors", list(article.authors)),
            ("source", article.source), ("published_at", article.published_at), ("language", article.language),
            ("language_source", article.language_source), ("host", host_of(article.url) if article.url else None),
            ("text", article.text), ("content_hash", v.content_hash), ("origin", item.origin), ("kind", item.kind),
            ("raw_sha256", item.raw_sha256), ("cleaner", article.cleaner), ("site_rule", article.site_rule),
            ("pipeline_version", PIPELINE_VERSION), ("run_id", run_id), ("ingested_at", now),
            # lineage: the run that derived the text, and the metadata a reprocess applies again
            ("derived_run_id", run_id), ("supplied_meta", meta_to_json(item.meta)),
            ("page_types", list(article.page_types)),
        ):
            docs[name].append(value)
        for p, pid, h in zip(article.paragraphs, v.paragraph_ids, v.match_hashes, strict=True):
            for name, value in (
                ("paragraph_id", pid), ("document_id", v.document_id), ("position", p.position), ("role", p.role),
                ("text", p.text), ("attached_to", p.attached_to), ("match_hash", h), ("n_chars", len(p.text)),
                ("derived_by", PARAGRAPHS_VERSION), ("run_id", run_id),
            ):
                pars[name].append(value)
    insert_columns(con, "documents", {k: (_DOCUMENT_COLUMNS[k], v) for k, v in docs.items()})
    set_lead_lines(con, docs["document_id"])
    insert_columns(con, "paragraphs", {k: (_PARAGRAPH_COLUMNS[k], v) for k, v in pars.items()})


def _write_item_state(con: duckdb.DuckDBPyConnection, unchanged_origins: list[str],
                      states: dict[str, tuple[str, str, int]], run_id: int) -> None:
    if unchanged_origins:
        con.execute(
            "UPDATE item_state SET last_seen_run = ? WHERE origin IN (SELECT unnest(?::VARCHAR[]))",
            [run_id, unchanged_origins],
        )
    if states:
        origins_changed = list(states)
        con.execute("DELETE FROM item_state WHERE origin IN (SELECT unnest(?::VARCHAR[]))", [origins_changed])
        insert_columns(con, "item_state", {
            "origin": ("VARCHAR", origins_changed),
            "raw_sha256": ("VARCHAR", [states[o][0] for o in origins_changed]),
            "doc_key": ("VARCHAR", [states[o][1] for o in origins_changed]),
            "document_id": ("BIGINT", [states[o][2] for o in origins_changed]),
            "last_seen_run": ("BIGINT", [run_id] * len(origins_changed)),
            "last_changed_run": ("BIGINT", [run_id] * len(origins_changed)),
        })


def relink_exact(con: duckdb.DuckDBPyConnection, hashes: list[int], superseded: list[int], new_ids: set[int],
                 dedup: DedupSettings, run_id: int, now: datetime | None = None) -> int:
    """Replace the exact links of the clusters with these match hashes; return links from new paragraphs.
    The stored clusters of every paragraph whose exact link changed are refreshed (``store.clusters``).

    With ``dedup.exact_window_days`` and ``now`` (a batch's write), a cluster is its paragraphs from the window's
    start on (``exact_window_start``); the older ones keep the links they have. Without ``now`` (reprocess,
    rebuild) every stored paragraph takes part."""
    touched: set[int] = set()
    if superseded:
        # paragraphs of superseded versions leave every exact cluster
        touched.update(r[0] for r in con.execute(
            "DELETE FROM duplicates WHERE kind = 'exact' AND (paragraph_id IN (SELECT paragraph_id FROM paragraphs "
            "WHERE document_id IN (SELECT unnest(?::BIGINT[]))) OR duplicate_of IN (SELECT paragraph_id FROM "
            "paragraphs WHERE document_id IN (SELECT unnest(?::BIGINT[])))) RETURNING paragraph_id",
            [superseded, superseded],
        ).fetchall())
    if not hashes:
        refresh_clusters(con, touched)
        return 0
    # the clusters' paragraphs first, then the documents of those only (joined the other way round, DuckDB
    # would join every stored document with its first version before filtering)
    rows = con.execute(
        "WITH m AS MATERIALIZED (SELECT paragraph_id, match_hash, document_id, position FROM paragraphs "
        "WHERE match_hash IN (SELECT unnest(?::BIGINT[])) AND role IN (SELECT unnest(?::VARCHAR[])) AND n_chars >= ? "
        "AND paragraph_id >= ?) "  # the window: DuckDB skips older row groups by their min/max paragraph_id
        "SELECT m.paragraph_id, m.match_hash, d.published_at, m.document_id, m.position, "
        "coalesce(f.document_id, m.document_id) "  # ties broken on the first version (links keep direction)
        "FROM m JOIN documents d ON d.document_id = m.document_id AND d.is_current "
        "LEFT JOIN documents f ON f.doc_key = d.doc_key AND f.version = 1",
        [hashes, list(dedup.roles), dedup.min_chars, exact_window_start(con, dedup, now, new_ids)],
    ).fetchall()
    refs = [ParagraphRef(*r) for r in rows]
    members = [r.paragraph_id for r in refs]
    touched.update(members)
    touched.update(r[0] for r in con.execute(
        "DELETE FROM duplicates WHERE kind = 'exact' AND paragraph_id IN (SELECT unnest(?::BIGINT[])) "
        "RETURNING paragraph_id", [members]
    ).fetchall())
    links = exact_links(refs)
    insert_columns(con, "duplicates", {
        "paragraph_id": ("BIGINT", [lk.paragraph_id for lk in links]),
        "duplicate_of": ("BIGINT", [lk.duplicate_of for lk in links]),
        "kind": ("VARCHAR", [lk.kind for lk in links]),
        "similarity": ("DOUBLE", [lk.similarity for lk in links]),
        "method": ("VARCHAR", [EXACT_DEDUP_VERSION] * len(links)),
        "run_id": ("BIGINT", [run_id] * len(links)),
        "dedup_settings": ("VARCHAR", [dedup.fingerprint] * len(links)),
    })
    refresh_clusters(con, touched)
    return sum(1 for lk in links if lk.paragraph_id in new_ids)


def exact_window_start(con: duckdb.DuckDBPyConnection, dedup: DedupSettings, now: datetime | None,
                       new_ids: set[int]) -> int:
    """The lowest paragraph id the exact stage reads (0: all): with ``dedup.exact_window_days`` and ``now``, the
    near stage's window start for that many days (``near_index.window_start``, a look-up in ``dedup_runs``);
    the batch's own paragraphs when no recent run indexed any, and none of the stored ones without a batch."""
    if not dedup.exact_window_days or now is None:
        return 0
    lowest = window_start(con, now - timedelta(days=dedup.exact_window_days), new_ids)
    if lowest is None:
        lowest = con.execute("SELECT coalesce(max(paragraph_id), 0) + 1 FROM paragraphs").fetchone()[0]
    return lowest


def add_run_counters(con: duckdb.DuckDBPyConnection, run_id: int, columns: dict[str, str], counts: object,
                     **extra: int) -> None:
    """Add a batch's counters to its ``runs`` row: ``columns`` maps each ``runs`` column to the field of
    ``counts`` it adds (``wiredesk.domain.counts``); ``extra`` adds plain values (``items_seen=...``)."""
    values = {**{col: getattr(counts, attr) for col, attr in columns.items()}, **extra}
    names = [name for name in _RUN_COUNTER_COLUMNS if name in values]
    unknown = set(values) - set(names)
    if unknown:
        raise ValueError(f"not a runs counter: {sorted(unknown)}")
    con.execute(f"UPDATE runs SET {', '.join(f'{n} = {n} + ?' for n in names)} WHERE run_id = ?",
                [*(values[n] for n in names), run_id])


#: Every counter column of ``runs``, in the order the store adds them; the only names that reach the
#: ``UPDATE runs`` statement above.
_RUN_COUNTER_COLUMNS = (
    "items_seen", "items_failed", "documents_new", "documents_updated", "items_unchanged", "documents_changed",
    "paragraphs_new", "paragraphs_removed", "duplicates_new", "duplicates_removed", "event_mentions_new",
    "event_mentions_removed", "events_written", "event_documents_skipped", "documents_assigned", "stories_new",
    "entries_dropped", "revisits_due", "revisits_done", "revisits_changed", "revisits_skipped", "revisits_not_modified",
    "revisits_failed", "revisits_dropped", "event_candidates_cut", "event_documents_not_news",
)

_DOCUMENT_COLUMNS = {
    "document_id": "BIGINT", "doc_key": "VARCHAR", "version": "INTEGER", "is_current": "BOOLEAN",
    "url": "VARCHAR", "title": "VARCHAR", "authors": "VARCHAR[]", "source": "VARCHAR",
    "published_at": "TIMESTAMPTZ", "language": "VARCHAR", "language_source": "VARCHAR", "host": "VARCHAR",
    "text": "VARCHAR", "content_hash": "VARCHAR",
    "origin": "VARCHAR", "kind": "VARCHAR", "raw_sha256": "VARCHAR", "cleaner": "VARCHAR", "site_rule": "VARCHAR",
    "pipeline_version": "VARCHAR", "run_id": "BIGINT", "ingested_at": "TIMESTAMPTZ",
    "derived_run_id": "BIGINT", "supplied_meta": "VARCHAR", "page_types": "VARCHAR[]",
}
_PARAGRAPH_COLUMNS = {
    "paragraph_id": "BIGINT", "document_id": "BIGINT", "position": "INTEGER", "role": "VARCHAR",
    "text": "VARCHAR", "attached_to": "INTEGER", "match_hash": "BIGINT", "n_chars": "INTEGER",
    "derived_by": "VARCHAR", "run_id": "BIGINT",
}
