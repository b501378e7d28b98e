"""The store: migrations, one transaction per batch, exact-duplicate links to the earliest copy."""

import json
from datetime import datetime, timezone

import duckdb
import pytest

from wiredesk.domain.errors import SchemaVersionError, StoreError
from wiredesk.domain.models import Article, InputItem, ItemMeta, Paragraph
from wiredesk.pipeline.ingest import run_ingest
from wiredesk.domain.settings import DedupSettings, Settings
from wiredesk.store import Batch, Store
from wiredesk.store.migrate import available_migrations
from conftest import query as _rows

NOW = datetime(2024, 1, 1, tzinfo=timezone.utc)
WIRE = "Dozens of protesters broke into the embassy's compound on Tuesday, smashing a main door and setting fire to a reception area."
LOCAL = "The city council met on Wednesday to discuss the budget for next year and approved it unanimously."


def _write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def _snapshot(db):
    tables = ["documents", "paragraphs", "duplicates", "raw_pages", "item_state", "failures", "runs"]
    return {t: _rows(db, f"SELECT * FROM {t} ORDER BY ALL") for t in tables}


def test_new_database_records_every_migration(db):
    Store.open(db).close()
    applied = _rows(db, "SELECT version, name FROM schema_migrations ORDER BY version")
    assert applied == [(m.version, m.name) for m in available_migrations()]


def test_database_from_a_newer_wiredesk_is_refused_untouched(db):
    Store.open(db).close()
    con = duckdb.connect(db)
    con.execute("INSERT INTO schema_migrations VALUES (999, 'from_the_future', now())")
    con.close()
    before = _rows(db, "SELECT * FROM schema_migrations ORDER BY version")
    with pytest.raises(SchemaVersionError, match="version 999"):
        Store.open(db)
    assert _rows(db, "SELECT * FROM schema_migrations ORDER BY version") == before


def test_exact_copies_link_to_the_earliest_published_copy(tmp_path, db):
    feed = _write_jsonl(tmp_path / "wire.jsonl", [
        {"text": f"{WIRE}\n\nLocal angle one.", "source": "Later Daily", "published": "2024-02-02"},
        {"text": f"{WIRE.replace('Tuesday', 'TUESDAY').replace(chr(39), chr(0x2019))}\n\n{LOCAL}", "source": "Wire Service", "published": "2024-02-01"},
        {"text": f"{WIRE}\n\nAnother local angle here.", "source": "Undated Gazette"},
    ])
    summary = run_ingest([str(feed)], Settings(db_path=db))
    assert summary.counts.duplicates_new == 2
    links = _rows(db, """
        SELECT dp.source, cp.source, l.kind, l.similarity
        FROM duplicates l
        JOIN paragraphs p ON p.paragraph_id = l.paragraph_id JOIN documents dp ON dp.document_id = p.document_id
        JOIN paragraphs c ON c.paragraph_id = l.duplicate_of JOIN documents cp ON cp.document_id = c.document_id
        ORDER BY 1""")
    # apostrophe and case differ, the normalized text is the same; the wire (published first) is the original
    assert links == [("Later Daily", "Wire Service", "exact", 1.0), ("Undated Gazette", "Wire Service", "exact", 1.0)]


def test_an_earlier_published_copy_ingested_later_becomes_the_original(tmp_path, db):
    settings = Settings(db_path=db)
    run_ingest([str(_write_jsonl(tmp_path / "a.jsonl", [{"text": WIRE, "source": "Copier", "published": "2024-02-05"}]))], settings)
    run_ingest([str(_write_jsonl(tmp_path / "b.jsonl", [{"text": WIRE, "source": "Wire", "published": "2024-02-01"}]))], settings)
    rows = _rows(db, """
        SELECT dp.source, cp.source FROM duplicates l
        JOIN paragraphs p ON p.paragraph_id = l.paragraph_id JOIN documents dp USING (document_id)
        JOIN paragraphs c ON c.paragraph_id = l.duplicate_of JOIN documents cp ON cp.document_id = c.document_id""")
    assert rows == [("Copier", "Wire")]


