"""Fixtures of the reliability tests: the workload (files and a feed on 127.0.0.1) and one clean
reference run of it, made once per session and shared by every crash cycle."""

from __future__ import annotations

import json
import os
import time

import pytest

from .harness import reference_run
from .workload import build_workload


@pytest.fixture(scope="session")
def workload(tmp_path_factory):
    w = build_workload(tmp_path_factory.mktemp("workload"))
    try:
        yield w
    finally:
        w.server.close()


@pytest.fixture(scope="session")
def reference(tmp_path_factory, workload):
    return reference_run(tmp_path_factory.mktemp("reference"), workload)


@pytest.fixture(scope="session")
def update_reference(tmp_path_factory, workload):
    """A clean run of the workload's version 1, then of version 2 (new versions of known documents)."""
    return reference_run(tmp_path_factory.mktemp("update-reference"), workload, update=True)


@pytest.fixture(scope="session")
def reliability_log():
    """``log(family, cycle)``: records each cycle; with ``WIREDESK_RELIABILITY_REPORT=FILE`` the figures
    (cycles, faults, violations, seconds per family) are appended to FILE as JSON lines at the end."""
    families: dict[str, dict] = {}

    def log(family: str, cycle) -> None:
        f = families.setdefault(family, {"family": family, "cycles": 0, "faults": 0, "violations": 0,
                                         "seconds": 0.0, "points": set()})
        f["cycles"] += 1
        f["faults"] += len(cycle.faults)
        f["violations"] += len(cycle.violations)
        f["seconds"] += cycle.seconds
        f["points"].update(str(fault) for fault, _ in cycle.faults)

    yield log
    path = os.environ.get("WIREDESK_RELIABILITY_REPORT")
    if path and families:
        with open(path, "a", encoding="utf-8") as out:
            for f in families.values():
                row = dict(f, points=len(f["points"]), seconds=round(f["seconds"], 1), at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
                out.write(json.dumps(row) + "\n")
