"""The Prefect flow under Prefect's test harness: each stage is a task run, the summary comes back."""

import duckdb

from prefect import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

from wiredesk_flows.ingest import ingest_flow


def test_flow_runs_each_stage_as_a_task_and_returns_the_summary(prefect_harness, seeds, db):
    summary = ingest_flow(paths=[str(seeds)], db=db)
    assert summary.status == "completed" and summary.counts.documents_new == 2
    (flow_run_id,) = duckdb.connect(db, read_only=True).execute("SELECT flow_run_id FROM runs").fetchone()
    with get_client(sync_client=True) as client:
        task_runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
        flow_run = client.read_flow_run(flow_run_id)
    names = sorted({t.name.rsplit("-", 1)[0] for t in task_runs})
    assert names == sorted(["discover-inputs", "start-run", "load-batch", "plan-batch", "clean-batch", "extract-events-batch",
                            "story-features-batch", "store-batch", "refresh-search", "finish-run"])
    assert all(t.state.is_completed() for t in task_runs)
    assert flow_run.name and flow_run.parameters["db"] == db


def test_flow_rerun_is_idempotent(prefect_harness, seeds, db):
    ingest_flow(paths=[str(seeds)], db=db)
    again = ingest_flow(paths=[str(seeds)], db=db)
    assert (again.counts.documents_new, again.counts.items_unchanged) == (0, 2)


def test_flow_with_bad_config_fails_with_the_config_error(prefect_harness, tmp_path, db):
    import pytest

    from wiredesk.domain.errors import ConfigError

    cfg = tmp_path / "c.toml"
    cfg.write_text("[dedup]\nroles = ['body', 'sidebar']\n")
    with pytest.raises(ConfigError, match="unknown role"):
        ingest_flow(db=db, config=str(cfg))
