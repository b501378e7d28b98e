"""Which network addresses wiredesk may connect to, enforced at connect time.

Links in feeds are untrusted: a feed can point an article link (or a redirect) at
``http://169.254.169.254/`` or at a service on the user's intranet. ``AddressPolicy`` refuses every
address that is not globally routable (loopback, private, link-local, CGNAT, multicast, reserved,
unspecified, IPv4-mapped forms of those, cloud metadata) unless it falls in an explicit allow-list
(tests allow ``127.0.0.1/32``; intranet users allow their ranges).

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
    for n in ("169.254.0.0/16", "100.64.0.0/10", "fd00:ec2::254/128", "0.0.0.0/8", "224.0.0.0/4")
)

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
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            return self.is_allowed(str(ip.ipv4_mapped))
        if any(ip in net for net in _ALWAYS_BLOCKED if net.version == ip.version):
            return False
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
