from __future__ import annotations

import os
from pathlib import Path

import pytest

from dedup_helpers import open_db


@pytest.fixture
def db(tmp_path):
    con = open_db(tmp_path / "wiredesk.duckdb")
    yield con
    con.close()


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """../shared/corpus next to the repository (WIREDESK_CORPUS overrides); skips when absent."""
    path = Path(os.environ.get("WIREDESK_CORPUS", Path(__file__).resolve().parents[3] / "shared" / "corpus"))
    if not (path / "aeb" / "ground-truth.json").exists():
        pytest.skip(f"corpus not found at {path} (set WIREDESK_CORPUS)")
    return path
