"""The store finds the stored mentions a batch's mentions can be grouped with by their blocking keys, computed in
SQL and stored with each mention (``event_mention_keys``): they must be the keys the grouping itself files
mentions under (``wiredesk.events.group.block_key_texts``), or an incremental run would miss events a whole
regrouping joins; and they must stay right when what they derive from changes (a new version, reprocess, a
stories rebuild, other key rules), or a batch would look up keys its neighbours no longer have."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import timedelta

import duckdb

from wiredesk.cli import main
from wiredesk.domain.settings import EventsSettings, IngestSettings, Settings
from wiredesk.events.group import block_key_texts, groupable
from wiredesk.pipeline.ingest import run_ingest
from wiredesk.pipeline.reprocess import run_reprocess
from wiredesk.pipeline.stories import run_stories_rebuild
from wiredesk.store.event_neighbours import keys_version, stored_block_keys
from wiredesk.store.events import stored_mentions
from wiredesk.store.migrate import available_migrations, migrate

from conftest import SEEDS, query
from support.old_database import old_database

SUN = "the-sun-2019-12-31-baghdad-embassy.txt"


def _fresh_keys(con) -> set[tuple]:
    """(mention, key, document, class, publication time) of every current mention that can join an event
    (``groupable``), computed now by the grouping's own code."""
    ids = [r[0] for r in con.execute(
        "SELECT m.mention_id FROM event_mention_rows m JOIN documents d USING (document_id) "
        "WHERE d.is_current").fetchall()]
    stories = dict(con.execute("SELECT document_id, story_id FROM story_assignments").fetchall())
    return {(mid, k, doc, m.event_class, m.published_at)
            for mid, (doc, m) in stored_mentions(con, ids).items() if groupable(m)
            for k in block_key_texts(m, stories.get(doc)) if not k.startswith("doc\x1f")}  # own documents: loaded whole


def _stored_keys(con) -> set[tuple]:
    return set(con.execute(
        "SELECT mention_id, key, document_id, event_class, published_at FROM event_mention_keys").fetchall())


def _assert_keys_fresh(db: str) -> set[tuple]:
    with duckdb.connect(db, read_only=True) as con:
        stored, fresh = _stored_keys(con), _fresh_keys(con)
        assert con.execute("SELECT count(*) FROM event_mention_keys").fetchone()[0] == len(stored)  # no key twice
        assert con.execute("SELECT version FROM event_key_index").fetchall() == [(keys_version(),)]
    assert stored == fresh
    return stored


def _rules(db: str, **changes) -> Settings:
    base = {"ingest": IngestSettings(workers=1), "events": EventsSettings(backend="rules", workers=1)}
    return Settings(db_path=db, **{**base, **changes})


def test_keys_computed_in_sql_are_the_keys_grouping_files_mentions_under(seeds, tmp_path):
    db = str(tmp_path / "seeds.duckdb")
    summary = run_ingest([str(seeds)], Settings(db_path=db, ingest=IngestSettings(workers=1)))
    assert summary.ok
    with duckdb.connect(db) as con:
        ids = [r[0] for r in con.execute("SELECT mention_id FROM event_mention_rows").fetchall()]
        mentions = stored_mentions(con, ids)
        stories = dict(con.execute("SELECT document_id, story_id FROM story_assignments").fetchall())
        sql_keys = stored_block_keys(con, ids)
    assert len(mentions) > 30
    kinds = set()
    for mid, (document_id, m) in mentions.items():
        expected = block_key_texts(m, stories.get(document_id))
        expected = {k for k in expected if not k.startswith("doc\x1f")}  # a batch's own documents are loaded whole
        assert sql_keys[mid] == expected, m.sentence
        kinds |= {k.split("\x1f")[0] for k in expected}
    assert kinds >= {"para", "place", "day", "who", "name", "lemma", "story"}  # every kind was compared


def test_each_mention_s_keys_are_stored_when_it_is_written(seeds, tmp_path):
    db = str(tmp_path / "seeds.duckdb")
    assert run_ingest([str(seeds)], Settings(db_path=db, ingest=IngestSettings(workers=1))).ok
    stored = _assert_keys_fresh(db)
    assert len({mid for mid, *_ in stored}) > 30
    assert {k.split("\x1f")[0] for _, k, *_ in stored} >= {"para", "place", "day", "who", "name", "lemma", "story"}


