"""Per-request retries against a real local server: transient failures are asked again with backoff,
refusals and permanent errors are not, and every attempt stays within the fetch's total time."""

from __future__ import annotations

import socket

from wiredesk.net.http import Fetcher

from support.localserver import send, static

RSS = b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title></channel></rss>"


def flaky(statuses: list[int], then, headers: dict[str, str] | None = None):
    """Answer with each status of ``statuses`` once, then with ``then``."""
    left = list(statuses)

    def handler(h):
        if left:
            send(h, left.pop(0), b"busy", "text/plain", headers)
        else:
            then(h)

    return handler


class Sleeps:
    """Records the retry delays instead of sleeping them (the server is real; only waiting is skipped)."""

    def __init__(self):
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def test_503_then_200_is_retried_with_doubling_delays_and_every_attempt_is_logged(server, local_settings):
    url = server.route("/feed", flaky([503, 502], static(RSS)))
    sleeps = Sleeps()
    with Fetcher(local_settings(retries=2, retry_backoff=0.5), sleep=sleeps) as f:
        result = f.fetch(url)
    assert result.ok and result.body == RSS
    assert [r.status for r in result.records] == [503, 502, 200]
    assert [d for d in sleeps.calls if d > 0] == [0.5, 1.0]


def test_a_429_retry_after_is_honoured_up_to_its_cap(server, local_settings):
    url = server.route("/feed", flaky([429], static(RSS), headers={"Retry-After": "7"}))
    sleeps = Sleeps()
    with Fetcher(local_settings(retries=1, retry_backoff=0.1, total_timeout=60.0), sleep=sleeps) as f:
        assert f.fetch(url).ok
    assert 7.0 in sleeps.calls


def test_permanent_errors_are_not_retried(server, local_settings):
    server.route("/gone", lambda h: send(h, 404, b"no", "text/plain"))
    server.route("/notimpl", lambda h: send(h, 501, b"no", "text/plain"))
    with Fetcher(local_settings(retries=3, retry_backoff=0.0)) as f:
        for path in ("/gone", "/notimpl"):
            result = f.fetch(server.url(path))
            assert result.error is not None and result.error.reason == "status"
            assert len(server.hits(path)) == 1


def test_a_source_that_keeps_failing_costs_retries_plus_one_requests_then_one_error(server, local_settings):
    server.route("/down", lambda h: send(h, 500, b"down", "text/plain"))
    with Fetcher(local_settings(retries=2, retry_backoff=0.0)) as f:
        result = f.fetch(server.url("/down"))
    assert result.error.reason == "status" and result.error.status == 500
    assert len(server.hits("/down")) == 3


def test_connection_refused_is_retried(local_settings):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with Fetcher(local_settings(retries=2, retry_backoff=0.0)) as f:
        result = f.fetch(f"http://127.0.0.1:{port}/feed")
    assert result.error.reason == "connect"
    assert [r.error for r in result.records] == ["connect"] * 3


def test_no_retry_starts_after_the_total_time_would_be_exceeded(server, local_settings):
    server.route("/down", lambda h: send(h, 503, b"down", "text/plain"))
    sleeps = Sleeps()
    with Fetcher(local_settings(retries=5, retry_backoff=10.0, total_timeout=5.0), sleep=sleeps) as f:
        result = f.fetch(server.url("/down"))
    assert result.error.status == 503
    assert len(server.hits("/down")) == 1 and not [d for d in sleeps.calls if d > 0]
