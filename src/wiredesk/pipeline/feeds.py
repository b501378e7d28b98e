"""The feed part of a run, as stage functions the run (and the Prefect flow) calls in order.

1. ``prepare_sources`` — sync ``config/sources.toml`` into ``sources``, register URLs given to
   ``wiredesk run URL...``, and pick the sources to fetch (the given ones, else the due ones);
2. ``fetch_feed_group`` — conditional GET and parse of a group of sources (``sources.feeds.collect``);
3. ``collect_group_items`` — plan entries against the stored entry keys, fetch the new articles;
4. ``feed_batches`` (pure) — cut the items into batches; each group's source states, entry keys and
   fetch log ride with its last batch, so they commit in the same transaction as the documents.

The batches then go through the same batch step as files (``wiredesk.pipeline.batch``); ``ingest_feeds``
is that loop. Stages take the settings, never a connection.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from wiredesk.domain.dates import utcnow
from wiredesk.domain.settings import FeedSettings, Settings
from wiredesk.net.http import Fetcher
from wiredesk.ops.faults import checkpoint
from wiredesk.pipeline.batch import BatchInput, BatchStep
from wiredesk.pipeline.progress import report_stage
from wiredesk.pipeline.stages import open_store, retry_policy
from wiredesk.sources.config import SourceConfig, load_sources
from wiredesk.sources.entries import entry_keys
from wiredesk.sources.feeds.collect import SourceRun, fetch_articles, fetch_sources, page_origin, plan_run
from wiredesk.sources.schedule import ScheduleSettings, is_due
from wiredesk.store.feeds import FeedBatch, SourceRow

log = logging.getLogger("wiredesk")


def schedule_settings(feeds: FeedSettings) -> ScheduleSettings:
    return ScheduleSettings(max_interval=timedelta(minutes=feeds.max_interval_minutes),
                            base_backoff=timedelta(minutes=feeds.base_backoff_minutes),
                            max_backoff=timedelta(minutes=feeds.max_backoff_minutes))


def prepare_sources(urls: Sequence[str], settings: Settings, now: datetime) -> list[SourceRow]:
    """The sources this run fetches: the rows for ``urls`` if any were given, else every due source."""
    sources_file = Path(settings.feeds.sources_file)
    configs = load_sources(sources_file) if sources_file.is_file() else None
    with open_store(settings) as store:
        if configs is not None:  # the file is the list: its sources are synced, dropped ones removed
            store.sync_sources(configs, "config", now)
            for name in store.prune_config_sources(c.url for c in configs):
                log.info("source %s is no longer in %s: removed", name, sources_file)
        if urls:
            ids = store.register_urls(urls, timedelta(minutes=settings.feeds.default_interval_minutes), now)
            rows = {r.source_id: r for r in store.list_sources(ids=ids)}
            chosen = [rows[i] for i in dict.fromkeys(ids)]
            for r in chosen:
                if r.state.disabled:
                    log.warning("source %s is disabled (%s); `wiredesk sources add %s` re-enables it",
                                r.config.name, r.state.disabled_reason, r.config.url)
            return with_filters([r for r in chosen if not r.state.disabled], configs or ())
        rows = store.list_sources()
    return with_filters([r for r in rows if r.config.enabled and is_due(r.state, now)], configs or ())


def with_filters(rows: Sequence[SourceRow], configs: Sequence[SourceConfig]) -> list[SourceRow]:
    """``rows`` with the filters the sources file gives them (the ``sources`` table keeps no filter)."""
    by_url = {c.url: c.filter for c in configs if c.filter.active}
    return [dataclasses.replace(r, config=dataclasses.replace(r.config, filter=by_url[r.config.url]))
            if r.config.url in by_url else r for r in rows]


def fetch_feed_group(rows: Sequence[SourceRow], settings: Settings, now: datetime) -> list[SourceRun]:
    """Fetch and parse a group of sources (conditional GET; network only, no database), within the fetch
    budget (``Settings.fetch_budget``): a feed not reached by then stays due for the next run."""
    stop_at = time.monotonic() + settings.fetch_budget
    with Fetcher(settings.http) as fetcher:
        runs = fetch_sources([(r.config, r.state) for r in rows], fetcher, now=now,
                             schedule=schedule_settings(settings.feeds),
                             max_child_sitemaps=settings.feeds.max_child_sitemaps, stop_at=stop_at)
    for row, run in zip(rows, runs, strict=True):
        run.source_id = row.source_id
    return runs


def collect_group_items(runs: list[SourceRun], settings: Settings) -> list[SourceRun]:
    """Plan every parsed feed's entries against the stored entry keys, then fetch the new articles (new
    pages first, then failed ones whose retry has come), within the fetch budget (``Settings.fetch_budget``,
    counted from the start of this stage): what is not reached is left for the next run, and the stage ends
    with what it fetched instead of running into its task's timeout."""
    stop_at = time.monotonic() + settings.fetch_budget
    limit = settings.feeds.max_entries_per_feed
    keys = [k for run in runs if run.feed for e in run.feed.entries[:limit] for k in entry_keys(e, run.source.url).all]
    with open_store(settings) as store:
        known = store.known_entries(keys)
        work = [(run, plan_run(run, known, limit)) for run in runs]
        failing = store.known_failures(page_origin(p) for _, todo in work for p in todo)
    report_stage("articles", 0, sum(len(todo) for _, todo in work), "pages")
    if any(todo for _, todo in work):
        with Fetcher(settings.http) as fetcher:
            fetch_articles(work, fetcher, failing=failing, now=utcnow(), code_version=retry_policy(settings).code_version,
                           stop_at=stop_at)
    return runs


