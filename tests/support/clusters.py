"""The views that now read stored answers, as they were first defined: computed from the links and mentions
at query time.

The reference the stored answers are checked against (tests/integration/dedup/test_stored_clusters.py,
test_cluster_refresh.py, tests/integration/test_stored_entities.py, the upgrade tests): ``paragraph_clusters``
as migration 0005 (lineage) redefined 0002's (a recursive walk of every copy link), ``duplicate_clusters``,
``novel_paragraphs`` and ``document_novelty`` of migration 0002 (near_duplicates) on top of it,
``story_outlets`` of migration 0007 (stories) on top of that, and ``entities`` of migration 0003 (events: every
mention counted); and the stored tables no view shows (``TABLES``: ``entity_outlets``) against a count of what
they summarize. They are correct on any store without a cycle of copy links and with chains shorter than 32
links, and slow on a large one: what the stored answers replaced.

The definitions are read from the shipped migration files (``first_definition``), by migration name, not copied
here: a shipped migration is never edited, so they stay the "before" the stored answers must agree with.
"""

from __future__ import annotations

import math
import re

import duckdb

from wiredesk.store.migrate import available_migrations


def first_definition(migration: str, view: str) -> str:
    """The SELECT of ``CREATE [OR REPLACE] VIEW view AS ...;`` in the shipped migration named ``migration``."""
    sql = next(m.sql for m in available_migrations() if m.name == migration)
    found = re.search(rf"^CREATE (?:OR REPLACE )?VIEW {view} AS\n(.*?);$", sql, re.S | re.M)
    assert found, f"migration {migration} defines no view {view}"
    return found.group(1)


CLUSTERS = first_definition("lineage", "paragraph_clusters")

REFERENCE = {
    "paragraph_clusters": CLUSTERS,
    "duplicate_clusters": f"WITH paragraph_clusters AS ({CLUSTERS}\n)\n"
                          + first_definition("near_duplicates", "duplicate_clusters"),
    "novel_paragraphs": f"WITH paragraph_clusters AS ({CLUSTERS}\n)\n"
                        + first_definition("near_duplicates", "novel_paragraphs"),
}
REFERENCE["document_novelty"] = (f"WITH novel_paragraphs AS ({REFERENCE['novel_paragraphs']}\n)\n"
                                 + first_definition("near_duplicates", "document_novelty"))
# migration 0007's story_outlets over document_novelty as first defined (each document's paragraphs summed per
# query), and of 0007's stories only what story_outlets reads: each story's first document
REFERENCE["story_outlets"] = f"""
WITH document_novelty AS ({REFERENCE["document_novelty"]}
),
stories AS (
    SELECT ds.story_id,
           arg_min(d.document_id, (d.published_at IS NULL, d.published_at, ds.seq)) AS first_document_id
    FROM document_stories ds JOIN documents d ON d.document_id = ds.document_id
    GROUP BY ds.story_id)
""" + first_definition("stories", "story_outlets")
REFERENCE["entities"] = first_definition("events", "entities")

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
