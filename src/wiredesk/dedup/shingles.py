"""Shingles and anchors: the hashed pieces of a paragraph's match tokens that the index keys on.

* ``token_hashes`` gives each word a stable 64-bit hash (BLAKE2b, so equal across processes and machines,
  unlike Python's ``hash``); ``shingle_hashes`` combines ``k`` consecutive word hashes into one per k-gram.
* ``winnow`` keeps the minimum shingle hash of every window of ``w`` consecutive shingles (Schleimer, Wilkerson
  and Aiken, "Winnowing", SIGMOD 2003). Two paragraphs that share a run of at least ``w + k - 1`` words are
  guaranteed to share one of these *anchors*; that is what finds partial overlaps, which MinHash (a
  whole-paragraph resemblance) misses when a short paragraph sits inside a long one.

Pure functions over numpy arrays; nothing here touches the database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import numpy as np

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


def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


def token_hashes(tokens: Sequence[str], vocabulary: dict[str, int] | None = None) -> np.ndarray:
    """Stable uint64 hash of each token. ``vocabulary`` is a caller-owned cache reused across one batch."""
    cache = {} if vocabulary is None else vocabulary
    out = np.empty(len(tokens), dtype=np.uint64)
    for i, tok in enumerate(tokens):
        h = cache.get(tok)
        if h is None:
            h = cache[tok] = _word_hash(tok)
        out[i] = h
    return out


def shingle_hashes(word_hashes: np.ndarray, k: int) -> np.ndarray:
    """One uint64 per k-gram of consecutive words (order-sensitive); a text shorter than k is one shingle."""
    n = len(word_hashes)
    if n == 0:
        return np.empty(0, dtype=np.uint64)
    k = min(k, n)
    with np.errstate(over="ignore"):
        acc = np.zeros(n - k + 1, dtype=np.uint64)
        for j in range(k):
            acc = mix64(acc * _GOLDEN + word_hashes[j : n - k + 1 + j])
    return acc


def winnow(hashes: np.ndarray, window: int) -> np.ndarray:
    """The distinct window minima of ``hashes`` (all of them when there are fewer than ``window``)."""
    if len(hashes) <= window:
        return np.unique(hashes[:1]) if len(hashes) else hashes
    view = np.lib.stride_tricks.sliding_window_view(hashes, window)
    return np.unique(view.min(axis=1))


def batch_token_hashes(token_lists: Iterable[Sequence[str]]) -> list[np.ndarray]:
    """``token_hashes`` for many paragraphs sharing one vocabulary cache."""
    vocabulary: dict[str, int] = {}
    return [token_hashes(tokens, vocabulary) for tokens in token_lists]
