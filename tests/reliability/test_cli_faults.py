"""The command line under the faults a shell meets: an empty query, a reader that closes the pipe (`| head`),
SIGTERM to `wiredesk serve`. Each ends quietly or in one line, never in a traceback.

Before: `query ""` raised AttributeError; `wiredesk query ... | head` ended in BrokenPipeError; SIGTERM
while `serve` was starting came out of Prefect's import wrapped in a pydantic traceback, and once serving,
Prefect's own handler left "coroutine 'Runner.astop' was never awaited" warnings.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from wiredesk.cli import main

from conftest import SEEDS


@pytest.fixture(scope="module")
def made_db(tmp_path_factory):
    root = tmp_path_factory.mktemp("clidb")
    db = root / "w.duckdb"
    (root / "wiredesk.toml").write_text('[ingest]\nworkers = 1\n[events]\nenabled = false\n'
                                        f'[feeds]\nsources_file = "{root / "none.toml"}"\n')
    assert main(["run", "--no-prefect", "-q", "--db", str(db), "--config", str(root / "wiredesk.toml"), str(SEEDS)]) == 0
    return db


@pytest.mark.parametrize("sql", ["", "   ", "-- only a comment"])
def test_a_query_with_no_statement_is_one_line(sql, made_db, capsys):
    assert main(["query", sql, "--db", str(made_db)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("wiredesk: error: query failed: no SQL statement given") and err.count("\n") == 1


@pytest.mark.parametrize("argv", [["query", "SELECT * FROM range(200000)"], ["query", "SELECT * FROM range(200000)",
                                                                              "--format", "csv"], ["stats"]])
def test_output_piped_into_a_reader_that_stops_early_ends_quietly(argv, made_db):
    # `| head -n 1`: the reader closes the pipe after one line; the rest of the output meets a closed pipe
    cmd = [sys.executable, "-m", "wiredesk.cli", *argv, "--db", str(made_db)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    code = proc.wait(timeout=120)
    assert first
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert code in (0, 141)  # 141: the closed pipe was met (stats may have finished before)


class _HangingApi(BaseHTTPRequestHandler):
    """A Prefect API that accepts the connection and never answers: `serve` stays in its setup."""

    def do_GET(self):  # noqa: N802
        time.sleep(60)

    do_POST = do_PATCH = do_PUT = do_GET  # noqa: N815

    def log_message(self, *args):
        pass


def test_sigterm_while_serve_is_starting_stops_it_in_one_line(tmp_path):
    api = ThreadingHTTPServer(("127.0.0.1", 0), _HangingApi)
    api.daemon_threads = True
    threading.Thread(target=api.serve_forever, daemon=True).start()
    env = {**os.environ, "PREFECT_API_URL": f"http://127.0.0.1:{api.server_address[1]}/api",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    (tmp_path / "wiredesk.toml").write_text(f'[database]\npath = "{tmp_path / "s.duckdb"}"\n')
    proc = subprocess.Popen([sys.executable, "-m", "wiredesk.cli", "serve"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # kill it somewhere inside its setup (Prefect's import, then the hanging API); both must stop cleanly
        for line in iter(proc.stderr.readline, ""):
            if line.startswith("serving "):
                break
        time.sleep(1.0)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        api.shutdown()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "never awaited" not in err, err
    assert err.strip().splitlines()[-1].startswith("wiredesk serve: stopped")


@pytest.mark.slow
def test_sigterm_to_a_serving_serve_pauses_and_stops_without_noise(tmp_path, monkeypatch):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("WIREDESK_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    (tmp_path / "wiredesk.toml").write_text(f'[database]\npath = "{tmp_path / "s.duckdb"}"\n')
    assert main(["server", "start", "--port", str(port)]) == 0
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    proc = subprocess.Popen([sys.executable, "-m", "wiredesk.cli", "serve"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and "being served" not in (proc.stdout.readline() or "being served"):
            pass
        time.sleep(2)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        main(["server", "stop"])
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "never awaited" not in err, err
    assert "wiredesk serve: stopped" in err
