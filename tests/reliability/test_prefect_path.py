"""`wiredesk run` through Prefect meeting the faults of a busy machine: another run holding the database,
a temporary Prefect server slow to start.

Before: a second run that found the database taken inside the flow printed Prefect's tracebacks (task and
flow) before wiredesk's own line; a temporary server that took more than Prefect's 20 s to answer (about
one start in six on the loaded two-core machine) ended the run in a RuntimeError traceback. Now: the one
line naming the run that holds the database; wiredesk waits up to 90 s for a temporary server, says so,
and if even that passes says what to do in one line.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from wiredesk.store import RunLock

from conftest import SEEDS


def _config(tmp_path, db) -> str:
    path = tmp_path / "wiredesk.toml"
    path.write_text(f'[database]\npath = "{db}"\n[ingest]\nworkers = 1\n[events]\nenabled = false\n'
                    f'[feeds]\nsources_file = "{tmp_path / "none.toml"}"\n')
    return str(path)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API_URL")}
    env.update(PREFECT_SERVER_ANALYTICS_ENABLED="false", **extra)
    return env


@pytest.fixture(scope="module")
def prefect_api(prefect_harness):
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value()


def test_a_run_that_finds_the_database_taken_inside_the_flow_says_so_in_one_line(prefect_api, tmp_path):
    # --wait skips the early check before Prefect starts, so the flow itself meets the lock: the case of two
    # runs started together that both passed the early check
    db = tmp_path / "busy.duckdb"
    cfg = _config(tmp_path, db)
    with RunLock(db, "the test, holding the database"):
        done = subprocess.run([sys.executable, "-m", "wiredesk.cli", "run", "--wait", "1", "--config", cfg, str(SEEDS)],
                              capture_output=True, text=True, timeout=300, cwd=tmp_path,
                              env=_env(PREFECT_API_URL=prefect_api))
    assert done.returncode == 2, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("wiredesk: error: ") and "is in use by another run" in last and f"pid {os.getpid()}" in last
    assert not [line for line in done.stderr.splitlines() if "RunLockedError" in line]


def test_a_temporary_server_that_does_not_answer_in_time_is_one_line_saying_what_to_do(tmp_path):
    # a wait of 0 s: Prefect gives up on its temporary server at once, as it did after 20 s under load
    db = tmp_path / "t.duckdb"
    done = subprocess.run([sys.executable, "-m", "wiredesk.cli", "run", "--config", _config(tmp_path, db), str(SEEDS)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path,
                          env=_env(WIREDESK_HOME=str(tmp_path / "home"),
                                   PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="0"))
    assert done.returncode == 2, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert "waiting up to 0 s" in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert "temporary server did not answer within 0 s" in last and "--no-prefect" in last


@pytest.mark.slow
def test_a_run_with_a_temporary_server_waits_up_to_90_seconds_for_it_and_says_so(tmp_path):
    db = tmp_path / "t.duckdb"
    done = subprocess.run([sys.executable, "-m", "wiredesk.cli", "run", "--config", _config(tmp_path, db), str(SEEDS)],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path,
                          env=_env(WIREDESK_HOME=str(tmp_path / "home")))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "starting a temporary server for this run, waiting up to 90 s" in done.stderr
    assert "documents   2 new" in done.stdout
