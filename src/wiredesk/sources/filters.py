"""Filters before fetching: which entries of a feed or records of a URL list are worth fetching. Pure.

One ``EntryFilter`` per source (a feed's ``[[source]]`` in the sources file, the ``[urls]`` settings for URL
lists), read from six keys, each a list of strings:

    keep_languages = ["en", "de"]     # the entry's language (feed or record), base code; unknown: kept
    drop_languages = ["ru"]
    keep_urls = ["*/world/*"]         # URL patterns: a glob matched against the whole URL (fnmatch, case
    drop_urls = ["re:/video/\\d+"]    # insensitive), or a regular expression after "re:", searched anywhere
    keep_keywords = ["harbour"]       # words or phrases in the title or summary, case insensitive, whole words
    drop_keywords = ["horoscope"]

An entry is dropped by the first rule it fails, in that order of keys: a ``drop_*`` rule it matches, or a
``keep_*`` rule (when given) none of whose values it matches. ``decide`` names that rule; a dropped entry
is counted under it and never fetched. Not here: reading the sources file (``wiredesk.sources.config``),
counting or storing (the pipeline and the store).
"""

from __future__ import annotations

import fnmatch
import html
import re
from dataclasses import dataclass
from typing import Any

from wiredesk.domain.errors import ConfigError

#: The filter keys, in the order ``decide`` applies them.
FILTER_KEYS = ("drop_languages", "keep_languages", "drop_urls", "keep_urls", "drop_keywords", "keep_keywords")
_TAGS = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class EntryFilter:
    """The six lists of one source's filter (see the module docstring); all empty keeps everything."""

    keep_languages: tuple[str, ...] = ()
    drop_languages: tuple[str, ...] = ()
    keep_urls: tuple[str, ...] = ()
    drop_urls: tuple[str, ...] = ()
    keep_keywords: tuple[str, ...] = ()
    drop_keywords: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return any(getattr(self, k) for k in FILTER_KEYS)


def parse_filter(raw: dict[str, Any], where: str) -> EntryFilter:
    """The filter keys of ``raw`` (other keys are the caller's), validated; ``where`` names the table in errors.
    A regular expression that does not compile is a ``ConfigError`` now, not a surprise at fetch time."""
    values: dict[str, tuple[str, ...]] = {}
    for key in FILTER_KEYS:
        if key not in raw:
            continue
        value = raw[key]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ConfigError(f"{where}.{key}: expected a list of non-empty strings, got {value!r}")
        values[key] = tuple(v.strip() for v in value)
    for key in ("keep_urls", "drop_urls"):
        for pattern in values.get(key, ()):
            if pattern.startswith("re:"):
                try:
                    re.compile(pattern[3:])
                except re.error as exc:
                    raise ConfigError(f"{where}.{key}: {pattern!r} is not a regular expression: {exc}") from None
    for key in ("keep_languages", "drop_languages"):
        values[key] = tuple(_base(v) for v in values.get(key, ()))
    return EntryFilter(**values)


def _base(language: str) -> str:
    return re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]


def _url_matches(pattern: str, url: str) -> bool:
    if pattern.startswith("re:"):
        return re.search(pattern[3:], url) is not None
    return fnmatch.fnmatchcase(url.lower(), pattern.lower())


def _has_keyword(keyword: str, text: str) -> bool:
    words = r"\s+".join(re.escape(w) for w in keyword.lower().split())
    return re.search(rf"(?<!\w){words}(?!\w)", text) is not None


def decide(rules: EntryFilter, url: str | None, language: str | None, title: str | None,
           summary: str | None) -> str | None:
    """The rule that drops this entry (a key of ``FILTER_KEYS``), or None when it is kept. An unknown
    language passes the language rules (the page's own language is known only after fetching it); an entry
    without a URL passes the URL rules."""
    lang = _base(language) if language and language.strip() else None
    if lang and lang in rules.drop_languages:
        return "drop_languages"
    if lang and rules.keep_languages and lang not in rules.keep_languages:
        return "keep_languages"
    if url and any(_url_matches(p, url) for p in rules.drop_urls):
        return "drop_urls"
    if url and rules.keep_urls and not any(_url_matches(p, url) for p in rules.keep_urls):
        return "keep_urls"
    if rules.drop_keywords or rules.keep_keywords:
        text = " ".join(html.unescape(_TAGS.sub(" ", t)) for t in (title, summary) if t).lower()
        if any(_has_keyword(k, text) for k in rules.drop_keywords):
            return "drop_keywords"
        if rules.keep_keywords and not any(_has_keyword(k, text) for k in rules.keep_keywords):
            return "keep_keywords"
    return None
