"""Sitemaps (sitemaps.org 0.9) and Google News sitemaps → ``ParsedFeed`` entries or child sitemaps.

A ``<urlset>`` becomes a ``ParsedFeed(format="sitemap")`` whose entries carry ``loc`` as the link and,
for Google News sitemaps, the ``<news:title>``, publication date and language. A ``<sitemapindex>``
becomes ``SitemapIndex`` (the child sitemap URLs; fetching them is the caller's decision).
Gzipped sitemaps (``.xml.gz``) are decompressed with a size bound. Parsing is entity-free (``xmlsafe``).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from wiredesk.domain.dates import parse_published
from wiredesk.domain.errors import FeedError
from wiredesk.sources.feeds.model import FeedEntry, ParsedFeed
from wiredesk.sources.feeds.xmlsafe import gunzip_bounded, parse_xml

NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


@dataclass(frozen=True)
class SitemapIndex:
    sitemaps: tuple[str, ...]


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(el, name: str, ns: str | None = None) -> str | None:  # noqa: ANN001
    for child in el:
        if _local(child.tag) == name and (ns is None or child.tag.startswith("{" + ns)):
            text = (child.text or "").strip()
            return text or None
    return None


def parse_sitemap(data: bytes, url: str, *, max_decoded_bytes: int = 50 * 1024 * 1024) -> ParsedFeed | SitemapIndex:
    """Parse a sitemap or sitemap index fetched from ``url``."""
    if data[:2] == b"\x1f\x8b":
        data = gunzip_bounded(data, max_decoded_bytes)
    root = parse_xml(data)
    kind = _local(root.tag)
    if kind == "sitemapindex":
        locs = [_child_text(sm, "loc") for sm in root if _local(sm.tag) == "sitemap"]
        return SitemapIndex(tuple(urljoin(url, loc) for loc in locs if loc))
    if kind != "urlset":
        raise FeedError("not_a_feed", f"not a sitemap: root element <{kind}>")
    entries = []
    for node in root:
        if _local(node.tag) != "url":
            continue
        loc = _child_text(node, "loc")
        if not loc:
            continue
        title = published = language = None
        for child in node:
            if _local(child.tag) == "news" and child.tag.startswith("{" + NEWS_NS):
                title = _child_text(child, "title", NEWS_NS)
                published = parse_published(_child_text(child, "publication_date", NEWS_NS), utc=True)
                for pub in child:
                    if _local(pub.tag) == "publication":
                        language = _child_text(pub, "language", NEWS_NS)
        lastmod = parse_published(_child_text(node, "lastmod"), utc=True)
        entries.append(FeedEntry(link=urljoin(url, loc), title=title, published_at=published or lastmod,
                                 updated_at=lastmod, language=language))
    return ParsedFeed(format="sitemap", link=url, entries=tuple(entries))
