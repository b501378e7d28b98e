"""``parse_feed``: bytes of any supported feed format → ``ParsedFeed``.

RSS 0.9x/1.0 (RDF)/2.0 and Atom 0.3/1.0 go through feedparser; JSON Feed 1.x through
``wiredesk.sources.feeds.jsonfeed``. Contract: returns a ``ParsedFeed`` (possibly with zero entries and with
``warnings`` for problems feedparser survived, e.g. a truncated document whose first entries were
recovered) or raises ``FeedError`` with a reason:

- ``entities``: the document declares XML entities (refused before parsing; see ``xmlsafe``);
- ``not_a_feed``: neither XML nor JSON recognised as a feed (an HTML page, an unrelated XML document);
- ``malformed``: broken beyond recovery (nothing usable);
- ``json``: invalid JSON Feed.

feedparser is only ever given bytes, never a URL or path (it would fetch or open it).
"""

from __future__ import annotations

import re
from typing import Any

import feedparser

from wiredesk.domain.dates import from_struct_time
from wiredesk.domain.errors import FeedError
from wiredesk.sources.feeds.jsonfeed import looks_like_json, parse_json_feed
from wiredesk.sources.feeds.model import FeedEntry, ParsedFeed
from wiredesk.sources.feeds.xmlsafe import bom_encoding, refuse_entity_declarations

FEEDPARSER_VERSION = f"feedparser/{feedparser.__version__}"

# Problems feedparser reports through ``bozo`` that leave a usable result (listed, not guessed).
SURVIVABLE_BOZO = (
    feedparser.CharacterEncodingOverride,
    feedparser.CharacterEncodingUnknown,
    feedparser.NonXMLContentType,
    feedparser.ThingsNobodyCaresAboutButMe,
)


def parse_feed(data: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """Parse one feed document fetched from ``url`` (relative links resolve against it)."""
    if not data or not data.strip():
        raise FeedError("empty", "empty document")
    if looks_like_json(data, content_type):
        return parse_json_feed(data, url)
    refuse_entity_declarations(data)
    data, content_type = honour_bom(data, content_type)
    try:
        result = feedparser.parse(
            data,
            response_headers={"content-location": url, "content-type": content_type or "application/xml"},
            sanitize_html=True,
            resolve_relative_uris=True,
        )
    except Exception as exc:  # feedparser has no error contract of its own; nothing may escape
        raise FeedError("malformed", f"feedparser failed: {type(exc).__name__}: {exc}") from exc
    return _from_feedparser(result)


_XML_DECL_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?\bencoding\s*=\s*)(["'])[^"']*\2""")


def honour_bom(data: bytes, content_type: str) -> tuple[bytes, str]:
    """The document as UTF-8, with a content type that says so, when it starts with a byte-order mark.

    RFC 7303 (section 3.3): a BOM is authoritative, over the ``charset`` parameter and the XML declaration.
    feedparser instead reads ``text/xml`` without a charset as us-ascii (RFC 3023) and does not recover a
    UTF-16 or UTF-32 feed from it. A document whose bytes do not decode as its BOM says is left as it is.
    """
    found = bom_encoding(data)
    if found is None:
        return data, content_type
    encoding, skip = found
    try:
        text = data[skip:].decode(encoding)
    except UnicodeDecodeError:
        return data, content_type
    text = _XML_DECL_ENCODING.sub(r"\1\2utf-8\2", text, count=1)
    media = content_type.split(";", 1)[0].strip() or "application/xml"
    return text.encode("utf-8"), f"{media}; charset=utf-8"


# C0 controls other than tab/newline are illegal in XML 1.0; the loose parser lets them through.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = _CONTROL.sub("", str(value)).strip()
    return text or None


def _from_feedparser(result: Any) -> ParsedFeed:
    feed = result.get("feed", {})
    entries = result.get("entries", [])
    version = result.get("version", "")
    warnings: list[str] = []
    if result.get("bozo"):
        exc = result.get("bozo_exception")
        if not version and not entries:
            raise FeedError("not_a_feed", f"not a feed ({type(exc).__name__}: {exc})")
        if not entries and not feed and not isinstance(exc, SURVIVABLE_BOZO):
            raise FeedError("malformed", f"malformed feed, nothing recovered: {exc}")
        warnings.append(f"{type(exc).__name__}: {exc}")
    elif not version:
        raise FeedError("not_a_feed", "not a feed: no RSS, RDF or Atom root element")
    ttl = None
    raw_ttl = _text(feed.get("ttl"))
    if raw_ttl and raw_ttl.isdigit():
        ttl = int(raw_ttl)
    return ParsedFeed(
        format=version or "unknown",
        title=_text(feed.get("title")),
        link=_text(feed.get("link")),
        language=_text(feed.get("language")),
        ttl=ttl,
        updated_at=from_struct_time(dict.get(feed, "updated_parsed")),  # dict.get: no deprecated fallback
        entries=tuple(_entry(e) for e in entries),
        warnings=tuple(warnings),
    )


def _entry(e: Any) -> FeedEntry:
    authors = tuple(a for a in (_text(x.get("name")) for x in e.get("authors", []) if hasattr(x, "get")) if a)
    if not authors and _text(e.get("author")):
        authors = (_text(e.get("author")),)  # type: ignore[assignment]
    content = None
    for part in e.get("content", []) or []:
        if _text(part.get("value")):
            content = _text(part.get("value"))
            if "html" in (part.get("type") or ""):
                break
    tags = tuple(t for t in (_text(x.get("term")) for x in e.get("tags", []) or []) if t)
    published = from_struct_time(dict.get(e, "published_parsed"))
    updated = from_struct_time(dict.get(e, "updated_parsed"))
    return FeedEntry(
        guid=_text(e.get("id")),
        link=_text(e.get("link")),
        title=_text(e.get("title")),
        summary=_text(e.get("summary")),
        content=content,
        published_at=published or updated,
        updated_at=updated,
        authors=authors,
        tags=tags,
        # an item's own dc:language, else the xml:lang of its title (Atom); the feed's language is the fall-back
        language=_text(e.get("language")) or _text((e.get("title_detail") or {}).get("language")),
    )
