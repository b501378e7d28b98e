"""The near-duplicate stage against a real DuckDB file: seeds, direction, idempotence, incrementality."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest
from support.dedup import add_document, con, links, open_db, seed_paragraphs  # noqa: F401 (con is a fixture)
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from wiredesk.store.near_index import link_near as dedup_batch, rebuild_index
from wiredesk.dedup.settings import DedupSettings
from wiredesk.domain.errors import StoreError

S = DedupSettings()
AP = "ap-yahoo-2019-12-31-baghdad-embassy.txt"
SUN = "the-sun-2019-12-31-baghdad-embassy.txt"
DAY = datetime(2019, 12, 31, tzinfo=timezone.utc)


def find(paragraphs: list[str], start: str) -> int:
    (index,) = [i for i, p in enumerate(paragraphs) if p.startswith(start)]
    return index


def test_the_seed_pairs_are_found_with_the_right_kind_and_direction(con):
    ap, sun = seed_paragraphs(AP), seed_paragraphs(SUN)
    ap_ids = add_document(con, "ap", ap, published_at=DAY, source="AP")
    sun_ids = add_document(con, "sun", sun, published_at=DAY, source="The Sun")
    dedup_batch(con, ap_ids + sun_ids, S, run_id=1)
    found = {(p, q): kind for p, q, kind, _ in links(con)}

    # Same publication day: the earliest ingested (AP, lower document_id) is the earliest copy.
    ap_lead = ap_ids[find(ap, "Dozens of Iraqi Shiite militiamen")]
    sun_caption = sun_ids[find(sun, "Dozens of angry Iraqi Shiite")]
    assert found[(sun_caption, ap_lead)] == "near"
    # Within The Sun, the caption comes first (lower position), so the body paragraph links to it.
    caption = sun_ids[find(sun, "The Iranian-backed Iraqi militia had vowed to retaliate")]
    body = sun_ids[find(sun, "The Iranian-backed Iraqi militia had vowed on Monday")]
    assert found[(body, caption)] == "near"
    # A long run ("last week's killing of an American contractor in a rocket attack on an Iraqi military base")
    # inside a longer AP paragraph.
    ap_long = ap_ids[find(ap, "There were no reports of casualties")]
    sun_strikes = sun_ids[find(sun, "The US military carried out strikes on Sunday")]
    assert found[(sun_strikes, ap_long)] == "partial"


def test_an_earlier_published_copy_becomes_canonical_even_when_ingested_later(con):
    ap, sun = seed_paragraphs(AP), seed_paragraphs(SUN)
    sun_ids = add_document(con, "sun", sun, published_at=DAY.replace(hour=20), source="The Sun")
    dedup_batch(con, sun_ids, S, run_id=1)
    ap_ids = add_document(con, "ap", ap, published_at=DAY.replace(hour=9), source="AP")
    dedup_batch(con, ap_ids, S, run_id=2)
    found = {(p, q): kind for p, q, kind, _ in links(con)}
    sun_caption = sun_ids[find(sun, "Dozens of angry Iraqi Shiite")]
    assert found[(sun_caption, ap_ids[find(ap, "Dozens of Iraqi Shiite militiamen")])] == "near"
    assert all(q not in sun_ids or p in sun_ids for p, q in found)  # nothing of AP points to The Sun


def test_dedup_of_the_same_batch_twice_adds_nothing(con):
    ids = add_document(con, "ap", seed_paragraphs(AP)) + add_document(con, "sun", seed_paragraphs(SUN))
    first = dedup_batch(con, ids, S, run_id=1)
    before = links(con), con.execute("SELECT count(*) FROM dedup_keys").fetchone()
    second = dedup_batch(con, ids, S, run_id=2)
    assert first.links_new > 0 and (second.indexed, second.links_new) == (0, 0)
    assert (links(con), con.execute("SELECT count(*) FROM dedup_keys").fetchone()) == before


def test_changed_index_settings_are_refused_until_the_index_is_rebuilt(con):
    ids = add_document(con, "ap", seed_paragraphs(AP)) + add_document(con, "sun", seed_paragraphs(SUN))
    dedup_batch(con, ids, S, run_id=1)
    before = links(con)
    other = replace(S, num_perm=128, bands=32)
    more = add_document(con, "copy", ["Firefighters battled a blaze at a chemical warehouse outside Rotterdam."])
    with pytest.raises(StoreError, match="rebuild"):
        dedup_batch(con, more, other, run_id=2)
    rebuild_index(con, other, run_id=3)
    assert con.execute("SELECT signature_version FROM dedup_index").fetchone()[0] == other.signature_version
    assert set(before) <= set(links(con))


# -- incremental runs and property tests -------------------------------------------------------------------

POOL = seed_paragraphs(AP) + seed_paragraphs(SUN) + [
    "The central bank raised its benchmark interest rate by a quarter of a percentage point to 4.5 percent on Thursday, its ninth increase in a row.",
    "The central bank on Thursday raised its benchmark interest rate by a quarter of a percentage point to 4.5%, its ninth consecutive increase.",
    "Analysts said the central bank raised its benchmark interest rate by a quarter of a percentage point to 4.5 percent on Thursday. Markets had expected a pause.",
]


docs_strategy = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(0, 3).map(lambda h: DAY.replace(hour=h))),
        st.lists(st.integers(0, len(POOL) - 1), min_size=1, max_size=5),
    ),
    min_size=2,
    max_size=6,
)


def ingest(con, docs, batches):
    """Store and dedup ``docs`` batch by batch (ids fixed by each doc's index, as ingestion order would)."""
    for run, batch in enumerate(batches, start=1):
        ids = []
        for n in batch:
            published, paras = docs[n]
            ids += add_document(con, f"doc{n}", [POOL[i] for i in paras], published_at=published,
                                document_id=n + 1, first_paragraph_id=100 * (n + 1))
        dedup_batch(con, ids, S, run_id=run)
    return links(con)


@hsettings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=docs_strategy, data=st.data())
def test_incremental_runs_give_the_same_links_as_one_big_run(tmp_path_factory, docs, data):
    one = open_db(tmp_path_factory.mktemp("one") / "w.duckdb")
    inc = open_db(tmp_path_factory.mktemp("inc") / "w.duckdb")
    cut = sorted(data.draw(st.sets(st.integers(1, len(docs) - 1), max_size=3)))
    batches = [list(range(a, b)) for a, b in zip([0, *cut], [*cut, len(docs)])]
    assert ingest(one, docs, [list(range(len(docs)))]) == ingest(inc, docs, batches)


