"""Storage of revisits and revision diffs (tables ``revisits`` and ``paragraph_revisions``, view
``document_revisions``): the only SQL for them.

Inside a batch's transaction (``wiredesk.store.writer.write_batch`` calls ``write_revisits`` after the new
versions are inserted): a page first stored from a fetch gets its schedule; each version after the first gets
its paragraph changes against the version before (``wiredesk.domain.revisions``); each revisit fetched for
the batch moves its page to its next slot. The state of each page's schedule is its row of ``revisits``;
``revisit_queue`` holds only what selects the due pages (the page, its due time, its source, its current
version). Reads: the due revisits with the per-source budget applied
(``due_revisits``), a URL's versions and changes (``read_revisions``). Decisions are not here: the schedule's
arithmetic is ``wiredesk.sources.revisits``'s, the diff ``wiredesk.domain.revisions``'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb

from wiredesk.domain.counts import BatchCounts
from wiredesk.domain.lineage import meta_from_json
from wiredesk.domain.models import Article, Failure
from wiredesk.domain.revisions import REVISIONS_VERSION, diff_paragraphs
from wiredesk.sources.revisits import DueRevisit, RevisitBatch, due_at
from wiredesk.store.decide import NewVersion
from wiredesk.store.sql import insert_columns


def write_revisits(con: duckdb.DuckDBPyConnection, run_id: int, versions: Sequence[NewVersion],
                   failures: Sequence[Failure], revisits: RevisitBatch | None, offsets: Sequence[timedelta],
                   now: datetime, counts: BatchCounts) -> None:
    """Schedule the new pages, store the new versions' changes, record the batch's revisits (in the caller's
    transaction); the batch's revisit counters go to ``counts``."""
    schedule_pages(con, [v for v in versions if v.version == 1 and v.item.fetched is not None], offsets, now)
    store_changes(con, [(v.document_id, v.article.doc_key, v.version, v.article) for v in versions if v.version > 1])
    follow_versions(con, [v for v in versions if v.version > 1])
    if revisits is not None:
        counts.revisits_due, counts.revisits_skipped = revisits.due, revisits.skipped
        counts.revisits_dropped = drop_revisits(con, run_id, revisits.dropped, now)
        changed = {v.item.origin for v in versions}
        failed = {f.origin: f.reason for f in failures}
        found = record_revisits(con, run_id, revisits, changed, failed)
        counts.revisits_done = sum(found.values())
        counts.revisits_changed = found.get("changed", 0)
        counts.revisits_not_modified = found.get("not_modified", 0)
        counts.revisits_failed = sum(n for k, n in found.items() if k not in ("changed", "same", "not_modified"))


def schedule_pages(con: duckdb.DuckDBPyConnection, versions: Sequence[NewVersion], offsets: Sequence[timedelta],
                   now: datetime) -> None:
    """A revisit schedule for each page first stored now (a page scheduled before keeps its own): its state in
    ``revisits``, and its place in the queue of revisits to come."""
    rows = [v for v in versions if v.item.fetched is not None]
    if not rows or not offsets:
        return
    new = {o for o, in con.execute(
        "INSERT INTO revisits (origin, fetch_url, doc_key, source_id, source, first_seen_at, next_slot, next_due_at, "
        "etag, last_modified) SELECT unnest($1::VARCHAR[]), unnest($2::VARCHAR[]), unnest($3::VARCHAR[]), "
        "unnest($4::BIGINT[]), unnest($5::VARCHAR[]), $6, 0, $7, unnest($8::VARCHAR[]), unnest($9::VARCHAR[]) "
        "ON CONFLICT (origin) DO NOTHING RETURNING origin",
        [[v.item.origin for v in rows], [v.item.fetched.url for v in rows], [v.article.doc_key for v in rows],
         [v.item.source_id for v in rows], [v.item.fetched.source for v in rows], now, due_at(now, offsets, 0),
         [v.item.fetched.etag for v in rows], [v.item.fetched.last_modified for v in rows]]).fetchall()}
    queued = [v for v in rows if v.item.origin in new]
    if queued:
        insert_columns(con, "revisit_queue", {
            "origin": ("VARCHAR", [v.item.origin for v in queued]),
            "next_due_at": ("TIMESTAMPTZ", [due_at(now, offsets, 0)] * len(queued)),
            "source_id": ("BIGINT", [v.item.source_id for v in queued]),
            "source": ("VARCHAR", [v.item.fetched.source for v in queued]),
            "document_id": ("BIGINT", [v.document_id for v in queued]),
            "first_seen_at": ("TIMESTAMPTZ", [now] * len(queued)),
        })


