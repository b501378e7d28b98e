"""Near-duplicates on real text: aeb paragraphs and copy-desk variants of them, through a real DuckDB file.

Skipped when ../shared/corpus is absent (WIREDESK_CORPUS overrides the location).
"""

from __future__ import annotations

import json
import random
import sys
from datetime import datetime, timedelta, timezone

import pytest
from support.dedup import add_document, con, corpus_dir, links  # noqa: F401 (con is a fixture)

from wiredesk.dedup.settings import DedupSettings
from wiredesk.store.near_index import link_near
from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
from make_dedup_pairs import make_near  # noqa: E402

pytestmark = pytest.mark.corpus
DAY = datetime(2024, 5, 1, tzinfo=timezone.utc)


def aeb_paragraphs(n: int) -> list[str]:
    truth = json.loads((corpus_dir() / "aeb" / "ground-truth.json").read_text(encoding="utf-8"))
    paras = [p.strip() for d in truth.values() for p in d["articleBody"].split("\n") if len(p.split()) >= 20]
    return random.Random(4).sample(sorted(set(paras)), n)


def test_copy_desk_variants_of_real_paragraphs_link_to_the_originals_published_first(con):
    rng = random.Random(11)
    originals = aeb_paragraphs(60)
    variants = {i: made[0] for i, p in enumerate(originals) if (made := make_near(rng, p))}
    first = add_document(con, "originals", originals, published_at=DAY, source="wire")
    # the copies are published two hours later and arrive in a later batch
    copies = add_document(con, "copies", [variants[i] for i in sorted(variants)], published_at=DAY + timedelta(hours=2), source="outlet")
    link_near(con, first, DedupSettings(), run_id=1)
    link_near(con, copies, DedupSettings(), run_id=2)
    found = {(p, q): kind for p, q, kind, _ in links(con)}
    expected = {(copies[n], first[i]) for n, i in enumerate(sorted(variants))}
    recall = sum(found.get(pair) == "near" for pair in expected) / len(expected)
    assert len(expected) >= 40 and recall >= 0.95
    wrong = [pair for pair in found if pair not in expected]
    # any other link is between genuinely overlapping aeb paragraphs, never from an original to a copy
    assert all(p not in first or q in first for p, q in wrong)
