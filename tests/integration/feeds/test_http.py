"""The Fetcher against a real local server: conditional GET, redirects, encodings, limits, politeness."""

from __future__ import annotations

import gzip
import threading

import pytest

from wiredesk.net.http import Fetcher
from wiredesk.net.model import FetchRequest

from support.localserver import drip, redirect, send, slow, static, stream_bytes

RSS = b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title></channel></rss>"


def test_etag_is_sent_back_and_304_is_not_modified(server, local_settings):
    url = server.route("/feed", static(RSS, etag='"v1"'))
    with Fetcher(local_settings()) as f:
        first = f.fetch(url)
        second = f.fetch(url, etag=first.etag)
    assert first.ok and first.body == RSS and first.etag == '"v1"'
    assert second.not_modified and second.body is None
    assert server.hits("/feed")[1]["if-none-match"] == '"v1"'
    assert [r.status for r in second.records] == [304]


def test_last_modified_is_sent_back_as_if_modified_since(server, local_settings):
    lm = "Wed, 21 Oct 2015 07:28:00 GMT"
    url = server.route("/feed", static(RSS, last_modified=lm))
    with Fetcher(local_settings()) as f:
        first = f.fetch(url)
        second = f.fetch(url, last_modified=first.last_modified)
    assert first.last_modified == lm
    assert second.not_modified
    assert server.hits("/feed")[1]["if-modified-since"] == lm


def test_user_agent_is_descriptive(server, local_settings):
    url = server.route("/feed", static(RSS))
    with Fetcher(local_settings()) as f:
        f.fetch(url)
    ua = server.hits("/feed")[0]["user-agent"]
    assert ua.startswith("wiredesk/") and "+http" in ua


def test_redirects_are_followed_and_every_hop_is_recorded(server, local_settings):
    server.route("/old", redirect("/mid", 301))
    server.route("/mid", redirect(server.url("/feed"), 302))
    server.route("/feed", static(RSS))
    with Fetcher(local_settings()) as f:
        res = f.fetch(server.url("/old"))
    assert res.ok and res.final_url == server.url("/feed")
    assert [r.status for r in res.records] == [301, 302, 200]
    assert res.records[0].redirect_to == server.url("/mid")


def test_redirect_loop_stops_at_the_limit(server, local_settings):
    server.route("/loop", redirect("/loop"))
    with Fetcher(local_settings(max_redirects=3)) as f:
        res = f.fetch(server.url("/loop"))
    assert res.error is not None and res.error.reason == "too_many_redirects"
    assert len(server.hits("/loop")) == 4


def test_gzip_body_is_decoded(server, local_settings):
    url = server.route("/feed", static(RSS * 50, compress=True))
    with Fetcher(local_settings()) as f:
        res = f.fetch(url)
    assert res.ok and res.body == RSS * 50
    assert res.records[-1].bytes == len(gzip.compress(RSS * 50))


def test_slow_response_ends_in_a_timeout_error(server, local_settings):
    url = server.route("/slow", slow(server, 5.0, static(RSS)))
    with Fetcher(local_settings(read_timeout=0.2)) as f:
        res = f.fetch(url)
    assert res.error is not None and res.error.reason == "timeout"
    assert res.records[-1].error == "timeout"


def test_dripping_body_is_cut_by_the_total_time_limit(server, local_settings):
    # Each chunk arrives well within the read timeout; only the total limit can stop this fetch.
    url = server.route("/drip", drip(server, b"<p>x</p>", 0.05, 1000))
    with Fetcher(local_settings(read_timeout=1.0, total_timeout=0.3, respect_robots=False)) as f:
        res = f.fetch(url, "article")
    assert res.error is not None and res.error.reason == "timeout"
    assert "total" in str(res.error)


@pytest.mark.parametrize("status", [404, 410, 429, 500, 503])
def test_error_statuses_are_errors_that_keep_status_and_headers(server, local_settings, status):
    url = server.route("/feed", static(b"nope", "text/plain", status=status, headers={"Retry-After": "120"}))
    with Fetcher(local_settings()) as f:
        res = f.fetch(url)
    assert not res.ok
    assert res.error is not None and res.error.reason == "status" and res.error.status == status
    assert res.status == status and res.headers["retry-after"] == "120"


