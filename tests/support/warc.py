"""Web archives the tests write: WARC records as bytes, one gzip member each (or none), with the faults a real
archive has (a broken HTTP head, a record cut short, garbage between records) made by hand, byte for byte.
The good records are checked against warcio's own writer in tests/integration/test_warc.py."""

from __future__ import annotations

import gzip
from pathlib import Path

ARTICLE = ("<!DOCTYPE html><html lang=\"en\"><head><title>{title}</title></head><body><article><h1>{title}</h1>"
           "{paragraphs}</article></body></html>")


def article_html(n: int, paragraphs: int = 4) -> bytes:
    """A news page with its own text (n makes it differ from every other one)."""
    title = f"Harbour council approves plan number {n}"
    body = "".join(f"<p>The council of harbour town {n} voted on measure {n}-{i} on Tuesday, after a debate that "
                   f"lasted {i + 3} hours and brought {n * 7 + i} residents to the hall to speak about it.</p>"
                   for i in range(paragraphs))
    return ARTICLE.format(title=title, paragraphs=body).encode("utf-8")


def response(url: str, body: bytes, content_type: str = "text/html; charset=utf-8", status: str = "200 OK",
             head: bytes | None = None, date: str = "2024-03-05T10:11:12Z", extra: str = "") -> bytes:
    """One ``response`` record; ``head`` replaces the HTTP response head (for a broken one)."""
    http = head if head is not None else (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n{extra}Content-Length: {len(body)}\r\n\r\n").encode()
    return record("response", url, http + body, date=date)


def record(kind: str, url: str, block: bytes, date: str = "2024-03-05T10:11:12Z") -> bytes:
    ctype = {"response": "application/http; msgtype=response", "request": "application/http; msgtype=request",
             "warcinfo": "application/warc-fields"}.get(kind, "text/plain")
    head = (f"WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {url}\r\nWARC-Date: {date}\r\n"
            f"WARC-Record-ID: <urn:uuid:{abs(hash((kind, url, block))):032x}>\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {len(block)}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"


def write_warc(path: Path, records: list[bytes], *, gzipped: bool | None = None) -> list[int]:
    """Write ``records`` to ``path`` (one gzip member per record when the name ends in .gz, or ``gzipped``);
    returns each record's byte offset."""
    gzipped = path.name.endswith(".gz") if gzipped is None else gzipped
    offsets, data = [], b""
    for r in records:
        offsets.append(len(data))
        data += gzip.compress(r, mtime=0) if gzipped else r
    path.write_bytes(data)
    return offsets


def pages(n: int, start: int = 0, host: str = "news.example.org") -> list[bytes]:
    return [response(f"https://{host}/story/{i}", article_html(i)) for i in range(start, start + n)]