def follow_versions(con: duckdb.DuckDBPyConnection, versions: Sequence[NewVersion]) -> None:
    """Queued pages whose document got a new version point at it (the due query reads that version only): the
    rows at the version it replaced."""
    moves = [v for v in versions if v.previous_document_id is not None]
    if moves:
        con.execute("UPDATE revisit_queue q SET document_id = v.document_id FROM (SELECT unnest($1::BIGINT[]) AS "
                    "previous_id, unnest($2::BIGINT[]) AS document_id) v WHERE q.document_id = v.previous_id",
                    [[v.previous_document_id for v in moves], [v.document_id for v in moves]])


def _body(article: Article) -> list[tuple[int, str]]:
    return [(p.position, p.text) for p in article.paragraphs if p.role == "body"]


def _stored_body(con: duckdb.DuckDBPyConnection, document_id: int) -> list[tuple[int, str]]:
    return con.execute("SELECT position, text FROM paragraphs WHERE document_id = ? AND role = 'body' "
                       "ORDER BY position", [document_id]).fetchall()


def store_changes(con: duckdb.DuckDBPyConnection, versions: Iterable[tuple[int, str, int, Article | None]]) -> int:
    """Store the paragraph changes of each ``(document_id, doc_key, version, article or None: read it)``
    against the version before it; return the rows written."""
    cols: dict[str, list] = {k: [] for k in _CHANGE_COLUMNS}
    for document_id, doc_key, version, article in versions:
        before = con.execute("SELECT document_id FROM documents WHERE doc_key = ? AND version = ?",
                             [doc_key, version - 1]).fetchall()
        if not before:
            continue
        new = _body(article) if article is not None else _stored_body(con, document_id)
        for c in diff_paragraphs(_stored_body(con, before[0][0]), new):
            for name, value in (("document_id", document_id), ("previous_document_id", before[0][0]),
                                ("change", c.change), ("old_position", c.old_position),
                                ("new_position", c.new_position), ("old_text", c.old_text),
                                ("new_text", c.new_text), ("similarity", c.similarity),
                                ("derived_by", REVISIONS_VERSION)):
                cols[name].append(value)
    insert_columns(con, "paragraph_revisions", {k: (_CHANGE_COLUMNS[k], v) for k, v in cols.items()})
    return len(cols["document_id"])


_CHANGE_COLUMNS = {"document_id": "BIGINT", "previous_document_id": "BIGINT", "change": "VARCHAR",
                   "old_position": "INTEGER", "new_position": "INTEGER", "old_text": "VARCHAR", "new_text": "VARCHAR",
                   "similarity": "DOUBLE", "derived_by": "VARCHAR"}


def rebuild_revisions(con: duckdb.DuckDBPyConnection) -> int:
    """The changes of every stored version after the first, from scratch (a database that had versions
    before revision diffs were stored)."""
    con.execute("DELETE FROM paragraph_revisions")
    rows = con.execute("SELECT document_id, doc_key, version FROM documents WHERE version > 1 "
                       "ORDER BY document_id").fetchall()
    return store_changes(con, [(d, k, v, None) for d, k, v in rows])


def record_revisits(con: duckdb.DuckDBPyConnection, run_id: int, batch: RevisitBatch, changed: set[str],
                    failed: dict[str, str]) -> dict[str, int]:
    """Move each revisited page to its next slot, with what was found (a page with no slot left leaves the
    queue); returns the revisits done by what they found (``changed``, ``same``, ``not_modified``,
    ``error:REASON``, an access state). A page no longer at the slot revisited (recorded by an earlier batch) is
    left alone: no slot counts twice. Three statements for the batch: ``revisits`` (the state), then the
    queue's due time of the pages moved, and the pages with no slot left out of the queue."""
    if not batch.outcomes:
        return {}
    outcomes = [revisit_outcome(o.status, o.origin, changed, failed) for o in batch.outcomes]
    outs = batch.outcomes
    # joined on first_seen_at too (equal for the same page): the scan of `revisits` skips older pages' row groups
    hit = con.execute("""
        UPDATE revisits r SET next_slot = v.next_slot, next_due_at = v.next_due_at,
               revisits_done = r.revisits_done + 1, etag = v.etag, last_modified = v.last_modified,
               last_revisit_at = v.checked_at, last_outcome = v.outcome, last_run_id = $1
        FROM (SELECT unnest($2::VARCHAR[]) AS origin, unnest($3::TIMESTAMPTZ[]) AS first_seen_at,
                     unnest($4::INTEGER[]) AS slot, unnest($5::INTEGER[]) AS next_slot,
                     unnest($6::TIMESTAMPTZ[]) AS next_due_at, unnest($7::VARCHAR[]) AS etag,
                     unnest($8::VARCHAR[]) AS last_modified, unnest($9::TIMESTAMPTZ[]) AS checked_at,
                     unnest($10::VARCHAR[]) AS outcome) v
        WHERE r.origin = v.origin AND r.first_seen_at = v.first_seen_at AND r.next_slot = v.slot
        RETURNING r.origin, r.last_outcome, r.next_due_at""",
        [run_id, [o.origin for o in outs], [o.first_seen_at for o in outs], [o.slot for o in outs],
         [o.next_slot for o in outs], [o.next_due_at for o in outs], [o.etag for o in outs],
         [o.last_modified for o in outs], [o.checked_at for o in outs], outcomes]).fetchall()
    found: dict[str, int] = {}
    for _, outcome, _ in hit:
        found[outcome] = found.get(outcome, 0) + 1
    moved = [(origin, due) for origin, _, due in hit if due is not None]
    if moved:
        con.execute("UPDATE revisit_queue q SET next_due_at = v.next_due_at FROM (SELECT unnest($1::VARCHAR[]) AS "
                    "origin, unnest($2::TIMESTAMPTZ[]) AS next_due_at) v WHERE q.origin = v.origin",
                    [[m[0] for m in moved], [m[1] for m in moved]])
    done = [origin for origin, _, due in hit if due is None]
    if done:
        con.execute("DELETE FROM revisit_queue WHERE origin IN (SELECT unnest($1::VARCHAR[]))", [done])
    return found


