"""JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/) → ``ParsedFeed``.

feedparser 6 does not read JSON Feed, so this small parser does. It accepts what the spec requires
(an object with an ``items`` array) and is lenient where publishers are sloppy (numeric ids, missing
version, 1.0 ``author`` next to 1.1 ``authors``). Raises ``FeedError("json")`` for anything else.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from wiredesk.domain.dates import parse_published
from wiredesk.domain.errors import FeedError
from wiredesk.domain.normalize import scrub_surrogates
from wiredesk.sources.feeds.model import FeedEntry, ParsedFeed

_BOMS = (b"\xef\xbb\xbf",)


def looks_like_json(data: bytes, content_type: str = "") -> bool:
    """True when the document is JSON by media type or by its first non-blank byte."""
    if "json" in content_type.lower():
        return True
    head = data[:64]
    for bom in _BOMS:
        head = head.removeprefix(bom)
    return head.lstrip()[:1] == b"{"


def _str(value: Any) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _date(value: Any) -> datetime | None:
    """An RFC 3339 date string of the feed; anything else (a number, an object) is no date."""
    return parse_published(value, utc=True) if isinstance(value, str) else None


def _authors(obj: dict[str, Any]) -> tuple[str, ...]:
    people = obj.get("authors")
    if not isinstance(people, list):
        people = [obj["author"]] if isinstance(obj.get("author"), dict) else []
    return tuple(n for n in (_str(p.get("name")) for p in people if isinstance(p, dict)) if n)


def parse_json_feed(data: bytes, url: str) -> ParsedFeed:
    """Parse a JSON Feed document fetched from ``url``."""
    try:
        doc = scrub_surrogates(json.loads(data.decode("utf-8-sig")))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise FeedError("json", f"invalid JSON: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        raise FeedError("json", "not a JSON Feed: no 'items' array")
    version = _str(doc.get("version")) or ""
    fmt = "json11" if version.endswith("1.1") else "json10" if version.endswith(("1", "1.0")) else "json"
    base = _str(doc.get("feed_url")) or url
    entries = []
    for item in doc["items"]:
        if not isinstance(item, dict):
            continue
        link = _str(item.get("url")) or _str(item.get("external_url"))
        tags = item.get("tags") if isinstance(item.get("tags"), list) else []
        entries.append(
            FeedEntry(
                guid=_str(item.get("id")),
                link=urljoin(base, link) if link else None,
                title=_str(item.get("title")),
                summary=_str(item.get("summary")),
                content=_str(item.get("content_html")) or _str(item.get("content_text")),
                published_at=_date(item.get("date_published")),
                updated_at=_date(item.get("date_modified")),
                authors=_authors(item) or _authors(doc),
                tags=tuple(t for t in (_str(x) for x in tags) if t),
                language=_str(item.get("language")) or _str(doc.get("language")),
            )
        )
    return ParsedFeed(
        format=fmt,
        title=_str(doc.get("title")),
        link=_str(doc.get("home_page_url")),
        language=_str(doc.get("language")),
        entries=tuple(entries),
    )
