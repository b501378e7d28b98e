"""IPv6 addresses that carry a private IPv4 address inside them: NAT64, 6to4, IPv4-compatible, Teredo.

On a network with NAT64 (``64:ff9b::/96``) or a 6to4 relay, ``http://[64:ff9b::a9fe:a9fe]/`` reaches
169.254.169.254 exactly as the IPv4 literal would; Python 3.11's ``is_global`` calls most of these forms
global. Each form of 127.0.0.1, 10.0.0.1 and 169.254.169.254 must be refused before any connection, given
directly and after a redirect, while the same forms of a public address stay allowed.
"""

from __future__ import annotations

import ipaddress

import pytest

from wiredesk.net.guard import AddressPolicy, embedded_ipv4
from wiredesk.net.http import Fetcher, HttpSettings

from support.localserver import redirect

PRIVATE = ("127.0.0.1", "10.0.0.1", "169.254.169.254")


def _forms(v4: str) -> dict[str, str]:
    """The IPv6 forms that embed ``v4``: NAT64 (well-known and local-use), 6to4, IPv4-compatible, Teredo."""
    n = int(ipaddress.IPv4Address(v4))
    hi, lo = n >> 16, n & 0xFFFF
    teredo_client = n ^ 0xFFFFFFFF  # Teredo stores the client's address inverted
    return {
        "nat64": f"64:ff9b::{hi:x}:{lo:x}",
        "nat64_local": f"64:ff9b:1:{hi:x}:{lo >> 8:x}::",  # RFC 6052 /48 layout
        "6to4": f"2002:{hi:x}:{lo:x}::1",
        "ipv4_compatible": f"::{hi:x}:{lo:x}",
        "teredo": f"2001:0:4136:e378:8000:63bf:{teredo_client >> 16:x}:{teredo_client & 0xFFFF:x}",
    }


CASES = [(v4, form, addr) for v4 in PRIVATE for form, addr in _forms(v4).items()]


@pytest.mark.parametrize("v4, form, address", CASES, ids=[f"{form}-{v4}" for v4, form, _ in CASES])
def test_an_ipv6_form_of_a_private_ipv4_address_is_refused(v4, form, address):
    assert not AddressPolicy().is_allowed(address)
    if form != "nat64_local":  # refused whole: where the IPv4 address sits is the operator's choice
        assert ipaddress.IPv4Address(v4) in embedded_ipv4(ipaddress.IPv6Address(address))


@pytest.mark.parametrize("form", ["nat64", "6to4", "ipv4_compatible"])
def test_the_same_forms_of_a_public_ipv4_address_stay_allowed(form):
    assert AddressPolicy().is_allowed(_forms("93.184.216.34")[form])


def test_an_allow_listed_ipv4_network_allows_its_embedded_forms_too():
    policy = AddressPolicy.from_strings(["10.0.0.0/8"])
    assert policy.is_allowed(_forms("10.0.0.1")["nat64"])
    assert not policy.is_allowed(_forms("169.254.169.254")["nat64"])


@pytest.mark.parametrize("form", ["nat64", "6to4", "ipv4_compatible", "teredo"])
def test_a_fetch_of_an_embedded_loopback_address_is_refused_without_connecting(form, server):
    # 127.0.0.1 is where the test server listens; the guard must refuse before any socket is opened
    address = _forms("127.0.0.1")[form]
    with Fetcher(HttpSettings(per_host_delay=0, connect_timeout=2, total_timeout=5)) as f:
        res = f.fetch(f"http://[{address}]:{server.port}/feed")
    assert res.error is not None and res.error.reason == "blocked_address", res.error
    assert server.requests == []


@pytest.mark.parametrize("target, form", [(t, f) for t in ("169.254.169.254", "10.0.0.1")
                                           for f in ("nat64", "6to4", "ipv4_compatible", "teredo")])
def test_a_redirect_to_an_embedded_private_address_is_refused(target, form, server, local_settings):
    # the first hop (127.0.0.1, allow-listed for the test server) is fetched; the second is refused unsent
    server.route("/r", redirect(f"http://[{_forms(target)[form]}]/latest/meta-data/"))
    with Fetcher(local_settings()) as f:
        res = f.fetch(server.url("/r"))
    assert res.error is not None and res.error.reason == "blocked_address", res.error
    assert [r.status for r in res.records] == [302, None]
