"""The HTTP edge: ``Fetcher`` fetches feeds, sitemaps, robots.txt and article pages, politely and safely.

Contract: ``Fetcher.fetch`` never raises for a problem with one URL. It returns a ``FetchResult``
whose ``error`` (a ``FetchError``) says what went wrong, and whose ``records`` hold one
``FetchRecord`` per HTTP exchange (each redirect hop is one) for the ``fetches`` log.

What it guarantees, each bounded by a setting in ``HttpSettings``:
1. only http(s), on every hop; only public addresses unless allow-listed (``wiredesk.net.guard``);
2. connect and read timeouts per exchange, and a total time per fetch, enforced on every socket
   operation (connect, headers, body; ``httplimits.FetchDeadline``) and between chunks, so a fetch
   ends within ``total_timeout`` (plus scheduling slack) however slowly a server drips;
3. at most ``max_bytes`` on the wire (``Content-Length`` is checked first, then the stream is cut) and
   at most ``max_decoded_bytes`` after gzip/deflate decoding, decoded incrementally with a bounded
   output size so a compression bomb stops at the limit instead of filling memory;
4. at most ``max_redirects`` hops; content types checked against what the purpose expects;
5. at most ``per_host_concurrency`` requests in flight per host, started at least ``per_host_delay``
   apart, and ``max_concurrency`` overall (``fetch_many``);
6. robots.txt honoured for article pages (RFC 9309: 4xx means allowed, 5xx or unreachable means
   disallowed), cached per origin for the life of the ``Fetcher``; its ``Crawl-delay`` lengthens the
   host's delay (up to ``http.max_crawl_delay``).

It holds no database connection and makes no decision about what to fetch; that is ``wiredesk.sources.entries``
and ``wiredesk.sources.schedule``.
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.robotparser
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from wiredesk.domain.dates import utcnow
from wiredesk.domain.errors import FetchError
from wiredesk.domain.settings import HttpSettings
from wiredesk.domain.urls import host_of
from wiredesk.net.guard import AddressPolicy, GuardedBackend, Resolver, system_resolver
from wiredesk.net.limits import BoundedDecoder, FetchDeadline, HostGate
from wiredesk.net.model import FetchRecord, FetchRequest, FetchResult

log = logging.getLogger("wiredesk")

PURPOSES = ("feed", "article", "sitemap", "robots", "discover")

_ACCEPT = {
    "feed": "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5",
    "sitemap": "application/xml, text/xml;q=0.9, application/gzip;q=0.8, text/plain;q=0.5",
    "article": "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.5",
    "robots": "text/plain, */*;q=0.5",
    "discover": "text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, */*;q=0.5",
}
_REDIRECTS = {301, 302, 303, 307, 308}
#: robots.txt ``Crawl-delay`` is honoured up to this many seconds (a hostile value cannot stall a run)


def _content_type_ok(purpose: str, content_type: str) -> bool:
    """Whether a response's media type can be what ``purpose`` expects (missing is given a chance)."""
    media = content_type.split(";", 1)[0].strip().lower()
    if not media or media in ("application/octet-stream", "text/plain", "binary/octet-stream"):
        return True
    if purpose == "robots":
        return media.startswith("text/")
    if purpose == "article":
        return media in ("text/html", "application/xhtml+xml")
    xmlish = "xml" in media or "rss" in media or "atom" in media
    if purpose == "feed":  # text/html too: mis-served feeds are common and the parser decides
        return xmlish or "json" in media or media == "text/html"
    if purpose == "sitemap":
        return xmlish or media in ("application/gzip", "application/x-gzip")
    return xmlish or "json" in media or media in ("text/html",)  # discover


def _guarded_transport(settings: HttpSettings, resolver: Resolver, deadline: FetchDeadline) -> httpx.HTTPTransport:
    limits = httpx.Limits(max_connections=settings.max_concurrency * 2, max_keepalive_connections=settings.max_concurrency)
    transport = httpx.HTTPTransport(limits=limits, trust_env=False)
    # httpx does not expose httpcore's network_backend; swap the pool for one that checks every
    # address at connect time (tests/integration/feeds/test_http_safety.py proves the guard is in place).
    transport._pool = httpcore.ConnectionPool(  # noqa: SLF001
        ssl_context=transport._pool._ssl_context,  # noqa: SLF001
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=GuardedBackend(AddressPolicy.from_strings(settings.allow_networks), resolver, deadline),
    )
    return transport


