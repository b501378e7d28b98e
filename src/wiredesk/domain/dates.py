"""Parsing of publication dates supplied as text (sidecars, JSON records, page metadata).

Returns timezone-aware datetimes; a date without a zone is taken as UTC, a date without a time as
midnight UTC. This is not relative-date resolution ("on Tuesday"): that belongs to event extraction.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from dateutil import parser as _dateutil_parser


def parse_published(value: object) -> datetime | None:
    """Parse a publication date from a string, date or datetime; ``None`` if absent or unparseable."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, (int, float)):
        # a Unix timestamp, as some JSON exports carry; out of datetime's range (or nan) is no date
        try:
            return datetime.fromtimestamp(value, tz=timezone.utc)
        except (OverflowError, ValueError, OSError):
            return None
    else:
        text = str(value).strip()
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            try:
                parsed = _dateutil_parser.parse(text)
            except (ValueError, OverflowError):
                return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed
