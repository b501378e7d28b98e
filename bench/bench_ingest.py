"""Ingestion speed on the AEB pages: wiredesk vs bare trafilatura on the same files, in the same run.

    python bench/bench_ingest.py [--repeats 3]

Each repeat times, in turn on the same 181 real news pages (HTML files on disk):
  - ``trafilatura.extract(html)``: bare extraction, text only, one process;
  - ``trafilatura.extract(html, with_metadata=True)``: what wiredesk asks trafilatura for, one process;
  - ``wiredesk run --no-prefect`` into a fresh DuckDB file with event extraction off (read, hash, clean,
    split into paragraphs with roles, link exact/near/partial duplicates, store raw bytes, commit) with
    ``ingest.workers`` 1 and 2, and with the defaults (2 workers, events on: spaCy extraction and grouping);
  - each wiredesk run again on the now-filled database (everything unchanged: the incremental path).
Reports medians over the repeats, pages/s, ratios to bare trafilatura, and peak RSS of this process.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aeb import aeb_pages, machine, write_pages  # noqa: E402

from wiredesk.pipeline.ingest import run_ingest  # noqa: E402
from wiredesk.domain.settings import EventsSettings, IngestSettings, Settings  # noqa: E402


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    pages = aeb_pages()
    n = len(pages)
    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        files = write_pages(pages, Path(tmp) / "pages")
        for r in range(args.repeats):
            results.setdefault("trafilatura.extract", []).append(timed(lambda: [trafilatura.extract(f.read_bytes()) for f in files]))
            results.setdefault("trafilatura.extract, with_metadata", []).append(
                timed(lambda: [trafilatura.extract(f.read_bytes(), with_metadata=True) for f in files])
            )
            configs = [
                ("workers=1, events off", IngestSettings(workers=1), EventsSettings(enabled=False)),
                ("workers=2, events off", IngestSettings(workers=2), EventsSettings(enabled=False)),
                ("defaults (workers=2, events on)", IngestSettings(), EventsSettings()),
            ]
            for label, ingest, events in configs:
                db = str(Path(tmp) / f"{label}-{r}.duckdb")
                settings = Settings(db_path=db, ingest=ingest, events=events)
                results.setdefault(f"wiredesk run, {label}, cold", []).append(
                    timed(lambda: run_ingest([str(Path(tmp) / "pages")], settings))
                )
                results.setdefault(f"wiredesk run, {label}, rerun (all unchanged)", []).append(
                    timed(lambda: run_ingest([str(Path(tmp) / "pages")], settings))
                )
    base = statistics.median(results["trafilatura.extract, with_metadata"])
    print(f"{n} AEB pages, median of {args.repeats} repeats; trafilatura {trafilatura.__version__}; {machine()}\n")
    print("| what | seconds (median) | pages/s | vs trafilatura with metadata |\n|---|---|---|---|")
    for name, times in results.items():
        med = statistics.median(times)
        print(f"| {name} | {med:.2f} | {n / med:.1f} | {base / med:.2f}x |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of the benchmark process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
