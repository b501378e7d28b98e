"""What must hold in a wiredesk database after any crash, injected error or full disk, and after the
rerun that follows: the reusable checker of the reliability tests (docs/reliability.md).

``check_database`` returns violations as sentences (an empty list is a pass); ``snapshot`` reads the
comparable content of a database by natural keys (``doc_key``, position, entry key: never the ids a
run happened to assign), so ``diff_snapshots`` can compare a crashed-and-rerun database with one made
by a clean run. Read-only: it never changes the database it checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb

from wiredesk.store import clusters
from wiredesk.store.migrate import available_migrations

#: Each query counts rows that must not exist in any committed state of the database.
ORPHANS = {
    "paragraphs without a document":
        "SELECT count(*) FROM paragraphs p WHERE p.document_id NOT IN (SELECT document_id FROM documents)",
    "documents without paragraphs":
        "SELECT count(*) FROM documents d WHERE d.document_id NOT IN (SELECT document_id FROM paragraphs)",
    "documents without their raw bytes":
        "SELECT count(*) FROM documents d WHERE d.raw_sha256 NOT IN (SELECT raw_sha256 FROM raw_pages)",
    "doc_keys with more than one current version":
        "SELECT count(*) FROM (SELECT doc_key FROM documents WHERE is_current GROUP BY doc_key HAVING count(*) > 1)",
    "doc_keys without a current version":
        "SELECT count(*) FROM (SELECT doc_key FROM documents GROUP BY doc_key HAVING NOT bool_or(is_current))",
    "the same content stored twice for a doc_key":
        "SELECT count(*) FROM (SELECT doc_key, content_hash FROM documents GROUP BY ALL HAVING count(*) > 1)",
    "duplicate links from a missing paragraph":
        "SELECT count(*) FROM duplicates WHERE paragraph_id NOT IN (SELECT paragraph_id FROM paragraphs)",
    "duplicate links to a missing paragraph":
        "SELECT count(*) FROM duplicates WHERE duplicate_of NOT IN (SELECT paragraph_id FROM paragraphs)",
    "a paragraph with two links of one kind":
        "SELECT count(*) FROM (SELECT paragraph_id, kind FROM duplicates GROUP BY ALL HAVING count(*) > 1)",
    "event mentions of a missing document":
        "SELECT count(*) FROM event_mention_rows WHERE document_id NOT IN (SELECT document_id FROM documents)",
    "event mentions in a missing event":
        "SELECT count(*) FROM event_mention_rows WHERE event_id IS NOT NULL "
        "AND event_id NOT IN (SELECT event_id FROM event_rows)",
    "events without mentions":
        "SELECT count(*) FROM event_rows WHERE event_id NOT IN "
        "(SELECT event_id FROM event_mention_rows WHERE event_id IS NOT NULL)",
    "asserted mentions of current documents in no event":
        "SELECT count(*) FROM event_mention_rows m JOIN documents d USING (document_id) "
        "WHERE d.is_current AND NOT m.negated AND m.event_id IS NULL",
    "entity mentions of a missing document":
        "SELECT count(*) FROM entity_mention_rows WHERE document_id NOT IN (SELECT document_id FROM documents)",
    "entity mentions of a missing entity":
        "SELECT count(*) FROM entity_mention_rows WHERE entity_id NOT IN (SELECT entity_id FROM entity_rows)",
    "near-index rows without a paragraph":
        "SELECT count(*) FROM dedup_paragraphs WHERE paragraph_id NOT IN (SELECT paragraph_id FROM paragraphs)",
    "near-index keys without an indexed paragraph":
        "SELECT count(*) FROM dedup_keys WHERE paragraph_id NOT IN (SELECT paragraph_id FROM dedup_paragraphs)",
    "paragraphs of current documents missing from the near index":
        "SELECT count(*) FROM paragraphs p JOIN documents d USING (document_id) WHERE d.is_current "
        "AND p.paragraph_id NOT IN (SELECT paragraph_id FROM dedup_paragraphs)",
    "paragraphs whose stored duplicate clusters disagree with their links": clusters.OUT_OF_STEP,
    "paragraphs whose duplicate clusters were never computed": clusters.NOT_COMPUTED,
    "entities whose stored counts disagree with their current mentions":
        "SELECT count(*) FROM entity_rows e LEFT JOIN (SELECT em.entity_id, count(*) AS n, "
        "count(DISTINCT em.document_id) AS nd, count(DISTINCT d.source) AS ns, min(d.published_at) AS f, "
        "max(d.published_at) AS l FROM entity_mention_rows em JOIN documents d USING (document_id) "
        "WHERE d.is_current GROUP BY 1) a USING (entity_id) WHERE e.num_mentions IS DISTINCT FROM coalesce(a.n, 0) "
        "OR e.num_documents IS DISTINCT FROM coalesce(a.nd, 0) OR e.num_sources IS DISTINCT FROM coalesce(a.ns, 0) "
        "OR e.first_seen IS DISTINCT FROM a.f OR e.last_seen IS DISTINCT FROM a.l",
    "feed entries pointing to a missing document":
        "SELECT count(*) FROM feed_entries WHERE doc_key NOT IN (SELECT doc_key FROM documents)",
    "item state pointing to a missing document":
        "SELECT count(*) FROM item_state s WHERE NOT EXISTS (SELECT 1 FROM documents d "
        "WHERE d.document_id = s.document_id AND d.doc_key = s.doc_key)",
    "item state without its raw bytes":
        "SELECT count(*) FROM item_state WHERE raw_sha256 NOT IN (SELECT raw_sha256 FROM raw_pages)",
    "current documents without item state":
        "SELECT count(*) FROM documents d WHERE d.is_current AND d.origin NOT IN (SELECT origin FROM item_state)",
    "current documents without a story":
        "SELECT count(*) FROM documents d WHERE d.is_current "
        "AND d.document_id NOT IN (SELECT document_id FROM story_assignments)",
    "story assignments of a missing document":
        "SELECT count(*) FROM story_assignments WHERE document_id NOT IN (SELECT document_id FROM documents)",
    "story assignments of a story without its row":
        "SELECT count(*) FROM story_assignments WHERE story_id NOT IN (SELECT story_id FROM story_rows)",
    "story rows of no assignment":
        "SELECT count(*) FROM story_rows WHERE story_id NOT IN (SELECT story_id FROM story_assignments)",
    "story postings of a missing assignment":
        "SELECT count(*) FROM story_postings WHERE seq NOT IN (SELECT seq FROM story_assignments)",
    "story arrival positions with a gap":
        "SELECT count(*) FROM (SELECT count(*) n, coalesce(max(seq) + 1, 0) m FROM story_assignments) WHERE n <> m",
    "paragraph revisions of a missing version":
        "SELECT count(*) FROM paragraph_revisions WHERE document_id NOT IN (SELECT document_id FROM documents) "
        "OR previous_document_id NOT IN (SELECT document_id FROM documents)",
    "revisit schedules of a page never stored":
        "SELECT count(*) FROM revisits WHERE doc_key NOT IN (SELECT doc_key FROM documents)",
    "revisit queue out of step with the revisits' schedule":
        "SELECT count(*) FROM revisits r FULL JOIN revisit_queue q USING (origin) "
        "WHERE (r.next_due_at IS NOT NULL) IS DISTINCT FROM (q.origin IS NOT NULL) "
        "OR q.next_due_at <> r.next_due_at OR q.first_seen_at <> r.first_seen_at",
    "queued revisits not pointing at their page's current version":
        "SELECT count(*) FROM revisit_queue q LEFT JOIN documents d ON d.document_id = q.document_id "
        "WHERE d.is_current IS NOT TRUE",
    "run counters short of the documents stored":
        "SELECT count(*) FROM runs r WHERE r.documents_new + r.documents_updated < "
        "(SELECT count(*) FROM documents d WHERE d.run_id = r.run_id)",
}


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return con.execute(sql).fetchone()[0]


def check_database(db: str | Path, *, feed_url: str | None = None,
                   feed_doc_keys: Iterable[str] | dict[str, Iterable[str]] = (),
                   expected_doc_keys: Iterable[str] | None = None, finished: bool = False) -> list[str]:
    """The violations in the database at ``db`` (empty list: all invariants hold).

    ``feed_url`` / ``feed_doc_keys``: once that source's state says it was fetched (validators or a
    success time stored), every one of those documents must be stored: state never runs ahead of data
    (a dict maps each ETag the feed was served with to the documents of that version).
    ``expected_doc_keys``: after a completed run, each of these is stored exactly once as current.
    ``finished``: the last run completed, so no run may be left ``running``.
    """
    db = Path(db)
    if not db.exists():
        return []  # killed before the database was created: nothing to be inconsistent
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        return [f"the database does not open: {exc}"]
    out: list[str] = []
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        applied = [r[0] for r in con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()] \
            if "schema_migrations" in tables else []
        if len(applied) < len(available_migrations()):
            # stopped during the first migrations (killed, disk full): each migration is one transaction,
            # so a partial schema must be a prefix of them, with nothing else stored yet
            if applied != list(range(1, len(applied) + 1)):
                out.append(f"migrations applied out of order: {applied}")
            if "documents" in tables and _count(con, "SELECT count(*) FROM documents"):
                out.append("documents stored in a database whose migrations are incomplete")
            return out
        for name, sql in ORPHANS.items():
            n = _count(con, sql)
            if n:
                out.append(f"{name}: {n}")
        running = _count(con, "SELECT count(*) FROM runs WHERE status = 'running'")
        if running > (0 if finished else 1):
            out.append(f"runs left 'running': {running}")
        if feed_url is not None:
            row = con.execute("SELECT etag FROM sources WHERE url = ? AND (etag IS NOT NULL OR "
                              "last_success_at IS NOT NULL)", [feed_url]).fetchone()
            if row is not None and isinstance(feed_doc_keys, dict):  # the articles of the feed version stored
                feed_doc_keys = feed_doc_keys.get(row[0], ())
            if row is not None:
                missing = sorted(set(feed_doc_keys) - _doc_keys(con))
                if missing:
                    out.append(f"source state stored but {len(missing)} of its documents missing: {missing[:3]}")
                unknown = sorted(set(feed_doc_keys) - {r[0] for r in con.execute(
                    "SELECT doc_key FROM feed_entries").fetchall()})
                if unknown:
                    out.append(f"source state stored but {len(unknown)} of its entries unknown: {unknown[:3]}")
        if expected_doc_keys is not None:
            counts = dict(con.execute("SELECT doc_key, count(*) FROM documents WHERE is_current GROUP BY ALL").fetchall())
            expected = set(expected_doc_keys)
            missing = sorted(k for k in expected if counts.get(k, 0) == 0)
            extra = sorted(set(counts) - expected)
            if missing:
                out.append(f"input documents not stored: {len(missing)}, e.g. {missing[:3]}")
            if extra:
                out.append(f"documents stored that no input has: {extra[:3]}")
    finally:
        con.close()
    return out


def _doc_keys(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT doc_key FROM documents").fetchall()}


#: What a crash followed by a rerun must leave exactly as a clean run does, by natural keys.
_PARA = "(SELECT p.paragraph_id, d.doc_key, d.version, p.position FROM paragraphs p JOIN documents d USING (document_id))"
SNAPSHOT = {
    "documents": "SELECT doc_key, version, is_current, url, title, authors, source, published_at, language, "
                 "md5(text), content_hash, origin, kind, raw_sha256, cleaner FROM documents",
    "paragraphs": "SELECT d.doc_key, d.version, p.position, p.role, md5(p.text), p.attached_to, p.match_hash, "
                  "p.n_chars FROM paragraphs p JOIN documents d USING (document_id)",
    "duplicates": f"SELECT a.doc_key, a.position, b.doc_key, b.position, l.kind, round(l.similarity, 9), l.method "
                  f"FROM duplicates l JOIN {_PARA} a ON a.paragraph_id = l.paragraph_id "
                  f"JOIN {_PARA} b ON b.paragraph_id = l.duplicate_of",
    "near index": f"SELECT a.doc_key, a.position, i.n_tokens, i.n_keys, "
                  f"(SELECT count(*) FROM dedup_keys k WHERE k.paragraph_id = i.paragraph_id) "
                  f"FROM dedup_paragraphs i JOIN {_PARA} a USING (paragraph_id)",
    "events": "SELECT event_id, event_class, cameo, actor_name, target_name, place_name, date_start, date_end, "
              "killed, wounded, crowd, num_mentions, num_documents, num_sources, first_seen, last_seen, "
              "round(confidence, 9) FROM event_rows",
    "event mentions": "SELECT d.doc_key, m.sentence_index, m.trigger_start, m.trigger_lemma, m.event_class, "
                      "m.actor_name, m.target_name, m.place_name, m.negated, m.event_id "
                      "FROM event_mention_rows m JOIN documents d USING (document_id)",
    "entity mentions": "SELECT d.doc_key, m.start_offset, e.name, e.label FROM entity_mention_rows m "
                       "JOIN documents d USING (document_id) JOIN entity_rows e USING (entity_id)",
    # each story named by its first document: story ids depend only on the arrival order, which a rerun keeps
    "stories": "SELECT d.doc_key, d.version, a.seq, a.method, round(a.similarity, 6), f.doc_key, f.version "
               "FROM story_assignments a JOIN documents d USING (document_id) "
               "JOIN story_assignments s ON s.story_id = a.story_id AND s.seq = (SELECT min(seq) FROM "
               "story_assignments x WHERE x.story_id = a.story_id) JOIN documents f ON f.document_id = s.document_id",
    "feed entries": "SELECT entry_key, doc_key, fingerprint FROM feed_entries",
    # not last_status: a rerun after the feed's state was committed rightly gets 304 where a clean run got 200
    "sources": "SELECT url, kind, feed_url, etag, last_modified, consecutive_failures, last_error, "
               "disabled_reason FROM sources",
    "item state": "SELECT origin, raw_sha256, doc_key FROM item_state",
    "raw pages": "SELECT raw_sha256, origin, kind, size_bytes FROM raw_pages",
    "failures": "SELECT origin, stage, reason FROM failures",
    "revisits": "SELECT origin, doc_key, source, next_slot, revisits_done FROM revisits",
}


def snapshot(db: str | Path) -> dict[str, list[tuple]]:
    """The comparable content of the database at ``db``, each table's rows sorted."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {name: sorted(con.execute(sql).fetchall(), key=repr) for name, sql in SNAPSHOT.items()}
    finally:
        con.close()


def diff_snapshots(expected: dict[str, list[tuple]], got: dict[str, list[tuple]]) -> list[str]:
    """Differences between two snapshots, one sentence per table that differs (empty: equal)."""
    out = []
    for name, rows in expected.items():
        other = got.get(name, [])
        if rows != other:
            a, b = set(map(repr, rows)), set(map(repr, other))
            out.append(f"{name} differ from a clean run: {len(rows)} vs {len(other)} rows; "
                       f"missing {sorted(a - b)[:2]}, extra {sorted(b - a)[:2]}")
    return out
