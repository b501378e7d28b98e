"""Does the story step of a batch cost the same against 1,000,000 stored documents as against 100,000?

    python bench/bench_stories_scale.py                       # 100k, 300k and 1M stored, a batch of 200, best of 3
    python bench/bench_stories_scale.py --sizes 100000,1000000 --batch 10000 --repeat 2   # the issue's batch

For each store size it builds (once; kept in ``--dir``, default the system's temporary folder) a real
wiredesk database (``Store.open``: every migration) whose story tables hold that many synthetic assigned
documents, then times the story step of one batch of ``--batch`` new synthetic documents (default: the
pipeline's batch, ``ingest.batch_size``) through the real store code: ``wiredesk.store.stories.read_state``
(the candidate read and the loads), ``wiredesk.stories.assign`` and ``wiredesk.store.stories.write_result``, in
a transaction that is rolled back so every repeat sees the same store. The issue's target: 1,000,000 stored costs at most 1.5x what 100,000 stored costs.

Synthetic documents: 40 kept features each from a vocabulary of 2,000,000 (log-uniformly drawn, so a few
features are in most documents and most are rare, as words are), 8 of them the topic features of the
document's story (stories of four documents spread over sixteen arrivals). Half of the batch continues
stories of the latest 2,000 stored documents, half starts new ones. The stored rows are written by SQL, not
by replaying a million ``assign`` calls; they have the shapes and orders the writer gives them (postings
appended in ``seq`` order, one assignment row per document, one document-frequency row per feature).

Prints a line per size as it goes, then one Markdown table: the step's seconds per size (read, assign, write,
total), the postings read and documents loaded (the work, which should not grow with the store), and the ratio
largest / smallest. Building the three default stores takes about two minutes the first time (kept in ``--dir``
for the next run); the timed steps take seconds. Speed figures from a loaded machine are not figures:
re-measure on an idle one (BENCHMARKS.md, Growth).
"""

from __future__ import annotations

import argparse
import math
import random
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np

from wiredesk.domain.settings import IngestSettings
from wiredesk.store import Store
from wiredesk.store.stories import DERIVED_BY, TermKeys, read_state, term_key, write_result
from wiredesk.stories import DocFeatures, Settings, assign

VOCABULARY = 2_000_000
TOPIC = 8          # topic features per document (its story's)
BACKGROUND = 32    # other features per document
SPREAD = 16        # a story's four documents arrive among this many


def feature(idx: int) -> str:
    # one in five a name, so the type weights and the name rules see some
    return f"n:name{idx}" if idx % 5 == 0 else f"w:t{idx}"


def build(path: Path, stored: int) -> None:
    """A wiredesk database with ``stored`` synthetic assigned documents (module docstring)."""
    Store.open(path).close()  # the real schema
    t0 = time.perf_counter()
    idx = np.arange(VOCABULARY, dtype=np.int64)
    vocab = {"idx": idx, "feature": np.array([feature(int(i)) for i in idx], dtype=object),  # noqa: F841
             "term": np.array([term_key(feature(int(i))) for i in idx], dtype=np.int64)}
    con = duckdb.connect(str(path))
    con.execute("SET preserve_insertion_order = true")
    params = {"n": stored, "v": VOCABULARY, "spread": SPREAD, "topic": TOPIC, "background": BACKGROUND}
    con.execute("CREATE TEMP TABLE vocab AS SELECT * FROM vocab")
    con.execute(
        """
        CREATE TEMP TABLE feats AS
        SELECT seq, idx, max(weight) AS weight FROM (
            SELECT d AS seq, 1000 + (hash(d // $spread * 4 + d % 4, j) % ($v - 1000))::BIGINT AS idx,
                   1.0 + ln(2) AS weight
            FROM range($n) t(d), range($topic) u(j)
            UNION ALL
            SELECT d, least($v - 1, floor(exp(hash(d, j + 100) / 1.8446744073709552e19 * ln($v)))::BIGINT - 1), 1.0
            FROM range($n) t(d), range($background) u(j)
        ) GROUP BY seq, idx
        """, params)
    con.execute("BEGIN")
    con.execute("INSERT INTO story_postings SELECT v.term, f.seq FROM feats f JOIN vocab v USING (idx) "
                "ORDER BY f.seq")
    con.execute("INSERT INTO story_df SELECT v.term, count(*) FROM feats f JOIN vocab v USING (idx) GROUP BY v.term")
    con.execute(
        """
        INSERT INTO story_assignments
        SELECT f.seq + 1, f.seq // $spread * 4 + f.seq % 4 + 1, f.seq, 'joined', 0.5, NULL, []::BIGINT[], NULL,
               map(list(v.feature ORDER BY v.feature), list(f.weight ORDER BY v.feature)), $derived, 0
        FROM feats f JOIN vocab v USING (idx) GROUP BY f.seq ORDER BY f.seq
        """, {"spread": SPREAD, "derived": DERIVED_BY})
    con.execute(
        """
        INSERT INTO story_rows
        SELECT story_id, count(*), min(seq), max(seq), NULL, NULL, MAP {}::MAP(VARCHAR, DOUBLE), []::VARCHAR[],
               $derived, 0
        FROM story_assignments GROUP BY story_id
        """, {"derived": DERIVED_BY})
    con.execute("COMMIT")
    con.execute("CHECKPOINT")
    con.close()
    print(f"  built {stored:,} stored documents in {time.perf_counter() - t0:.0f} s -> {path}")


