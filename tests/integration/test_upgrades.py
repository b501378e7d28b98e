"""Upgrades: a database made at any older schema version upgrades in place, keeping its data; one made
by a newer or different wiredesk is refused with a clear message and left byte-identical.

The older databases are built with the real migrations (``migrate(con, upto=N)``), for every N from 1
to the newest shipped minus one, so each future migration is covered without editing this file. They
are filled with representative rows taken from a reference database that a current run produced (seeds,
a failed file, a feed source): every column that already existed at version N gets the reference values.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from wiredesk.cli import main
from wiredesk.domain.errors import SchemaVersionError
from wiredesk.pipeline.ingest import run_ingest
from wiredesk.domain.settings import Settings
from wiredesk.store import Store
from wiredesk.store.migrate import available_migrations

from conftest import SEEDS
from support.old_database import base_tables, old_database

NEWEST = available_migrations()[-1].version
OLDER = list(range(1, NEWEST))


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """A database written by the current code: the seeds, one failed file and one feed source."""
    root = tmp_path_factory.mktemp("reference")
    inputs = root / "in"
    shutil.copytree(SEEDS, inputs)
    (inputs / "empty.txt").write_text("")
    db = root / "ref.duckdb"
    run_ingest([str(inputs)], Settings(db_path=str(db)))
    assert main(["sources", "add", "https://example.com/feed.xml", "--db", str(db)]) == 0
    return db


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_older_version_is_covered():
    assert OLDER == list(range(1, NEWEST)) and NEWEST >= 4


@pytest.mark.parametrize("version", OLDER, ids=[f"from_v{v}" for v in OLDER])
def test_an_older_database_upgrades_in_place_with_its_data_intact(version, reference, tmp_path):
    db = tmp_path / "old.duckdb"
    filled = old_database(db, version, reference)
    assert filled["documents"][1], "the old database should hold documents"

    Store.open(db).close()  # the upgrade

    fresh = tmp_path / "fresh.duckdb"
    Store.open(fresh).close()
    with duckdb.connect(str(db), read_only=True) as con, duckdb.connect(str(fresh), read_only=True) as new:
        assert con.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall() == [
            (m.version, m.name) for m in available_migrations()]
        assert base_tables(con) == base_tables(new)  # the upgraded schema is the schema of a new database
        for table, (cols, rows) in filled.items():
            assert con.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY ALL").fetchall() == rows, table


@pytest.mark.parametrize("version", OLDER, ids=[f"from_v{v}" for v in OLDER])
def test_a_run_on_an_upgraded_database_skips_what_it_holds_and_adds_what_is_new(version, reference, tmp_path):
    db = tmp_path / "old.duckdb"
    old_database(db, version, reference)
    new = tmp_path / "new.txt"
    new.write_text("The harbour authority said on Friday that the new pier would open in spring, "
                                   "two years later than planned.\n")
    settings = Settings(db_path=str(db))
    summary = run_ingest([str(reference.parent / "in"), str(new)], settings)  # the inputs the old run stored
    assert summary.ok
    c = summary.counts
    assert (c.documents_new, c.items_unchanged) == (1, 2)  # the seeds were already stored at version N
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents WHERE is_current").fetchone() == (3,)


def test_a_database_from_before_stories_gets_them_from_stories_rebuild(reference, tmp_path, capsys):
    before_stories = next(m.version for m in available_migrations() if m.name == "stories") - 1
    db = tmp_path / "old.duckdb"
    old_database(db, before_stories, reference)
    Store.open(db).close()  # the upgrade: the stored documents have no story yet
    main(["status", "--db", str(db)])
    assert "2 current documents have no story (stored before stories existed): run `wiredesk stories-rebuild`" in \
        capsys.readouterr().out
    assert main(["stories", "--db", str(db)]) == 0
    assert "2 current documents have no story yet" in capsys.readouterr().err
    assert main(["stories-rebuild", "-q", "--db", str(db)]) == 0
    assert "2 document versions in 1 story" in capsys.readouterr().out
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT story_id) FROM document_stories").fetchone() == (2, 1)
        assert con.execute("SELECT count(*) FROM documents d WHERE is_current AND document_id NOT IN "
                           "(SELECT document_id FROM document_stories)").fetchone() == (0,)


def _from_the_future(db: Path, reference: Path, rows: list[tuple[int, str]]) -> None:
    shutil.copy(reference, db)
    with duckdb.connect(str(db)) as con:
        con.executemany("INSERT INTO schema_migrations VALUES (?, ?, now())", rows)


@pytest.mark.parametrize("recorded, message", [
    ([(NEWEST + 1, "from_a_newer_wiredesk")], f"version {NEWEST + 1}, but this wiredesk knows only up to {NEWEST}"),
    ([(NEWEST + 7, "far_future")], "upgrade wiredesk to open it"),
], ids=["next_version", "much_newer"])
def test_a_database_from_a_newer_wiredesk_is_refused_and_left_byte_identical(recorded, message, reference, tmp_path, capsys):
    db = tmp_path / "future.duckdb"
    _from_the_future(db, reference, recorded)
    before = _digest(db)
    with pytest.raises(SchemaVersionError, match=message):
        Store.open(db)
    assert main(["run", "--no-prefect", "-q", str(SEEDS), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("wiredesk: error: ") and err.count("\n") == 1 and "not modified" in err
    assert _digest(db) == before


def test_a_database_with_a_migration_this_wiredesk_does_not_have_is_refused_untouched(reference, tmp_path, capsys):
    # Another branch shipped its own migration under a number we use: same version, different name.
    db = tmp_path / "fork.duckdb"
    shutil.copy(reference, db)
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE schema_migrations SET name = 'someone_elses_change' WHERE version = ?", [NEWEST])
    before = _digest(db)
    with pytest.raises(SchemaVersionError, match=f"{NEWEST:04d}_someone_elses_change"):
        Store.open(db)
    assert main(["run", "--no-prefect", "-q", str(SEEDS), "--db", str(db)]) == 2
    assert "does not have" in capsys.readouterr().err
    assert _digest(db) == before


def test_a_database_with_a_gap_in_its_migrations_is_refused_untouched(reference, tmp_path):
    db = tmp_path / "gap.duckdb"
    shutil.copy(reference, db)
    with duckdb.connect(str(db)) as con:
        con.execute("DELETE FROM schema_migrations WHERE version = 1")
    before = _digest(db)
    with pytest.raises(SchemaVersionError, match="does not have"):
        Store.open(db)
    assert _digest(db) == before
