"""A full disk: the run's process may not write files past a size limit (``RLIMIT_FSIZE`` with SIGXFSZ
ignored, so writes fail with EFBIG as on a full file system; no root or tmpfs needed). The run must end
with one error line and no traceback, the database must open with every earlier batch intact, and a
later run with space must complete it to what a clean run stores.
"""

from __future__ import annotations

import subprocess

import pytest

from .harness import Fault, crash_cycle, run_wiredesk
from .invariants import check_database, diff_snapshots, snapshot
from .workload import write_config

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


def test_a_full_disk_is_one_line_naming_the_file_and_the_limit(tmp_path, workload):
    # the file-size limit is met by the write-ahead log of a batch: the line names that file and the cause
    config = write_config(tmp_path / "wiredesk.toml", tmp_path / "wiredesk.duckdb")
    result = run_wiredesk(tmp_path, config, workload.paths, Fault("disk", fsize=100_000))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert lines[-1].startswith("wiredesk: error: could not write ") and "wiredesk.duckdb" in lines[-1]
    assert "file-size limit" in lines[-1] and "next run completes the rest" in lines[-1]
    assert not any("could not record the end of run" in line for line in lines)


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MiB file system (tmpfs) that can be grown afterwards; skipped where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("mounting a small file system needs root (or CAP_SYS_ADMIN)")
    try:
        yield mount, lambda size: subprocess.run(["mount", "-o", f"remount,size={size}", str(mount)], check=True)
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


@pytest.mark.slow
def test_a_really_full_file_system_stops_the_run_in_one_line_and_the_next_run_recovers_alone(
        small_disk, tmp_path, workload, reference):
    # ENOSPC from a real file system, not a file-size limit: the run stops with one line naming the file
    # system; once it has room again, the next run completes the work with nothing lost and nothing twice
    mount, grow = small_disk
    db = mount / "wiredesk.duckdb"
    config = write_config(tmp_path / "wiredesk.toml", db)
    (mount / "ballast").write_bytes(b"\0" * (2 * 1024 * 1024 + 512 * 1024))  # leaves about half a MiB
    full = run_wiredesk(tmp_path, config, workload.paths)
    lines = full.stderr.strip().splitlines()
    assert full.returncode == 2 and "Traceback" not in full.stderr, full.stderr[-2000:]
    assert lines[-1].startswith("wiredesk: error: could not write ") and f"file system at {mount} is full" in lines[-1]
    again = run_wiredesk(tmp_path, config, workload.paths)  # still full: the same line, nothing broken
    assert again.returncode == 2 and "Traceback" not in again.stderr
    (mount / "ballast").unlink()
    grow("64m")
    final = run_wiredesk(tmp_path, config, workload.paths)
    assert final.returncode == 0, final.stderr[-2000:]
    assert check_database(db, feed_url=workload.feed_url, feed_doc_keys=workload.feed_doc_keys,
                          expected_doc_keys=reference.doc_keys, finished=True) == []
    assert diff_snapshots(reference.snapshot, snapshot(db)) == []
