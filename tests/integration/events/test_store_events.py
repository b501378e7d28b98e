"""Events through the public interfaces: `wiredesk run` on the seeds into a real DuckDB file, then SQL on
the events views."""

import shutil

import pytest

from wiredesk.cli import main
from conftest import REPO
from conftest import query as _rows


@pytest.fixture()
def seed_copy(tmp_path):
    dest = tmp_path / "seeds"
    shutil.copytree(REPO / "seeds", dest)
    return dest


def _run(path, db, *extra):
    assert main(["run", "--no-prefect", "-q", str(path), "--db", db, *extra]) == 0


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """(seeds folder, database) after one run; tests that write copy the database first."""
    base = tmp_path_factory.mktemp("events-store")
    seeds = base / "seeds"
    shutil.copytree(REPO / "seeds", seeds)
    db = str(base / "w.duckdb")
    _run(seeds, db)
    return seeds, db


def test_a_run_stores_events_grouped_across_both_outlets(seeded):
    _, db = seeded
    [(place, day, sources, docs)] = _rows(db, "SELECT place_name, date_start, num_sources, num_documents FROM events "
                                              "WHERE event_class = 'PROTEST' AND num_sources = 2")
    assert (place, str(day), sources, docs) == ("Baghdad", "2019-12-31", 2, 2)
    [(killed, actor_country)] = _rows(db, "SELECT killed, actor_country FROM events WHERE event_class = 'ASSAULT' "
                                          "AND date_start = DATE '2019-12-29'")
    assert (killed, actor_country) == (25, "USA")
    # every mention's offsets point into its document's body text
    bad = _rows(db, "SELECT count(*) FROM event_mentions m JOIN documents d USING (document_id) "
                    "WHERE substr(d.text, m.trigger_start + 1, m.trigger_end - m.trigger_start) <> m.trigger "
                    "OR substr(d.text, m.sentence_start + 1, m.sentence_end - m.sentence_start) <> m.sentence")
    assert bad == [(0,)]
    # each event's counts agree with its mentions
    mismatched = _rows(db, "SELECT e.event_id FROM events e JOIN event_mentions m USING (event_id) GROUP BY ALL "
                           "HAVING any_value(e.num_mentions) <> count(*) "
                           "OR any_value(e.num_sources) <> count(DISTINCT m.source)")
    assert mismatched == []
    [(mentions_new, events_written)] = _rows(db, "SELECT event_mentions_new, events_written FROM runs")
    assert mentions_new == _rows(db, "SELECT count(*) FROM event_mentions")[0][0] > 0
    assert events_written == _rows(db, "SELECT count(*) FROM events")[0][0] > 0
    assert ("Pentagon", "ORG", "military", "USA") in _rows(db, "SELECT name, label, kind, country FROM entities")
    [(extractor,)] = _rows(db, "SELECT DISTINCT extractor FROM event_mentions")
    assert "model=en_core_web_sm" in extractor and "lexicon/" in extractor


def test_a_rerun_adds_nothing_and_keeps_event_ids(seeded, tmp_path):
    seeds, first = seeded
    db = str(tmp_path / "w.duckdb")
    shutil.copy(first, db)
    before = _rows(db, "SELECT * FROM events ORDER BY event_id")
    mentions = _rows(db, "SELECT mention_id, event_id FROM event_mentions ORDER BY mention_id")
    _run(seeds, db)
    assert _rows(db, "SELECT * FROM events ORDER BY event_id") == before
    assert _rows(db, "SELECT mention_id, event_id FROM event_mentions ORDER BY mention_id") == mentions
    assert _rows(db, "SELECT event_mentions_new, events_written FROM runs WHERE run_id = 2") == [(0, 0)]


def test_a_new_version_of_an_article_replaces_its_mentions_in_the_events(seed_copy, tmp_path):
    db = str(tmp_path / "w.duckdb")
    _run(seed_copy, db)
    sun = seed_copy / "the-sun-2019-12-31-baghdad-embassy.txt"
    text = sun.read_text(encoding="utf-8")
    # the new version drops the storming from its first paragraph
    first, rest = text.split("\n", 1)
    sun.write_text("Officials in Baghdad spoke to reporters today.\n" + rest, encoding="utf-8")
    _run(seed_copy, db)
    triggers = [t for (t,) in _rows(db, "SELECT trigger FROM event_mentions WHERE source = 'The Sun'")]
    assert "storm" not in triggers
    orphans = _rows(db, "SELECT count(*) FROM event_mentions m LEFT JOIN events e USING (event_id) "
                        "WHERE m.event_id IS NOT NULL AND e.event_id IS NULL")
    assert orphans == [(0,)]
    [(sources,)] = _rows(db, "SELECT num_sources FROM events WHERE event_class = 'ASSAULT' AND killed = 25")
    assert sources == 2


def test_rules_backend_and_disabling_come_from_the_config(seed_copy, tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text('[events]\nbackend = "rules"\n')
    db = str(tmp_path / "rules.duckdb")
    _run(seed_copy, db, "--config", str(rules))
    [(extractor,)] = _rows(db, "SELECT DISTINCT extractor FROM event_mentions")
    assert " rules model=none " in extractor
    off = tmp_path / "off.toml"
    off.write_text("[events]\nenabled = false\n")
    db2 = str(tmp_path / "off.duckdb")
    _run(seed_copy, db2, "--config", str(off))
    assert _rows(db2, "SELECT count(*) FROM event_mentions") == [(0,)]
    assert _rows(db2, "SELECT count(*) FROM documents") == [(2,)]
