"""`wiredesk reprocess`: re-deriving stored documents with new code, from the stored raw pages, offline.

Real DuckDB files, real cleaning (trafilatura for HTML), real event extraction; "new code" is injected
through ``run_reprocess``'s ``clean``/``extractor`` parameters or a changed setting, never by patching.
"""

from __future__ import annotations

import dataclasses
import html
import shutil
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from wiredesk.clean.cleaner import clean_item
from wiredesk.cli import main
from wiredesk.domain.errors import StoreError
from wiredesk.pipeline.ingest import run_ingest
from wiredesk.pipeline.stages import make_event_extractor
from wiredesk.pipeline.reprocess import run_reprocess
from wiredesk.domain.settings import CleanSettings, DedupSettings, EventsSettings, IngestSettings, Settings
from wiredesk.domain.versions import PARAGRAPHS_VERSION

from conftest import SEEDS, corpus_dir
from integration.events.test_pages_run import NEWS_PAGE, RECIPE_PAGE
from support.localserver import LocalServer, static
from conftest import query

AP = "ap-yahoo-2019-12-31-baghdad-embassy.txt"
SUN = "the-sun-2019-12-31-baghdad-embassy.txt"
REWRITTEN = "Editor's note: the first paragraph of this story was rewritten after publication."


def rules(db: str, **changes) -> Settings:
    """Settings for fast tests: rules-only events, cleaning in this process."""
    base = {"ingest": IngestSettings(workers=1), "events": EventsSettings(backend="rules", workers=1)}
    return Settings(db_path=db, **{**base, **changes})


def snapshot(db: str) -> dict[str, list]:
    """Every derived row (everything but the runs table), in a stable order."""
    con = duckdb.connect(db, read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in (
            "documents", "paragraphs", "duplicates", "dedup_keys", "dedup_paragraphs", "event_mention_rows",
            "event_rows", "entity_rows", "entity_mention_rows", "item_state", "raw_pages", "reprocess_changes")}
    finally:
        con.close()


def rewrite_the_lead(item):
    """'New cleaner code': the AP story's first paragraph comes out different, under a new version name."""
    article = clean_item(item)
    paragraphs = tuple(dataclasses.replace(p, text=REWRITTEN) if p.text.startswith("Dozens of Iraqi Shiite militiamen")
                       and "ap-yahoo" in item.origin else p for p in article.paragraphs)
    return dataclasses.replace(article, paragraphs=paragraphs, cleaner="text/2-test+paragraphs/1")


def test_reprocessing_an_unchanged_database_changes_nothing(seeds, db, capsys):
    assert main(["run", "--no-prefect", "-q", str(seeds), "--db", db]) == 0
    before = snapshot(db)
    assert main(["reprocess", "--db", db, "-q"]) == 0
    out = capsys.readouterr().out
    assert "2 re-derived, 0 changed" in out
    assert snapshot(db) == before  # every row, ids and run ids included
    assert query(db, "SELECT kind, status, items_seen, documents_changed, paragraphs_new, duplicates_new, "
                     "duplicates_removed, event_mentions_new FROM runs WHERE run_id = 2") == [
        ("reprocess", "completed", 2, 0, 0, 0, 0, 0)]