@hsettings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=docs_strategy, data=st.data())
def test_the_order_of_paragraphs_within_a_batch_does_not_change_the_canonical_copy(tmp_path_factory, docs, data):
    a = open_db(tmp_path_factory.mktemp("a") / "w.duckdb")
    b = open_db(tmp_path_factory.mktemp("b") / "w.duckdb")
    order = data.draw(st.permutations(range(len(docs))))
    assert ingest(a, docs, [list(range(len(docs)))]) == ingest(b, docs, [list(order)])


@hsettings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=docs_strategy)
def test_dedup_twice_equals_dedup_once(tmp_path_factory, docs):
    con = open_db(tmp_path_factory.mktemp("t") / "w.duckdb")
    once = ingest(con, docs, [list(range(len(docs)))])
    ids = [r[0] for r in con.execute("SELECT paragraph_id FROM paragraphs").fetchall()]
    dedup_batch(con, ids, S, run_id=99)
    assert links(con) == once


def _run(con, run_id: int, started_at: datetime) -> None:
    con.execute("INSERT INTO runs (run_id, started_at, status, pipeline_version, inputs) VALUES (?, ?, 'completed', 'test', [])",
                [run_id, started_at])


def test_a_window_matches_a_batch_only_against_paragraphs_of_recent_runs(con):
    from datetime import timedelta

    from wiredesk.store.near_index import DuckDBParagraphIndex
    from wiredesk.dedup import near

    ap, sun = seed_paragraphs(AP), seed_paragraphs(SUN)
    now = datetime(2026, 3, 1, tzinfo=timezone.utc)
    _run(con, 1, now - timedelta(days=40))
    _run(con, 2, now)
    ap_ids = add_document(con, "ap", ap, published_at=DAY, source="AP", run_id=1)
    near.link_near(DuckDBParagraphIndex(con, now - timedelta(days=40)), ap_ids, S, 1)
    sun_ids = add_document(con, "sun", sun, published_at=DAY, source="The Sun", run_id=2)
    windowed = replace(S, window_days=30)
    con.execute("BEGIN TRANSACTION")
    near.link_near(DuckDBParagraphIndex(con, now), sun_ids, windowed, 2)
    inside = {(p, q) for p, q, _, _ in links(con) if p in sun_ids}
    con.execute("ROLLBACK")
    # AP's run started 40 days ago: outside a 30-day window, so The Sun links only within itself ...
    assert inside and all(q in sun_ids for _, q in inside)
    # ... and to AP with a 60-day window, as without one
    for settings in (replace(S, window_days=60), S):
        con.execute("BEGIN TRANSACTION")
        near.link_near(DuckDBParagraphIndex(con, now), sun_ids, settings, 2)
        assert any(q in ap_ids for p, q, _, _ in links(con) if p in sun_ids)
        con.execute("ROLLBACK")


