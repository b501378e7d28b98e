"""Stories through the real pipeline: JSONL files ingested into real DuckDB files, stories read back from the
public views, the CLI and the Python API; a rebuild gives the stories the incremental runs made."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import wiredesk
from wiredesk.cli import main
from wiredesk.domain.settings import EventsSettings, IngestSettings, Settings
from wiredesk.pipeline.ingest import run_ingest
from wiredesk.pipeline.stories import run_stories_rebuild
from wiredesk.store import Store

from conftest import SEEDS, query

QUAKE_A = ("A magnitude 7.1 earthquake struck near Padang in Indonesia on Wednesday, killing at least 75 people, "
           "officials in Jakarta said.\n\nThe Padang quake damaged hospitals and schools across West Sumatra, and "
           "rescuers searched collapsed buildings through the night.")
QUAKE_A2 = ("Rescuers in Padang searched collapsed schools after the 7.1 magnitude earthquake that killed 75 people "
            "in western Indonesia, Jakarta officials said.\n\nHospitals in Padang were damaged and patients were "
            "treated in tents outside.")
QUAKE_B = ("Peru's capital Lima was shaken by a 6.4 magnitude tremor that left 12 dead, the Peruvian civil defence "
           "institute said.\n\nPresident Ollanta Humala flew to Lima's southern districts to see the damage.")
QUAKE_B2 = ("The 6.4 magnitude tremor that shook Lima left 12 dead, Peru's civil defence institute said on "
            "Thursday.\n\nOllanta Humala visited the southern districts of Lima, where houses collapsed.")
TRIAL = ("Jurors in Atlanta convicted Brian Nichols of murder in the courthouse shooting.\n\nNichols faces life in "
         "prison, prosecutors said after the verdict in Fulton County.")
TRIAL2 = ("Brian Nichols was found guilty of murder by an Atlanta jury for the courthouse shooting in Fulton "
          "County.\n\nProsecutors said Nichols faces life in prison.")
# a regional site running the wire's second paragraph word for word under a lead of its own
COPY = ("Regional papers carried the report from Sumatra on Thursday morning.\n\n"
        "The Padang quake damaged hospitals and schools across West Sumatra, and rescuers searched collapsed "
        "buildings through the night.")


def record(url: str, text: str, source: str, day: int, title: str | None = None) -> dict:
    return {"url": url, "text": text, "source": source, "published": f"2024-03-{day:02d}T08:00:00Z",
            "title": title or text.split(".")[0][:60]}


RECORDS = [
    record("https://wire.example/padang", QUAKE_A, "Wire", 6),
    record("https://daily.example/lima", QUAKE_B, "Daily", 6),
    record("https://courier.example/trial", TRIAL, "Courier", 7),
    record("https://regional.example/padang", COPY, "Regional", 7),
    record("https://daily.example/padang", QUAKE_A2, "Daily", 7),
    record("https://wire.example/lima", QUAKE_B2, "Wire", 7),
    record("https://wire.example/trial", TRIAL2, "Wire", 8),
    record("https://cn.example/dizhen", "地震造成多人受伤。救援人员在现场搜救。", "CN", 8),
    record("https://blank.example/x", "* * *", "Blank", 8),
]


def settings(db: str, batch_size: int = 200) -> Settings:
    return Settings(db_path=db, ingest=IngestSettings(workers=1, batch_size=batch_size),
                    events=EventsSettings(enabled=False))


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def stories_by_url(db: str) -> dict[str, int]:
    return dict(query(db, "SELECT d.url, s.story_id FROM document_stories s JOIN documents d USING (document_id)"))


def decisions(db: str) -> list[tuple]:
    """Every assignment by natural key, in arrival order: what a rebuild must reproduce exactly."""
    return query(db, "SELECT d.doc_key, d.version, a.seq, a.story_id, a.method, a.similarity, m.doc_key, a.copies_of "
                     "FROM story_assignments a JOIN documents d USING (document_id) "
                     "LEFT JOIN documents m ON m.document_id = a.matched_document_id ORDER BY a.seq")


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("stories")
    db = str(folder / "stories.duckdb")
    summary = run_ingest([str(write_jsonl(folder / "news.jsonl", RECORDS))], settings(db))
    assert summary.ok and summary.counts.documents_assigned == len(RECORDS)
    return db


def test_every_current_document_has_one_story_and_reports_of_one_happening_share_it(ingested):
    assert query(ingested, "SELECT count(*), count(DISTINCT document_id) FROM document_stories") == [(9, 9)]
    assert query(ingested, "SELECT count(*) FROM documents d WHERE d.is_current AND d.document_id NOT IN "
                           "(SELECT document_id FROM document_stories)") == [(0,)]
    s = stories_by_url(ingested)
    padang = {s["https://wire.example/padang"], s["https://daily.example/padang"], s["https://regional.example/padang"]}
    lima = {s["https://daily.example/lima"], s["https://wire.example/lima"]}
    trial = {s["https://courier.example/trial"], s["https://wire.example/trial"]}
    assert len(padang) == len(lima) == len(trial) == 1
    assert len(padang | lima | trial) == 3  # the two earthquakes stay apart


def test_a_document_with_no_analysable_text_still_gets_a_story_of_its_own(ingested):
    rows = dict(query(ingested, "SELECT d.url, s.method FROM document_stories s JOIN documents d USING (document_id) "
                                "WHERE d.source IN ('CN', 'Blank')"))
    assert rows == {"https://cn.example/dizhen": "new", "https://blank.example/x": "empty"}
    sizes = query(ingested, "SELECT n_documents FROM stories s JOIN document_stories ds USING (story_id) "
                            "JOIN documents d USING (document_id) WHERE d.source IN ('CN', 'Blank')")
    assert sizes == [(1,), (1,)]


def test_a_syndicated_copy_joins_the_story_of_the_document_it_copies(ingested):
    ((method, matched, copies),) = query(
        ingested, "SELECT s.method, m.url, s.copies_of FROM document_stories s JOIN documents d USING (document_id) "
                  "JOIN documents m ON m.document_id = s.matched_document_id WHERE d.source = 'Regional'")
    assert (method, matched) == ("copy", "https://wire.example/padang") and len(copies) == 1


def test_the_stories_view_names_size_span_and_who_had_it_first(ingested):
    story = stories_by_url(ingested)["https://wire.example/padang"]
    row = query(ingested, "SELECT n_documents, n_outlets, first_outlet, first_published::DATE::VARCHAR, "
                          "last_published::DATE::VARCHAR, n_copies, title FROM stories WHERE story_id = ?", [story])
    assert row == [(3, 3, "Wire", "2024-03-06", "2024-03-07", 1, RECORDS[0]["title"])]


def test_original_reporting_and_copy_are_one_query_on_story_outlets(ingested):
    story = stories_by_url(ingested)["https://wire.example/padang"]
    rows = query(ingested, "SELECT outlet, is_first, n_documents, n_copies, round(novel_share, 2) FROM story_outlets "
                           "WHERE story_id = ? ORDER BY outlet", [story])
    by_outlet = {r[0]: r[1:] for r in rows}
    assert by_outlet["Wire"][:3] == (True, 1, 0) and by_outlet["Wire"][3] == 1.0
    assert by_outlet["Daily"][:3] == (False, 1, 0)
    regional_first, _, regional_copies, regional_novel = by_outlet["Regional"]
    assert (regional_first, regional_copies) == (False, 1) and regional_novel < 0.5  # mostly the wire's words


def test_an_updated_article_keeps_its_story_and_its_old_version_leaves_the_views(ingested, tmp_path):
    db = str(tmp_path / "versions.duckdb")
    run_ingest([str(write_jsonl(tmp_path / "a.jsonl", RECORDS[:3]))], settings(db))
    before = stories_by_url(db)["https://wire.example/padang"]
    update = dict(RECORDS[0], text=QUAKE_A + "\n\nThe death toll rose to 80 on Thursday, the disaster agency said.")
    run_ingest([str(write_jsonl(tmp_path / "b.jsonl", [update]))], settings(db))
    rows = query(db, "SELECT d.version, s.method, s.story_id, m.version FROM document_stories s "
                     "JOIN documents d USING (document_id) JOIN documents m ON m.document_id = s.matched_document_id "
                     "WHERE d.url = 'https://wire.example/padang'")
    assert rows == [(2, "version", before, 1)]
    # the old version keeps its row among the assignments (later decisions depended on it) but leaves the views
    assert query(db, "SELECT count(*) FROM story_assignments") == [(4,)]
    assert query(db, "SELECT n_documents FROM stories WHERE story_id = ?", [before]) == [(1,)]


def test_the_same_documents_in_the_same_order_give_the_same_stories_in_one_run_or_many_and_after_a_rebuild(
        ingested, tmp_path):
    one = decisions(ingested)
    db = str(tmp_path / "runs.duckdb")
    for i, part in enumerate((RECORDS[:2], RECORDS[2:5], RECORDS[5:])):  # three runs, batches of two
        run_ingest([str(write_jsonl(tmp_path / f"part{i}.jsonl", part))], settings(db, batch_size=2))
    assert decisions(db) == one
    summary = run_stories_rebuild(settings(db), chunk=4)
    assert (summary.status, summary.documents) == ("completed", len(RECORDS))
    assert decisions(db) == one
    assert query(db, "SELECT kind, documents_assigned FROM runs ORDER BY run_id DESC LIMIT 1") == [
        ("stories-rebuild", len(RECORDS))]


def test_a_rebuild_replays_superseded_versions_so_updated_articles_keep_their_stories(tmp_path):
    db = str(tmp_path / "replay.duckdb")
    run_ingest([str(write_jsonl(tmp_path / "a.jsonl", RECORDS[:5]))], settings(db))
    update = dict(RECORDS[1], text=QUAKE_B + "\n\nAftershocks were felt in Callao.")
    run_ingest([str(write_jsonl(tmp_path / "b.jsonl", [update] + RECORDS[5:]))], settings(db))
    before = decisions(db)
    assert [r[4] for r in before if r[1] == 2] == ["version"]
    run_stories_rebuild(settings(db))
    assert decisions(db) == before


def test_the_cli_lists_stories_biggest_first_and_shows_one_in_time_order(ingested, capsys):
    assert main(["stories", "--db", ingested, "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [s["n_documents"] for s in listed] == sorted((s["n_documents"] for s in listed), reverse=True)
    assert listed[0]["first_outlet"] == "Wire" and listed[0]["n_documents"] == 3
    assert main(["stories", "--db", ingested, "--min-outlets", "2", "--format", "csv"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1 + 3  # header + the three stories told by two outlets
    assert main(["stories", "--db", ingested, "--since", "2024-03-08", "--format", "json"]) == 0
    assert {s["first_outlet"] for s in json.loads(capsys.readouterr().out)} == {"Courier", "CN", "Blank"}
    story = listed[0]["story_id"]
    assert main(["stories", "show", str(story), "--db", ingested]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"story {story}: ") and "3 documents from 3 outlets" in out
    lines = [line for line in out.splitlines() if line.startswith("2024-")]
    # published first; the two of 7 March in the order they arrived
    assert [line.split()[:2] for line in lines] == [["2024-03-06", "Wire"], ["2024-03-07", "Regional"],
                                                    ["2024-03-07", "Daily"]]


def test_the_cli_refuses_an_unknown_story_and_a_show_without_id(ingested, capsys):
    assert main(["stories", "show", "999", "--db", ingested]) == 2
    assert main(["stories", "show", "--db", ingested]) == 2
    assert capsys.readouterr().err.count("wiredesk: error: ") == 2


def test_the_python_api_gives_the_same_as_relations(ingested):
    with wiredesk.connect(ingested) as con:
        listed = wiredesk.list_stories(con, min_outlets=2).fetchall()
        story = listed[0][0]
        docs = wiredesk.story_documents(con, story).df()
    assert len(listed) == 3
    assert list(docs["outlet"])[0] == "Wire" and len(docs) == 3
    assert set(docs["method"]) <= {"new", "joined", "copy"}


def test_the_store_reads_the_story_of_documents(ingested):
    ids = [r[0] for r in query(ingested, "SELECT document_id FROM documents ORDER BY 1")]
    with Store.open(ingested) as store:
        found = store.stories_of(ids)
    assert found == dict(query(ingested, "SELECT document_id, story_id FROM document_stories"))


def test_events_carry_the_story_of_their_documents(tmp_path):
    db = str(tmp_path / "seeds.duckdb")
    run_ingest([str(SEEDS)], Settings(db_path=db, ingest=IngestSettings(workers=1)))
    assert query(db, "SELECT count(DISTINCT story_id), count(*) FROM document_stories") == [(1, 2)]
    (story,) = query(db, "SELECT story_id FROM document_stories LIMIT 1")[0]
    rows = query(db, "SELECT count(*), count(*) FILTER (WHERE story_id = ?) FROM events", [story])
    assert rows[0][0] > 0 and rows[0][0] == rows[0][1]


# Two unrelated happenings whose reports share one stock sentence, as ECB+ topics 16 (a gang murder trial) and
# 19 (a police shooting) do: the shared paragraph is a duplicate link, but no evidence of one story.
STOCK = "A loaded .38-caliber revolver was recovered at the scene by the detectives."
TRIAL_LA = ("Jose Orozco was convicted on Tuesday of murdering Los Angeles County sheriff's deputy Jerry Ortiz in "
            "Hawaiian Gardens.\n\nJurors deliberated two days before finding Orozco guilty of first-degree "
            f"murder.\n\n{STOCK}\n\nOrozco, a gang member, faces the death penalty at his sentencing.")
TRIAL_LA2 = ("The jury that convicted Jose Orozco of killing deputy Jerry Ortiz in Hawaiian Gardens will hear "
             "evidence on the death penalty next week.\n\nJurors deliberated two days before finding Orozco guilty "
             "of first-degree murder.\n\nProsecutors said Orozco shot Ortiz in the head.")
SHOOTING_NY = ("Police officers in Brooklyn shot and killed Kimani Gray, 16, on Saturday night in East Flatbush.\n\n"
               f"{STOCK}\n\nProtesters marched to the 67th Precinct station house on Monday, and Mayor Michael "
               "Bloomberg urged calm as Gray's family demanded answers.")


def test_one_shared_stock_sentence_does_not_put_reports_of_different_happenings_in_one_story(tmp_path):
    db = str(tmp_path / "stock.duckdb")
    records = [record("https://la.example/verdict", TRIAL_LA, "LA Daily", 5),
               record("https://ny.example/shooting", SHOOTING_NY, "NY Post", 6),
               record("https://wire.example/orozco", TRIAL_LA2, "Wire", 6)]
    run_ingest([str(write_jsonl(tmp_path / "stock.jsonl", records))], settings(db))
    rows = {url: (story, method, copies) for url, story, method, copies in query(
        db, "SELECT d.url, s.story_id, s.method, s.copies_of FROM document_stories s "
            "JOIN documents d USING (document_id)")}
    verdict, shooting, follow_up = (rows[r["url"]] for r in records)
    assert len(shooting[2]) == 1  # the stock sentence links the shooting to the verdict...
    assert shooting[0] != verdict[0] and shooting[1] == "new"  # ...but it starts a story of its own
    # a report that copies a paragraph of the verdict and tells the same happening still joins as a copy
    assert (follow_up[0], follow_up[1]) == (verdict[0], "copy")


def test_a_rebuild_that_moves_documents_to_other_stories_groups_their_events_again(tmp_path):
    from wiredesk.stories import Settings as StorySettings

    db = str(tmp_path / "regroup.duckdb")
    run_ingest([str(SEEDS)], Settings(db_path=db, ingest=IngestSettings(workers=1)))
    events = "SELECT event_id, mention_id FROM event_mention_rows WHERE event_id IS NOT NULL ORDER BY ALL"
    ingested_events, ingest_run = query(db, events), query(db, "SELECT DISTINCT run_id FROM event_rows")
    assert ingested_events and query(db, "SELECT count(DISTINCT story_id) FROM document_stories") == [(1,)]
    # the same stories again: nothing moves, no event is touched
    same = run_stories_rebuild(Settings(db_path=db))
    assert (same.documents_moved, same.events_written) == (0, 0)
    assert query(db, "SELECT DISTINCT run_id FROM event_rows") == ingest_run
    # stories that keep every document apart: both documents move, and their events are grouped again
    apart = run_stories_rebuild(Settings(db_path=db), story_settings=StorySettings(threshold=1.01,
                                                                                     copy_threshold=1.01))
    assert query(db, "SELECT count(DISTINCT story_id) FROM document_stories") == [(2,)]
    n_events = query(db, "SELECT count(*) FROM events")[0][0]
    assert (apart.documents_moved, apart.events_written) == (2, n_events)
    assert query(db, "SELECT DISTINCT run_id FROM event_rows") == [(apart.run_id,)]
    assert query(db, "SELECT events_written FROM runs WHERE run_id = ?", [apart.run_id]) == [(n_events,)]
    # every event's story is the story of one of its documents
    assert query(db, "SELECT count(*) FROM events e WHERE e.story_id NOT IN (SELECT ds.story_id FROM "
                     "event_mention_rows m JOIN document_stories ds USING (document_id) WHERE m.event_id = e.event_id)"
                 ) == [(0,)]
    # back to the default stories: the events a run with them made
    back = run_stories_rebuild(Settings(db_path=db))
    assert back.documents_moved == 2 and query(db, events) == ingested_events
