"""`wiredesk report` over 10,000 documents: the file's size and the time to build it.

    python bench/bench_report.py [--documents 10000] [--outlets 40] [--days 60] [--repeats 3]

1. Ingest the two seed articles through the real pipeline (``--no-prefect``): every table and view gets rows
   exactly as a run writes them.
2. Grow the database with bulk SQL to ``--documents`` documents: copy k of the seeds gets new ids, one of
   ``--outlets`` outlets and a day among ``--days``, and every six copies are one story; its paragraphs, duplicate links, event mentions and
   events are copied with it (located events moved to one of 18 real cities), and every third body
   paragraph of a copy is linked as a near copy of the same paragraph one copy earlier (another outlet), so
   the copy graph is dense. Add one run per 50 documents, ``--outlets`` feed sources (some failing, one
   disabled) and a fetch per document.
3. Time ``wiredesk.write_report`` (the Reader's queries, the page, the file) ``--repeats`` times; report the
   median, the file's size and the rows it read.

Targets (issue 18): under 10 MB, under 10 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

import wiredesk
from wiredesk.cli import main as cli

REPO = Path(__file__).resolve().parent.parent
#: Where the copies' located events happen (GeoNames coordinates, rounded).
CITIES = [("Baghdad", "IRQ", 33.34, 44.40), ("Benghazi", "LBY", 32.12, 20.07), ("Kyiv", "UKR", 50.45, 30.52),
          ("Khartoum", "SDN", 15.55, 32.53), ("Caracas", "VEN", 10.49, -66.88), ("Manila", "PHL", 14.60, 120.98),
          ("Lagos", "NGA", 6.45, 3.39), ("Karachi", "PAK", 24.86, 67.01), ("Beirut", "LBN", 33.89, 35.50),
          ("Mexico City", "MEX", 19.43, -99.13), ("Paris", "FRA", 48.85, 2.35), ("Washington", "USA", 38.90, -77.04),
          ("Bogota", "COL", 4.61, -74.08), ("Nairobi", "KEN", -1.28, 36.82), ("Jakarta", "IDN", -6.21, 106.85),
          ("Santiago", "CHL", -33.46, -70.65), ("Hong Kong", "HKG", 22.28, 114.17), ("Tehran", "IRN", 35.69, 51.42)]


def grow(db: Path, documents: int, outlets: int, days: int) -> None:
    con = duckdb.connect(str(db))
    base_docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    max_par = con.execute("SELECT max(paragraph_id) FROM paragraphs").fetchone()[0]
    max_mention = con.execute("SELECT max(mention_id) FROM event_mention_rows").fetchone()[0]
    copies = documents // base_docs
    con.execute("CREATE TEMP TABLE k AS SELECT range AS k FROM range(1, ?)", [copies])
    # documents: a new outlet and day for each copy
    con.execute("""
        INSERT INTO documents SELECT d.* REPLACE (
            d.document_id + k * ? AS document_id, d.doc_key || '#' || k AS doc_key,
            'Outlet ' || ((k * ? + d.document_id) % ?) AS source,
            d.published_at + to_days(CAST(k % ? AS INTEGER)) AS published_at,
            d.ingested_at + to_days(CAST(k % ? AS INTEGER)) AS ingested_at,
            1 + k // 50 AS run_id)
        FROM documents d, k WHERE d.document_id <= ?""", [base_docs, base_docs, outlets, days, days, base_docs])
    # stories: every six consecutive copies (six days) are one story
    con.execute("""
        INSERT INTO story_assignments SELECT a.* REPLACE (
            a.document_id + k * ? AS document_id, 1 + k // 6 AS story_id, a.seq + k * ? AS seq,
            CASE WHEN k % 6 = 0 THEN a.method ELSE 'joined' END AS method)
        FROM story_assignments a, k WHERE a.document_id <= ?""", [base_docs, base_docs, base_docs])
    con.execute("""
        INSERT INTO paragraphs SELECT p.* REPLACE (p.paragraph_id + k * ? AS paragraph_id, p.document_id + k * ? AS document_id)
        FROM paragraphs p, k WHERE p.document_id <= ?""", [max_par, base_docs, base_docs])
    con.execute("""
        INSERT INTO duplicates SELECT l.* REPLACE (l.paragraph_id + k * ? AS paragraph_id, l.duplicate_of + k * ? AS duplicate_of)
        FROM duplicates l, k""", [max_par, max_par])
    con.execute("""
        INSERT INTO duplicates
        SELECT p.paragraph_id, p.paragraph_id - ?, 'near', 0.93, 'near/1', p.run_id, NULL
        FROM paragraphs p WHERE p.paragraph_id > ? AND p.role = 'body' AND p.position % 3 = 0
        ON CONFLICT DO NOTHING""", [max_par, max_par])
    # events and their mentions; each copy's located events moved to one of a few real cities
    con.execute("CREATE TEMP TABLE cities (idx INTEGER, name VARCHAR, country VARCHAR, lat DOUBLE, lon DOUBLE)")
    con.executemany("INSERT INTO cities VALUES (?, ?, ?, ?, ?)", [(i, *c) for i, c in enumerate(CITIES)])
    con.execute("""
        INSERT INTO event_rows SELECT e.* REPLACE (
            e.event_id || '_' || k AS event_id,
            CASE WHEN e.place_latitude IS NOT NULL THEN c.name ELSE e.place_name END AS place_name,
            CASE WHEN e.place_latitude IS NOT NULL THEN c.country ELSE e.place_country END AS place_country,
            CASE WHEN e.place_latitude IS NOT NULL THEN c.lat END AS place_latitude,
            CASE WHEN e.place_latitude IS NOT NULL THEN c.lon END AS place_longitude,
            e.date_start + CAST(k % ? AS INTEGER) AS date_start, e.date_end + CAST(k % ? AS INTEGER) AS date_end)
        FROM event_rows e, k JOIN cities c ON c.idx = (k * 7 + length(e.event_id)) % ?""", [days, days, len(CITIES)])
    con.execute("""
        INSERT INTO event_mention_rows SELECT m.* REPLACE (
            m.mention_id + k * ? AS mention_id, m.document_id + k * ? AS document_id, m.event_id || '_' || k AS event_id)
        FROM event_mention_rows m, k WHERE m.document_id <= ?""", [max_mention, base_docs, base_docs])
    # runs, sources and their fetches
    con.execute("""
        INSERT INTO runs SELECT r.* REPLACE (r.run_id + n AS run_id, r.started_at + to_hours(CAST(n * 6 AS INTEGER)) AS started_at,
                                         r.finished_at + to_hours(CAST(n * 6 AS INTEGER)) + to_seconds(CAST(n % 40 AS INTEGER)) AS finished_at,
                                         CAST(n % 7 AS INTEGER) AS items_failed)
        FROM runs r, range(1, ?) t(n) WHERE r.run_id = 1""", [max(2, documents // 50)])
    con.execute("""
        INSERT INTO sources (source_id, name, url, kind, interval_seconds, tags, enabled, full_articles, added_by, added_at,
                             last_status, consecutive_failures, last_error, disabled_reason, last_success_at)
        SELECT n, 'outlet-' || n || '.example/feed', 'https://outlet-' || n || '.example/feed', 'feed', 3600, [], true, true,
               'cli', now(), CASE WHEN n % 9 = 0 THEN 500 ELSE 200 END, CASE WHEN n % 9 = 0 THEN 3 ELSE 0 END,
               CASE WHEN n % 9 = 0 THEN 'HTTP 500' END, CASE WHEN n = 1 THEN 'gone: HTTP 410' END, now()
        FROM range(1, ? + 1) t(n)""", [outlets])
    con.execute("""
        INSERT INTO fetches (run_id, source_id, url, purpose, started_at, status, bytes, duration_ms, error)
        SELECT d.run_id, 1 + d.document_id % ?, 'https://example.org/' || d.document_id, 'article', d.ingested_at,
               CASE WHEN d.document_id % 23 = 0 THEN 500 ELSE 200 END, 20000, 120,
               CASE WHEN d.document_id % 23 = 0 THEN 'status' END
        FROM documents d""", [outlets])
    con.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=10_000)
    ap.add_argument("--outlets", type=int, default=40)
    ap.add_argument("--days", type=int, default=60)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        if cli(["run", str(REPO / "seeds"), "--db", str(db), "--no-prefect", "-q"]) != 0:
            return 1
        start = time.perf_counter()
        grow(db, args.documents, args.outlets, args.days)
        print(f"grew the database in {time.perf_counter() - start:.1f}s")
        con = duckdb.connect(str(db), read_only=True)
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608 (bench: constant names)
                  for t in ("documents", "paragraphs", "duplicates", "events", "event_mentions", "runs", "sources", "fetches")}
        con.close()
        print("rows: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        out = Path(tmp) / "report.html"
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            wiredesk.write_report(db, out)
            times.append(time.perf_counter() - start)
        size = out.stat().st_size
        print(f"report: {size / 1e6:.2f} MB, built in {statistics.median(times):.2f}s "
              f"(median of {args.repeats}: {', '.join(f'{t:.2f}' for t in times)})")
        ok = size < 10e6 and statistics.median(times) < 10
        print("targets (under 10 MB, under 10 s): " + ("met" if ok else "NOT met"))
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
