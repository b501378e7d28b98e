"""Feed ingestion benchmark: N local feeds linking to real article pages, three runs, vs bare trafilatura.

    python bench/bench_feeds.py [--feeds 20] [--entries 50] [--new-fraction 0.01] [--events off|rules|auto]
                                [--corpus DIR] [--json]

A threaded HTTP server on 127.0.0.1 serves ``--feeds`` RSS feeds of ``--entries`` items each. Every item
links to its own URL whose page is one of the real article pages of ``<corpus>/aeb/html`` (repeated
round-robin, each copy made unique by an HTML comment so its bytes differ). Measured in one process:

1. first run: ``wiredesk.pipeline.ingest.run_ingest`` on the feed URLs into a fresh DuckDB (fetch feeds, fetch
   every article, clean, dedup, store) → documents per second end to end;
2. second run, nothing changed: expected one 304 per feed and no article download;
3. a run after ``--new-fraction`` of the entries were added (spread over the feeds; those feeds change);
4. baseline: bare ``trafilatura.extract`` on the same pages, same core count (a process pool of
   ``os.cpu_count()`` workers), no fetching and no storage.

Runs use the pipeline directly (no Prefect), with the politeness delay off and per-host concurrency
raised (every feed lives on the one local host); all other limits are the defaults. Event extraction is
off unless ``--events rules|auto`` (its cost is measured separately, see BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb

from wiredesk.pipeline.ingest import run_ingest
from wiredesk.domain.settings import HttpSettings, IngestSettings, Settings


from corpus_path import corpus_dir  # noqa: E402


class FeedSite:
    """Serves /f{i}.xml (RSS with ETag/304) and /f{i}/a{j}.html (article pages)."""

    def __init__(self, pages: list[bytes], feeds: int, entries: int):
        self.pages = pages
        self.entries = {f: list(range(entries)) for f in range(feeds)}
        self.version = {f: 1 for f in range(feeds)}
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                code, ctype, body, etag = site.respond(self.path, self.headers.get("If-None-Match"))
                self.send_response(code)
                if ctype:
                    self.send_header("Content-Type", ctype)
                if etag:
                    self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def feed_urls(self) -> list[str]:
        return [f"{self.base}/f{f}.xml" for f in self.entries]

    def add_entries(self, count: int) -> None:
        with self.lock:
            feeds = list(self.entries)
            for k in range(count):
                f = feeds[k % len(feeds)]
                self.entries[f].append(len(self.entries[f]))
                self.version[f] += 1

    def respond(self, path: str, inm: str | None) -> tuple[int, str, bytes, str | None]:
        path = path.split("?", 1)[0]
        if path == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nAllow: /\n", None
        with self.lock:
            if path.endswith(".xml") and path.startswith("/f"):
                f = int(path[2:-4])
                etag = f'"f{f}-v{self.version[f]}"'
                if inm == etag:
                    return 304, "", b"", etag
                items = "".join(
                    f"<item><title>Article {f}-{j}</title><link>{self.base}/f{f}/a{j}.html?utm_source=rss</link>"
                    f"<guid isPermaLink='false'>f{f}-{j}</guid><pubDate>Tue, 31 Dec 2019 12:{j % 60:02d}:00 GMT</pubDate></item>"
                    for j in reversed(self.entries[f]))
                body = f"<?xml version='1.0'?><rss version='2.0'><channel><title>Feed {f}</title>{items}</channel></rss>"
                return 200, "application/rss+xml", body.encode(), etag
            if path.startswith("/f") and path.endswith(".html"):
                f_s, a_s = path[2:-5].split("/a")
                n = int(f_s) * 100_000 + int(a_s)
                page = self.pages[n % len(self.pages)] + f"\n<!-- copy {n} -->".encode()
                return 200, "text/html; charset=utf-8", page, None
        return 404, "text/plain", b"not found", None


def _extract(page: bytes) -> int:
    import trafilatura

    text = trafilatura.extract(page.decode("utf-8", "replace"))
    return len(text or "")


def baseline(pages: list[bytes], n: int) -> dict[str, float]:
    """Bare trafilatura.extract on the same n pages, with one process per core."""
    work = [pages[i % len(pages)] for i in range(n)]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        extracted = sum(1 for chars in pool.map(_extract, work, chunksize=8) if chars)
    seconds = time.perf_counter() - t0
    return {"pages": n, "extracted": extracted, "seconds": round(seconds, 2), "docs_per_s": round(n / seconds, 1)}


def fetch_counts(db: str, run_id: int) -> dict[str, int]:
    con = duckdb.connect(db, read_only=True)
    try:
        rows = con.execute("SELECT purpose || ':' || coalesce(status::VARCHAR, error), count(*) FROM fetches "
                           "WHERE run_id = ? GROUP BY ALL", [run_id]).fetchall()
    finally:
        con.close()
    return dict(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--feeds", type=int, default=20)
    ap.add_argument("--entries", type=int, default=50)
    ap.add_argument("--new-fraction", type=float, default=0.01)
    ap.add_argument("--events", choices=("off", "rules", "auto"), default="off",
                    help="event extraction during the runs: off (default: measures the feed path; events are "
                         "measured in BENCHMARKS.md's Events section), rules, or auto (spaCy when installed)")
    ap.add_argument("--corpus")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    html_dir = corpus_dir(args.corpus) / "aeb" / "html"
    if not html_dir.is_dir():
        print(f"corpus not found at {html_dir} (set WIREDESK_CORPUS)", file=sys.stderr)
        return 2
    pages = [gzip.decompress(p.read_bytes()) for p in sorted(html_dir.glob("*.html.gz"))]
    site = FeedSite(pages, args.feeds, args.entries)
    total = args.feeds * args.entries
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            db_path=str(Path(tmp) / "bench.duckdb"),
            ingest=IngestSettings(),
            http=HttpSettings(allow_networks=("127.0.0.1/32",), per_host_delay=0.0, per_host_concurrency=16),
        )
        settings = replace(settings, feeds=replace(settings.feeds, sources_file=str(Path(tmp) / "none.toml")),
                           events=replace(settings.events, enabled=args.events != "off",
                                          backend=args.events if args.events != "off" else "auto"))
        results = {"feeds": args.feeds, "entries": total, "cores": os.cpu_count(), "events": args.events,
                   "load_average_at_start": round(os.getloadavg()[0], 1)}
        for label, before in (("first_run", None), ("second_run_nothing_new", None),
                              ("run_with_new_entries", max(1, round(total * args.new_fraction)))):
            if before:
                site.add_entries(before)
            t0 = time.perf_counter()
            summary = run_ingest(site.feed_urls(), settings)
            seconds = time.perf_counter() - t0
            c = summary.counts
            results[label] = {
                "seconds": round(seconds, 2), "documents_new": c.documents_new, "unchanged": c.items_unchanged,
                "failed": c.items_failed, "docs_per_s": round(c.documents_new / seconds, 1) if c.documents_new else None,
                "fetches": fetch_counts(settings.db_path, summary.run_id),
            }
            if before:
                results[label]["entries_added"] = before
        results["bare_trafilatura"] = baseline(pages, total)
    site.httpd.shutdown()
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(json.dumps(results, indent=2))
        first, second, third = results["first_run"], results["second_run_nothing_new"], results["run_with_new_entries"]
        print(f"\nfirst run: {first['documents_new']} docs in {first['seconds']}s ({first['docs_per_s']} docs/s); "
              f"bare trafilatura: {results['bare_trafilatura']['docs_per_s']} docs/s")
        print(f"second run: {second['seconds']}s ({second['seconds'] / first['seconds']:.1%} of the first), "
              f"fetches {second['fetches']}")
        print(f"run with {third['entries_added']} new entries: {third['seconds']}s, {third['documents_new']} new docs, "
              f"fetches {third['fetches']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
