"""Shared fixtures: the seed corpus, fresh database paths, an article page, and Prefect's test harness."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
DATA = Path(__file__).resolve().parent / "data"


def corpus_dir() -> Path:
    """``../shared/corpus`` beside the repo (``WIREDESK_CORPUS`` overrides)."""
    return Path(os.environ.get("WIREDESK_CORPUS") or REPO.parent / "shared" / "corpus")


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