def batch(path: Path, size: int, seed: int) -> list[DocFeatures]:
    """``size`` new documents: half continue stories of the latest 2,000 stored documents, half start new ones."""
    rng = random.Random(seed)
    con = duckdb.connect(str(path), read_only=True)
    n, first_id = con.execute("SELECT max(seq) + 1, max(document_id) + 1 FROM story_assignments").fetchone()
    recent = con.execute("SELECT features FROM story_assignments WHERE seq >= ? ORDER BY seq", [n - 2000]).fetchall()
    con.close()
    out = []
    for i in range(size):
        if i % 2 == 0:  # the topic features of a recent story (the heavier ones of a recent document)
            stored = rng.choice(recent)[0]
            topic = [f for f, w in stored.items() if w > 1.0]
        else:
            topic = [feature(rng.randrange(1000, VOCABULARY)) for _ in range(TOPIC)]
        counts = {f: 2.0 for f in topic}
        for _ in range(BACKGROUND):
            counts.setdefault(feature(min(VOCABULARY - 1, int(math.exp(rng.random() * math.log(VOCABULARY))) - 1)), 1.0)
        out.append(DocFeatures(first_id + i, "en", counts))
    return out


def time_step(path: Path, docs: list[DocFeatures], settings: Settings) -> dict[str, float]:
    """The story step of ``docs`` against the store at ``path``, rolled back; seconds per part and sizes."""
    con = duckdb.connect(str(path))
    try:
        con.execute("BEGIN")
        keys = TermKeys()
        t0 = time.perf_counter()
        state = read_state(con, docs, settings, keys)
        t1 = time.perf_counter()
        result = assign(docs, state, settings)
        t2 = time.perf_counter()
        write_result(con, result, docs, state, 0, keys)
        t3 = time.perf_counter()
        con.execute("ROLLBACK")
    finally:
        con.close()
    joined = sum(1 for a in result.assignments if a.method == "joined")
    return {"read": t1 - t0, "assign": t2 - t1, "write": t3 - t2, "total": t3 - t0,
            "postings": sum(len(p) for p in state.postings.values()), "loaded": len(state.documents),
            "joined": joined}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", "--stored", dest="sizes", default="100000,300000,1000000",
                    help="stored documents, comma-separated (default: %(default)s)")
    ap.add_argument("--batch", type=int, default=IngestSettings().batch_size,
                    help="new documents in the timed batch (default: %(default)s, the pipeline's ingest.batch_size)")
    ap.add_argument("--repeat", type=int, default=3, help="timed repeats per size, the best counts (default: %(default)s)")
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "wiredesk-bench-stories",
                    help="where the stores are built and kept (default: %(default)s)")
    ap.add_argument("--rebuild", action="store_true", help="build the stores again even if present")
    args = ap.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    settings = Settings()
    started = time.perf_counter()
    best: dict[int, dict[str, float]] = {}
    for stored in sorted(int(s) for s in args.sizes.split(",") if s):
        path = args.dir / f"stories-{stored}.duckdb"
        if args.rebuild or not path.exists():
            path.unlink(missing_ok=True)
            build(path, stored)
        docs = batch(path, args.batch, seed=stored)
        runs = [time_step(path, docs, settings) for _ in range(args.repeat)]
        best[stored] = min(runs, key=lambda r: r["total"])
        r = best[stored]
        print(f"{stored:>9,} stored: {r['total']:.2f} s (read {r['read']:.2f}, assign {r['assign']:.2f}, write "
              f"{r['write']:.2f}); {r['postings']:,} postings read, {r['loaded']:,} documents loaded, "
              f"{r['joined']:,} of {args.batch:,} joined a stored story", flush=True)
    sizes = sorted(best)
    print(f"\nthe story step of one batch of {args.batch:,} new documents, best of {args.repeat} "
          f"({time.perf_counter() - started:.0f} s in all):\n")
    print("| stored | step | candidate read | assign | writes | postings read | documents loaded |")
    print("|---|---|---|---|---|---|---|")
    for n in sizes:
        r = best[n]
        print(f"| {n:,} | {r['total']:.2f} s | {r['read']:.2f} s | {r['assign']:.2f} s | {r['write']:.2f} s | "
              f"{r['postings']:,} | {r['loaded']:,} |")
    if len(sizes) > 1:
        small, large = best[sizes[0]], best[sizes[-1]]
        print(f"\nratio {sizes[-1]:,} / {sizes[0]:,} stored: {large['total'] / small['total']:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
