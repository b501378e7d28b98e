"""Two bounds the HTTP client relies on: bounded decompression and per-host politeness gates.

``BoundedDecoder`` decodes gzip/deflate incrementally with a bounded output size, so a compression bomb
stops at the limit instead of filling memory (httpx's own decoder has no output bound per chunk).
``HostGate`` limits requests in flight to one host and spaces their starts. Plain objects owned by one
``Fetcher``; no module-level state.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from wiredesk.errors import FetchError


class BoundedDecoder:
    """Incremental gzip/deflate decoder whose output never exceeds ``limit`` bytes (bomb-safe)."""

    def __init__(self, encoding: str, limit: int):
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
