"""Share of deduplication in end-to-end ingestion time: ``wiredesk run`` on the 181 AEB pages.

    python bench/bench_dedup_share.py [--repeats 3] [--copies 2]

Runs the real pipeline (``run_ingest``, workers=1 so every stage runs in this process) into a fresh DuckDB
file and times, inside it, the exact-duplicate stage (``store.writer.relink_exact``) and the near-duplicate stage
(``link_near``) by wrapping them (benchmark instrumentation only). ``--copies N`` ingests each page N times
under different names (N outlets republishing the same story) so the stages have copies to link. Reports
medians and the share of the run each stage takes. The cost of the near stage against a large store is in
bench/bench_dedup.py.
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
from stage_timer import StageTimer  # noqa: E402

import wiredesk.store.writer as writer  # noqa: E402
from wiredesk.pipeline.ingest import run_ingest  # noqa: E402
from wiredesk.domain.settings import IngestSettings, Settings  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--copies", type=int, default=2)
    args = ap.parse_args()
    pages = aeb_pages()
    timer = StageTimer()
    timer.wrap(writer, "link_near", "near")
    timer.wrap(writer, "relink_exact", "exact")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for copy in range(args.copies):
            write_pages({f"{k}-copy{copy}": v for k, v in pages.items()}, Path(tmp) / "pages")
        for r in range(args.repeats):
            timer.clear()
            settings = Settings(db_path=str(Path(tmp) / f"run{r}.duckdb"), ingest=IngestSettings(workers=1))
            t = time.perf_counter()
            summary = run_ingest([str(Path(tmp) / "pages")], settings)
            total = time.perf_counter() - t
            rows.append((total, timer.get("exact"), timer.get("near"), summary.counts.paragraphs_new,
                         summary.counts.duplicates_new))
    total, exact, near = (statistics.median(r[i] for r in rows) for i in range(3))
    print(f"{len(pages)} AEB pages x {args.copies} copies, {rows[0][3]} paragraphs, {rows[0][4]} links; "
          f"median of {args.repeats}; {machine()}\n")
    print("| stage | seconds (median) | share of the run |\n|---|---|---|")
    print(f"| whole run (load, clean, split, dedup, store) | {total:.2f} | 100 % |")
    print(f"| exact links | {exact:.3f} | {100 * exact / total:.1f} % |")
    print(f"| near and partial links | {near:.3f} | {100 * near / total:.1f} % |")


if __name__ == "__main__":
    main()
