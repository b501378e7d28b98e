"""Hostile HTTP responses for ``test_hostile_servers``: one handler per case, served by ``LocalServer``.

Each case is what a broken or malicious server can do to a feed reader: never-ending or compressed-bomb
bodies, entity-expansion and external-entity XML, dripping one byte per second (body *and* headers),
redirect loops and redirects to private addresses, wrong or missing charsets, binary served as HTML,
one enormous line, duplicated and contradictory headers. ``CASES`` says, per case, what the fetch
must end with; the limits it runs under are ``LIMITS``.
"""

from __future__ import annotations

import gzip
import itertools
import os
import zlib
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler

from support.localserver import LocalServer, redirect, send, static

#: HttpSettings for every case: small limits so each case is quick, and 127.0.0.1 allowed (the server).
LIMITS = dict(allow_networks=["127.0.0.1/32"], per_host_delay=0.0, connect_timeout=2.0, read_timeout=1.5,
              total_timeout=3.0, max_bytes=2_000_000, max_decoded_bytes=4_000_000, max_redirects=4,
              respect_robots=False)

LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY lol "lol">\n'
          + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">\n' for i in range(1, 10))
          + ']>\n<rss version="2.0"><channel><title>&lol9;</title></channel></rss>').encode()
XXE = (b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
       b'<rss version="2.0"><channel><title>&xxe;</title><item><title>&xxe;</title>'
       b'<link>http://example.com/a</link><description>&xxe;</description></item></channel></rss>')
# The same, with the declaration hidden behind a "]" inside a comment, in UTF-16 (both fooled the old check).
XXE_HIDDEN = ('<?xml version="1.0" encoding="utf-16"?>\n<!DOCTYPE rss [<!-- ] --><!ENTITY xxe SYSTEM '
              '"file:///etc/passwd">]><rss version="2.0"><channel><title>&xxe;</title></channel></rss>').encode("utf-16")
WORDS = ("The harbour council met on Tuesday and approved the new pier after a long debate about its cost. "
         "Residents said the café on the quay would stay open during the works, officials confirmed. ")
PAGE = f"<html><head><title>Pier</title></head><body><article><h1>Pier</h1><p>{WORDS}</p><p>{WORDS}</p></article></body></html>"


def bomb(wbits: int, size_mb: int = 100) -> bytes:
    """``size_mb`` MB of zeros compressed (gzip/zlib/raw deflate by ``wbits``), built without holding them."""
    c = zlib.compressobj(9, zlib.DEFLATED, wbits)
    zeros = b"\0" * 1_000_000
    return b"".join(c.compress(zeros) for _ in range(size_mb)) + c.flush()


def endless(h: BaseHTTPRequestHandler) -> None:
    """200 with no Content-Length and a body that never ends."""
    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    h.end_headers()
    chunk = b"<item>" + b"x" * 65530
    for _ in itertools.count():
        h.wfile.write(chunk)


def compressed(data: bytes, encoding: str, content_type: str = "application/rss+xml"):
    def handler(h: BaseHTTPRequestHandler) -> None:
        send(h, 200, data, content_type, {"Content-Encoding": encoding})
    return handler


