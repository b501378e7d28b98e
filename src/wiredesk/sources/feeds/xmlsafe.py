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

from wiredesk.domain.errors import FeedError

_DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^\[>]*\[", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
# UTF-32 before UTF-16: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
         (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"))
# XML 1.0 appendix F: how "<?" or "<" starts in each encoding when there is no BOM.
_NO_BOM = ((b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"), (b"\x00<\x00", "utf-16-be"),
           (b"<\x00", "utf-16-le"))


def _as_ascii_compatible(data: bytes) -> bytes:
    """``data`` re-encoded as UTF-8 when it is UTF-16/32 (BOM or XML's own detection), else as is.

    The entity check looks for ASCII markup; a UTF-16 document hides it between NUL bytes.
    """
    head = data[:4]
    for prefix, encoding in (*_BOMS, *_NO_BOM):
        if head.startswith(prefix):
            return data.decode(encoding, "ignore").encode("utf-8")
    return data


def refuse_entity_declarations(data: bytes) -> None:
    """Raise ``FeedError('entities')`` if the document has a DOCTYPE internal subset declaring entities.

    Deliberately coarse: any ``<!ENTITY`` after a DOCTYPE with an internal subset counts, wherever it
    is, so a ``]`` inside a comment or processing instruction in the subset cannot hide one (checking
    only up to the first ``]`` could be fooled that way); UTF-16/32 documents are checked as text.
    """
    text = _as_ascii_compatible(data)
    m = _DOCTYPE_SUBSET.search(text)
    if m is not None and _ENTITY.search(text, m.end()):
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
