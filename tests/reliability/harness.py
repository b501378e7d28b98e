"""Runs real ``wiredesk run --no-prefect`` processes over the workload and breaks them: SIGKILL at a
named checkpoint (``wiredesk.ops.faults``) or after a random delay, an exception injected at a checkpoint,
or a file-size limit that makes every write past it fail (a full disk). Then it runs again to
completion and checks the database (``invariants``) after every step.

Each cycle works in its own folder with its own database; the workload's files and feed server are
shared, so document keys and origins are the same in every cycle and in the clean reference run.
"""

from __future__ import annotations

import os
import random
import resource
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .invariants import check_database, diff_snapshots, snapshot
from .workload import Workload, write_config

#: How long one run may take before the harness calls it hung (a run of the workload takes ~4 s).
RUN_TIMEOUT = 180


@dataclass(frozen=True)
class Fault:
    """One way to break a run: ``kind`` is ``kill`` or ``raise`` at ``point``/``hit``, ``time`` (SIGKILL
    after ``delay`` seconds), or ``disk`` (writes beyond ``fsize`` bytes fail with EFBIG)."""

    kind: str
    point: str = ""
    hit: int = 1
    delay: float = 0.0
    fsize: int = 0

    def __str__(self) -> str:
        if self.kind == "time":
            return f"kill after {self.delay:.2f}s"
        if self.kind == "disk":
            return f"full disk at {self.fsize} bytes"
        return f"{self.kind} at {self.point}#{self.hit}"


@dataclass
class RunResult:
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def killed(self) -> bool:
        return self.returncode == -signal.SIGKILL


