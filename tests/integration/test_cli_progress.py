"""What a person sees while a run works: the live display on a terminal (a real pseudo-terminal), periodic
lines when standard error is a pipe, nothing with --quiet; and what a run says when it waits."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import duckdb
import pytest

from wiredesk.cli.live import PlainDisplay
from wiredesk.cli.screen import Screen
from wiredesk.pipeline.progress import RunProgress, StageProgress
from wiredesk.store import RunLock

from conftest import SEEDS

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture
def articles(tmp_path) -> Path:
    """30 distinct articles (the seed stories, each copy with a line of its own): a run with stages to show."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(15):
        for src in sorted(SEEDS.glob("*.txt")):
            (folder / f"{i:02d}-{src.name}").write_text(src.read_text() + f"\n\nCorrection number {i} was added.\n")
    return folder


def _cli(*argv: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wiredesk.cli", *argv], capture_output=True, text=True,
                          timeout=600, env=env, cwd=cwd)


def _run_on_a_terminal(argv: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run the CLI with standard error on a real pseudo-terminal (80x24) and standard output on a pipe;
    returns (exit status, what the terminal received, standard output)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "wiredesk.cli", *argv], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=slave, cwd=cwd, env={**os.environ, "TERM": "xterm"})
    os.close(slave)
    received = b""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            received += chunk
        elif proc.poll() is not None:
            break
    out = proc.stdout.read().decode()
    proc.wait(timeout=60)
    os.close(master)
    return proc.returncode, received.decode("utf-8", "replace"), out


def test_a_run_on_a_terminal_shows_its_stages_live_and_prints_the_summary_on_stdout(articles, tmp_path):
    code, terminal, out = _run_on_a_terminal(["run", str(articles), "--db", str(tmp_path / "t.duckdb"), "--no-prefect"],
                                             tmp_path)
    assert code == 0 and "documents   30 new" in out
    assert "\x1b[?25l" in terminal  # the cursor is hidden while the display is drawn in place ...
    assert "\x1b[2K" in terminal  # ... and its lines are erased and redrawn
    text = ANSI.sub("", terminal)
    # with events on, the pool's workers clean each item and read it for events: one stage, item by item
    assert re.search(r"cleaning and reading events\s.*\d+/30 items", text), text[-2000:]
    assert re.search(r"stored\s.*\d+/30 inputs", text)
    assert "Traceback" not in text


def test_a_run_into_a_pipe_prints_a_progress_line_every_few_seconds_and_no_escape_codes(articles, tmp_path):
    done = _cli("run", str(articles), "--db", str(tmp_path / "t.duckdb"), "--no-prefect", "--progress-every", "0.3")
    assert done.returncode == 0 and "documents   30 new" in done.stdout
    lines = done.stderr.splitlines()
    assert "\x1b" not in done.stderr
    progress = [line for line in lines if re.match(r"  \[\d+:\d\d:\d\d\] ", line)]
    assert len(progress) >= 2, done.stderr
    assert all(re.search(r"(finding files|reading files|planning|cleaning|extracting events|storing|indexing)", line)
               for line in progress)
    assert any("/30" in line for line in progress)


def test_quiet_shows_no_progress(articles, tmp_path):
    done = _cli("run", str(articles), "--db", str(tmp_path / "t.duckdb"), "--no-prefect", "-q", "--progress-every", "0.1")
    assert done.returncode == 0 and "documents   30 new" in done.stdout
    assert done.stderr == ""


def test_the_progress_line_gives_the_rate_and_the_time_left_of_the_stage():
    now = [100.0]
    screen = Screen(io.StringIO(), io.StringIO())
    display = PlainDisplay(screen, every=3600, clock=lambda: now[0])
    try:
        display.stage(StageProgress("clean", 0, 100))
        display.stored(RunProgress(0, 100, "0 new, 0 updated, 0 unchanged, 0 failed"))
        now[0] += 10
        display.stage(StageProgress("clean", 40, 100))
        line = display.line()
    finally:
        display.close()
    assert line == ("  [0:00:10] cleaning 40/100 items, 4.0 items/s, ETA 0:00:15; "
                    "stored 0/100: 0 new, 0 updated, 0 unchanged, 0 failed")


# -- waits are said ------------------------------------------------------------------------------------


def test_a_run_waiting_for_another_run_says_for_which_and_how_long(seeds, db):
    with RunLock(db, "a running wiredesk run"):  # this process holds the run lock, as a running run does
        done = _cli("run", str(seeds), "--db", db, "--no-prefect", "--wait", "1.5")
    assert done.returncode == 2
    waiting = next(line for line in done.stderr.splitlines() if line.startswith("waiting"))
    assert waiting.startswith(f"waiting up to 2 s for another run to finish writing {db}")
    assert f"pid {os.getpid()}" in waiting and "a running wiredesk run" in waiting
    assert "after waiting 2s" in done.stderr.splitlines()[-1]


def test_a_run_waiting_for_a_reader_names_its_pid_and_says_when_it_got_the_file(seeds, db, tmp_path):
    assert _cli("run", str(seeds), "--db", db, "--no-prefect", "-q").returncode == 0
    more = tmp_path / "more"
    more.mkdir()
    (more / "note.txt").write_text("A third outlet reported that the embassy compound was stormed on Tuesday.\n" * 3)
    reader = duckdb.connect(db, read_only=True)  # an open notebook, say
    proc = subprocess.Popen([sys.executable, "-m", "wiredesk.cli", "run", str(more), "--db", db, "--no-prefect"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: list[str] = []
    said = threading.Event()

    def read_stderr() -> None:
        for line in proc.stderr:
            seen.append(line)
            if line.startswith("waiting"):
                said.set()

    thread = threading.Thread(target=read_stderr, daemon=True)
    thread.start()
    try:
        assert said.wait(120), "".join(seen)
    finally:
        reader.close()  # the notebook closes: the run goes on
    out = proc.stdout.read()
    assert proc.wait(timeout=300) == 0, "".join(seen)
    thread.join(timeout=10)
    waiting = next(line for line in seen if line.startswith("waiting"))
    assert waiting.startswith("waiting up to 120 s for pid ") and f"pid {os.getpid()} " in waiting
    assert f"to close {db}" in waiting
    assert any(line.startswith(f"waited ") and f"pid {os.getpid()}" in line for line in seen)
    assert "documents   1 new" in out
