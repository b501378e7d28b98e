"""Files given as the database that are not a healthy wiredesk database: an SQLite file, another program's
DuckDB file, an empty or text file, a file cut short or corrupted, a database in a read-only folder.

Each must end in one line on stderr (exit 2) saying which file and what to do, for `run`, `stats`,
`status` and `query`; and none may be changed, deleted, or given a lock file beside it. Before: an SQLite
file made DuckDB try to download its sqlite_scanner extension (and left ``s.db.lock``), a foreign DuckDB
file got wiredesk's whole schema written into it, and a cut file gave tracebacks.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

import wiredesk
from wiredesk.cli import main

from conftest import SEEDS

ARTICLE = SEEDS / "2020-01-01-ap-baghdad-embassy.txt"


def _config(tmp_path: Path) -> str:
    path = tmp_path / "wiredesk.toml"
    path.write_text(f'[feeds]\nsources_file = "{tmp_path / "none.toml"}"\n[ingest]\nworkers = 1\n'
                    '[events]\nenabled = false\n')
    return str(path)


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def wiredesk_db(tmp_path_factory) -> Path:
    """A real wiredesk database with a few MB of rows (several blocks), made once."""
    root = tmp_path_factory.mktemp("made")
    db = root / "made.duckdb"
    assert main(["run", "--no-prefect", "-q", "--db", str(db), "--config", _config(root), str(SEEDS)]) == 0
    return db


def _one_line(capsys, code: int) -> str:
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert code == 2, (out, err)
    assert len(lines) == 1 and lines[0].startswith("wiredesk: error: "), err
    return lines[0]


def _commands(db: Path, cfg: str) -> list[list[str]]:
    return [["run", "--no-prefect", "--db", str(db), "--config", cfg, str(ARTICLE)],
            ["stats", "--db", str(db)], ["status", "--db", str(db)], ["search", "embassy", "--db", str(db)]]


def _foreign(folder: Path) -> Path:
    path = folder / "theirs.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE measurements (station VARCHAR, value DOUBLE)")
    con.execute("INSERT INTO measurements VALUES ('north', 1.5), ('south', 2.5)")
    con.close()
    return path


def _sqlite(folder: Path) -> Path:
    path = folder / "notes.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (body TEXT)")
    con.commit()
    con.close()
    return path


def _text(folder: Path) -> Path:
    path = folder / "readme.duckdb"
    path.write_text("not a database\n")
    return path


def _empty(folder: Path) -> Path:
    path = folder / "empty.duckdb"
    path.write_bytes(b"")
    return path


@pytest.mark.parametrize("make, says", [
    (_sqlite, "is an SQLite database"),
    (_foreign, "wiredesk did not make"),
    (_text, "is not a DuckDB database"),
    (_empty, "is an empty file"),
])
def test_a_file_that_is_not_a_wiredesk_database_is_refused_in_one_line_and_left_untouched(make, says, tmp_path,
                                                                                            capsys):
    folder = tmp_path / "files"
    folder.mkdir()
    path = make(folder)
    before = _digest(folder)
    for argv in _commands(path, _config(tmp_path)):
        line = _one_line(capsys, main(argv))
        assert str(path) in line and says in line, (argv[0], line)
    assert _digest(folder) == before  # not changed, and nothing (no lock file, no WAL) made beside it


def test_every_connection_wiredesk_opens_refuses_to_install_or_load_extensions(wiredesk_db):
    # an SQLite file would otherwise make DuckDB download sqlite_scanner: a network access past the guard
    with wiredesk.connect(wiredesk_db) as con:
        settings = con.execute("SELECT current_setting('autoinstall_known_extensions'), "
                               "current_setting('autoload_known_extensions')").fetchone()
    assert settings == (False, False)


def test_query_still_reads_any_duckdb_file_read_only(tmp_path, capsys):
    path = _foreign(tmp_path)
    assert main(["query", "SELECT count(*) AS n FROM measurements", "--db", str(path), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["n", "2"]


@pytest.mark.parametrize("fraction", [0.4, 0.9])
def test_a_database_cut_short_is_named_as_damaged_and_never_changed(fraction, wiredesk_db, tmp_path, capsys):
    folder = tmp_path / "files"
    folder.mkdir()
    cut = folder / "cut.duckdb"
    data = wiredesk_db.read_bytes()
    cut.write_bytes(data[:int(len(data) * fraction)])
    before = _digest(folder)
    for argv in _commands(cut, _config(tmp_path)):
        line = _one_line(capsys, main(argv))
        assert f"{cut} is damaged" in line and "backup" in line, (argv[0], line)
    assert _digest(folder) == before


def test_a_database_cut_on_a_block_boundary_is_named_as_damaged_when_read(wiredesk_db, tmp_path, capsys):
    # a cut that lands between two blocks looks whole from outside: DuckDB's read error says it
    data = wiredesk_db.read_bytes()
    block = 262144
    cut = tmp_path / "cut.duckdb"
    # keep the headers and the first block only: where a table's rows sit depends on the schema, and a cut
    # halfway let a whole table (paragraphs) survive once later migrations added tables
    cut.write_bytes(data[:3 * 4096 + block])
    for argv in (["stats", "--db", str(cut)], ["query", "SELECT sum(length(text)) FROM paragraphs", "--db", str(cut)]):
        line = _one_line(capsys, main(argv))
        assert f"{cut} is damaged" in line, line


def test_a_corrupted_block_is_named_as_damaged(wiredesk_db, tmp_path, capsys):
    bad = tmp_path / "bad.duckdb"
    data = bytearray(wiredesk_db.read_bytes())
    for offset in range(3 * 4096 + 1000, len(data) - 64, 262144):  # a few bytes of every block
        data[offset:offset + 64] = os.urandom(64)
    bad.write_bytes(bytes(data))
    code = main(["stats", "--db", str(bad)])
    line = _one_line(capsys, code)
    assert f"{bad} is damaged" in line and "checksum" in line


def test_a_command_that_fails_on_a_bad_file_prints_no_traceback(tmp_path):
    path = _sqlite(tmp_path)
    done = subprocess.run([sys.executable, "-m", "wiredesk.cli", "run", "--no-prefect", "--db", str(path),
                           "--config", _config(tmp_path), str(ARTICLE)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [done.stderr.strip()] and "Traceback" not in done.stderr
    assert not Path(f"{path}.lock").exists()


@pytest.fixture
def readonly_folder(tmp_path):
    """A folder wiredesk may not write in: chmod for a normal user; for root (who ignores modes), a tmpfs
    mounted read-only, or a skip where mounting is not allowed."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        yield folder, lambda: folder.chmod(0o555)
        folder.chmod(0o755)
        return
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(folder)], capture_output=True).returncode:
        pytest.skip("running as root without permission to mount a read-only file system")
    try:
        yield folder, lambda: subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)


def test_a_database_in_a_read_only_folder_is_read_but_not_run_on(readonly_folder, wiredesk_db, tmp_path, capsys):
    folder, make_read_only = readonly_folder
    db = folder / "news.duckdb"
    db.write_bytes(wiredesk_db.read_bytes())
    make_read_only()
    before = _digest(folder)
    cfg = _config(tmp_path)
    line = _one_line(capsys, main(["run", "--no-prefect", "--db", str(db), "--config", cfg, str(ARTICLE)]))
    assert f"cannot write {db}" in line and "read-only" in line
    line = _one_line(capsys, main(["run", "--no-prefect", "--db", str(folder / "new.duckdb"), "--config", cfg,
                                   str(ARTICLE)]))
    assert "read-only" in line
    assert main(["stats", "--db", str(db)]) == 0  # reading needs no write
    capsys.readouterr()
    assert _digest(folder) == before