def revisit_outcome(status: str, origin: str, changed: set[str], failed: dict[str, str]) -> str:
    """What a revisit found: a fetched page is ``changed`` (a new version), its access state or fetch error
    (``failed``), or ``same``; ``not_modified`` and ``error:REASON`` as the fetch said."""
    if status != "fetched":
        return status
    return "changed" if origin in changed else failed.get(origin, "same")


def drop_revisits(con: duckdb.DuckDBPyConnection, run_id: int, origins: Sequence[str], now: datetime) -> int:
    """Take pages whose document has no current version off the schedule (``last_outcome = 'no_document'``,
    nothing due); returns how many were still scheduled."""
    if not origins:
        return 0
    con.execute("DELETE FROM revisit_queue WHERE origin IN (SELECT unnest($1::VARCHAR[]))", [list(origins)])
    return len(con.execute(
        "UPDATE revisits SET next_due_at = NULL, last_outcome = 'no_document', last_revisit_at = $2, last_run_id = $3 "
        "WHERE origin IN (SELECT unnest($1::VARCHAR[])) AND next_due_at IS NOT NULL RETURNING origin",
        [list(origins), now, run_id]).fetchall())


def due_revisits(con: duckdb.DuckDBPyConnection, now: datetime, budget: int,
                 source_ids: Sequence[int] | None = None) -> tuple[list[DueRevisit], int, list[str]]:
    """The revisits due by ``now``, at most ``budget`` per source, oldest due first, each with its current
    version's supplied metadata; how many more were due (left by the budget); and the due pages among those
    chosen whose document has no current version (to take off the schedule: never fetched; a current version
    without supplied metadata, which no scheduled page has, counts as none). ``source_ids``:
    only pages of these followed sources (a source group's run).

    Reads ``revisit_queue`` (the pages with a revisit to come, not every page ever scheduled), then for the
    chosen pages only their state in ``revisits`` (by primary key, and by ``first_seen_at``: the scan skips the
    row groups of pages first seen before the oldest chosen) and their current versions by ``document_id``
    (recent ids: the scan of ``documents`` skips the row groups of older ones)."""
    ids = None if source_ids is None else list(source_ids)
    rows = con.execute("""
        WITH due AS (
            SELECT origin, next_due_at, source_id, source, document_id, first_seen_at FROM revisit_queue
            WHERE next_due_at <= $1 AND ($2::BIGINT[] IS NULL OR list_contains($2::BIGINT[], source_id))),
        chosen AS (
            SELECT * FROM due
            QUALIFY row_number() OVER (PARTITION BY source_id, source ORDER BY next_due_at, origin) <= $3)
        SELECT c.origin, r.fetch_url, c.source_id, c.source, epoch_us(c.first_seen_at), r.next_slot, r.etag,
               r.last_modified, d.supplied_meta, d.supplied_meta IS NOT NULL AS current, (SELECT count(*) FROM due) AS n_due
        FROM chosen c
        JOIN revisits r ON r.origin = c.origin AND r.first_seen_at = c.first_seen_at
        LEFT JOIN documents d ON d.document_id = c.document_id AND d.is_current
        ORDER BY c.next_due_at, c.origin""", [now, ids, budget]).fetchall()
    # first seen as microseconds: a TIMESTAMPTZ converted by the driver costs more than the rest of the row
    chosen = [DueRevisit(origin, url, sid, source, _EPOCH + timedelta(microseconds=first), slot, etag, lm,
                         meta_from_json(meta))
              for origin, url, sid, source, first, slot, etag, lm, meta, current, _ in rows if current]
    dropped = [r[0] for r in rows if not r[9]]
    return chosen, (rows[0][10] - len(rows)) if rows else 0, dropped


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def read_revisions(con: duckdb.DuckDBPyConnection, keys: Sequence[str]) -> tuple[list[dict], list[dict]]:
    """The versions of the document whose key, URL or origin is one of ``keys`` (oldest first, with their
    counts of paragraphs added, removed and changed), and the changes of those versions (view
    ``document_revisions``), in version and reading order. Both empty for an unknown URL."""
    # three scans, each a plain filter on one column, instead of one scan with a disjunction of three
    # semi-joins (half the time at 1M documents); the same row: the lowest document_id over all three
    found = con.execute("SELECT doc_key FROM ("
                        "SELECT doc_key, document_id FROM documents WHERE doc_key = ANY($1::VARCHAR[]) UNION ALL "
                        "SELECT doc_key, document_id FROM documents WHERE url = ANY($1::VARCHAR[]) UNION ALL "
                        "SELECT doc_key, document_id FROM documents WHERE origin = ANY($1::VARCHAR[])) "
                        "ORDER BY document_id LIMIT 1", [list(keys)]).fetchall()
    if not found:
        return [], []
    cur = con.execute("""
        SELECT d.version, d.document_id, d.ingested_at, d.run_id, d.title, d.is_current,
               count(r.change) FILTER (WHERE r.change = 'added') AS added,
               count(r.change) FILTER (WHERE r.change = 'removed') AS removed,
               count(r.change) FILTER (WHERE r.change = 'changed') AS changed
        FROM documents d LEFT JOIN paragraph_revisions r ON r.document_id = d.document_id
        WHERE d.doc_key = ? GROUP BY ALL ORDER BY d.version""", [found[0][0]])
    versions = _dicts(cur)
    cur = con.execute("SELECT version, change, old_position, new_position, old_text, new_text, similarity "
                      "FROM document_revisions WHERE doc_key = ? "
                      "ORDER BY version, coalesce(new_position, old_position), old_position NULLS LAST", [found[0][0]])
    changes = _dicts(cur)
    for v in versions:
        v["doc_key"] = found[0][0]
    return versions, changes


