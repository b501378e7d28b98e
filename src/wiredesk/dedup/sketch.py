"""Token sketches: reject chance candidates from stored token hashes, without reading or aligning texts.

A paragraph's *sketch* is its match tokens in order, each a 4-byte word: a 31-bit hash of the token
(``shingles.word_hash``) with the token's salience flag in the lowest bit. It is stored with the paragraph when
it is indexed (``dedup_paragraphs.sketch``, about 4 bytes a token), so a batch's candidate pairs can be
filtered before any stored text is loaded.

``could_match`` is a necessary condition of ``verify.compare`` finding a near or partial duplicate, computed
for a whole array of pairs with numpy, from three upper bounds:

* the multiset overlap of the two token sequences (no alignment matches more of a token than the smaller of
  its two counts), bounding the aligned share (``near_containment``);
* the same overlap weighted as ``verify`` weighs it (a token counts 2 when salient in either paragraph),
  bounding the weighted near ratio (``near_threshold``);
* the tokens of the shorter paragraph covered by a run of ``partial_min_run`` tokens that also occurs in the
  other: every aligned block of that length is such a run, so this bounds the words a ``partial`` link shares.

The bounds are computed twice: first from a bitmap of each paragraph's token hashes (1,024 bits, one array
look-up a token: cheap, and it rejects almost every chance candidate), then from the token multisets and runs
themselves for the pairs the bitmaps let through (sorting and searching, the exact bounds). A bitmap bound is
never below the exact one, so the second pass only ever rejects more.

Hashes may collide (tokens are hashed to 31 bits, and to fewer bits inside the filter): a collision makes
two different tokens look equal, which only raises the bounds. So the filter never rejects a pair that
``compare`` accepts, and links are the same with and without it (tested); it only spares the alignment and the
loading and tokenising of the texts of pairs that cannot match.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from wiredesk.dedup.settings import DedupSettings
from wiredesk.dedup.shingles import mix64, number_words, word_hashes

#: Slack on the ratio thresholds: the bounds are computed in another order than ``verify`` computes the
#: ratios, so a pair exactly at a threshold passes whatever the rounding.
_EPS = 1e-9
_LOW40 = np.uint64((1 << 40) - 1)
_RANK_BITS = 14  # occurrences of one token in a paragraph; a paragraph with more is never rejected
_SLOT_SHIFT = np.uint64(40)
_STEP = np.uint64(0x9E3779B97F4A7C15)  # multiplier of the rolling hash of token runs
_BITMAP_BITS = 1024  # bits of a paragraph's token bitmap in the first pass (a power of two)


def sketches_of(tokens: Sequence[str], salient: Sequence[bool], lengths: Sequence[int]) -> list[bytes]:
    """The sketch of each paragraph of a batch, from ``matchtext.match_tokens_batch``'s flat output."""
    words, ids = number_words(tokens)
    hashes = word_hashes(words)[ids] if len(ids) else np.zeros(0, dtype=np.uint64)
    return split_sketches(sketch_bytes(hashes, salient), lengths)


def sketch_bytes(hashes: np.ndarray, salient: Sequence[bool]) -> bytes:
    """The sketch words of a run of tokens from their ``word_hash`` values and salience flags, as bytes."""
    values = ((hashes >> np.uint64(33)) << np.uint64(1)) | np.asarray(salient, dtype=np.uint64)
    return values.astype("<u4").tobytes()


def split_sketches(raw: bytes, lengths: Sequence[int]) -> list[bytes]:
    """``raw`` (``sketch_bytes`` of a batch's tokens) cut into each paragraph's sketch, ``lengths[i]`` tokens."""
    out, start = [], 0
    for n in lengths:
        out.append(raw[4 * start : 4 * (start + n)])
        start += n
    return out


