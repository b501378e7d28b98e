"""Hypothesis strategies for malformed input: random bytes, and structure-aware mutations of real documents.

Mutations start from real inputs (the seeds, tests/data/article.html, built-in feeds of every format and,
when the shared corpus is present, gofeed's test feeds) and apply what breaks parsers in the wild:
truncation, byte flips, splices of two documents, and insertions of hostile fragments (entity
declarations, NULs, stray CDATA ends, BOMs, lone surrogates' bytes, huge numbers, odd dates).
"""

from __future__ import annotations


from hypothesis import strategies as st

from conftest import REPO, corpus_dir  # tests/conftest.py: the one place that knows where the corpus lives


RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wire</title><link>https://example.com/</link><ttl>15</ttl>
<item><title>Embassy stormed</title><link>https://example.com/a?utm_source=rss</link><guid>a1</guid>
<pubDate>Tue, 31 Dec 2019 10:00:00 GMT</pubDate><description>&lt;p&gt;Protesters broke in.&lt;/p&gt;</description></item>
<item><title>Second</title><link>/relative/b</link><dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">AP</dc:creator></item>
</channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom wire</title><updated>2019-12-31T10:00:00Z</updated>
<entry><id>tag:example.com,2019:1</id><title type="html">Embassy &amp;amp; protest</title>
<link rel="alternate" href="https://example.com/atom/1"/><published>2019-12-31T09:00:00+03:00</published>
<content type="html">&lt;p&gt;Dozens of protesters.&lt;/p&gt;</content><author><name>Reporter</name></author></entry></feed>"""
RDF = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://example.com/"><title>RDF</title><link>https://example.com/</link></channel>
<item rdf:about="https://example.com/r/1"><title>One</title><link>https://example.com/r/1</link></item></rdf:RDF>"""
JSON_FEED = b"""{"version": "https://jsonfeed.org/version/1.1", "title": "JSON wire", "items": [
{"id": "1", "url": "https://example.com/j/1", "title": "One", "content_html": "<p>Text</p>",
 "date_published": "2019-12-31T10:00:00Z", "authors": [{"name": "AP"}], "tags": ["world"]},
{"id": 2, "content_text": "no url", "date_modified": "not a date"}]}"""
SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://example.com/s/1</loc><lastmod>2019-12-31</lastmod><news:news><news:title>One</news:title>
<news:publication_date>2019-12-31T10:00:00Z</news:publication_date></news:news></url></urlset>"""
SITEMAP_INDEX = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://example.com/sitemap-1.xml</loc></sitemap></sitemapindex>"""
OPML = b"""<?xml version="1.0"?><opml version="2.0"><head><title>subs</title></head><body>
<outline text="World" title="World"><outline type="rss" text="Wire" xmlUrl="https://example.com/rss" htmlUrl="https://example.com/"/>
</outline><outline type="rss" text="No url"/></body></opml>"""
HTML = (REPO / "tests" / "data" / "article.html").read_bytes()

FEEDS = [RSS, ATOM, RDF, JSON_FEED]
XML_DOCS = [RSS, ATOM, RDF, SITEMAP, SITEMAP_INDEX, OPML]

HOSTILE_FRAGMENTS = [
    b"<!DOCTYPE x [<!ENTITY a \"aaaa\">]>", b"&a;", b"&#0;", b"&#xD800;", b"&#99999999999;", b"]]>", b"<![CDATA[",
    b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\xed\xa0\x80", b"\xc0\xaf", b"<", b">", b"&", b"\"", b"'",
    b"<item>", b"</channel>", b"<entry>", b"<url><loc>", b"javascript:alert(1)", b"http://[::1", b"http://%zz/",
    b"99999999999999999999", b"-1", b"1e309", b"NaN", b"Tue, 31 Feb 2019 25:61:61 +9999", b"0000-00-00T00:00:00Z",
    b"9999-12-31T23:59:60+14:00", b"<meta charset=\"utf-16\">", b"<meta charset=\"idna\">", b"---\n", b"\n---\n",
    b"{", b"}", b"[", b"]", b"null", b"\"version\": 1", b"\\ud800", b"<script>", b"<table><tr><td>", b"<figure>",
    b"<figcaption>", b"\r", b"\t" * 50, "é".encode("utf-16-le"), b"\x1b[31m",
]


def corpus_documents(limit: int = 200) -> list[bytes]:
    """gofeed's test feeds from the shared corpus (when present), the first ``limit`` by path."""
    root = corpus_dir() / "gofeed"
    if not root.is_dir():
        return []
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".xml", ".json", ".rss", ".atom"))
    return [p.read_bytes()[:200_000] for p in files[:limit]]


@st.composite
def mutated(draw, seeds: list[bytes]) -> bytes:
    """One of ``seeds`` with 1-6 structure-breaking mutations."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            data += draw(st.binary(max_size=64))
            continue
        op = draw(st.sampled_from(["truncate", "flip", "insert", "fragment", "delete", "splice", "duplicate"]))
        i = draw(st.integers(0, len(data) - 1))
        if op == "truncate":
            del data[i:]
        elif op == "flip":
            data[i] = draw(st.integers(0, 255))
        elif op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=32))
        elif op == "fragment":
            data[i:i] = draw(st.sampled_from(HOSTILE_FRAGMENTS))
        elif op == "delete":
            del data[i:i + draw(st.integers(1, 64))]
        elif op == "splice":
            other = draw(st.sampled_from(seeds))
            j = draw(st.integers(0, len(other)))
            data[i:] = other[j:]
        else:  # duplicate a slice many times: deep nesting, long runs
            j = min(len(data), i + draw(st.integers(1, 40)))
            data[i:i] = data[i:j] * draw(st.integers(2, 200))
    return bytes(data)


def documents(seeds: list[bytes]) -> st.SearchStrategy[bytes]:
    """Mutated real documents, mostly, and some purely random bytes."""
    return st.one_of(mutated(seeds), mutated(seeds), mutated(seeds), st.binary(max_size=2048))


#: text with the characters that break text handling: controls, surrogates, combining marks, RTL, NBSP
nasty_text = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()), max_size=400
) | st.sampled_from(["", " ", "\n\n\n", "\u2028", "\ufeff", "\x00", "\u202e", "a\u0301" * 50, "—" * 300])