def test_a_new_version_takes_the_keys_of_the_version_it_replaces_away(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    db = str(tmp_path / "w.duckdb")
    assert run_ingest([str(seeds)], _rules(db)).ok
    sun = seeds / SUN
    first, rest = sun.read_text(encoding="utf-8").split("\n", 1)
    sun.write_text("Officials in Baghdad spoke to reporters today.\n" + rest, encoding="utf-8")
    assert run_ingest([str(seeds)], _rules(db)).ok
    old = query(db, "SELECT document_id FROM documents WHERE NOT is_current")
    assert len(old) == 1
    assert query(db, "SELECT count(*) FROM event_mention_keys WHERE document_id = ?", [old[0][0]]) == [(0,)]
    _assert_keys_fresh(db)


def test_reprocess_and_a_stories_rebuild_leave_the_keys_a_fresh_computation_gives(tmp_path):
    from wiredesk.stories import Settings as StorySettings

    db = str(tmp_path / "w.duckdb")
    assert run_ingest([str(SEEDS)], _rules(db)).ok
    before = _assert_keys_fresh(db)
    # new extractor: every mention replaced, their keys with them
    summary = run_reprocess(_rules(db, events=EventsSettings(backend="spacy", workers=1)), stage="events")
    assert summary.counts.documents_changed == 2
    after = _assert_keys_fresh(db)
    assert after != before  # other mentions (their ids taken again), other keys
    assert query(db, "SELECT event_candidates_cut FROM runs WHERE run_id = ?", [summary.run_id]) == [
        (summary.counts.event_candidates_cut,)]
    # stories that keep the two documents apart: the story keys of every mention change
    apart = run_stories_rebuild(Settings(db_path=db), story_settings=StorySettings(threshold=1.01, copy_threshold=1.01))
    assert apart.documents_moved == 2
    moved = _assert_keys_fresh(db)
    assert {k for _, k, *_ in moved if k.startswith("story")} != {k for _, k, *_ in after if k.startswith("story")}
    assert query(db, "SELECT event_candidates_cut FROM runs WHERE run_id = ?", [apart.run_id]) == [
        (apart.event_candidates_cut,)]


def test_a_document_reprocess_re_dates_gets_the_keys_of_its_new_date(tmp_path):
    from wiredesk.clean.cleaner import clean_item

    def two_days_later(item):  # "new cleaner code" that reads another publication date for the Sun's story
        article = clean_item(item)
        if SUN in item.origin:
            article = dataclasses.replace(article, published_at=article.published_at + timedelta(days=2),
                                          cleaner="text/2-test+paragraphs/1")
        return article

    db = str(tmp_path / "w.duckdb")
    assert run_ingest([str(SEEDS)], _rules(db)).ok
    before = _assert_keys_fresh(db)
    # events off: the mentions stay as they are (not re-extracted), only their document's date moves
    summary = run_reprocess(_rules(db, events=EventsSettings(enabled=False)), clean=two_days_later)
    assert summary.counts.metadata_changed == 1 and summary.counts.mentions_added == 0
    after = _assert_keys_fresh(db)
    lemma = {k for _, k, *_ in after if k.startswith("lemma")}
    assert lemma != {k for _, k, *_ in before if k.startswith("lemma")}  # the publication day is in these keys


def test_keys_made_by_other_rules_are_computed_again_by_the_next_batch(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    db = str(tmp_path / "w.duckdb")
    assert run_ingest([str(seeds / SUN)], _rules(db)).ok
    with duckdb.connect(db) as con:  # as an older key rule left them: other text, other version
        con.execute("UPDATE event_mention_keys SET key = key || '-old'")
        con.execute("UPDATE event_key_index SET version = 'keys/older'")
    assert run_ingest([str(seeds)], _rules(db)).ok
    stored = _assert_keys_fresh(db)
    assert not any(k.endswith("-old") for _, k, *_ in stored)


def test_the_migration_stores_the_keys_a_current_run_stores(tmp_path):
    reference = tmp_path / "ref.duckdb"
    assert run_ingest([str(SEEDS)], Settings(db_path=str(reference), ingest=IngestSettings(workers=1))).ok
    version = next(m.version for m in available_migrations() if m.name == "event_mention_keys")
    old = tmp_path / "old.duckdb"
    filled = old_database(old, version - 1, reference)
    assert "event_mention_keys" not in filled and filled["event_mention_rows"][1]
    with duckdb.connect(str(old)) as con:
        migrate(con)
        upgraded = _stored_keys(con)
    with duckdb.connect(str(reference), read_only=True) as con:
        assert upgraded == _stored_keys(con) and upgraded
    _assert_keys_fresh(str(old))
    # and the upgraded store groups the next batch as the reference does
    assert main(["run", "--no-prefect", "-q", str(SEEDS), "--db", str(old)]) == 0
    assert query(str(old), "SELECT count(*) FROM event_mention_keys") == query(
        str(reference), "SELECT count(*) FROM event_mention_keys")
