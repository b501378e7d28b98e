"""The views that now read stored answers, as they were first defined: computed from the links and mentions
at query time.

The reference the stored answers are checked against (tests/integration/dedup/test_stored_clusters.py,
test_cluster_refresh.py, tests/integration/test_stored_entities.py, the upgrade tests): ``paragraph_clusters``
as migrations 0002 and 0005 defined it (a recursive walk of every copy link), ``duplicate_clusters``,
``novel_paragraphs`` and ``document_novelty`` of migration 0002 on top of it, ``story_outlets`` of migration
0007 on top of that, and ``entities`` of migration 0003 (every mention counted); and the stored tables no
view shows (``TABLES``: ``entity_outlets``) against a count of what they summarize. They are correct on any store without a cycle of copy links and with chains
shorter than 32 links, and slow on a large one: what the stored answers replaced.
"""

from __future__ import annotations

import math

import duckdb

CLUSTERS = """
WITH RECURSIVE copy_links AS (
    SELECT l.paragraph_id, l.duplicate_of
    FROM duplicates l
    JOIN paragraphs q ON q.paragraph_id = l.duplicate_of
    JOIN documents d ON d.document_id = q.document_id
    LEFT JOIN documents f ON f.doc_key = d.doc_key AND f.version = 1
    WHERE l.kind IN ('exact', 'near')
    QUALIFY row_number() OVER (
        PARTITION BY l.paragraph_id
        ORDER BY d.published_at NULLS LAST, coalesce(f.document_id, q.document_id), q.position) = 1
), walk(paragraph_id, cluster_id, depth) AS (
    SELECT p.paragraph_id, coalesce(l.duplicate_of, p.paragraph_id), CASE WHEN l.duplicate_of IS NULL THEN 0 ELSE 1 END
    FROM paragraphs p LEFT JOIN copy_links l USING (paragraph_id)
    UNION ALL
    SELECT w.paragraph_id, l.duplicate_of, w.depth + 1
    FROM walk w JOIN copy_links l ON l.paragraph_id = w.cluster_id
    WHERE w.depth BETWEEN 1 AND 31
)
SELECT paragraph_id, arg_max(cluster_id, depth) AS cluster_id, max(depth) > 0 AS is_copy
FROM walk GROUP BY paragraph_id
"""

