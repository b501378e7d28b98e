"""The parsed form of a feed, whatever its format: ``ParsedFeed`` with ``FeedEntry`` items. Values only."""

from __future__ import annotations

import calendar
import time
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed or sitemap, as the publisher described it (links absolute, not canonical)."""

    guid: str | None = None
    link: str | None = None
    title: str | None = None
    summary: str | None = None  # HTML or text, as given
    content: str | None = None  # full content (HTML) when the feed carries it
    published_at: datetime | None = None
    updated_at: datetime | None = None
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    language: str | None = None


@dataclass(frozen=True)
class ParsedFeed:
    """A feed after parsing. ``format`` is e.g. ``rss20``, ``atom10``, ``rss10`` (RDF), ``json11``,
    ``sitemap``. ``ttl`` is the RSS ``<ttl>`` in minutes. ``warnings`` lists survived parse problems."""

    format: str
    title: str | None = None
    link: str | None = None
    language: str | None = None
    ttl: int | None = None
    updated_at: datetime | None = None
    entries: tuple[FeedEntry, ...] = ()
    warnings: tuple[str, ...] = ()


def from_struct_time(value: time.struct_time | None) -> datetime | None:
    """feedparser's UTC ``struct_time`` as an aware datetime."""
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def parse_date(text: str | None) -> datetime | None:
    """ISO 8601 / RFC 3339 (JSON Feed, sitemaps) or RFC 822 date text as an aware UTC datetime."""
    if not text or not isinstance(text, str):
        return None
    text = text.strip()
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        # feedparser knows the zoo of dates found in the wild (RFC 822, W3C-DTF, ...).
        from feedparser.datetimes import _parse_date

        return from_struct_time(_parse_date(text))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
