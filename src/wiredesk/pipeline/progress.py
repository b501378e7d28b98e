"""How far a run has got, told as it goes: the stage it is in (``report_stage``: cleaning 83 of 181 items) and
the items stored so far with their counts (``report_stored``, after each batch's commit).

Both go to the ``wiredesk.progress`` logger as records that carry a ``StageProgress`` or ``RunProgress`` in
the attribute ``wiredesk_progress``: logging is the one channel that reaches the command line from a stage
run directly, from a stage run as a Prefect task, and from the Prefect flow's own process, without a
callback being passed through Prefect's parameters. Stage records are DEBUG (one per item: nobody's log
fills with them unless asked), stored records INFO (one per batch, as the line a run has always printed).
``wiredesk.cli.live`` turns them into the live display or periodic lines.

What it is not: a decision, or a place that prints. Nothing here knows about terminals.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from wiredesk.domain.counts import BatchCounts

PROGRESS_LOGGER = "wiredesk.progress"
#: The record attribute that carries the progress value.
ATTRIBUTE = "wiredesk_progress"

log = logging.getLogger(PROGRESS_LOGGER)

#: Stage -> what a person reads while it runs.
STAGES = {
    "prefect": "starting Prefect",
    "discover": "finding files",
    "load": "reading files",
    "plan": "planning",
    "clean": "cleaning",
    "clean_events": "cleaning and reading events",  # both in the pool's workers, item by item
    "events": "extracting events",
    "store": "storing",
    "sources": "choosing sources",
    "feeds": "fetching feeds",
    "articles": "fetching articles",
    "index": "indexing for search",
}


@dataclass(frozen=True)
class StageProgress:
    """The run is in ``stage`` and has done ``done`` of ``total`` ``unit`` of it (None: not known)."""

    stage: str
    done: int
    total: int | None
    unit: str = "items"

    @property
    def label(self) -> str:
        return STAGES.get(self.stage, self.stage)


@dataclass(frozen=True)
class RunProgress:
    """``done`` of the run's ``total`` inputs are stored (None: not known yet, e.g. feeds), with what storing
    them did (``counts``, as a line)."""

    done: int
    total: int | None
    counts: str


def counts_line(counts: BatchCounts) -> str:
    return (f"{counts.documents_new} new, {counts.documents_updated} updated, {counts.items_unchanged} unchanged, "
            f"{counts.items_failed} failed")


def progress_line(done: int, total: int | None, counts: BatchCounts) -> str:
    """The line of a stored batch: ``2/2 items: 2 new, 0 updated, 0 unchanged, 0 failed``."""
    return f"{done}/{total if total is not None else '?'} items: {counts_line(counts)}"


def report_stage(stage: str, done: int, total: int | None, unit: str = "items") -> None:
    """The run is in ``stage``, ``done`` of ``total`` ``unit`` through it (cheap when nobody listens)."""
    if log.isEnabledFor(logging.DEBUG):
        event = StageProgress(stage, done, total, unit)
        log.debug("%s %d/%s %s", event.label, done, "?" if total is None else total, unit,
                  extra={ATTRIBUTE: event})


def report_stored(done: int, total: int | None, counts: BatchCounts) -> None:
    """A batch is committed: ``done`` of ``total`` inputs are stored, the run's counts so far are ``counts``."""
    if log.isEnabledFor(logging.INFO):
        log.info("  %s", progress_line(done, total, counts),
                 extra={ATTRIBUTE: RunProgress(done, total, counts_line(counts))})
