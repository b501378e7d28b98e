"""Reprocess throughput on the AEB pages, against a fresh ingest of the same pages.

    python bench/bench_reprocess.py [--repeats 3] [--events]

Each repeat ingests the 181 real news pages into a fresh DuckDB file (``run_ingest``, 2 cleaning workers),
then times on that database:
  - ``reprocess`` from stage clean (raw bytes → trafilatura → paragraphs → links (→ events)), nothing changed;
  - ``reprocess`` from stage dedup (links and near-index keys only);
  - ``reprocess`` from stage clean with a changed cleaner (``clean.favor_precision = true``): real changes.
Events are off unless ``--events`` (then the spaCy extraction dominates every figure). Reports medians,
documents/s, the ratio to the fresh ingest, and what the changed-cleaner reprocess changed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aeb import aeb_pages, machine, write_pages  # noqa: E402

from wiredesk.pipeline.ingest import run_ingest  # noqa: E402
from wiredesk.pipeline.reprocess import run_reprocess  # noqa: E402
from wiredesk.domain.settings import CleanSettings, EventsSettings, IngestSettings, Settings  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--events", action="store_true", help="event extraction on (spaCy)")
    args = ap.parse_args()
    pages = aeb_pages()
    n = len(pages)
    times: dict[str, list[float]] = {}
    changed = []
    with tempfile.TemporaryDirectory() as tmp:
        write_pages(pages, Path(tmp) / "pages")
        for r in range(args.repeats):
            settings = Settings(db_path=str(Path(tmp) / f"aeb-{r}.duckdb"), ingest=IngestSettings(workers=2),
                                events=EventsSettings(enabled=args.events))

            def timed(name, fn):
                start = time.perf_counter()
                out = fn()
                times.setdefault(name, []).append(time.perf_counter() - start)
                return out

            timed("fresh ingest (wiredesk run --no-prefect)", lambda: run_ingest([str(Path(tmp) / "pages")], settings))
            s = timed("reprocess --stage clean, nothing changed", lambda: run_reprocess(settings))
            assert s.counts.documents_changed == 0, f"reprocess of an unchanged database changed {s.counts}"
            timed("reprocess --stage dedup, nothing changed", lambda: run_reprocess(settings, stage="dedup"))
            precise = Settings(db_path=settings.db_path, ingest=settings.ingest, events=settings.events,
                               clean=CleanSettings(favor_precision=True))
            changed.append(timed("reprocess --stage clean, clean.favor_precision changed", lambda: run_reprocess(precise)).counts)
    base = statistics.median(times["fresh ingest (wiredesk run --no-prefect)"])
    print(f"{n} AEB pages, events {'on' if args.events else 'off'}, median of {args.repeats} repeats; {machine()}\n")
    print("| what | seconds (median) | documents/s | vs fresh ingest |\n|---|---|---|---|")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"| {name} | {med:.2f} | {n / med:.1f} | {med / base:.2f}x the time |")
    c = changed[-1]
    print(f"\nfavor_precision reprocess changed {c.documents_changed} documents ({c.text_changed} text, "
          f"{c.metadata_changed} metadata), paragraphs +{c.paragraphs_added}/-{c.paragraphs_removed}, "
          f"links +{c.links_added}/-{c.links_removed}, mentions +{c.mentions_added}/-{c.mentions_removed}")


if __name__ == "__main__":
    main()
