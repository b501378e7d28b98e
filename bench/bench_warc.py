"""Web-archive input speed on the AEB pages: ``wiredesk run x.warc.gz`` vs bare trafilatura on the same records.

    python bench/bench_warc.py [--repeats 3] [--copies 1]

Builds one WARC (``crawl.warc.gz``, one gzip member per record, as crawlers write them) in a temporary folder from
the 181 AEB pages read in place from the corpus: a ``response`` record per page (its URL from the ground truth,
``--copies`` N writes each page N times under N URLs, to watch memory stay flat as the archive grows), plus a
``request`` record before each, as crawlers write. Then, in each repeat:
  - ``warcio only``: the archive's records read and their bodies decoded (the parser's share);
  - ``trafilatura.extract(with_metadata=True)`` on each HTML response body, read with warcio (what wiredesk
    asks trafilatura for, one process);
  - ``wiredesk run --no-prefect crawl.warc.gz`` into a fresh DuckDB file, events off, ``ingest.workers`` 1 and 2,
    and again on the filled database (every record unchanged); each in its own process, timed inside it
    (``run_ingest``, no interpreter start-up), with its peak RSS (the process and its pool workers, largest).
Reports medians over the repeats, pages/s, ratios to bare trafilatura, and the peak RSS of each wiredesk run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import trafilatura
from warcio.archiveiterator import ArchiveIterator

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aeb import aeb_pages, corpus_dir, machine  # noqa: E402

#: what one wiredesk run does in its own process: print seconds and peak RSS (MiB, self and children) as JSON
_CHILD = """
import json, resource, sys, time
from wiredesk.domain.settings import EventsSettings, IngestSettings, Settings
from wiredesk.pipeline.ingest import run_ingest
db, archive, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
settings = Settings(db_path=db, ingest=IngestSettings(workers=workers), events=EventsSettings(enabled=False))
start = time.perf_counter()
summary = run_ingest([archive], settings)
seconds = time.perf_counter() - start
rss = max(resource.getrusage(r).ru_maxrss for r in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024
print(json.dumps({"seconds": seconds, "rss": rss, "new": summary.counts.documents_new,
                  "unchanged": summary.counts.items_unchanged, "failed": summary.counts.items_failed}))
"""


def write_archive(path: Path, copies: int) -> int:
    """The AEB pages as a WARC; returns the number of response records."""
    truth = json.loads((corpus_dir() / "aeb" / "ground-truth.json").read_text(encoding="utf-8"))
    n = 0
    with path.open("wb") as out:
        for copy in range(copies):
            for page_id, html in aeb_pages().items():
                url = truth.get(page_id, {}).get("url") or f"https://aeb.example/{page_id}"
                if copies > 1:
                    url += f"{'&' if '?' in url else '?'}copy={copy}"
                out.write(gzip.compress(_record("request", url, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 6))
                head = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                        f"Content-Length: {len(html)}\r\n\r\n").encode()
                out.write(gzip.compress(_record("response", url, head + html), 6))
                n += 1
    return n


def _record(kind: str, url: str, block: bytes) -> bytes:
    msgtype = "response" if kind == "response" else "request"
    head = (f"WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2024-03-05T10:11:12Z\r\n"
            f"WARC-Record-ID: <urn:uuid:{abs(hash((kind, url))):032x}>\r\n"
            f"Content-Type: application/http; msgtype={msgtype}\r\nContent-Length: {len(block)}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"


def html_bodies(archive: Path):
    with archive.open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "response":
                yield record.content_stream().read()


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def wiredesk_run(db: Path, archive: Path, workers: int) -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(db), str(archive), str(workers)], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--copies", type=int, default=1, help="write each page this many times (under as many URLs)")
    args = ap.parse_args()
    results: dict[str, list[float]] = {}
    rss: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "crawl.warc.gz"
        n = write_archive(archive, args.copies)
        size = archive.stat().st_size
        for r in range(args.repeats):
            results.setdefault("warcio only (read and decode every record)", []).append(
                timed(lambda: sum(1 for _ in html_bodies(archive))))
            results.setdefault("trafilatura.extract(with_metadata=True) on the records", []).append(
                timed(lambda: [trafilatura.extract(b, with_metadata=True) for b in html_bodies(archive)]))
            for workers in (1, 2):
                db = Path(tmp) / f"w{workers}-{r}.duckdb"
                for label in ("cold", "rerun (all unchanged)"):
                    got = wiredesk_run(db, archive, workers)
                    expect = (n, 0) if label == "cold" else (0, n)
                    assert (got["new"], got["unchanged"]) == expect or got["failed"], got
                    name = f"wiredesk run, workers={workers}, events off, {label}"
                    results.setdefault(name, []).append(got["seconds"])
                    rss[name] = max(rss.get(name, 0.0), got["rss"])
    base = statistics.median(results["trafilatura.extract(with_metadata=True) on the records"])
    print(f"{n} HTML response records ({n} request records beside them) from the AEB pages, "
          f"{size / 1048576:.1f} MiB gzipped; median of {args.repeats} repeats; trafilatura {trafilatura.__version__}; "
          f"{machine()}\n")
    print("| what | seconds (median) | pages/s | vs trafilatura with metadata | peak RSS |\n|---|---|---|---|---|")
    for name, times in results.items():
        med = statistics.median(times)
        peak = f"{rss[name]:.0f} MiB" if name in rss else ""
        print(f"| {name} | {med:.2f} | {n / med:.1f} | {base / med:.2f}x | {peak} |")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of the benchmark process (warcio and trafilatura rows): {own:.0f} MiB")


if __name__ == "__main__":
    main()
