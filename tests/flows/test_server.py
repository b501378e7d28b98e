"""The kept local Prefect server: started once, used by later runs, stopped on request."""

import json
import os
import socket
import subprocess
import sys
import urllib.request

import duckdb

import pytest

from wiredesk.cli import main


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_kept_server_is_started_used_by_run_and_stopped(capsys, seeds, db, tmp_path, monkeypatch):
    monkeypatch.setenv("WIREDESK_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    port = _free_port()
    try:
        assert main(["server", "start", "--port", str(port)]) == 0
        assert f"http://127.0.0.1:{port}/api" in capsys.readouterr().out
        assert main(["server", "status"]) == 0
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        done = subprocess.run(
            [sys.executable, "-m", "wiredesk.cli", "run", str(seeds), "--db", db],
            capture_output=True, text=True, env=env, timeout=300,
        )
        assert done.returncode == 0, done.stderr
        assert "temporary server" not in done.stderr
        assert "documents   2 new" in done.stdout
        # the flow run is recorded by the kept server itself, not by a temporary one
        (flow_run_id,) = duckdb.connect(db, read_only=True).execute("SELECT flow_run_id FROM runs").fetchone()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/flow_runs/{flow_run_id}", timeout=10) as resp:
            assert json.load(resp)["state"]["type"] == "COMPLETED"
    finally:
        main(["server", "stop"])
    capsys.readouterr()
    assert main(["server", "status"]) == 1
    assert "not running" in capsys.readouterr().out


def test_server_start_on_a_busy_port_is_a_clear_error(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("WIREDESK_HOME", str(tmp_path / "home"))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["server", "start", "--port", str(port)]) == 2
    assert f"port {port} on 127.0.0.1 is in use" in capsys.readouterr().err
