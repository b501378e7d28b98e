"""parse_feed across formats, and the ways a feed document can be broken or hostile."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from wiredesk.domain.errors import FeedError
from wiredesk.sources.feeds import parse_feed

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Wire</title><link>https://news.example/</link><ttl>30</ttl><language>en</language>
<item><title>First</title><link>/a/1</link><guid isPermaLink="false">id-1</guid>
<pubDate>Tue, 31 Dec 2019 10:00:00 GMT</pubDate><author>jo@example.com (Jo)</author>
<category>World</category><description>Short &lt;b&gt;summary&lt;/b&gt;</description>
<content:encoded><![CDATA[<p>Full body</p>]]></content:encoded></item>
<item><title>Second</title><link>https://news.example/a/2</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<link rel="alternate" href="https://atom.example/"/><updated>2020-01-02T00:00:00Z</updated>
<entry><id>tag:atom.example,2020:1</id><title>E1</title><link rel="alternate" href="https://atom.example/e1"/>
<published>2020-01-01T12:00:00+01:00</published><updated>2020-01-02T00:00:00Z</updated>
<author><name>Ann</name></author><content type="html">&lt;p&gt;Body&lt;/p&gt;</content></entry></feed>"""

RDF = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://rdf.example/"><title>R</title>
<link>https://rdf.example/</link></channel>
<item rdf:about="https://rdf.example/1"><title>One</title><link>https://rdf.example/1</link></item></rdf:RDF>"""

JSONFEED = b"""{"version": "https://jsonfeed.org/version/1.1", "title": "J", "home_page_url": "https://j.example/",
"items": [{"id": 7, "url": "/p/7", "title": "Seven", "content_html": "<p>x</p>",
"date_published": "2019-10-12T07:20:50.52Z", "authors": [{"name": "Kim"}], "tags": ["a"]}]}"""


def test_rss2_entries_carry_identity_dates_authors_and_content():
    feed = parse_feed(RSS, "https://news.example/rss")
    assert feed.format == "rss20" and feed.title == "Wire" and feed.ttl == 30 and feed.language == "en"
    first, second = feed.entries
    assert first.guid == "id-1"
    assert first.link == "https://news.example/a/1"  # relative link resolved against the feed URL
    assert first.published_at == datetime(2019, 12, 31, 10, 0, tzinfo=UTC)
    assert first.content == "<p>Full body</p>" and "summary" in first.summary
    assert first.tags == ("World",) and first.authors
    assert second.guid is None or second.guid == second.link  # feedparser may fall back to the link


def test_an_items_own_language_wins_over_the_feeds():
    rss = b"""<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Mixed</title><link>https://news.example/</link><language>en</language>
<item><title>Bericht</title><link>https://news.example/de</link><dc:language>de</dc:language></item>
<item><title>Report</title><link>https://news.example/en</link></item></channel></rss>"""
    atom = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><title>Mixed</title>