def test_a_negative_window_is_a_configuration_error():
    from wiredesk.domain.errors import ConfigError

    with pytest.raises(ConfigError, match="window_days"):
        DedupSettings(window_days=-1)


def test_the_window_looks_up_each_runs_lowest_indexed_paragraph(con):
    from wiredesk.store.near_index import window_start

    ap, sun = seed_paragraphs(AP), seed_paragraphs(SUN)
    now = datetime(2026, 3, 1, tzinfo=timezone.utc)
    _run(con, 1, now.replace(month=1))
    _run(con, 2, now)
    ap_ids = add_document(con, "ap", ap, published_at=DAY, source="AP", run_id=1)
    dedup_batch(con, ap_ids, S, run_id=1)
    sun_ids = add_document(con, "sun", sun, published_at=DAY, source="The Sun", run_id=2)
    dedup_batch(con, sun_ids[5:], S, run_id=2)
    dedup_batch(con, sun_ids[:5], S, run_id=2)  # a later batch of the same run with lower ids
    assert con.execute("SELECT * FROM dedup_runs ORDER BY 1").fetchall() == [(1, ap_ids[0]), (2, sun_ids[0])]
    assert window_start(con, now.replace(month=2)) == sun_ids[0]
    assert window_start(con, now.replace(month=1)) == ap_ids[0]
    assert window_start(con, now.replace(month=4)) is None


def test_the_migration_fills_each_runs_lowest_paragraph_from_an_older_index(tmp_path):
    import duckdb

    from wiredesk.store.migrate import available_migrations, migrate

    version = next(m.version for m in available_migrations() if m.name.endswith("dedup_sketches"))
    db = duckdb.connect(str(tmp_path / "old.duckdb"))
    migrate(db, upto=version - 1)
    db.execute("INSERT INTO dedup_paragraphs VALUES (7, 10, 3, 1), (3, 10, 3, 1), (12, 10, 3, 2), (9, 10, 3, 2)")
    migrate(db)
    assert db.execute("SELECT * FROM dedup_runs ORDER BY 1").fetchall() == [(1, 3), (2, 9)]
    assert db.execute("SELECT count(sketch) FROM dedup_paragraphs").fetchone() == (0,)
    db.close()
