"""What makes the candidates of a near-stage batch, and what a rule on common keys would keep of them.

    python bench/dedup_candidates.py --db /tmp/wd-bench-dedup.duckdb              # 3 probe batches, rolled back
    python bench/dedup_candidates.py --db /tmp/wd-bench-dedup.duckdb --time-sql   # and the SQL of the rule, timed

Against a store made by ``bench_dedup.py``: each of ``--repeats`` probe batches is made as that benchmark's probe
makes it (10,000 generated paragraphs, the same generator seed), linked by the real stage
(``near_index.link_near``) and rolled back. For each batch, its candidate pairs (``near_index.find_candidates``)
are split by what came of them: *linked*; *kept* by the sketch filter but not linked; *rejected* by the filter
(``sketch.filter_pairs``). For each class: the kinds of keys the pair shares (band keys, anchors only), how many,
and how common they are: the *carriers* of a key are the indexed paragraphs that carry it.

Then the rule this measures before anyone ships it: *a key carried by more than C indexed paragraphs counts half
towards ``min_shared_keys``* (band keys still make a candidate alone), for each C of ``--caps``: how many
rejected candidates it spares the filter, and how many linked pairs it would lose. ``--time-sql`` times the
candidate query as it is against the same query with the rule in it (counting the carriers of the batch's keys
in SQL), interleaved, on the same batch. Nothing is written to the store.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter, deque
from pathlib import Path

import duckdb
import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_dedup import worker_tokens  # noqa: E402
from synthetic import PER_DOC, Generator, insert_documents  # noqa: E402

from wiredesk.dedup.keys import BatchKeys  # noqa: E402
from wiredesk.dedup.matchtext import match_tokens_batch  # noqa: E402
from wiredesk.dedup.minhash import ANCHOR_TAG, BAND_TAG, tag_keys  # noqa: E402
from wiredesk.dedup.settings import DedupSettings  # noqa: E402
from wiredesk.dedup.shingles import Words, shingles  # noqa: E402
from wiredesk.dedup.sketch import filter_pairs  # noqa: E402
from wiredesk.store.near_index import find_candidates, link_near, load_sketches  # noqa: E402

#: The candidate query with the rule: the batch's keys' rows are found once (``hits``), the keys more than
#: ``$common`` of them carry are counted (``common``), and such a key counts half in the pair's shared keys.
HALF_WEIGHT_SQL = """
WITH hits AS MATERIALIZED (
    SELECT k.key, k.paragraph_id AS dst FROM dedup_keys k SEMI JOIN probe b ON k.key = b.key
),
common AS (SELECT key FROM hits GROUP BY key HAVING count(*) > $common)
SELECT DISTINCT least(src, dst) AS a, greatest(src, dst) AS b FROM (
    SELECT b.src, h.dst, count(*) AS shared
    FROM probe b JOIN hits h ON h.key = b.key
    WHERE h.dst <> b.src
    GROUP BY b.src, h.dst
    HAVING 2 * count(*) - count(*) FILTER (WHERE b.key IN (SELECT key FROM common)) >= 2 * $min_shared
        OR bool_or(b.key >> 56 = $band_tag)
)
QUALIFY row_number() OVER (PARTITION BY src ORDER BY shared DESC, dst) <= $cap
ORDER BY a, b
"""

#: Every (batch paragraph, indexed paragraph, shared key) with the key's carriers.
SHARED_SQL = """
WITH hits AS (SELECT k.key, k.paragraph_id AS dst FROM dedup_keys k SEMI JOIN probe b ON k.key = b.key),
carriers AS (SELECT key, count(*) AS n FROM hits GROUP BY key)
SELECT b.src, h.dst, c.n AS carriers, (b.key >> 56) = $band_tag AS band
FROM probe b JOIN hits h ON h.key = b.key JOIN carriers c ON c.key = b.key
WHERE h.dst <> b.src
"""


def batch_keys(con, ids: list[int]) -> BatchKeys:
    """The keys the stage stored for the batch ``ids`` (consecutive ids), as ``BatchKeys``."""
    got = con.execute("SELECT key, paragraph_id FROM dedup_keys WHERE paragraph_id BETWEEN ? AND ? "
                      "ORDER BY paragraph_id, key", [ids[0], ids[-1]]).fetchnumpy()
    return BatchKeys(np.asarray(got["key"], dtype=np.int64), np.asarray(got["paragraph_id"], dtype=np.int64) - ids[0])


def keeps(shared: list[tuple[int, bool]], cap: int, settings: DedupSettings) -> bool:
    """Whether a pair sharing these ``(carriers, is_band)`` keys is a candidate under the half-weight rule."""
    weight = sum(1 if carriers > cap else 2 for carriers, _ in shared)
    return weight >= 2 * settings.min_shared_keys or any(band for _, band in shared)


def anchor_offsets(con, pairs: list[tuple[int, int]], settings: DedupSettings) -> dict[tuple[int, int], Counter]:
    """Per pair of paragraphs: for each alignment offset (position in the second minus position in the first),
    how many distinct shared anchor keys occur at it. Two anchors of one shared run of words are at the same
    offset; two common phrases met by chance are at any two offsets."""
    ids = sorted({pid for pair in pairs for pid in pair})
    wanted = {"id": np.asarray(ids, dtype=np.int64)}  # noqa: F841
    rows = con.execute("SELECT p.paragraph_id, p.text, d.language FROM paragraphs p JOIN documents d "
                       "USING (document_id) WHERE p.paragraph_id IN (SELECT id FROM wanted)").fetchall()
    tokens, _, lengths = match_tokens_batch([r[1] for r in rows])
    words = Words.of_flat(tokens, lengths, [r[2] for r in rows])
    starts = np.r_[0, np.cumsum(lengths)]
    where: dict[int, dict[int, list[int]]] = {}
    for i, row in enumerate(rows):
        lo, hi = int(starts[i]), int(starts[i + 1])
        n = hi - lo
        # every word 4-gram of the paragraph, in order (none dropped: positions are what is wanted here)
        one = Words(words.hashes[lo:hi], np.zeros(n, dtype=bool), np.zeros(n, dtype=np.int64))
        grams, _ = shingles(one, settings.anchor_words)
        at: dict[int, list[int]] = {}
        for pos, key in enumerate(tag_keys(grams, ANCHOR_TAG).tolist()):
            at.setdefault(key, []).append(pos)
        where[row[0]] = at
    out = {}
    for a, b in pairs:
        pa, pb = where.get(a, {}), where.get(b, {})
        offsets: Counter = Counter()
        for key in pa.keys() & pb.keys():
            offsets.update({j - i for i in pa[key] for j in pb[key]})
        out[(a, b)] = offsets
    return out


def analyse(con, ids: list[int], links: set[tuple[int, int]], settings: DedupSettings, caps: list[int],
            time_sql: bool, positions: bool = False) -> dict:
    keys = batch_keys(con, ids)
    pairs = find_candidates(con, ids, keys, settings)
    kept = filter_pairs(pairs, load_sketches(con, np.unique(pairs).tolist()), settings)
    kept_set = set(map(tuple, kept.tolist()))
    probe = {"key": keys.keys, "src": np.asarray(ids, dtype=np.int64)[keys.owner]}  # noqa: F841
    rows = con.execute(SHARED_SQL, {"band_tag": BAND_TAG}).fetchnumpy()
    shared: dict[tuple[int, int], list[tuple[int, bool]]] = {}
    for s, d, n, band in zip(rows["src"].tolist(), rows["dst"].tolist(), rows["carriers"].tolist(),
                             rows["band"].tolist()):
        shared.setdefault((min(s, d), max(s, d)), []).append((n, band))

    def klass(pair):
        return "linked" if pair in links else "kept" if pair in kept_set else "rejected"

    out = {"candidates": len(pairs), "kept": len(kept), "linked": len(links), "by_keys": Counter(),
           "n_shared": Counter(), "second_rarest": {}, "rule": {}}
    second: dict[str, list[int]] = {"linked": [], "kept": [], "rejected": []}
    for pair in map(tuple, pairs.tolist()):
        ks, k = shared.get(pair, []), klass(pair)
        bands = sum(band for _, band in ks)
        kind = "anchors only" if not bands else "one band key only" if bands == len(ks) == 1 else "band keys"
        out["by_keys"][(k, kind)] += 1
        out["n_shared"][(k, min(len(ks), 8))] += 1
        if len(ks) >= 2:
            second[k].append(sorted(n for n, _ in ks)[1])
    out["second_rarest"] = {k: np.percentile(v, [10, 50, 90, 99]).tolist() if v else None for k, v in second.items()}
    for cap in caps:
        c = Counter()
        for pair in map(tuple, pairs.tolist()):
            c[(klass(pair), keeps(shared.get(pair, []), cap, settings))] += 1
        out["rule"][cap] = {"rejected_dropped": c[("rejected", False)], "kept_dropped": c[("kept", False)],
                            "linked_dropped": c[("linked", False)],
                            "candidates_left": sum(v for (_, ok), v in c.items() if ok)}
    if positions:
        # anchors-only pairs: do two shared anchors sit at one alignment offset (one shared run), or within
        # a few words of one (a run with a small edit between them)?
        only_anchors = [pair for pair in map(tuple, pairs.tolist())
                        if shared.get(pair) and not any(band for _, band in shared[pair])]
        offsets = anchor_offsets(con, only_anchors, settings)
        wanted = {"id": np.unique(np.asarray(only_anchors, dtype=np.int64))}  # noqa: F841
        n_tokens = dict(con.execute("SELECT paragraph_id, n_tokens FROM dedup_paragraphs "
                                    "WHERE paragraph_id IN (SELECT id FROM wanted)").fetchall())
        c, dense = Counter(), Counter()
        for pair in only_anchors:
            offs = offsets[pair]
            same = any(n >= 2 for n in offs.values())
            near = same or any(offs.get(o + d, 0) for o in offs for d in (1, 2, 3))
            c[(klass(pair), "same offset" if same else "offsets 1-3 apart" if near else "apart")] += 1
            # short paragraphs keep every anchor (dense_anchor_tokens); long ones the winnowed ones
            short = sum(n_tokens.get(pid, 0) < settings.dense_anchor_tokens for pid in pair)
            dense[(klass(pair), ("both long", "one short", "both short")[short], min(len(shared[pair]), 4))] += 1
        out["positions"], out["density"] = c, dense
    if time_sql:
        params = {"min_shared": settings.min_shared_keys, "band_tag": BAND_TAG, "cap": settings.max_candidates}
        times: dict[str, list[float]] = {"as is": [], **{f"rule C={cap}": [] for cap in caps}}
        for _ in range(5):
            t = time.perf_counter()
            find_candidates(con, ids, keys, settings)
            times["as is"].append(time.perf_counter() - t)
            for cap in caps:
                t = time.perf_counter()
                con.execute(HALF_WEIGHT_SQL, {**params, "common": cap}).fetchnumpy()
                times[f"rule C={cap}"].append(time.perf_counter() - t)
        out["sql_seconds"] = {k: round(statistics.median(v), 4) for k, v in times.items()}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True, help="a store made by bench_dedup.py")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--batch", type=int, default=10_000)
    ap.add_argument("--caps", type=int, nargs="*", default=[100, 200, 500])
    ap.add_argument("--time-sql", action="store_true")
    ap.add_argument("--positions", action="store_true",
                    help="for pairs sharing anchors only: are two shared anchors at one alignment offset?")
    args = ap.parse_args()
    con = duckdb.connect(str(args.db))
    con.execute("SET memory_limit = '4GB'")
    settings = DedupSettings()
    stored = con.execute("SELECT count(*) FROM paragraphs").fetchone()[0]
    next_doc = con.execute("SELECT max(document_id) + 1 FROM documents").fetchone()[0]
    next_par = con.execute("SELECT max(paragraph_id) + 1 FROM paragraphs").fetchone()[0]
    gen = Generator(seed=2)  # as bench_dedup.py --probe-only: the same batches
    gen.recent.extend(r[0] for r in con.execute(
        "SELECT text FROM paragraphs ORDER BY paragraph_id DESC LIMIT 20000").fetchall()[::-1])
    recent = deque(gen.recent, maxlen=gen.recent.maxlen)
    print(f"{stored:,} paragraphs stored")
    for repeat in range(args.repeats):
        gen.recent = deque(recent, maxlen=recent.maxlen)
        con.execute("BEGIN TRANSACTION")
        texts = [gen.next() for _ in range(args.batch // PER_DOC * PER_DOC)]
        ids = insert_documents(con, gen, next_doc, next_par, args.batch // PER_DOC, texts)
        carried, _ = worker_tokens(texts, ids, settings, True)
        res = link_near(con, ids, settings, run_id=0, carried=carried)
        links = {(min(k.paragraph_id, k.duplicate_of), max(k.paragraph_id, k.duplicate_of)) for k in res.new_links}
        out = analyse(con, ids, links, settings, args.caps, args.time_sql, args.positions)
        con.execute("ROLLBACK")
        print(f"\nbatch {repeat + 1}: {out['candidates']:,} candidates, {out['kept']:,} kept by the sketch filter, "
              f"{out['linked']:,} linked pairs")
        for (k, kind), n in sorted(out["by_keys"].items()):
            print(f"  {k:9s} {kind:18s} {n:7,}")
        for k in ("linked", "kept", "rejected"):
            dist = ", ".join(f"{n if n < 8 else '8+'}: {v:,}" for (kk, n), v in sorted(out["n_shared"].items()) if kk == k)
            print(f"  {k:9s} shared keys: {dist}")
            print(f"  {k:9s} carriers of the second rarest shared key, percentiles 10/50/90/99: {out['second_rarest'][k]}")
        for cap, r in out["rule"].items():
            print(f"  rule C={cap}: candidates left {r['candidates_left']:,}; dropped: rejected {r['rejected_dropped']:,}, "
                  f"kept {r['kept_dropped']:,}, linked {r['linked_dropped']:,}")
        for (k, where), n in sorted(out.get("positions", {}).items()):
            print(f"  anchors only, {k:9s} two shared anchors at {where:18s} {n:7,}")
        for (k, short, n_keys), n in sorted(out.get("density", {}).items()):
            print(f"  anchors only, {k:9s} {short:10s} sharing {n_keys if n_keys < 4 else '4+'} anchors {n:7,}")
        if "sql_seconds" in out:
            print(f"  candidate SQL, median of 5 (s): {out['sql_seconds']}")


if __name__ == "__main__":
    main()
