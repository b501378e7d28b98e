"""Index keys of a batch of paragraphs: LSH band keys (near) plus winnowing anchors (partial).

Pure and vectorized over the batch: match tokens in, distinct int64 keys with the paragraph each belongs to
out. Paragraphs with fewer than ``settings.min_tokens`` tokens, or with nothing but stop words, get no keys
(they only ever link exactly).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, compress

import numpy as np

from wiredesk.dedup.minhash import ANCHOR_TAG, band_keys, signatures_flat, tag_keys
from wiredesk.dedup.settings import DedupSettings
from wiredesk.dedup.shingles import Words, shingles, winnow


@dataclass(frozen=True)
class BatchKeys:
    """``keys[i]`` belongs to paragraph number ``owner[i]`` (an index into the batch); sorted by owner."""

    keys: np.ndarray  # int64
    owner: np.ndarray  # int64

    def of(self, i: int) -> np.ndarray:
        """The keys of paragraph ``i`` (for tests and the evaluation script)."""
        lo, hi = np.searchsorted(self.owner, [i, i + 1])
        return self.keys[lo:hi]


def compute_keys(token_lists: Sequence[Sequence[str]], settings: DedupSettings,
                 languages: Sequence[str | None] | None = None) -> BatchKeys:
    """Distinct keys per paragraph of the batch; ``languages[i]`` is paragraph ``i``'s document language
    (``None``: unknown), which chooses the common words whose shingles are dropped."""
    return compute_keys_flat(list(chain.from_iterable(token_lists)), [len(t) for t in token_lists], settings, languages)


def compute_keys_flat(tokens: Sequence[str], lengths: Sequence[int], settings: DedupSettings,
                      languages: Sequence[str | None] | None = None) -> BatchKeys:
    """``compute_keys`` of the batch's tokens flattened, ``lengths[i]`` of them paragraph ``i``'s (what
    ``matchtext.match_tokens_batch`` returns)."""
    n_tokens = np.asarray(lengths, dtype=np.int64)
    eligible = np.flatnonzero(n_tokens >= settings.min_tokens)
    langs = [languages[i] for i in eligible] if languages is not None else None
    if len(eligible) < len(n_tokens):
        keep = np.repeat(n_tokens >= settings.min_tokens, n_tokens)
        tokens = list(compress(tokens, keep.tolist()))
    return _keys_of(Words.of_flat(tokens, n_tokens[eligible].tolist(), langs), eligible, n_tokens, settings)


def compute_keys_words(words: Words, lengths: Sequence[int], settings: DedupSettings) -> BatchKeys:
    """``compute_keys_flat`` from the batch's ``Words`` (every paragraph's tokens, hashed once: see
    ``wiredesk.dedup.tokenwork``); ``lengths[i]`` tokens are paragraph ``i``'s."""
    n_tokens = np.asarray(lengths, dtype=np.int64)
    long_enough = n_tokens >= settings.min_tokens
    eligible = np.flatnonzero(long_enough)
    if len(eligible) < len(n_tokens):
        keep = long_enough[words.seg]
        number = np.cumsum(long_enough) - 1  # a paragraph's number among the eligible ones
        words = Words(words.hashes[keep], words.stop[keep], number[words.seg[keep]])
    return _keys_of(words, eligible, n_tokens, settings)


def _keys_of(words: Words, eligible: np.ndarray, n_tokens: np.ndarray, settings: DedupSettings) -> BatchKeys:
    """The keys of the ``eligible`` paragraphs, whose words (numbered among them) are ``words``."""
    # 1. MinHash band keys over word shingles, for paragraphs that have any
    sh, sh_seg = shingles(words, settings.shingle_words)
    has = np.unique(sh_seg)
    offsets = np.searchsorted(sh_seg, np.r_[has, len(eligible)]) if len(has) else np.zeros(1, dtype=np.int64)
    bands = band_keys(signatures_flat(sh, offsets, settings.num_perm, settings.seed), settings.bands)
    band_owner = np.repeat(has, settings.bands)
    # 2. anchors over longer shingles: winnowed, except in short paragraphs, which keep every one (two
    #    edits in a 15-word paragraph leave MinHash bands to chance and winnowing one or two anchors)
    an, an_seg = shingles(words, settings.anchor_words)
    lengths = n_tokens[eligible]
    dense = lengths[an_seg] < settings.dense_anchor_tokens if len(an) else np.zeros(0, dtype=bool)
    wa, wa_seg = winnow(an[~dense], an_seg[~dense], settings.anchor_window, distinct=False)
    an, an_seg = np.concatenate([wa, an[dense]]), np.concatenate([wa_seg, an_seg[dense]])
    keys = np.concatenate([bands.reshape(-1), tag_keys(an, ANCHOR_TAG)])
    owner = np.concatenate([band_owner, an_seg])
    order = np.lexsort((keys, owner))
    keys, owner = keys[order], owner[order]
    first = np.r_[True, (keys[1:] != keys[:-1]) | (owner[1:] != owner[:-1])] if len(keys) else np.zeros(0, bool)
    return BatchKeys(keys[first], eligible[owner[first]] if len(eligible) else owner[first])
