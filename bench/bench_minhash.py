"""rensa vs datasketch: MinHash signatures of real paragraphs (the choice behind wiredesk.dedup.minhash).

    python bench/bench_minhash.py                 # 20,000 aeb paragraphs (cycled), 64 permutations, median of 5

Both libraries get the same input, the word-3-gram shingles of each paragraph's match tokens (stop-word-only
shingles dropped, as the index does), and are used the fastest way each offers for a batch:

* rensa 0.5: ``RMinHash.digest_matrix_from_flat_token_hashes`` on the flat uint64 shingle hashes (one call);
* datasketch 2.0: ``MinHash.bulk`` on the shingles as bytes (its default SHA-1 hashing), and ``MinHash`` with
  ``update_batch`` fed the same pre-hashed shingles through an identity hash function.

Also checks both estimate Jaccard similarity equally well on the evaluation set's near pairs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from wiredesk.dedup.matchtext import match_tokens  # noqa: E402
from wiredesk.dedup.minhash import signatures, signatures_datasketch  # noqa: E402
from wiredesk.dedup.shingles import Words, shingles  # noqa: E402


from corpus_path import corpus_dir  # noqa: E402


def shingle_sets(texts: list[str], k: int = 3) -> list[np.ndarray]:
    words = Words.of([match_tokens(t) for t in texts])
    sh, seg = shingles(words, k)
    return [sh[seg == i] for i in range(len(texts))]


def timed(fn, repeats: int) -> float:
    runs = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=20_000)
    ap.add_argument("--num-perm", type=int, default=64)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    truth = json.loads((corpus_dir() / "aeb" / "ground-truth.json").read_text(encoding="utf-8"))
    paras = [p for d in truth.values() for p in d["articleBody"].split("\n") if len(p.split()) >= 6]
    texts = [paras[i % len(paras)] for i in range(args.n)]
    sets = [s for s in shingle_sets(texts) if len(s)]
    as_bytes = [[int(h).to_bytes(8, "little") for h in s] for s in sets]
    from datasketch import MinHash

    results = {
        "rensa digest_matrix_from_flat_token_hashes": timed(lambda: signatures(sets, args.num_perm, 1), args.repeats),
        "datasketch MinHash.bulk (SHA-1 of shingle bytes)": timed(
            lambda: MinHash.bulk(as_bytes, num_perm=args.num_perm, seed=1), max(1, args.repeats // 2)),
        "datasketch update_batch (pre-hashed)": timed(
            lambda: signatures_datasketch(sets, args.num_perm, 1), max(1, args.repeats // 2)),
    }
    print(f"{len(sets)} paragraphs, {sum(map(len, sets))} shingles, num_perm={args.num_perm}, median seconds:")
    base = results["rensa digest_matrix_from_flat_token_hashes"]
    for name, sec in results.items():
        print(f"| {name} | {sec:.3f} s | {len(sets) / sec:,.0f} paragraphs/s | {sec / base:.1f}x |")
    # estimation quality: mean absolute error of estimated vs true shingle Jaccard on near pairs
    pairs = [json.loads(x) for x in (HERE / "data" / "dedup_pairs.jsonl").read_text().splitlines()]
    near = [p for p in pairs if p["label"] == "near"]
    sa, sb = shingle_sets([p["a"] for p in near]), shingle_sets([p["b"] for p in near])
    keep = [i for i in range(len(near)) if len(sa[i]) and len(sb[i])]
    true = np.array([len(np.intersect1d(sa[i], sb[i])) / len(np.union1d(sa[i], sb[i])) for i in keep])
    for name, fn in (("rensa", signatures), ("datasketch", signatures_datasketch)):
        ma, mb = fn([sa[i] for i in keep], 128, 1), fn([sb[i] for i in keep], 128, 1)
        est = (ma == mb).mean(axis=1)
        print(f"{name}: mean |estimated - true| shingle Jaccard over {len(keep)} near pairs (128 perms): "
              f"{np.abs(est - true).mean():.3f}")


if __name__ == "__main__":
    main()
