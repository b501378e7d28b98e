"""The task runner a run's CPU-heavy stages use, chosen by ``[runner]`` in the settings.

Thin on purpose: it builds a Prefect task runner from settings and adapts it to the ``StageRunner`` seam of
``wiredesk.pipeline.scaleout`` (``submit(fn, *args)`` → a future), so ``wiredesk.pipeline.ingest`` stays free of Prefect.
Each submitted stage runs as a Prefect task on that runner: with ``kind = "dask"``, on Dask worker
processes, visible in the Prefect UI like every other stage. See docs/scaling.md.
"""

from __future__ import annotations

import contextlib
import inspect
import os
from collections.abc import Callable, Iterator
from typing import Any

from wiredesk.domain.errors import ConfigError
from wiredesk.domain.settings import RunnerSettings


class TaskRunnerStages:
    """``StageRunner`` over a started Prefect task runner: ``submit(fn, *args)`` submits ``fn``'s task."""

    def __init__(self, task_runner, task_for: Callable[[Callable], Any]):
        self.task_runner = task_runner
        self.task_for = task_for

    def submit(self, fn: Callable[..., Any], /, *args: Any):
        parameters = dict(inspect.signature(fn).bind(*args).arguments)
        return self.task_runner.submit(self.task_for(fn), parameters=parameters)


def dask_task_runner(settings: RunnerSettings):
    """A ``DaskTaskRunner`` for ``settings``: connect to ``address``, or start a local cluster of
    ``workers`` single-threaded processes (cleaning and spaCy hold the GIL: threads would not help)."""
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError as exc:
        raise ConfigError("runner.kind = \"dask\" needs prefect-dask: pip install 'wiredesk[dask]'") from exc
    if settings.address:
        return DaskTaskRunner(address=settings.address)
    return DaskTaskRunner(cluster_kwargs={
        "n_workers": settings.workers or (os.cpu_count() or 1),
        "threads_per_worker": 1,
        "processes": True,
        # loopback and free ports only: the scheduler always serves HTTP (health, metrics; the dashboard
        # too when bokeh is installed), by default on the fixed port 8787
        "host": "127.0.0.1",
        "scheduler_port": 0,
        "dashboard_address": "127.0.0.1:0",
    })


@contextlib.contextmanager
def stage_runner(settings: RunnerSettings, task_for: Callable[[Callable], Any]) -> Iterator[tuple[Any, int]]:
    """``(StageRunner or None, workers)`` for the run; the cluster, if one is started, lives as long as
    the ``with`` block. ``None`` for ``kind = "default"``: the flow's own process does the work."""
    if settings.kind != "dask":
        yield None, 1
        return
    with dask_task_runner(settings) as task_runner:
        workers = len(task_runner.client.scheduler_info(n_workers=-1)["workers"]) if settings.address else (
            settings.workers or (os.cpu_count() or 1))
        yield TaskRunnerStages(task_runner, task_for), max(1, workers)
