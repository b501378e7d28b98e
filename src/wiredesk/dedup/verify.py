"""Candidate verification: is a candidate pair exact, near, partial or nothing, and how similar?

Index keys only *propose* pairs; this module decides on the words themselves (``match_tokens``), so a false
candidate from a hot band costs time, never a wrong link.

* ``exact``   – same ``normalize_for_match`` text (the definition exact hashing uses); similarity 1.
* ``near``    – near-identical as a whole: the weighted share of tokens the two paragraphs have in common,
                aligned in order (``2*matched / (len_a + len_b)``, difflib's ratio on tokens), is at least
                ``near_threshold``; or the shorter one is almost all inside the longer one
                (``near_containment``) and not much shorter (``near_min_length_ratio``): a trimmed rewrite.
                Similarity: the ratio, or for a trimmed rewrite the larger of ratio and contained share.
                Numbers and names weigh ``SALIENT_WEIGHT``: the same template with other numbers or names
                ("Apple rose 2.3% to $150" / "Tesla fell 1.1% to $700") is a different fact, not a copy.
* ``partial`` – a substantial part of one is contained in the other: at least ``partial_min_shared`` tokens
                shared in aligned runs of ``partial_min_run`` or more, covering ``partial_min_containment``
                of the shorter paragraph; similarity is that coverage.

Pure and symmetric: ``compare(a, b) == compare(b, a)``. Not the direction (``wiredesk.dedup.links``).

``compare`` is the definition, pair by pair; ``compare_pairs`` gives the same verdicts for many pairs at once
(what the stage runs): the alignment is still one ``SequenceMatcher`` a pair, but over token lists sliced from
one flat list (``TokenRows``), and every sum over the aligned blocks is taken with numpy over all pairs' blocks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from cydifflib import SequenceMatcher  # difflib's, compiled: the same matching blocks (tested), about 4x faster

from wiredesk.dedup.matchtext import match_tokens_and_salience
from wiredesk.dedup.settings import DedupSettings

KINDS = ("exact", "near", "partial")
#: Weight of a salient token (a number or a capitalized name, ``matchtext.salient_flags``) in the near
#: similarity; other tokens weigh 1. Chosen on bench/data/dedup_pairs.jsonl (docs/dedup.md).
SALIENT_WEIGHT = 2.0


@dataclass(frozen=True)
class Verdict:
    kind: str  # exact | near | partial
    similarity: float


@dataclass(frozen=True)
class MatchText:
    """What verification needs of one paragraph: its match tokens and which of them are salient."""

    tokens: tuple[str, ...]
    salient: tuple[bool, ...]

    @cached_property
    def counts(self) -> Counter:
        return Counter(self.tokens)

    @cached_property
    def weights(self) -> dict[str, float]:
        """Largest weight of each token type in this paragraph."""
        out: dict[str, float] = {}
        for t, f in zip(self.tokens, self.salient):
            if f or t not in out:
                out[t] = SALIENT_WEIGHT if f else 1.0
        return out

    @cached_property
    def total_weight(self) -> float:
        return sum(SALIENT_WEIGHT if f else 1.0 for f in self.salient)

    @classmethod
    def of(cls, text: str) -> "MatchText":
        return cls(*match_tokens_and_salience(text))


def alignment(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int, int]]:
    """Matching blocks ``(i, j, size)`` of two token sequences (difflib's algorithm, no junk heuristic, compiled by
    ``cydifflib``), without the sentinel."""
    return [tuple(blk) for blk in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks() if blk[2]]


def _could_match(a: MatchText, b: MatchText, settings: DedupSettings) -> bool:
    """Cheap upper bounds from token counts: ``False`` only when ``compare`` would surely return ``None``.

    No alignment can match more of a token than the smaller of its two counts, so these bounds never reject a
    pair the full comparison would accept; they skip the alignment for most unrelated candidates."""
    common = a.counts & b.counts
    matched = sum(common.values())
    if not matched:
        return False
    la, lb = len(a.tokens), len(b.tokens)
    shorter = min(la, lb)
    if matched >= settings.partial_min_shared and matched / shorter >= settings.partial_min_containment:
        return True
    if matched / shorter >= settings.near_containment and shorter >= settings.near_min_length_ratio * max(la, lb):
        return True
    wa, wb = a.weights, b.weights
    bound = sum(n * max(wa[t], wb[t]) for t, n in common.items())
    return 2.0 * bound / (a.total_weight + b.total_weight) >= settings.near_threshold


def compare(a: MatchText, b: MatchText, settings: DedupSettings, *, same_exact_text: bool = False,
            bounded: bool = False) -> Verdict | None:
    """The verdict for two paragraphs, or ``None`` when they are not duplicates of any kind. ``bounded``: the
    pair already passed the same bounds computed from token sketches (``wiredesk.dedup.sketch``), so the cheap
    test on token counts is skipped: it is only a necessary condition of what follows, so the verdict is the
    same either way (it spares the alignment of pairs that cannot match, which the sketches already rejected)."""
    if same_exact_text:
        return Verdict("exact", 1.0)
    if not a.tokens or not b.tokens:
        return None
    if not bounded and not _could_match(a, b, settings):
        return None
    if (a.tokens, a.salient) > (b.tokens, b.salient):  # one canonical argument order: symmetric result
        a, b = b, a
    blocks = alignment(a.tokens, b.tokens)
    w_a = [SALIENT_WEIGHT if f else 1.0 for f in a.salient]
    w_b = [SALIENT_WEIGHT if f else 1.0 for f in b.salient]
    # A matched token counts with the mean of its two weights (a name capitalized on one side only).
    matched = sum((w_a[i + k] + w_b[j + k]) / 2 for i, j, size in blocks for k in range(size))
    near = 2.0 * matched / (sum(w_a) + sum(w_b))
    shared = sum(size for _, _, size in blocks if size >= settings.partial_min_run)
    shorter = min(len(a.tokens), len(b.tokens))
    contained = sum(size for _, _, size in blocks) / shorter
    trimmed = contained >= settings.near_containment and shorter >= settings.near_min_length_ratio * max(
        len(a.tokens), len(b.tokens)
    )
    if near >= settings.near_threshold or trimmed:
        # similarity of a near link: the alignment ratio, or for a trimmed rewrite the share contained
        return Verdict("near", round(max(near, contained) if trimmed else near, 4))
    if shared >= settings.partial_min_shared and shared / shorter >= settings.partial_min_containment:
        return Verdict("partial", round(shared / shorter, 4))
    return None


@dataclass(frozen=True)
class TokenRows:
    """The match tokens of many paragraphs, flat: row ``k``'s tokens are ``tokens[starts[k]:starts[k + 1]]``,
    their salience flags the same slice of ``salient``. What ``compare_pairs`` reads (no tuple per paragraph)."""

    tokens: list[str]
    salient: np.ndarray  # bool, parallel to tokens
    starts: np.ndarray  # int64, one more than the rows

    @classmethod
    def of(cls, tokens: list[str], salient: Sequence[bool] | np.ndarray, lengths: Sequence[int]) -> "TokenRows":
        """From ``matchtext.match_tokens_batch``'s flat output (``lengths``: tokens of each row)."""
        return cls(tokens, np.asarray(salient, dtype=bool).reshape(-1),
                   np.r_[0, np.cumsum(np.asarray(lengths, dtype=np.int64))].astype(np.int64))

    @classmethod
    def concat(cls, parts: Sequence["TokenRows"]) -> "TokenRows":
        """The rows of ``parts`` one part after the other."""
        tokens: list[str] = []
        starts = [np.zeros(1, dtype=np.int64)]
        for part in parts:
            starts.append(part.starts[1:] + len(tokens))
            tokens.extend(part.tokens)
        return cls(tokens, np.concatenate([p.salient for p in parts] + [np.zeros(0, dtype=bool)]),
                   np.concatenate(starts))

    def __len__(self) -> int:
        return len(self.starts) - 1