def test_a_new_cleaner_rederives_the_changed_document_and_records_what_changed(seeds, db):
    run_ingest([str(seeds)], rules(db))
    old_lead = query(db, "SELECT paragraph_id FROM paragraphs WHERE text LIKE 'Dozens of Iraqi Shiite militiamen%' "
                         "AND document_id = 1")[0][0]
    assert query(db, "SELECT count(*) FROM duplicates WHERE duplicate_of = ?", [old_lead]) == [(1,)]
    mentions_before = query(db, "SELECT count(*) FROM event_mention_rows WHERE document_id = 1")[0][0]

    summary = run_reprocess(rules(db), clean=rewrite_the_lead)

    c = summary.counts
    assert (c.documents_seen, c.text_changed, c.paragraphs_added, c.paragraphs_removed) == (2, 1, 1, 1)
    # the AP document: same id and version, new text, made by the new cleaner in the reprocess run
    doc = query(db, "SELECT document_id, version, cleaner, derived_run_id, run_id, position(? IN text) > 0 "
                    "FROM documents WHERE document_id = 1", [REWRITTEN])
    assert doc == [(1, 1, "text/2-test+paragraphs/1", summary.run_id, 1, True)]
    # only the rewritten paragraph was replaced; the others keep their ids and the ingest run
    assert query(db, "SELECT run_id, count(*) FROM paragraphs WHERE document_id = 1 GROUP BY run_id ORDER BY run_id") == [
        (1, query(db, "SELECT count(*) FROM paragraphs WHERE document_id = 1")[0][0] - 1), (summary.run_id, 1)]
    assert query(db, "SELECT count(*) FROM paragraphs WHERE paragraph_id = ?", [old_lead]) == [(0,)]
    # The Sun's near copy of the old lead lost its link (nothing stale points at a deleted paragraph)
    assert query(db, "SELECT count(*) FROM duplicates l ANTI JOIN paragraphs p ON p.paragraph_id = l.duplicate_of") == [(0,)]
    assert c.links_removed == 1 and c.links_added == 0
    # events: the rewritten paragraph's sentence no longer reports the storming
    mentions_after = query(db, "SELECT count(*) FROM event_mention_rows WHERE document_id = 1")[0][0]
    assert c.mentions_removed - c.mentions_added == mentions_before - mentions_after > 0
    # what changed, per document, queryable with SQL
    rows = query(db, "SELECT document_id, text_changed, cleaner_before, cleaner_after, paragraphs_added, paragraphs_removed, "
                     "links_removed, position('Dozens of Iraqi Shiite' IN text_before) > 0 FROM reprocess_changes "
                     "WHERE run_id = ? ORDER BY document_id", [summary.run_id])
    assert rows[0][:7] == (1, True, f"text/1+{PARAGRAPHS_VERSION}", "text/2-test+paragraphs/1", 1, 1, 0) and rows[0][7]
    assert rows[1][:2] == (2, False) and rows[1][6] == 1  # The Sun: its link is what changed
    assert query(db, "SELECT documents_changed, paragraphs_new, paragraphs_removed, duplicates_removed FROM runs "
                     "WHERE run_id = ?", [summary.run_id]) == [(2, 1, 1, 1)]
    # and doing it again with the same code changes nothing
    again = run_reprocess(rules(db), clean=rewrite_the_lead)
    assert again.counts.documents_changed == 0


def aeb_pages(tmp_path, n: int = 24):
    """A folder of the first ``n`` AEB pages as plain HTML files (the test skips without the corpus)."""
    import gzip

    pages = sorted((corpus_dir() / "aeb" / "html").glob("*.html.gz"))[:n]
    if not pages:
        pytest.skip("AEB corpus not available")
    folder = tmp_path / "pages"
    folder.mkdir()
    for p in pages:
        (folder / p.name.removesuffix(".gz")).write_bytes(gzip.decompress(p.read_bytes()))
    return folder


def test_reprocess_with_a_changed_setting_gives_the_rows_of_a_fresh_ingest(tmp_path):
    folder = aeb_pages(tmp_path)
    old = Settings(db_path=str(tmp_path / "old.duckdb"), ingest=IngestSettings(workers=1), events=EventsSettings(enabled=False))
    new = dataclasses.replace(old, clean=CleanSettings(favor_precision=True))
    fresh = dataclasses.replace(new, db_path=str(tmp_path / "fresh.duckdb"))
    run_ingest([str(folder)], old)
    run_ingest([str(folder)], fresh)
    summary = run_reprocess(new)
    assert summary.counts.text_changed > 0

    def derived(db):
        docs = query(db, "SELECT origin, title, published_at, text, content_hash FROM documents ORDER BY origin")
        pars = query(db, "SELECT d.origin, p.position, p.role, p.text, p.attached_to FROM paragraphs p "
                         "JOIN documents d USING (document_id) ORDER BY ALL")
        links = query(db, "SELECT da.origin, pa.position, db.origin, pb.position, l.kind, round(l.similarity, 6) "
                          "FROM duplicates l JOIN paragraphs pa ON pa.paragraph_id = l.paragraph_id "
                          "JOIN documents da ON da.document_id = pa.document_id JOIN paragraphs pb ON pb.paragraph_id = "
                          "l.duplicate_of JOIN documents db ON db.document_id = pb.document_id ORDER BY ALL")
        keys = query(db, "SELECT count(*) FROM dedup_keys")
        return docs, pars, links, keys

    assert derived(new.db_path) == derived(fresh.db_path)


