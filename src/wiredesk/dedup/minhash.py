"""MinHash signatures and LSH band keys for near-duplicate candidate search.

A paragraph's signature is the MinHash of its word-shingle hashes (``wiredesk.dedup.shingles``); rensa's
``RMinHash`` computes a whole batch in one call (about 10x faster than datasketch here, see BENCHMARKS.md,
``bench/bench_minhash.py``). The signature is cut into ``bands`` bands of ``num_perm / bands`` values; each band
is hashed, with its band number, into one signed 64-bit *band key*. Two paragraphs become near-duplicate
candidates when they share any band key, which happens with probability ``1 - (1 - J^r)^b`` for shingle
Jaccard ``J``.

Only the band keys are stored (table ``dedup_keys``); the signatures themselves are not needed after that,
so changing the banding means recomputing from text (``rebuild_index``). Not the decision: candidates are
verified on the actual words by ``wiredesk.dedup.verify``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rensa import RMinHash

from wiredesk.dedup.shingles import mix64

#: Tags that keep band keys and anchors apart in the one key column (top byte of the key).
BAND_TAG = 0x01
ANCHOR_TAG = 0x02


def signatures_flat(flat: np.ndarray, offsets: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    """MinHash signatures with rensa of rows ``flat[offsets[i]:offsets[i+1]]`` (uint64 shingle hashes; rows must
    not be empty): uint32 matrix ``(len(offsets) - 1, num_perm)``."""
    rows = len(offsets) - 1
    if rows <= 0:
        return np.empty((0, num_perm), dtype=np.uint32)
    matrix = RMinHash.digest_matrix_from_flat_token_hashes(
        np.ascontiguousarray(flat, dtype=np.uint64), np.asarray(offsets, dtype=np.uint64), num_perm, seed
    )
    return np.asarray(matrix.to_rows(), dtype=np.uint32).reshape(rows, num_perm)


def signatures(shingle_sets: Sequence[np.ndarray], num_perm: int, seed: int) -> np.ndarray:
    """``signatures_flat`` for a list of per-paragraph shingle arrays."""
    lengths = np.fromiter((len(s) for s in shingle_sets), dtype=np.int64, count=len(shingle_sets))
    flat = np.concatenate([*shingle_sets, np.empty(0, dtype=np.uint64)]).astype(np.uint64)
    return signatures_flat(flat, np.r_[0, np.cumsum(lengths)], num_perm, seed)


def signatures_datasketch(shingle_sets: Sequence[np.ndarray], num_perm: int, seed: int) -> np.ndarray:
    """The same signatures computed with datasketch (kept for the benchmark that compares the two)."""
    from datasketch import MinHash  # lazy on purpose: only the benchmark comparing the two installs it

    out = np.empty((len(shingle_sets), num_perm), dtype=np.uint32)
    for i, hashes in enumerate(shingle_sets):
        m = MinHash(num_perm=num_perm, seed=seed, hashfunc=lambda b: int.from_bytes(b, "little") & 0xFFFFFFFF)
        m.update_batch([int(h).to_bytes(8, "little") for h in hashes])
        out[i] = m.hashvalues.astype(np.uint32)
    return out


def tag_keys(values: np.ndarray, tag: int) -> np.ndarray:
    """Fold uint64 hashes into signed int64 keys whose top byte is ``tag``."""
    body = values.astype(np.uint64) & np.uint64(0x00FFFFFFFFFFFFFF)
    return (body | np.uint64(tag << 56)).view(np.int64)


def band_keys(signature_matrix: np.ndarray, bands: int) -> np.ndarray:
    """int64 matrix ``(n, bands)``: one key per band, distinct across bands even for equal band values."""
    n, num_perm = signature_matrix.shape
    rows = num_perm // bands
    sig = signature_matrix.astype(np.uint64).reshape(n, bands, rows)
    acc = np.broadcast_to(np.arange(1, bands + 1, dtype=np.uint64), (n, bands)).copy()
    with np.errstate(over="ignore"):
        for j in range(rows):
            acc = mix64(acc * np.uint64(0x100000001B3) + sig[:, :, j])
    return tag_keys(acc, BAND_TAG)
