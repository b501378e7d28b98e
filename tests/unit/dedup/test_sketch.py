"""The token-sketch filter (``wiredesk.dedup.sketch``) never rejects a pair that verification accepts.

It is a necessary condition of ``verify.compare``: on the evaluation pairs, pairs of real aeb paragraphs,
copy-desk variants of them and fuzzed text, every pair ``compare`` links is kept; and it must reject most of
the pairs that only the token counts (``verify._could_match``) would have let through, or it is not worth it.
"""

from __future__ import annotations

import json
import random
import sys

import numpy as np
from hypothesis import given, settings as hsettings, strategies as st
from support.dedup import corpus_dir

from conftest import REPO
from wiredesk.dedup.matchtext import match_tokens_batch
from wiredesk.dedup.settings import DedupSettings
from wiredesk.dedup.sketch import SketchTable, could_match, filter_pairs, sketches_of
from wiredesk.dedup.verify import MatchText, _could_match, compare

sys.path.insert(0, str(REPO / "bench"))
from make_dedup_pairs import make_near, make_partial  # noqa: E402

S = DedupSettings()
PAIRS = [json.loads(line) for line in (REPO / "bench" / "data" / "dedup_pairs.jsonl").read_text(encoding="utf-8").splitlines()]
WORDS = ["the", "militia", "embassy", "said", "Baghdad", "on", "Tuesday", "25", "fighters", "killed", "US", "a", "of",
         "U.S.", "strikes", "week's", "Credit:", "Reuters"]


def texts_and_sketches(texts: list[str]) -> tuple[list[MatchText], list[bytes]]:
    tokens, salient, lengths = match_tokens_batch(texts)
    out, start = [], 0
    for n in lengths:
        out.append(MatchText(tuple(tokens[start : start + n]), tuple(salient[start : start + n])))
        start += n
    return out, sketches_of(tokens, salient, lengths)


def check(texts: list[str], pairs: list[tuple[int, int]], settings: DedupSettings = S) -> tuple[int, int, int]:
    """Assert no pair ``compare`` accepts is rejected; return (accepted, kept, passing the count bound)."""
    mts, blobs = texts_and_sketches(texts)
    pairs = [(a, b) for a, b in pairs if mts[a].tokens and mts[b].tokens]
    kept = could_match(np.array(pairs, dtype=np.int64).reshape(-1, 2), blobs, settings)
    accepted = counted = 0
    for (a, b), keep in zip(pairs, kept.tolist()):
        verdict = compare(mts[a], mts[b], settings)
        if verdict is not None:
            accepted += 1
            assert keep, (verdict, texts[a], texts[b])
        counted += _could_match(mts[a], mts[b], settings)
    return accepted, int(kept.sum()), counted


def test_every_evaluation_pair_that_links_is_kept_and_most_others_are_not():
    texts = [p[s] for p in PAIRS for s in ("a", "b")]
    rng = random.Random(3)
    pairs = [(2 * i, 2 * i + 1) for i in range(len(PAIRS))]
    pairs += [(rng.randrange(len(texts)), rng.randrange(len(texts))) for _ in range(3000)]
    accepted, kept, counted = check(texts, [(a, b) for a, b in pairs if a != b])
    assert accepted >= 200
    assert kept < counted  # stricter than the count bound the verification already had


def aeb_paragraphs() -> list[str]:
    truth = json.loads((corpus_dir() / "aeb" / "ground-truth.json").read_text(encoding="utf-8"))
    return [p for d in truth.values() for p in d["articleBody"].split("\n") if p.strip()]


