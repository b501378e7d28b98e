"""Injected exceptions: a stage that raises (a bug) at every checkpoint of a run ends the run with its
error recorded and leaves the database consistent; the next run completes it to what a clean run stores.

In CI one checkpoint of each stage is tried in-process (``wiredesk.ops.faults.injected`` around
``wiredesk.cli.main``: no process start per case); ``pytest -m slow`` tries every other checkpoint the
same way, then the middle hit of every checkpoint (every hit with ``WIREDESK_RELIABILITY_ALL=1``)
through a real ``wiredesk run`` subprocess.
"""

from __future__ import annotations

import os

import duckdb
import pytest

from wiredesk import cli
from wiredesk.ops.faults import POINTS, InjectedFault, injected

from .harness import Cycle, Fault, checkpoint_faults, crash_cycle
from .invariants import check_database, diff_snapshots, snapshot
from .workload import write_config


def _middle_hit(reference, point: str) -> int:
    """A hit in the middle of the run: for per-batch points, a batch with committed batches before it."""
    return (reference.hits[point] + 1) // 2


#: one checkpoint per stage for the default suite (each case costs two runs, ~10 s on a loaded machine)
CI_POINTS = ("run:started", "files:loaded", "plan:done", "clean:item", "events:done", "store:begin", "store:near",
             "store:stories", "store:events", "store:committed", "feeds:fetched", "run:finishing")


@pytest.mark.parametrize("point", [p if p in CI_POINTS else pytest.param(p, marks=pytest.mark.slow) for p in POINTS])
def test_an_exception_at_each_checkpoint_fails_the_run_cleanly_and_the_rerun_completes_it(
        point, tmp_path, workload, reference, reliability_log):
    db = tmp_path / "wiredesk.duckdb"
    argv = ["run", "--no-prefect", "--quiet", "--config", str(write_config(tmp_path / "wiredesk.toml", db)),
            *workload.paths]
    hit = _middle_hit(reference, point)
    cycle = Cycle(faults=[(Fault("raise", point, hit), 1)])
    with injected(f"{point}:{hit}:raise"), pytest.raises(InjectedFault, match=point):
        cli.main(argv)
    cycle.violations += check_database(db, feed_url=workload.feed_url, feed_doc_keys=workload.feed_doc_keys,
                                       finished=True)
    if point != "run:discovered":  # before the run row exists there is nothing to record it in
        with duckdb.connect(str(db), read_only=True) as con:
            status, error = con.execute("SELECT status, error FROM runs ORDER BY run_id DESC LIMIT 1").fetchone()
        if (status, (error or "").split(":")[0]) != ("failed", "InjectedFault"):
            cycle.violations.append(f"raise at {point}: the run row says {status!r}, {error!r}")
    assert cli.main(argv) == 0
    cycle.violations += check_database(db, feed_url=workload.feed_url, feed_doc_keys=workload.feed_doc_keys,
                                       expected_doc_keys=reference.doc_keys, finished=True)
    cycle.violations += diff_snapshots(reference.snapshot, snapshot(db))
    reliability_log("injected exception (in-process, CI)", cycle)
    assert cycle.violations == []


@pytest.mark.slow
def test_an_exception_at_every_checkpoint_in_a_real_process_leaves_no_violation(
        tmp_path, workload, reference, reliability_log):
    report = []
    if os.environ.get("WIREDESK_RELIABILITY_ALL"):
        faults = checkpoint_faults(reference, "raise")
    else:
        faults = [Fault("raise", point, _middle_hit(reference, point)) for point in POINTS]
    for i, fault in enumerate(faults):
        cycle = crash_cycle(tmp_path / f"x{i}", workload, reference, [fault])
        reliability_log("injected exception (subprocess)", cycle)
        report += cycle.violations
    assert report == []