def _dicts(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def revisit_overview(con: duckdb.DuckDBPyConnection, now: datetime) -> dict[str, Any]:
    """The schedule now (pages with a revisit to come, due by ``now``) and what the newest run that had
    revisits due did with them (``runs`` counters; None when no run had any)."""
    queued, due = con.execute("SELECT count(*), count(*) FILTER (WHERE next_due_at <= ?) FROM revisit_queue",
                              [now]).fetchone()
    last = _dicts(con.execute(
        "SELECT run_id, started_at, " + _RUN_REVISIT_COLUMNS + " FROM runs WHERE revisits_due > 0 "
        "ORDER BY run_id DESC LIMIT 1"))
    return {"scheduled": queued, "due_now": due, "last_run": last[0] if last else None}


def revisits_by_source(con: duckdb.DuckDBPyConnection, now: datetime) -> dict[int, tuple[int, int]]:
    """``{source_id: (due by now, scheduled)}`` of the followed sources' pages with a revisit to come."""
    rows = con.execute("SELECT source_id, count(*) FILTER (WHERE next_due_at <= ?), count(*) FROM revisit_queue "
                       "WHERE source_id IS NOT NULL GROUP BY source_id", [now]).fetchall()
    return {sid: (due, queued) for sid, due, queued in rows}


def revisits_by_url_list(con: duckdb.DuckDBPyConnection, now: datetime) -> list[tuple[str, int, int]]:
    """``(path, due by now, scheduled)`` of each URL list whose pages were scheduled for revisits (a list
    whose revisits are all done too, with 0 and 0), by path. Reads ``revisits`` (a URL list is not a followed
    source: it has no row elsewhere)."""
    return con.execute("SELECT source, count(*) FILTER (WHERE next_due_at <= ?), count(next_due_at) FROM revisits "
                       "WHERE source_id IS NULL GROUP BY source ORDER BY source", [now]).fetchall()


#: The revisit counters of ``runs``, in the order the run summary says them.
_RUN_REVISIT_COLUMNS = ("revisits_due, revisits_done, revisits_changed, revisits_not_modified, revisits_failed, "
                        "revisits_skipped, revisits_dropped")
