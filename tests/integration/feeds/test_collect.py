"""The feed stage end to end against a local server, without a database: what is fetched, what is built."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from wiredesk.sources.entries import KnownEntries
from wiredesk.sources.feeds.collect import decode_html, fetch_articles, fetch_sources, plan_run
from wiredesk.net.http import Fetcher
from wiredesk.sources.schedule import SourceState, is_due
from wiredesk.sources.config import SourceConfig

from support.localserver import redirect, static

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)


def rss(server, ids, *, utm=False) -> bytes:
    items = "".join(
        f"<item><title>Story {i}</title><link>{server.url(f'/a/{i}')}{'?utm_source=rss' if utm else ''}</link>"
        f"<guid>story-{i}</guid><pubDate>Tue, 31 Dec 2019 1{i % 10}:00:00 GMT</pubDate>"
        f"<description>Summary of story {i}, long enough to be a real summary of the article.</description></item>"
        for i in ids)
    return f"<rss version='2.0'><channel><title>Local News</title><ttl>5</ttl>{items}</channel></rss>".encode()


def article(i: int) -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>Story {i}</title></head><body><article><h1>Story {i}</h1>"
            f"<p>Paragraph one of story {i} — with an em dash.</p></article></body></html>").encode()


def site(server, ids, etag='"v1"'):
    server.route("/robots.txt", static(b"User-agent: *\nDisallow: /private/\n", "text/plain"))
    server.route("/feed", static(rss(server, ids), etag=etag))
    for i in ids:
        server.route(f"/a/{i}", static(article(i), "text/html; charset=utf-8"))


def collect_items(run, known, fetcher, max_entries=1000):
    """Plan one source's entries and fetch its new articles, as a run's collect stage does."""
    fetch_articles([(run, plan_run(run, known, max_entries))], fetcher)
    return run


def run_once(fetcher, source, state, known):
    (run,) = fetch_sources([(source, state)], fetcher, now=NOW)
    collect_items(run, known, fetcher)
    return run


def test_first_run_fetches_every_article_second_run_costs_one_304(server, local_settings):
    site(server, range(3))
    src = SourceConfig("local", server.url("/feed"))
    with Fetcher(local_settings()) as f:
        first = run_once(f, src, SourceState(), KnownEntries())
        assert first.counts()["new"] == 3 and len(first.items) == 3 and not first.failures
        item = first.items[0]
        assert item.kind == "html" and "em dash" in item.content and item.meta.title == "Story 0"
        assert item.meta.url == server.url("/a/0").replace("http://", "https://")  # canonical doc key
        assert item.meta.source == "Local News" and item.meta.published_at is not None
        assert first.state.etag == '"v1"' and first.state.next_fetch_at == NOW + timedelta(minutes=30)

        second = run_once(f, src, first.state, KnownEntries.of(first.remember))
    assert second.not_modified and second.items == [] and second.plans == []
    assert [r.status for r in second.fetches] == [304]
    assert len(server.hits("/a/0")) == 1


def test_changed_feed_fetches_only_new_articles_and_ignores_tracking_variants(server, local_settings):
    site(server, range(3))
    src = SourceConfig("local", server.url("/feed"))
    with Fetcher(local_settings()) as f:
        first = run_once(f, src, SourceState(), KnownEntries())
        server.route("/feed", static(rss(server, range(4), utm=True), etag='"v2"'))
        server.route("/a/3", static(article(3), "text/html"))
        second = run_once(f, src, first.state, KnownEntries.of(first.remember))
    assert second.counts() == {"new": 1, "changed": 0, "unchanged": 3, "skipped": 0, "items": 1, "failures": 0}
    assert len(server.hits("/a/0")) == 1  # known articles are not downloaded again
    assert [p.record.doc_key for p in second.plans if p.action == "new"] == [server.url("/a/3").replace("http", "https", 1)]
    # the three known entries keep their document keys although their links gained ?utm_source
    assert {p.record.doc_key for p in second.plans[:3]} == {p.record.doc_key for p in first.plans}


def test_a_broken_source_does_not_stop_the_others(server, local_settings):
    site(server, range(2))
    server.route("/broken", static(b"oops", "text/plain", status=500))
    server.route("/garbage", static(b"<html>not a feed</html>", "text/html"))
    sources = [(SourceConfig("bad", server.url("/broken")), SourceState()),
               (SourceConfig("junk", server.url("/garbage")), SourceState()),
               (SourceConfig("good", server.url("/feed")), SourceState())]
    with Fetcher(local_settings()) as f:
        runs = fetch_sources(sources, f, now=NOW)
        for run in runs:
            collect_items(run, KnownEntries(), f)
    bad, junk, good = runs
    assert [x.reason for x in bad.failures] == ["status"] and bad.state.consecutive_failures == 1
    assert bad.state.next_fetch_at > NOW
    assert [x.reason for x in junk.failures] == ["not_a_feed"] and junk.items == []
    assert len(good.items) == 2 and not good.failures and good.state.consecutive_failures == 0


def test_gone_feed_disables_its_source(server, local_settings):
    server.route("/gone", static(b"", "text/plain", status=410))
    with Fetcher(local_settings()) as f:
        (run,) = fetch_sources([(SourceConfig("g", server.url("/gone")), SourceState())], f, now=NOW)
    assert run.state.disabled and not is_due(run.state, NOW + timedelta(days=30))


def test_failed_article_is_recorded_and_retried_next_run(server, local_settings):
    site(server, range(2))
    server.route("/a/1", static(b"missing", "text/plain", status=404))
    src = SourceConfig("local", server.url("/feed"))
    with Fetcher(local_settings()) as f:
        first = run_once(f, src, SourceState(), KnownEntries())
        server.route("/a/1", static(article(1), "text/html"))
        server.route("/feed", static(rss(server, range(2)), etag='"v2"'))
        second = run_once(f, src, first.state, KnownEntries.of(first.remember))
    assert [(x.reason, x.origin.endswith("/a/1")) for x in first.failures] == [("status", True)]
    assert len(first.items) == 1 and len(first.remember) == 1
    assert [p.action for p in second.plans] == ["unchanged", "new"] and len(second.items) == 1


def test_robots_disallowed_article_is_not_fetched(server, local_settings):
    site(server, range(1))
    feed = f"<rss version='2.0'><channel><item><title>P</title><link>{server.url('/private/x')}</link></item></channel></rss>"
    server.route("/pfeed", static(feed.encode()))
    server.route("/private/x", static(article(9), "text/html"))
    with Fetcher(local_settings()) as f:
        run = run_once(f, SourceConfig("p", server.url("/pfeed")), SourceState(), KnownEntries())
    assert [x.reason for x in run.failures] == ["robots"] and server.hits("/private/x") == []


def test_trusting_feed_content_fetches_no_article(server, local_settings):
    site(server, range(2))
    with Fetcher(local_settings()) as f:
        run = run_once(f, SourceConfig("t", server.url("/feed"), full_articles=False), SourceState(), KnownEntries())
    assert len(run.items) == 2 and "Summary of story 0" in run.items[0].content
    assert server.hits("/a/0") == []


def test_sitemap_source_yields_its_urls(server, local_settings):
    site(server, range(2))
    sm = ("<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
          + "".join(f"<url><loc>{server.url(f'/a/{i}')}</loc></url>" for i in range(2)) + "</urlset>")
    server.route("/sitemap.xml", static(sm.encode(), "application/xml"))
    with Fetcher(local_settings()) as f:
        run = run_once(f, SourceConfig("s", server.url("/sitemap.xml"), kind="sitemap"), SourceState(), KnownEntries())
    assert len(run.items) == 2 and run.feed.format == "sitemap"


def test_site_source_is_autodiscovered_once(server, local_settings):
    site(server, range(1))
    page = f'<html><head><link rel="alternate" type="application/rss+xml" href="{server.url("/feed")}"></head></html>'
    server.route("/home", static(page.encode(), "text/html"))
    src = SourceConfig("site", server.url("/home"), kind="site")
    with Fetcher(local_settings()) as f:
        first = run_once(f, src, SourceState(), KnownEntries())
        second = run_once(f, src, first.state, KnownEntries.of(first.remember))
    assert first.state.feed_url == server.url("/feed") and len(first.items) == 1
    assert second.not_modified and len(server.hits("/home")) == 1


def test_html_is_decoded_with_the_declared_charset():
    assert decode_html("café".encode("latin-1"), "text/html; charset=ISO-8859-1") == "café"
    assert decode_html(b"<meta charset='windows-1252'>caf\xe9") .endswith("café")
    assert decode_html("café".encode()) == "café"


def test_truncated_feed_still_yields_the_entries_before_the_cut(server, local_settings):
    site(server, range(3))
    whole = rss(server, range(3))
    server.route("/cut", static(whole[: whole.index(b"<item><title>Story 2")] + b"<item><title>Sto"))
    with Fetcher(local_settings()) as f:
        run = run_once(f, SourceConfig("cut", server.url("/cut")), SourceState(), KnownEntries())
    assert len(run.items) == 2 and run.feed.warnings and not run.failures


def test_rate_limited_feed_waits_at_least_retry_after(server, local_settings):
    server.route("/busy", static(b"slow down", "text/plain", status=429, headers={"Retry-After": "3600"}))
    with Fetcher(local_settings()) as f:
        (run,) = fetch_sources([(SourceConfig("b", server.url("/busy"), interval=timedelta(minutes=5)), SourceState())],
                               f, now=NOW)
    assert run.state.next_fetch_at >= NOW + timedelta(hours=1)
    assert run.state.consecutive_failures == 1 and run.state.last_status == 429
    assert [x.reason for x in run.failures] == ["status"]


def test_entries_beyond_the_per_feed_limit_are_not_planned(server, local_settings):
    site(server, range(3))
    with Fetcher(local_settings()) as f:
        (run,) = fetch_sources([(SourceConfig("l", server.url("/feed")), SourceState())], f, now=NOW)
        collect_items(run, KnownEntries(), f, max_entries=2)
    assert len(run.plans) == 2 and len(run.items) == 2 and server.hits("/a/2") == []


def test_permanently_moved_feed_is_fetched_at_its_new_address(server, local_settings):
    site(server, range(1))
    server.route("/old-feed", redirect("/feed", 301))
    src = SourceConfig("moved", server.url("/old-feed"))
    with Fetcher(local_settings()) as f:
        first = run_once(f, src, SourceState(), KnownEntries())
        second = run_once(f, src, first.state, KnownEntries.of(first.remember))
    assert first.state.feed_url == server.url("/feed") and len(first.items) == 1
    assert second.not_modified and len(server.hits("/old-feed")) == 1


def test_temporary_redirect_does_not_move_the_feed(server, local_settings):
    site(server, range(1))
    server.route("/tmp-feed", redirect("/feed", 302))
    with Fetcher(local_settings()) as f:
        run = run_once(f, SourceConfig("tmp", server.url("/tmp-feed")), SourceState(), KnownEntries())
    assert run.state.feed_url is None and len(run.items) == 1


@pytest.mark.parametrize("body, content_type", [
    ("<p>café</p>".encode("utf-8"), "text/html; charset=iso-8859-1"),      # header lies: the bytes are UTF-8
    ("<p>café</p>".encode("cp1252"), "text/html; charset=utf-8"),          # header lies the other way
    ("<meta charset='utf-16'><p>café</p>".encode("utf-8"), "text/html"),   # meta cannot be right for these bytes
    ("<p>café</p>".encode("utf-8"), "text/html; charset=no-such-charset"),
    ("<p>café</p>".encode("utf-8"), "text/html; charset=rot13"),           # a codec, but not a text encoding
    ("<p>café</p>".encode("utf-16"), "text/html; charset=utf-16"),         # really UTF-16 (BOM)
])
def test_pages_with_wrong_or_odd_charsets_decode_to_the_right_text(body, content_type):
    assert "<p>café</p>" in decode_html(body, content_type)
