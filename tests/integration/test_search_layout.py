"""The search index's layout: postings in term-sorted segments, so that a search reads the postings of its
terms and not the whole index, and the conversion of an index of the old layout changes no result.

Real runs on the AEB pages and the seeds, real DuckDB files; the reading is checked with DuckDB's own
profiler (rows and row groups a query scanned)."""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

import wiredesk
from wiredesk.cli import main
from wiredesk.domain.settings import EventsSettings, IngestSettings, Settings
from wiredesk.fulltext.ranking import search_sql
from wiredesk.pipeline.ingest import run_ingest
from wiredesk.store import Store
from wiredesk.store.migrate import available_migrations
from wiredesk.store.reader import query_terms
from wiredesk.store.search_segments import FANOUT

from conftest import SEEDS, corpus_dir, query
from support.old_database import old_database
from support.search_before import SEARCH_BEFORE

pytestmark = pytest.mark.corpus

# words of the AEB pages and the seeds: rare and common, one and several, names and inflections
QUERIES = ["embassy", "Benghazi embassy siege", "protesters stormed", "president", "said", "government minister",
           "police arrested", "football match", "election results", "the storm", "oil prices rose", "Trump"]
BEFORE_TERM_SORT = next(m.version for m in available_migrations() if m.name == "search_postings_by_term") - 1


def settings(db: Path) -> Settings:
    return Settings(db_path=str(db), ingest=IngestSettings(workers=1), events=EventsSettings(enabled=False))


def aeb_pages() -> list[Path]:
    folder = corpus_dir() / "aeb" / "html"
    if not folder.is_dir():
        pytest.skip(f"AEB corpus not found at {folder} (set WIREDESK_CORPUS)")
    return sorted(folder.glob("*.html.gz"))


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, Path]:
    """The seeds, then the AEB pages in nine runs (nine refreshes, so segments are written and merged); and
    their folder."""
    root = tmp_path_factory.mktemp("search-layout")
    inputs = root / "in"
    shutil.copytree(SEEDS, inputs / "seeds")
    db = root / "runs.duckdb"
    assert run_ingest([str(inputs / "seeds")], settings(db)).ok
    pages = aeb_pages()
    for i in range(9):
        part = inputs / f"aeb{i}"
        part.mkdir()
        for page in pages[i::9]:
            (part / page.name.removesuffix(".gz")).write_bytes(gzip.decompress(page.read_bytes()))
        assert run_ingest([str(part)], settings(db)).ok
    return db, inputs


def results(con: duckdb.DuckDBPyConnection, sql: str | None = None) -> dict[str, list[tuple]]:
    if sql is None:
        return {q: wiredesk.search(con, q, limit=20).fetchall() for q in QUERIES}
    return {q: con.execute(sql, {"terms": query_terms(con, q), "limit": 20}).fetchall() for q in QUERIES}


def test_converting_an_index_of_the_old_layout_keeps_every_result_and_its_rank(runs, tmp_path, capsys):
    written, _ = runs
    db = tmp_path / "old.duckdb"
    filled = old_database(db, BEFORE_TERM_SORT, written)  # postings as the wiredesk before left them
    assert filled["search_postings"][0] == ["term", "document_id", "tf"]
    with duckdb.connect(str(db), read_only=True) as con:
        before = results(con, SEARCH_BEFORE)
    assert sum(len(r) for r in before.values()) > 100 and all(before.values())
    assert main(["search", "embassy", "--db", str(db)]) == 2  # read-only: said, not answered wrongly
    assert "layout of an older wiredesk: the next `wiredesk run` upgrades it" in capsys.readouterr().err
    Store.open(db).close()  # the upgrade
    with duckdb.connect(str(db), read_only=True) as con:
        assert results(con) == before
        assert con.execute("SELECT segment, level FROM search_segments").fetchall() == [(1, 0)]
        assert _unsorted(con) == 0
    with duckdb.connect(str(written), read_only=True) as con:  # the index the runs wrote, in their segments
        assert results(con) == before


def test_runs_keep_fewer_than_fanout_segments_a_level_each_sorted_by_term(runs):
    db, _ = runs
    levels = query(db, "SELECT level, count(*) FROM search_segments GROUP BY level ORDER BY level")
    assert levels and all(n < FANOUT for _, n in levels)
    assert query(db, "SELECT count(DISTINCT segment) FROM search_postings") == [(sum(n for _, n in levels),)]
    assert query(db, "SELECT max(segment) FROM search_segments")[0][0] > 10  # ten refreshes, and merges
    with duckdb.connect(str(db), read_only=True) as con:
        assert _unsorted(con) == 0
        # each posting once, and the counts BM25 reads beside them kept with the documents
        assert con.execute("SELECT count(*), count(DISTINCT (term, document_id)) FROM search_postings").fetchone()[0] == \
            con.execute("SELECT count(DISTINCT (term, document_id)) FROM search_postings").fetchone()[0]
        assert con.execute("SELECT count(*) FROM search_postings p JOIN search_documents s USING (document_id) "
                           "WHERE p.n_terms <> s.n_terms").fetchone() == (0,)
        assert con.execute("SELECT n_documents, avgdl FROM search_index").fetchone() == \
            con.execute("SELECT count(*), avg(n_terms) FROM search_documents").fetchone()
        assert con.execute("SELECT languages FROM search_index").fetchone()[0] == [r[0] for r in con.execute(
            "SELECT DISTINCT language FROM documents WHERE is_current ORDER BY 1").fetchall()]


