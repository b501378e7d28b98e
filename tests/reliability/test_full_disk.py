"""A full disk: the run's process may not write files past a size limit (``RLIMIT_FSIZE`` with SIGXFSZ
ignored, so writes fail with EFBIG as on a full file system; no root or tmpfs needed). The run must end
with one error line and no traceback, the database must open with every earlier batch intact, and a
later run with space must complete it to what a clean run stores.
"""

from __future__ import annotations

import pytest

from .harness import Fault, crash_cycle

#: Limits in bytes, from "the database file cannot be created" through "a batch's commit does not fit
#: in the WAL" to "the final checkpoint into the database file does not fit".
SWEEP = (4_096, 16_384, 40_000, 70_000, 100_000, 150_000, 250_000, 400_000, 600_000, 900_000, 1_500_000, 3_000_000)


@pytest.mark.parametrize("limit", [4_096, 16_384, 100_000])
def test_a_run_that_fills_the_disk_fails_with_one_line_and_the_rerun_completes_it(
        limit, tmp_path, workload, reference, reliability_log):
    # 4 kB: the new database file's header does not fit (regression: the cut file could never be opened
    # again; now it is removed); 16 kB: a migration's commit does not fit (regression: its ROLLBACK
    # raised a traceback); 100 kB: the WAL of the second batch does not fit
    cycle = crash_cycle(tmp_path / "disk", workload, reference, [Fault("disk", fsize=limit)])
    reliability_log("full disk (CI)", cycle)
    assert cycle.faults[0][1] == 2
    assert cycle.violations == []


@pytest.mark.slow
def test_full_disk_at_every_size_from_nothing_to_the_whole_run_leaves_no_violation(
        tmp_path, workload, reference, reliability_log):
    report = []
    for limit in SWEEP:
        cycle = crash_cycle(tmp_path / f"disk{limit}", workload, reference, [Fault("disk", fsize=limit)])
        reliability_log("full disk (sweep)", cycle)
        report += cycle.violations
    assert report == []
