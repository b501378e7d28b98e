"""OPML 1.0/2.0 subscription lists: import (``parse_opml``) and export (``export_opml``).

Import walks nested outlines; the titles of enclosing folders become tags of the feeds inside.
Outlines without ``xmlUrl`` are folders, not sources. Parsing is entity-free (``xmlsafe``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from wiredesk.domain.errors import FeedError
from wiredesk.sources.feeds.xmlsafe import parse_xml


@dataclass(frozen=True)
class Subscription:
    """One feed of an OPML list."""

    url: str
    title: str | None = None
    html_url: str | None = None
    tags: tuple[str, ...] = ()


def parse_opml(data: bytes) -> list[Subscription]:
    """Subscriptions in document order; duplicates (same ``xmlUrl``) kept once, tags merged."""
    root = parse_xml(data)
    if root.tag != "opml":
        raise FeedError("not_a_feed", f"not an OPML document: root element <{root.tag}>")
    body = root.find("body")
    if body is None:
        raise FeedError("malformed", "OPML document has no <body>")
    found: dict[str, Subscription] = {}

    def walk(node: etree._Element, folders: tuple[str, ...]) -> None:
        for outline in node.findall("outline"):
            title = (outline.get("title") or outline.get("text") or "").strip() or None
            xml_url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
            if xml_url:
                prev = found.get(xml_url)
                tags = tuple(dict.fromkeys((prev.tags if prev else ()) + folders))
                html_url = (outline.get("htmlUrl") or "").strip() or None
                if prev is not None:  # first occurrence wins, later ones only fill gaps
                    title, html_url = prev.title or title, prev.html_url or html_url
                found[xml_url] = Subscription(xml_url, title, html_url, tags)
            walk(outline, folders + ((title,) if title and not xml_url else ()))

    walk(body, ())
    return list(found.values())


def export_opml(subscriptions: Iterable[Subscription], *, title: str = "wiredesk sources",
                now: datetime | None = None) -> bytes:
    """OPML 2.0 document; each subscription's first tag becomes its folder."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    if now is not None:
        etree.SubElement(head, "dateCreated").text = now.strftime("%a, %d %b %Y %H:%M:%S GMT")
    body = etree.SubElement(root, "body")
    folders: dict[str, etree._Element] = {}
    for sub in subscriptions:
        parent = body
        if sub.tags:
            parent = folders.get(sub.tags[0])
            if parent is None:
                parent = folders[sub.tags[0]] = etree.SubElement(body, "outline", text=sub.tags[0], title=sub.tags[0])
        attrs = {"type": "rss", "text": sub.title or sub.url, "title": sub.title or sub.url, "xmlUrl": sub.url}
        if sub.html_url:
            attrs["htmlUrl"] = sub.html_url
        etree.SubElement(parent, "outline", **attrs)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
