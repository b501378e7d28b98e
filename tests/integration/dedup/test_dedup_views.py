"""The views of migration 0002 on the seeds: novel text per document, clusters of copies."""

from __future__ import annotations

from datetime import datetime, timezone

from support.dedup import add_document, con, seed_paragraphs  # noqa: F401 (con is a fixture)

from wiredesk.store.near_index import link_near as dedup_batch
from wiredesk.dedup.settings import DedupSettings

DAY = datetime(2019, 12, 31, tzinfo=timezone.utc)


def ingest_seeds(con):
    ap = seed_paragraphs("ap-yahoo-2019-12-31-baghdad-embassy.txt")
    sun = seed_paragraphs("the-sun-2019-12-31-baghdad-embassy.txt")
    ap_ids = add_document(con, "ap", ap, published_at=DAY, source="AP")
    sun_ids = add_document(con, "sun", sun, published_at=DAY, source="The Sun")
    dedup_batch(con, ap_ids + sun_ids, DedupSettings(), run_id=1)
    return ap_ids, sun_ids


def test_a_copied_paragraph_is_not_novel_but_a_copy_within_the_same_document_is(con):
    ap_ids, sun_ids = ingest_seeds(con)
    novel = {r[0] for r in con.execute("SELECT paragraph_id FROM novel_paragraphs").fetchall()}
    copies = con.execute("SELECT paragraph_id, duplicate_of FROM duplicates WHERE kind IN ('exact', 'near')").fetchall()
    cross = [p for p, q in copies if (p in sun_ids) != (q in sun_ids)]
    same_doc = [p for p, q in copies if (p in sun_ids) == (q in sun_ids)]
    assert cross and same_doc
    assert not set(cross) & novel and set(same_doc) <= novel
    assert set(ap_ids) <= novel  # the AP story came first


def test_document_novelty_counts_the_characters_of_novel_paragraphs(con):
    ingest_seeds(con)
    rows = con.execute(
        "SELECT source, n_paragraphs, n_novel, n_chars, n_novel_chars, novel_share FROM document_novelty ORDER BY document_id"
    ).fetchall()
    (_, ap_n, ap_novel, ap_chars, ap_novel_chars, ap_share), sun = rows
    assert (ap_novel, ap_novel_chars, ap_share) == (ap_n, ap_chars, 1.0)
    copied = con.execute(
        """SELECT sum(p.n_chars) FROM duplicates l JOIN paragraphs p USING (paragraph_id)
           JOIN paragraphs q ON q.paragraph_id = l.duplicate_of
           WHERE l.kind IN ('exact', 'near') AND p.document_id = 2 AND q.document_id = 1"""
    ).fetchone()[0]
    assert sun[3] - sun[4] == copied and sun[2] < sun[1]


def test_a_cluster_counts_its_documents_and_sources_and_starts_at_the_earliest_copy(con):
    ap_ids, _ = ingest_seeds(con)
    rows = con.execute(
        "SELECT cluster_id, first_source, first_seen, n_documents, n_sources FROM duplicate_clusters WHERE n_documents > 1"
    ).fetchall()
    assert rows and all(c in ap_ids and src == "AP" and seen == DAY and (nd, ns) == (2, 2) for c, src, seen, nd, ns in rows)
