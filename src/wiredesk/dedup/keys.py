"""Index keys of a batch of paragraphs: LSH band keys (near) plus winnowing anchors (partial).

Pure: match tokens in, sorted distinct int64 keys out, one array per paragraph. Paragraphs with fewer than
``settings.min_tokens`` tokens get no keys (they only ever link exactly).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from wiredesk.dedup.minhash import ANCHOR_TAG, band_keys, signatures, tag_keys
from wiredesk.dedup.settings import DedupSettings
from wiredesk.dedup.shingles import batch_token_hashes, shingle_hashes, winnow

_EMPTY = np.empty(0, dtype=np.int64)


def compute_keys(token_lists: Sequence[Sequence[str]], settings: DedupSettings) -> list[np.ndarray]:
    """Sorted distinct keys per paragraph (empty for paragraphs too short to index)."""
    eligible = [i for i, toks in enumerate(token_lists) if len(toks) >= settings.min_tokens]
    word_hashes = batch_token_hashes([token_lists[i] for i in eligible])
    minhash_shingles = [shingle_hashes(wh, settings.shingle_words) for wh in word_hashes]
    bands = band_keys(signatures(minhash_shingles, settings.num_perm, settings.seed), settings.bands)
    out = [_EMPTY] * len(token_lists)
    for row, i in enumerate(eligible):
        anchors = tag_keys(winnow(shingle_hashes(word_hashes[row], settings.anchor_words), settings.anchor_window), ANCHOR_TAG)
        out[i] = np.unique(np.concatenate([bands[row], anchors]))
    return out
