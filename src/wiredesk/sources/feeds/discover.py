"""Feed autodiscovery: from a site URL to its feed URLs.

``find_feed_links`` is pure: ``<link rel="alternate">`` elements of feed types in an HTML page, in
page order, made absolute. ``discover_feeds`` is the thin I/O driver: fetch the page (which may itself
be a feed), read its links, and if it names none, probe ``COMMON_PATHS`` keeping those that parse.
"""

from __future__ import annotations

from urllib.parse import urljoin

import lxml.html

from wiredesk.domain.errors import FeedError
from wiredesk.net.http import Fetcher
from wiredesk.net.model import FetchRecord
from wiredesk.sources.feeds.parse import parse_feed

FEED_TYPES = (
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json",
    "application/json", "text/xml", "application/xml",
)
COMMON_PATHS = ("/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml", "/feed.json",
                "/feeds/posts/default", "/?feed=rss2")


def find_feed_links(html: bytes, base_url: str) -> list[str]:
    """Absolute URLs of the feeds an HTML page advertises, deduplicated, in page order."""
    try:
        doc = lxml.html.fromstring(html, parser=lxml.html.HTMLParser(no_network=True, recover=True))
    except (ValueError, lxml.etree.ParserError):
        return []
    base = base_url
    for b in doc.iter("base"):
        if b.get("href"):
            base = urljoin(base_url, b.get("href"))
            break
    found: list[str] = []
    for link in doc.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        href = (link.get("href") or "").strip()
        if "alternate" in rels and kind in FEED_TYPES and href:
            url = urljoin(base, href)
            if url not in found:
                found.append(url)
    return found


def _is_feed(data: bytes | None, url: str, content_type: str) -> bool:
    if not data:
        return False
    try:
        parse_feed(data, url, content_type)
    except FeedError:
        return False
    return True


def discover_feeds(site_url: str, fetcher: Fetcher, *, probe_common_paths: bool = True,
                   records: list[FetchRecord] | None = None) -> list[str]:
    """Feed URLs for ``site_url``; empty when none is found. Never raises for network problems.
    The HTTP exchanges are appended to ``records`` when given (for the ``fetches`` log)."""
    log = records if records is not None else []
    page = fetcher.fetch(site_url, "discover")
    log.extend(page.records)
    if page.ok and page.body is not None:
        if _is_feed(page.body, page.final_url, page.content_type):
            return [page.final_url]
        links = find_feed_links(page.body, page.final_url)
        if links:
            return links
    if not probe_common_paths:
        return []
    base = page.final_url if page.ok else site_url
    found = []
    for path in COMMON_PATHS:
        res = fetcher.fetch(urljoin(base, path), "feed")
        log.extend(res.records)
        if res.ok and _is_feed(res.body, res.final_url, res.content_type) and res.final_url not in found:
            found.append(res.final_url)
    return found