def test_wrong_content_type_is_refused_before_reading_the_body(server, local_settings):
    url = server.route("/a.png", static(b"\x89PNG" + b"\0" * 5000, "image/png"))
    with Fetcher(local_settings(respect_robots=False)) as f:
        res = f.fetch(url, "article")
    assert res.error is not None and res.error.reason == "content_type" and res.body is None


def test_declared_content_length_over_the_limit_is_refused(server, local_settings):
    url = server.route("/big", static(b"x" * 300_000))
    with Fetcher(local_settings(max_bytes=100_000)) as f:
        res = f.fetch(url)
    assert res.error is not None and res.error.reason == "too_large"
    assert res.records[-1].bytes == 0


def test_undeclared_huge_body_is_cut_at_the_limit(server, local_settings):
    url = server.route("/huge", stream_bytes(50_000_000))
    with Fetcher(local_settings(max_bytes=200_000)) as f:
        res = f.fetch(url)
    assert res.error is not None and res.error.reason == "too_large"
    assert 200_000 < res.records[-1].bytes <= 200_000 + 65536


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    return gzip.compress(b"\0" * 200_000_000, compresslevel=9)  # ~200 KB that inflate to 200 MB


def test_gzip_bomb_stops_at_the_decoded_limit_early(server, local_settings, gzip_bomb):
    url = server.route("/bomb", stream_bytes(len(gzip_bomb), encoding="gzip", payload=gzip_bomb, chunk=16384))
    with Fetcher(local_settings(max_decoded_bytes=1_000_000)) as f:
        res = f.fetch(url)
    assert res.error is not None and res.error.reason == "too_large_decoded"
    assert res.records[-1].bytes < len(gzip_bomb) // 2  # stopped long before the end of the stream


def test_robots_disallow_blocks_article_pages_without_requesting_them(server, local_settings):
    server.route("/robots.txt", static(b"User-agent: wiredesk\nDisallow: /private/\n", "text/plain"))
    server.route("/private/a", static(b"<html>secret</html>", "text/html"))
    server.route("/public/a", static(b"<html>hello</html>", "text/html"))
    with Fetcher(local_settings()) as f:
        blocked = f.fetch(server.url("/private/a"), "article")
        allowed = f.fetch(server.url("/public/a"), "article")
    assert blocked.error is not None and blocked.error.reason == "robots"
    assert server.hits("/private/a") == []
    assert allowed.ok
    assert len(server.hits("/robots.txt")) == 1  # cached per origin


def test_robots_is_not_consulted_for_feeds(server, local_settings):
    server.route("/robots.txt", static(b"User-agent: *\nDisallow: /\n", "text/plain"))
    url = server.route("/feed", static(RSS))
    with Fetcher(local_settings()) as f:
        assert f.fetch(url).ok
    assert server.hits("/robots.txt") == []


@pytest.mark.parametrize("status,allowed", [(404, True), (500, False)])
def test_missing_robots_allows_and_unreachable_robots_disallows(server, local_settings, status, allowed):
    server.route("/robots.txt", static(b"", "text/plain", status=status))
    server.route("/a", static(b"<html>x</html>", "text/html"))
    with Fetcher(local_settings()) as f:
        res = f.fetch(server.url("/a"), "article")
    assert res.ok is allowed


def _counting(server, peak: dict[str, int], hold: float = 0.05):
    lock = threading.Lock()
    state = {"now": 0}

    def handler(h):
        with lock:
            state["now"] += 1
            peak["max"] = max(peak["max"], state["now"])
        server.stop.wait(hold)
        with lock:
            state["now"] -= 1
        send(h, 200, RSS, "application/rss+xml")

    return handler


def test_per_host_concurrency_is_bounded(server, local_settings):
    peak = {"max": 0}
    server.route("/c", _counting(server, peak))
    with Fetcher(local_settings(per_host_concurrency=2, max_concurrency=8)) as f:
        results = f.fetch_many(FetchRequest(server.url(f"/c?{i}")) for i in range(10))
    assert all(r.ok for r in results)
    assert 1 <= peak["max"] <= 2


