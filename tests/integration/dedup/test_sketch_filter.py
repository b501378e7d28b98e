"""The stage's links are the same with and without the token-sketch filter, through real DuckDB files.

The aeb paragraphs, copy-desk variants of them and the evaluation pairs, stored as documents and linked batch
by batch by ``near_index.link_near`` with ``prefilter`` on and off; also a store whose older paragraphs have
no sketch (indexed before the sketches' migration), whose pairs are verified on their texts.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import datetime, timedelta, timezone

import pytest
from support.dedup import add_document, corpus_dir, links, open_db

from conftest import REPO
from wiredesk.dedup.settings import DedupSettings
from wiredesk.store.near_index import link_near

sys.path.insert(0, str(REPO / "bench"))
from make_dedup_pairs import make_near, make_partial  # noqa: E402

pytestmark = pytest.mark.corpus
DAY = datetime(2024, 5, 1, tzinfo=timezone.utc)
S = DedupSettings()


def documents() -> list[list[str]]:
    truth = json.loads((corpus_dir() / "aeb" / "ground-truth.json").read_text(encoding="utf-8"))
    articles = [[p for p in d["articleBody"].split("\n") if p.strip()] for _, d in sorted(truth.items())]
    rng = random.Random(19)
    long = [p for a in articles for p in a if len(p.split()) >= 20]
    copies = []
    for p in rng.sample(long, 400):
        made = make_near(rng, p) if rng.random() < 0.6 else make_partial(rng, p, long)
        if made:
            copies.append(made[0] if isinstance(made, tuple) else made)
    pairs = [json.loads(line) for line in (REPO / "bench" / "data" / "dedup_pairs.jsonl").read_text(encoding="utf-8").splitlines()]
    docs = articles + [copies[i : i + 20] for i in range(0, len(copies), 20)]
    docs += [[p["a"] for p in pairs[i : i + 20]] for i in range(0, len(pairs), 20)]
    docs += [[p["b"] for p in pairs[i : i + 20]] for i in range(0, len(pairs), 20)]
    return docs


def link_all(con, docs, *, prefilter: bool, drop_sketches_after: int | None = None) -> dict:
    counts = {"candidates": 0, "verified": 0}
    for start in range(0, len(docs), 40):
        ids = []
        for n, paras in enumerate(docs[start : start + 40], start):
            ids += add_document(con, f"d{n}", paras, published_at=DAY + timedelta(hours=n % 50), source=f"s{n % 7}")
        res = link_near(con, ids, S, run_id=1, prefilter=prefilter)
        counts["candidates"] += res.candidates
        counts["verified"] += res.prefiltered
        if drop_sketches_after is not None and start + 40 >= drop_sketches_after:
            con.execute("UPDATE dedup_paragraphs SET sketch = NULL")  # as if stored before the migration
            drop_sketches_after = None
    return counts


def test_links_are_the_same_with_and_without_the_filter(tmp_path):
    docs = documents()
    plain = open_db(tmp_path / "plain.duckdb")
    link_all(plain, docs, prefilter=False)
    filtered = open_db(tmp_path / "filtered.duckdb")
    counts = link_all(filtered, docs, prefilter=True)
    expected = links(plain)
    assert len(expected) > 300
    assert links(filtered) == expected
    # the filter did reject candidates (else this test says nothing about it)
    assert counts["verified"] < counts["candidates"]
    # a store whose first half was indexed before sketches existed links the same too
    mixed = open_db(tmp_path / "mixed.duckdb")
    link_all(mixed, docs, prefilter=True, drop_sketches_after=len(docs) // 2)
    assert mixed.execute("SELECT count(*) FILTER (sketch IS NULL), count(sketch) FROM dedup_paragraphs").fetchone() > (0, 0)
    assert links(mixed) == expected
    for con in (plain, filtered, mixed):
        con.close()


def test_a_paragraph_without_match_tokens_stores_no_sketch(tmp_path):
    con = open_db(tmp_path / "w.duckdb")
    ids = add_document(con, "d", ["A paragraph long enough to be linked, with words.", "Short."], published_at=DAY)
    link_near(con, ids, S, run_id=1)
    got = dict(con.execute("SELECT paragraph_id, octet_length(sketch) FROM dedup_paragraphs").fetchall())
    assert got[ids[0]] == 4 * 9 and got[ids[1]] is None
    con.close()
