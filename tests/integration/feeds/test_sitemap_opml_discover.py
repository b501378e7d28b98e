"""Sitemaps, OPML import/export and autodiscovery."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest

from wiredesk.domain.errors import FeedError
from wiredesk.sources.feeds.discover import discover_feeds, find_feed_links
from wiredesk.sources.feeds.opml import Subscription, export_opml, parse_opml
from wiredesk.sources.feeds.sitemap import SitemapIndex, parse_sitemap
from wiredesk.net.http import Fetcher

from support.localserver import static

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://n.example/2020/a</loc><news:news><news:publication><news:name>N</news:name>
<news:language>en</news:language></news:publication><news:publication_date>2020-01-01T10:00:00Z</news:publication_date>
<news:title>Headline A</news:title></news:news></url>
<url><loc>https://n.example/2020/b</loc><lastmod>2020-01-02</lastmod></url></urlset>"""


def test_google_news_sitemap_entries_have_title_date_and_language():
    feed = parse_sitemap(NEWS_SITEMAP, "https://n.example/news.xml")
    a, b = feed.entries
    assert (a.link, a.title, a.language) == ("https://n.example/2020/a", "Headline A", "en")
    assert a.published_at == datetime(2020, 1, 1, 10, tzinfo=UTC)
    assert b.title is None and b.updated_at == datetime(2020, 1, 2, tzinfo=UTC)


def test_gzipped_sitemap_index_lists_children():
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>/s1.xml</loc></sitemap><sitemap><loc>https://n.example/s2.xml.gz</loc></sitemap></sitemapindex>"""
    got = parse_sitemap(gzip.compress(index), "https://n.example/sitemap.xml.gz")
    assert got == SitemapIndex(("https://n.example/s1.xml", "https://n.example/s2.xml.gz"))


def test_gzipped_sitemap_bomb_is_refused():
    with pytest.raises(FeedError) as info:
        parse_sitemap(gzip.compress(b" " * 5_000_000), "https://n.example/s.xml.gz", max_decoded_bytes=100_000)
    assert info.value.reason == "too_large"


def test_sitemap_with_entities_is_refused():
    doc = b'<!DOCTYPE urlset [<!ENTITY x "y">]><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>'
    with pytest.raises(FeedError) as info:
        parse_sitemap(doc, "https://n.example/s.xml")
    assert info.value.reason == "entities"


OPML = b"""<?xml version="1.0"?><opml version="2.0"><head><title>subs</title></head><body>
<outline text="World"><outline type="rss" text="Wire" xmlUrl="https://wire.example/rss" htmlUrl="https://wire.example/"/>
<outline text="Europe"><outline type="rss" text="Euro" xmlUrl="https://eu.example/feed"/></outline></outline>
<outline type="rss" title="Solo" text="solo" xmlUrl="https://solo.example/atom.xml"/>
<outline text="Tech"><outline type="rss" text="Wire again" xmlUrl="https://wire.example/rss"/></outline>
</body></opml>"""


def test_opml_import_turns_folders_into_tags_and_merges_duplicates():
    subs = parse_opml(OPML)
    assert [s.url for s in subs] == ["https://wire.example/rss", "https://eu.example/feed", "https://solo.example/atom.xml"]
    assert subs[0].tags == ("World", "Tech") and subs[0].title == "Wire" and subs[0].html_url == "https://wire.example/"
    assert subs[1].tags == ("World", "Europe") and subs[2].title == "Solo"


def test_opml_export_round_trips():
    subs = [Subscription("https://a.example/rss", "A", "https://a.example/", ("news",)),
            Subscription("https://b.example/feed", None, None, ())]
    back = parse_opml(export_opml(subs))
    assert [(s.url, s.title, s.tags) for s in back] == [
        ("https://a.example/rss", "A", ("news",)), ("https://b.example/feed", "https://b.example/feed", ())]


def test_non_opml_is_refused():
    with pytest.raises(FeedError):
        parse_opml(b"<rss version='2.0'/>")


PAGE = b"""<html><head><base href="https://site.example/blog/">
<link rel="alternate" type="application/rss+xml" href="feed.rss">
<link rel="Alternate" type="application/atom+xml; charset=utf-8" href="/atom.xml">
<link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
<link rel="stylesheet" href="/s.css"></head><body></body></html>"""


def test_feed_links_are_found_in_page_order_and_made_absolute():
    assert find_feed_links(PAGE, "https://site.example/") == [
        "https://site.example/blog/feed.rss", "https://site.example/atom.xml"]


RSS = b"<rss version='2.0'><channel><title>t</title><item><title>i</title></item></channel></rss>"


def test_discovery_follows_link_rel_alternate(server, local_settings):
    page = f'<html><head><link rel="alternate" type="application/rss+xml" href="{server.url("/news.rss")}"></head></html>'
    site = server.route("/", static(page.encode(), "text/html"))
    with Fetcher(local_settings()) as f:
        assert discover_feeds(site, f) == [server.url("/news.rss")]


def test_discovery_probes_common_paths_when_the_page_names_no_feed(server, local_settings):
    site = server.route("/", static(b"<html><head></head><body>no feeds here</body></html>", "text/html"))
    server.route("/feed.xml", static(RSS))
    server.route("/rss", static(b"<html>not a feed</html>", "text/html"))
    with Fetcher(local_settings()) as f:
        assert discover_feeds(site, f) == [server.url("/feed.xml")]


def test_discovery_of_a_feed_url_returns_itself(server, local_settings):
    url = server.route("/feed", static(RSS))
    with Fetcher(local_settings()) as f:
        assert discover_feeds(url, f) == [url]
