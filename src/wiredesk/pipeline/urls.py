"""The URL-list part of a run: the URLs read from lists (``wiredesk.sources.urllists``, URL-only JSON records)
fetched through the same client as feed articles and stored through the same batch step.

1. ``filter_records`` (pure) — the ``[urls]`` filter (``wiredesk.sources.filters``): dropped records are
   counted per list and rule, never fetched; the same URL in two lists is fetched once;
2. ``plan_urls`` — a URL already stored (its canonical URL is a stored origin, from a list, a feed or an
   earlier run) is not fetched again, nor one that failed and waits for its retry or has failed for good
   with this code (``wiredesk.domain.retry``);
3. ``fetch_urls`` — the pages, many at once, polite per host (robots, limits, address guard: ``Fetcher``),
   within the fetch budget: a page not reached is neither stored nor failed, and the next run fetches it;
4. each group goes through the batch step with its fetch log and drop counts, committed with its documents.

A page is stored under its canonical URL (the origin and document key feed articles have), with the list
record's fields as its supplied metadata. Stages take the settings, never a connection.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from wiredesk.domain.dates import utcnow
from wiredesk.domain.models import Failure, InputItem, UrlRecord
from wiredesk.domain.retry import has_given_up, is_waiting
from wiredesk.domain.settings import Settings
from wiredesk.net.http import Fetcher
from wiredesk.net.model import FetchRecord, FetchRequest
from wiredesk.pipeline.batch import BatchInput, BatchStep
from wiredesk.pipeline.progress import report_stage
from wiredesk.pipeline.stages import open_store, retry_policy
from wiredesk.sources.feeds.collect import fetched_page
from wiredesk.sources.filters import EntryFilter, decide
from wiredesk.store.feeds import FeedBatch


def list_name(record: UrlRecord) -> str:
    """The list a record came from: its origin without the ``#line``."""
    return record.origin.rsplit("#", 1)[0]


def filter_records(records: Sequence[UrlRecord], rules: EntryFilter) -> tuple[list[UrlRecord], Counter]:
    """The records to fetch, each URL once, and ``(list, rule) -> records dropped`` (pure)."""
    kept, dropped, seen = [], Counter(), set()
    for record in records:
        rule = decide(rules, record.url, record.meta.language, record.meta.title, record.summary)
        if rule is not None:
            dropped[(list_name(record), rule)] += 1
        elif (record.meta.url or record.url) not in seen:
            seen.add(record.meta.url or record.url)
            kept.append(record)
    return kept, dropped


def origin_of(record: UrlRecord) -> str:
    return record.meta.url or record.url


@dataclass
class UrlPlan:
    todo: list[UrlRecord]
    stored: int = 0  # already stored: not fetched again
    waiting: int = 0  # failed before and not to be tried now


def plan_urls(records: Sequence[UrlRecord], settings: Settings) -> UrlPlan:
    """Which of ``records`` to fetch now: not stored yet, and not failing with a retry still to come."""
    origins = [origin_of(r) for r in records]
    code_version, now = retry_policy(settings).code_version, utcnow()
    with open_store(settings) as store:
        stored = store.known_raw_hashes(origins)
        failing = store.known_failures(origins)
    plan = UrlPlan([])
    for record, origin in zip(records, origins, strict=True):
        if origin in stored:
            plan.stored += 1
        elif is_waiting(failing.get(origin), now, code_version) or has_given_up(failing.get(origin), code_version):
            plan.waiting += 1
        else:
            plan.todo.append(record)
    return plan


@dataclass
class Fetched:
    items: list[InputItem] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    fetches: list[FetchRecord] = field(default_factory=list)
    deferred: int = 0  # not reached in the fetch budget: the next run fetches them


def fetch_urls(records: Sequence[UrlRecord], settings: Settings, stop_at: float | None = None) -> Fetched:
    """Fetch the pages of ``records`` (network only) until ``stop_at`` (``time.monotonic``)."""
    out = Fetched()
    with Fetcher(settings.http) as fetcher:
        results = fetcher.fetch_many((FetchRequest(r.url, "article") for r in records), stop_at=stop_at)
    for record, res in zip(records, results, strict=True):
        out.fetches.extend(res.records)
        origin = origin_of(record)
        if res.error is not None and res.error.reason == "deferred":
            out.deferred += 1
            continue
        page = fetched_page(origin, res, record.meta, source=list_name(record))
        if isinstance(page, Failure):
            out.failures.append(page)
        else:
            out.items.append(page)
    return out


@dataclass
class UrlRunResult:
    """What the URL-list part of a run did (its batches' counts are the run's)."""

    records: int = 0
    dropped: int = 0
    stored_before: int = 0
    waiting: int = 0
    fetched: int = 0
    deferred: int = 0


def ingest_urls(step: BatchStep, records: Sequence[UrlRecord]) -> UrlRunResult:
    """Filter, plan, fetch and store the pages of ``records`` in groups of ``ingest.batch_size``; the drop
    counts ride with the first group's batch (with an empty batch when nothing is left to fetch)."""
    settings, wrap = step.settings, step.wrap
    result = UrlRunResult(records=len(records))
    kept, dropped = filter_records(records, settings.urls.filter)
    result.dropped = sum(dropped.values())
    drops = tuple((None, name, rule, n) for (name, rule), n in sorted(dropped.items()))
    size = settings.ingest.batch_size
    stop_at = time.monotonic() + settings.fetch_budget
    for start in range(0, max(len(kept), 1), size):
        report_stage("urls", start, len(kept), "pages")
        plan = wrap(plan_urls)(kept[start:start + size], settings)
        result.stored_before += plan.stored
        result.waiting += plan.waiting
        fetched = wrap(fetch_urls)(plan.todo, settings, stop_at) if plan.todo else Fetched()
        result.fetched += len(fetched.items)
        result.deferred += fetched.deferred
        state = FeedBatch(fetches=tuple((None, f) for f in fetched.fetches), dropped=drops if start == 0 else ())
        step.submit(BatchInput(tuple(fetched.items), tuple(fetched.failures), state))
    step.drain()
    return result
