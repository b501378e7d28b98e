"""Which network addresses wiredesk may connect to, enforced at connect time.

Links in feeds are untrusted: a feed can point an article link (or a redirect) at
``http://169.254.169.254/`` or at a service on the user's intranet. ``AddressPolicy`` refuses every
address that is not globally routable (loopback, private, link-local, CGNAT, multicast, reserved,
unspecified, cloud metadata) unless it falls in an explicit allow-list (tests allow ``127.0.0.1/32``;
intranet users allow their ranges). An IPv6 address that carries an IPv4 address inside it (IPv4-mapped
``::ffff:a.b.c.d``, IPv4-compatible ``::a.b.c.d``, NAT64 ``64:ff9b::/96``, 6to4 ``2002::/16``, Teredo
``2001::/32``) is judged by the IPv4 address it carries: on a NAT64 or 6to4 network it reaches exactly that
address, and Python 3.11's ``is_global`` calls most of these forms global. The local-use NAT64 prefix
``64:ff9b:1::/48`` (RFC 8215) places the IPv4 address where its operator chooses, so it is refused whole.

The check runs inside the HTTP client's network backend (``GuardedBackend``): the host is resolved
once, every address is checked, and the socket connects to a checked address, never to a name that
could resolve differently a moment later (DNS rebinding). It therefore covers every redirect hop.
This module decides and connects; it never reads or writes data.
"""

from __future__ import annotations

import ipaddress
import socket
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import httpcore

from wiredesk.domain.errors import ConfigError, FetchError
from wiredesk.net.limits import DeadlineStream, FetchDeadline

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Not covered by ``is_global`` on every Python version, or worth naming: cloud metadata endpoints.
_ALWAYS_BLOCKED = tuple(
    ipaddress.ip_network(n)
    for n in ("169.254.0.0/16", "100.64.0.0/10", "fd00:ec2::254/128", "0.0.0.0/8", "224.0.0.0/4",
              "64:ff9b:1::/48")
)
#: NAT64's well-known prefix (RFC 6052): the IPv4 address is the last 32 bits.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
#: IPv4-compatible addresses (RFC 4291, deprecated): ``::a.b.c.d``; ``::`` and ``::1`` are not among them.
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, ...]:
    """The IPv4 addresses an IPv6 address carries and reaches: IPv4-mapped, IPv4-compatible, NAT64
    (well-known prefix), 6to4, Teredo (its server and its client). Empty for a plain IPv6 address."""
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip in _NAT64 or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    return tuple(found)

Resolver = Callable[[str, int], list[str]]


def system_resolver(host: str, port: int) -> list[str]:
    """All addresses ``host`` resolves to (TCP), in the resolver's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        addr = str(sockaddr[0]).split("%", 1)[0]
        if addr not in seen:
            seen.append(addr)
    return seen


@dataclass(frozen=True)
class AddressPolicy:
    """Refuse non-global addresses unless allow-listed. ``allow`` holds CIDR networks."""

    allow: tuple[IPNetwork, ...] = ()

    @classmethod
    def from_strings(cls, networks: Iterable[str], *, key: str = "http.allow_networks") -> AddressPolicy:
        parsed = []
        for text in networks:
            try:
                parsed.append(ipaddress.ip_network(text, strict=False))
            except ValueError as exc:
                raise ConfigError(f"{key}: {text!r} is not an IP network (e.g. 10.0.0.0/8)") from exc
        return cls(tuple(parsed))

    def is_allowed(self, address: str) -> bool:
        """True if wiredesk may connect to ``address`` (an IP literal)."""
        ip: IPAddress = ipaddress.ip_address(address)
        if any(ip in net for net in self.allow if net.version == ip.version):
            return True
        if any(ip in net for net in _ALWAYS_BLOCKED if net.version == ip.version):
            return False
        if isinstance(ip, ipaddress.IPv6Address):
            carried = embedded_ipv4(ip)
            if carried:  # the address reaches the IPv4 one inside it: that one decides, by the same rules
                return all(self.is_allowed(str(v4)) for v4 in carried)
        return ip.is_global and not ip.is_multicast


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore network backend that resolves, checks with ``policy`` and connects to checked IPs.

    Raises ``FetchError("blocked_address")`` when no resolved address is allowed, and
    ``httpcore.ConnectError`` when resolution fails or no allowed address accepts the connection.
    """

    def __init__(self, policy: AddressPolicy, resolver: Resolver = system_resolver,
                 deadline: FetchDeadline | None = None):
        self._policy = policy
        self._resolver = resolver
        self._inner = httpcore.SyncBackend()
        #: when given, connects and every read/write of the streams made are held to the fetch's deadline
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = self._resolver(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        allowed = [a for a in addresses if self._policy.is_allowed(a)]
        if not allowed:
            raise FetchError(
                "blocked_address",
                f"refused to connect to {host} ({', '.join(addresses) or 'no address'}): "
                "not a public address (allow it with http.allow_networks)",
            )
        last: Exception | None = None
        for address in allowed:
            try:
                if self._deadline is None:
                    return self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
                stream = self._inner.connect_tcp(address, port, self._deadline.bound(timeout), local_address,
                                                 socket_options)
                return DeadlineStream(stream, self._deadline)
            except httpcore.ConnectError as exc:
                last = exc
        assert last is not None
        raise last

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: typing.Iterable[typing.Any] | None = None) -> httpcore.NetworkStream:
        raise FetchError("blocked_address", "unix sockets are never used for fetching")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
