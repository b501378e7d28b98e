"""The sources file (``config/sources.toml``): which feeds, sitemaps and sites to follow, and how.

    [defaults]                 # optional; applies to every [[source]] that does not say otherwise
    interval = "30m"           # 90s, 30m, 2h, 1d, or a number of minutes
    full_articles = true       # fetch each new entry's page; false: trust the content in the feed

    [[source]]
    name = "ap-top"            # unique; defaults to the URL's host and path
    url = "https://example.com/rss"
    kind = "feed"              # feed | sitemap | site (autodiscover the feed from a site URL)
    interval = "15m"
    tags = ["world", "wire"]
    enabled = true
    full_articles = true
    drop_urls = ["*/video/*"]  # filters before fetching (wiredesk.sources.filters): keep_/drop_ languages,
    keep_keywords = ["harbour"]  # urls and keywords; a [defaults] filter applies to every source

Loaded once and validated; every error names the file, the source and the key. This module only reads
and validates: the ``sources`` table (and ``wiredesk sources add|remove``) keep the state.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from wiredesk.domain.errors import ConfigError
from wiredesk.domain.urls import is_http_url
from wiredesk.sources.filters import FILTER_KEYS, EntryFilter, parse_filter

KINDS = ("feed", "sitemap", "site")
DEFAULT_INTERVAL = timedelta(minutes=30)
MIN_INTERVAL = timedelta(minutes=1)
_KEYS = {"name", "url", "kind", "interval", "tags", "enabled", "full_articles", *FILTER_KEYS}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$")


@dataclass(frozen=True)
class SourceConfig:
    name: str
    url: str
    kind: str = "feed"
    interval: timedelta = DEFAULT_INTERVAL
    tags: tuple[str, ...] = field(default_factory=tuple)
    enabled: bool = True
    full_articles: bool = True
    #: what is fetched of its entries; read from the sources file at each run, not stored in ``sources``
    #: (so not compared: a stored row has none)
    filter: EntryFilter = field(default_factory=EntryFilter, compare=False)


def parse_duration(value: Any, key: str) -> timedelta:
    """``"90s"``, ``"30m"``, ``"2h"``, ``"1d"`` or a number of minutes."""
    if isinstance(value, bool):
        raise ConfigError(f"{key}: expected a duration like '30m', got {value!r}")
    if isinstance(value, (int, float)):
        value = f"{value}m"
    m = _DURATION.match(value) if isinstance(value, str) else None
    if not m:
        raise ConfigError(f"{key}: expected a duration like '90s', '30m', '2h' or '1d', got {value!r}")
    unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}[m.group(2) or "m"]
    result = timedelta(**{unit: float(m.group(1))})
    if result < MIN_INTERVAL:
        raise ConfigError(f"{key}: {value!r} is shorter than the minimum of 1 minute")
    return result


def format_duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def default_name(url: str) -> str:
    parts = urlsplit(url)
    return (parts.hostname or "source") + parts.path.rstrip("/")


def make_source(raw: dict[str, Any], where: str, defaults: dict[str, Any] | None = None) -> SourceConfig:
    """Validate one source table (``where`` names it in errors, e.g. ``sources.toml: source[2]``)."""
    merged = {**(defaults or {}), **raw}
    unknown = set(merged) - _KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} (known: {', '.join(sorted(_KEYS))})")
    url = merged.get("url")
    if not isinstance(url, str) or not is_http_url(url):
        raise ConfigError(f"{where}.url: expected an http(s) URL, got {url!r}")
    kind = merged.get("kind", "feed")
    if kind not in KINDS:
        raise ConfigError(f"{where}.kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    name = merged.get("name", default_name(url))
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}.name: expected a non-empty string, got {name!r}")
    tags = merged.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        raise ConfigError(f"{where}.tags: expected a list of strings, got {tags!r}")
    for key in ("enabled", "full_articles"):
        if key in merged and not isinstance(merged[key], bool):
            raise ConfigError(f"{where}.{key}: expected true or false, got {merged[key]!r}")
    interval = parse_duration(merged["interval"], f"{where}.interval") if "interval" in merged else DEFAULT_INTERVAL
    return SourceConfig(name=name.strip(), url=url.strip(), kind=kind, interval=interval,
                        tags=tuple(t.strip() for t in tags), enabled=merged.get("enabled", True),
                        full_articles=merged.get("full_articles", True), filter=parse_filter(merged, where))


def parse_sources(text: str, origin: str = "sources.toml") -> list[SourceConfig]:
    """Validate a sources document; names and URLs must be unique."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: invalid TOML: {exc}") from exc
    unknown = set(doc) - {"defaults", "source"}
    if unknown:
        raise ConfigError(f"{origin}: unknown table(s) {', '.join(sorted(unknown))} (expected [defaults] and [[source]])")
    defaults = doc.get("defaults", {})
    if not isinstance(defaults, dict) or "url" in defaults or "name" in defaults:
        raise ConfigError(f"{origin}: [defaults] must be a table without url or name")
    raw_sources = doc.get("source", [])
    if not isinstance(raw_sources, list):
        raise ConfigError(f"{origin}: 'source' must be an array of tables ([[source]])")
    sources: list[SourceConfig] = []
    seen_names: dict[str, int] = {}
    seen_urls: dict[str, int] = {}
    for i, raw in enumerate(raw_sources):
        where = f"{origin}: source[{i}]"
        src = make_source(raw, where, defaults)
        if src.name in seen_names:
            raise ConfigError(f"{where}.name: {src.name!r} already used by source[{seen_names[src.name]}]")
        if src.url in seen_urls:
            raise ConfigError(f"{where}.url: {src.url!r} already used by source[{seen_urls[src.url]}]")
        seen_names[src.name], seen_urls[src.url] = i, i
        sources.append(src)
    return sources


def load_sources(path: Path) -> list[SourceConfig]:
    """Read and validate a sources file; a missing file is a ``ConfigError`` naming it."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read sources file: {exc.strerror}") from exc
    return parse_sources(text, str(path))
