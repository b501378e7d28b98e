"""The feed stage: due sources → fetched and parsed feeds → planned entries → ``InputItem``s. No database.

The pipeline calls, in order (the store is consulted between 2 and 3 for ``KnownEntries``):

1. which sources to fetch now is the caller's (``wiredesk.sources.schedule.is_due``);
2. ``fetch_sources`` — conditional GET of every due feed/sitemap (``Fetcher.fetch_many``), parse, new
   ``SourceState`` from ``wiredesk.sources.schedule``; a 304 costs one request and no parsing;
3. ``plan_run`` — ``plan_entries`` against what is known (pure), then ``fetch_articles`` — the article
   pages of new and changed entries of many sources at once (or the feed's own content when the source
   trusts it) into ``InputItem``s. ``SourceRun.remember`` lists the entry records to store in the
   same transaction as the documents; ``SourceRun.pending`` those remembered unless their page is
   failing and will be tried again (the store decides, once it knows how cleaning went).

Pages that failed before are fetched after the new ones, and only once their retry time has come
(``wiredesk.domain.retry``): new entries never wait behind retries of old ones. A page the fetch budget
did not reach (``deferred``) is neither failed nor remembered: the next run plans it again.

One broken source costs its own ``Failure`` and state; it never raises out of here.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from collections.abc import Container, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from urllib.parse import urljoin

from wiredesk.domain.dates import utcnow
from wiredesk.domain.errors import FeedError
from wiredesk.domain.models import Failure, InputItem, ItemMeta, PageFetch
from wiredesk.domain.retry import FailureRecord, is_waiting
from wiredesk.domain.urls import is_http_url
from wiredesk.net.http import Fetcher
from wiredesk.net.retries import result_may_pass
from wiredesk.net.model import FetchRecord, FetchRequest, FetchResult
from wiredesk.sources.config import SourceConfig
from wiredesk.sources.entries import EntryRecord, KnownEntries, PlannedEntry, plan_entries
from wiredesk.sources.feeds.discover import discover_feeds
from wiredesk.sources.feeds.model import ParsedFeed
from wiredesk.sources.feeds.parse import parse_feed
from wiredesk.sources.feeds.sitemap import parse_sitemap
from wiredesk.sources.filters import decide
from wiredesk.sources.files import usable_charset
from wiredesk.sources.schedule import FetchOutcome, ScheduleSettings, SourceState, after_fetch

log = logging.getLogger("wiredesk")

#: The longest feed title and site URL a source keeps: a hostile feed cannot park megabytes in ``sources``.
MAX_TITLE_CHARS = 300
MAX_SITE_URL_CHARS = 2000


def described(state: SourceState, feed: ParsedFeed | None, feed_url: str) -> SourceState:
    """``state`` with the title and site URL ``feed`` gives (pure). A feed that leaves one out keeps what was
    known; sitemaps name no site; only an http(s) site URL is kept (it is written into OPML exports)."""
    if feed is None or feed.format == "sitemap":
        return state
    title = " ".join((feed.title or "").split())[:MAX_TITLE_CHARS] or None
    link = urljoin(feed_url, feed.link.strip()) if feed.link and feed.link.strip() else None
    if link is not None and (not is_http_url(link) or len(link) > MAX_SITE_URL_CHARS):
        link = None
    return replace(state, title=title or state.title, site_url=link or state.site_url)


@dataclass
class SourceRun:
    """Everything one source produced in one run, ready for the store to commit together."""

    source: SourceConfig
    state: SourceState  # the state after this run
    source_id: int | None = None  # its row in ``sources``, when stored
    feed_url: str | None = None  # the URL actually fetched (discovered, for kind = "site")
    feed: ParsedFeed | None = None
    not_modified: bool = False
    plans: list[PlannedEntry] = field(default_factory=list)
    items: list[InputItem] = field(default_factory=list)
    remember: list[EntryRecord] = field(default_factory=list)
    #: (page origin, record): remembered unless that page is failing with a retry to come (the store decides)
    pending: list[tuple[str, EntryRecord]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    fetches: list[FetchRecord] = field(default_factory=list)
    #: the feed itself was not fetched within the budget: the source stays due, nothing failed
    deferred: bool = False
    #: article pages left for a later run: not reached in the budget, or failing and waiting for their retry
    pages_left: int = 0
    #: new or changed entries the source's filter dropped, by rule: not fetched, not remembered
    dropped: Counter = field(default_factory=Counter)

    def remembered(self, retrying: Container[str] = frozenset()) -> list[EntryRecord]:
        """The entry records stored with this run when the pages in ``retrying`` are failing and will be tried
        again (the store knows which, from the failure rows; ``wiredesk.store.feeds.write_feed_batch``)."""
        return self.remember + [rec for origin, rec in self.pending if origin not in retrying]

    def counts(self) -> dict[str, int]:
        out = {a: 0 for a in ("new", "changed", "unchanged", "skipped")}
        for p in self.plans:
            out[p.action] += 1
        out["items"] = len(self.items)
        out["failures"] = len(self.failures)
        return out


def _outcome(result: FetchResult | None, feed: ParsedFeed | None, error: tuple[str, str] | None) -> FetchOutcome:
    dates = tuple(d for e in (feed.entries if feed else ()) for d in (e.published_at,) if d is not None)
    if result is None:
        return FetchOutcome(status=None, error=error[0] if error else "unknown", message=error[1] if error else None)
    reason, message = error if error else (None, None)
    return FetchOutcome(status=result.status, error=reason, message=message, headers=result.headers,
                        feed_ttl_minutes=feed.ttl if feed else None, entry_dates=dates)


def _parse(source: SourceConfig, result: FetchResult, fetcher: Fetcher, run: SourceRun, max_children: int,
           stop_at: float | None = None) -> ParsedFeed:
    assert result.body is not None
    if source.kind != "sitemap":
        return parse_feed(result.body, result.final_url, result.content_type)
    parsed = parse_sitemap(result.body, result.final_url, max_decoded_bytes=fetcher.settings.max_decoded_bytes)
    if isinstance(parsed, ParsedFeed):
        return parsed
    entries = []  # a sitemap index: fetch the children (unconditionally; they have no stored state)
    children = fetcher.fetch_many((FetchRequest(u, "sitemap") for u in parsed.sitemaps[:max_children]), stop_at=stop_at)
    for child in children:
        run.fetches.extend(child.records)
        if child.error is not None and child.error.reason == "deferred":
            continue  # not reached in the budget: the next run fetches the index again
        if child.ok and child.body is not None:
            try:
                sub = parse_sitemap(child.body, child.final_url, max_decoded_bytes=fetcher.settings.max_decoded_bytes)
            except FeedError as exc:
                run.failures.append(Failure(child.url, "fetch", exc.reason, str(exc)))
                continue
            if isinstance(sub, ParsedFeed):
                entries.extend(sub.entries)
        elif child.error is not None:
            run.failures.append(Failure(child.url, "fetch", child.error.reason, str(child.error)))
    return ParsedFeed(format="sitemap", link=result.final_url, entries=tuple(entries))


def fetch_sources(sources: Sequence[tuple[SourceConfig, SourceState]], fetcher: Fetcher, *, now: datetime,
                  schedule: ScheduleSettings | None = None, max_child_sitemaps: int = 20,
                  stop_at: float | None = None) -> list[SourceRun]:
    """Fetch and parse every given source (conditionally); one ``SourceRun`` each, in order. Of a sitemap
    index, the first ``max_child_sitemaps`` children are fetched (``feeds.max_child_sitemaps``). A feed not
    fetched by ``stop_at`` (the fetcher's clock) is ``deferred``: its state stays as it was, still due."""
    runs = [SourceRun(src, st) for src, st in sources]
    # 1. sites without a known feed URL: autodiscover (its requests are logged with the source)
    for run in runs:
        if run.source.kind == "site" and not run.state.feed_url:
            found = discover_feeds(run.source.url, fetcher, records=run.fetches)
            run.feed_url = found[0] if found else None
        else:
            run.feed_url = run.state.feed_url or run.source.url
    # 2. conditional GET of every feed at once (politeness is the fetcher's job)
    todo = [r for r in runs if r.feed_url]
    purpose = {"sitemap": "sitemap"}
    results = fetcher.fetch_many(
        (FetchRequest(r.feed_url, purpose.get(r.source.kind, "feed"), r.state.etag, r.state.last_modified)  # type: ignore[arg-type]
         for r in todo), stop_at=stop_at)
    by_run = dict(zip((id(r) for r in todo), results, strict=True))
    # 3. parse and schedule
    for run in runs:
        result = by_run.get(id(run))
        error: tuple[str, str] | None = None
        if result is None:
            error = ("no_feed", f"no feed found at {run.source.url}")
        else:
            run.fetches.extend(result.records)
            if result.error is not None and result.error.reason == "deferred":
                run.deferred = True  # not reached in the budget: no failure, no new state; still due
                continue
            if result.not_modified:
                run.not_modified = True
            elif result.error is not None:
                error = (result.error.reason, str(result.error))
            else:
                try:
                    run.feed = _parse(run.source, result, fetcher, run, max_child_sitemaps, stop_at)
                except FeedError as exc:
                    error = (exc.reason, str(exc))
                except Exception as exc:  # a parser bug on a hostile document costs this source only
                    log.exception("unexpected error parsing %s", run.feed_url)
                    error = ("unexpected", f"{type(exc).__name__}: {exc}")
        if error:
            run.failures.append(Failure(run.feed_url or run.source.url, "fetch", error[0], error[1]))
        new_state = after_fetch(run.state, _outcome(result, run.feed, error), now=now,
                                interval=run.source.interval, seed_key=run.source.url, settings=schedule)
        if not error and result is not None:  # the feed's title and site, as it says them now
            new_state = described(new_state, run.feed, result.final_url)
        if run.source.kind == "site" and run.feed_url and not error:
            new_state = replace(new_state, feed_url=run.feed_url)
        if result is not None and not error and result.moved_permanently_to:
            # 301/308: fetch the new address from now on (the source keeps its identity and entry keys)
            new_state = replace(new_state, feed_url=result.moved_permanently_to)
        run.state = new_state
    return runs


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def decode_html(body: bytes, content_type: str = "") -> str:
    """Text of an HTML page: UTF-8 when the bytes are valid UTF-8 (as for files, ``wiredesk.sources.files.decode``:
    a page whose header says ISO-8859-1 but which is UTF-8 is common, and valid UTF-8 is almost never
    anything else), else the header charset, else ``<meta charset>``, else Windows-1252. Declared
    charsets that cannot be right are passed over (``usable_charset``)."""
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    candidates = []
    m = re.search(r"charset\s*=\s*\"?([A-Za-z0-9_.:-]+)", content_type or "", re.IGNORECASE)
    if m:
        candidates.append(m.group(1))
    m2 = _META_CHARSET.search(body[:4096])
    if m2:
        candidates.append(m2.group(1).decode("ascii", "ignore"))
    for enc in (c for c in candidates if usable_charset(c, body)):
        try:
            return body.decode(enc)
        except (LookupError, UnicodeError):
            continue
    return body.decode("cp1252", "replace")


def _meta(plan: PlannedEntry, run: SourceRun) -> ItemMeta:
    e = plan.entry
    assert plan.record is not None
    doc_url = None if plan.record.doc_key.startswith("feed:") else plan.record.doc_key
    source = (run.feed.title if run.feed and run.feed.title else None) or run.source.name
    return ItemMeta(url=doc_url, title=e.title, source=source, published_at=e.published_at,
                    language=e.language or (run.feed.language if run.feed else None), authors=e.authors)


def _feed_item(plan: PlannedEntry, run: SourceRun) -> InputItem | None:
    e = plan.entry
    html = e.content or e.summary
    if not html:
        return None
    if e.title and "<h1" not in html.lower():
        html = f"<html><head><title>{e.title}</title></head><body><article>{html}</article></body></html>"
    raw = html.encode("utf-8")
    assert plan.record is not None
    return InputItem(origin=plan.url or plan.record.doc_key, kind="html", content=html, raw=raw,
                     raw_sha256=hashlib.sha256(raw).hexdigest(), meta=_meta(plan, run))


def plan_run(run: SourceRun, known: KnownEntries, max_entries: int = 1000) -> list[PlannedEntry]:
    """Plan the first ``max_entries`` of ``run.feed``'s entries against ``known`` (pure). Items that need
    no download (feed content) are added to ``run.items`` now; the entries whose article pages must be
    fetched are returned."""
    if run.feed is None:
        return []
    run.plans = plan_entries(run.feed.entries[:max_entries], run.source.url, known)
    run.remember = [p.record for p in run.plans if p.action == "unchanged" and p.record]
    to_fetch = []
    feed_language = run.feed.language
    for p in run.plans:
        if p.action not in ("new", "changed"):
            continue
        e = p.entry
        rule = decide(run.source.filter, p.url or e.link, e.language or feed_language, e.title, e.summary)
        if rule is not None:  # not fetched, not remembered: a filter changed later lets it through
            run.dropped[rule] += 1
            continue
        if run.source.full_articles and p.url:
            to_fetch.append(p)
            continue
        item = _feed_item(p, run)
        if item is None:
            run.failures.append(Failure(p.url or (p.record.doc_key if p.record else "?"), "fetch", "no_content",
                                        "entry has no link to fetch and no content in the feed"))
            continue
        run.items.append(item)
        run.remember.append(p.record)  # type: ignore[arg-type]
    return to_fetch


def page_origin(plan: PlannedEntry) -> str:
    """The origin an entry's page is stored and failed under: its canonical URL."""
    return plan.url or plan.entry.link or (plan.record.doc_key if plan.record else "?")


def order_pages(work: Sequence[tuple[SourceRun, list[PlannedEntry]]], failing: dict[str, FailureRecord],
                now: datetime, code_version: str) -> list[tuple[SourceRun, PlannedEntry]]:
    """The pages to fetch now (pure): pages never tried first, in feed order, then pages whose retry has
    come; a page still waiting for its retry is left out (and counted in its run's ``pages_left``)."""
    fresh, retries = [], []
    for run, plans in work:
        for p in plans:
            record = failing.get(page_origin(p))
            if is_waiting(record, now, code_version):
                run.pages_left += 1
                run.state = replace(run.state, etag=None, last_modified=None)  # the feed is needed in full then
            else:
                (fresh if record is None else retries).append((run, p))
    return fresh + retries


def fetched_page(origin: str, res: FetchResult, meta: ItemMeta, source_id: int | None = None,
                 source: str = "") -> InputItem | Failure:
    """What a fetched article page (not one deferred by the budget) becomes: an ``InputItem`` stored under
    ``origin``, or a ``Failure`` of stage ``fetch`` that may pass when asked again. Feed articles, the pages
    of URL lists and revisits all go through it; the item keeps how it was fetched (``PageFetch``: the URL,
    ``source``, the validators), which is what a revisit asks again."""
    if not res.ok or res.body is None:
        reason = res.error.reason if res.error else f"status_{res.status}"
        return Failure(origin, "fetch", reason, str(res.error or f"HTTP {res.status}"), may_pass=result_may_pass(res))
    return InputItem(origin=origin, kind="html", content=decode_html(res.body, res.content_type), raw=res.body,
                     raw_sha256=hashlib.sha256(res.body).hexdigest(), meta=meta, source_id=source_id,
                     fetched=PageFetch(res.url, source, res.etag, res.last_modified))


def fetch_articles(work: Sequence[tuple[SourceRun, list[PlannedEntry]]], fetcher: Fetcher, *,
                   failing: dict[str, FailureRecord] | None = None, now: datetime | None = None,
                   code_version: str = "", stop_at: float | None = None) -> None:
    """Fetch the article pages of planned entries of many sources at once (politeness per host is the
    fetcher's), in ``order_pages`` order, until ``stop_at`` (the fetcher's clock); each page becomes an
    ``InputItem`` of its source, each failure a ``Failure``. ``failing``: the failure rows of these pages."""
    flat = order_pages(work, failing or {}, now or utcnow(), code_version)
    results = fetcher.fetch_many((FetchRequest(p.entry.link or p.url, "article") for _, p in flat),  # type: ignore[arg-type]
                                 stop_at=stop_at)
    for (run, p), res in zip(flat, results, strict=True):
        run.fetches.extend(res.records)
        origin = page_origin(p)
        if res.error is not None and res.error.reason == "deferred":
            # not reached in the budget (or its host was left): not failed, not remembered; the feed is
            # needed in full next run, else an unchanged feed answers 304 and the entry is never planned again
            run.pages_left += 1
            run.state = replace(run.state, etag=None, last_modified=None)
            continue
        assert p.record is not None
        run.pending.append((origin, p.record))
        # a failure is remembered only if it will not be tried again (the store decides from its failure row)
        page = fetched_page(origin, res, _meta(p, run), run.source_id, run.source.name)
        if isinstance(page, Failure):
            run.failures.append(page)
        else:
            run.items.append(page)
