"""Full-text search index: build and per-run refresh time, query latency, and a retrieval
sanity check, on the AEB pages and on the same pages copied to larger databases.

    python bench/bench_search.py [--repeats 5] [--scales 1,10,50]

1. Ingest the 181 AEB pages (``--no-prefect``, events off: they do not touch the index) into a
   temporary database; the run's own end-of-run refresh builds the index.
2. For each scale k, copy the documents (and their paragraphs) k times with new ids, then measure,
   ``--repeats`` times each, median reported:
   - build: the whole index from empty (what a first run over such a database, or a tokenizer change, costs);
   - refresh after a run that stored 181 new documents (their postings removed, then refreshed);
   - refresh after a run that stored nothing (the cost every run pays);
   - query latency of 181 queries (the first five words of each title), through ``wiredesk.search``.
3. Retrieval sanity (scale 1 only): for each title query, the rank of its own article (MRR@10, hits@1).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aeb import REPO, aeb_pages, machine, write_pages  # noqa: E402

import duckdb  # noqa: E402

from wiredesk.store.reader import search  # noqa: E402
from wiredesk.store import Store  # noqa: E402


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def grow(db: str, base_docs: int, k: int) -> None:
    """Make the database hold ``k`` copies of the first ``base_docs`` documents (copies get new ids)."""
    con = duckdb.connect(db)
    have = con.execute("SELECT count(*) FROM documents").fetchall()[0][0] // base_docs
    max_par = con.execute("SELECT max(paragraph_id) FROM paragraphs WHERE document_id <= ?", [base_docs]).fetchall()[0][0]
    for copy in range(have, k):
        con.execute(
            "INSERT INTO documents SELECT * REPLACE (document_id + ? AS document_id, doc_key || '#' || ? AS doc_key) "
            "FROM documents WHERE document_id <= ?", [copy * base_docs, copy, base_docs])
        con.execute(
            "INSERT INTO paragraphs SELECT * REPLACE (paragraph_id + ? AS paragraph_id, document_id + ? AS document_id) "
            "FROM paragraphs WHERE document_id <= ?", [copy * max_par, copy * base_docs, base_docs])
    con.close()


def refresh(db: str) -> None:
    with Store.open(db) as store:
        store.refresh_search_index(datetime.now(timezone.utc))


def sql(db: str, statement: str) -> None:
    con = duckdb.connect(db)
    con.execute(statement)
    con.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--scales", default="1,10,50")
    args = ap.parse_args()
    scales = [int(s) for s in args.scales.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        pages = write_pages(aeb_pages(), Path(tmp) / "aeb")
        db = str(Path(tmp) / "aeb.duckdb")
        config = Path(tmp) / "wiredesk.toml"
        config.write_text("[events]\nenabled = false\n")
        subprocess.run([sys.executable, "-m", "wiredesk.cli", "run", "--no-prefect", "-q", str(pages[0].parent),
                        "--db", db, "--config", str(config)], check=True, capture_output=True, cwd=REPO)
        con = duckdb.connect(db, read_only=True)
        base = con.execute("SELECT count(*) FROM documents").fetchall()[0][0]
        titles = con.execute("SELECT document_id, title FROM documents WHERE title IS NOT NULL ORDER BY document_id").fetchall()
        queries = [(doc_id, " ".join(t.split()[:5])) for doc_id, t in titles]
        ranks = []
        for doc_id, q in queries:
            try:
                got = [r[0] for r in search(con, q, 10).select("document_id").fetchall()]
            except Exception:
                got = []
            ranks.append(got.index(doc_id) + 1 if doc_id in got else None)
        con.close()
        mrr = sum(1 / r for r in ranks if r) / len(ranks)
        hits1 = sum(1 for r in ranks if r == 1) / len(ranks)

        rows = []
        for k in scales:
            print(f"scale {k}: {base * k} documents", file=sys.stderr, flush=True)
            grow(db, base, k)
            refresh(db)
            build, new, nothing, latency = [], [], [], []
            for _ in range(args.repeats):
                sql(db, "DELETE FROM search_postings; DELETE FROM search_documents")
                build.append(timed(lambda: refresh(db)))
                top = base * k - base
                sql(db, f"DELETE FROM search_postings WHERE document_id > {top}; DELETE FROM search_documents WHERE document_id > {top}")
                new.append(timed(lambda: refresh(db)))
                nothing.append(timed(lambda: refresh(db)))
                con = duckdb.connect(db, read_only=True)
                for _, q in queries:
                    try:
                        latency.append(timed(lambda: search(con, q, 10).fetchall()))
                    except Exception:
                        pass
                con.close()
            con = duckdb.connect(db, read_only=True)
            postings, docs = con.execute("SELECT count(*), (SELECT count(*) FROM search_documents) FROM search_postings").fetchall()[0]
            con.close()
            latency.sort()
            rows.append((docs, postings, statistics.median(build), statistics.median(new), statistics.median(nothing),
                         statistics.median(latency) * 1000, latency[int(len(latency) * 0.95)] * 1000))
    print(f"Search index on AEB ({base} pages), medians of {args.repeats}; {machine()}\n")
    print("| documents | postings | build from empty (s) | refresh: 181 new docs (s) | refresh: nothing new (s) | query median (ms) | query p95 (ms) |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r[0]:,} | {r[1]:,} | {r[2]:.2f} | {r[3]:.2f} | {r[4]:.3f} | {r[5]:.1f} | {r[6]:.1f} |")
    print(f"\nTitle → own article ({len(queries)} queries, first five words of the title): MRR@10 {mrr:.3f}, hits@1 {hits1:.1%}")


if __name__ == "__main__":
    main()
