"""Bounds the HTTP client relies on: bounded decompression, a whole-fetch deadline on every socket
operation, and per-host politeness gates.

``BoundedDecoder`` decodes gzip/deflate incrementally with a bounded output size, so a compression bomb
stops at the limit instead of filling memory (httpx's own decoder has no output bound per chunk).
``FetchDeadline`` + ``DeadlineStream`` hold every socket read, write, connect and TLS handshake to the
fetch's total deadline, so a server dripping its *headers* one byte per second (each byte well within
the read timeout, before any body chunk) still ends at ``total_timeout``. ``HostGate`` limits requests
in flight to one host and spaces their starts. Plain objects owned by one ``Fetcher``; no module-level state.
"""

from __future__ import annotations

import ssl
import threading
import typing
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpcore

from wiredesk.domain.errors import FetchError


class BoundedDecoder:
    """Incremental gzip/deflate decoder whose output never exceeds ``limit`` bytes (bomb-safe)."""

    #: codings decoded; anything else (``br``, ``zstd``, stacked ``gzip, gzip``...) was not offered in
    #: Accept-Encoding and is refused rather than passed on as if it were the document
    KNOWN = ("", "identity", "gzip", "x-gzip", "deflate")

    def __init__(self, encoding: str, limit: int):
        if encoding not in self.KNOWN:
            raise FetchError("decode", f"unsupported Content-Encoding {encoding!r} (only gzip and deflate are accepted)")
        self.encoding = encoding
        self.limit = limit
        self.out = bytearray()
        self._d = self._new()

    def _new(self):  # noqa: ANN202
        if self.encoding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        if self.encoding == "deflate":
            return zlib.decompressobj()  # zlib-wrapped; raw deflate is retried in feed()
        return None

    def feed(self, data: bytes) -> None:
        if self._d is None:
            self.out += data
        else:
            try:
                self._inflate(data)
            except zlib.error as exc:
                if self.encoding == "deflate" and not self.out:
                    self._d = zlib.decompressobj(-zlib.MAX_WBITS)
                    self.encoding = "deflate-raw"
                    self._inflate(data)
                else:
                    raise FetchError("decode", f"cannot decode {self.encoding} body: {exc}") from exc
        if len(self.out) > self.limit:
            raise FetchError("too_large_decoded", f"decoded body exceeds {self.limit} bytes")

    def _inflate(self, data: bytes) -> None:
        while data:
            room = self.limit - len(self.out) + 1
            self.out += self._d.decompress(data, room)
            if len(self.out) > self.limit:
                return
            data = self._d.unconsumed_tail
            if not data and self._d.eof and self._d.unused_data:  # next gzip member
                data, self._d = self._d.unused_data, self._new()


class HostGate:
    """Per-host politeness: a semaphore for concurrency and reserved start times for the delay."""

    def __init__(self, concurrency: int, delay: float):
        self._sem = threading.BoundedSemaphore(max(1, concurrency))
        self._lock = threading.Lock()
        self._next_at = 0.0
        self.delay = delay

    @contextmanager
    def slot(self, clock: Callable[[], float], sleep: Callable[[float], None]) -> Iterator[None]:
        with self._sem:
            with self._lock:
                now = clock()
                start = max(now, self._next_at)
                self._next_at = start + self.delay
            if start > now:
                sleep(start - now)
            yield


class FetchDeadline(threading.local):
    """The deadline of the fetch the current thread is doing (``None``: none), with the clock it uses.

    Thread-local because one connection pool serves many fetching threads; a stream is always read by
    the thread whose request it carries.
    """

    def __init__(self) -> None:
        self.at: float | None = None
        self.clock: Callable[[], float] | None = None

    @contextmanager
    def until(self, at: float, clock: Callable[[], float]) -> Iterator[None]:
        self.at, self.clock = at, clock
        try:
            yield
        finally:
            self.at = self.clock = None

    def bound(self, timeout: float | None) -> float | None:
        """``timeout`` cut to the time left; ``httpcore.ReadTimeout`` when none is left."""
        if self.at is None or self.clock is None:
            return timeout
        left = self.at - self.clock()
        if left <= 0:
            raise httpcore.ReadTimeout("total time for the fetch exceeded")
        return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every operation is bounded by the current fetch's ``FetchDeadline``."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: FetchDeadline):
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.bound(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.bound(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, self._deadline.bound(timeout))
        return DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)