REFERENCE = {
    "paragraph_clusters": CLUSTERS,
    "duplicate_clusters": f"""
WITH paragraph_clusters AS ({CLUSTERS})
SELECT
    c.cluster_id,
    any_value(f.text) FILTER (WHERE p.paragraph_id = c.cluster_id)         AS text,
    any_value(fd.document_id)                                              AS first_document_id,
    any_value(fd.source)                                                   AS first_source,
    any_value(coalesce(fd.published_at, fd.ingested_at))                   AS first_seen,
    max(coalesce(d.published_at, d.ingested_at))                           AS last_seen,
    count(*)                                                               AS n_paragraphs,
    count(DISTINCT p.document_id)                                          AS n_documents,
    count(DISTINCT coalesce(d.source, d.doc_key))                          AS n_sources
FROM paragraph_clusters c
JOIN paragraphs p  ON p.paragraph_id = c.paragraph_id
JOIN documents d   ON d.document_id = p.document_id
JOIN paragraphs f  ON f.paragraph_id = c.cluster_id
JOIN documents fd  ON fd.document_id = f.document_id
GROUP BY c.cluster_id
""",
    "novel_paragraphs": f"""
WITH paragraph_clusters AS ({CLUSTERS})
SELECT p.document_id, p.paragraph_id, p.position, p.text, p.n_chars,
       (SELECT min(l.duplicate_of) FROM duplicates l JOIN paragraphs o ON o.paragraph_id = l.duplicate_of
         WHERE l.paragraph_id = p.paragraph_id AND l.kind = 'partial' AND o.document_id <> p.document_id) AS partial_of
FROM paragraphs p
WHERE p.role = 'body'
  AND NOT EXISTS (
      SELECT 1 FROM paragraph_clusters c JOIN paragraphs r ON r.paragraph_id = c.cluster_id
      WHERE c.paragraph_id = p.paragraph_id AND c.is_copy AND r.document_id <> p.document_id)
""",
}
REFERENCE["document_novelty"] = f"""
WITH novel_paragraphs AS ({REFERENCE["novel_paragraphs"]})
SELECT d.document_id, d.doc_key, d.source, d.published_at, d.is_current,
       count(p.paragraph_id)                                              AS n_paragraphs,
       count(n.paragraph_id)                                              AS n_novel,
       count(n.paragraph_id) FILTER (WHERE n.partial_of IS NOT NULL)       AS n_novel_with_partial_overlap,
       coalesce(sum(p.n_chars), 0)                                        AS n_chars,
       coalesce(sum(n.n_chars), 0)                                        AS n_novel_chars,
       CASE WHEN sum(p.n_chars) > 0 THEN coalesce(sum(n.n_chars), 0) / sum(p.n_chars) END AS novel_share
FROM documents d
LEFT JOIN paragraphs p ON p.document_id = d.document_id AND p.role = 'body'
LEFT JOIN novel_paragraphs n ON n.paragraph_id = p.paragraph_id
GROUP BY ALL
"""
# migration 0007's stories and story_outlets, over document_novelty as first defined (each document's paragraphs
# summed per query)
REFERENCE["story_outlets"] = f"""
WITH document_novelty AS ({REFERENCE["document_novelty"]}),
stories AS (
    SELECT ds.story_id,
           arg_min(d.document_id, (d.published_at IS NULL, d.published_at, ds.seq)) AS first_document_id
    FROM document_stories ds JOIN documents d ON d.document_id = ds.document_id
    GROUP BY ds.story_id)
SELECT ds.story_id,
       d.source                                                              AS outlet,
       min(d.published_at)                                                   AS first_published,
       min(coalesce(d.published_at, d.ingested_at))                          AS first_seen,
       count(*)                                                              AS n_documents,
       arg_min(d.document_id, (d.published_at IS NULL, d.published_at, ds.seq)) AS first_document_id,
       bool_or(d.document_id = s.first_document_id)                         AS is_first,
       count(*) FILTER (WHERE ds.method = 'copy')                            AS n_copies,
       sum(n.n_chars)::BIGINT                                                AS n_chars,
       sum(n.n_novel_chars)::BIGINT                                          AS n_novel_chars,
       CASE WHEN sum(n.n_chars) > 0 THEN sum(n.n_novel_chars) / sum(n.n_chars) END AS novel_share
FROM document_stories ds
JOIN documents d ON d.document_id = ds.document_id
JOIN document_novelty n ON n.document_id = ds.document_id
JOIN stories s ON s.story_id = ds.story_id
GROUP BY ds.story_id, d.source
"""
REFERENCE["entities"] = """
SELECT e.entity_id, e.name, e.label, e.kind, e.country,
       count(*) AS num_mentions, count(DISTINCT em.document_id) AS num_documents,
       count(DISTINCT d.source) AS num_sources, min(d.published_at) AS first_seen, max(d.published_at) AS last_seen
FROM entity_rows e
JOIN entity_mention_rows em USING (entity_id)
JOIN documents d ON d.document_id = em.document_id
WHERE d.is_current
GROUP BY ALL
"""
#: Stored tables no view shows, beside their definition from the rows they summarize (checked when present).
TABLES = {
    # per entity and outlet, the current documents mentioning it (wiredesk.store.entity_counts)
    "entity_outlets": ("SELECT entity_id, source, n_documents FROM entity_outlets", """
SELECT em.entity_id, d.source, count(DISTINCT em.document_id) AS n_documents
FROM entity_mention_rows em JOIN documents d ON d.document_id = em.document_id
WHERE d.is_current AND d.source IS NOT NULL
GROUP BY ALL
"""),
}


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    rows = con.execute(sql).fetchall()
    return sorted((tuple(round(v, 9) if isinstance(v, float) and not math.isnan(v) else v for v in r) for r in rows),
                  key=repr)


def _columns(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.execute(f"DESCRIBE {sql}").fetchall()]


def view_differences(con: duckdb.DuckDBPyConnection) -> list[str]:
    """One sentence per view whose columns or rows differ from its first definition (empty: equal)."""
    out = []
    for view, sql in REFERENCE.items():
        if _columns(con, f"SELECT * FROM {view}") != _columns(con, sql):
            out.append(f"{view}: columns {_columns(con, f'SELECT * FROM {view}')} != {_columns(con, sql)}")
            continue
        stored, walked = _rows(con, f"SELECT * FROM {view}"), _rows(con, sql)
        if stored != walked:
            a, b = set(map(repr, walked)), set(map(repr, stored))
            out.append(f"{view}: {len(stored)} rows, the definition gives {len(walked)}; "
                       f"missing {sorted(a - b)[:2]}, extra {sorted(b - a)[:2]}")
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() "
                                        "WHERE database_name = current_database()").fetchall()}
    for table, (read, sql) in TABLES.items():
        if table in tables and (stored := _rows(con, read)) != (counted := _rows(con, sql)):
            a, b = set(map(repr, counted)), set(map(repr, stored))
            out.append(f"{table}: {len(stored)} rows, counting gives {len(counted)}; "
                       f"missing {sorted(a - b)[:2]}, extra {sorted(b - a)[:2]}")
    return out


def check_views(db) -> list[str]:
    """``view_differences`` of the database file at ``db``, read-only."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return view_differences(con)
    finally:
        con.close()
