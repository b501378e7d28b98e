"""Reprocess, duplicate links: re-derive the exact and near/partial links of a batch of documents.

Part of ``wiredesk.store.rederive`` (its transaction, its counts): which links a batch may change
(``link_region``), a snapshot of them (``links_touching``), the re-derivation (``relink_documents``: exact
clusters recomputed whole, the batch's paragraphs re-indexed and relinked, paragraphs elsewhere whose target
went away relinked), and what changed (``count_link_changes``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from wiredesk.store import near_index as index
from wiredesk.store.near_index import link_near, relink
from wiredesk.store.writer import relink_exact


def link_region(con, doc_ids: Sequence[int], hashes: set[int]) -> list[int]:
    """Paragraphs whose links a re-derivation of these documents may change: theirs and their exact clusters'."""
    docs = {"id": np.asarray(doc_ids, dtype=np.int64)}  # noqa: F841
    hs = {"h": np.asarray(sorted(hashes), dtype=np.int64)}  # noqa: F841
    return [r[0] for r in con.execute(
        "SELECT paragraph_id FROM paragraphs WHERE document_id IN (SELECT id FROM docs) "
        "UNION SELECT paragraph_id FROM paragraphs WHERE match_hash IN "
        "(SELECT h FROM hs UNION SELECT match_hash FROM paragraphs WHERE document_id IN (SELECT id FROM docs)) "
        "ORDER BY 1").fetchall()]


def links_touching(con, ids: Sequence[int]) -> dict[tuple, tuple]:
    """``(paragraph_id, duplicate_of, kind) -> (similarity, method, dedup_settings, run_id, document_id)``."""
    if not ids:
        return {}
    region = {"id": np.asarray(ids, dtype=np.int64)}  # noqa: F841
    rows = con.execute(
        "SELECT l.paragraph_id, l.duplicate_of, l.kind, l.similarity, l.method, l.dedup_settings, l.run_id, p.document_id "
        "FROM duplicates l JOIN paragraphs p ON p.paragraph_id = l.paragraph_id "
        "WHERE l.paragraph_id IN (SELECT id FROM region) OR l.duplicate_of IN (SELECT id FROM region)").fetchall()
    return {r[:3]: (round(r[3], 9), r[4], r[5], r[6], r[7]) for r in rows}


def relink_documents(con, run_id, doc_ids, removed, orphans, new_hashes, dedup) -> list[int]:
    """Re-derive exact and near links of every paragraph of ``doc_ids``; returns the paragraphs relinked
    because their target was re-derived (outside the batch)."""
    par_ids = [r[0] for r in con.execute(
        "SELECT paragraph_id FROM paragraphs WHERE document_id IN (SELECT unnest(?::BIGINT[])) ORDER BY 1", [list(doc_ids)]
    ).fetchall()]
    hashes = sorted(new_hashes | {r[0] for r in con.execute(
        "SELECT DISTINCT match_hash FROM paragraphs WHERE paragraph_id IN (SELECT unnest(?::BIGINT[]))", [par_ids]).fetchall()})
    # exact: the clusters of the batch's (old and new) texts, recomputed whole
    relink_exact(con, hashes, [], set(), dedup, run_id)
    # near: the batch's paragraphs leave the index and come back with keys and links made by this code
    ids = {"id": np.asarray(par_ids, dtype=np.int64)}  # noqa: F841
    orphans = set(orphans) | set(index.forget_paragraphs(con, par_ids))
    con.execute("CREATE OR REPLACE TEMP TABLE reindexed AS SELECT * FROM dedup_paragraphs WHERE paragraph_id IN (SELECT id FROM ids)")
    con.execute("DELETE FROM dedup_paragraphs WHERE paragraph_id IN (SELECT id FROM ids)")
    link_near(con, par_ids, dedup, run_id)
    # a paragraph indexed again with the same result keeps the run that indexed it
    con.execute("UPDATE dedup_paragraphs SET run_id = r.run_id FROM reindexed r WHERE dedup_paragraphs.paragraph_id = "
                "r.paragraph_id AND dedup_paragraphs.n_tokens = r.n_tokens AND dedup_paragraphs.n_keys = r.n_keys")
    con.execute("DROP TABLE reindexed")
    index.recount_run_lowest(con, run_id)
    outside = sorted(orphans - set(par_ids) - set(removed))
    relink(con, outside, dedup, run_id)
    return outside


def count_link_changes(con, before: dict, after: dict) -> tuple[Counter, Counter]:
    """Links added and removed per document (of the repeating paragraph). A link re-made with the same
    similarity by the same method is not a change, even under other settings (it then records them); links
    re-made identical, settings included, get their old ``run_id`` back."""
    same = [k for k, v in after.items() if k in before and before[k][:3] == v[:3]]
    if same:
        con.execute(
            "UPDATE duplicates SET run_id = s.run_id FROM (SELECT unnest(?::BIGINT[]) AS pid, unnest(?::BIGINT[]) AS dup, "
            "unnest(?::VARCHAR[]) AS kind, unnest(?::BIGINT[]) AS run_id) s "
            "WHERE duplicates.paragraph_id = s.pid AND duplicates.duplicate_of = s.dup AND duplicates.kind = s.kind",
            [[k[0] for k in same], [k[1] for k in same], [k[2] for k in same], [before[k][3] for k in same]])
    added = Counter(v[4] for k, v in after.items() if k not in before or before[k][:2] != v[:2])
    removed = Counter(v[4] for k, v in before.items() if k not in after or after[k][:2] != v[:2])
    return added, removed