def compare_pairs(rows: TokenRows, pairs: np.ndarray | Sequence[tuple[int, int]],
                  settings: DedupSettings) -> list[Verdict | None]:
    """``compare(a, b, settings, bounded=True)`` for each pair ``(a, b)`` of row numbers of ``rows``: the same
    verdicts (tested), for a batch's pairs at once. Each pair is aligned in ``compare``'s canonical order;
    the weighted matched share, the aligned share and the tokens in long runs are sums over the blocks,
    taken from cumulative weights (every term is a multiple of 0.5, so the sums are exact and equal
    ``compare``'s). Every pair is aligned: there is no cheap test on token counts first, which only ever spares
    an alignment (the stage's pairs passed the sketch filter, ``wiredesk.dedup.sketch``, a stricter test)."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    n_pairs = len(pairs)
    if not n_pairs:
        return []
    starts = rows.starts
    lengths = np.diff(starts)
    tokens, salient = rows.tokens, rows.salient
    a_of, b_of = pairs[:, 0].copy(), pairs[:, 1].copy()
    blocks: list = []  # every pair's matching blocks, the sentinel (size 0) included
    owner: list[int] = []
    start_list, length_list = starts.tolist(), lengths.tolist()
    for p, (a, b) in enumerate(pairs.tolist()):
        sa, sb = start_list[a], start_list[b]
        ta, tb = tokens[sa : sa + length_list[a]], tokens[sb : sb + length_list[b]]
        if not ta or not tb:
            continue
        if ta > tb or (ta == tb and salient[sa : sa + len(ta)].tolist() > salient[sb : sb + len(tb)].tolist()):
            ta, tb = tb, ta  # compare's canonical argument order (tokens, then flags): the same blocks
            a_of[p], b_of[p] = b, a
        got = SequenceMatcher(None, ta, tb, autojunk=False).get_matching_blocks()
        blocks += got
        owner += [p] * len(got)
    out: list[Verdict | None] = [None] * n_pairs
    if not blocks:
        return out
    blk = np.array(blocks, dtype=np.int64).reshape(-1, 3)
    own = np.asarray(owner, dtype=np.int64)
    cum = np.r_[0.0, np.cumsum(np.where(salient, SALIENT_WEIGHT, 1.0))]
    first_a, first_b = starts[a_of[own]] + blk[:, 0], starts[b_of[own]] + blk[:, 1]
    size = blk[:, 2]
    block_weight = (cum[first_a + size] - cum[first_a]) + (cum[first_b + size] - cum[first_b])
    matched = np.bincount(own, weights=block_weight / 2, minlength=n_pairs)
    aligned = np.bincount(own, weights=size, minlength=n_pairs)
    shared = np.bincount(own, weights=np.where(size >= settings.partial_min_run, size, 0), minlength=n_pairs)
    total = (cum[starts[a_of + 1]] - cum[starts[a_of]]) + (cum[starts[b_of + 1]] - cum[starts[b_of]])
    la, lb = lengths[a_of], lengths[b_of]
    shorter, longer = np.minimum(la, lb), np.maximum(la, lb)
    with np.errstate(divide="ignore", invalid="ignore"):  # pairs with an empty side have no blocks: no verdict
        near = 2.0 * matched / total
        contained = aligned / shorter
        share = shared / shorter
    trimmed = (contained >= settings.near_containment) & (shorter >= settings.near_min_length_ratio * longer)
    is_near = (near >= settings.near_threshold) | trimmed
    is_partial = ~is_near & (shared >= settings.partial_min_shared) & (share >= settings.partial_min_containment)
    is_near &= np.bincount(own, minlength=n_pairs) > 0
    near_sim = np.where(trimmed, np.maximum(near, contained), near)
    # rounded as compare rounds them (Python's round of the same float64 values)
    for p in np.flatnonzero(is_near).tolist():
        out[p] = Verdict("near", round(float(near_sim[p]), 4))
    for p in np.flatnonzero(is_partial).tolist():
        out[p] = Verdict("partial", round(float(share[p]), 4))
    return out
