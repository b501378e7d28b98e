"""``dedup.exact_window_days``: the exact stage clusters a batch only with the equal paragraphs of recent runs."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from support.dedup import add_document, con, seed_paragraphs  # noqa: F401 (con is a fixture)

from wiredesk.dedup.settings import DedupSettings
from wiredesk.domain.errors import ConfigError
from wiredesk.domain.normalize import match_hash
from wiredesk.store.near_index import link_near
from wiredesk.store.writer import relink_exact

S = DedupSettings()
AP = "ap-yahoo-2019-12-31-baghdad-embassy.txt"
NOW = datetime(2026, 3, 1, tzinfo=timezone.utc)
PUBLISHED = datetime(2019, 12, 31, tzinfo=timezone.utc)


def _run(con, run_id: int, started_at: datetime) -> None:
    con.execute("INSERT INTO runs (run_id, started_at, status, pipeline_version, inputs) VALUES (?, ?, 'completed', "
                "'test', [])", [run_id, started_at])


def _store(con, run_id: int, doc_key: str, paragraphs: list[str], now: datetime, settings=S) -> list[int]:
    """What the writer does for a batch of one document: write it, exact links, near links (they record the run's
    lowest indexed paragraph, where a window starts)."""
    ids = add_document(con, doc_key, paragraphs, published_at=PUBLISHED, source=doc_key, run_id=run_id)
    relink_exact(con, sorted({match_hash(p) for p in paragraphs}), [], set(ids), settings, run_id, now=now)
    link_near(con, ids, settings, run_id, now=now)
    return ids


def _exact(con) -> set[tuple[int, int]]:
    return set(con.execute("SELECT paragraph_id, duplicate_of FROM duplicates WHERE kind = 'exact'").fetchall())


def test_an_exact_window_leaves_copies_of_older_text_unlinked_and_older_links_as_they_are(con):
    ap = seed_paragraphs(AP)
    _run(con, 1, NOW - timedelta(days=40))
    _run(con, 2, NOW)
    first = _store(con, 1, "ap", ap[:6], NOW - timedelta(days=40))
    again = _store(con, 1, "ap-again", ap[:2], NOW - timedelta(days=40))  # an exact copy, 40 days ago
    old = {(again[0], first[0]), (again[1], first[1])}
    assert _exact(con) == old

    for days, linked in ((30, False), (60, True), (0, True)):
        con.execute("BEGIN TRANSACTION")
        copy = _store(con, 2, "copy", [ap[0], "A paragraph of its own, long enough to be linked at all."], NOW,
                      replace(S, exact_window_days=days))
        exact = _exact(con)
        new = exact - old
        clusters = dict(con.execute("SELECT paragraph_id, cluster_id FROM paragraphs").fetchall())
        from_copy = con.execute("SELECT kind FROM duplicates WHERE paragraph_id = ?", [copy[0]]).fetchall()
        con.execute("ROLLBACK")
        if linked:  # within the window, or without one: the copy links to the earliest copy
            assert new == {(copy[0], first[0])} and clusters[copy[0]] == first[0]
        else:  # the older copies are outside the window: no link, a cluster of its own, and theirs untouched
            assert new == set() and clusters[copy[0]] == copy[0]
            assert from_copy == []  # nor a near link: the near stage leaves equal text to the exact stage
        assert old <= exact and clusters[again[0]] == first[0]


def test_a_negative_exact_window_is_a_configuration_error():
    with pytest.raises(ConfigError, match="exact_window_days"):
        DedupSettings(exact_window_days=-1)