def test_overall_concurrency_is_bounded(server, local_settings):
    peak = {"max": 0}
    server.route("/c", _counting(server, peak))
    with Fetcher(local_settings(per_host_concurrency=50, max_concurrency=3)) as f:
        results = f.fetch_many(FetchRequest(server.url(f"/c?{i}")) for i in range(12))
    assert all(r.ok for r in results) and peak["max"] <= 3


def test_per_host_delay_spaces_request_starts(server, local_settings):
    server.route("/feed", static(RSS))
    clock = {"t": 100.0}
    waits: list[float] = []
    with Fetcher(local_settings(per_host_delay=2.0), clock=lambda: clock["t"], sleep=waits.append) as f:
        for _ in range(3):
            assert f.fetch(server.url("/feed")).ok
    # The clock never moves, so the 2nd and 3rd requests must wait 2 and 4 seconds after the 1st.
    assert waits == [2.0, 4.0]


def test_fetch_many_returns_results_in_request_order(server, local_settings):
    for i in range(5):
        server.route(f"/f{i}", static(RSS + str(i).encode()))
    with Fetcher(local_settings()) as f:
        results = f.fetch_many(FetchRequest(server.url(f"/f{i}")) for i in range(5))
    assert [r.body[-1:] for r in results] == [str(i).encode() for i in range(5)]


def test_robots_is_fetched_once_per_origin_even_when_many_threads_ask(server, local_settings):
    server.route("/robots.txt", static(b"User-agent: *\nAllow: /\n", "text/plain"))
    for i in range(12):
        server.route(f"/p{i}", static(b"<html>x</html>", "text/html"))
    with Fetcher(local_settings(per_host_concurrency=8, max_concurrency=8)) as f:
        results = f.fetch_many(FetchRequest(server.url(f"/p{i}"), "article") for i in range(12))
    assert all(r.ok for r in results)
    assert len(server.hits("/robots.txt")) == 1


def test_robots_crawl_delay_spaces_article_requests(server, local_settings):
    server.route("/robots.txt", static(b"User-agent: *\nCrawl-delay: 5\nAllow: /\n", "text/plain"))
    server.route("/p", static(b"<html>x</html>", "text/html"))
    clock = {"t": 100.0}
    waits: list[float] = []
    with Fetcher(local_settings(per_host_delay=0.0), clock=lambda: clock["t"], sleep=waits.append) as f:
        assert f.fetch(server.url("/p"), "article").ok
        assert f.fetch(server.url("/p"), "article").ok
    # robots.txt and the first page start at once; after reading Crawl-delay: 5, the next waits 5 s
    assert waits and waits[-1] == 5.0


def test_headers_dripping_byte_by_byte_are_cut_by_the_total_time_limit(server, local_settings):
    # Regression: the total limit was only checked between body chunks, so a server sending its status
    # line and headers one byte at a time (each well within the read timeout) held a fetch for as long
    # as it liked (26 s past a 2 s limit). Every socket operation is now held to the fetch's deadline.
    def handler(h):
        for b in b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nX-Slow: " + b"a" * 1000:
            if server.stop.wait(0.05):
                return
            h.wfile.write(bytes([b]))
            h.wfile.flush()

    url = server.route("/drip-headers", handler)
    with Fetcher(local_settings(read_timeout=1.0, total_timeout=0.5)) as f:
        res = f.fetch(url)
    assert res.error is not None and res.error.reason == "timeout" and "total" in str(res.error)
    assert res.records[-1].duration < 1.5


@pytest.mark.parametrize("encoding", ["br", "gzip, gzip", "zstd"])
def test_content_encodings_not_offered_are_refused_not_passed_on(server, local_settings, encoding):
    url = server.route("/enc", static(b"\x1f\x8b" + b"\0" * 100, headers={"Content-Encoding": encoding}))
    with Fetcher(local_settings()) as f:
        res = f.fetch(url)
    assert res.error is not None and res.error.reason == "decode" and encoding in str(res.error)
