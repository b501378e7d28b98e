"""Scale-out throughput: the Prefect flow on the AEB pages with the default runner and Dask with 1 and 2 workers.

    python bench/bench_scale.py [--repeats 3] [--events on,off] [--runners default,dask1,dask2] [--limit N]
    python bench/bench_scale.py --seeds [--repeats 3]           # the 2 seed articles: a run's fixed cost
    python bench/bench_scale.py --writer-share [--repeats 3]    # the single writer's share, no Prefect

Throughput mode: each repeat runs ``wiredesk_flows.ingest.ingest_flow`` (one temporary Prefect server
for the whole benchmark, as ``prefect_test_harness`` starts it) on the 181 AEB pages into a fresh DuckDB
file, once per runner and events setting, and times the whole flow call: for Dask that includes starting
the local cluster, its workers importing wiredesk and loading the spaCy model, and stopping it. Reports
medians, docs/s, and the database bytes per stored document (after a CHECKPOINT).

Writer-share mode: ``run_ingest`` without Prefect, everything in one process, every stage timed (wall and
CPU time) through the ``wrap`` hook: how much of a run the single writer (``store_batch``: one transaction
per batch, dedup links, event regrouping, commit) takes, against the CPU work workers can take over. CPU
ms per document is the figure a loaded machine disturbs least: it gives documents/s per core.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aeb import aeb_pages, machine, write_pages  # noqa: E402

RUNNERS = {
    "default": "",
    "dask1": '[runner]\nkind = "dask"\nworkers = 1\n',
    "dask2": '[runner]\nkind = "dask"\nworkers = 2\n',
}


def _db_stats(db: str) -> tuple[int, int]:
    import duckdb

    con = duckdb.connect(db)
    con.execute("CHECKPOINT")
    docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    con.close()
    return docs, os.path.getsize(db)


def throughput(args, pages_dir: Path, tmp: Path, n_pages: int) -> None:
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
    from prefect.testing.utilities import prefect_test_harness

    from wiredesk_flows.ingest import ingest_flow

    times: dict[tuple[str, str], list[float]] = defaultdict(list)
    sizes: dict[tuple[str, str], list[float]] = defaultdict(list)
    with prefect_test_harness(server_startup_timeout=180):
        for r in range(args.repeats):
            for events in args.events:
                for runner in args.runners:
                    cfg = tmp / f"{runner}-{events}.toml"
                    cfg.write_text(f"[events]\nenabled = {'true' if events == 'on' else 'false'}\n" + RUNNERS[runner])
                    db = str(tmp / f"{runner}-{events}-{r}.duckdb")
                    start = time.perf_counter()
                    summary = ingest_flow(paths=[str(pages_dir)], db=db, config=str(cfg))
                    took = time.perf_counter() - start
                    docs, size = _db_stats(db)
                    times[(events, runner)].append(took)
                    sizes[(events, runner)].append(size / max(1, docs))
                    print(f"  repeat {r + 1}: events {events}, {runner}: {took:.1f} s, {summary.counts.documents_new} "
                          f"documents, {size / max(1, docs) / 1024:.1f} KiB/document, load {os.getloadavg()[0]:.1f}",
                          flush=True)
    print(f"\n{n_pages} {'seed articles' if args.seeds else 'AEB pages'}, median of {args.repeats} repeats; {machine()}\n")
    print("| events | runner | wall s (median) | min-max | docs/s | vs default | DB KiB/doc |\n|---|---|---|---|---|---|---|")
    for events in args.events:
        base = statistics.median(times[(events, "default")]) if (events, "default") in times else None
        for runner in args.runners:
            t = times[(events, runner)]
            med = statistics.median(t)
            ratio = f"{base / med:.2f}x" if base else "-"
            print(f"| {events} | {runner} | {med:.1f} | {min(t):.1f}-{max(t):.1f} | {n_pages / med:.2f} | {ratio} | "
                  f"{statistics.median(sizes[(events, runner)]) / 1024:.1f} |")


def writer_share(args, pages_dir: Path, tmp: Path, n_pages: int) -> None:
    from wiredesk.pipeline.ingest import run_ingest
    from wiredesk.domain.settings import EventsSettings, IngestSettings, Settings

    for events in args.events:
        wall_s: dict[str, list[float]] = defaultdict(list)
        cpu_s: dict[str, list[float]] = defaultdict(list)
        for r in range(args.repeats):
            spent: dict[str, float] = defaultdict(float)
            cpu: dict[str, float] = defaultdict(float)

            def wrap(fn):
                def timed(*a, **k):
                    start, start_cpu = time.perf_counter(), time.process_time()
                    try:
                        return fn(*a, **k)
                    finally:
                        spent[fn.__name__] += time.perf_counter() - start
                        cpu[fn.__name__] += time.process_time() - start_cpu
                return timed

            db = str(tmp / f"share-{events}-{r}.duckdb")
            # everything in this process (no cleaning pool, one spaCy process): CPU time per stage is then
            # this process's CPU time, which a loaded machine disturbs much less than wall time
            settings = Settings(db_path=db, ingest=IngestSettings(workers=1),
                                events=EventsSettings(enabled=events == "on", workers=1))
            start, start_cpu = time.perf_counter(), time.process_time()
            summary = run_ingest([str(pages_dir)], settings, wrap=wrap)
            spent["whole run"], cpu["whole run"] = time.perf_counter() - start, time.process_time() - start_cpu
            for name in ("whole run", "load_batch", "plan_batch", "clean_batch", "extract_events_batch", "store_batch"):
                wall_s[name].append(spent.get(name, 0.0))
                cpu_s[name].append(cpu.get(name, 0.0))
            print(f"  repeat {r + 1}, events {events}: {spent['whole run']:.1f} s, store {spent['store_batch']:.2f} s, "
                  f"{summary.counts.paragraphs_new} paragraphs, load {os.getloadavg()[0]:.1f}", flush=True)
        wall = statistics.median(wall_s["whole run"])
        print(f"\nevents {events}: {n_pages} pages in one process, median of {args.repeats}; {machine()}")
        print("| stage | wall s | share of run | CPU s | CPU ms per document |\n|---|---|---|---|---|")
        for name in wall_s:
            med = statistics.median(wall_s[name])
            c = statistics.median(cpu_s[name])
            print(f"| {name} | {med:.2f} | {100 * med / wall:.1f} % | {c:.2f} | {1000 * c / n_pages:.1f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--events", default="off,on", help="comma list of on/off")
    ap.add_argument("--runners", default="default,dask1,dask2", help=f"comma list of {', '.join(RUNNERS)}")
    ap.add_argument("--limit", type=int, default=0, help="only the first N pages (0 = all 181)")
    ap.add_argument("--seeds", action="store_true", help="ingest the 2 seed articles instead: each runner's fixed cost")
    ap.add_argument("--writer-share", action="store_true", help="time the single writer's share without Prefect")
    args = ap.parse_args()
    args.events = args.events.split(",")
    args.runners = args.runners.split(",")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if args.seeds:
            pages_dir, n = Path(__file__).resolve().parent.parent / "seeds", 2
        else:
            pages = aeb_pages()
            if args.limit:
                pages = dict(list(pages.items())[:args.limit])
            write_pages(pages, tmp / "pages")
            pages_dir, n = tmp / "pages", len(pages)
        (writer_share if args.writer_share else throughput)(args, pages_dir, tmp, n)


if __name__ == "__main__":  # Dask's worker processes re-import this module: nothing may run at import
    main()
