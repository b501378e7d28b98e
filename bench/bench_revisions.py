"""One URL's revisions (``wiredesk revisions URL``, the view ``document_revisions``) and the due-revisit query on
stores of growing size.

    python bench/bench_revisions.py [--sizes 100000,1000000] [--repeats 7] [--dir DIR] [--keep] [--out FILE]

1. **Build** one synthetic store per size with the real schema (the shipped migrations), filled by bulk SQL:
   ``SIZE`` documents (one in five with a second version), three ``paragraph_revisions`` rows per second
   version, and one ``revisits`` row per first version, in 200 sources, in two layouts:

   - *all recent* (the worst case): every page first seen over the last 24 hours and due 4 hours after, so
     about five in six are due and every page is in ``revisit_queue``;
   - *30 days* and *300 days*: pages first seen at a steady rate over the last 30 (300) days, stored in the
     order they were first seen (as a store that grows writes them); a page first seen more than 24 hours ago
     has had its revisits (nothing due, not in the queue), the others are due 4 hours after first seen. What a
     store that grows looks like: the queue holds about a day of pages whatever the store's size (1M documents
     over 300 days queue as many pages as 100k over 30).
2. **Time** on one read-only connection, ``--repeats`` times after a warm-up (median and minimum, ms):
   ``Reader.revisions`` for one URL with two versions near the middle of the store (what the command reads),
   and ``due_revisits`` with the default budget of 50 per source (what a run reads before it revisits), in
   each layout.

Prints a Markdown table and writes ``bench/results/revisions.json`` (or ``--out``). Speed figures depend on the machine and
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
    """The store, revisits in the *all recent* layout."""
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
    con.close()
    fill_revisits(path, now, None)


def fill_revisits(path: Path, now: datetime, days: int | None) -> None:
    """One ``revisits`` row per first version, in first-seen order (as a store grows), and the queue.

    ``days`` None: *all recent*, every page first seen in the last 24 hours (in 1,440 one-minute steps) and due
    4 hours after. Else *N days*: first seen at a steady rate over ``days`` days, in document order; a page
    first seen more than 24 hours ago has had its three revisits (nothing due, not queued)."""
    con = duckdb.connect(str(path))
    con.execute("DELETE FROM revisit_queue")
    con.execute("DELETE FROM revisits")
    con.execute("CHECKPOINT")  # the deleted rows' row groups go: the new rows' zone maps are their own
    pages = con.execute("SELECT count(*) FROM documents WHERE version = 1").fetchone()[0]
    seen = ("$1 - (document_id % 1440) * INTERVAL 1 MINUTE" if days is None else  # nth first version, n from 1:
            f"$1 - (({pages} - row_number() OVER (ORDER BY document_id)) * {days} * 86400 // {pages}) * INTERVAL 1 SECOND")
    con.execute(f"""
        INSERT INTO revisits (origin, fetch_url, doc_key, source_id, source, first_seen_at, next_slot, next_due_at,
                              revisits_done)
        SELECT origin, origin, doc_key, document_id % 200, 'source ' || (document_id % 200), seen,
               CASE WHEN seen > $1 - INTERVAL 24 HOUR THEN 0 ELSE 3 END,
               CASE WHEN seen > $1 - INTERVAL 24 HOUR THEN seen + INTERVAL 4 HOUR END,
               CASE WHEN seen > $1 - INTERVAL 24 HOUR THEN 0 ELSE 3 END
        FROM (SELECT *, {seen} AS seen FROM documents WHERE version = 1) ORDER BY document_id""", [now])
    fill_queue(con)
    con.close()


#: What the queue's columns hold, for either layout of ``revisit_queue`` (the one before the queue kept only
#: what selects the due pages had ten columns): the bench runs on the code before a change and after it.
QUEUE_COLUMNS = {"origin": "r.origin", "next_due_at": "r.next_due_at", "next_slot": "r.next_slot",
                 "document_id": "d.document_id", "source_id": "r.source_id", "source": "r.source",
                 "fetch_url": "r.fetch_url", "doc_key": "r.doc_key", "first_seen_at": "r.first_seen_at",
                 "etag": "r.etag", "last_modified": "r.last_modified"}


def fill_queue(con: duckdb.DuckDBPyConnection) -> None:
    cols = [c for c, in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = "
                                     "'revisit_queue' ORDER BY ordinal_position").fetchall()]
    con.execute(f"""
        INSERT INTO revisit_queue ({", ".join(cols)})
        SELECT {", ".join(QUEUE_COLUMNS[c] for c in cols)}
        FROM revisits r JOIN documents d ON d.doc_key = r.doc_key AND d.is_current
        WHERE r.next_due_at IS NOT NULL ORDER BY r.next_due_at""")


def time_due(path: Path, now: datetime, repeats: int) -> tuple[tuple[float, float], int, int, int]:
    con = duckdb.connect(str(path), read_only=True)
    queued = con.execute("SELECT count(*) FROM revisit_queue").fetchone()[0]
    due, skipped, _ = due_revisits(con, now, 50)
    due_ms = timed(lambda: due_revisits(con, now, 50), repeats)
    con.close()
    return due_ms, len(due), skipped, queued


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
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"where the JSON goes (default: {RESULTS.name} "
                        "in bench/results)")
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
            row = {"documents": size, "build_s": round(built, 1), "one_url_ms": [round(x, 1) for x in one]}
            for layout in ("all recent", "30 days", "300 days"):
                if layout != "all recent":
                    fill_revisits(path, now, int(layout.split()[0]))
                due_ms, chosen, skipped, queued = time_due(path, now, args.repeats)
                out.append({**row, "layout": layout, "queued": queued, "due_ms": [round(x, 1) for x in due_ms],
                            "due_chosen": chosen, "due_skipped": skipped})
            if args.keep:
                (Path.cwd() / path.name).write_bytes(path.read_bytes())
    print("| documents | one URL's revisions (median / min ms) | revisits layout | in the queue | due revisits, "
          "50 a source (median / min ms) | chosen | left |")
    print("|---:|---:|---|---:|---:|---:|---:|")
    for r in out:
        print(f"| {r['documents']:,} | {r['one_url_ms'][0]} / {r['one_url_ms'][1]} | {r['layout']} | {r['queued']:,} | "
              f"{r['due_ms'][0]} / {r['due_ms'][1]} | {r['due_chosen']:,} | {r['due_skipped']:,} |")
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(json.dumps({"measured_at": now.isoformat(), "results": out}, indent=1) + "\n")


if __name__ == "__main__":
    main()
