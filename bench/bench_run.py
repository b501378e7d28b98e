"""Time of a whole ``wiredesk run`` process on the seeds, by how Prefect is reached.

    python bench/bench_run.py [--repeats 3]

For each mode, ``--repeats`` times: a cold run (fresh database) and a warm rerun (same database,
nothing new), each a fresh ``wiredesk`` process as a user starts it, wall time from start to exit:
  - ``--no-prefect``: the same stages without Prefect;
  - kept server: ``wiredesk server start`` once (its start time is reported), then runs use it;
  - temporary server: no PREFECT_API_URL and no kept server, so Prefect starts one per run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aeb import REPO, machine  # noqa: E402


def run(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "wiredesk.cli", *args], env=env, check=True, capture_output=True, cwd=REPO)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--port", type=int, default=4291)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env.update(WIREDESK_HOME=str(Path(tmp) / "home"), PREFECT_SERVER_ANALYTICS_ENABLED="false")
        times: dict[str, list[float]] = {}

        def measure(mode: str, extra: list[str]) -> None:
            for r in range(args.repeats):
                db = str(Path(tmp) / f"{mode}-{r}.duckdb")
                times.setdefault(f"{mode}, cold", []).append(run(["run", "-q", "--db", db, *extra], env))
                times.setdefault(f"{mode}, warm rerun", []).append(run(["run", "-q", "--db", db, *extra], env))

        measure("--no-prefect", ["--no-prefect"])
        measure("temporary Prefect server", [])
        server_start = run(["server", "start", "--port", str(args.port)], env)
        try:
            measure("kept server (wiredesk server start)", [])
        finally:
            run(["server", "stop"], env)
    print(f"`wiredesk run` on seeds/, whole process wall time, median of {args.repeats}; {machine()}\n")
    print("| mode | seconds (median) | min | max |\n|---|---|---|---|")
    for name, values in times.items():
        print(f"| {name} | {statistics.median(values):.1f} | {min(values):.1f} | {max(values):.1f} |")
    print(f"\n`wiredesk server start` (once, fresh Prefect database): {server_start:.1f} s")


if __name__ == "__main__":
    main()