class Fetcher:
    """Polite, bounded HTTP client for wiredesk. Use as a context manager or call ``close``.

    ``transport`` may be injected (an ``httpx.MockTransport`` in unit tests bypasses the address
    guard, which lives in the default transport). ``clock``/``sleep`` drive the per-host delay.
    """

    def __init__(
        self,
        settings: HttpSettings | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        resolver: Resolver = system_resolver,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.settings = settings or HttpSettings()
        self._clock = clock
        self._sleep = sleep
        self._deadline = FetchDeadline()  # per thread: the deadline of the fetch that thread is doing
        self._client = httpx.Client(
            transport=transport or _guarded_transport(self.settings, resolver, self._deadline),
            headers={"User-Agent": self.settings.user_agent},
            follow_redirects=False,
            trust_env=False,
        )
        self._gates: dict[str, HostGate] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | bool] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # -- public -------------------------------------------------------------------------------
    def fetch(self, url: str, purpose: str = "feed", *, etag: str | None = None,
              last_modified: str | None = None) -> FetchResult:
        """Fetch ``url`` for ``purpose`` (conditional when ``etag``/``last_modified`` are given)."""
        if purpose not in PURPOSES:
            raise ValueError(f"unknown purpose {purpose!r}")
        records: list[FetchRecord] = []
        if purpose == "article" and self.settings.respect_robots:
            allowed, robot_records = self._robots_allow(url)
            records.extend(robot_records)
            if not allowed:
                err = FetchError("robots", f"robots.txt disallows {url}")
                records.append(FetchRecord(url, purpose, utcnow(), None, 0, 0.0, "robots", str(err)))
                return FetchResult(url, purpose, url, None, error=err, records=tuple(records))
        result = self._fetch_following(url, purpose, etag, last_modified)
        return FetchResult(**{**result.__dict__, "records": tuple(records) + result.records})

    def fetch_many(self, requests: Iterable[FetchRequest]) -> list[FetchResult]:
        """Fetch all ``requests`` with at most ``max_concurrency`` in flight; results in input order."""
        reqs = list(requests)
        if not reqs:
            return []
        workers = max(1, min(self.settings.max_concurrency, len(reqs)))
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="wiredesk-fetch")
        try:
            results = list(pool.map(lambda r: self.fetch(r.url, r.purpose, etag=r.etag,
                                                         last_modified=r.last_modified), reqs))
        except BaseException:
            # interrupted (a task timeout, Ctrl-C): return now, drop queued fetches; those in flight end
            # on their own timeouts instead of holding the caller until then
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        return results

    # -- internals ----------------------------------------------------------------------------
    def _gate(self, url: str) -> HostGate:
        host = host_of(url)
        with self._lock:
            gate = self._gates.get(host)
            if gate is None:
                gate = self._gates[host] = HostGate(self.settings.per_host_concurrency, self.settings.per_host_delay)
            return gate

    def _fetch_following(self, url: str, purpose: str, etag: str | None, last_modified: str | None,
                         max_bytes: int | None = None) -> FetchResult:
        s = self.settings
        records: list[FetchRecord] = []
        current = url
        deadline: float | None = None
        for hop in range(s.max_redirects + 1):
            try:
                scheme = urlsplit(current).scheme.lower()
            except ValueError as exc:  # e.g. "http://[::1/": a feed link or Location header can be anything
                err = FetchError("bad_url", f"invalid URL {current!r}: {exc}")
                records.append(FetchRecord(current, purpose, utcnow(), None, 0, 0.0, err.reason, str(err)))
                return FetchResult(url, purpose, current, None, error=err, records=tuple(records))
            if scheme not in ("http", "https"):
                err = FetchError("blocked_scheme", f"refused scheme {scheme!r} in {current}")
                records.append(FetchRecord(current, purpose, utcnow(), None, 0, 0.0, err.reason, str(err)))
                return FetchResult(url, purpose, current, None, error=err, records=tuple(records))
            headers = {"Accept": _ACCEPT[purpose], "Accept-Encoding": "gzip, deflate"}
            if hop == 0 and etag:
                headers["If-None-Match"] = etag
            if hop == 0 and last_modified:
                headers["If-Modified-Since"] = last_modified
            if deadline is None:
                deadline = self._clock() + s.total_timeout
            outcome = self._exchange_retrying(current, purpose, headers, deadline, max_bytes or s.max_bytes, records)
            if outcome.location is not None:
                current = outcome.record.redirect_to or current  # urljoin'ed (safely) in _exchange
                continue
            return FetchResult(url, purpose, current, outcome.record.status, outcome.body,
                               outcome.content_type, outcome.headers, outcome.error, tuple(records))
        err = FetchError("too_many_redirects", f"more than {s.max_redirects} redirects from {url}")
        return FetchResult(url, purpose, current, None, error=err, records=tuple(records))

    def _exchange_retrying(self, url: str, purpose: str, headers: dict[str, str], deadline: float,
                           max_bytes: int, records: list[FetchRecord]) -> _Exchange:
        """One exchange, repeated after a transient failure (``is_transient``) up to ``http.retries``
        times with doubling delays, all within the fetch's total time. Every attempt is recorded, so the
        fetch log shows the retries; the per-host gate is taken per attempt and never held while waiting."""
        s = self.settings
        attempt = 0
        while True:
            with self._gate(url).slot(self._clock, self._sleep):
                outcome = self._exchange(url, purpose, headers, deadline, max_bytes)
            records.append(outcome.record)
            if attempt >= s.retries or not is_transient(outcome):
                return outcome
            delay = retry_delay(attempt, s.retry_backoff, outcome.headers.get("retry-after"), s.max_retry_after)
            if self._clock() + delay >= deadline:  # no time left for another attempt
                return outcome
            attempt += 1
            log.info("retrying %s in %.1fs (attempt %d of %d): %s", url, delay, attempt + 1, s.retries + 1,
                     outcome.record.error or f"HTTP {outcome.record.status}")
            self._sleep(delay)

    def _exchange(self, url: str, purpose: str, headers: dict[str, str], deadline: float,
                  max_bytes: int) -> _Exchange:
        s = self.settings
        started, t0 = utcnow(), self._clock()
        status: int | None = None
        received = 0
        resp_headers: dict[str, str] = {}
        content_type = ""

        def done(error: FetchError | None = None, body: bytes | None = None, location: str | None = None) -> _Exchange:
            target = None
            if location:
                try:
                    target = urljoin(url, location)
                except ValueError:  # an unparsable Location: followed as is, refused as bad_url next hop
                    target = location
            record = FetchRecord(url, purpose, started, status, received, self._clock() - t0,
                                 error.reason if error else None, str(error) if error else None, target)
            return _Exchange(record, body, content_type, resp_headers, error, location)

        remaining = deadline - self._clock()
        if remaining <= 0:
            return done(FetchError("timeout", f"total time of {s.total_timeout}s exceeded"))
        timeout = httpx.Timeout(connect=min(s.connect_timeout, remaining), read=min(s.read_timeout, remaining),
                                write=min(s.read_timeout, remaining), pool=remaining)
        try:
            with self._deadline.until(deadline, self._clock), \
                    self._client.stream("GET", url, headers=headers, timeout=timeout) as resp:
                status = resp.status_code
                resp_headers = {k.lower(): v for k, v in resp.headers.items()}
                content_type = resp_headers.get("content-type", "")
                if status in _REDIRECTS and "location" in resp_headers:
                    return done(location=resp_headers["location"])
                if status == 304:
                    return done()
                if not 200 <= status < 300:
                    return done(FetchError("status", f"HTTP {status} for {url}", status=status))
                if not _content_type_ok(purpose, content_type):
                    return done(FetchError("content_type", f"unexpected content type {content_type!r} for a {purpose}"))
                length = resp_headers.get("content-length", "")
                if length.isdigit() and int(length) > max_bytes:
                    return done(FetchError("too_large", f"Content-Length {length} exceeds {max_bytes} bytes"))
                decoder = BoundedDecoder(resp_headers.get("content-encoding", "").strip().lower(),
                                          s.max_decoded_bytes)
                for chunk in resp.iter_raw():  # as received: a chunk size would buffer a drip
                    received += len(chunk)
                    if received > max_bytes:
                        raise FetchError("too_large", f"body exceeds {max_bytes} bytes")
                    decoder.feed(chunk)
                    if self._clock() > deadline:
                        raise FetchError("timeout", f"total time of {s.total_timeout}s exceeded")
                return done(body=bytes(decoder.out))
        except FetchError as exc:
            return done(exc)
        except httpx.TimeoutException as exc:
            if self._clock() >= deadline:  # the socket timed out because the fetch's total time ran out
                return done(FetchError("timeout", f"total time of {s.total_timeout}s exceeded ({type(exc).__name__})"))
            return done(FetchError("timeout", f"{type(exc).__name__}: {exc or 'timed out'}"))
        except httpx.ConnectError as exc:
            return done(FetchError("connect", f"cannot connect: {exc}"))
        except (httpx.TransportError, httpx.DecodingError) as exc:
            return done(FetchError("protocol", f"{type(exc).__name__}: {exc}"))
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            return done(FetchError("bad_url", f"invalid URL {url!r}: {exc}"))
        except Exception as exc:  # a bug or a hostile server must cost one fetch, never the run
            log.exception("unexpected error fetching %s", url)
            return done(FetchError("unexpected", f"{type(exc).__name__}: {exc}"))

    def _robots_allow(self, url: str) -> tuple[bool, list[FetchRecord]]:
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        with self._lock:
            origin_lock = self._robots_locks.setdefault(origin, threading.Lock())
        records: list[FetchRecord] = []
        with origin_lock:  # one robots.txt request per origin, however many threads ask at once
            cached = self._robots.get(origin)
            if cached is None:
                cached = self._fetch_robots(origin, records)
        if isinstance(cached, bool):
            return cached, records
        return cached.can_fetch(self.settings.robots_token, url), records

    def _apply_crawl_delay(self, origin: str, rules: urllib.robotparser.RobotFileParser) -> None:
        """A robots.txt ``Crawl-delay`` lengthens (never shortens) the host's delay, up to ``http.max_crawl_delay``."""
        try:
            delay = rules.crawl_delay(self.settings.robots_token)
        except (TypeError, ValueError):
            return
        if delay:
            gate = self._gate(origin)
            gate.delay = max(gate.delay, min(float(delay), self.settings.max_crawl_delay))

    def _fetch_robots(self, origin: str, records: list[FetchRecord]) -> urllib.robotparser.RobotFileParser | bool:
        """Fetch and parse ``origin``'s robots.txt; True/False mean allow/disallow everything."""
        result = self._fetch_following(origin + "/robots.txt", "robots", None, None,
                                       max_bytes=self.settings.robots_max_bytes)
        records.extend(result.records)
        rules: urllib.robotparser.RobotFileParser | bool
        if result.ok and result.body is not None:
            rules = urllib.robotparser.RobotFileParser()
            rules.parse(result.body.decode("utf-8", "replace").splitlines())
            self._apply_crawl_delay(origin, rules)
        elif result.status is not None and 400 <= result.status < 500 and result.status != 429:
            rules = True  # RFC 9309 2.3.1.3: unavailable, crawl freely
        else:
            rules = False  # 2.3.1.4: unreachable (5xx, 429, network error): assume disallowed
        with self._lock:
            self._robots[origin] = rules
        return rules


@dataclass(frozen=True)
class _Exchange:
    record: FetchRecord
    body: bytes | None
    content_type: str
    headers: dict[str, str]
    error: FetchError | None
    location: str | None


#: Statuses worth asking again: rate limited, or a server/gateway error that may pass (not 501).
TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


def is_transient(outcome: _Exchange) -> bool:
    """A failure that may pass if asked again soon: a connect error, a timeout (but not the fetch's
    total time running out), or a transient status. Refusals (robots, address, size) never are."""
    err = outcome.error
    if err is None:
        return False
    if err.reason == "connect" or (err.reason == "timeout" and "total time" not in str(err)):
        return True
    return err.reason == "status" and err.status in TRANSIENT_STATUSES


def retry_delay(attempt: int, backoff: float, retry_after: str | None, max_retry_after: float = 30.0) -> float:
    """Seconds before retry ``attempt + 1``: ``backoff * 2**attempt``, or ``Retry-After`` seconds when
    the server says so (capped at ``max_retry_after``, ``http.max_retry_after``)."""
    delay = backoff * (2 ** attempt)
    if retry_after and retry_after.strip().isdigit():
        delay = max(delay, min(float(retry_after.strip()), max_retry_after))
    return delay