class _Sketches:
    """The sketches of the paragraphs of a set of pairs, flattened, with what every pair's bounds need."""

    def __init__(self, values: np.ndarray, lengths: np.ndarray):
        """``values``: the paragraphs' sketch words one paragraph after the other, ``lengths[i]`` of them
        paragraph ``i``'s."""
        n_blobs = len(lengths)
        values = values.astype(np.uint64)
        self.n = lengths
        self.offsets = np.r_[0, np.cumsum(lengths)]
        seg = np.repeat(np.arange(n_blobs, dtype=np.uint64), lengths)
        salient = values & np.uint64(1)
        token = values >> np.uint64(1)  # 31 bits
        self.positional = token >> np.uint64(5)  # the coarser hash the filter compares, in token order
        self.total_weight = np.bincount(seg.astype(np.int64), weights=(salient + 1).astype(np.float64),
                                        minlength=n_blobs)
        # token occurrences as a set: (paragraph, token hash, k-th occurrence), sorted; overlap of two
        # paragraphs' multisets = the size of the intersection of these sets. Sorted with the salience flag
        # as the lowest bit (a plain sort, cheaper than an argsort): which occurrence of a token gets which
        # rank does not change the set, and a token's flags are only ever taken together (their maximum)
        flagged = np.sort((((seg << np.uint64(26)) | self.positional) << np.uint64(1)) | salient)
        key = flagged >> np.uint64(1)
        salient_sorted = flagged & np.uint64(1)
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, dtype=np.int64)
        group = np.cumsum(np.r_[False, key[1:] != key[:-1]]) if len(key) else np.zeros(0, dtype=np.int64)
        rank = np.arange(len(key)) - starts[group]
        self.unfiltered = np.zeros(n_blobs, dtype=bool)  # paragraphs the set cannot describe: always pass
        over = rank >= (1 << _RANK_BITS)
        if over.any():
            self.unfiltered[(key[over] >> np.uint64(26)).astype(np.int64)] = True
            rank = np.minimum(rank, (1 << _RANK_BITS) - 1)
        type_weight = np.maximum.reduceat(salient_sorted, starts) + 1 if len(key) else np.zeros(0, dtype=np.uint64)
        self.occ = (key << np.uint64(_RANK_BITS)) | rank.astype(np.uint64)  # sorted: paragraph, token, rank
        self.occ_weight = type_weight[group].astype(np.float64)
        self.occ_start = np.searchsorted(self.occ, np.arange(n_blobs + 1, dtype=np.uint64) << _SLOT_SHIFT)


