"""Schedules per source group from [serve] schedules: validated at load naming the key, turned into one
deployment per group, and one deployment really run through Prefect (a runner, as `wiredesk serve` uses)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from wiredesk.cli import main
from wiredesk.ops.deployments import ALL_GROUP, deployment_specs
from wiredesk.domain.errors import ConfigError
from wiredesk.domain.settings import settings_from_dict


def test_each_group_gets_a_deployment_with_its_cron_or_interval_and_parameters():
    settings = settings_from_dict({"serve": {"schedules": ["* = 30m", "wire = */5 * * * *"],
                                             "timezone": "Europe/Berlin", "lock_wait_seconds": 90}})
    specs = deployment_specs(settings, db="/data/news.duckdb", config="/etc/wiredesk.toml")
    by_name = {s.name: s for s in specs}
    assert set(by_name) == {"all", "group-wire"}
    assert by_name["all"].schedule.interval == timedelta(minutes=30) and by_name["all"].schedule.cron is None
    assert by_name["group-wire"].schedule.cron == "*/5 * * * *"
    assert by_name["group-wire"].parameters == {"db": "/data/news.duckdb", "config": "/etc/wiredesk.toml",
                                                "source_tag": "wire", "lock_wait": 90.0}
    assert by_name["all"].parameters["source_tag"] is None
    assert all(s.timezone == "Europe/Berlin" for s in specs)
    assert by_name["all"].schedule.group == ALL_GROUP


@pytest.mark.parametrize("schedules, message", [
    (["wire */5 * * * *"], "setting 'serve.schedules'[0]: expected \"GROUP = SPEC\""),
    (["wire = */5 * * *"], "setting 'serve.schedules'[0] (wire): expected a duration"),
    (["wire = 61 * * * *"], "setting 'serve.schedules'[0]: '61 * * * *' is not a valid cron expression"),
    (["* = 10s"], "shorter than the minimum of 1 minute"),
    (["* = 1h", "* = 2h"], "setting 'serve.schedules'[1]: group '*' is scheduled twice"),
    (["bad tag = 1h"], "group 'bad tag' must be '*' or a source tag"),
])
def test_bad_schedules_stop_at_load_with_one_message_naming_the_key(schedules, message):
    with pytest.raises(ConfigError) as err:
        settings_from_dict({"serve": {"schedules": schedules}})
    assert message in str(err.value)


def test_bad_timezone_and_timeouts_name_the_key():
    with pytest.raises(ConfigError, match="setting 'serve.timezone': unknown time zone 'Mars/Olympus'"):
        settings_from_dict({"serve": {"timezone": "Mars/Olympus"}})
    with pytest.raises(ConfigError, match="setting 'serve.task_timeout_seconds' must be greater than 0"):
        settings_from_dict({"serve": {"task_timeout_seconds": 0}})


def test_serve_list_prints_the_deployments_without_a_server(tmp_path, capsys):
    cfg = tmp_path / "w.toml"
    cfg.write_text('[serve]\nschedules = ["* = 1h", "wire = 0 6 * * 1"]\n')
    assert main(["serve", "--list", "--config", str(cfg), "--db", str(tmp_path / "n.duckdb")]) == 0
    out = capsys.readouterr().out
    assert "wiredesk-ingest/all: every 3600s" in out and "wiredesk-ingest/group-wire: cron '0 6 * * 1'" in out


def test_serve_without_a_prefect_server_is_one_clear_line(tmp_path, capsys, monkeypatch):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: None}):
        assert main(["serve", "--db", str(tmp_path / "n.duckdb")]) == 2
    assert "wiredesk serve needs a Prefect server: run `wiredesk server start`" in capsys.readouterr().err


def test_a_group_deployment_runs_through_a_prefect_runner_with_its_schedule_and_summary_artifact(prefect_harness, seeds, db):
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
    from prefect.deployments import run_deployment
    from prefect.runner import Runner

    from wiredesk_flows.serve import to_runner_deployment

    settings = settings_from_dict({"serve": {"schedules": ["* = 2h"]}})
    (spec,) = deployment_specs(settings, db=db, config=None)
    runner = Runner(name="wiredesk-test", query_seconds=1)
    deployment_id = runner.add_deployment(to_runner_deployment(spec, flow_timeout_seconds=600))
    flow_run = run_deployment(f"wiredesk-ingest/{spec.name}", timeout=0, parameters={"paths": [str(seeds)]})
    asyncio.run(runner.start(run_once=True))  # picks the run up and runs it in a subprocess, as serve does
    with get_client(sync_client=True) as client:
        done = client.read_flow_run(flow_run.id)
        deployment = client.read_deployment(deployment_id)
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run.id])))
    assert done.state.is_completed(), done.state
    assert done.parameters["db"] == db and done.parameters["lock_wait"] == 600.0
    assert [s.schedule.interval for s in deployment.schedules] == [timedelta(hours=2)]
    assert deployment.global_concurrency_limit.limit == 1  # one run of a group at a time
    (artifact,) = [a for a in artifacts if a.key == "wiredesk-run-summary"]
    assert "| documents new | 2 |" in artifact.data and "| duplicate links new | 3 |" in artifact.data
    # and the small report of what the run added: its outlets, the events it wrote, the copies between outlets
    assert "## What run 1 added" in artifact.data and "| The Sun | 1 | 0 |" in artifact.data
    assert "| PROTEST | Iraqi Shiite militiamen | U.S. Embassy compound | Baghdad, IRQ | 2019-12-31 | 2 |" in artifact.data
    assert "| Associated Press (via Yahoo News) | The Sun | 1 |" in artifact.data
    import duckdb

    con = duckdb.connect(db, read_only=True)
    assert con.execute("SELECT flow_run_id, status FROM runs").fetchall() == [(str(flow_run.id), "completed")]
    con.close()


def test_every_serve_and_http_setting_is_documented_and_in_the_example_config():
    from conftest import REPO
    from wiredesk.domain.settings import Settings

    doc = (REPO / "docs" / "configuration.md").read_text()
    example = (REPO / "config" / "wiredesk.example.toml").read_text()
    for section in ("serve", "http"):
        for key in vars(getattr(Settings(), section)):
            assert f"`{section}.{key}`" in doc, f"docs/configuration.md does not describe {section}.{key}"
            assert f"\n{key} = " in example, f"config/wiredesk.example.toml lacks {section}.{key}"