def test_reprocess_that_reextracts_events_stores_the_mention_keys_of_a_fresh_ingest_once_each(tmp_path):
    folder = aeb_pages(tmp_path)
    old = rules(str(tmp_path / "old.duckdb"))
    new = dataclasses.replace(old, clean=CleanSettings(favor_precision=True))
    fresh = dataclasses.replace(new, db_path=str(tmp_path / "fresh.duckdb"))
    run_ingest([str(folder)], old)
    run_ingest([str(folder)], fresh)
    summary = run_reprocess(new)
    c = summary.counts
    assert c.text_changed > 0 and c.mentions_added + c.mentions_removed > 0  # re-cleaned, and mentions replaced

    def keys(db):
        """Each stored key with its mention (by document URL and offsets: mention ids differ) and how many times."""
        return query(db, "SELECT d.origin, m.sentence_start, m.trigger_start, k.key, k.event_class, k.published_at, "
                         "count(*) FROM event_mention_keys k JOIN event_mention_rows m USING (mention_id) "
                         "JOIN documents d ON d.document_id = k.document_id GROUP BY ALL ORDER BY ALL")

    after = keys(new.db_path)
    assert after and all(n == 1 for *_, n in after)
    assert after == keys(fresh.db_path)
    assert query(new.db_path, "SELECT count(*) FROM event_mention_keys") == query(
        fresh.db_path, "SELECT count(*) FROM event_mention_keys")


def test_since_limits_reprocess_to_documents_ingested_from_that_date(seeds, tmp_path, db):
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, name in ((first, AP), (second, SUN)):
        folder.mkdir()
        for f in (name, name + ".meta.json"):
            shutil.copy(seeds / f, folder / f)
    run_ingest([str(first)], rules(db))
    run_ingest([str(second)], rules(db))
    since = query(db, "SELECT ingested_at FROM documents WHERE document_id = 2")[0][0]

    summary = run_reprocess(rules(db), since=since, clean=rewrite_the_lead)

    assert summary.counts.documents_seen == 1
    assert query(db, "SELECT document_id, cleaner FROM documents ORDER BY 1") == [
        (1, f"text/1+{PARAGRAPHS_VERSION}"), (2, "text/2-test+paragraphs/1")]
    assert summary.counts.text_changed == 0  # The Sun's text is unchanged by this cleaner


def test_dry_run_reports_what_would_change_and_writes_nothing(seeds, db, capsys):
    run_ingest([str(seeds)], rules(db))
    before = snapshot(db)
    runs = query(db, "SELECT count(*) FROM runs")
    summary = run_reprocess(rules(db), clean=rewrite_the_lead, dry_run=True)
    assert summary.counts.text_changed == 1 and summary.counts.links_removed == 1
    assert snapshot(db) == before and query(db, "SELECT count(*) FROM runs") == runs


def test_a_new_extractor_reextracts_mentions_and_regroups_events(seeds, db):
    run_ingest([str(seeds)], rules(db))
    old_extractors = query(db, "SELECT DISTINCT extractor FROM event_mention_rows")
    spacy = rules(db, events=EventsSettings(backend="spacy", workers=1))  # the model is part of the test install

    summary = run_reprocess(spacy, stage="events")

    new_extractors = query(db, "SELECT DISTINCT extractor FROM event_mention_rows")
    assert len(new_extractors) == 1 and new_extractors != old_extractors
    c = summary.counts
    assert c.documents_changed == 2 and c.mentions_added == query(db, "SELECT count(*) FROM event_mention_rows")[0][0]
    assert c.paragraphs_added == c.links_added == 0  # --stage events leaves paragraphs and links alone
    assert query(db, "SELECT count(*) FROM event_mention_rows WHERE run_id <> ?", [summary.run_id]) == [(0,)]
    # every mention belongs to an existing event; no event is left without mentions
    assert query(db, "SELECT count(*) FROM event_mention_rows m ANTI JOIN event_rows e USING (event_id) "
                     "WHERE m.event_id IS NOT NULL") == [(0,)]
    assert query(db, "SELECT count(*) FROM event_rows e ANTI JOIN event_mention_rows m USING (event_id)") == [(0,)]
    assert query(db, "SELECT extractor_before <> extractor_after FROM reprocess_changes WHERE run_id = ?",
                 [summary.run_id]) == [(True,), (True,)]