def could_match(pairs: np.ndarray, blobs: Sequence[bytes], settings: DedupSettings) -> np.ndarray:
    """For each row ``(i, j)`` of ``pairs`` (indices into ``blobs``, the paragraphs' sketches): ``False`` only
    when ``verify.compare`` of the two paragraphs surely returns ``None``.

    Two passes with the same three bounds: first from a bitmap of each paragraph's tokens (``_bitmap_bounds``:
    one look-up a token, so most chance candidates cost a few array operations), then, for the pairs that
    pass it, from the exact token multisets and runs (``_exact_bounds``)."""
    lengths = np.fromiter((len(b) // 4 for b in blobs), dtype=np.int64, count=len(blobs))
    return _could_match_flat(pairs, np.frombuffer(b"".join(blobs), dtype="<u4"), lengths, settings)


def _could_match_flat(pairs: np.ndarray, values: np.ndarray, lengths: np.ndarray, settings: DedupSettings) -> np.ndarray:
    """``could_match`` of paragraphs whose sketch words are ``values``, one paragraph after the other,
    ``lengths[i]`` of them paragraph ``i``'s."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    n_pairs = len(pairs)
    if not n_pairs:
        return np.zeros(0, dtype=bool)
    if len(lengths) >= 1 << 24:  # more paragraphs than the packed keys number (a batch is far smaller)
        return np.ones(n_pairs, dtype=bool)
    ok = _bitmap_bounds(values, lengths, pairs, settings)
    if ok.any():
        survivors = np.flatnonzero(ok)
        used, inverse = np.unique(pairs[survivors], return_inverse=True)
        offsets = np.r_[0, np.cumsum(lengths)]
        sk = _Sketches(values[ranges(offsets[used], lengths[used])], lengths[used])
        ok[survivors] = _exact_bounds(sk, inverse.reshape(-1, 2), settings)
    return ok


def _decide(matched: np.ndarray, weighted: np.ndarray, covered: np.ndarray, la: np.ndarray, lb: np.ndarray,
            total: np.ndarray, settings: DedupSettings) -> np.ndarray:
    """Whether bounds on the aligned tokens (``matched``), their weight (``weighted``) and the tokens in
    aligned runs of ``partial_min_run`` (``covered``) reach any threshold of ``verify.compare``; ``la``,
    ``lb``: the two paragraphs' tokens, ``total``: their summed weight."""
    shorter, longer = np.maximum(np.minimum(la, lb), 1), np.maximum(la, lb)
    shared = np.minimum(covered, matched)
    ok = (shared >= settings.partial_min_shared) & (shared / shorter >= settings.partial_min_containment - _EPS)
    ok |= (matched / shorter >= settings.near_containment - _EPS) & (
        shorter >= settings.near_min_length_ratio * longer - _EPS)
    ok |= 2.0 * weighted / np.maximum(total, 1.0) >= settings.near_threshold - _EPS
    return ok


def _bitmap_bounds(values: np.ndarray, lengths: np.ndarray, pairs: np.ndarray, settings: DedupSettings) -> np.ndarray:
    """The first pass of ``could_match``: each paragraph's tokens as a bitmap of ``_BITMAP_BITS`` bits (a bit
    set for every token hashed to it, and a second bit when one of them is salient); each token of a pair's
    shorter paragraph looked up in the other's bitmap. A token both paragraphs have always hits, so the hits
    bound the multiset overlap (every occurrence counted), their weights the weighted overlap (2 where
    either bitmap says salient), and the runs of ``partial_min_run`` hits the tokens of aligned runs: the
    bounds of ``_exact_bounds``, looser only by bitmap collisions."""
    n_blobs = len(lengths)
    offsets = np.r_[0, np.cumsum(lengths)]
    salient = (values & 1).astype(bool)
    # positions in the bitmaps as 32-bit integers when they fit (a batch's always do): half the memory traffic
    # of the arrays a token long, which is what this pass costs
    index = np.int32 if n_blobs * _BITMAP_BITS < 2**31 else np.int64
    # the bitmaps one after the other, flat (one-dimensional indexing is the cheaper); each token's own bit
    flat = np.repeat(np.arange(0, n_blobs * _BITMAP_BITS, _BITMAP_BITS, dtype=index), lengths)
    flat += ((values >> 1) & (_BITMAP_BITS - 1)).astype(index)
    bitmap = np.zeros(n_blobs * _BITMAP_BITS, dtype=np.uint8)
    bitmap[flat] = 1
    bitmap[flat[salient]] = 3
    la, lb = lengths[pairs[:, 0]], lengths[pairs[:, 1]]
    swap = la > lb  # the query side is the shorter paragraph
    q = np.where(swap, pairs[:, 1], pairs[:, 0])
    o = np.where(swap, pairs[:, 0], pairs[:, 1])
    n_pairs = len(pairs)
    nq = lengths[q]
    own = flat[ranges(offsets[q], nq)]  # the query tokens' bits in their own bitmap; the same bit in the other's:
    in_other = bitmap[own + np.repeat(((o - q) * _BITMAP_BITS).astype(index), nq)]
    hit = in_other != 0
    # a hit weighs 2 where either bitmap says salient: 1 + its extra weight (0 or 1)
    extra = hit & (((in_other | bitmap[own]) >> 1) != 0)
    # each pair's query tokens are one stretch: its sums are differences of cumulative sums, the hits' and
    # the extra weights' in one (the extras counted from bit 32: a batch has far fewer than 2**32 tokens)
    ends = np.cumsum(nq)
    packed = hit.astype(np.int64)
    packed[extra] += 1 << 32
    before = np.zeros(len(packed) + 1, dtype=np.int64)
    np.cumsum(packed, out=before[1:])
    sums = before[ends] - before[ends - nq]
    matched = (sums & 0xFFFFFFFF).astype(np.float64)
    weighted = matched + (sums >> 32).astype(np.float64)
    # maximal runs of hits inside each pair's query paragraph (a run ends where the pair does); those of
    # partial_min_run or more count
    nonempty = nq > 0
    follows = np.r_[False, hit[:-1]]
    follows[(ends - nq)[nonempty]] = False
    precedes = np.r_[hit[1:], False]
    precedes[(ends - 1)[nonempty]] = False
    first, last = np.flatnonzero(hit & ~follows), np.flatnonzero(hit & ~precedes)
    run_length = last - first + 1
    long = run_length >= settings.partial_min_run
    # the pair of each long run: the first pair whose query tokens end after the run's start
    covered = np.bincount(np.searchsorted(ends, first[long], side="right"), weights=run_length[long].astype(np.float64),
                          minlength=n_pairs)
    salient_before = np.r_[0, np.cumsum(salient)]
    total_weight = (lengths + salient_before[offsets[1:]] - salient_before[offsets[:-1]]).astype(np.float64)
    return _decide(matched, weighted, covered, la, lb, total_weight[pairs[:, 0]] + total_weight[pairs[:, 1]],
                   settings)


def _exact_bounds(sk: "_Sketches", pairs: np.ndarray, settings: DedupSettings) -> np.ndarray:
    """The second pass of ``could_match``: the bounds from the token multisets and runs themselves."""
    n_pairs = len(pairs)
    la, lb = sk.n[pairs[:, 0]], sk.n[pairs[:, 1]]
    swap = la > lb  # the query side is the shorter paragraph
    q = np.where(swap, pairs[:, 1], pairs[:, 0])
    o = np.where(swap, pairs[:, 0], pairs[:, 1])

    # 1. multiset overlap, plain and weighted: each occurrence of the shorter one looked up in the other's set
    nq = sk.n[q]
    pair_of = np.repeat(np.arange(n_pairs), nq)
    idx = ranges(sk.occ_start[q], nq)
    probe = (sk.occ[idx] & _LOW40) | (o[pair_of].astype(np.uint64) << _SLOT_SHIFT)
    pos = np.minimum(np.searchsorted(sk.occ, probe), len(sk.occ) - 1)
    hit = sk.occ[pos] == probe
    matched = np.bincount(pair_of[hit], minlength=n_pairs).astype(np.float64)
    weighted = np.bincount(pair_of[hit], weights=np.maximum(sk.occ_weight[idx[hit]], sk.occ_weight[pos[hit]]),
                           minlength=n_pairs)

    # 2. tokens of the shorter one covered by a run of partial_min_run tokens that the other has too
    covered = _covered(sk, q, o, settings.partial_min_run)
    ok = _decide(matched, weighted, covered, la, lb, sk.total_weight[pairs[:, 0]] + sk.total_weight[pairs[:, 1]],
                 settings)
    return ok | sk.unfiltered[pairs[:, 0]] | sk.unfiltered[pairs[:, 1]]


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(s, s + n)`` for each start and length: the flat indexes of many slices of
    one array (also how ``wiredesk.dedup.tokenwork`` takes a batch's keys from its works)."""
    lengths = np.asarray(lengths, dtype=np.int64)
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    return np.arange(total, dtype=np.int64) + np.repeat(np.asarray(starts, dtype=np.int64) - (ends - lengths), lengths)


def _run_hashes(values: np.ndarray, k: int) -> np.ndarray:
    """A 64-bit hash of every run of ``k`` consecutive ``values`` (``len(values) - k + 1`` of them), a function
    of the run's values in order. Built by doubling (a run of ``2j`` from two runs of ``j``): about ``log2(k)``
    passes over the array rather than ``k``; which hash it is does not matter (a collision only raises a bound)."""
    with np.errstate(over="ignore"):
        if k == 1:
            return mix64(values)
        if k % 2:
            shorter = _run_hashes(values, k - 1)
            return mix64(shorter[:-1] * _STEP + values[k - 1 :])
        half = _run_hashes(values, k // 2)
        j = k // 2
        return mix64(half[: len(half) - j] * _STEP + half[j:])


def _covered(sk: _Sketches, q: np.ndarray, o: np.ndarray, k: int) -> np.ndarray:
    """Per pair, positions of paragraph ``q`` inside a ``k``-token run that paragraph ``o`` also has."""
    n_pairs = len(q)
    values = sk.positional
    total = len(values)
    m = total - k + 1
    if m <= 0:
        return np.zeros(n_pairs)
    acc = _run_hashes(values, k)
    seg = np.repeat(np.arange(len(sk.n), dtype=np.int64), sk.n)
    inside = seg[:m] == seg[k - 1 :]
    tagged = (seg[:m].astype(np.uint64) << _SLOT_SHIFT) | (acc & _LOW40)
    gram_set = np.sort(tagged[inside])  # a sorted multiset: membership is all the probe needs
    if not len(gram_set):
        return np.zeros(n_pairs)
    # the gram starts of each pair's query paragraph
    ng = np.maximum(sk.n[q] - k + 1, 0)
    pair_of = np.repeat(np.arange(n_pairs), ng)
    idx = ranges(sk.offsets[q], ng)
    probe = (tagged[idx] & _LOW40) | (o[pair_of].astype(np.uint64) << _SLOT_SHIFT)
    pos = np.minimum(np.searchsorted(gram_set, probe), len(gram_set) - 1)
    hit = gram_set[pos] == probe
    # union of the covered intervals [start, start + k) of each pair's hits (in position order)
    hp, hs = pair_of[hit], idx[hit]
    if not len(hp):
        return np.zeros(n_pairs)
    gap = np.r_[hs[1:] - hs[:-1], k]
    gap[np.r_[hp[1:] != hp[:-1], True]] = k  # the last hit of a pair covers k tokens
    return np.bincount(hp, weights=np.minimum(gap, k).astype(np.float64), minlength=n_pairs)


def filter_pairs(pairs: np.ndarray | Sequence[tuple[int, int]], sketches: "Mapping[int, bytes | None] | SketchTable",
                 settings: DedupSettings) -> np.ndarray:
    """The pairs of paragraph ids that may match, as an ``(n, 2)`` array sorted by row: those ``could_match``
    keeps, and every pair with a paragraph without a sketch (stored before sketches existed, or without match
    tokens). ``sketches``: by paragraph id, as a mapping or a ``SketchTable``."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if not len(pairs):
        return pairs
    ids, inverse = np.unique(pairs, return_inverse=True)
    inverse = inverse.reshape(-1, 2)
    table = sketches if isinstance(sketches, SketchTable) else SketchTable.of(ids.tolist(), [sketches.get(pid) for pid in ids.tolist()])
    starts, lengths = table.find(ids)
    has = lengths > 0
    known = has[inverse[:, 0]] & has[inverse[:, 1]]
    ok = np.ones(len(pairs), dtype=bool)
    if known.any():
        slot = np.cumsum(has) - 1
        values = table.values[ranges(starts[has], lengths[has])]
        ok[known] = _could_match_flat(slot[inverse[known]], values, lengths[has], settings)
    kept = pairs[ok]
    return kept[np.lexsort((kept[:, 1], kept[:, 0]))]


@dataclass(frozen=True)
class SketchTable:
    """The token sketches of many paragraphs, flat: paragraph ``ids[i]`` (distinct, in any order) has the
    sketch words ``values[offsets[i]:offsets[i + 1]]`` (none: no sketch, or no match tokens). What the near
    stage holds of a batch's and its candidates' sketches: one array, not a ``bytes`` object a paragraph."""

    ids: np.ndarray  # int64, distinct
    offsets: np.ndarray  # int64, one more than the ids
    values: np.ndarray  # uint32 sketch words

    @classmethod
    def of(cls, ids: Sequence[int] | np.ndarray, blobs: Sequence[bytes | None]) -> "SketchTable":
        """From each paragraph's sketch as bytes (``None``: none)."""
        lengths = np.fromiter((len(b) // 4 if b else 0 for b in blobs), dtype=np.int64, count=len(blobs))
        return cls(np.asarray(ids, dtype=np.int64), np.r_[0, np.cumsum(lengths)].astype(np.int64),
                   np.frombuffer(b"".join(b for b in blobs if b), dtype="<u4"))

    @classmethod
    def empty(cls) -> "SketchTable":
        return cls(np.zeros(0, dtype=np.int64), np.zeros(1, dtype=np.int64), np.zeros(0, dtype="<u4"))

    @classmethod
    def concat(cls, tables: Sequence["SketchTable"]) -> "SketchTable":
        """The sketches of ``tables`` (of distinct paragraphs) in one table."""
        tables = [t for t in tables if len(t)]
        if len(tables) < 2:
            return tables[0] if tables else cls.empty()
        lengths = np.concatenate([np.diff(t.offsets) for t in tables])
        return cls(np.concatenate([t.ids for t in tables]), np.r_[0, np.cumsum(lengths)].astype(np.int64),
                   np.concatenate([t.values for t in tables]))

    def __len__(self) -> int:
        return len(self.ids)

    def find(self, ids: Sequence[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where each of ``ids`` starts in ``values`` and how many words it has (0: not in the table)."""
        ids = np.asarray(ids, dtype=np.int64)
        if not len(self.ids):
            return np.zeros(len(ids), dtype=np.int64), np.zeros(len(ids), dtype=np.int64)
        order = np.argsort(self.ids, kind="stable")
        at = order[np.minimum(np.searchsorted(self.ids[order], ids), len(order) - 1)]
        found = self.ids[at] == ids
        return (np.where(found, self.offsets[at], 0).astype(np.int64),
                np.where(found, self.offsets[at + 1] - self.offsets[at], 0).astype(np.int64))

    def blobs(self, ids: Sequence[int]) -> list[bytes | None]:
        """Each of ``ids``' sketch as bytes (``None`` when the table has no entry for it)."""
        raw = self.values.astype("<u4", copy=False).tobytes()
        starts, lengths = self.find(ids)
        known = set(self.ids.tolist())
        return [raw[4 * a : 4 * (a + n)] if pid in known else None
                for pid, a, n in zip(ids, starts.tolist(), lengths.tolist())]
