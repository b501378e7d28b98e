"""Prefect deployments of the ingestion flow, one per source group, from ``wiredesk.ops.deployments`` specs.

Thin on purpose: which groups, schedules and parameters is decided by ``wiredesk.ops.deployments``
(pure, tested without Prefect); this module only turns each spec into Prefect's ``RunnerDeployment``
(``flow.to_deployment``) and serves them (``prefect.serve``: a long-lived process that polls the
Prefect API for scheduled runs of its deployments and runs each in a subprocess).
"""

from __future__ import annotations

from datetime import timedelta

from prefect.client.schemas.schedules import CronSchedule, IntervalSchedule

from wiredesk.ops.deployments import DeploymentSpec
from wiredesk_flows.ingest import ingest_flow


def to_runner_deployment(spec: DeploymentSpec, flow_timeout_seconds: float):
    """One spec as a Prefect ``RunnerDeployment`` (not yet registered with the API)."""
    sched = spec.schedule
    if sched.cron:
        schedule = CronSchedule(cron=sched.cron, timezone=spec.timezone)
    else:
        schedule = IntervalSchedule(interval=sched.interval or timedelta(minutes=15), timezone=spec.timezone)
    flow = ingest_flow.with_options(timeout_seconds=flow_timeout_seconds)
    return flow.to_deployment(
        name=spec.name,
        schedule=schedule,
        parameters=spec.parameters,
        tags=list(spec.tags),
        description=spec.description,
        # one run per group at a time: a slow run is not stacked on by the next tick (the run lock
        # also keeps different groups from writing the same database at once)
        concurrency_limit=1,
    )


def serve_deployments(specs: list[DeploymentSpec], flow_timeout_seconds: float, limit: int | None = None) -> None:
    """Register the deployments and run their scheduled runs until interrupted (blocks)."""
    from prefect import serve

    serve(*(to_runner_deployment(s, flow_timeout_seconds) for s in specs), limit=limit)