def _limit_file_size(limit: int):
    def apply() -> None:
        # EFBIG instead of SIGXFSZ's default (kill): a write past the limit fails like one on a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def run_wiredesk(workdir: Path, config: Path, paths: list[str], fault: Fault | None = None,
                 trace: Path | None = None, prefect_api: str | None = None) -> RunResult:
    """One ``wiredesk run --no-prefect`` subprocess in ``workdir``, broken by ``fault`` if given; with
    ``prefect_api`` (a Prefect server's API URL) the run goes through the Prefect flow on that server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREDESK_FAULT")}
    env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    if prefect_api:
        env["PREFECT_API_URL"] = prefect_api
    if fault is not None and fault.kind in ("kill", "raise"):
        env["WIREDESK_FAULT"] = f"{fault.point}:{fault.hit}:{fault.kind}"
    if trace is not None:
        env["WIREDESK_FAULT_TRACE"] = str(trace)
    cmd = [sys.executable, "-m", "wiredesk.cli", "run", *([] if prefect_api else ["--no-prefect"]),
           "--config", str(Path(config).resolve()), *paths]
    preexec = _limit_file_size(fault.fsize) if fault is not None and fault.kind == "disk" else None
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=preexec)
    try:
        if fault is not None and fault.kind == "time":
            try:
                out, err = proc.communicate(timeout=fault.delay)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                out, err = proc.communicate(timeout=RUN_TIMEOUT)
        else:
            out, err = proc.communicate(timeout=RUN_TIMEOUT)
    finally:
        if proc.poll() is None:  # hung or the harness failed: do not leave the child behind
            proc.kill()
            proc.wait()
        try:  # nor anything it started (its own session): a killed run cannot stop its children itself
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    return RunResult(proc.returncode, out, err, time.perf_counter() - started)


@dataclass
class Cycle:
    """What one cycle did: the faults (with the exit status each broken run had), violations, time."""

    faults: list[tuple[Fault, int]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class Reference:
    """A clean run of the workload: its snapshot, its documents and how often it reached each checkpoint."""

    db: Path
    snapshot: dict
    doc_keys: tuple[str, ...]
    hits: Counter
    seconds: float


def reference_run(root: Path, workload: Workload, *, update: bool = False) -> Reference:
    """The clean run of the workload at its version 1; ``update``: a clean run of version 1 then the
    reference run of version 2 on the same database (new versions of known documents)."""
    root.mkdir(parents=True, exist_ok=True)
    db, trace = root / "wiredesk.duckdb", root / "trace.txt"
    config = write_config(root / "wiredesk.toml", db)
    workload.set_version(1)
    if update:
        first = run_wiredesk(root, config, workload.paths)
        if first.returncode != 0:
            raise AssertionError(f"the clean first run failed ({first.returncode}): {first.stderr[-2000:]}")
        workload.set_version(2)
    result = run_wiredesk(root, config, workload.paths, trace=trace)
    workload.set_version(1)
    if result.returncode != 0:
        raise AssertionError(f"the clean reference run failed ({result.returncode}): {result.stderr[-2000:]}")
    snap = snapshot(db)
    keys = tuple(sorted({row[0] for row in snap["documents"]}))
    hits = Counter(trace.read_text(encoding="utf-8").split())
    return Reference(db, snap, keys, hits, result.seconds)


def expected_exit(fault: Fault, result: RunResult, *, after_fault: bool = False) -> str | None:
    """Why ``result`` is not how a run broken by ``fault`` must end (None: it ended as it must).
    ``after_fault``: an earlier broken run stored part of the work, so this run may complete before it
    reaches the checkpoint (then it must complete)."""
    if fault.kind in ("kill", "time"):
        # a random-time kill may land after the run finished: then it must have completed
        if result.killed or (result.returncode == 0 and (fault.kind == "time" or after_fault)):
            return None
        return f"{fault}: expected SIGKILL, exit {result.returncode}: {result.stderr[-500:]}"
    if fault.kind == "disk":
        # a limit above what the run writes lets it complete; else one error line, exit 2, no traceback
        if result.returncode == 0 or (result.returncode == 2 and "Traceback" not in result.stderr
                                      and result.stderr.strip().splitlines()[-1].startswith("wiredesk: error:")):
            return None
        return f"{fault}: expected exit 2 with one error line (or 0), got {result.returncode}: {result.stderr[-800:]}"
    if result.returncode <= 0:
        return f"{fault}: expected a failing exit status, got {result.returncode}"
    return None


def crash_cycle(workdir: Path, workload: Workload, reference: Reference, faults: list[Fault],
                prefect_api: str | None = None, update: bool = False) -> Cycle:
    """Break a run with each of ``faults`` in turn on one database, then run to completion; check the
    database after each step and compare the final one with the reference. ``prefect_api``: the broken
    runs go through the Prefect flow on that server (the rerun too). ``update``: first a clean run of
    the workload's version 1, then the faults and the rerun on version 2 (reference made the same way)."""
    started = time.perf_counter()
    workdir.mkdir(parents=True)
    db = workdir / "wiredesk.duckdb"
    config = write_config(workdir / "wiredesk.toml", db)
    cycle = Cycle()
    workload.set_version(1)
    if update:
        first = run_wiredesk(workdir, config, workload.paths, prefect_api=prefect_api)
        if first.returncode != 0:
            cycle.violations.append(f"the clean first run failed ({first.returncode}): {first.stderr[-1000:]}")
        workload.set_version(2)
    for n, fault in enumerate(faults):
        result = run_wiredesk(workdir, config, workload.paths, fault, prefect_api=prefect_api)
        cycle.faults.append((fault, result.returncode))
        problem = expected_exit(fault, result, after_fault=n > 0)
        if problem:
            cycle.violations.append(problem)
        cycle.violations += [f"after {fault}: {v}" for v in check_database(
            db, feed_url=workload.feed_url, feed_doc_keys=workload.feed_doc_keys)]
    final = run_wiredesk(workdir, config, workload.paths, prefect_api=prefect_api)
    if final.returncode != 0:
        cycle.violations.append(f"the rerun after {faults} failed ({final.returncode}): {final.stderr[-1000:]}")
    cycle.violations += [f"after the rerun: {v}" for v in check_database(
        db, feed_url=workload.feed_url, feed_doc_keys=workload.feed_doc_keys,
        expected_doc_keys=reference.doc_keys, finished=True)]
    if final.returncode == 0:
        cycle.violations += diff_snapshots(reference.snapshot, snapshot(db))
    workload.set_version(1)
    cycle.seconds = time.perf_counter() - started
    return cycle


def checkpoint_faults(reference: Reference, kind: str = "kill", *, every_hit: bool = True) -> list[Fault]:
    """A fault for every (checkpoint, hit) the clean run reached: every point of every batch; with
    ``every_hit=False`` only the first, middle and last hit of each point (the first batch, one with
    committed batches before it, the last one)."""
    from wiredesk.ops.faults import POINTS

    out = []
    for point in POINTS:
        n = reference.hits[point]
        hits = range(1, n + 1) if every_hit else sorted({1, (n + 1) // 2, n})
        out += [Fault(kind, point, hit) for hit in hits if hit >= 1]
    return out


def sample_faults(faults: list[Fault], points: tuple[str, ...], seed: int) -> list[Fault]:
    """One fault at each of ``points``, at a hit (batch) chosen with a seeded RNG."""
    rng = random.Random(seed)
    return [rng.choice([f for f in faults if f.point == point]) for point in points]


def timed_faults(reference: Reference, n: int, seed: int) -> list[Fault]:
    """``n`` SIGKILLs at seeded random times over the length of a clean run (process start included)."""
    rng = random.Random(seed)
    return [Fault("time", delay=round(rng.uniform(0.3, reference.seconds * 1.1), 2)) for _ in range(n)]