def feed_batches(runs: Sequence[SourceRun], batch_size: int) -> list[BatchInput]:
    """Cut the group's items into batches; the group's state, entries, fetch log and fetch failures go
    with the last one (a batch with no items when nothing is new), so they commit with its documents."""
    items = [item for run in runs for item in run.items]
    state = FeedBatch(
        states=tuple((run.source_id, run.state) for run in runs if run.source_id is not None),
        entries=tuple((run.source_id, rec) for run in runs if run.source_id is not None for rec in run.remember),
        fetches=tuple((run.source_id, rec) for run in runs for rec in run.fetches),
        pending=tuple((run.source_id, origin, rec) for run in runs if run.source_id is not None
                      for origin, rec in run.pending),
        recovered=tuple(run.feed_url for run in runs if run.feed is not None and run.feed_url),
        dropped=tuple((run.source_id, run.source.name, rule, n) for run in runs for rule, n in sorted(run.dropped.items())),
    )
    failures = tuple(f for run in runs for f in run.failures)
    chunks = [items[i:i + batch_size] for i in range(0, len(items), batch_size)] or [[]]
    out = [BatchInput(tuple(c)) for c in chunks[:-1]]
    out.append(BatchInput(tuple(chunks[-1]), failures, state))
    return out


@dataclass
class FeedRunResult:
    """What the feed part of a run fetched (its batches' counts are the run's)."""

    sources: int = 0
    not_modified: int = 0
    articles: int = 0
    fetch_failures: int = 0
    #: article pages left for a later run: the budget ran out, or they wait for their retry
    pages_left: int = 0
    #: feeds the budget did not reach (still due)
    feeds_deferred: int = 0


def ingest_feeds(step: BatchStep, urls: Sequence[str], *, source_tag: str | None = None) -> FeedRunResult:
    """Run the feed stages for ``urls`` (or all due sources when empty), storing through ``step``.

    ``source_tag``: only the due sources carrying this tag (a source group's scheduled run)."""
    settings, wrap = step.settings, step.wrap
    result = FeedRunResult()
    report_stage("sources", 0, None, "sources")
    rows = wrap(prepare_sources)(list(urls), settings, utcnow())
    checkpoint("feeds:prepared")
    if source_tag:  # a source group's scheduled run takes only its own sources
        rows = [r for r in rows if source_tag in r.config.tags]
    result.sources = len(rows)
    size = settings.feeds.sources_per_group
    for start in range(0, len(rows), size):
        report_stage("feeds", start, len(rows), "sources")
        runs = wrap(fetch_feed_group)(rows[start:start + size], settings, utcnow())
        checkpoint("feeds:fetched")
        runs = wrap(collect_group_items)(runs, settings)
        checkpoint("feeds:collected")
        result.not_modified += sum(1 for r in runs if r.not_modified)
        result.articles += sum(1 for r in runs for f in r.fetches if f.purpose == "article" and f.status == 200)
        result.pages_left += sum(r.pages_left for r in runs)
        result.feeds_deferred += sum(1 for r in runs if r.deferred)
        for batch in feed_batches(runs, settings.ingest.batch_size):
            result.fetch_failures += sum(1 for f in batch.failures if f.stage == "fetch")
            step.submit(batch)
    if rows:
        log.info("feeds: %d fetched (%d not modified), %d articles downloaded, %d fetch/parse failures",
                 result.sources - result.feeds_deferred, result.not_modified, result.articles, result.fetch_failures)
    if result.pages_left or result.feeds_deferred:
        log.info("feeds: %d pages and %d feeds left for the next run (fetch budget of %.0fs, or waiting to be "
                 "tried again)", result.pages_left, result.feeds_deferred, settings.fetch_budget)
    return result