def test_pairs_of_real_paragraphs_and_their_variants_that_link_are_kept():
    paras = aeb_paragraphs()
    rng = random.Random(7)
    long = [p for p in paras if len(p.split()) >= 20]
    variants = []
    for p in rng.sample(long, 300):
        if made := make_near(rng, p):
            variants.append((p, made[0]))
        if made := make_partial(rng, p, long):
            variants.append((p, made))
    texts = paras + [t for pair in variants for t in pair]
    base = len(paras)
    pairs = [(base + 2 * i, base + 2 * i + 1) for i in range(len(variants))]
    pairs += [(i, i + d) for d in (1, 2, 3) for i in range(base - d)]  # neighbours: same article, same topic
    pairs += [(rng.randrange(len(texts)), rng.randrange(len(texts))) for _ in range(5000)]
    accepted, kept, counted = check(texts, [(a, b) for a, b in pairs if a != b])
    assert accepted >= 300 and kept < counted / 2


def test_other_decision_settings_keep_what_they_link():
    texts = [p[s] for p in PAIRS for s in ("a", "b")]
    pairs = [(2 * i, 2 * i + 1) for i in range(len(PAIRS))]
    for settings in (DedupSettings(near_threshold=0.6, near_containment=0.7, partial_min_run=5, partial_min_shared=6,
                                   partial_min_containment=0.05), DedupSettings(partial_min_run=12, near_threshold=0.95)):
        accepted, _, _ = check(texts, pairs, settings)
        assert accepted > 0


@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=40), min_size=2, max_size=6), st.data())
def test_fuzzed_paragraphs_that_link_are_kept(word_lists, data):
    texts = [" ".join(words) for words in word_lists]
    # copies with a word or two changed, so that many pairs link
    for words in word_lists[:3]:
        edited = list(words)
        edited[data.draw(st.integers(0, len(words) - 1))] = data.draw(st.sampled_from(WORDS))
        texts.append(" ".join(edited))
    check(texts, [(a, b) for a in range(len(texts)) for b in range(len(texts)) if a != b])


def test_pairs_with_a_paragraph_without_a_sketch_are_always_kept():
    _, blobs = texts_and_sketches(["one two three four five six", "seven eight nine ten eleven twelve"])
    assert not could_match(np.array([[0, 1]]), blobs, S).any()
    assert filter_pairs([(1, 2), (2, 3)], {1: blobs[0], 2: blobs[1], 3: None}, S).tolist() == [[2, 3]]


def test_a_sketch_table_filters_as_the_sketches_by_id_do():
    """``filter_pairs`` keeps the same pairs whether the sketches come by id or as one ``SketchTable``, however
    the table's paragraphs are ordered or split, with paragraphs missing or without tokens."""
    rng = random.Random(5)
    texts = [p[s] for p in PAIRS[:60] for s in ("a", "b")]
    _, blobs = texts_and_sketches(texts)
    ids = [1000 + 3 * i for i in range(len(blobs))]
    by_id: dict[int, bytes | None] = dict(zip(ids, blobs))
    by_id[ids[4]] = b""  # no match tokens
    del by_id[ids[7]]  # no sketch stored
    pairs = sorted({tuple(sorted(rng.sample(ids, 2))) for _ in range(400)} | {(ids[2 * i], ids[2 * i + 1]) for i in range(60)})
    expected = filter_pairs(pairs, by_id, S)
    listed = list(by_id.items())
    rng.shuffle(listed)
    half = len(listed) // 2
    table = SketchTable.concat([SketchTable.of([k for k, _ in listed[:half]], [v for _, v in listed[:half]]),
                                SketchTable.empty(),
                                SketchTable.of([k for k, _ in listed[half:]], [v for _, v in listed[half:]])])
    assert filter_pairs(pairs, table, S).tolist() == expected.tolist()
    assert len(expected) < len(pairs)  # the filter rejected some: the comparison is not vacuous
    assert table.blobs([ids[0], ids[4], ids[7]]) == [blobs[0], b"", None]


def test_takes_part_all_is_takes_part_of_each():
    roles = np.array(["body", "caption", "credit", "boilerplate", "body", "caption"], dtype=object)
    chars = np.array([S.min_chars, S.min_chars - 1, 500, 500, 0, 10_000])
    for settings in (S, DedupSettings(min_chars=5, roles=("body",))):
        assert settings.takes_part_all(roles, chars).tolist() == [
            settings.takes_part(r, int(c)) for r, c in zip(roles, chars)]
