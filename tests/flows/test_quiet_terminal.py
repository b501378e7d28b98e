"""A run through Prefect prints what the person needs and no library noise: no spaCy W127, no trafilatura
"discarding data", no Prefect telemetry error from the Python API; its summary counts Prefect's start."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

VERBS = ("attacked", "stormed", "protested outside", "surrounded", "set fire to")


@pytest.fixture
def noisy(tmp_path):
    """A page trafilatura finds no text in, and an article long enough for spaCy's worker processes."""
    folder = tmp_path / "noisy"
    folder.mkdir()
    (folder / "empty.html").write_text("<html><head></head><body><div></div></body></html>")
    paragraphs = [f"Protesters {VERBS[i % len(VERBS)]} the embassy in Baghdad on Tuesday, witness {i} said."
                  for i in range(80)]
    (folder / "long.txt").write_text("\n\n".join(paragraphs) + "\n")
    return folder


def test_a_run_through_prefect_prints_no_library_noise(prefect_harness, noisy, db):
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}
    done = subprocess.run([sys.executable, "-m", "wiredesk.cli", "run", str(noisy), "--db", db],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "documents   1 new" in done.stdout and "empty.html: no_text" in done.stdout
    assert "W127" not in done.stderr and "Language.pipe" not in done.stderr
    assert "discarding data" not in done.stderr
    assert "Traceback" not in done.stderr


def test_the_summary_of_a_run_through_prefect_counts_the_time_prefect_takes_to_start(tmp_path, seeds):
    """A temporary Prefect server takes seconds to start: the summary's time includes them and says so."""
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PREFECT_SERVER_ANALYTICS_ENABLED")}
    env["WIREDESK_HOME"] = str(tmp_path / "home")  # no kept server
    env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "180"  # a loaded machine starts it slowly (default 20)
    done = subprocess.run([sys.executable, "-m", "wiredesk.cli", "run", str(seeds), "--db", str(tmp_path / "t.duckdb")],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    m = re.search(r"completed in (\d+\.\d)s \((\d+\.\d)s ingesting, (\d+\.\d)s starting Prefect\)", done.stdout)
    assert m, done.stdout
    total, ingesting, prefect = map(float, m.groups())
    assert abs(total - ingesting - prefect) <= 0.11 and prefect >= 1.0
    assert "ERROR" not in done.stderr and "Traceback" not in done.stderr


def test_the_python_api_through_prefect_sends_no_telemetry_and_logs_no_error(tmp_path, seeds):
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PREFECT_SERVER_ANALYTICS_ENABLED")}
    env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "180"
    code = (f"import wiredesk; s = wiredesk.ingest([{str(seeds)!r}], db={str(tmp_path / 'api.duckdb')!r}, prefect=True); "
            "print(s.status)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600,
                          cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == "completed", done.stderr
    assert "telemetry" not in done.stderr and "| ERROR" not in done.stderr and "Traceback" not in done.stderr
