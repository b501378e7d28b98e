"""The pipeline through its Python API: seeds in, rows out; reruns store nothing twice; bad input is recorded."""

import duckdb

from wiredesk.pipeline.ingest import run_ingest
from wiredesk.pipeline.stages import plan_items
from wiredesk.domain.models import InputItem
from wiredesk.domain.settings import IngestSettings, Settings
from wiredesk.domain.versions import PARAGRAPHS_VERSION

from conftest import DATA
from conftest import query as _q


def test_seeds_become_documents_with_paragraphs_by_role(seeds, db):
    summary = run_ingest([str(seeds)], Settings(db_path=db))
    assert summary.ok and summary.counts.documents_new == 2
    docs = _q(db, "SELECT source, published_at::DATE::VARCHAR, language, length(text) > 2000 FROM documents ORDER BY source")
    assert docs == [("Associated Press (via Yahoo News)", "2019-12-31", "en", True), ("The Sun", "2019-12-31", "en", True)]
    roles = dict(_q(db, "SELECT role, count(*) FROM paragraphs GROUP BY role"))
    assert roles == dict(summary.counts.paragraphs_by_role)
    assert roles["caption"] == roles["credit"] == 12 and roles["boilerplate"] == 1
    # body text holds no credits or furniture
    assert _q(db, "SELECT count(*) FROM documents WHERE text LIKE '%Credit:%' OR text LIKE '%Read more%'") == [(0,)]


def test_second_run_stores_nothing_new(seeds, db):
    settings = Settings(db_path=db)
    run_ingest([str(seeds)], settings)
    before = _q(db, "SELECT count(*) FROM documents"), _q(db, "SELECT count(*) FROM paragraphs")
    again = run_ingest([str(seeds)], settings)
    assert (again.counts.documents_new, again.counts.items_unchanged, again.counts.paragraphs_new) == (0, 2, 0)
    assert (_q(db, "SELECT count(*) FROM documents"), _q(db, "SELECT count(*) FROM paragraphs")) == before
    assert _q(db, "SELECT run_id, status, documents_new, items_unchanged FROM runs ORDER BY run_id") == [
        (1, "completed", 2, 0), (2, "completed", 0, 2)
    ]


def test_every_derived_row_records_the_code_that_made_it(seeds, db):
    run_ingest([str(seeds), str(DATA / "article.html")], Settings(db_path=db))
    cleaners = {r[0].split("+")[0].split("/")[0] for r in _q(db, "SELECT DISTINCT cleaner FROM documents")}
    assert cleaners == {"text", "trafilatura"}
    assert _q(db, "SELECT count(*) FROM documents WHERE pipeline_version NOT LIKE 'wiredesk/%'") == [(0,)]
    assert _q(db, "SELECT DISTINCT derived_by FROM paragraphs") == [(PARAGRAPHS_VERSION,)]


def test_html_article_keeps_metadata_and_its_figure_caption(db):
    run_ingest([str(DATA / "article.html")], Settings(db_path=db))
    (doc,) = _q(db, "SELECT title, authors, source, published_at, language, url, text FROM documents")
    title, authors, source, published, language, url, text = doc
    assert (title, authors, source, language) == ("Harbour bridge reopens after three-year repair", ["Maria Lindqvist"], "Coastal Herald", "en")
    assert url == "https://coastal-herald.example/news/harbour-bridge-reopens"
    assert published.isoformat().startswith("2024-03-05T09:30:00")
    assert "Harbour Street bridge reopened" in text and "Subscribe" not in text and "Home | News" not in text
    assert _q(db, "SELECT role, text FROM paragraphs WHERE role IN ('caption', 'credit') ORDER BY position") == [
        ("caption", "Cyclists cross the reopened Harbour Street bridge on Tuesday."),
        ("credit", "Jonas Berg/Coastal Herald"),
    ]


def test_bad_files_are_recorded_and_the_run_goes_on(seeds, db, tmp_path):
    (seeds / "empty.txt").write_bytes(b"")
    (seeds / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    (seeds / "nav-only.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    summary = run_ingest([str(seeds)], Settings(db_path=db))
    assert summary.ok and summary.counts.documents_new == 2
    failures = sorted((f.origin.rsplit("/", 1)[-1], f.stage, f.reason) for f in summary.failures)
    assert failures == [("empty.txt", "load", "empty"), ("image.html", "load", "binary"), ("nav-only.html", "clean", "no_text")]
    assert sorted(_q(db, "SELECT reason FROM failures")) == [("binary",), ("empty",), ("no_text",)]


def test_a_run_where_nothing_could_be_ingested_is_not_ok(tmp_path, db):
    (tmp_path / "empty.txt").write_bytes(b"")
    summary = run_ingest([str(tmp_path)], Settings(db_path=db))
    assert summary.status == "completed" and not summary.ok


def test_many_html_pages_clean_in_worker_processes_with_the_same_result(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    html = (DATA / "article.html").read_text()
    for i in range(10):
        (pages / f"p{i}.html").write_text(html.replace("48 million", f"{40 + i} million"))
    one = run_ingest([str(pages)], Settings(db_path=str(tmp_path / "one.duckdb"), ingest=IngestSettings(workers=1)))
    two = run_ingest([str(pages)], Settings(db_path=str(tmp_path / "two.duckdb"), ingest=IngestSettings(workers=2)))
    assert one.counts == two.counts and one.counts.documents_new == 10
    q = "SELECT d.origin, p.position, p.role, p.text FROM paragraphs p JOIN documents d USING (document_id) ORDER BY ALL"
    assert _q(str(tmp_path / "one.duckdb"), q) == _q(str(tmp_path / "two.duckdb"), q)


def test_plan_skips_items_whose_bytes_were_stored_and_repeats_within_a_batch():
    a = InputItem("a", "text", "x", b"x", "h1")
    b = InputItem("b", "text", "y", b"y", "h2")
    a_again = InputItem("a", "text", "x", b"x", "h1")
    plan = plan_items([a, b, a_again], {"b": "h2"})
    assert [i.origin for i in plan.todo] == ["a"]
    assert [i.origin for i in plan.unchanged] == ["b", "a"]


def test_wiredesk_connect_gives_a_read_only_connection(seeds, db):
    import pytest

    import wiredesk

    run_ingest([str(seeds)], Settings(db_path=db))
    con = wiredesk.connect(db)
    assert con.execute("SELECT count(*) FROM documents").fetchone() == (2,)
    with pytest.raises(duckdb.Error, match="read-only"):
        con.execute("DELETE FROM documents")
    con.close()
