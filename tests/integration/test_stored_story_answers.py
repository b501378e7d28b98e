"""The answers the `stories`, `story_outlets` and `events` views read from stored columns (`story_answers`,
`story_outlet_answers`, `documents.lead_line`, `event_rows.story_id`) equal their definitions computed from scratch,
after an ingest, a new version of an article, a reprocess and a stories rebuild. Real pipeline (spaCy events on), real DuckDB files."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from wiredesk.domain.settings import IngestSettings, Settings
from wiredesk.pipeline.ingest import run_ingest
from wiredesk.pipeline.reprocess import run_reprocess
from wiredesk.pipeline.stories import run_stories_rebuild

from conftest import query
from support.clusters import check_views

QUAKE = ("A magnitude 7.1 earthquake struck near Padang in Indonesia on Wednesday, killing at least 75 people, "
         "officials in Jakarta said.\n\nThe Padang quake damaged hospitals and schools across West Sumatra.")
QUAKE2 = ("Rescuers in Padang searched collapsed schools after the 7.1 magnitude earthquake that killed 75 people "
          "in western Indonesia, Jakarta officials said.\n\nHospitals in Padang were damaged.")
TRIAL = ("Jurors in Atlanta convicted Brian Nichols of murder in the courthouse shooting.\n\nNichols faces life "
         "in prison, prosecutors said after the verdict in Fulton County.")

# the definitions the stored columns replaced (migration 0007's views), computed from scratch
EVENT_STORY = """
SELECT e.event_id, es.story_id FROM event_rows e LEFT JOIN (
    SELECT m.event_id, ds.story_id
    FROM event_mention_rows m JOIN document_stories ds ON ds.document_id = m.document_id
    WHERE m.event_id IS NOT NULL
    GROUP BY m.event_id, ds.story_id
    QUALIFY row_number() OVER (PARTITION BY m.event_id ORDER BY count(DISTINCT m.document_id) DESC, ds.story_id) = 1
) es ON es.event_id = e.event_id ORDER BY 1"""
STORIES = """
SELECT ds.story_id,
       coalesce(arg_min(d.title, (d.published_at IS NULL, d.published_at, ds.seq)) FILTER (WHERE d.title IS NOT NULL),
                arg_min(left(split_part(trim(d.text), chr(10), 1), 100), (d.published_at IS NULL, d.published_at, ds.seq)))
                                                                             AS title,
       min(d.published_at), max(d.published_at),
       min(coalesce(d.published_at, d.ingested_at)), max(coalesce(d.published_at, d.ingested_at)),
       count(*), count(DISTINCT coalesce(d.source, d.doc_key)),
       arg_min(d.source, (d.published_at IS NULL, d.published_at, ds.seq)),
       arg_min(d.document_id, (d.published_at IS NULL, d.published_at, ds.seq)),
       count(*) FILTER (WHERE ds.method = 'copy'),
       any_value(r.top_names)
FROM document_stories ds
JOIN documents d ON d.document_id = ds.document_id
LEFT JOIN story_rows r ON r.story_id = ds.story_id
GROUP BY ds.story_id ORDER BY 1"""


def record(url: str, text: str, source: str, day: int, title: str | None = None) -> str:
    fields = {"url": url, "text": text, "source": source, "published": f"2024-03-{day:02d}T08:00:00Z"}
    return json.dumps(fields | ({"title": title} if title else {})) + "\n"


def settings(db: Path) -> Settings:
    return Settings(db_path=str(db), ingest=IngestSettings(workers=1))


def assert_answers_right(db: Path) -> None:
    assert query(str(db), "SELECT event_id, story_id FROM events ORDER BY 1") == query(str(db), EVENT_STORY)
    assert query(str(db), "SELECT * FROM stories ORDER BY 1") == query(str(db), STORIES)
    assert query(str(db), "SELECT count(*) FROM story_outlets")[0][0] >= 2
    assert check_views(db) == []  # story_outlets (and the duplicate views) equal their first definitions


def test_stored_story_answers_equal_their_definitions_through_versions_reprocess_and_rebuild(tmp_path):
    db = tmp_path / "answers.duckdb"
    first = tmp_path / "first.jsonl"
    first.write_text(record("https://wire.example/padang", QUAKE, "Wire", 6)
                     + record("https://daily.example/padang", QUAKE2, "Daily", 7)
                     + record("https://courier.example/trial", TRIAL, "Courier", 7, title="Nichols convicted"),
                     encoding="utf-8")
    assert run_ingest([str(first)], settings(db)).ok
    assert query(str(db), "SELECT count(*) FROM events WHERE story_id IS NOT NULL")[0][0] >= 2
    # the untitled stories show their earliest document's first line
    assert any(t.startswith("A magnitude 7.1 earthquake struck near Padang") and len(t) == 100
               for _, t in query(str(db), "SELECT story_id, title FROM stories"))
    assert_answers_right(db)

    # a new version of the earliest article, with a new first line
    second = tmp_path / "second.jsonl"
    second.write_text(record("https://wire.example/padang", "UPDATED: " + QUAKE + "\n\nThe toll rose to 80.", "Wire", 6),
                      encoding="utf-8")
    assert run_ingest([str(second)], settings(db)).ok
    assert query(str(db), "SELECT count(*) FROM documents WHERE NOT is_current") == [(1,)]
    assert any(t.startswith("UPDATED: ") for _, t in query(str(db), "SELECT story_id, title FROM stories"))
    assert_answers_right(db)

    # a reprocess re-derives every document (and regroups the events whose mentions changed)
    assert run_reprocess(settings(db)).status == "completed"
    assert_answers_right(db)

    # a hand-damaged store: a rebuild of the stories stores every event's story again
    con = duckdb.connect(str(db))
    con.execute("UPDATE event_rows SET story_id = NULL")
    con.execute("DELETE FROM story_answers")
    con.execute("DELETE FROM story_outlet_answers")
    con.close()
    assert query(str(db), "SELECT count(*) FROM events WHERE story_id IS NOT NULL") == [(0,)]
    assert run_stories_rebuild(settings(db)).status == "completed"
    assert query(str(db), "SELECT count(*) FROM events WHERE story_id IS NOT NULL")[0][0] >= 2
    assert_answers_right(db)
