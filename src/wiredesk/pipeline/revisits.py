"""The revisit part of a run: pages fetched by URL whose revisit has come are fetched again, and an edited
text becomes a new version of its document, through the same batch step as every page.

1. ``plan_revisits`` — the due revisits (``wiredesk.store.revisits.due_revisits``): at most
   ``[revisits] budget_per_source`` per source (a followed source, or a URL list), oldest due first; the rest
   are counted as skipped and wait for the next run; a due page whose document has no current version is
   taken off the schedule with the first batch (counted as dropped, never fetched);
2. ``fetch_revisits`` — conditional GET with the page's stored ``ETag`` / ``Last-Modified``, many at once,
   through the same client as every article (robots, politeness, limits, address guard), within the fetch
   budget; each page revisited gets its next slot (``wiredesk.sources.revisits.next_slot``): a 304 or an
   error is recorded as checked (no failure row: the stored version stays as it is), a page not reached in
   the budget stays due;
3. each group goes through the batch step (plan, clean with its access check, store): new bytes with a new
   text are a new version exactly as for a feed's changed entry; the revisits' outcomes commit with it.

``now`` is the run's clock (``run_ingest``'s ``clock``): it alone decides what is due. Stages take the
settings, never a connection.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from wiredesk.domain.models import InputItem
from wiredesk.domain.settings import Settings
from wiredesk.net.http import Fetcher
from wiredesk.net.model import FetchRecord, FetchRequest
from wiredesk.pipeline.batch import BatchInput, BatchStep
from wiredesk.pipeline.progress import report_stage
from wiredesk.pipeline.stages import open_store
from wiredesk.sources.feeds.collect import fetched_page
from wiredesk.sources.revisits import DueRevisit, RevisitBatch, RevisitOutcome, due_at, next_slot
from wiredesk.store.feeds import FeedBatch


@dataclass
class RevisitPlan:
    due: list[DueRevisit]
    skipped: int = 0  # due, but over the per-source budget: left for the next run
    dropped: tuple[str, ...] = ()  # due, but without a current document: taken off the schedule, not fetched


def plan_revisits(settings: Settings, now: datetime, source_tag: str | None = None) -> RevisitPlan:
    """The revisits to fetch now, within the per-source budget. ``source_tag``: only pages of the followed
    sources with this tag (a source group's scheduled run)."""
    with open_store(settings) as store:
        ids = None
        if source_tag:
            ids = [r.source_id for r in store.list_sources() if source_tag in r.config.tags]
        due, skipped, dropped = store.due_revisits(now, settings.revisits.budget_per_source, ids)
    return RevisitPlan(due, skipped, tuple(dropped))


@dataclass
class RevisitFetched:
    items: list[InputItem] = field(default_factory=list)
    outcomes: list[RevisitOutcome] = field(default_factory=list)
    fetches: list[tuple[int | None, FetchRecord]] = field(default_factory=list)
    deferred: int = 0  # not reached in the fetch budget: still due


def fetch_revisits(due: Sequence[DueRevisit], settings: Settings, now: datetime,
                   stop_at: float | None = None) -> RevisitFetched:
    """Fetch ``due`` again (conditional GET; network only) until ``stop_at`` (``time.monotonic``)."""
    out = RevisitFetched()
    offsets = settings.revisits.deltas
    with Fetcher(settings.http) as fetcher:
        results = fetcher.fetch_many((FetchRequest(r.fetch_url, "article", r.etag, r.last_modified) for r in due),
                                     stop_at=stop_at)
    for r, res in zip(due, results, strict=True):
        out.fetches.extend((r.source_id, rec) for rec in res.records)
        if res.error is not None and res.error.reason == "deferred":
            out.deferred += 1
            continue
        slot = max(next_slot(r.first_seen_at, offsets, now), r.slot + 1)  # never the same slot twice
        etag, last_modified = r.etag, r.last_modified
        if res.not_modified:
            status = "not_modified"
        elif res.ok and res.body is not None:
            status, etag, last_modified = "fetched", res.etag, res.last_modified
            out.items.append(fetched_page(r.origin, res, r.meta, r.source_id, r.source))  # type: ignore[arg-type]
        else:
            answered = res.status is not None and res.status >= 400  # an HTTP error: its code, as docs/revisits.md says
            status = f"error:{f'status_{res.status}' if answered or res.error is None else res.error.reason}"
        out.outcomes.append(RevisitOutcome(r.origin, r.slot, status, now, slot, due_at(r.first_seen_at, offsets, slot),
                                           etag, last_modified, r.first_seen_at))
    return out


@dataclass
class RevisitRunResult:
    """What the revisit part of a run did (the stored counts are the batches', in ``runs``)."""

    due: int = 0
    skipped: int = 0
    fetched: int = 0
    deferred: int = 0


def ingest_revisits(step: BatchStep, now: datetime, *, source_tag: str | None = None) -> RevisitRunResult:
    """Plan, fetch and store the due revisits in groups of ``ingest.batch_size``; how many were due and skipped
    ride with the first group's batch."""
    settings, wrap = step.settings, step.wrap
    report_stage("revisits", 0, None, "pages")
    plan = wrap(plan_revisits)(settings, now, source_tag)
    result = RevisitRunResult(due=len(plan.due) + plan.skipped + len(plan.dropped), skipped=plan.skipped)
    if not result.due:
        return result
    size, stop_at = settings.ingest.batch_size, time.monotonic() + settings.fetch_budget
    for start in range(0, max(len(plan.due), 1), size):
        report_stage("revisits", start, len(plan.due), "pages")
        group = plan.due[start:start + size]
        fetched = wrap(fetch_revisits)(group, settings, now, stop_at) if group else RevisitFetched()
        result.fetched += len(fetched.items)
        result.deferred += fetched.deferred
        first = start == 0
        revisits = RevisitBatch(tuple(fetched.outcomes), due=result.due if first else 0,
                                skipped=result.skipped if first else 0, dropped=plan.dropped if first else ())
        step.submit(BatchInput(tuple(fetched.items), (), FeedBatch(fetches=tuple(fetched.fetches), revisits=revisits)))
    step.drain()
    return result
