"""The ``entities`` view reads counts stored with each batch (over current document versions); they must equal
the view's first definition, which counted every mention at query time (``support.clusters.REFERENCE``), after
an ingest, a new version of a document, a reprocess that replaces mentions and one that re-dates and re-sources
a document. Real runs (rules-only events for speed), real DuckDB files."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timezone

from wiredesk.clean.cleaner import clean_item
from wiredesk.domain.settings import EventsSettings, IngestSettings, Settings
from wiredesk.pipeline.ingest import run_ingest
from wiredesk.pipeline.reprocess import run_reprocess

from conftest import query
from support.clusters import check_views

SUN = "the-sun-2019-12-31-baghdad-embassy.txt"
EXTRA = ("Protesters marched in Baghdad on Friday, demanding that the United States withdraw its troops "
         "from Iraq.\n\nPolice in Baghdad said the march was peaceful and that the protesters went home by night.\n")


def settings(db: str) -> Settings:
    return Settings(db_path=db, ingest=IngestSettings(workers=1), events=EventsSettings(backend="rules", workers=1))


def redated(item):
    """'New cleaner code' that finds a date and an outlet in the undated extra story."""
    article = clean_item(item)
    if item.origin.endswith("extra.txt"):
        return dataclasses.replace(article, published_at=datetime(2020, 3, 1, tzinfo=timezone.utc),
                                   source="Extra Wire", cleaner=article.cleaner + "-dated")
    return article


def rewritten(item):
    """'New cleaner code' that drops The Sun's last body paragraphs (and the mentions in them)."""
    article = clean_item(item)
    if SUN in item.origin:
        body = [p.position for p in article.paragraphs if p.role == "body"]
        article = dataclasses.replace(article, paragraphs=tuple(p for p in article.paragraphs
                                                                 if p.position not in body[-4:]),
                                      cleaner=article.cleaner + "-cut")
    return article


def test_entity_counts_follow_ingests_new_versions_and_reprocesses(seeds, db):
    (seeds / "extra.txt").write_text(EXTRA)
    assert run_ingest([str(seeds)], settings(db)).ok
    assert query(db, "SELECT count(*) FROM entities WHERE num_documents > 1")[0][0] > 0
    assert check_views(db) == []

    # a new version of The Sun's story: the old version's mentions stop counting
    sun = seeds / SUN
    sun.write_text(sun.read_text().replace("Baghdad", "the Iraqi capital", 3))
    assert run_ingest([str(seeds)], settings(db)).counts.documents_updated == 1
    assert check_views(db) == []

    # a reprocess that cuts paragraphs (mentions replaced), then one that dates and sources the extra story
    assert run_reprocess(settings(db), clean=rewritten).counts.mentions_removed > 0
    assert check_views(db) == []
    assert run_reprocess(settings(db), clean=redated).counts.metadata_changed == 1
    assert query(db, "SELECT count(*) FROM entities WHERE last_seen = TIMESTAMPTZ '2020-03-01 00:00:00+00'")[0][0] > 0
    assert check_views(db) == []


def _record(url: str, text: str, source: str, published: str) -> str:
    return json.dumps({"url": url, "text": text, "source": source, "published": published}) + "\n"


BAGHDAD = ("Protesters marched in Baghdad on Friday, demanding that the United States withdraw its troops from "
           "Iraq.\n\nPolice in Baghdad said the march was peaceful.")


def test_a_new_version_that_moves_an_entitys_only_dates_is_counted_again(tmp_path, db):
    """A batch adds what its documents mention and takes away what the versions it supersedes mentioned; when
    the superseded version held an entity's earliest or latest date, the entity is counted again."""
    first = tmp_path / "first.jsonl"
    first.write_text(_record("https://wire.example/march", BAGHDAD, "Wire", "2019-01-04T08:00:00Z")
                     + _record("https://daily.example/march", BAGHDAD.replace("Friday", "Saturday"), "Daily",
                               "2019-01-05T08:00:00Z"), encoding="utf-8")
    assert run_ingest([str(first)], settings(db)).ok
    seen = "SELECT num_documents, num_sources, first_seen, last_seen FROM entities WHERE name = 'Baghdad'"
    before = query(db, seen)
    assert before and before[0][:2] == (2, 2)
    assert check_views(db) == []

    # the Wire's story again, dated later and by another outlet: Baghdad's first date and outlets move
    second = tmp_path / "second.jsonl"
    second.write_text(_record("https://wire.example/march", BAGHDAD + "\n\nMore marches were called.", "Courier",
                              "2019-01-09T08:00:00Z"), encoding="utf-8")
    assert run_ingest([str(second)], settings(db)).counts.documents_updated == 1
    after = query(db, seen)
    assert after[0][:2] == (2, 2) and after[0][2] > before[0][2] and after[0][3] > before[0][3]
    assert check_views(db) == []
    stored = query(db, "SELECT o.source, o.n_documents FROM entity_outlets o JOIN entity_rows e USING (entity_id) "
                       "WHERE e.name = 'Baghdad' ORDER BY o.source")
    assert stored == [("Courier", 1), ("Daily", 1)]


def test_a_new_version_from_another_outlet_moves_the_entitys_outlet_without_a_recount(tmp_path, db):
    """Dates unchanged, so the batch's change applies as it is: the old outlet's row reaches zero and goes, the new
    outlet's row comes, and num_sources follows both."""
    first = tmp_path / "first.jsonl"
    first.write_text(_record("https://wire.example/march", BAGHDAD, "Wire", "2019-01-04T08:00:00Z")
                     + _record("https://daily.example/march", BAGHDAD.replace("Friday", "Saturday"), "Daily",
                               "2019-01-04T08:00:00Z"), encoding="utf-8")
    assert run_ingest([str(first)], settings(db)).ok
    outlets = ("SELECT o.source, o.n_documents FROM entity_outlets o JOIN entity_rows e USING (entity_id) "
               "WHERE e.name = 'Baghdad' ORDER BY o.source")
    assert query(db, outlets) == [("Daily", 1), ("Wire", 1)]

    second = tmp_path / "second.jsonl"
    second.write_text(_record("https://wire.example/march", BAGHDAD + "\n\nMore marches were called.", "Courier",
                              "2019-01-04T08:00:00Z"), encoding="utf-8")
    assert run_ingest([str(second)], settings(db)).counts.documents_updated == 1
    assert query(db, outlets) == [("Courier", 1), ("Daily", 1)]
    assert query(db, "SELECT num_documents, num_sources FROM entities WHERE name = 'Baghdad'") == [(2, 2)]
    assert check_views(db) == []
