"""A question about one document of ``event_mentions``, ``entity_mentions`` and ``document_stories`` reads
that document's row of ``documents`` by its primary key (an index scan), not the row group holding it, and
the views still show current versions only. Checked with DuckDB's profiler on a store the seeds made."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from wiredesk.domain.settings import Settings
from wiredesk.pipeline.ingest import run_ingest

from conftest import SEEDS

VIEWS = ("event_mentions", "entity_mentions", "document_stories")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("point-views") / "seeded.duckdb"
    assert run_ingest([str(SEEDS)], Settings(db_path=str(db))).ok
    with duckdb.connect(str(db)) as con:  # a superseded version: its rows must stay out of the views
        con.execute("UPDATE documents SET is_current = false WHERE document_id = 1")
    return db


def _documents_read(con: duckdb.DuckDBPyConnection, sql: str, profile: Path) -> list[tuple[str, int]]:
    """(scan type, rows read) of every scan of ``documents`` while ``sql`` ran, from DuckDB's profiler."""
    con.execute("PRAGMA enable_profiling = 'json'")
    con.execute(f"PRAGMA profiling_output = '{profile}'")  # test-only SQL; the path is tmp_path's
    con.execute(sql).fetchall()
    con.execute("PRAGMA disable_profiling")
    found = []

    def walk(op: dict) -> None:
        info = op.get("extra_info", {})
        if str(info.get("Table", "")).endswith(".documents"):
            found.append((info.get("Type"), op.get("rows_scanned")))
        for child in op.get("children", []):
            walk(child)

    for op in json.loads(profile.read_text())["operator"]:
        walk(op)
    return found


@pytest.mark.parametrize("view", VIEWS)
def test_one_documents_rows_are_read_through_the_documents_key(view, seeded, tmp_path):
    with duckdb.connect(str(seeded), read_only=True) as con:
        doc = con.execute(f"SELECT max(document_id) FROM {view}").fetchone()[0]  # the view's name is a constant
        assert doc is not None
        assert _documents_read(con, f"SELECT * FROM {view} WHERE document_id = {doc}", tmp_path / "p.json") == [
            ("Index Scan", 1)]


@pytest.mark.parametrize("view", VIEWS)
def test_the_views_show_the_current_versions_only(view, seeded):
    with duckdb.connect(str(seeded), read_only=True) as con:
        shown = con.execute(f"SELECT DISTINCT document_id FROM {view} ORDER BY 1").fetchall()
        table = {"event_mentions": "event_mention_rows", "entity_mentions": "entity_mention_rows",
                 "document_stories": "story_assignments"}[view]
        current = con.execute(f"SELECT DISTINCT t.document_id FROM {table} t JOIN documents d USING (document_id) "
                              "WHERE d.is_current ORDER BY 1").fetchall()
        assert shown == current and shown
        assert (1,) not in shown
        assert con.execute(f"SELECT count(*) FROM {table} WHERE document_id = 1").fetchone()[0] > 0
