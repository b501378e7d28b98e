"""What sharing a database between a run and readers costs: readers' waits, and the run's own time.

    python bench/bench_concurrency.py [--docs 300] [--batch-size 20] [--repeats 3]

Each repeat: a fresh database, ``--docs`` generated text articles, and ``wiredesk run --no-prefect``
(events off, one cleaning process) as its own process, timed
  1. alone, and
  2. while this process opens the database read-only in a loop (``wiredesk.connect``: waits while a
     batch is being committed), runs one count and closes it, as fast as it can: the worst-case reader.
Reported: the run's wall time alone and with the reader (medians), and the reader's time to open
(median, 95th percentile, max over all opens). Also the cost of one writer open (``Store.open``:
connect + migration check + close) on the finished database, which every stage of a run pays once.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aeb import machine  # noqa: E402

import wiredesk  # noqa: E402
from wiredesk.store import Store  # noqa: E402


def make_articles(folder: Path, n: int) -> None:
    folder.mkdir()
    for i in range(n):
        paras = "\n\n".join(f"Paragraph {j} of story {i}: the council of town {i} debated item {j} of the "
                            f"budget for the bridge, the school and the harbour on Tuesday evening." for j in range(12))
        (folder / f"a{i:04d}.txt").write_text(f"Story {i}\n\n{paras}\n")


def start_run(folder: Path, db: Path, cfg: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "wiredesk.cli", "run", "--no-prefect", "-q", str(folder),
                             "--db", str(db), "--config", str(cfg)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def one(tmp: Path, docs: int, batch_size: int, with_reader: bool) -> tuple[float, list[float]]:
    folder, db, cfg = tmp / "articles", tmp / "b.duckdb", tmp / "w.toml"
    if not folder.exists():
        make_articles(folder, docs)
    cfg.write_text(f"[ingest]\nbatch_size = {batch_size}\nworkers = 1\n[events]\nenabled = false\n")
    for p in (db, Path(f"{db}.wal")):
        p.unlink(missing_ok=True)
    with Store.open(db):  # created and migrated before timing
        pass
    opens: list[float] = []
    started = time.perf_counter()
    run = start_run(folder, db, cfg)
    while with_reader and run.poll() is None:
        t0 = time.perf_counter()
        con = wiredesk.connect(str(db), wait=120)
        opens.append(time.perf_counter() - t0)
        con.execute("SELECT count(*) FROM paragraphs").fetchone()
        con.close()
    _, err = run.communicate()
    if run.returncode != 0:
        raise SystemExit(f"run failed: {err}")
    return time.perf_counter() - started, opens


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--batch-size", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    alone, shared, opens = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeats):
            alone.append(one(Path(tmp), args.docs, args.batch_size, False)[0])
            t, o = one(Path(tmp), args.docs, args.batch_size, True)
            shared.append(t)
            opens.extend(o)
        db = Path(tmp) / "b.duckdb"
        writer = []
        for _ in range(20):
            t0 = time.perf_counter()
            with Store.open(db):
                pass
            writer.append(time.perf_counter() - t0)
    opens.sort()
    print(f"machine: {machine()}")
    print(f"{args.docs} docs, batch_size {args.batch_size}, {args.repeats} repeats")
    print(f"run alone:          median {statistics.median(alone):.2f} s  {[round(x, 2) for x in alone]}")
    print(f"run with a reader:  median {statistics.median(shared):.2f} s  {[round(x, 2) for x in shared]}")
    print(f"reader opens: {len(opens)}; time to open median {statistics.median(opens) * 1000:.1f} ms, "
          f"p95 {opens[int(0.95 * (len(opens) - 1))] * 1000:.1f} ms, max {opens[-1] * 1000:.1f} ms")
    print(f"writer open (Store.open + close) on the finished db: median {statistics.median(writer) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
