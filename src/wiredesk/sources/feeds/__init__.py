"""Feed-shaped sources: RSS/Atom/RDF (``parse``), JSON Feed (``jsonfeed``), sitemaps (``sitemap``),
OPML subscription lists (``opml``) and autodiscovery (``discover``).

Everything here turns bytes into plain values (``model``); only ``discover.discover_feeds`` uses a
``Fetcher``. No database access.
"""

from wiredesk.sources.feeds.model import FeedEntry, ParsedFeed
from wiredesk.sources.feeds.parse import parse_feed

__all__ = ["FeedEntry", "ParsedFeed", "parse_feed"]
