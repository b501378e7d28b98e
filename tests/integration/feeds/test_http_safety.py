"""SSRF guard: schemes and addresses a feed must never make wiredesk fetch."""

from __future__ import annotations

import pytest

from wiredesk.domain.errors import ConfigError
from wiredesk.net.http import Fetcher, HttpSettings
from wiredesk.net.guard import AddressPolicy

from support.localserver import redirect, static


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.100.100.200",
    "0.0.0.0", "::1", "fe80::1", "fc00::1", "fd00:ec2::254", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "224.0.0.1",
])
def test_non_public_addresses_are_refused_by_default(address):
    assert not AddressPolicy().is_allowed(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_are_allowed(address):
    assert AddressPolicy().is_allowed(address)


def test_allow_list_opts_networks_in():
    policy = AddressPolicy.from_strings(["10.0.0.0/8", "127.0.0.1"])
    assert policy.is_allowed("10.9.9.9") and policy.is_allowed("127.0.0.1")
    assert not policy.is_allowed("127.0.0.2") and not policy.is_allowed("192.168.0.1")


def test_bad_allow_list_entry_names_the_setting():
    with pytest.raises(ConfigError, match="http.allow_networks"):
        AddressPolicy.from_strings(["not-a-network"])


def test_loopback_server_is_refused_without_the_allow_list(server):
    url = server.route("/feed", static(b"<rss/>"))
    with Fetcher(HttpSettings(per_host_delay=0)) as f:
        res = f.fetch(url)
    assert res.error is not None and res.error.reason == "blocked_address"
    assert res.records[-1].error == "blocked_address"
    assert server.requests == []  # no connection was made


def test_hostname_resolving_to_a_private_address_is_refused():
    # An injected resolver plays a DNS record pointing a public-looking name at the metadata service.
    with Fetcher(HttpSettings(per_host_delay=0), resolver=lambda host, port: ["169.254.169.254"]) as f:
        res = f.fetch("http://news.example.com/feed")
    assert res.error is not None and res.error.reason == "blocked_address"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/feed", "gopher://x/", "data:,hi"])
def test_non_http_schemes_are_refused(url):
    with Fetcher(HttpSettings(per_host_delay=0)) as f:
        res = f.fetch(url)
    assert res.error is not None and res.error.reason == "blocked_scheme"


def test_redirect_to_a_refused_scheme_stops(server, local_settings):
    server.route("/r", redirect("file:///etc/passwd"))
    with Fetcher(local_settings()) as f:
        res = f.fetch(server.url("/r"))
    assert res.error is not None and res.error.reason == "blocked_scheme"
    assert [r.status for r in res.records] == [302, None]


def test_redirect_to_a_non_allowed_address_is_rechecked_and_refused(server, local_settings):
    # 127.0.0.1 is allow-listed for the test; the redirect target 127.0.0.2 is not.
    server.route("/r", redirect(f"http://127.0.0.2:{server.port}/feed"))
    server.route("/feed", static(b"<rss/>"))
    with Fetcher(local_settings()) as f:
        res = f.fetch(server.url("/r"))
    assert res.error is not None and res.error.reason == "blocked_address"
    assert server.hits("/feed") == []


def test_an_unexpected_error_costs_one_fetch_not_the_run():
    def broken_resolver(host, port):
        raise RuntimeError("resolver bug")

    with Fetcher(HttpSettings(per_host_delay=0), resolver=broken_resolver) as f:
        res = f.fetch("http://news.example.com/feed")
    assert res.error is not None and res.error.reason == "unexpected" and "resolver bug" in str(res.error)


@pytest.mark.parametrize("url", ["http://[::1/feed", "http://example.com:port/feed", "http://example.com:99999/feed"])
def test_an_unparsable_url_is_a_failed_fetch_not_an_exception(url):
    # Regression (found by fuzzing): urlsplit's ValueError escaped Fetcher.fetch (and so fetch_many and
    # the whole group of sources) for a feed link with a broken IPv6 host or port.
    with Fetcher(HttpSettings(per_host_delay=0), resolver=lambda host, port: []) as f:
        res = f.fetch(url)
    assert res.error is not None and res.error.reason in ("bad_url", "connect", "blocked_address")


def test_a_redirect_to_an_unparsable_location_is_a_bad_url(server, local_settings):
    server.route("/r", redirect("http://[::1/feed"))
    with Fetcher(local_settings()) as f:
        res = f.fetch(server.url("/r"))
    assert res.error is not None and res.error.reason in ("bad_url", "protocol")  # httpx checks it first