def test_a_changed_dedup_setting_relinks_with_the_new_fingerprint(seeds, db):
    run_ingest([str(seeds)], rules(db))
    assert query(db, "SELECT kind, count(*) FROM duplicates GROUP BY kind ORDER BY kind") == [("near", 2), ("partial", 1)]
    stricter = rules(db, dedup=DedupSettings(partial_min_containment=1.0))

    summary = run_reprocess(stricter, stage="dedup")

    assert summary.counts.links_removed == 1 and summary.counts.text_changed == 0
    assert query(db, "SELECT kind FROM duplicates ORDER BY kind") == [("near",), ("near",)]
    assert query(db, "SELECT DISTINCT dedup_settings FROM duplicates") == [(stricter.dedup.fingerprint,)]


def test_a_failure_inside_a_batch_leaves_its_documents_as_they_were(seeds, db):
    run_ingest([str(seeds)], rules(db))
    before = snapshot(db)
    real = make_event_extractor(rules(db))

    class BrokenExtractor:
        """Returns a mention the database refuses (NOT NULL), after the batch's documents were rewritten."""

        def extract_many(self, docs):
            out = real.extract_many(docs)
            x = out[0]
            return [dataclasses.replace(x, mentions=(dataclasses.replace(x.mentions[0], sentence=None),))] + out[1:]

    with pytest.raises(StoreError):
        run_reprocess(rules(db), clean=rewrite_the_lead, extractor=BrokenExtractor(), batch_size=1)
    after = snapshot(db)
    assert after == before  # the first batch failed: nothing of it stayed
    assert query(db, "SELECT kind, status FROM runs ORDER BY run_id DESC LIMIT 1") == [("reprocess", "failed")]


def test_reprocess_of_feed_articles_uses_no_network_and_keeps_the_feed_metadata(tmp_path):
    text = (SEEDS / AP).read_text(encoding="utf-8")
    body = "".join(f"<p>{html.escape(p.strip())}</p>" for p in text.split("\n\n") if p.strip())
    server = LocalServer()
    server.route("/robots.txt", static(b"User-agent: *\nAllow: /\n", "text/plain"))
    page = server.route("/a/1", static(f"<html><body><article>{body}</article></body></html>".encode(),
                                       "text/html; charset=utf-8"))
    feed = server.route("/feed", static(
        f"<rss version='2.0'><channel><title>Wire</title><item><title>Embassy stormed</title>"
        f"<link>{page}</link><guid>a1</guid><pubDate>Tue, 31 Dec 2019 15:00:00 GMT</pubDate>"
        f"</item></channel></rss>".encode()))
    server.thread.start()
    config = tmp_path / "wiredesk.toml"
    db = str(tmp_path / "feed.duckdb")
    config.write_text(f'[database]\npath = "{db}"\n[http]\nallow_networks = ["127.0.0.1/32"]\nper_host_delay = 0\n'
                      f'total_timeout = 10\n[feeds]\nsources_file = "{tmp_path / "none.toml"}"\n[ingest]\nworkers = 1\n'
                      '[events]\nbackend = "rules"\n')
    try:
        assert main(["run", feed, "--config", str(config), "--no-prefect", "-q"]) == 0
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
    fetched = len(server.requests)
    assert query(db, "SELECT title, published_at FROM documents") == [
        ("Embassy stormed", datetime(2019, 12, 31, 15, tzinfo=timezone.utc))]

    assert main(["reprocess", "--config", str(config), "-q"]) == 0  # the server is gone
    assert main(["reprocess", "--config", str(config), "-q", "--stage", "dedup"]) == 0

    assert len(server.requests) == fetched
    assert query(db, "SELECT count(*) FROM fetches WHERE run_id > 1") == [(0,)]
    # the feed's title and date were supplied with the item: a re-clean of the bare page keeps them
    assert query(db, "SELECT title, published_at FROM documents") == [
        ("Embassy stormed", datetime(2019, 12, 31, 15, tzinfo=timezone.utc))]


def test_reprocess_refuses_a_bad_date_or_a_missing_database_with_one_line(db, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["reprocess", "--since", "yesterday", "--db", db])
    assert exc.value.code == 2
    assert "not a date" in capsys.readouterr().err
    assert main(["reprocess", "--db", db]) == 2  # no database yet: one line, nothing created
    assert "no database at" in capsys.readouterr().err
    assert not Path(db).exists()


