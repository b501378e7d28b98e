"""Lineage: which code and run derived each row, and earliest-copy links that keep their direction when
a document gets a new version."""

from __future__ import annotations

import json

import duckdb

from wiredesk.pipeline.ingest import run_ingest
from wiredesk.domain.settings import EventsSettings, IngestSettings, Settings
from wiredesk.store import Store
from wiredesk.store.migrate import available_migrations
from conftest import query as rows
from wiredesk.domain.versions import PARAGRAPHS_VERSION

AP = "ap-yahoo-2019-12-31-baghdad-embassy.txt"


def settings(db: str) -> Settings:
    return Settings(db_path=db, ingest=IngestSettings(workers=1), events=EventsSettings(enabled=False))


LINKS = ("SELECT l.kind, da.source, db.source FROM duplicates l "
         "JOIN paragraphs pa ON pa.paragraph_id = l.paragraph_id JOIN documents da ON da.document_id = pa.document_id "
         "JOIN paragraphs pb ON pb.paragraph_id = l.duplicate_of JOIN documents db ON db.document_id = pb.document_id "
         "WHERE da.source <> db.source ORDER BY ALL")


def test_links_keep_their_direction_when_the_earlier_document_gets_a_new_version(seeds, db):
    run_ingest([str(seeds)], settings(db))
    before = rows(db, LINKS)
    assert before and all(target.startswith("Associated Press") for _, _, target in before)
    # AP updates its story (a paragraph nobody copied): a new version, with a higher document_id than The Sun's
    path = seeds / AP
    path.write_text(path.read_text(encoding="utf-8") + "\n\nThis story has been updated with a correction.\n",
                    encoding="utf-8")
    run_ingest([str(seeds)], settings(db))
    assert rows(db, "SELECT document_id, version FROM documents WHERE is_current AND source LIKE 'Associated%'") == [(3, 2)]
    # both are dated 31 Dec 2019: AP was ingested first and stays the earliest copy
    assert rows(db, LINKS) == before
    assert rows(db, "SELECT count(*) FROM paragraph_clusters c JOIN paragraphs p ON p.paragraph_id = c.cluster_id "
                    "JOIN documents d USING (document_id) WHERE c.is_copy AND d.source = 'The Sun' "
                    "AND c.paragraph_id IN (SELECT paragraph_id FROM paragraphs WHERE document_id = 3)") == [(0,)]


def test_every_derived_row_names_its_run_and_code(seeds, db):
    run_ingest([str(seeds)], settings(db))
    assert rows(db, "SELECT DISTINCT derived_run_id, cleaner FROM documents") == [(1, f"text/1+{PARAGRAPHS_VERSION}")]
    assert rows(db, "SELECT DISTINCT run_id, derived_by FROM paragraphs") == [(1, PARAGRAPHS_VERSION)]
    fingerprint = Settings().dedup.fingerprint
    assert rows(db, "SELECT DISTINCT run_id, dedup_settings FROM duplicates") == [(1, fingerprint)]
    kind, versions = rows(db, "SELECT kind, code_versions FROM runs")[0]
    assert kind == "ingest" and json.loads(versions)["paragraphs"] == PARAGRAPHS_VERSION
    meta = json.loads(rows(db, "SELECT supplied_meta FROM documents WHERE source = 'The Sun'")[0][0])
    assert meta["source"] == "The Sun" and meta["published_at"].startswith("2019-12-31")


def test_a_database_from_before_lineage_gets_its_runs_filled_in(db):
    con = duckdb.connect(db)
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)")
    for m in available_migrations()[:4]:
        con.execute(m.sql)
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [m.version, m.name])
    con.execute("INSERT INTO runs (run_id, started_at, status, pipeline_version, inputs) VALUES "
                "(7, now(), 'completed', 'wiredesk/0.1.0', ['seeds']), (8, now(), 'completed', 'wiredesk/0.1.0', ['dedup-rebuild'])")
    con.execute("INSERT INTO documents VALUES (1, 'k', 1, true, NULL, NULL, [], NULL, NULL, NULL, 'text', 'h', 'o', "
                "'text', 'r', 'text/1+paragraphs/1', 'wiredesk/0.1.0', 7, now())")
    con.execute("INSERT INTO paragraphs VALUES (1, 1, 0, 'body', 'text', NULL, 5, 4, 'paragraphs/1')")
    con.close()
    with Store.open(db):
        pass
    assert rows(db, "SELECT derived_run_id, supplied_meta FROM documents") == [(7, None)]
    assert rows(db, "SELECT run_id FROM paragraphs") == [(7,)]
    assert rows(db, "SELECT run_id, kind, code_versions FROM runs ORDER BY run_id") == [
        (7, "ingest", None), (8, "dedup-rebuild", None)]
