"""Share of the story layer in a default ``wiredesk run`` on the 181 AEB pages.

    python bench/bench_stories_share.py [--repeats 3] [--events on|off]

Runs the real pipeline (``run_ingest`` with the default settings: cleaning pool, events with spaCy) into a
fresh DuckDB file and times, inside it, the two parts of the story layer by wrapping them (benchmark
instrumentation only): loading the place index (once per run, on the first batch with articles), the story
features of each batch (``stages.story_features_batch``, outside the transaction) and the story step in the
batch's transaction (``store.writer.assign_documents``: the candidate read, the decision, the writes). Reports medians and the
share of the run each takes. The story step against a large store: bench/bench_stories_scale.py.
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

import wiredesk.pipeline.batch as batch  # noqa: E402
import wiredesk.store.writer as writer  # noqa: E402
from wiredesk.domain.settings import EventsSettings, Settings  # noqa: E402
from wiredesk.pipeline.ingest import run_ingest  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--events", choices=("on", "off"), default="on", help="event extraction (default: on, as a default run)")
    args = ap.parse_args()
    pages = aeb_pages()
    timer = StageTimer()
    timer.wrap(batch, "story_features_batch", "features")
    timer.wrap(batch, "load_place_index", "places")
    timer.wrap(writer, "assign_documents", "step")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        write_pages(pages, Path(tmp) / "pages")
        for r in range(args.repeats):
            timer.clear()
            settings = Settings(db_path=str(Path(tmp) / f"run{r}.duckdb"),
                                events=EventsSettings(enabled=args.events == "on"))
            t = time.perf_counter()
            summary = run_ingest([str(Path(tmp) / "pages")], settings)
            total = time.perf_counter() - t
            rows.append((total, timer.get("places"), timer.get("features"), timer.get("step"),
                         summary.counts.documents_assigned, summary.counts.stories_new))
    total, places, features, step = (statistics.median(r[i] for r in rows) for i in range(4))
    print(f"{len(pages)} AEB pages, events {args.events}, default settings otherwise; {rows[0][4]} documents in "
          f"{rows[0][5]} stories; median of {args.repeats}; {machine()}\n")
    print("| part | seconds (median) | share of the run |\n|---|---|---|")
    print(f"| whole run | {total:.2f} | 100 % |")
    print(f"| place index loaded (once per run) | {places:.2f} | {100 * places / total:.1f} % |")
    print(f"| story features (outside the transaction) | {features:.2f} | "
          f"{100 * features / total:.1f} % |")
    print(f"| story step (in the batch's transaction) | {step:.3f} | {100 * step / total:.1f} % |")


if __name__ == "__main__":
    main()
