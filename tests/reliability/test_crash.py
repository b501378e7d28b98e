"""Crash consistency: real ``wiredesk run`` processes killed with SIGKILL at every stage, then run again.

The default suite kills once in each stage and once at a random time; ``pytest -m slow`` kills at the
first, middle and last hit of every checkpoint (every hit with ``WIREDESK_RELIABILITY_ALL=1``), twice in
a row before a rerun, and at thirty random times; the same over a second run that brings new versions
of known documents (superseded paragraphs, links and events).
Figures: docs/reliability.md.
"""

from __future__ import annotations

import os

import pytest

from wiredesk.ops.faults import POINTS

from .harness import Fault, checkpoint_faults, crash_cycle, sample_faults, timed_faults
from .invariants import check_database

SEED = 20261121
#: the default suite's kill points: one per stage (each cycle costs two runs, ~14 s on a loaded machine)
CI_POINTS = ("files:loaded", "clean:item", "events:done", "store:near", "store:stories", "store:committed",
             "feeds:collected")


def test_a_clean_run_of_the_workload_satisfies_every_invariant_and_reaches_every_checkpoint(workload, reference):
    assert check_database(reference.db, feed_url=workload.feed_url, feed_doc_keys=workload.feed_doc_keys,
                          expected_doc_keys=reference.doc_keys, finished=True) == []
    assert {p for p in POINTS if reference.hits[p] == 0} == set()
    assert reference.hits["store:committed"] >= 5  # several batches: kills land between commits
    snap = reference.snapshot
    assert snap["duplicates"] and snap["events"] and snap["feed entries"] and snap["event mentions"]


def test_runs_killed_at_a_checkpoint_of_each_stage_rerun_to_the_same_database_as_a_clean_run(
        tmp_path, workload, reference, reliability_log):
    faults = sample_faults(checkpoint_faults(reference), CI_POINTS, SEED)
    report = []
    for i, fault in enumerate(faults):
        cycle = crash_cycle(tmp_path / f"c{i}", workload, reference, [fault])
        reliability_log("kill at checkpoint (CI sample)", cycle)
        report += cycle.violations
    assert report == []


def test_runs_killed_at_random_times_rerun_to_the_same_database_as_a_clean_run(tmp_path, workload, reference,
                                                                              reliability_log):
    report = []
    for i, fault in enumerate(timed_faults(reference, 1, SEED)):
        cycle = crash_cycle(tmp_path / f"t{i}", workload, reference, [fault])
        reliability_log("kill at a random time (CI sample)", cycle)
        report += cycle.violations
    assert report == []


@pytest.mark.slow
def test_every_checkpoint_of_every_batch_killed_then_rerun_leaves_no_violation(tmp_path, workload, reference,
                                                                              reliability_log):
    # first, middle and last hit of every checkpoint; WIREDESK_RELIABILITY_ALL=1: every hit (all batches)
    faults = checkpoint_faults(reference, every_hit=bool(os.environ.get("WIREDESK_RELIABILITY_ALL")))
    assert len(faults) >= 30
    report = []
    for i, fault in enumerate(faults):
        cycle = crash_cycle(tmp_path / f"k{i}", workload, reference, [fault])
        reliability_log("kill at checkpoint", cycle)
        report += cycle.violations
    assert report == []


@pytest.mark.slow
def test_two_kills_in_a_row_then_a_rerun_leave_no_violation(tmp_path, workload, reference, reliability_log):
    import random

    rng = random.Random(SEED)
    faults = checkpoint_faults(reference)
    report = []
    for i in range(10):
        pair = [rng.choice(faults), rng.choice(faults)]
        cycle = crash_cycle(tmp_path / f"d{i}", workload, reference, pair)
        reliability_log("two kills then rerun", cycle)
        report += cycle.violations
    assert report == []


@pytest.mark.slow
def test_runs_killed_at_thirty_random_times_leave_no_violation(tmp_path, workload, reference, reliability_log):
    report = []
    for i, fault in enumerate(timed_faults(reference, 30, SEED + 1)):
        cycle = crash_cycle(tmp_path / f"r{i}", workload, reference, [fault])
        reliability_log("kill at a random time", cycle)
        report += cycle.violations
    assert report == []


@pytest.mark.slow
def test_runs_through_the_prefect_flow_killed_at_checkpoints_rerun_to_the_same_database(
        tmp_path, workload, reference, prefect_harness, reliability_log):
    from prefect.settings import PREFECT_API_URL

    api = PREFECT_API_URL.value()  # the session's test server: the flow's task runs are really recorded
    assert api
    faults = sample_faults(checkpoint_faults(reference), ("clean:item", "store:near", "store:feeds"), SEED)
    report = []
    for i, fault in enumerate(faults):
        cycle = crash_cycle(tmp_path / f"p{i}", workload, reference, [fault], prefect_api=api)
        reliability_log("kill at checkpoint (Prefect flow)", cycle)
        report += cycle.violations
    assert report == []


#: the default suite's kill points for runs that bring new versions of known documents
CI_UPDATE_POINTS = ("store:exact", "store:events")


def test_a_clean_run_bringing_new_versions_leaves_no_mention_pointing_to_a_deleted_event(workload, update_reference):
    # regression: regrouping after a superseded version skipped the other mentions of an undated document
    # that was only partly loaded, leaving them with the id of an event it had just deleted
    workload.set_version(2)
    try:
        assert check_database(update_reference.db, feed_url=workload.feed_url, feed_doc_keys=workload.feed_doc_keys,
                              expected_doc_keys=update_reference.doc_keys, finished=True) == []
    finally:
        workload.set_version(1)


def test_a_run_bringing_new_versions_killed_while_relinking_reruns_to_the_same_database_as_a_clean_run(
        tmp_path, workload, update_reference, reliability_log):
    ref = update_reference
    assert {r[0] for r in ref.snapshot["documents"] if r[1] == 2}  # the reference really has new versions
    report = []
    for i, fault in enumerate(sample_faults(checkpoint_faults(ref), CI_UPDATE_POINTS, SEED)):
        cycle = crash_cycle(tmp_path / f"u{i}", workload, ref, [fault], update=True)
        reliability_log("kill during a run of new versions (CI sample)", cycle)
        report += cycle.violations
    assert report == []


@pytest.mark.slow
def test_runs_bringing_new_versions_killed_at_every_checkpoint_leave_no_violation(
        tmp_path, workload, update_reference, reliability_log):
    ref = update_reference
    if os.environ.get("WIREDESK_RELIABILITY_ALL"):
        faults = checkpoint_faults(ref)
    else:  # the middle hit of every checkpoint: a batch with new versions committed before it
        faults = [Fault("kill", point, (ref.hits[point] + 1) // 2) for point in POINTS]
    report = []
    for i, fault in enumerate(faults):
        cycle = crash_cycle(tmp_path / f"v{i}", workload, ref, [fault], update=True)
        reliability_log("kill during a run of new versions", cycle)
        report += cycle.violations
    assert report == []