def test_an_index_merged_over_many_runs_ranks_as_one_built_at_once(runs, tmp_path):
    db, _ = runs
    rebuilt = tmp_path / "rebuilt.duckdb"
    shutil.copy(db, rebuilt)
    with duckdb.connect(str(rebuilt)) as con:  # another tokenizer version: the next run rebuilds the index whole
        con.execute("UPDATE search_index SET tokenizer = 'words/0'")
    with Store.open(rebuilt) as store:
        assert store.refresh_search_index(datetime.now(timezone.utc)).rebuilt
    assert query(rebuilt, "SELECT count(*) FROM search_segments") == [(1,)]
    with duckdb.connect(str(db), read_only=True) as a, duckdb.connect(str(rebuilt), read_only=True) as b:
        assert results(a) == results(b)


def test_a_superseded_version_leaves_the_index_with_the_counts_bm25_reads(runs, tmp_path):
    db, _ = runs
    copy = tmp_path / "copy.duckdb"
    shutil.copy(db, copy)
    note = tmp_path / "extra" / "note.txt"
    note.parent.mkdir()
    note.write_text("The harbour authority said the zeppelinwort pier would open in spring.\n")
    assert run_ingest([str(note.parent)], settings(copy)).ok
    note.write_text("The harbour authority said the blimpwort pier would open in autumn, later than planned.\n")
    assert run_ingest([str(note.parent)], settings(copy)).ok  # a new version: the first one is superseded
    with duckdb.connect(str(copy), read_only=True) as con:
        assert wiredesk.search(con, "zeppelinwort").fetchall() == []
        assert [r[0] for r in wiredesk.search(con, "blimpwort").fetchall()] == [1]
        assert con.execute("SELECT count(*) FROM search_postings p LEFT JOIN search_documents s USING (document_id) "
                           "WHERE s.document_id IS NULL").fetchone() == (0,)
        assert con.execute("SELECT n_documents, avgdl FROM search_index").fetchone() == \
            con.execute("SELECT count(*), avg(n_terms) FROM search_documents").fetchone()


def _unsorted(con: duckdb.DuckDBPyConnection) -> int:
    """Postings that come, in the table's own order, before the posting ahead of them in their segment."""
    return con.execute("SELECT count(*) FROM (SELECT segment, term, document_id, lag((term, document_id)) OVER "
                       "(PARTITION BY segment ORDER BY rowid) AS before FROM search_postings) "
                       "WHERE before > (term, document_id)").fetchone()[0]


def _scanned(con: duckdb.DuckDBPyConnection, sql: str, params: dict, profile: Path) -> dict[str, int]:
    """Rows each table's scans read while ``sql`` ran, from DuckDB's profiler."""
    con.execute("PRAGMA enable_profiling = 'json'")
    con.execute(f"PRAGMA profiling_output = '{profile}'")  # test-only SQL; the path is tmp_path's
    con.execute(sql, params).fetchall()
    con.execute("PRAGMA disable_profiling")
    rows: dict[str, int] = {}

    def walk(op: dict) -> None:
        table = op.get("extra_info", {}).get("Table")
        if table:
            name = table.split(".")[-1]
            rows[name] = rows.get(name, 0) + op.get("rows_scanned", 0)
        for child in op.get("children", []):
            walk(child)

    for op in json.loads(profile.read_text())["operator"]:
        walk(op)
    return rows


def test_a_search_reads_the_postings_of_its_terms_not_the_whole_index(tmp_path):
    db = tmp_path / "big.duckdb"
    Store.open(db).close()
    with duckdb.connect(str(db)) as con:  # 1.2M postings of 4,000 terms in one sorted segment: ten row groups
        con.execute("INSERT INTO search_postings (term, document_id, tf, n_terms, segment) "
                    "SELECT 't' || lpad(t::VARCHAR, 5, '0'), d, 1 + (t * d) % 3, 300, 1 FROM range(4000) a(t), "
                    "range(1, 301) b(d) ORDER BY 1, 2")
        con.execute("INSERT INTO search_documents SELECT d, 300, 1, 1 FROM range(1, 301) t(d)")
        con.execute("INSERT INTO search_index VALUES ('x', now(), 1, 300, 300.0, ['en'])")
    with duckdb.connect(str(db), read_only=True) as con:
        total = con.execute("SELECT count(*) FROM search_postings").fetchone()[0]
        one = _scanned(con, search_sql(), {"terms": ["t01234"], "limit": 10}, tmp_path / "one.json")
        two = _scanned(con, search_sql(), {"terms": ["t00007", "t03999"], "limit": 10}, tmp_path / "two.json")
    assert total == 1_200_000
    assert one["search_postings"] <= 2 * 122_880  # the row group(s) holding the term: one, or two at a boundary
    assert two["search_postings"] <= 4 * 122_880  # two terms far apart, of ten row groups
