"""Guards for untrusted XML (feeds, sitemaps, OPML): no entity declarations, bounded gunzip, safe lxml.

Entity expansion ("billion laughs", quadratic blowup) and external entities are refused outright,
as defusedxml does by default: a document that declares entities in its DOCTYPE is rejected with
``FeedError("entities")`` before any parser sees it. Real feeds do not declare entities; the RSS 0.91
Netscape DOCTYPE (an external DTD reference, not loaded) is still accepted. Parsers get no network.
"""

from __future__ import annotations

import re
import zlib

from lxml import etree

from wiredesk.errors import FeedError

_DOCTYPE = re.compile(rb"<!DOCTYPE[^\[>]*(\[)?", re.IGNORECASE)


def refuse_entity_declarations(data: bytes) -> None:
    """Raise ``FeedError('entities')`` if a DOCTYPE's internal subset declares entities."""
    m = _DOCTYPE.search(data)
    if m is None or m.group(1) is None:
        return
    end = data.find(b"]", m.end())
    subset = data[m.end(): end if end >= 0 else len(data)]
    if b"<!ENTITY" in subset.upper():
        raise FeedError("entities", "document declares XML entities (refused: entity expansion is unsafe)")


def gunzip_bounded(data: bytes, limit: int) -> bytes:
    """Decompress gzip ``data`` producing at most ``limit`` bytes, else ``FeedError('too_large')``."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(data, limit + 1)
    except zlib.error as exc:
        raise FeedError("malformed", f"bad gzip data: {exc}") from exc
    if len(out) > limit:
        raise FeedError("too_large", f"decompressed document exceeds {limit} bytes")
    return out


def safe_parser() -> etree.XMLParser:
    """An lxml parser that loads no DTD, resolves no entities and never touches the network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           recover=False, remove_comments=True)


def parse_xml(data: bytes) -> etree._Element:
    """Parse untrusted XML to an element tree, entity-free; ``FeedError('malformed')`` on bad XML."""
    refuse_entity_declarations(data)
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise FeedError("malformed", f"malformed XML: {exc}") from exc
    if root is None:
        raise FeedError("empty", "empty XML document")
    return root
