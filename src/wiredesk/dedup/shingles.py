"""Shingles and anchors: the hashed pieces of a batch of paragraphs that the index keys on.

* Each word gets a stable 64-bit hash (BLAKE2b, so equal across processes and machines, unlike Python's
  ``hash``); ``k`` consecutive word hashes combine into one *shingle* hash per k-gram.
* Shingles made only of common words of the paragraph's language (``wiredesk.dedup.stopwords``) or bare numbers
  ("one of the most", "und in der", "0 0 0 0") are dropped: every story has them, so they would make unrelated
  paragraphs candidates (hot keys) without saying anything about copying.
* ``winnow`` keeps the minimum shingle hash of every window of ``w`` consecutive shingles (Schleimer, Wilkerson
  and Aiken, "Winnowing", SIGMOD 2003). Two paragraphs that share a run of at least ``w + k - 1`` words are
  guaranteed to share one of these *anchors*; that is what finds partial overlaps, which MinHash (a
  whole-paragraph resemblance) misses when a short paragraph sits inside a long one.

Everything works on a whole batch at once, as flat numpy arrays with a paragraph number per element (``seg``);
nothing here touches the database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, count

import numpy as np

from wiredesk.dedup.stopwords import stop_words

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)

def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer, vectorized: a fast, well-spread 64-bit mix of uint64 values."""
    with np.errstate(over="ignore"):
        x = x.astype(np.uint64, copy=True)
        x ^= x >> np.uint64(30)
        x *= _M1
        x ^= x >> np.uint64(27)
        x *= _M2
        x ^= x >> np.uint64(31)
    return x


def word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


@dataclass(frozen=True)
class Words:
    """The words of a batch of paragraphs, flattened: hash, stop-word flag and paragraph number of each."""

    hashes: np.ndarray  # uint64
    stop: np.ndarray  # bool
    seg: np.ndarray  # int64, paragraph number, non-decreasing

    @classmethod
    def of(cls, token_lists: Sequence[Sequence[str]], languages: Sequence[str | None] | None = None) -> "Words":
        """``languages[i]`` is the language of paragraph ``i`` (its document's); it chooses the common
        words (``wiredesk.dedup.stopwords.stop_words``). Without languages, every paragraph's is unknown."""
        return cls.of_flat(list(chain.from_iterable(token_lists)), [len(t) for t in token_lists], languages)

    @classmethod
    def of_flat(cls, tokens: Sequence[str], lengths: Sequence[int],
                languages: Sequence[str | None] | None = None) -> "Words":
        """``Words.of`` for the batch's tokens flattened, ``lengths[i]`` of them paragraph ``i``'s."""
        # each distinct word is hashed and looked up in the common-word lists once per batch (a batch of
        # 10,000 paragraphs has about 450,000 words but 20,000 distinct ones); numbering them is done by
        # dicts in C, not a loop in Python
        words, ids = number_words(tokens)
        return cls.of_numbered(words, ids, word_hashes(words)[ids], lengths, languages)

    @classmethod
    def of_numbered(cls, words: Sequence[str], ids: np.ndarray, hashes: np.ndarray, lengths: Sequence[int],
                    languages: Sequence[str | None] | None = None) -> "Words":
        """``Words.of_flat`` from what ``number_words`` made of the tokens and the tokens' hashes (``hashes[i]``:
        token ``i``'s ``word_hash``), for a caller that hashes the tokens once for other uses too."""
        langs = list(languages) if languages is not None else [None] * len(lengths)
        distinct = list(dict.fromkeys(langs))
        common = np.array([[w in sw or w.isdigit() for w in words] for sw in map(stop_words, distinct)], dtype=bool)
        code = {lang: i for i, lang in enumerate(distinct)}
        seg = np.repeat(np.arange(len(lengths), dtype=np.int64), np.asarray(lengths, dtype=np.int64))
        lang_of = np.fromiter((code[lang] for lang in langs), dtype=np.int64, count=len(langs))
        stop = common[lang_of[seg], ids] if len(ids) else np.zeros(0, dtype=bool)
        return cls(hashes, stop, seg)


def number_words(tokens: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """The distinct words of ``tokens`` in first-seen order, and each token's number among them (dicts in C,
    not a loop in Python): what lets a batch hash each distinct word once."""
    words = list(dict.fromkeys(tokens))
    number = dict(zip(words, count()))
    return words, np.fromiter(map(number.__getitem__, tokens), dtype=np.int64, count=len(tokens))


#: word -> ``word_hash``, kept between batches (most words of a batch were in the previous ones); cleared
#: when it reaches ``_HASH_CACHE_SIZE`` words (about 100 MB).
_HASH_CACHE: dict[str, int] = {}
_HASH_CACHE_SIZE = 1_000_000


def word_hashes(words: Sequence[str]) -> np.ndarray:
    """``word_hash`` of each word, as uint64."""
    cache = _HASH_CACHE
    if len(cache) > _HASH_CACHE_SIZE:
        cache.clear()
    for w in words:
        if w not in cache:
            cache[w] = word_hash(w)
    return np.fromiter(map(cache.__getitem__, words), dtype=np.uint64, count=len(words))


def shingles(words: Words, k: int) -> tuple[np.ndarray, np.ndarray]:
    """``(hashes, seg)`` of every k-gram that lies inside one paragraph and is not all stop words."""
    n = len(words.hashes)
    if n < k:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    m = n - k + 1
    acc = np.zeros(m, dtype=np.uint64)
    all_stop = np.ones(m, dtype=bool)
    with np.errstate(over="ignore"):
        for j in range(k):
            acc = mix64(acc * _GOLDEN + words.hashes[j : j + m])
            all_stop &= words.stop[j : j + m]
    keep = (words.seg[: m] == words.seg[k - 1 :]) & ~all_stop
    return acc[keep], words.seg[: m][keep]


def winnow(hashes: np.ndarray, seg: np.ndarray, window: int, *, distinct: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Distinct ``(anchor, seg)`` pairs: minima of every ``window`` consecutive shingles of one paragraph, and
    the single minimum of a paragraph with fewer shingles than that. ``distinct=False``: the same anchors
    unsorted, some more than once (for a caller that sorts and deduplicates anyway)."""
    if not len(hashes):
        return hashes, seg
    values, owners = [], []
    if len(hashes) >= window:
        mins = hashes[: len(hashes) - window + 1].copy()
        for j in range(1, window):
            np.minimum(mins, hashes[j : len(hashes) - window + 1 + j], out=mins)
        inside = seg[: len(mins)] == seg[window - 1 :]
        values.append(mins[inside])
        owners.append(seg[: len(mins)][inside])
    starts = np.flatnonzero(np.r_[True, seg[1:] != seg[:-1]])
    counts = np.diff(np.r_[starts, len(seg)])
    short = counts < window
    if short.any():
        values.append(np.minimum.reduceat(hashes, starts)[short])
        owners.append(seg[starts][short])
    v, o = np.concatenate(values), np.concatenate(owners)
    if not distinct:
        return v, o
    order = np.lexsort((v, o))
    v, o = v[order], o[order]
    first = np.r_[True, (v[1:] != v[:-1]) | (o[1:] != o[:-1])]
    return v[first], o[first]
