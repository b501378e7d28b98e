"""A real DuckDB file with the shipped migrations, and a minimal writer of documents and paragraphs.

Phase-1 tests of the near-duplicate stage need stored documents and paragraphs before the pipeline exists;
this writes the same rows (0001 schema) the store writes. Tests through the pipeline live in
tests/dedup/test_dedup_pipeline.py.
"""

from __future__ import annotations

from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

import duckdb

from wiredesk.normalize import content_hash, match_hash

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def open_db(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'paragraphs'").fetchone()[0]:
        migrations = resources.files("wiredesk.store") / "migrations"
        for name in ("0001_initial.sql", "0002_near_duplicates.sql"):
            # 0001 as first committed used the reserved word `at`; main renames it to `failed_at`.
            con.execute((migrations / name).read_text().replace("    at       TIMESTAMPTZ", "    failed_at TIMESTAMPTZ"))
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
        "INSERT INTO documents VALUES (?, ?, 1, true, NULL, NULL, [], ?, ?, 'en', ?, ?, ?, 'text', 'x', 'test', 'test', ?, ?)",
        [document_id, doc_key, source, published_at, text, content_hash(text), doc_key, run_id, now],
    )
    ids = []
    for pos, (para, role) in enumerate(zip(paragraphs, roles)):
        pid = first_paragraph_id + pos
        con.execute(
            "INSERT INTO paragraphs VALUES (?, ?, ?, ?, ?, NULL, ?, ?, 'test')",
            [pid, document_id, pos, role, para, match_hash(para), len(para)],
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