<entry xml:lang="es"><title>Informe</title><id>urn:1</id><link href="https://news.example/es"/></entry></feed>"""
    assert [e.language for e in parse_feed(rss, "https://news.example/rss").entries] == ["de", None]  # None: the feed's "en" applies later
    assert [e.language for e in parse_feed(atom, "https://news.example/atom").entries] == ["es"]


def test_atom10_entry_fields():
    feed = parse_feed(ATOM, "https://atom.example/feed")
    assert feed.format == "atom10" and feed.link == "https://atom.example/"
    (e,) = feed.entries
    assert e.guid == "tag:atom.example,2020:1" and e.link == "https://atom.example/e1"
    assert e.published_at == datetime(2020, 1, 1, 11, 0, tzinfo=UTC)
    assert e.authors == ("Ann",) and e.content == "<p>Body</p>"


def test_rdf_rss10_is_parsed():
    feed = parse_feed(RDF, "https://rdf.example/rss")
    assert feed.format == "rss10" and [e.link for e in feed.entries] == ["https://rdf.example/1"]


def test_json_feed_is_parsed_with_lenient_ids_and_relative_urls():
    feed = parse_feed(JSONFEED, "https://j.example/feed.json")
    assert feed.format == "json11"
    (e,) = feed.entries
    assert e.guid == "7" and e.link == "https://j.example/p/7" and e.authors == ("Kim",)
    assert e.published_at is not None and e.published_at.year == 2019


def test_truncated_feed_keeps_the_entries_before_the_cut_with_a_warning():
    feed = parse_feed(RSS[: RSS.index(b"<item><title>Second")] + b"<item><title>Sec", "https://news.example/rss")
    assert feed.entries[0].guid == "id-1"
    assert feed.warnings


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"),
    (b"   \n", "empty"),
    (b"<html><body><p>Hello</p></body></html>", "not_a_feed"),
    (b"<note><to>x</to></note>", "not_a_feed"),
    (b"\x89PNG\r\n\x1a\n\0\0\0binary", "not_a_feed"),
    (b'{"items": 3}', "json"),
    (b"{not json", "json"),
])
def test_unusable_documents_raise_feed_error_with_a_reason(data, reason):
    with pytest.raises(FeedError) as info:
        parse_feed(data, "https://x.example/feed")
    assert info.value.reason == reason


BILLION_LAUGHS = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">]>
<rss version="2.0"><channel><title>&g;</title></channel></rss>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&x;</title></channel></rss>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion_laughs", "external_entity"])
def test_entity_declarations_are_refused_before_parsing(data):
    with pytest.raises(FeedError) as info:
        parse_feed(data, "https://x.example/feed")
    assert info.value.reason == "entities"


def test_netscape_rss091_doctype_without_entities_is_accepted():
    data = (b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
            b'"http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel><title>N</title>'
            b"<item><title>i</title><link>https://n.example/i</link></item></channel></rss>")
    feed = parse_feed(data, "https://n.example/rss")
    assert feed.format.startswith("rss091") and len(feed.entries) == 1


def test_control_characters_are_dropped_from_text():
    data = b'<rss version="2.0"><channel><item><title>ab\x08cd</title></item></channel></rss>'
    assert parse_feed(data, "https://x.example/").entries[0].title == "abcd"


@pytest.mark.corpus
def test_gofeed_corpus_inputs_parse_or_fail_with_a_reason(corpus):
    root = corpus / "gofeed" / "parser"
    inputs = [p for p in root.glob("*/*") if p.suffix == ".xml" or
              (p.suffix == ".json" and not p.name.endswith("_expected.json") and not p.with_suffix(".xml").exists())]
    outcomes = {"parsed": 0, "refused": 0}
    for path in inputs:
        try:
            parse_feed(path.read_bytes(), "http://example.org/feed")
            outcomes["parsed"] += 1
        except FeedError as exc:
            assert exc.reason in {"malformed", "not_a_feed", "empty", "json"}, path
            outcomes["refused"] += 1
    assert len(inputs) > 400
    assert outcomes["parsed"] >= 0.97 * len(inputs)  # gofeed's own suite includes a few invalid inputs


@pytest.mark.parametrize("doc", [
    # a "]" inside a comment or processing instruction ended the old check's view of the internal subset
    '<?xml version="1.0"?><!DOCTYPE rss [<!-- ] --><!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><title>&x;</title></channel></rss>',
    '<?xml version="1.0"?><!DOCTYPE rss [<?pi ] ?><!ENTITY x "xx">]><rss><channel><title>&x;</title></channel></rss>',
], ids=["comment", "processing_instruction"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-le", "utf-32"])
def test_entity_declarations_are_refused_however_they_are_hidden(doc, encoding):
    from wiredesk.domain.errors import FeedError
    from wiredesk.sources.feeds.opml import parse_opml
    from wiredesk.sources.feeds.sitemap import parse_sitemap

    data = doc.encode(encoding)  # utf-16 / utf-32 with a BOM; utf-16-le without one
    for parse in (lambda d: parse_feed(d, "http://example.com/f"), lambda d: parse_sitemap(d, "http://example.com/s"),
                  parse_opml):
        with pytest.raises(FeedError) as err:
            parse(data)
        assert err.value.reason == "entities"
