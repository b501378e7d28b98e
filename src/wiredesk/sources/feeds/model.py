"""The parsed form of a feed, whatever its format: ``ParsedFeed`` with ``FeedEntry`` items. Values only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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
