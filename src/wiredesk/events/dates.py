"""Resolve a date expression against a document's publication date, with a precision.

Pure: ``resolve_date("on Sunday", published)`` → ``DateRef(2019-12-29, 2019-12-29, "day")``. Relative
expressions ("yesterday", "on Tuesday", "last week") need the publication date; without it they resolve to
``unknown``. News reports past actions, so a bare weekday is the latest such day on or before publication
(an article published on a Tuesday saying "on Tuesday" means that day) unless ``future`` is set. "Last week"
is the whole previous Monday–Sunday week (precision ``week``), "last month" the previous calendar month.

This module is not a general date parser: anything it does not recognise is ``None`` (never a guess).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

from wiredesk.events.model import DateRef

WEEKDAYS = {name: i for i, name in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
MONTHS = {name: i + 1 for i, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"))}
MONTHS.update({m[:3]: n for m, n in list(MONTHS.items())})
MONTHS["sept"] = 9

_MONTH_RE = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTH_DAY = re.compile(_MONTH_RE + r"\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?")
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_RE + r"(?:,?\s+(\d{4}))?")
_MONTH_YEAR = re.compile(_MONTH_RE + r",?\s+(\d{4})\b")
_YEAR = re.compile(r"^(?:in\s+|since\s+|during\s+)?(1[89]\d\d|20\d\d)$")
_WEEKDAY = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b")
_AGO = re.compile(r"\b(\d+|a|one|two|three|four|five|six|seven|eight|nine|ten)\s+(day|week|month|year)s?\s+ago\b")
_NUMBER_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10}


def _day(d: date, text: str) -> DateRef:
    return DateRef(d, d, "day", text)


def _week_of(d: date) -> tuple[date, date]:
    monday = d - timedelta(days=d.weekday())
    return monday, monday + timedelta(days=6)


def _month_of(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _infer_year(month: int, day: int, pub: date | None) -> int | None:
    """The year of a month and day without one: the publication year, or the year before when that would put
    the date more than a week after publication (news reports the past: "Dec. 31" in a January article)."""
    if pub is None:
        return None
    try:
        candidate = date(pub.year, month, day)
    except ValueError:
        return None
    return pub.year - 1 if candidate > pub + timedelta(days=7) else pub.year


def resolve_date(expression: str, published: date | datetime | None, *, future: bool = False) -> DateRef | None:
    """Resolve one date expression (e.g. the text of a DATE entity) against the publication date.

    Returns ``None`` when the expression is not a date this module understands ("recent years",
    "the 1950s"), so callers can tell "no date" from "a date we could not place".
    """
    text = expression.strip()
    s = text.lower().replace("\u2019", "'")
    s = re.sub(r"'s$", "", s).strip()
    pub = published.date() if isinstance(published, datetime) else published

    # 1. Absolute dates: need no publication date except to supply a missing year.
    if m := _ISO.search(s):
        try:
            return _day(date(int(m[1]), int(m[2]), int(m[3])), text)
        except ValueError:
            return None
    # "Dec. 31[, 2019]" first, then "31 December [2019]": the same resolution, groups in another order
    for pattern, month_group, day_group in ((_MONTH_DAY, 1, 2), (_DAY_MONTH, 2, 1)):
        if m := pattern.search(s):
            month, day = MONTHS[m[month_group]], int(m[day_group])
            year = int(m[3]) if m[3] else _infer_year(month, day, pub)
            if year is None:
                return None
            try:
                return _day(date(year, month, day), text)
            except ValueError:
                return None
    if m := _MONTH_YEAR.search(s):
        start, end = _month_of(int(m[2]), MONTHS[m[1]])
        return DateRef(start, end, "month", text)
    if m := _YEAR.match(s):
        year = int(m[1])
        return DateRef(date(year, 1, 1), date(year, 12, 31), "year", text)

    # 2. Relative dates: resolved against the publication date.
    if pub is None:
        return None
    if re.search(r"\b(today|tonight|this (morning|afternoon|evening))\b", s):
        return _day(pub, text)
    if re.search(r"\b(yesterday|last night)\b", s):
        return _day(pub - timedelta(days=1), text)
    if re.search(r"\btomorrow\b", s):
        return _day(pub + timedelta(days=1), text)
    if m := _WEEKDAY.search(s):
        wanted = WEEKDAYS[m[1]]
        if future or re.search(r"\bnext\b", s):
            offset = (wanted - pub.weekday()) % 7 or 7
            return _day(pub + timedelta(days=offset), text)
        offset = (pub.weekday() - wanted) % 7
        if re.search(r"\blast\b", s) and offset == 0:
            offset = 7
        return _day(pub - timedelta(days=offset), text)
    if m := _AGO.search(s):
        n = _NUMBER_WORDS.get(m[1]) or int(m[1])
        unit = m[2]
        if unit == "day":
            return _day(pub - timedelta(days=n), text)
        if unit == "week":
            start, end = _week_of(pub - timedelta(weeks=n))
            return DateRef(start, end, "week", text)
        if unit == "month":
            y, mo = divmod(pub.year * 12 + pub.month - 1 - n, 12)
            start, end = _month_of(y, mo + 1)
            return DateRef(start, end, "month", text)
        return DateRef(date(pub.year - n, 1, 1), date(pub.year - n, 12, 31), "year", text)
    if re.search(r"\b(last|past|previous) week\b", s):
        start, end = _week_of(pub - timedelta(days=7))
        return DateRef(start, end, "week", text)
    if re.search(r"\b(this|earlier this) week\b", s):
        start, _ = _week_of(pub)
        return DateRef(start, pub, "week", text)
    if re.search(r"\bnext week\b", s):
        start, end = _week_of(pub + timedelta(days=7))
        return DateRef(start, end, "week", text)
    if re.search(r"\b(last|past|previous) month\b", s):
        y, mo = divmod(pub.year * 12 + pub.month - 2, 12)
        start, end = _month_of(y, mo + 1)
        return DateRef(start, end, "month", text)
    if re.search(r"\b(this|earlier this) month\b", s):
        return DateRef(date(pub.year, pub.month, 1), pub, "month", text)
    if re.search(r"\b(last|past|previous) year\b", s):
        return DateRef(date(pub.year - 1, 1, 1), date(pub.year - 1, 12, 31), "year", text)
    if re.search(r"\b(this|earlier this) year\b", s):
        return DateRef(date(pub.year, 1, 1), pub, "year", text)
    return None


def overlaps(a: DateRef, b: DateRef, slack_days: int = 0) -> bool:
    """Whether two known date ranges can be the same time (widened by ``slack_days`` on each side)."""
    if not (a.known and b.known):
        return True
    slack = timedelta(days=slack_days)
    return a.start - slack <= b.end and b.start - slack <= a.end
