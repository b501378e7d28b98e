"""Benchmark the near-duplicate index at scale: 1M real-length paragraphs in a DuckDB file.

    python bench/bench_dedup.py                         # 1,000,000 paragraphs, batches of 10,000 (about 20 min)
    python bench/bench_dedup.py --paragraphs 200000     # smaller
    python bench/bench_dedup.py --out bench/results/dedup_1m.json
    python bench/bench_dedup.py --probe-only --db FILE --fill-sketches  # a store built before token sketches
    python bench/bench_dedup.py --inline                # the stage makes the batch's token work (no workers)
    python bench/bench_dedup.py --window-days 10        # each batch a run a day, linked within dedup.window_days

Paragraphs are generated from the aeb corpus's article bodies (../shared/corpus/aeb, WIREDESK_CORPUS overrides;
nothing is copied into the repository):

* 80 % *new* paragraphs: one to three real sentences from random articles with 80 % of their content words
  swapped (90 %) for random words of the corpus vocabulary (the 150 most frequent words kept), so length, vocabulary
  and common phrases are those of news text but the paragraph is new (two paragraphs made from the same real
  sentence share a key about 7 % of the time and verify as duplicates almost never, like two stories on one topic);
* 12 % near copies (two copy-desk edits, bench/make_dedup_pairs.py), 5 % partial overlaps (a run of 12+ words
  inside new sentences) and 3 % exact copies of a paragraph among the 20,000 generated just before (a news
  cycle: copies of a story appear within days of it, so clusters of copies stay news-sized as the store grows).

Documents of 20 paragraphs are inserted with plain SQL (not timed) and then linked by the real stage,
``wiredesk.store.near_index.link_near``, one transaction per batch, as ``Store.write_batch`` does. The cleaning
workers are modelled: the batch's match tokens, keys and sketches are made per document as a worker makes them
(``tokenwork.articles_token_work``), pickled and unpickled, and carried to the stage; their CPU seconds and
pickled size are reported apart from the stage time (``--inline``: the stage makes them, as before). At 100k and at
1M stored paragraphs, three extra probe batches are linked and rolled back: their median is the cost of a
10k-paragraph batch at that size.

By default every batch is linked against the whole store (``dedup.window_days`` unset, run 1, undated). With
``--window-days N`` the stream is dated as ``bench_growth.py`` dates it: each batch of ``--batch`` paragraphs is a
run started one day after the previous one (a ``runs`` row, the stage's ``now`` that day), linked through the real
stage with ``DedupSettings(window_days=N)``, so it is matched against the paragraphs of the runs started in the
last N days only (``dedup_runs``, the window's start); the probes are the next day's run, likewise. With batches
of 10,000, 10 days are 100,000 stored paragraphs. The generator and its seed are the same either way.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import resource
import statistics
import sys
import time
from collections import deque
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import duckdb
import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus_path import corpus_dir  # noqa: E402
from synthetic import EPOCH, PER_DOC, Generator, insert_documents  # noqa: E402

from wiredesk.dedup.matchtext import match_tokens_batch  # noqa: E402
from wiredesk.dedup.settings import DedupSettings  # noqa: E402
from wiredesk.dedup.sketch import sketches_of  # noqa: E402
from wiredesk.dedup.tokenwork import articles_token_work  # noqa: E402
from wiredesk.store.migrate import migrate  # noqa: E402
from wiredesk.store.near_index import link_near  # noqa: E402


DAY = timedelta(days=1)


def dated_run(con, run_id: int | None):
    """With a window (``run_id`` not None): record run ``run_id`` as started ``run_id`` days after the epoch, as
    ``bench_growth.py`` does, and return that time, the stage's ``now``; without (None): nothing, ``now`` unset."""
    if run_id is None:
        return None
    started = EPOCH + run_id * DAY
    con.execute("INSERT INTO runs (run_id, started_at, status, pipeline_version, inputs) VALUES (?, ?, 'completed', "
                "'bench', [])", [run_id, started])
    return started


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fill_sketches(con, chunk: int = 50_000) -> int:
    """Store the token sketch of every indexed paragraph that has none (a store built before sketches):
    the sketches the stage would have stored, from the paragraphs' texts. Returns paragraphs filled."""
    filled, after = 0, -1
    while True:
        rows = con.execute(
            "SELECT d.paragraph_id, p.text FROM dedup_paragraphs d JOIN paragraphs p USING (paragraph_id) "
            "WHERE d.sketch IS NULL AND d.n_tokens > 0 AND d.paragraph_id > ? ORDER BY 1 LIMIT ?", [after, chunk]
        ).fetchall()
        if not rows:
            return filled
        tokens, salient, lengths = match_tokens_batch([r[1] for r in rows])
        blobs = sketches_of(tokens, salient, lengths)
        column = np.empty(len(blobs), dtype=object)
        column[:] = blobs
        filled_rows = {"paragraph_id": np.array([r[0] for r in rows], dtype=np.int64), "sketch": column}  # noqa: F841
        con.execute("UPDATE dedup_paragraphs SET sketch = f.sketch::BLOB FROM filled_rows f "
                    "WHERE dedup_paragraphs.paragraph_id = f.paragraph_id")
        filled += len(rows)
        after = rows[-1][0]


def worker_tokens(texts: list[str], ids: list[int], settings, workers: bool) -> tuple[dict, dict]:
    """What the cleaning workers do for a batch (``workers``): the token work of each document of PER_DOC
    paragraphs (``tokenwork.articles_token_work``, as ``scaleout.process_items`` makes it), pickled and
    unpickled as it crosses to the writer. Returns the carried work by paragraph id and its costs (CPU seconds
    of the work, of the pickle round trip, and the pickled bytes); nothing without ``workers`` (the stage
    then makes it itself, as before)."""
    if not workers:
        return {}, {"token_seconds": 0.0, "pickle_seconds": 0.0, "pickle_bytes": 0}
    t = time.process_time()
    docs = [([("body", p) for p in texts[i : i + PER_DOC]], "en") for i in range(0, len(texts), PER_DOC)]
    works = articles_token_work(docs, settings)
    made = time.process_time()
    payload = pickle.dumps(works, protocol=pickle.HIGHEST_PROTOCOL)
    works = pickle.loads(payload)
    crossed = time.process_time()
    carried = {pid: (works[i // PER_DOC], i % PER_DOC) for i, pid in enumerate(ids)}
    return carried, {"token_seconds": made - t, "pickle_seconds": crossed - made, "pickle_bytes": len(payload)}


def probe(con, gen: Generator, settings, next_doc: int, next_par: int, n_docs: int, repeats: int = 3,
          prefilter: bool = True, workers: bool = True, run_id: int | None = None) -> dict:
    """Median cost of linking a fresh batch at the current size; each probe is rolled back. ``run_id``: the
    probe is that dated run (a window), else run 0, undated."""
    runs = []
    recent = deque(gen.recent, maxlen=gen.recent.maxlen)
    for _ in range(repeats):
        gen.recent = deque(recent, maxlen=recent.maxlen)  # copies come from stored paragraphs, not a rolled-back probe
        con.execute("BEGIN TRANSACTION")
        now = dated_run(con, run_id)
        texts = [gen.next() for _ in range(n_docs * PER_DOC)]
        ids = insert_documents(con, gen, next_doc, next_par, n_docs, texts)
        carried, cost = worker_tokens(texts, ids, settings, workers)
        t = time.perf_counter()
        res = link_near(con, ids, settings, run_id=0 if run_id is None else run_id, prefilter=prefilter,
                        carried=carried, now=now)
        runs.append({"seconds": time.perf_counter() - t, "candidates": res.candidates,
                     "verified": res.prefiltered if prefilter else res.candidates, "links": res.links_new,
                     "carried": res.carried, **cost, "timings": res.timings})
        con.execute("ROLLBACK")
    gen.recent = recent
    return {"median_seconds": statistics.median(r["seconds"] for r in runs),
            "median_token_seconds": statistics.median(r["token_seconds"] for r in runs), "runs": runs}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paragraphs", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=10_000)
    ap.add_argument("--db", type=Path, default=Path("/tmp/wiredesk-bench-dedup.duckdb"))
    ap.add_argument("--out", type=Path)
    ap.add_argument("--memory-limit", default="4GB", help="DuckDB memory_limit for the run")
    ap.add_argument("--probe-only", action="store_true",
                    help="only time --repeats probe batches (rolled back) against the existing --db")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--fill-sketches", action="store_true",
                    help="with --probe-only: first migrate the store and store the sketches it lacks (committed)")
    ap.add_argument("--no-prefilter", action="store_true", help="verify every candidate on its text")
    ap.add_argument("--inline", action="store_true",
                    help="the stage makes the batch's match tokens, keys and sketches itself (as before the "
                         "cleaning workers carried them)")
    ap.add_argument("--window-days", type=int, default=None,
                    help="date the stream one run a day of --batch paragraphs and link each batch with "
                         "dedup.window_days = N (default: unset, the whole store, undated)")
    args = ap.parse_args()
    if args.probe_only:
        con = duckdb.connect(str(args.db))
        con.execute(f"SET memory_limit = '{args.memory_limit}'")
        if args.fill_sketches:
            migrate(con)
            t = time.perf_counter()
            print(f"filled {fill_sketches(con):,} sketches in {time.perf_counter() - t:.0f} s", file=sys.stderr)
            con.execute("CHECKPOINT")
        stored = con.execute("SELECT count(*) FROM paragraphs").fetchone()[0]
        next_doc = con.execute("SELECT max(document_id) + 1 FROM documents").fetchone()[0]
        next_par = con.execute("SELECT max(paragraph_id) + 1 FROM paragraphs").fetchone()[0]
        gen = Generator(seed=2)
        gen.recent.extend(r[0] for r in con.execute(
            "SELECT text FROM paragraphs ORDER BY paragraph_id DESC LIMIT 20000").fetchall()[::-1])
        result = probe(con, gen, DedupSettings(), next_doc, next_par, args.batch // PER_DOC, args.repeats,
                       prefilter=not args.no_prefilter, workers=not args.inline)
        print(json.dumps({"stored": stored, **result, "peak_rss_mb": peak_rss_mb()}, indent=1))
        return
    if not (corpus_dir() / "aeb" / "ground-truth.json").exists():
        sys.exit(f"corpus not found at {corpus_dir()} (set WIREDESK_CORPUS)")
    if args.out:
        Path(str(args.out) + ".batches.jsonl").unlink(missing_ok=True)
    for suffix in ("", ".wal"):
        Path(str(args.db) + suffix).unlink(missing_ok=True)
    con = duckdb.connect(str(args.db))
    con.execute(f"SET memory_limit = '{args.memory_limit}'")
    migrate(con)
    settings = DedupSettings() if args.window_days is None else replace(DedupSettings(), window_days=args.window_days)
    gen = Generator()
    n_docs = args.batch // PER_DOC
    batches, probes = [], {}
    stored, next_doc, next_par = 0, 1, 1
    started = time.perf_counter()
    link_total = 0.0
    worker_total = {"token_seconds": 0.0, "pickle_seconds": 0.0, "pickle_bytes": 0}
    probe_at = {100_000, args.paragraphs}
    while stored < args.paragraphs:
        con.execute("BEGIN TRANSACTION")
        run_id = None if args.window_days is None else len(batches) + 1  # dated: one run a day
        now = dated_run(con, run_id)
        texts = [gen.next() for _ in range(n_docs * PER_DOC)]
        ids = insert_documents(con, gen, next_doc, next_par, n_docs, texts)
        carried, cost = worker_tokens(texts, ids, settings, not args.inline)
        t = time.perf_counter()
        res = link_near(con, ids, settings, run_id=1 if run_id is None else run_id, carried=carried, now=now)
        seconds = time.perf_counter() - t
        con.execute("COMMIT")
        link_total += seconds
        for k, v in cost.items():
            worker_total[k] += v
        stored += len(ids)
        next_doc += n_docs
        next_par += len(ids)
        batches.append({"stored_after": stored, "seconds": seconds, "candidates": res.candidates,
                        "verified": res.prefiltered, "carried": res.carried, **cost,
                        "links": res.links_new, "keys": res.keys})
        if args.out:
            with open(str(args.out) + ".batches.jsonl", "a") as fh:
                fh.write(json.dumps({**batches[-1], "timings": res.timings, "rss_mb": peak_rss_mb()}) + "\n")
        print(f"{stored:>9,} stored  batch {seconds:6.2f}s  workers {cost['token_seconds']:5.2f}s  candidates {res.candidates:>6}  verified {res.prefiltered:>5}  links {res.links_new:>5}"
              f"  rss {peak_rss_mb():7.0f} MB  " + " ".join(f"{k}={v:.2f}" for k, v in res.timings.items()), flush=True)
        if stored in probe_at:
            probes[stored] = probe(con, gen, settings, next_doc + 10**7, next_par + 10**9, n_docs,
                                   workers=not args.inline,
                                   run_id=None if args.window_days is None else len(batches) + 1)
            print(f"probe at {stored:,}: median {probes[stored]['median_seconds']:.2f}s", flush=True)
    wall = time.perf_counter() - started
    con.execute("CHECKPOINT")
    counts = dict(con.execute("SELECT kind, count(*) FROM duplicates GROUP BY kind").fetchall())
    n_keys = con.execute("SELECT count(*) FROM dedup_keys").fetchone()[0]
    sketch_bytes = con.execute("SELECT sum(octet_length(sketch)), count(sketch) FROM dedup_paragraphs").fetchone()
    con.close()
    summary = {
        "paragraphs": stored, "batch": args.batch, "wall_seconds": wall, "link_seconds": link_total,
        "paragraphs_per_second": stored / link_total, "token_work": "inline" if args.inline else "workers",
        # the token work done where the cleaning workers would do it (CPU seconds, not free: on other cores)
        "worker_token_seconds": worker_total["token_seconds"], "worker_pickle_seconds": worker_total["pickle_seconds"],
        "pickled_mb": worker_total["pickle_bytes"] / 2**20, "peak_rss_mb": peak_rss_mb(),
        "db_mb": args.db.stat().st_size / 2**20, "keys": n_keys, "links": counts,
        "sketch_bytes_per_paragraph": (sketch_bytes[0] or 0) / max(stored, 1), "sketches": sketch_bytes[1],
        "generated": dict(gen.kinds), "probes": probes, "batches": batches,
        "settings": settings.signature_version, "duckdb": duckdb.__version__,
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "memory_limit": args.memory_limit,
        # None: every batch against the whole store; N: one dated run a day, linked with dedup.window_days = N
        "window_days": args.window_days,
    }
    print(json.dumps({k: v for k, v in summary.items() if k != "batches"}, indent=1, default=str))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(summary, indent=1, default=str))


if __name__ == "__main__":
    main()