def test_json_records_and_front_matter_are_rebuilt_from_their_stored_bytes(tmp_path, db):
    folder = tmp_path / "in"
    folder.mkdir()
    ap_text = (SEEDS / AP).read_text(encoding="utf-8")
    import json

    (folder / "wire.jsonl").write_text(
        json.dumps({"text": ap_text, "url": "https://example.org/a", "title": "From the record", "published": "2019-12-31"}) + "\n"
        + json.dumps({"html": "<html><body><article><p>" + "Protesters gathered outside the embassy gates. " * 5
                      + "</p></article></body></html>", "url": "https://example.org/b", "title": "Gates"}) + "\n",
        encoding="utf-8")
    (folder / "note.md").write_text("---\ntitle: Front matter title\nsource: Desk\n---\n# Heading\n\n"
                                    + "A short note about the embassy protest, long enough to be a paragraph.\n", encoding="utf-8")
    run_ingest([str(folder)], rules(db))
    before = snapshot(db)
    assert query(db, "SELECT count(*) FROM documents")[0][0] == 3

    summary = run_reprocess(rules(db))

    assert summary.counts.documents_seen == 3 and summary.counts.documents_changed == 0 and not summary.failures
    assert snapshot(db) == before
    assert query(db, "SELECT title FROM documents ORDER BY title") == [("From the record",), ("Front matter title",), ("Gates",)]


def test_documents_stored_before_lineage_keep_their_supplied_metadata(seeds, db):
    run_ingest([str(seeds)], rules(db))
    con = duckdb.connect(db)
    con.execute("UPDATE documents SET supplied_meta = NULL")  # as migration 0005 leaves older documents
    con.close()
    before = snapshot(db)

    summary = run_reprocess(rules(db))

    # the sidecars' source and date are not in the raw bytes: the stored values are kept
    assert summary.counts.documents_changed == 0 and snapshot(db) == before


def test_documents_stored_before_page_types_are_counted_by_status_and_filled_by_reprocess_outdated(tmp_path, capsys):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "news.html").write_text(NEWS_PAGE, encoding="utf-8")
    (pages / "recipe.html").write_text(RECIPE_PAGE, encoding="utf-8")
    shutil.copy(SEEDS / AP, pages / AP)
    db = str(tmp_path / "old.duckdb")
    assert main(["run", "--no-prefect", "-q", str(pages), "--db", db]) == 0
    derived = dict(query(db, "SELECT origin, page_types FROM documents"))
    mentions = "SELECT count(*) FROM event_mentions m JOIN documents d USING (document_id) WHERE d.title = 'Butter cake'"
    assert query(db, mentions) == [(0,)]  # the recipe says what it is: not read for events
    # the store as migration 0030 (page_kinds) left every document stored before it; the news page came later
    con = duckdb.connect(db)
    con.execute("UPDATE documents SET page_types = NULL WHERE NOT origin LIKE '%news.html'")
    con.close()
    capsys.readouterr()

    assert main(["status", "--db", db]) == 1
    out = capsys.readouterr().out
    assert "page types: 2 current documents never had them derived" in out
    assert "2 current documents have no page types" in out and "run `wiredesk reprocess --outdated`" in out
    assert main(["status", "--json", "--db", db]) == 1
    assert '"documents_without_page_types": 2' in capsys.readouterr().out
    # without its types the gate reads the recipe from its URL and short text: it is read for events
    assert main(["reprocess", "--stage", "events", "-q", "--db", db]) == 0
    assert query(db, mentions) > [(0,)]

    assert main(["reprocess", "--outdated", "-q", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "2 re-derived, 2 changed: 0 text, 2 metadata (2 page_types)" in out
    assert dict(query(db, "SELECT origin, page_types FROM documents")) == derived  # what the run derived, [] for text
    filled = query(db, "SELECT d.origin FROM reprocess_changes c JOIN documents d USING (document_id) "
                       "WHERE list_contains(c.metadata_changed, 'page_types')")
    assert sorted(o for (o,) in filled) == sorted(o for o in derived if not o.endswith("news.html"))
    assert query(db, mentions) == [(0,)]  # and its events stage decided with them
    assert main(["status", "--db", db]) == 0
    assert "page types" not in capsys.readouterr().out
