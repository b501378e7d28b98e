"""A real HTTP server on 127.0.0.1 for the feed tests, with programmable routes.

Each test registers what a path serves (``server.route``) and reads what was asked (``server.requests``).
Handlers are plain functions of the request handler; helpers below build the usual ones (static body with
ETag/Last-Modified and 304s, gzip, redirects, slow and dripping responses). Nothing here talks to any
address but 127.0.0.1.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

Handler = Callable[[BaseHTTPRequestHandler], None]


class LocalServer:
    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                with server.lock:
                    server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                handler = server.routes.get(self.path) or server.routes.get(self.path.split("?", 1)[0])
                if handler is None:
                    send(self, 404, b"not found", "text/plain")
                    return
                try:
                    handler(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def hits(self, path: str) -> list[dict[str, str]]:
        with self.lock:
            return [h for p, h in self.requests if p == path]


def send(h: BaseHTTPRequestHandler, status: int, body: bytes = b"", content_type: str | None = None,
         headers: dict[str, str] | None = None) -> None:
    h.send_response(status)
    if content_type:
        h.send_header("Content-Type", content_type)
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def static(body: bytes, content_type: str = "application/rss+xml", *, etag: str | None = None,
           last_modified: str | None = None, status: int = 200, compress: bool = False,
           headers: dict[str, str] | None = None) -> Handler:
    """Serve ``body``; answer 304 when the client's validators match."""

    def handler(h: BaseHTTPRequestHandler) -> None:
        extra = dict(headers or {})
        if etag:
            extra["ETag"] = etag
        if last_modified:
            extra["Last-Modified"] = last_modified
        if (etag and h.headers.get("If-None-Match") == etag) or (
            last_modified and not etag and h.headers.get("If-Modified-Since") == last_modified
        ):
            send(h, 304, b"", None, extra)
            return
        data = body
        if compress:
            data = gzip.compress(body)
            extra["Content-Encoding"] = "gzip"
        send(h, status, data, content_type, extra)

    return handler


def redirect(to: str, status: int = 302) -> Handler:
    return lambda h: send(h, status, b"", "text/plain", {"Location": to})


def slow(server: LocalServer, delay: float, then: Handler) -> Handler:
    """Wait ``delay`` seconds (or until the server stops) before answering."""

    def handler(h: BaseHTTPRequestHandler) -> None:
        server.stop.wait(delay)
        then(h)

    return handler


def drip(server: LocalServer, chunk: bytes, interval: float, count: int, content_type: str = "text/html") -> Handler:
    """Send headers at once, then ``count`` chunks ``interval`` seconds apart (no Content-Length)."""

    def handler(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.end_headers()
        for _ in range(count):
            if server.stop.wait(interval):
                return
            h.wfile.write(chunk)
            h.wfile.flush()

    return handler


def stream_bytes(total: int, content_type: str = "application/rss+xml", chunk: int = 65536,
                 encoding: str | None = None, payload: bytes | None = None) -> Handler:
    """Stream ``total`` bytes (of ``payload`` if given, else zeros) without Content-Length."""

    def handler(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        if encoding:
            h.send_header("Content-Encoding", encoding)
        h.end_headers()
        data = payload if payload is not None else b"\0" * total
        for i in range(0, min(total, len(data)), chunk):
            h.wfile.write(data[i:i + chunk])

    return handler


@pytest.fixture
def server() -> Iterator[LocalServer]:
    srv = LocalServer()
    srv.thread.start()
    try:
        yield srv
    finally:
        srv.stop.set()
        srv.httpd.shutdown()
        srv.httpd.server_close()


@pytest.fixture
def local_settings():
    """HttpSettings that allow 127.0.0.1 only, with small limits and no politeness delay (fast tests)."""
    from wiredesk.net.http import HttpSettings

    def make(**overrides: object) -> HttpSettings:
        base = dict(allow_networks=("127.0.0.1/32",), per_host_delay=0.0, connect_timeout=2.0,
                    read_timeout=2.0, total_timeout=5.0, max_bytes=1_000_000, max_decoded_bytes=2_000_000)
        base.update(overrides)
        return HttpSettings(**base)  # type: ignore[arg-type]

    return make


def now_ts() -> float:
    return time.time()


@pytest.fixture(scope="session")
def corpus():
    """The shared evaluation corpus (``<repo>/../shared/corpus`` or ``$WIREDESK_CORPUS``); skip if absent."""
    import os
    from pathlib import Path

    root = Path(os.environ.get("WIREDESK_CORPUS") or Path(__file__).resolve().parents[2].parent / "shared" / "corpus")
    if not root.is_dir():
        pytest.skip(f"corpus not available at {root}")
    return root
