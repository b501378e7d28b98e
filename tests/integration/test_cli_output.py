"""What the command line prints, through one rendering layer: closed pipes, help without a command, a run with
nothing to do, the tables and their schema, SQL parameters, JSON Lines, the same width options on every
listing, sizes in one unit family, an untitled search hit, and the documents a dry-run reprocess would change."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from wiredesk.cli import main

from conftest import SEEDS, query


def _cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("out") / "seeded.duckdb")
    assert main(["run", str(SEEDS), "--db", db, "--no-prefect", "-q"]) == 0
    return db


# -- closed pipes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [
    ["query", "SELECT range AS n, 'row ' || range AS text FROM range(200000)"],
    ["search", "embassy"],
    ["--help"],
], ids=["query-table", "search", "help"])
def test_output_into_a_pipe_closed_early_ends_quietly(argv, seeded):
    """`wiredesk ... | head -1`: the first line, then a quiet end (no traceback, no 'Exception ignored')."""
    cmd = [sys.executable, "-m", "wiredesk.cli", *argv] + (["--db", seeded] if argv[0] != "--help" else [])
    script = shlex.join(cmd) + ' | head -c 20; echo; echo "status=${PIPESTATUS[0]}" >&2'
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=300)
    assert done.stdout.strip() != ""
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr and "Broken" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == "status=0"


# -- no command, nothing to do ----------------------------------------------------------------------------


def test_wiredesk_alone_prints_help_and_starts_no_run(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = _cli(capsys)
    assert code == 0 and out.startswith("usage: wiredesk") and "run " in out
    assert list(tmp_path.iterdir()) == []  # no database, no lock file


def test_run_with_no_seeds_folder_and_no_sources_says_there_is_nothing_to_do(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = _cli(capsys, "run", "--no-prefect")
    assert code == 0 and err == ""
    assert out.startswith(f"wiredesk run: nothing to do: no seeds/ folder in {tmp_path}")
    assert "wiredesk sources add URL" in out
    assert list(tmp_path.iterdir()) == []


def test_run_with_no_seeds_folder_and_no_source_due_names_the_next_one(capsys, tmp_path, monkeypatch):
    db = str(tmp_path / "news.duckdb")
    assert main(["sources", "add", "https://example.org/feed.xml", "--name", "example", "--disabled", "--db", db]) == 0
    assert main(["sources", "add", "https://example.net/rss", "--name", "later", "--db", db]) == 0
    capsys.readouterr()
    monkeypatch.chdir(tmp_path)
    # not due: fetched a moment ago, next in an hour (what the sources table would say after a run)
    import duckdb

    con = duckdb.connect(db)
    con.execute("UPDATE sources SET next_fetch_at = now() + INTERVAL 1 HOUR WHERE name = 'later'")
    con.close()
    runs = query(db, "SELECT count(*) FROM runs")
    code, out, _ = _cli(capsys, "run", "--db", db, "--no-prefect")
    assert code == 0
    assert "none of the 1 followed sources is due (next: later at " in out
    assert query(db, "SELECT count(*) FROM runs") == runs  # no run was started


def test_run_with_no_seeds_folder_runs_the_due_sources_only(capsys, tmp_path, monkeypatch, server):
    from support.localserver import static

    server.route("/feed", static(b"<rss version='2.0'><channel><title>Local news</title>"
                                 b"<link>https://local.example/</link></channel></rss>"))
    cfg = tmp_path / "wiredesk.toml"
    cfg.write_text('[http]\nallow_networks = ["127.0.0.1/32"]\nper_host_delay = 0\n')
    db = str(tmp_path / "news.duckdb")
    assert main(["sources", "add", server.url("/feed"), "--name", "local", "--db", db]) == 0
    capsys.readouterr()
    monkeypatch.chdir(tmp_path)
    code, out, _ = _cli(capsys, "run", "--db", db, "--config", str(cfg), "--no-prefect")
    assert code == 0 and "completed" in out
    assert query(db, "SELECT inputs FROM runs") == [(["due sources"],)]
    assert query(db, "SELECT last_status FROM sources") == [(200,)]

