"""One run's lifecycle, the same for every kind of run (ingest, reprocess, dedup-rebuild):

1. take the database's ``RunLock`` (wait up to ``lock_wait`` seconds, else ``RunLockedError`` naming the holder);
2. record the run row as ``running`` (``stages.start_run``; a dry run records nothing and only learns the id
   it would get) and write the run id into the lock file;
3. the work, with a cleaning process pool started on first use and shut down at the end;
4. whatever happens, finish the run row ``completed`` or ``failed`` (with the error), time the run, release
   the lock. An error that stops the run is raised after the batches already committed stay committed.

``RunSummary`` is what an ingest run did; ``Run`` carries the lifecycle's state through the work.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from wiredesk.domain.counts import BatchCounts
from wiredesk.domain.errors import StoreError
from wiredesk.domain.models import Failure
from wiredesk.domain.settings import Settings
from wiredesk.pipeline.stages import finish_run, open_store, start_run
from wiredesk.store import RunLock

log = logging.getLogger("wiredesk")

Stage = Callable[..., Any]
Wrap = Callable[[Stage], Stage]


def identity(fn: Stage) -> Stage:
    """The ``wrap`` of a run without Prefect: each stage runs as the plain function it is."""
    return fn


@dataclass
class RunSummary:
    """What an ingest run did: the numbers ``wiredesk run`` prints and a flow returns."""

    run_id: int
    db_path: str
    inputs: tuple[str, ...]
    status: str = "running"
    counts: BatchCounts = field(default_factory=BatchCounts)
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None
    #: CPU seconds spent cleaning ("clean") and reading events ("events"), in this process or summed over
    #: the workers that did it: where the run's work went (benchmarks), not printed
    cpu_seconds: Counter = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        """A run fails only when it stored nothing and could not ingest anything it was given."""
        c = self.counts
        if self.status != "completed":
            return False
        return not (c.items_failed and not (c.documents_new or c.documents_updated or c.items_unchanged))


def process_pool(workers: int) -> Executor | None:
    """A pool of ``workers`` cleaning processes (None for one worker: clean in this process)."""
    if workers <= 1:
        return None
    # forkserver: forking a process that holds threads (Prefect's client, DuckDB) is not safe
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver"))


class Run:
    """The state of one run while its work goes on: its id, the summary it fills, its cleaning pool."""

    def __init__(self, settings: Settings, summary: Any, wrap: Wrap, lock: RunLock, *, use_pool: bool):
        self.settings = settings
        self.summary = summary
        self.wrap = wrap
        self.lock = lock
        self.run_id: int = -1
        self._use_pool = use_pool
        self._executor: Executor | None = None

    @property
    def executor(self) -> Executor | None:
        """The cleaning pool (``ingest.workers``), started on first use; None when the run cleans in-process."""
        if self._use_pool and self._executor is None:
            self._executor = process_pool(self.settings.clean_workers)
            self._use_pool = self._executor is not None
        return self._executor

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown()
            self._executor = None


@contextmanager
def locked(settings: Settings, command: str, *, lock_wait: float = 0.0) -> Iterator[RunLock]:
    """Step 1: the run lock of ``settings.db_path`` for the whole block."""
    with RunLock(settings.db_path, command, wait=lock_wait) as lock:
        yield lock


@contextmanager
def running(settings: Settings, lock: RunLock, summary: Any, inputs: Sequence[str], *, wrap: Wrap = identity,
            kind: str = "ingest", flow_run_id: str | None = None, code_versions: dict | None = None,
            dry_run: bool = False, use_pool: bool = False, started: float | None = None) -> Iterator[Run]:
    """Steps 2-4 under ``lock``: the run row, the work in the block, the finish. ``summary`` needs ``run_id``,
    ``status``, ``error`` and ``seconds`` attributes; ``started`` (``time.perf_counter()``) when the run
    began before the row was recorded (discovering its inputs)."""
    started = time.perf_counter() if started is None else started
    run = Run(settings, summary, wrap, lock, use_pool=use_pool)
    if dry_run:  # nothing is recorded: the id the run would get, for rows that are rolled back anyway
        with open_store(settings) as store:
            run.run_id = store.next_run_id()
    else:
        run.run_id = wrap(start_run)(settings, inputs, flow_run_id, kind, code_versions)
        lock.note_run(run.run_id)
    summary.run_id = run.run_id
    try:  # from here on the run row exists: whatever happens, it must not stay 'running'
        yield run
        summary.status = "completed"
    except BaseException as exc:  # KeyboardInterrupt too: the run row must not stay 'running'
        summary.status, summary.error = "failed", f"{type(exc).__name__}: {exc}"
        raise
    finally:
        run.shutdown()
        summary.seconds = time.perf_counter() - started
        if not dry_run:
            try:
                wrap(finish_run)(settings, run.run_id, summary.status, summary.error)
            except StoreError as exc:  # e.g. the same full disk: the run's own error already says it, in one line
                (log.debug if summary.status == "failed" else log.warning)(
                    "could not record the end of run %s (%s); the next run marks it abandoned", run.run_id, exc)
            except Exception:  # a bug: the run stays 'running' -> 'abandoned' later
                log.exception("could not record the end of run %s", run.run_id)
