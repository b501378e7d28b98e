"""Readers keep working while a run writes (another process): the writer holds the DuckDB file only
while it stores a batch, and readers wait for that commit instead of failing; the writer likewise
waits while a reader briefly holds the file."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import duckdb

import wiredesk
from wiredesk.cli import main
from wiredesk.store import DatabaseBusyError, open_readonly

HOLD_OPEN = textwrap.dedent("""
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "ro")
    print("open", flush=True)
    time.sleep(float(sys.argv[3]))
    con.close()
""")


def hold_file(db: str, mode: str, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD_OPEN, db, mode, str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "open"
    return proc


def make_articles(folder, n: int) -> None:
    folder.mkdir()
    for i in range(n):
        (folder / f"a{i:03d}.txt").write_text(
            f"Story {i}\n\nThe council of town number {i} met on Tuesday to discuss the new bridge budget.\n\n"
            f"Residents of town {i} said the plan would cut their commute by twenty minutes each day.\n")


def test_queries_succeed_throughout_a_run_in_another_process(tmp_path, db):
    articles = tmp_path / "articles"
    make_articles(articles, 60)
    cfg = tmp_path / "w.toml"
    cfg.write_text("[ingest]\nbatch_size = 3\nworkers = 1\n[events]\nenabled = false\n")
    assert main(["run", "--no-prefect", "-q", str(articles / "a000.txt"), "--db", db, "--config", str(cfg)]) == 0
    run = subprocess.Popen([sys.executable, "-m", "wiredesk.cli", "run", "--no-prefect", "-q", str(articles),
                            "--db", db, "--config", str(cfg)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = []
    while run.poll() is None:
        con = wiredesk.connect(db)  # waits for a batch commit in progress instead of failing
        try:
            seen.append(con.execute("SELECT count(*) FROM documents").fetchone()[0])
        finally:
            con.close()
    out, err = run.communicate()
    assert run.returncode == 0, err
    assert "documents   59 new" in out
    assert len(seen) >= 3, "the run ended before the reader could look; make it longer"
    assert seen == sorted(seen)  # readers see whole batches only, never a count going back
    assert seen[-1] <= 60


def test_a_reader_waits_for_the_writer_and_gives_up_with_a_clear_error(db):
    duckdb.connect(db).close()
    writer = hold_file(db, "rw", 1.5)
    try:
        open_readonly(db, wait=30).close()  # succeeds once the writer lets go
    finally:
        writer.wait()
    writer = hold_file(db, "rw", 30)
    try:
        try:
            open_readonly(db, wait=0.5)
        except DatabaseBusyError as exc:
            assert "stayed busy" in str(exc) and f"PID {writer.pid}" in str(exc)
        else:
            raise AssertionError("a held database must not open")
    finally:
        writer.kill()
        writer.wait()


def test_a_run_waits_while_a_reader_briefly_holds_the_database(seeds, db, capsys):
    assert main(["run", "--no-prefect", "-q", str(seeds), "--db", db]) == 0
    reader = hold_file(db, "ro", 1.5)
    try:
        (seeds / "extra.txt").write_text("Extra\n\nA new paragraph long enough to be stored as a body paragraph here.\n")
        assert main(["run", "--no-prefect", "-q", str(seeds), "--db", db]) == 0
    finally:
        reader.wait()
    assert "1 new" in capsys.readouterr().out


def test_status_works_while_a_run_holds_the_lock_and_names_it(seeds, db, capsys):
    from .test_run_lock import hold_run_lock

    assert main(["run", "--no-prefect", "-q", str(seeds), "--db", db]) == 0
    capsys.readouterr()
    holder = hold_run_lock(db, 30)
    try:
        main(["status", "--db", db, "--json"])
        st = json.loads(capsys.readouterr().out)
    finally:
        holder.kill()
        holder.wait()
    assert st["run_in_progress"].startswith(f"run 41, pid {holder.pid}")
