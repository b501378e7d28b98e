"""One URL's revisions (``wiredesk revisions URL``, the view ``document_revisions``) and the due-revisit query on
stores of growing size.

    python bench/bench_revisions.py [--sizes 100000,1000000] [--repeats 7] [--dir DIR] [--keep]

1. **Build** one synthetic store per size with the real schema (the shipped migrations), filled by bulk SQL:
   ``SIZE`` documents (one in five with a second version), three ``paragraph_revisions`` rows per second
   version, and one ``revisits`` row per first version (first seen over the last 24 hours, due 4 hours after,
   so about five in six are due), in 200 sources.
2. **Time** on one read-only connection, ``--repeats`` times after a warm-up (median and minimum, ms):
   ``Reader.revisions`` for one URL with two versions near the middle of the store (what the command reads),
   and ``due_revisits`` with the default budget of 50 per source (what a run reads before it revisits).

Prints a Markdown table and writes ``bench/results/revisions.json``. Speed figures depend on the machine and
its load.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb

from wiredesk.store.migrate import migrate
from wiredesk.store.reader import Reader
from wiredesk.store.revisits import due_revisits

RESULTS = Path(__file__).resolve().parent / "results" / "revisions.json"


def build(path: Path, size: int, now: datetime) -> None:
    con = duckdb.connect(str(path))
    migrate(con)
    con.execute("""
        INSERT INTO documents (document_id, doc_key, version, is_current, url, title, text, content_hash, origin,
                               kind, raw_sha256, cleaner, pipeline_version, run_id, ingested_at, supplied_meta)
        SELECT i, 'https://example.com/a/' || k, v, v = 2 OR k % 5 <> 0, 'https://example.com/a/' || k, 'T' || k,
               'text', md5(i::VARCHAR), 'https://example.com/a/' || k, 'html', md5(k::VARCHAR), 'c', 'p', 1,
               $1, '{"url": null}'
        FROM (SELECT row_number() OVER () AS i, k, v
              FROM range($2) t(k), (SELECT 1 AS v UNION ALL SELECT 2) vs WHERE v = 1 OR k % 5 = 0)""",
                [now, size])
    con.execute("""
        INSERT INTO paragraph_revisions (document_id, previous_document_id, change, old_position, new_position,
                                         old_text, new_text, similarity, derived_by)
        SELECT d.document_id, p.document_id, c.change, 1, 1, repeat('old words ', 30), repeat('new words ', 30),
               0.8, 'revisions/1'
        FROM documents d JOIN documents p ON p.doc_key = d.doc_key AND p.version = 1,
             (SELECT unnest(['added', 'removed', 'changed']) AS change) c
        WHERE d.version = 2""")
    con.execute("""
        INSERT INTO revisits (origin, fetch_url, doc_key, source_id, source, first_seen_at, next_slot, next_due_at)
        SELECT origin, origin, doc_key, document_id % 200, 'source ' || (document_id % 200),
               $1 - (document_id % 1440) * INTERVAL 1 MINUTE, 0,
               $1 - (document_id % 1440) * INTERVAL 1 MINUTE + INTERVAL 4 HOUR
        FROM documents WHERE version = 1""", [now])
    con.close()


def timed(fn, repeats: int) -> tuple[float, float]:
    fn()
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), min(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--dir", type=Path)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    now = datetime.now(timezone.utc)
    out = []
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            path = Path(tmp) / f"revisions-{size}.duckdb"
            started = time.perf_counter()
            build(path, size, now)
            built = time.perf_counter() - started
            url = f"https://example.com/a/{(size // 2) // 5 * 5}"  # a URL with two versions
            with Reader.open(path) as reader:
                versions, changes = reader.revisions([url])
                assert [v["version"] for v in versions] == [1, 2] and len(changes) == 3, (versions, changes)
                one = timed(lambda: reader.revisions([url]), args.repeats)
            con = duckdb.connect(str(path), read_only=True)
            due, skipped = due_revisits(con, now, 50)
            due_ms = timed(lambda: due_revisits(con, now, 50), args.repeats)
            con.close()
            out.append({"documents": size, "build_s": round(built, 1), "one_url_ms": [round(x, 1) for x in one],
                        "due_ms": [round(x, 1) for x in due_ms], "due_chosen": len(due), "due_skipped": skipped})
            if args.keep:
                (Path.cwd() / path.name).write_bytes(path.read_bytes())
    print("| documents | one URL's revisions (median / min ms) | due revisits, 50 a source (median / min ms) | chosen | left |")
    print("|---:|---:|---:|---:|---:|")
    for r in out:
        print(f"| {r['documents']:,} | {r['one_url_ms'][0]} / {r['one_url_ms'][1]} | {r['due_ms'][0]} / "
              f"{r['due_ms'][1]} | {r['due_chosen']:,} | {r['due_skipped']:,} |")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"measured_at": now.isoformat(), "results": out}, indent=1) + "\n")


if __name__ == "__main__":
    main()
