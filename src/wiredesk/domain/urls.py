"""URL canonicalization: the one definition of "the same article URL".

``canonical_url`` folds the variations that feeds and share buttons add to one article's address
(tracking parameters, ``www.``, fragments, default ports, query order, host case) so that entry
identity (``wiredesk.sources.entries``) and document keys agree across them. It is a pure function: it never
resolves or fetches anything and it is not a security check (see ``wiredesk.net.http`` for that).

It also folds ``http`` into ``https`` (news sites redirect one to the other; ``fold_scheme=False``
keeps them apart). What it deliberately keeps: the path (``/a`` and ``/a/`` are different resources
on many servers; only percent-encoding and doubled slashes are normalized) and every query parameter
that is not a known tracker. The result is an identity key: fetch the URL the feed gave, not this.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

#: Query parameters that only say where a click came from. Prefixes end with ``_``.
TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "piwik_", "hsa_", "oly_", "vero_", "_hs")
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid",
        "mkt_tok", "_ga", "_gl", "ref_src", "ref_url", "cmpid", "ncid", "ocid", "sr_share",
        "twclid", "ttclid", "li_fat_id", "s_cid", "spm", "__twitter_impression", "_openstat",
        "at_medium", "at_campaign", "smid", "rss", "taid",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SAFE_PATH = "/:@!$&'()*+,;=-._~%"


def _is_tracking(name: str) -> bool:
    low = name.lower()
    return low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES)


def canonical_url(url: str, *, fold_www: bool = True, fold_scheme: bool = True) -> str:
    """Canonical form of an http(s) URL for identity; other schemes are returned stripped, unchanged.

    >>> canonical_url("HTTP://WWW.Example.com:80/a?utm_source=x&b=2&a=1#top")
    'https://example.com/a?a=1&b=2'
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # e.g. a port that is not a number: not ours to fix
        return url
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        return url
    host = (parts.hostname or "").rstrip(".")
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        pass
    host = host.lower()
    if fold_www and host.startswith("www.") and host.count(".") >= 2:
        host = host[4:]
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if fold_scheme:
        scheme = "https"
    netloc = host
    if port is not None and port != _DEFAULT_PORTS[parts.scheme.lower()]:
        netloc = f"{host}:{port}"
    # Re-quote the path so that %7E and ~ (or a raw space and %20) compare equal.
    path = quote(unquote(parts.path), safe=_SAFE_PATH) or "/"
    path = re.sub(r"/{2,}", "/", path)
    query_items = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    query = urlencode(sorted(query_items), doseq=True)
    return urlunsplit((scheme, netloc, path, query, ""))


def is_http_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host (and a valid port, if any)."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises for a port that is not a number in 0-65535
    except ValueError:
        return False
    return parts.scheme.lower() in _DEFAULT_PORTS and bool(parts.hostname)


def host_of(url: str) -> str:
    """Lower-case host (with a non-default port) used as the politeness key for a URL.

    Never raises: a URL whose host or port cannot be parsed is keyed by its raw network location (the
    fetch itself then fails with ``bad_url``; a feed link like ``http://a:99999/`` must not stop a run).
    """
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return url.split("//", 1)[-1].split("/", 1)[0].lower()
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        return f"{host}:{port}"
    return host
