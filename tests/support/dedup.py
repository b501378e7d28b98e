"""A real DuckDB file with the shipped migrations, and a minimal writer of documents and paragraphs.

Unit tests of the near-duplicate stage control document ids, dates and texts exactly, so they write the rows
the store writes (0001 schema) directly and call the stage; tests through the pipeline and CLI live in
tests/integration/dedup/test_dedup_pipeline.py.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from wiredesk.domain.normalize import content_hash, match_hash
from wiredesk.store.migrate import migrate

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def open_db(path: Path) -> duckdb.DuckDBPyConnection:
    """A migrated database file (the store's own migrator)."""
    con = duckdb.connect(str(path))
    migrate(con)
    return con


def add_document(con, doc_key: str, paragraphs: list[str], *, published_at: datetime | None = None,
                 source: str | None = None, roles: list[str] | None = None, document_id: int | None = None,
                 first_paragraph_id: int | None = None, run_id: int = 1) -> list[int]:
    """Insert one current document and its paragraphs; returns the paragraph ids."""
    if document_id is None:
        document_id = con.execute("SELECT coalesce(max(document_id), 0) + 1 FROM documents").fetchone()[0]
    if first_paragraph_id is None:
        first_paragraph_id = con.execute("SELECT coalesce(max(paragraph_id), 0) + 1 FROM paragraphs").fetchone()[0]
    roles = roles or ["body"] * len(paragraphs)
    text = "\n\n".join(p for p, r in zip(paragraphs, roles) if r == "body")
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    con.execute(
        # columns named: later migrations add columns at the end, which a positional insert would miss
        "INSERT INTO documents (document_id, doc_key, version, is_current, url, title, authors, source, published_at, "
        "language, text, content_hash, origin, kind, raw_sha256, cleaner, pipeline_version, run_id, ingested_at, "
        "derived_run_id) VALUES (?, ?, 1, true, NULL, NULL, [], ?, ?, 'en', ?, ?, ?, 'text', 'x', 'test', 'test', "
        "?, ?, ?)",
        [document_id, doc_key, source, published_at, text, content_hash(text), doc_key, run_id, now, run_id],
    )
    ids = []
    for pos, (para, role) in enumerate(zip(paragraphs, roles)):
        pid = first_paragraph_id + pos
        con.execute(
            "INSERT INTO paragraphs (paragraph_id, document_id, position, role, text, attached_to, match_hash, n_chars, "
            "derived_by, run_id) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, 'test', ?)",
            [pid, document_id, pos, role, para, match_hash(para), len(para), run_id],
        )
        ids.append(pid)
    return ids


def seed_paragraphs(name: str) -> list[str]:
    text = (SEEDS / name).read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def links(con) -> list[tuple]:
    return con.execute(
        "SELECT paragraph_id, duplicate_of, kind, round(similarity, 4) FROM duplicates ORDER BY ALL"
    ).fetchall()


@pytest.fixture
def con(tmp_path):
    """An open connection to a fresh, migrated database file (import this fixture into a test module)."""
    connection = open_db(tmp_path / "wiredesk.duckdb")
    yield connection
    connection.close()


def corpus_dir() -> Path:
    """``../shared/corpus`` beside the repository (``WIREDESK_CORPUS`` overrides); skips the test when absent."""
    path = Path(os.environ.get("WIREDESK_CORPUS") or Path(__file__).resolve().parents[3] / "shared" / "corpus")
    if not (path / "aeb" / "ground-truth.json").exists():
        pytest.skip(f"corpus not found at {path} (set WIREDESK_CORPUS)")
    return path
