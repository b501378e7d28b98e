"""Shared fixtures and helpers of every test group (unit/, integration/, flows/, reliability/): the seed corpus,
fresh database paths, an article page, Prefect's test harness, the one read-only query helper, and the fixtures
of ``support/`` (a local HTTP server, the event extractor) made visible everywhere.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pytest

# fixtures shared by several groups, defined with their helpers in support/ (importing them registers them)
from support.events import doc, extractor, gazetteer, lexicon, rules_extractor, seed_docs, seed_extractions  # noqa: F401
from support.localserver import corpus, local_settings, server  # noqa: F401

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
DATA = Path(__file__).resolve().parent / "data"


def corpus_dir() -> Path:
    """``../shared/corpus`` beside the repo (``WIREDESK_CORPUS`` overrides)."""
    return Path(os.environ.get("WIREDESK_CORPUS") or REPO.parent / "shared" / "corpus")


def query(db: str | Path, sql: str, params: Sequence = ()) -> list[tuple]:
    """The rows of ``sql`` on a read-only connection to the database at ``db``, closed after: the tests' one
    helper for looking at what a run stored."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    # wiredesk's per-user state (the kept Prefect server record) must not leak between tests and the user
    monkeypatch.setenv("WIREDESK_HOME", str(tmp_path_factory.getbasetemp() / "wiredesk-home"))


@pytest.fixture
def seeds(tmp_path) -> Path:
    """A private copy of seeds/ (tests may edit it)."""
    dest = tmp_path / "seeds"
    shutil.copytree(SEEDS, dest)
    return dest


@pytest.fixture
def db(tmp_path) -> str:
    return str(tmp_path / "test.duckdb")


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server and database for the whole session (starting one costs ~10 s)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
