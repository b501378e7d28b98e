"""Links are the same whether the batch's token work was carried from the cleaning workers or made by the stage.

The aeb paragraphs, copy-desk variants and the evaluation pairs (``test_sketch_filter.documents``) stored as
documents and linked batch by batch by ``near_index.link_near`` in real DuckDB files: with no carried work,
with every paragraph's work carried (``tokenwork.articles_token_work``, as a worker makes it), with half of
the articles carrying it (some without the character offsets of each paragraph's tokens, as older workers
sent it), and with work made under other index settings (ignored). The links, the stored
keys and the stored sketches must be equal.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from support.dedup import add_document, links, open_db
from integration.dedup.test_sketch_filter import DAY, documents

from wiredesk.dedup.settings import DedupSettings
from wiredesk.dedup.tokenwork import articles_token_work
from wiredesk.store.near_index import link_near

pytestmark = pytest.mark.corpus
S = DedupSettings()


def link_all(con, docs, carry: str) -> int:
    """Link ``docs`` 40 documents a batch; ``carry``: none, all, half (every other article) or other
    (made with other index settings). Returns the paragraphs whose work the stage took from the batch."""
    used = 0
    other = DedupSettings(num_perm=32, bands=8)
    for start in range(0, len(docs), 40):
        ids, carried = [], {}
        for n, paras in enumerate(docs[start : start + 40], start):
            got = add_document(con, f"d{n}", paras, published_at=DAY + timedelta(hours=n % 50), source=f"s{n % 7}")
            ids += got
            if carry == "all" or (carry == "half" and n % 2) or carry == "other":
                [work] = articles_token_work([([("body", p) for p in paras], "en")], other if carry == "other" else S)
                if carry == "half" and n % 4 == 1:  # work without its paragraphs' character offsets (older workers)
                    work = replace(work, token_chars=None)
                carried.update((pid, (work, j)) for j, pid in enumerate(got))
        used += link_near(con, ids, S, run_id=1, carried=carried).carried
    return used


def index_rows(con) -> tuple[list, list]:
    return (con.execute("SELECT key, paragraph_id FROM dedup_keys ORDER BY ALL").fetchall(),
            con.execute("SELECT paragraph_id, n_tokens, n_keys, sketch FROM dedup_paragraphs ORDER BY ALL").fetchall())


def test_links_keys_and_sketches_are_the_same_with_and_without_carried_token_work(tmp_path):
    docs = documents()
    stores = {}
    used = {}
    for carry in ("none", "all", "half", "other"):
        stores[carry] = open_db(tmp_path / f"{carry}.duckdb")
        used[carry] = link_all(stores[carry], docs, carry)
    expected, expected_index = links(stores["none"]), index_rows(stores["none"])
    assert len(expected) > 300 and len(expected_index[0]) > 10_000
    n_linked = stores["none"].execute("SELECT count(sketch) FROM dedup_paragraphs").fetchone()[0]
    # the carried work was used (all of it, half of it, none of what other settings made)
    assert used["none"] == 0 and used["other"] == 0 and used["all"] == n_linked and 0 < used["half"] < n_linked
    for carry in ("all", "half", "other"):
        assert links(stores[carry]) == expected, carry
        assert index_rows(stores[carry]) == expected_index, carry
    for con in stores.values():
        con.close()
