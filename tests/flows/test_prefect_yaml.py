"""flows/prefect.yaml: `prefect deploy` from the clone creates the group deployments on a process work
pool; (slow) a process worker then runs one of them into a real database."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest

from conftest import REPO


def _prefect(args: list[str], timeout: float = 300) -> subprocess.CompletedProcess:
    from prefect.settings import get_current_settings

    env = {**os.environ, "PREFECT_API_URL": get_current_settings().api.url, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    return subprocess.run([sys.executable, "-m", "prefect", "--no-prompt", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def deployed(prefect_harness):
    created = _prefect(["work-pool", "create", "wiredesk", "--type", "process", "--overwrite"])
    assert created.returncode == 0, created.stderr
    done = _prefect(["deploy", "--prefect-file", "flows/prefect.yaml", "--all"])
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_prefect_deploy_from_the_clone_creates_the_group_deployments_on_the_process_pool(deployed):
    from prefect import get_client

    with get_client(sync_client=True) as client:
        everything = client.read_deployment_by_name("wiredesk-ingest/all")
        wire = client.read_deployment_by_name("wiredesk-ingest/group-wire")
        pool = client.read_work_pool("wiredesk")
    assert pool.type == "process"
    assert everything.work_pool_name == wire.work_pool_name == "wiredesk"
    assert everything.entrypoint == wire.entrypoint == "flows/ingest.py:ingest_flow"
    assert [s.schedule.interval for s in everything.schedules] == [timedelta(minutes=15)]
    assert [s.schedule.cron for s in wire.schedules] == ["*/5 * * * *"]
    assert wire.parameters == {"db": "wiredesk.duckdb", "source_tag": "wire", "lock_wait": 600}
    # the worker runs the flow from the clone it was deployed from
    assert everything.pull_steps == [{"prefect.deployments.steps.set_working_directory": {"directory": str(REPO)}}]


@pytest.mark.slow
def test_a_process_worker_runs_a_deployed_flow_into_the_database(deployed, seeds, db):
    import duckdb
    from prefect import get_client
    from prefect.deployments import run_deployment

    flow_run = run_deployment("wiredesk-ingest/all", timeout=0, parameters={"paths": [str(seeds)], "db": db})
    worker = _prefect(["worker", "start", "--pool", "wiredesk", "--run-once"], timeout=600)
    assert worker.returncode == 0, worker.stdout + worker.stderr
    with get_client(sync_client=True) as client:
        assert client.read_flow_run(flow_run.id).state.is_completed()
    con = duckdb.connect(db, read_only=True)
    assert con.execute("SELECT flow_run_id, documents_new FROM runs").fetchall() == [(str(flow_run.id), 2)]
    con.close()