def test_short_and_credit_paragraphs_are_not_linked(tmp_path, db):
    feed = _write_jsonl(tmp_path / "f.jsonl", [
        {"text": f"{LOCAL}\n\nCredit: Reuters\n\nShort line."},
        {"text": f"Different body text entirely, about the weather this weekend.\n\nCredit: Reuters\n\nShort line."},
    ])
    run_ingest([str(feed)], Settings(db_path=db))
    assert _rows(db, "SELECT count(*) FROM duplicates") == [(0,)]


def test_a_changed_item_becomes_a_new_version_and_its_old_links_go(tmp_path, db):
    settings = Settings(db_path=db)
    story = tmp_path / "story.txt"
    (tmp_path / "wire.txt").write_text(WIRE)
    story.write_text(f"{WIRE}\n\n{LOCAL}")
    run_ingest([str(tmp_path)], settings)
    assert _rows(db, "SELECT count(*) FROM duplicates") == [(1,)]
    story.write_text(f"An update replaced the wire paragraph.\n\n{LOCAL}")
    summary = run_ingest([str(tmp_path)], settings)
    assert (summary.counts.documents_updated, summary.counts.items_unchanged) == (1, 1)
    assert _rows(db, f"SELECT version, is_current FROM documents WHERE origin = '{story}' ORDER BY version") == [(1, False), (2, True)]
    assert _rows(db, "SELECT count(*) FROM duplicates") == [(0,)]


def test_new_bytes_with_the_same_content_add_no_version(tmp_path, db):
    page = tmp_path / "p.txt"
    page.write_text(f"{LOCAL}\n")
    run_ingest([str(page)], Settings(db_path=db))
    page.write_text(f"  {LOCAL}\n\n\n")  # whitespace only: same normalized content
    summary = run_ingest([str(page)], Settings(db_path=db))
    assert (summary.counts.documents_new, summary.counts.documents_updated, summary.counts.items_unchanged) == (0, 0, 1)
    assert _rows(db, "SELECT count(*) FROM documents") == [(1,)]
    assert _rows(db, "SELECT count(*) FROM raw_pages") == [(2,)]  # both byte versions kept for re-processing


def _article(origin, paragraphs):
    item = InputItem(origin=origin, kind="text", content="x", raw=origin.encode(), raw_sha256=origin.ljust(64, "0"), meta=ItemMeta())
    art = Article(origin=origin, doc_key=origin, kind="text", raw_sha256=item.raw_sha256, url=None, title=None, authors=(),
                  source=None, published_at=None, language=None, paragraphs=tuple(paragraphs), cleaner="test/1")
    return item, art


def test_a_batch_that_fails_midway_leaves_the_database_as_it_was(tmp_path, db):
    run_ingest([str(_write_jsonl(tmp_path / "ok.jsonl", [{"text": WIRE}]))], Settings(db_path=db))
    before = _snapshot(db)
    good = _article("good", [Paragraph(0, "body", WIRE)])
    # the second article's paragraph breaks a constraint after the documents are already inserted
    bad = _article("bad", [Paragraph(0, "not-a-role", LOCAL)])
    with Store.open(db) as store:
        with pytest.raises(StoreError, match="rolled back"):
            store.write_batch(1, Batch(cleaned=(good, bad)), DedupSettings(), NOW)
    assert _snapshot(db) == before


def test_a_run_left_running_by_a_crash_is_marked_abandoned(db):
    with Store.open(db) as store:
        crashed = store.start_run(["x"], NOW)
        store.start_run(["y"], NOW)
    assert _rows(db, f"SELECT status FROM runs WHERE run_id = {crashed}") == [("abandoned",)]


def test_missing_folder_for_the_database_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        Store.open(tmp_path / "no" / "such" / "dir" / "x.duckdb")
