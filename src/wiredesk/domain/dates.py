"""Dates: the one parser of publication dates given as text or values, and the one clock.

``parse_published`` reads every date wiredesk is given: sidecars, JSON records and front matter, page
metadata found by the cleaner, and the dates of feeds, JSON Feeds and sitemaps. It returns an aware
datetime or ``None``; a date without a zone is taken as UTC, a date without a time as midnight UTC. This
is not relative-date resolution ("on Tuesday"): that belongs to event extraction (``wiredesk.events.dates``).

``utcnow`` is the one place that reads the wall clock for stored timestamps; everything that decides takes
``now`` as an argument.
"""

from __future__ import annotations

import calendar
import time
from datetime import UTC, date, datetime

from dateutil import parser as _dateutil_parser
from feedparser.datetimes import _parse_date as _feedparser_date  # RFC 822 with zone names, W3C-DTF, asctime...


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def from_struct_time(value: time.struct_time | None) -> datetime | None:
    """A UTC ``struct_time`` (what feedparser gives) as an aware datetime; ``None`` if absent or out of range."""
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def parse_published(value: object, *, utc: bool = False) -> datetime | None:
    """A publication date from a string, date, datetime or Unix timestamp; ``None`` if absent or unparseable.

    Text is read as ISO 8601 / RFC 3339 first (the zone as written is kept), then with feedparser's date
    handlers (RFC 822 with zone names such as ``EST``, W3C-DTF and the other forms feeds use; the result in
    UTC), then with dateutil (anything else it can read). ``utc=True`` returns the instant in UTC, as the
    feed parsers want it.
    """
    parsed = _parse(value)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC) if utc else parsed


def _parse(value: object) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, (int, float)):
        # a Unix timestamp, as some JSON exports carry; out of datetime's range (or nan) is no date
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, ValueError, OSError):
            return None
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    found = from_struct_time(_feedparser_date(text))
    if found is not None:
        return found
    try:
        return _dateutil_parser.parse(text)
    except (ValueError, OverflowError):
        return None