def drip_body(server: LocalServer, interval: float = 1.0):
    """Headers at once, then one byte per ``interval`` seconds, forever (each byte beats the read timeout)."""
    def handler(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.end_headers()
        for b in itertools.cycle(b"<rss><channel>"):
            if server.stop.wait(interval):
                return
            h.wfile.write(bytes([b]))
            h.wfile.flush()
    return handler


def drip_headers(server: LocalServer, interval: float = 1.0):
    """The status line and headers themselves, one byte per ``interval`` seconds, never finishing."""
    def handler(h: BaseHTTPRequestHandler) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nX-Slow: " + b"a" * 10_000
        for b in head:
            if server.stop.wait(interval):
                return
            h.wfile.write(bytes([b]))
            h.wfile.flush()
    return handler


def raw(response: bytes):
    """Write ``response`` verbatim (status line, headers and body as given), then close."""
    def handler(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write(response)
        h.wfile.flush()
        h.close_connection = True
    return handler


def redirect_chain(server: LocalServer):
    """/hop/0 -> /hop/1 -> ... a fresh URL each time (a loop the client cannot spot by repetition)."""
    def handler(h: BaseHTTPRequestHandler) -> None:
        i = int(h.path.rsplit("/", 1)[-1]) if h.path.rsplit("/", 1)[-1].isdigit() else 0
        send(h, 302, b"", "text/plain", {"Location": server.url(f"/hop/{i + 1}")})
    return handler


@dataclass(frozen=True)
class Case:
    """What a path serves, the purpose it is fetched for, and how the fetch (and the stage after it) must end.

    ``fetch_error``: the ``FetchError`` reason, or None when the fetch itself succeeds. ``stage_error``:
    the per-item reason the next stage (feed parse, or decode + clean for an article) records, or None.
    ``ok_text``: for cases that must succeed, words the cleaned text must contain (charset cases).
    """

    name: str
    purpose: str
    fetch_error: str | tuple[str, ...] | None
    stage_error: str | tuple[str, ...] | None = None
    ok_text: str | None = None


def install(server: LocalServer) -> dict[str, Case]:
    """Register every hostile route on ``server``; return the cases by URL path."""
    gz_bomb = bomb(16 + zlib.MAX_WBITS)   # ~100 KB on the wire, 100 MB inflated (25x the decoded limit)
    df_bomb = bomb(zlib.MAX_WBITS)        # zlib-wrapped deflate
    raw_bomb = bomb(-zlib.MAX_WBITS)      # raw deflate, as some servers send it
    double_gzip = gzip.compress(gz_bomb, 9)  # "gzip, gzip": the bomb inside a bomb
    port = server.port
    routes = {
        "/endless": (endless, Case("endless_body", "feed", "too_large")),
        "/gzip-bomb": (compressed(gz_bomb, "gzip"), Case("gzip_bomb", "feed", "too_large_decoded")),
        "/deflate-bomb": (compressed(df_bomb, "deflate"), Case("deflate_bomb", "feed", "too_large_decoded")),
        "/raw-deflate-bomb": (compressed(raw_bomb, "deflate"), Case("raw_deflate_bomb", "feed", "too_large_decoded")),
        "/double-gzip": (compressed(double_gzip, "gzip, gzip"), Case("double_gzip_bomb", "feed", "decode")),
        "/brotli": (compressed(b"\x1b\x00\x00" * 10, "br"), Case("unrequested_brotli", "feed", "decode")),
        "/laughs": (static(LAUGHS), Case("billion_laughs", "feed", None, "entities")),
        "/laughs-sitemap": (static(LAUGHS.replace(b"rss", b"urlset"), "application/xml"),
                            Case("billion_laughs_sitemap", "sitemap", None, "entities")),
        "/xxe": (static(XXE), Case("xxe_file", "feed", None, "entities")),
        "/xxe-hidden": (static(XXE_HIDDEN), Case("xxe_hidden_utf16", "feed", None, "entities")),
        "/drip-body": (drip_body(server), Case("slow_drip_body", "feed", "timeout")),
        "/drip-headers": (drip_headers(server), Case("slow_drip_headers", "feed", "timeout")),
        "/loop": (redirect("/loop"), Case("redirect_loop", "feed", "too_many_redirects")),
        "/hop/0": (redirect_chain(server), Case("redirect_chain", "feed", "too_many_redirects")),
        "/to-loopback": (redirect(f"http://127.0.0.2:{port}/feed"), Case("redirect_to_127_0_0_2", "feed", "blocked_address")),
        "/to-private": (redirect("http://10.0.0.1/feed"), Case("redirect_to_10_x", "feed", "blocked_address")),
        "/to-metadata": (redirect("http://169.254.169.254/latest/meta-data/"), Case("redirect_to_metadata", "feed", "blocked_address")),
        "/to-decimal-ip": (redirect("http://2130706434/feed"), Case("redirect_to_decimal_127_0_0_2", "feed", "blocked_address")),
        "/to-ipv6-loopback": (redirect(f"http://[::1]:{port}/feed"), Case("redirect_to_ipv6_loopback", "feed", "blocked_address")),
        "/to-file": (redirect("file:///etc/passwd"), Case("redirect_to_file_scheme", "feed", "blocked_scheme")),
        "/to-broken-url": (redirect("http://[::1/feed"), Case("redirect_to_unparsable_url", "feed", ("bad_url", "protocol"))),
        "/charset-lie": (static(PAGE.encode("utf-8"), "text/html; charset=iso-8859-1"),
                         Case("charset_header_says_latin1_body_utf8", "article", None, None, "café on the quay")),
        "/charset-cp1252": (static(PAGE.encode("cp1252"), "text/html; charset=utf-8"),
                            Case("charset_header_says_utf8_body_cp1252", "article", None, None, "café on the quay")),
        "/charset-missing": (static(PAGE.encode("utf-8"), "text/html"),
                             Case("charset_missing", "article", None, None, "café on the quay")),
        "/charset-meta-utf16": (static(PAGE.replace("<head>", "<head><meta charset='utf-16'>").encode("utf-8"), "text/html"),
                                Case("charset_meta_utf16_on_utf8_bytes", "article", None, None, "café on the quay")),
        "/charset-bogus": (static(PAGE.encode("utf-8"), "text/html; charset=x-no-such-charset"),
                           Case("charset_unknown_label", "article", None, None, "café on the quay")),
        "/binary": (static(os.urandom(300_000), "text/html"), Case("binary_claiming_html", "article", None,
                                                                   ("binary", "no_text", "not_html", "extract_failed"))),
        "/png-as-html": (static(b"\x89PNG\r\n\x1a\n" + os.urandom(200_000), "text/html; charset=utf-8"),
                         Case("png_claiming_html", "article", None, ("binary", "no_text", "not_html", "extract_failed"))),
        "/one-line": (static(("<html><body><article><p>" + WORDS * 9_000 + "</p></article></body></html>").encode(),
                             "text/html"), Case("enormous_single_line_article", "article", None, None, "harbour council")),
        "/one-line-feed": (static(b"<rss version='2.0'><channel><title>t</title>"
                                  + b"".join(b"<item><title>x%d</title><link>http://example.com/%d</link></item>" % (i, i)
                                             for i in range(20_000)) + b"</channel></rss>"),
                           Case("enormous_single_line_feed", "feed", None, None)),
        "/dup-length": (raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 5\r\n"
                            b"Content-Length: 500\r\n\r\n<rss/>"), Case("duplicate_content_length", "feed", "protocol")),
        "/dup-type": (raw(b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Type: text/html\r\n"
                          b"Content-Length: %d\r\n\r\n" % len(PAGE.encode()) + PAGE.encode()),
                      Case("duplicate_content_type", "article", ("content_type", None), None)),
        "/dup-location": (raw(b"HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/\r\n"
                              b"Location: /loop\r\nContent-Length: 0\r\n\r\n"),
                          Case("duplicate_location", "feed", ("blocked_address", "too_many_redirects"))),
        "/short-body": (raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n<rss>"),
                        Case("content_length_longer_than_body", "feed", "protocol")),
        "/huge-header": (raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nX-Big: " + b"a" * 300_000
                             + b"\r\nContent-Length: 6\r\n\r\n<rss/>"), Case("enormous_header", "feed", "protocol")),
        "/garbage-status": (raw(b"HTTP/1.1 2OO OK\r\n\r\n"), Case("garbage_status_line", "feed", "protocol")),
    }
    cases = {}
    for path, (handler, case) in routes.items():
        server.route(path, handler)
        cases[path] = case
    for i in range(1, 12):  # the chain's later hops (routes match exact paths)
        server.route(f"/hop/{i}", routes["/hop/0"][0])
    server.route("/feed", static(b"<rss version='2.0'><channel><title>ok</title></channel></rss>"))
    server.route("/good-page", static(PAGE.encode(), "text/html; charset=utf-8"))
    return cases
