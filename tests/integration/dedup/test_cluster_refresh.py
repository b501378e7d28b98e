"""Refreshing only the paragraphs whose links changed gives exactly what recomputing the whole store gives,
for any sequence of link edits: links added in any direction (cycles included), links removed, links to a
paragraph that is not stored, paragraphs removed, documents re-dated, new documents. And where no cycle exists,
the views equal the recursive definition. Real DuckDB, the store's own functions; the edits are random."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import duckdb
from hypothesis import HealthCheck, given, settings, strategies as st

from wiredesk.store.clusters import (CUT, rebuild_clusters, rebuild_document_facts, rebuild_novelty, refresh_clusters,
                                     refresh_documents)
from wiredesk.store.migrate import migrate

from support.clusters import view_differences
from support.dedup import add_document

DAY = datetime(2024, 5, 1, tzinfo=timezone.utc)
DATES = [None, DAY, DAY + timedelta(hours=1), DAY + timedelta(days=2)]
ANSWERS = ("SELECT paragraph_id, copy_of, cluster_id, novel, partial_of, cluster_paragraphs, cluster_documents, "
           "cluster_sources, cluster_last_seen, document_source, document_seen_at FROM paragraphs ORDER BY paragraph_id")
NOVELTY = "SELECT * FROM document_novelty_rows ORDER BY document_id"


def new_document(con, draw, n: int) -> list[int]:
    sizes = draw(st.integers(1, 4))
    return add_document(con, f"doc-{n}", [f"paragraph {n}.{i} of the test" for i in range(sizes)],
                        published_at=draw(st.sampled_from(DATES)), source=draw(st.sampled_from(["A", "B", None])))


def full_rebuild(con) -> list[tuple]:
    con.execute("BEGIN TRANSACTION")
    try:
        rebuild_document_facts(con)
        rebuild_clusters(con)
        rebuild_novelty(con)
        return con.execute(ANSWERS).fetchall() + con.execute(NOVELTY).fetchall()
    finally:
        con.execute("ROLLBACK")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_refreshing_the_touched_paragraphs_gives_what_recomputing_everything_gives(data):
    con = duckdb.connect()
    migrate(con)
    draw = data.draw
    for n in range(draw(st.integers(2, 5))):
        new_document(con, draw, n)
    refresh_clusters(con, [])
    for step in range(draw(st.integers(1, 12))):
        ids = [r[0] for r in con.execute("SELECT paragraph_id FROM paragraphs ORDER BY 1").fetchall()]
        links = con.execute("SELECT paragraph_id, duplicate_of FROM duplicates ORDER BY ALL").fetchall()
        op = draw(st.sampled_from(["link", "link", "link", "unlink", "dangle", "drop", "redate", "document"]))
        touched: list[int] = []
        recount: list[int] = []
        lost: list[int] = []
        if op == "link" and len(ids) > 1:
            p, q = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
            kind = draw(st.sampled_from(["exact", "near", "partial"]))
            if p != q and (p, q) not in links:
                con.execute("INSERT INTO duplicates VALUES (?, ?, ?, 0.9, 't', 1, NULL)", [p, q, kind])
                touched = [p]
        elif op == "unlink" and links:
            p, q = draw(st.sampled_from(links))
            con.execute("DELETE FROM duplicates WHERE paragraph_id = ? AND duplicate_of = ?", [p, q])
            touched = [p]
        elif op == "dangle" and ids:
            p = draw(st.sampled_from(ids))
            con.execute("INSERT INTO duplicates VALUES (?, 100000, 'near', 0.9, 't', 1, NULL) ON CONFLICT DO NOTHING", [p])
            touched = [p]
        elif op == "drop" and ids:
            gone = draw(st.sampled_from(ids))
            touched = [gone] + [r[0] for r in con.execute(
                "DELETE FROM duplicates WHERE paragraph_id = ? OR duplicate_of = ? RETURNING paragraph_id", [gone, gone]).fetchall()]
            removed = con.execute("DELETE FROM paragraphs WHERE paragraph_id = ? RETURNING cluster_id, document_id",
                                  [gone]).fetchall()
            recount, lost = [r[0] for r in removed], [r[1] for r in removed]
        elif op == "redate":
            doc = draw(st.sampled_from([r[0] for r in con.execute("SELECT document_id FROM documents").fetchall()]))
            con.execute("UPDATE documents SET published_at = ?, source = ? WHERE document_id = ?",
                        [draw(st.sampled_from(DATES)), draw(st.sampled_from(["A", "B", None])), doc])
            refresh_documents(con, [doc])
        elif op == "document":
            new_document(con, draw, 100 + step)
        refresh_clusters(con, touched, recount, lost)
        assert con.execute(ANSWERS).fetchall() + con.execute(NOVELTY).fetchall() == full_rebuild(con), \
            f"after {op} (step {step})"
        if not con.execute(CUT).fetchall():
            assert view_differences(con) == []
    con.close()
