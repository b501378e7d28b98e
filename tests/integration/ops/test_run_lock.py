"""One run per database: a second run (another process) waits for the first or stops with one line
naming it; the lock dies with its holder; readers and the writer wait for each other's short holds."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

from wiredesk.cli import main

HOLD_LOCK = textwrap.dedent("""
    import sys, time
    from wiredesk.store import RunLock
    lock = RunLock(sys.argv[1], "test holder").acquire()
    lock.note_run(41)
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
""")


def hold_run_lock(db: str, seconds: float) -> subprocess.Popen:
    """Another process holding the run lock of ``db`` for ``seconds`` (as a run in progress does)."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, db, str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_run_exits_at_once_with_a_message_naming_the_running_one(seeds, db, capsys):
    holder = hold_run_lock(db, 30)
    try:
        assert main(["run", "--no-prefect", "-q", str(seeds), "--db", db]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1
        assert "is in use by another run (run 41, pid %d" % holder.pid in err[0]
        assert "test holder" in err[0] and "--wait" in err[0]
    finally:
        holder.kill()
        holder.wait()
    # nothing was written by the refused run: the database does not even exist yet
    assert main(["query", "SELECT 1", "--db", db]) == 2


def test_a_second_run_with_wait_runs_once_the_first_one_ends(seeds, db, capsys):
    holder = hold_run_lock(db, 1.5)
    try:
        started = time.monotonic()
        assert main(["run", "--no-prefect", "-q", str(seeds), "--db", db, "--wait", "120"]) == 0
        assert time.monotonic() - started >= 1.0  # it did wait for the holder
    finally:
        holder.wait()
    assert "documents   2 new" in capsys.readouterr().out


def test_a_lock_whose_holder_died_does_not_block_the_next_run(seeds, db, capsys):
    holder = hold_run_lock(db, 60)
    holder.kill()  # a crash: no chance to release
    holder.wait()
    assert main(["run", "--no-prefect", "-q", str(seeds), "--db", db]) == 0


def test_waiting_too_long_for_the_lock_says_how_long_it_waited(db):
    from wiredesk.store import RunLock, RunLockedError

    holder = hold_run_lock(db, 30)
    try:
        with pytest.raises(RunLockedError, match=r"after waiting 1s"):
            RunLock(db, "second", wait=1.0).acquire()
    finally:
        holder.kill()
        holder.wait()


def test_dedup_rebuild_refuses_to_run_while_a_run_holds_the_database(seeds, db, capsys):
    assert main(["run", "--no-prefect", "-q", str(seeds), "--db", db]) == 0
    holder = hold_run_lock(db, 30)
    try:
        assert main(["dedup-rebuild", "--db", db]) == 2
        assert "in use by another run" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()


def test_a_second_prefect_run_is_refused_in_one_line_before_prefect_starts(seeds, db, capsys):
    holder = hold_run_lock(db, 30)
    try:
        assert main(["run", "-q", str(seeds), "--db", db]) == 2
    finally:
        holder.kill()
        holder.wait()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "is in use by another run (run 41" in err[0]


def test_the_flow_itself_refuses_a_held_database_naming_the_holder(prefect_harness, seeds, db):
    from wiredesk.store import RunLockedError
    from wiredesk_flows.ingest import ingest_flow

    holder = hold_run_lock(db, 30)
    try:
        with pytest.raises(RunLockedError, match=f"run 41, pid {holder.pid}"):
            ingest_flow(paths=[str(seeds)], db=db)
    finally:
        holder.kill()
        holder.wait()
