"""Feed batches cleaned and event-extracted through a stage runner store what the default path stores."""

from __future__ import annotations

import duckdb

from wiredesk.pipeline.ingest import run_ingest
from wiredesk.pipeline.scaleout import InlineRunner
from wiredesk.domain.settings import EventsSettings, HttpSettings, IngestSettings, Settings, replace

from .test_cli_feeds import news  # noqa: F401 (fixture)


def rows(db: str) -> dict[str, list[tuple]]:
    con = duckdb.connect(db, read_only=True)
    try:
        return {
            "documents": con.execute("SELECT doc_key, url, title, text, content_hash FROM documents ORDER BY 1").fetchall(),
            "paragraphs": con.execute("SELECT document_id, position, role, text FROM paragraphs ORDER BY 1, 2").fetchall(),
            "duplicates": con.execute("SELECT paragraph_id, duplicate_of, kind FROM duplicates ORDER BY 1, 2").fetchall(),
            "mentions": con.execute("SELECT document_id, sentence, trigger FROM event_mention_rows ORDER BY ALL").fetchall(),
            "entries": con.execute("SELECT entry_key, doc_key FROM feed_entries ORDER BY 1").fetchall(),
        }
    finally:
        con.close()


def test_feed_items_processed_through_a_stage_runner_store_the_same_rows(news, tmp_path):  # noqa: F811
    base = replace(Settings(), http=HttpSettings(allow_networks=("127.0.0.1/32",), per_host_delay=0),
                   ingest=IngestSettings(workers=1, batch_size=2), events=EventsSettings(workers=1))
    base = replace(base, feeds=replace(base.feeds, sources_file=str(tmp_path / "none.toml")))
    url = news.url("/feed")
    plain, scaled = str(tmp_path / "plain.duckdb"), str(tmp_path / "scaled.duckdb")
    run_ingest([url], replace(base, db_path=plain))
    summary = run_ingest([url], replace(base, db_path=scaled), runner=InlineRunner(), runner_workers=2)
    assert summary.status == "completed" and summary.counts.documents_new == 3
    a = rows(plain)
    assert len(a["documents"]) == 3 and a["duplicates"] and a["entries"]
    assert a == rows(scaled)
