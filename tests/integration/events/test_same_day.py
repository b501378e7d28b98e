"""A busy day through a real run: many unrelated happenings of a few kinds (shootings, arrests, protests, fires,
resignations, acquisitions, crashes, strikes) in different cities, some told by two or three outlets in their
own words, must come out of the events table as their own events (the generator is bench/sameday.py; the
benchmark over more seeds is bench/eval_sameday.py)."""

import sys

import pytest

from conftest import REPO
from conftest import query as _rows
from wiredesk.cli import main

sys.path.insert(0, str(REPO / "bench"))
from sameday import generate, score, write_jsonl  # noqa: E402


@pytest.fixture(scope="module")
def busy_day(tmp_path_factory):
    """(articles, database) after one run over a generated day, in batches of 10 so later batches regroup
    with stored mentions."""
    base = tmp_path_factory.mktemp("same-day")
    articles = generate(seed=7, n_happenings=24)
    data = write_jsonl(articles, base / "day.jsonl")
    config = base / "wiredesk.toml"
    config.write_text(f'[ingest]\nbatch_size = 10\nworkers = 1\n[events]\nworkers = 1\n'
                      f'[feeds]\nsources_file = "{base / "none.toml"}"\n', encoding="utf-8")
    db = str(base / "w.duckdb")
    assert main(["run", "--no-prefect", "-q", str(data), "--db", db, "--config", str(config)]) == 0
    return articles, db


def _score(articles, db):
    rows = _rows(db, "SELECT mention_id, url, trigger_start, event_class, event_id FROM event_mentions "
                     "WHERE event_id IS NOT NULL")
    texts = dict(_rows(db, "SELECT url, text FROM documents WHERE is_current"))
    return score(rows, texts, articles)


def test_unrelated_happenings_of_one_day_stay_apart_and_reports_of_one_are_grouped(busy_day):
    articles, db = busy_day
    r = _score(articles, db)
    assert r["articles"] == len(articles) and r["mentions"] > 2 * r["happenings"]
    # precision first: few events mix happenings, and a mixed event is the exception, not the rule
    assert r["bcubed"]["precision"] >= 0.75, r
    assert r["mixed_events"] <= r["events"] // 6, r
    # and what one happening's reports say is still grouped, across outlets too
    assert r["bcubed"]["recall"] >= 0.7, r
    several = r["cross_outlet"]["happenings"]
    assert several >= 5 and r["cross_outlet"]["grouped"] >= 0.6 * several, r


def test_no_event_holds_two_places_or_two_tolls(busy_day):
    _, db = busy_day
    # the hard conflicts hold across the whole event, not only between the pairs that joined it
    assert _rows(db, "SELECT event_id FROM event_mentions WHERE event_id IS NOT NULL GROUP BY event_id "
                     "HAVING count(DISTINCT place_name) > 1 OR count(DISTINCT killed) > 1") == []
