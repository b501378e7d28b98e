"""Scale-out: the CPU-heavy stages on a Dask cluster of worker processes store the same database.

The key behaviour: whichever runner does the cleaning and event extraction, and however a batch is cut
into chunks and how many batches are in flight, the single writer stores the same rows. Every test
compares the tables users query (documents, paragraphs, duplicates, events, entities, failures, state)
between a run on the default runner and a scaled-out run.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import duckdb
import pytest

from wiredesk.domain.errors import ConfigError
from wiredesk.pipeline.ingest import run_ingest
from wiredesk.pipeline.scaleout import InlineRunner, split_items
from wiredesk.domain.settings import EventsSettings, IngestSettings, Settings, replace, settings_from_dict

from conftest import DATA, corpus_dir

#: tables compared between runners; columns that name a run or a wall-clock time are left out
_TABLES = ("documents", "paragraphs", "duplicates", "event_mention_rows", "event_rows", "entity_rows",
           "entity_mention_rows", "failures", "item_state", "raw_pages")
_VOLATILE = {"run_id", "ingested_at", "stored_at", "failed_at", "first_failed_at", "retry_at", "last_seen_run",
             "last_changed_run"}


def snapshot(db: str) -> dict[str, list[tuple]]:
    con = duckdb.connect(db, read_only=True)
    try:
        out = {}
        for table in _TABLES:
            cols = [c for (c,) in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                [table]).fetchall() if c not in _VOLATILE]
            out[table] = sorted(con.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall(), key=repr)
        return out
    finally:
        con.close()


@pytest.fixture
def mixed_inputs(seeds, tmp_path) -> Path:
    """Seeds (text), an HTML page and a rewrite of it on another site: exact and near copies across batches."""
    html = (DATA / "article.html").read_text(encoding="utf-8")
    shutil.copy(DATA / "article.html", seeds / "a-herald.html")
    copy = (html.replace("coastal-herald.example", "bay-times.example").replace("Coastal Herald", "Bay Times")
            .replace("About 200 residents", "Some 200 local residents"))
    (seeds / "b-times.html").write_text(copy, encoding="utf-8")
    (seeds / "c-broken.json").write_text("{not json", encoding="utf-8")  # a failure travels with its batch
    return seeds


def _settings(db: str, **ingest) -> Settings:
    return replace(Settings(), db_path=db, ingest=IngestSettings(**{"workers": 1, **ingest}),
                   events=EventsSettings(workers=1))


def test_scaled_out_path_stores_the_same_rows_as_the_in_process_path(mixed_inputs, tmp_path):
    plain, scaled = str(tmp_path / "plain.duckdb"), str(tmp_path / "scaled.duckdb")
    run_ingest([str(mixed_inputs)], _settings(plain, batch_size=2))
    summary = run_ingest([str(mixed_inputs)], _settings(scaled, batch_size=2), runner=InlineRunner(), runner_workers=2)
    assert summary.status == "completed" and summary.counts.documents_new == 4 and summary.counts.items_failed == 1
    a, b = snapshot(plain), snapshot(scaled)
    assert a["duplicates"] and a["event_rows"]  # the comparison covers links and events, not empty tables
    assert a == b


def test_scaled_out_rerun_stores_nothing_new(mixed_inputs, tmp_path):
    db = str(tmp_path / "scaled.duckdb")
    run_ingest([str(mixed_inputs)], _settings(db, batch_size=2), runner=InlineRunner(), runner_workers=2)
    again = run_ingest([str(mixed_inputs)], _settings(db, batch_size=2), runner=InlineRunner(), runner_workers=2)
    assert (again.counts.documents_new, again.counts.items_unchanged) == (0, 4)


def test_a_batch_is_cut_into_contiguous_chunks_in_order():
    items = list(range(7))
    assert split_items(items, 2) == [(0, 1, 2, 3), (4, 5, 6)]
    assert split_items(items, 10) == [(i,) for i in items]
    assert split_items([], 3) == []


@pytest.mark.parametrize("toml, message", [
    ({"kind": "ray"}, "'runner.kind' must be default or dask"),
    ({"address": "tcp://127.0.0.1:8786"}, "'runner.address' needs runner.kind"),
    ({"kind": "dask", "address": "127.0.0.1:8786"}, "'runner.address' must be a Dask scheduler address"),
    ({"kind": "dask", "workers": -1}, "'runner.workers' must be 0"),
])
def test_bad_runner_settings_are_refused_naming_the_key(toml, message):
    with pytest.raises(ConfigError, match=message):
        settings_from_dict({"runner": toml})


def _flow_run(paths, db, config):
    from wiredesk_flows.ingest import ingest_flow

    return ingest_flow(paths=[str(p) for p in paths], db=db, config=str(config))


def _task_names(db: str) -> list[str]:
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    (flow_run_id,) = duckdb.connect(db, read_only=True).execute("SELECT flow_run_id FROM runs").fetchone()
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    assert all(t.state.is_completed() for t in runs)
    return [t.name.rsplit("-", 1)[0] for t in runs]


def test_flow_on_a_local_dask_cluster_of_two_processes_stores_the_same_database(prefect_harness, mixed_inputs, tmp_path):
    base = "[ingest]\nbatch_size = 2\nworkers = 1\n[events]\nworkers = 1\n"
    (tmp_path / "default.toml").write_text(base)
    (tmp_path / "dask.toml").write_text(base + '[runner]\nkind = "dask"\nworkers = 2\n')
    plain, scaled = str(tmp_path / "plain.duckdb"), str(tmp_path / "dask.duckdb")
    _flow_run([mixed_inputs], plain, tmp_path / "default.toml")
    summary = _flow_run([mixed_inputs], scaled, tmp_path / "dask.toml")
    assert summary.status == "completed" and summary.counts.documents_new == 4
    assert snapshot(plain) == snapshot(scaled)
    names = _task_names(scaled)
    # 3 batches of 2 + 2 + 1 files, whose 2 + 1 + 1 items to clean (the broken JSON fails at loading)
    # are cut into chunks (up to two per worker): cleaning, events and story features ran as Dask tasks,
    # not in the flow
    assert names.count("process-items") == 4
    assert not {"clean-batch", "extract-events-batch", "story-features-batch"} & set(names)
    assert names.count("store-batch") == 3


@pytest.mark.slow
@pytest.mark.corpus
def test_flow_on_dask_stores_the_same_database_for_real_news_pages(prefect_harness, tmp_path):
    html_dir = corpus_dir() / "aeb" / "html"
    if not html_dir.is_dir():
        pytest.skip(f"corpus not found at {html_dir}")
    pages = tmp_path / "pages"
    pages.mkdir()
    for i, src in enumerate(sorted(html_dir.glob("*.html.gz"))[:40]):
        page = gzip.decompress(src.read_bytes())
        (pages / src.name.removesuffix(".gz")).write_bytes(page)
        if i % 4 == 0:  # the same page under a second name, in a later batch: exact copies across batches
            (pages / f"z-copy-{src.name.removesuffix('.gz')}").write_bytes(page)
    base = "[ingest]\nbatch_size = 8\n"
    (tmp_path / "default.toml").write_text(base)
    (tmp_path / "dask.toml").write_text(base + '[runner]\nkind = "dask"\nworkers = 2\n')
    plain, scaled = str(tmp_path / "plain.duckdb"), str(tmp_path / "dask.duckdb")
    _flow_run([pages], plain, tmp_path / "default.toml")
    summary = _flow_run([pages], scaled, tmp_path / "dask.toml")
    assert summary.status == "completed" and summary.counts.documents_new >= 40
    a = snapshot(plain)
    assert len(a["duplicates"]) > 10 and a["event_rows"]
    assert a == snapshot(scaled)


def test_the_runs_own_pool_cleans_and_reads_events_in_its_workers_with_the_same_rows(seeds, tmp_path):
    """ingest.workers = 2: each worker cleans its chunk and reads it for events with the model it keeps, batches
    are cleaned ahead of the one being stored; the database is the one a single process writes."""
    pages = tmp_path / "pages"
    shutil.copytree(seeds, pages)
    html = (DATA / "article.html").read_text(encoding="utf-8")
    for i in range(8):  # enough files for the pool, in several batches
        (pages / f"p{i}.html").write_text(html.replace("48 million", f"{40 + i} million"), encoding="utf-8")
    one, two = str(tmp_path / "one.duckdb"), str(tmp_path / "two.duckdb")
    run_ingest([str(pages)], _settings(one, batch_size=3))
    summary = run_ingest([str(pages)], _settings(two, batch_size=3, workers=2))
    assert summary.status == "completed" and summary.counts.documents_new == 10
    assert summary.cpu_seconds["events"] > 0 and summary.cpu_seconds["clean"] > 0
    assert summary.cpu_seconds["near_tokens"] > 0  # the workers made the near-duplicate token work
    a, b = snapshot(one), snapshot(two)
    assert a["event_rows"] and a["duplicates"]
    assert a == b
