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


# -- no command ----------------------------------------------------------------------------------------


def test_wiredesk_alone_prints_help_and_starts_no_run(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = _cli(capsys)
    assert code == 0 and out.startswith("usage: wiredesk") and "run " in out
    assert list(tmp_path.iterdir()) == []  # no database, no lock file

