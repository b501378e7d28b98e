"""The batch paths of the near-duplicate stage give what the paragraph-by-paragraph definitions give.

``match_tokens_batch`` must return the tokens and salience flags of ``match_tokens_and_salience`` for every
text, and ``compute_keys_flat`` the keys of ``compute_keys``: the stage's tokens, keys and links are unchanged.
"""

from __future__ import annotations

import json
import random

import numpy as np
from hypothesis import example, given, settings as hsettings, strategies as st
from support.dedup import corpus_dir, seed_paragraphs

from conftest import REPO
from wiredesk.dedup.keys import compute_keys, compute_keys_flat
from wiredesk.dedup.matchtext import match_tokens_and_salience, match_tokens_batch
from wiredesk.dedup.settings import DedupSettings
from wiredesk.dedup.shingles import winnow

PAIRS = [json.loads(line) for line in (REPO / "bench" / "data" / "dedup_pairs.jsonl").read_text(encoding="utf-8").splitlines()]
TRICKY = [
    "", " ", "The U.S. military’s strikes — 25,000 dead moreCredit: Reuters", "İstanbul ΟΔΟΣ Straße ﬁne ½",
    "a (Photo: Khalid Mohammed/AP) More", "U.S.A. A.B. e.g. x.y", "\u0301abc", "x\u00adz 1.000.000 1,5 ,123",
    "week's 'quoted' rock'n'roll", "snake_case_word 42nd", "Picture: AFP", "end.\n\nCredit: Reuters",
    "Über\u200bcool „Zitat“ «citation» – dash", "٣٤ 三十 ⅷ", "a\uffffb",
]


def seed_texts() -> list[str]:
    return seed_paragraphs("ap-yahoo-2019-12-31-baghdad-embassy.txt") + seed_paragraphs("the-sun-2019-12-31-baghdad-embassy.txt")


def aeb_texts() -> list[str]:
    truth = json.loads((corpus_dir() / "aeb" / "ground-truth.json").read_text(encoding="utf-8"))
    return [p for d in truth.values() for p in d["articleBody"].split("\n") if p.strip()]


def assert_batch_equals_each(texts: list[str]) -> None:
    tokens, salient, lengths = match_tokens_batch(texts)
    assert len(lengths) == len(texts) and sum(lengths) == len(tokens) == len(salient)
    start = 0
    for text, n in zip(texts, lengths):
        assert (tuple(tokens[start : start + n]), tuple(salient[start : start + n])) == match_tokens_and_salience(text), text
        start += n


def test_batch_tokens_equal_paragraph_tokens_on_seeds_pairs_and_tricky_text():
    texts = seed_texts() + [p[s] for p in PAIRS for s in ("a", "b")] + TRICKY
    assert_batch_equals_each(texts)
    assert_batch_equals_each(TRICKY[2:3])
    assert match_tokens_batch([]) == ([], [], [])


def test_batch_tokens_equal_paragraph_tokens_on_the_aeb_articles():
    texts = aeb_texts()
    assert len(texts) > 1000
    assert_batch_equals_each(texts)


@hsettings(max_examples=200, deadline=None)
@example(["0`0", "don`t stop"])  # a backtick in an ASCII paragraph folds to an apostrophe, which a word drops
@given(st.lists(st.text(alphabet=st.sampled_from(list("aAbZ .,'`’-—()\n:0123456789_İßΣ\u0301\u00ad\u200bﬁ½“")) | st.characters(),
                        max_size=40), max_size=6))
def test_batch_tokens_equal_paragraph_tokens_on_fuzzed_text(texts):
    assert_batch_equals_each(texts)


def test_flat_keys_equal_keys_and_winnowing_without_sorting_keeps_the_same_anchors():
    texts = seed_texts() + [p["a"] for p in PAIRS]
    token_lists = [match_tokens_and_salience(t)[0] for t in texts]
    languages = [random.Random(i).choice([None, "en", "de"]) for i in range(len(texts))]
    tokens, _, lengths = match_tokens_batch(texts)
    a, b = compute_keys(token_lists, DedupSettings(), languages), compute_keys_flat(tokens, lengths, DedupSettings(), languages)
    assert len(a.keys) > 1000
    assert a.keys.tolist() == b.keys.tolist() and a.owner.tolist() == b.owner.tolist()
    rng = np.random.default_rng(3)
    hashes, seg = rng.integers(0, 50, 400).astype(np.uint64), np.sort(rng.integers(0, 40, 400))
    v, o = winnow(hashes, seg, 4, distinct=False)
    assert sorted(set(zip(o.tolist(), v.tolist()))) == list(zip(*(x.tolist() for x in winnow(hashes, seg, 4)[::-1])))
