"""(slow) `wiredesk serve` for real: a kept Prefect server, the serve process, and Prefect's scheduler
starting the run by itself from a one-minute schedule."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import duckdb
import pytest

from wiredesk.cli import main


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_wiredesk_serve_runs_the_schedule_without_being_asked(tmp_path, seeds, monkeypatch):
    monkeypatch.setenv("WIREDESK_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.chdir(seeds.parent)  # the "*" group ingests ./seeds
    db = tmp_path / "served.duckdb"
    (tmp_path / "wiredesk.toml").write_text(f'[database]\npath = "{db}"\n[serve]\nschedules = ["* = 1m"]\n')
    assert main(["server", "start", "--port", str(_free_port())]) == 0
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    serve = subprocess.Popen([sys.executable, "-m", "wiredesk.cli", "serve"], cwd=tmp_path, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        rows = []
        while time.monotonic() < deadline and not rows:
            time.sleep(5)
            assert serve.poll() is None, serve.stdout.read()
            if db.exists():
                try:
                    con = duckdb.connect(str(db), read_only=True)
                    rows = con.execute("SELECT status, flow_run_id FROM runs WHERE status = 'completed'").fetchall()
                    con.close()
                except duckdb.Error:
                    pass  # a batch is being committed
        assert rows, "no scheduled run completed within 5 minutes"
        assert rows[0][1]  # started by Prefect, recorded with its flow run id
    finally:
        os.killpg(serve.pid, signal.SIGINT)
        try:
            serve.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
        main(["server", "stop"])
