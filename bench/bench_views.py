"""The documented views on stores of 100k, 1M and 10M paragraphs: a question about one document (or event,
entity, cluster) and a question about the whole store, each beside a plain aggregation of the table it reads.

    python bench/bench_views.py [--sizes 100000,1000000,10000000] [--repeats 7] [--dir DIR] [--keep] [--before]
                                [--no-search]

1. **Build** one synthetic store per size with the real schema (the shipped migrations), filled by bulk SQL
   with the rows a run stores: 25 paragraphs a document (body 85 %, caption 8 %, credit 4 %, boilerplate 3 %,
   about 300 characters each), 60 sources, one document in 50 in a second version; 18 % of paragraphs copy a
   paragraph of an earlier document (half exact, half near; nine in ten within the last 2,000 documents, so
   copies of copies make chains), 4 % have a partial link; 3 event mentions and 12 entity mentions a
   document. Then the store's own code derives the rest: ``wiredesk.store.clusters.rebuild_clusters`` (the
   duplicate views' stored answers, the rows the incremental write path stores: tests/integration/dedup),
   ``recount_all_entities`` (the entities' counts), ``rebuild_mention_keys`` (the mentions' blocking keys), ``recount_stories`` and ``refresh_search_index`` (the
   search index; ``--no-search``: none, and no search query).
2. **Time** each query ``--repeats`` times on one read-only connection (median and minimum, in ms), after one
   warm-up run. Point queries ask about one document, cluster, event or entity picked near the middle of the
   store; whole-store queries read every row of the view, each alternating with the plain aggregation of the
   table the view reads (``PLAIN``: a GROUP BY of the table on its document key), so both run under the same
   load, and the ratio of their medians is reported.
3. **Write side**: the cost ``refresh_clusters`` adds to a batch of 10,000 new paragraphs (400 documents, the
   same shape), and the cost ``add_entity_counts`` adds to a batch of 400 documents (12 entity mentions
   each, 8 of them new versions), beside ``count_entities`` (recounting every entity they mention, as reprocess
   does), and the search index's refresh for those 400 documents, timed in a transaction rolled back.
   With ``--keep``, a store kept from an earlier run is upgraded first (``migrate``: the migrations it
   lacks, timed), as a user's store would be.
4. ``--before``: also time the views as first defined (a recursive walk of the copy links, every entity mention
   counted, per query: ``tests/support/clusters.py``) on the sizes up to 1M.

Prints Markdown tables (point growth from the smallest size; whole-store cost as a multiple of the plain
aggregation) and writes ``bench/results/views.json``. Speed figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # the recursive definitions the stored answers replaced (--before)

from wiredesk.store.clusters import (rebuild_clusters, rebuild_document_facts, rebuild_novelty,  # noqa: E402
                                     refresh_clusters)
from wiredesk.store.entity_counts import add_entity_counts, count_entities, recount_all_entities  # noqa: E402
from wiredesk.store.event_neighbours import ensure_mention_keys, rebuild_mention_keys  # noqa: E402
from wiredesk.store.migrate import migrate  # noqa: E402
from wiredesk.store.reader import search  # noqa: E402
from wiredesk.store.search_index import refresh_search_index  # noqa: E402
from wiredesk.store.story_answers import recount_stories  # noqa: E402

PER_DOC = 25
VOCABULARY = 6000


def build(path: Path, n_paragraphs: int, search_index: bool = True) -> dict[str, float]:
    """A store of ``n_paragraphs`` at ``path``; returns seconds per step."""
    docs = n_paragraphs // PER_DOC
    con = duckdb.connect(str(path))
    timings: dict[str, float] = {}

    def step(name: str, sql: str, params: list | None = None) -> None:
        start = time.perf_counter()
        con.execute(sql, params or [])
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - start

    migrate(con)
    con.execute("BEGIN TRANSACTION")
    # a Zipf-like vocabulary of word-like tokens, and 20,000 paragraph texts of 40-60 words made from it
    step("texts", f"""CREATE TEMP TABLE texts AS
        SELECT t AS text_id, string_agg(w, ' ') AS text FROM (
            SELECT t, k, CASE WHEN r % 7 = 0 THEN 'the' WHEN r % 11 = 0 THEN 'said' ELSE
                   'w' || (floor(pow({VOCABULARY}, (hash(t * 131 + k) % 1000000) / 1e6)))::INT::VARCHAR || 'x' END AS w
            FROM (SELECT t, k, hash(t * 7 + k * 13) AS r FROM range(20000) a(t), range(60) b(k)
                  WHERE k < 40 + t % 21))
        GROUP BY t""")
    step("paragraphs", f"""INSERT INTO paragraphs (paragraph_id, document_id, position, role, text, attached_to,
            match_hash, n_chars, derived_by, run_id)
        SELECT i, (i - 1) // {PER_DOC} + 1, (i - 1) % {PER_DOC}, r.role, x.text, NULL,
               (hash(i) >> 2)::BIGINT, length(x.text), 'paragraphs/1', 1
        FROM (SELECT i, CASE WHEN hash(i * 3) % 100 < 85 THEN 'body' WHEN hash(i * 3) % 100 < 93 THEN 'caption'
                             WHEN hash(i * 3) % 100 < 97 THEN 'credit' ELSE 'boilerplate' END AS role,
                     hash(i * 5) % 20000 AS text_id FROM range(1, {n_paragraphs} + 1) t(i)) r
        JOIN texts x USING (text_id)""")
    # one document in 50 has a second version (the first stays, not current)
    step("documents", f"""INSERT INTO documents (document_id, doc_key, version, is_current, url, title, authors, source,
            published_at, language, text, content_hash, origin, kind, raw_sha256, cleaner, pipeline_version, run_id,
            ingested_at, derived_run_id, supplied_meta, lead_line)
        SELECT d, 'https://news.example/' || coalesce(prev, d), CASE WHEN prev IS NULL THEN 1 ELSE 2 END,
               d % 50 <> 49 OR d = {docs},
               'https://news.example/' || coalesce(prev, d), 'Title w' || (hash(d) % {VOCABULARY}) || 'x of story ' || d,
               [], 'source-' || (hash(d * 17) % 60),
               TIMESTAMPTZ '2024-01-01' + to_seconds(d * 90 + hash(d) % 3600), 'en', b.text, md5(d::VARCHAR),
               'synthetic/' || d, 'html', md5(d::VARCHAR), 'synthetic/1', 'wiredesk/bench', 1,
               TIMESTAMPTZ '2025-01-01' + to_seconds(d), 1, NULL, left(split_part(trim(b.text), chr(10), 1), 100)
        FROM (SELECT d, CASE WHEN d % 50 = 0 AND d > 1 THEN d - 1 END AS prev FROM range(1, {docs} + 1) t(d)) t
        JOIN (SELECT document_id AS d, string_agg(text, chr(10) || chr(10) ORDER BY position) AS text
              FROM paragraphs WHERE role = 'body' GROUP BY document_id) b USING (d)""")
    # copies: 18 % of the paragraphs of later documents link to a paragraph of an earlier (current) document
    step("duplicates", f"""INSERT INTO duplicates (paragraph_id, duplicate_of, kind, similarity, method, run_id, dedup_settings)
        SELECT i, (target - 1) * {PER_DOC} + 1 + hash(i * 3) % {PER_DOC}, kind, sim, method, 1, NULL FROM (
            SELECT i, d, CASE WHEN hash(i * 29) % 10 = 0 THEN 1 + hash(i * 31) % (d - 1)
                              ELSE greatest(1, d - 1 - hash(i * 7) % 2000) END AS target,
                   CASE WHEN hash(i * 5) % 2 = 0 THEN 'exact' ELSE 'near' END AS kind,
                   CASE WHEN hash(i * 5) % 2 = 0 THEN 1.0 ELSE 0.9 END AS sim,
                   CASE WHEN hash(i * 5) % 2 = 0 THEN 'exact/1' ELSE 'near/1' END AS method
            FROM (SELECT i, (i - 1) // {PER_DOC} + 1 AS d FROM range({PER_DOC} + 1, {n_paragraphs} + 1) t(i))
            WHERE hash(i * 11) % 100 < 18 AND d % 50 <> 49)
        WHERE target % 50 <> 49  -- links join current versions only""")
    step("duplicates", f"""INSERT INTO duplicates (paragraph_id, duplicate_of, kind, similarity, method, run_id, dedup_settings)
        SELECT i, (greatest(1, d - 1 - hash(i * 13) % 2000) - 1) * {PER_DOC} + 1 + hash(i * 17) % {PER_DOC},
               'partial', 0.4, 'near/1', 1, NULL
        FROM (SELECT i, (i - 1) // {PER_DOC} + 1 AS d FROM range({PER_DOC} + 1, {n_paragraphs} + 1) t(i))
        WHERE hash(i * 19) % 100 < 4 AND d % 50 <> 49 AND (greatest(1, d - 1 - hash(i * 13) % 2000)) % 50 <> 49
        ON CONFLICT DO NOTHING""")
    # events: 3 mentions a document (each its own trigger offset: an event's id derives from its first mention's),
    # an event gathers mentions of neighbouring documents
    step("events", f"""INSERT INTO event_mention_rows (mention_id, document_id, paragraph_position, sentence_index,
            sentence, sentence_start, sentence_end, trigger, trigger_lemma, trigger_start, trigger_end, event_class,
            actor_name, place_name, place_country, date_precision, negated, confidence, event_id, extractor, run_id)
        SELECT (d - 1) * 3 + m + 1, d, m, m, 'A sentence about event ' || e, 0, 40, 'attacked', 'attack', 2 + m * 100, 10 + m * 100,
               ['PROTEST', 'ASSAULT', 'ACCUSE', 'CONSULT', 'AID'][1 + e % 5], 'actor ' || (hash(e) % 5000),
               'place ' || (hash(e * 3) % 2000), 'IRQ', 'day', false, 0.7, 'ev_' || lpad(e::VARCHAR, 16, '0'),
               'rules/bench', 1
        FROM (SELECT d, m, (d * 3 + m * 7) // 5 AS e FROM range(1, {docs} + 1) a(d), range(3) b(m))""")
    step("events", """INSERT INTO event_rows (event_id, event_class, actor_name, place_name, place_country, date_precision,
            num_mentions, num_documents, num_sources, first_seen, last_seen, confidence, grouped_by, run_id)
        SELECT m.event_id, any_value(m.event_class), any_value(m.actor_name), any_value(m.place_name), 'IRQ', 'day',
               count(*), count(DISTINCT m.document_id), count(DISTINCT d.source), min(d.published_at),
               max(d.published_at), 0.8, 'group/1', 1
        FROM event_mention_rows m JOIN documents d USING (document_id) GROUP BY m.event_id""")
    step("entities", """INSERT INTO entity_rows (entity_id, name, label, kind, country)
        SELECT e, 'Entity ' || e, ['PERSON', 'ORG', 'GPE', 'NORP'][1 + e % 4], NULL, NULL FROM range(1, 50001) t(e)""")
    step("entities", f"""INSERT INTO entity_mention_rows (entity_id, document_id, text, start_offset, end_offset, extractor, run_id)
        SELECT 1 + floor(pow(50000, (hash(d * 12 + k) % 1000000) / 1e6))::BIGINT % 50000, d, 'Entity', k * 10,
               k * 10 + 6, 'rules/bench', 1
        FROM range(1, {docs} + 1) a(d), range(12) b(k)""")
    # stories: two documents in three join a story of about four neighbouring documents, the others stand alone
    step("stories", f"""INSERT INTO story_assignments (document_id, story_id, seq, method, similarity,
            matched_document_id, copies_of, published_at, features, derived_by, run_id)
        SELECT d, CASE WHEN hash(d * 23) % 3 = 0 THEN d ELSE (d - 1) // 4 * 4 + 1 END, d - 1,
               CASE WHEN hash(d * 23) % 3 = 0 OR d % 4 = 1 THEN 'new' ELSE 'joined' END, 0.5, NULL, [],
               TIMESTAMPTZ '2024-01-01' + to_seconds(d * 90 + hash(d) % 3600), MAP {{}}, 'stories/bench', 1
        FROM range(1, {docs} + 1) t(d)""")
    step("stories", """INSERT INTO story_rows (story_id, n_documents, first_seq, last_seq, first_published,
            last_published, profile, top_names, derived_by, run_id)
        SELECT story_id, count(*), min(seq), max(seq), min(published_at), max(published_at), MAP {}, [], 'stories/bench', 1
        FROM story_assignments GROUP BY story_id""")
    con.execute("DROP TABLE texts")
    con.execute("COMMIT")
    steps = [("clusters", lambda: (rebuild_document_facts(con), rebuild_clusters(con), rebuild_novelty(con))),
             ("entity counts", lambda: recount_all_entities(con)),
             ("mention keys", lambda: rebuild_mention_keys(con)),
             ("story answers", lambda: recount_stories(con))]
    if search_index:
        steps.append(("search", lambda: refresh_search_index(con, datetime.now(timezone.utc), 1)))
    for name, fn in steps:
        start = time.perf_counter()
        con.execute("BEGIN TRANSACTION")
        fn()
        con.execute("COMMIT")
        timings[name] = time.perf_counter() - start
    con.execute("CHECKPOINT")
    con.close()
    return timings


#: The plain aggregation beside each whole-store query: the table the view reads, grouped by its document key.
PLAIN = {
    "paragraphs": "SELECT count(*), sum(n), sum(c) FROM (SELECT document_id, count(*) AS n, sum(n_chars) AS c "
                  "FROM paragraphs GROUP BY document_id)",
    "event_rows": "SELECT event_class, count(*), sum(num_mentions) FROM event_rows GROUP BY 1",
    "event_mention_rows": "SELECT count(*), sum(n) FROM (SELECT document_id, count(*) AS n FROM event_mention_rows "
                          "GROUP BY document_id)",
    "entity_mention_rows": "SELECT count(*), sum(n) FROM (SELECT document_id, count(*) AS n FROM entity_mention_rows "
                           "GROUP BY document_id)",
    "search_postings": "SELECT count(*), sum(n) FROM (SELECT document_id, sum(tf) AS n FROM search_postings "
                       "GROUP BY document_id)",
    "story_assignments": "SELECT count(*), sum(n) FROM (SELECT story_id, count(*) AS n FROM story_assignments "
                         "GROUP BY story_id)",
}


def queries(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str, str]]:
    """``(view, kind, label, sql, table)``: kind is ``point`` (one document, cluster, event or entity) or
    ``whole`` (every row of the view, beside ``PLAIN[table]``)."""
    n_docs = con.execute("SELECT max(document_id) FROM documents").fetchone()[0]
    doc = con.execute("SELECT document_id FROM documents WHERE is_current AND document_id >= ? ORDER BY 1 LIMIT 1",
                      [n_docs // 2]).fetchone()[0]
    cluster = con.execute("SELECT cluster_id FROM paragraphs WHERE document_id = ? AND copy_of IS NOT NULL "
                          "ORDER BY position LIMIT 1", [doc]).fetchone()[0]
    event = con.execute("SELECT event_id FROM event_mention_rows WHERE document_id = ? LIMIT 1", [doc]).fetchone()[0]
    story = con.execute("SELECT story_id FROM story_assignments WHERE document_id = ?", [doc]).fetchone()[0]
    entity = con.execute("SELECT entity_id FROM entity_mention_rows WHERE document_id = ? ORDER BY entity_id DESC "
                         "LIMIT 1", [doc]).fetchone()[0]
    return [
        ("paragraph_clusters", "point", "one document's paragraphs",
         f"SELECT c.* FROM paragraph_clusters c JOIN paragraphs p USING (paragraph_id) WHERE p.document_id = {doc}", ""),
        ("paragraph_clusters", "whole", "copies, and paragraphs in another's cluster",
         "SELECT is_copy, count(*), count(*) FILTER (WHERE cluster_id <> paragraph_id) FROM paragraph_clusters GROUP BY 1",
         "paragraphs"),
        ("duplicate_clusters", "point", "the clusters of one document's paragraphs",
         f"SELECT c.* FROM paragraphs p JOIN duplicate_clusters c ON c.cluster_id = p.cluster_id WHERE p.document_id = {doc}", ""),
        ("duplicate_clusters", "point", "one cluster", f"SELECT * FROM duplicate_clusters WHERE cluster_id = {cluster}", ""),
        ("duplicate_clusters", "whole", "clusters by size",
         "SELECT n_documents, count(*), sum(n_paragraphs), max(last_seen) FROM duplicate_clusters GROUP BY 1", "paragraphs"),
        ("duplicate_clusters", "whole", "top 20 by documents, with text",
         "SELECT * FROM duplicate_clusters ORDER BY n_documents DESC, first_seen LIMIT 20", "paragraphs"),
        ("duplicate_clusters", "whole", "the documented query: top 20 of n_documents > 1",
         "SELECT first_source, first_seen, n_documents, n_sources, left(text, 60) FROM duplicate_clusters "
         "WHERE n_documents > 1 ORDER BY n_documents DESC, first_seen LIMIT 20", "paragraphs"),
        ("novel_paragraphs", "point", "one document", f"SELECT * FROM novel_paragraphs WHERE document_id = {doc}", ""),
        ("novel_paragraphs", "whole", "count and characters", "SELECT count(*), sum(n_chars) FROM novel_paragraphs",
         "paragraphs"),
        ("document_novelty", "point", "one document", f"SELECT * FROM document_novelty WHERE document_id = {doc}", ""),
        ("document_novelty", "whole", "mean novel share by source",
         "SELECT source, avg(novel_share), sum(n_novel) FROM document_novelty WHERE is_current GROUP BY 1", "paragraphs"),
        ("events", "point", "one event", f"SELECT * FROM events WHERE event_id = '{event}'", ""),
        ("events", "whole", "by class", "SELECT event_class, count(*), sum(num_mentions) FROM events GROUP BY 1",
         "event_rows"),
        ("event_mentions", "point", "one event's sentences",
         f"SELECT * FROM event_mentions WHERE event_id = '{event}' ORDER BY published_at, sentence_start", ""),
        ("event_mentions", "point", "one document's mentions", f"SELECT * FROM event_mentions WHERE document_id = {doc}", ""),
        ("event_mentions", "whole", "by source", "SELECT source, count(*) FROM event_mentions GROUP BY 1",
         "event_mention_rows"),
        ("entities", "point", "one entity", f"SELECT * FROM entities WHERE entity_id = {entity}", ""),
        ("entities", "whole", "by label", "SELECT label, count(*), sum(num_mentions) FROM entities GROUP BY 1",
         "entity_mention_rows"),
        ("entities", "whole", "the documented query: top 10 people and organizations by sources",
         "SELECT name, label, num_sources, num_mentions FROM entities WHERE label IN ('PERSON', 'ORG') "
         "ORDER BY num_sources DESC, num_mentions DESC LIMIT 10", "entity_mention_rows"),
        ("entity_mentions", "point", "one document", f"SELECT * FROM entity_mentions WHERE document_id = {doc}", ""),
        ("entity_mentions", "whole", "by label", "SELECT label, count(*) FROM entity_mentions GROUP BY 1",
         "entity_mention_rows"),
        ("document_stories", "point", "one document's story", f"SELECT * FROM document_stories WHERE document_id = {doc}", ""),
        ("document_stories", "whole", "documents by method", "SELECT method, count(*) FROM document_stories GROUP BY 1",
         "story_assignments"),
        ("stories", "point", "one story", f"SELECT * FROM stories WHERE story_id = {story}", ""),
        ("stories", "whole", "stories by outlets", "SELECT n_outlets, count(*), sum(n_documents) FROM stories GROUP BY 1",
         "story_assignments"),
        ("stories", "whole", "the documented query: the 10 biggest stories",
         "SELECT story_id, n_documents, n_outlets, first_outlet, first_seen, left(title, 60) AS title, top_names "
         "FROM stories ORDER BY n_documents DESC, n_outlets DESC, first_seen LIMIT 10", "story_assignments"),
        ("story_outlets", "point", "one story's outlets", f"SELECT * FROM story_outlets WHERE story_id = {story}", ""),
        ("story_outlets", "whole", "the documented query: outlets over all stories",
         "SELECT outlet, count(*) AS stories, count(*) FILTER (WHERE is_first) AS first_with_it, "
         "round(sum(n_novel_chars) / nullif(sum(n_chars), 0), 2) AS own_text FROM story_outlets GROUP BY outlet",
         "story_assignments"),
        ("search", "point", "two words (wiredesk.search)", "search:w2517x w377x", ""),
        ("search", "whole", "a word in most documents (wiredesk.search)", "search:w1x", "search_postings"),
    ]


def before_queries(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str, str]]:
    """The same questions of the views as first defined (a recursive walk, every mention counted, per query)."""
    from support.clusters import REFERENCE  # tests/support: the one copy of the old definitions

    return [(view, kind, label, f"WITH {view} AS ({REFERENCE[view]}) " + sql, table)
            for view, kind, label, sql, table in queries(con) if view in REFERENCE]


def run(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    if sql.startswith("search:"):
        search(con, sql.removeprefix("search:"), 10).fetchall()
    else:
        con.execute(sql).fetchall()


def _timed(con: duckdb.DuckDBPyConnection, sql: str) -> float:
    start = time.perf_counter()
    run(con, sql)
    return (time.perf_counter() - start) * 1000


def time_all(con: duckdb.DuckDBPyConnection, items: list[tuple[str, str, str, str, str]], repeats: int) -> list[dict]:
    """Median and minimum ms of each query; a whole-store query alternates with its plain aggregation (side by
    side: the same load on both), and gets the ratio of the two medians."""
    out = []
    for view, kind, label, sql, table in items:
        run(con, sql)  # warm-up
        times, plain = [], []
        if table:
            run(con, PLAIN[table])
        for _ in range(repeats):
            times.append(_timed(con, sql))
            if table:
                plain.append(_timed(con, PLAIN[table]))
        row = {"view": view, "kind": kind, "label": label, "ms": statistics.median(times), "min_ms": min(times)}
        if table:
            row.update(plain_table=table, plain_ms=statistics.median(plain), ratio=row["ms"] / statistics.median(plain))
        out.append(row)
    return out


def upgrade(path: Path) -> dict[str, float]:
    """Apply the migrations a kept store lacks, and compute its events' blocking keys again when other key rules
    (another lexicon) made them, as a user's store does once at its first regrouping after an upgrade; seconds
    per step. Without the second, every rolled-back probe would pay that one-time rebuild again."""
    con = duckdb.connect(str(path))
    try:
        timings = {}
        start = time.perf_counter()
        for m in migrate(con):
            timings[f"migration {m.name}"] = time.perf_counter() - start
            start = time.perf_counter()
        if ensure_mention_keys(con):
            timings["event keys rebuilt"] = time.perf_counter() - start
        con.execute("CHECKPOINT")
    finally:
        con.close()
    if timings:
        print(f"upgraded {path.name}: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()), flush=True)
    return timings


def write_cost(path: Path, repeats: int) -> dict[str, float]:
    """Median ms of ``refresh_clusters`` after one batch of 10,000 new paragraphs (400 documents) with the
    store's link shape; of ``add_entity_counts`` for the batch's 4,800 entity mentions and 8 superseded
    versions (each new version mentions what the old one did, and more: what the writer runs); of ``count_entities`` for the same documents (a full recount of every
    entity they mention, what reprocess runs); and, when the store has a search index, of
    ``refresh_search_index`` for the batch (400 documents given texts of the store's shape to tokenize, 8
    superseded versions to drop: what the end of a run does, merges of segments included)."""
    con = duckdb.connect(str(path))
    try:
        times, entities, recounts, searches = [], [], [], []
        indexed = con.execute("SELECT count(*) FROM search_index").fetchone()[0] > 0
        for _ in range(repeats):
            con.execute("BEGIN TRANSACTION")
            top = con.execute("SELECT max(paragraph_id), max(document_id) FROM paragraphs").fetchone()
            con.execute(f"""INSERT INTO paragraphs (paragraph_id, document_id, position, role, text, match_hash, n_chars,
                    derived_by, run_id)
                SELECT $p + i, $d + 1 + (i - 1) // {PER_DOC}, (i - 1) % {PER_DOC}, 'body', 'new paragraph ' || i, i,
                       20, 'paragraphs/1', 2 FROM range(1, 10001) t(i)""", {"p": top[0], "d": top[1]})
            con.execute(f"""INSERT INTO documents (document_id, doc_key, version, is_current, text, content_hash, origin,
                    kind, raw_sha256, cleaner, pipeline_version, run_id, ingested_at, derived_run_id, source, published_at)
                SELECT $d + k, 'new/' || k, 1, true, '', '', 'new/' || k, 'text', '', 'c', 'p', 2, now(), 2,
                       'source-' || (k % 60), now() FROM range(1, 401) t(k)""", {"d": top[1]})
            con.execute(f"""INSERT INTO duplicates (paragraph_id, duplicate_of, kind, similarity, method, run_id)
                SELECT $p + i, $p - 1 - hash(i) % (2000 * {PER_DOC}), 'near', 0.9, 'near/1', 2
                FROM range(1, 10001) t(i) WHERE hash(i * 11) % 100 < 18""", {"p": top[0]})
            touched = [r[0] for r in con.execute("SELECT paragraph_id FROM paragraphs WHERE run_id = 2").fetchall()]
            start = time.perf_counter()
            refresh_clusters(con, touched)
            times.append((time.perf_counter() - start) * 1000)
            # the batch's entity mentions (12 a document, the store's shape), and one document in 50 a new version
            # of a recent one (the old version no longer current)
            con.execute("""INSERT INTO entity_mention_rows (entity_id, document_id, text, start_offset, end_offset,
                    extractor, run_id)
                SELECT 1 + floor(pow(50000, (hash(d * 12 + k) % 1000000) / 1e6))::BIGINT % 50000, d, 'Entity',
                       k * 10, k * 10 + 6, 'rules/bench', 2
                FROM range($d + 1, $d + 401) a(d), range(12) b(k)""", {"d": top[1]})
            superseded = [r[0] for r in con.execute(
                "UPDATE documents SET is_current = false WHERE document_id IN (SELECT unnest(?::BIGINT[])) "
                "AND is_current RETURNING document_id", [list(range(top[1] - 399, top[1] + 1, 50))]).fetchall()]
            # a new version (the new document 400 after the old one) keeps its date and entities
            con.execute("UPDATE documents SET published_at = o.published_at FROM documents o "
                        "WHERE o.document_id IN (SELECT unnest(?::BIGINT[])) AND documents.document_id = o.document_id + 400",
                        [superseded])
            con.execute("""INSERT INTO entity_mention_rows (entity_id, document_id, text, start_offset, end_offset,
                    extractor, run_id)
                SELECT entity_id, document_id + 400, text, start_offset + 1000, end_offset + 1000, extractor, 2
                FROM entity_mention_rows WHERE document_id IN (SELECT unnest(?::BIGINT[]))""", [superseded])
            start = time.perf_counter()
            add_entity_counts(con, list(range(top[1] + 1, top[1] + 401)), superseded)
            entities.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            count_entities(con, list(range(top[1] + 1, top[1] + 401)))
            recounts.append((time.perf_counter() - start) * 1000)
            if indexed:  # the batch's documents get texts of the store's shape, then the end-of-run refresh
                con.execute("UPDATE documents SET text = o.text, title = o.title, language = 'en' FROM documents o "
                            "WHERE documents.document_id > $d AND o.document_id = documents.document_id - $d",
                            {"d": top[1]})
                start = time.perf_counter()
                refreshed = refresh_search_index(con, datetime.now(timezone.utc), 2)
                searches.append((time.perf_counter() - start) * 1000)
                assert (refreshed.indexed, refreshed.removed) == (400, len(superseded))
            con.execute("ROLLBACK")
        out = {"clusters": statistics.median(times), "entities": statistics.median(entities),
               "entities_recount": statistics.median(recounts)}
        if searches:
            out["search"] = statistics.median(searches)
        return out
    finally:
        con.close()


def machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, DuckDB "
            f"{duckdb.__version__}, load average {load:.1f}")


def report(results: dict[int, dict]) -> None:
    sizes = sorted(results)
    print(f"\n{machine()}\n")
    print("| view | query | " + " | ".join(f"{s:,}: ms (min)" for s in sizes) + f" | growth {sizes[0]:,} -> {sizes[-1]:,} |"
          " whole-store: x the plain aggregation |")
    print("|---|---|" + "---|" * (len(sizes) + 2))
    keys = [(r["view"], r["kind"], r["label"]) for r in results[sizes[0]]["queries"]]
    for key in keys:
        rows = [next(r for r in results[s]["queries"] if (r["view"], r["kind"], r["label"]) == key) for s in sizes]
        ratio = ", ".join(f"{r['ratio']:.1f}x" for r in rows) if "ratio" in rows[0] else ""
        print(f"| `{key[0]}` | {key[1]}: {key[2]} | " + " | ".join(f"{r['ms']:.1f} ({r['min_ms']:.1f})" for r in rows)
              + f" | {rows[-1]['ms'] / rows[0]['ms']:.2f}x ({rows[-1]['min_ms'] / rows[0]['min_ms']:.2f}x) | {ratio} |")
    for s in sizes:
        plains = {r["plain_table"]: r["plain_ms"] for r in results[s]["queries"] if "plain_table" in r}
        print(f"\nplain aggregations, {s:,}: " + "; ".join(f"{t} {ms:.1f} ms" for t, ms in sorted(plains.items())))
        before = results[s].get("before")
        if before:
            print(f"before (computed per query), {s:,}: " + "; ".join(
                f"{b['view']} {b['kind']} ({b['label']}) {b['ms']:.0f} ms" for b in before))
        print(f"build {s:,}: " + ", ".join(f"{k} {v:.1f}s" for k, v in results[s]["build"].items())
              + f"; refresh_clusters of a 10k-paragraph batch {results[s]['write_ms']['clusters']:.0f} ms; "
              f"add_entity_counts of a 400-document batch {results[s]['write_ms']['entities']:.0f} ms "
              f"(count_entities of the same {results[s]['write_ms']['entities_recount']:.0f} ms); "
              + (f"refresh_search_index of a 400-document batch (8 superseded) {results[s]['write_ms']['search']:.0f} ms; "
                 if "search" in results[s]["write_ms"] else "") + "file "
              f"{results[s]['file_mb']:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100000,1000000,10000000")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--dir", help="where to build the stores (default: a temporary folder)")
    ap.add_argument("--keep", action="store_true", help="keep the stores, and reuse stores already built there")
    ap.add_argument("--before", action="store_true", help="also time the recursive definitions (sizes up to 1M)")
    ap.add_argument("--no-search", action="store_true", help="no search index, no search queries (a faster build)")
    ap.add_argument("--json", default=str(REPO / "bench" / "results" / "views.json"), help="where to write the figures")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    folder = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="wiredesk-views-"))
    folder.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict] = {}
    for size in sizes:
        path = folder / f"views-{size}.duckdb"
        timings = {}
        if not (args.keep and path.exists()):
            path.unlink(missing_ok=True)
            timings = build(path, size, not args.no_search)
            print(f"built {size:,} paragraphs: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()), flush=True)
        else:  # a store kept from an earlier run, maybe by an older wiredesk: upgraded as a user's would be
            timings = upgrade(path)
        con = duckdb.connect(str(path), read_only=True)
        try:
            items = [q for q in queries(con) if not (args.no_search and q[0] == "search")]
            results[size] = {"build": timings, "queries": time_all(con, items, args.repeats)}
            if args.before and size <= 1_000_000:
                results[size]["before"] = time_all(con, before_queries(con), max(1, args.repeats // 3))
        finally:
            con.close()
        results[size]["write_ms"] = write_cost(path, max(3, args.repeats // 2))
        results[size]["file_mb"] = path.stat().st_size / 2**20
        if not args.keep:
            path.unlink()
    report(results)
    out = Path(args.json)
    out.write_text(json.dumps({"machine": machine(), "results": {str(k): v for k, v in results.items()}}, indent=1) + "\n")
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
