"""WARC web archives (``.warc``, ``.warc.gz``): their HTML ``response`` records as ``InputItem``s, read a
chunk of records at a time from a byte offset, so a multi-GB archive is streamed and a run can go on from
where the last chunk ended.

What a chunk reads (``read_warc``), record by record, with warcio (one gzip member, one record):

1. the record type: only ``response`` records are pages; ``warcinfo``, ``request``, ``metadata``,
   ``revisit``, ``resource`` and others are counted as skipped by type;
2. the HTTP response head, parsed strictly here (warcio's parser accepts anything): a status line
   ``HTTP/x.y NNN`` and ``Name: value`` lines up to a blank line; anything else is a ``bad_http_header``
   failure; a status other than 2xx, and a body that is not HTML (images, PDFs, JSON, robots.txt...) are
   counted as skipped, by status class or media type;
3. the body, decoded from its transfer and content encodings, at most ``ingest.max_record_bytes``: a larger
   record is a ``too_large`` failure (its bytes are passed over, never held), and a record whose bytes end
   before its ``Content-Length`` says is ``truncated``;
4. the item: origin ``PATH#OFFSET`` (the record's byte offset in the file: its identity across runs),
   URL ``WARC-Target-URI``, fetch time ``WARC-Date``, and the HTTP headers worth keeping (content type,
   Last-Modified) and the record id in its metadata.

Between records: bytes that are no record (``garbage``) are one failure at their offset, and reading
resumes at the next record found; a file that ends inside a record is one ``truncated`` failure at the
offset of that record; a gzip file compressed as one stream (not one member per record, so offsets cannot
be resumed from) is a ``not_record_gzip`` failure after the records read. Every failure's origin is
``PATH#OFFSET``. This module reads files; it does not clean them or touch the database.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders

from wiredesk.domain.dates import parse_published
from wiredesk.domain.errors import BadInputError
from wiredesk.domain.models import Failure, InputItem, ItemMeta
from wiredesk.domain.settings import IngestSettings
from wiredesk.sources.feeds.collect import decode_html
from wiredesk.sources.files import WARC_SUFFIXES, file_identity, sha256

HTML_TYPES = ("text/html", "application/xhtml+xml")
#: The HTTP response head of one record may be this long at most (a longer one is a broken header).
MAX_HTTP_HEAD = 64 * 1024
#: Bytes scanned at a time for the next record after garbage.
_SCAN = 1 << 20
_STATUS = re.compile(rb"^HTTP/\d(?:\.\d)? (\d{3})(?: .*)?\r?\n$")
_HEADER = re.compile(rb"^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*\r?\n$")
_GZIP_MAGIC = b"\x1f\x8b\x08"


def is_warc(path: Path) -> bool:
    return path.name.lower().endswith(WARC_SUFFIXES)


@dataclass(frozen=True)
class WarcChunk:
    """What one chunk of an archive gave: items, failures, records skipped by kind (``response``
    records by HTTP status class or media type, others by record type), and the byte offset the next
    chunk starts at (None: the file is done)."""

    items: tuple[InputItem, ...]
    failures: tuple[Failure, ...]
    skipped: Counter = field(default_factory=Counter)
    next_offset: int | None = None


def read_warc(path: Path, start: int, settings: IngestSettings, max_records: int) -> WarcChunk:
    """Read up to ``max_records`` records of the archive at ``path`` from byte ``start`` (a record's first
    byte: 0, or a ``next_offset`` an earlier chunk returned). Problems with the file or its records are
    failures (see the module docstring); the records read before one are kept."""
    items: list[InputItem] = []
    failures: list[Failure] = []
    skipped: Counter = Counter()
    identity = file_identity(path)

    def fail(offset: int, reason: str, message: str) -> None:
        failures.append(Failure(f"{path}#{offset}", "load", reason, f"at byte {offset:,}: {message}",
                                content=identity))

    try:
        fh = path.open("rb")
        size = path.stat().st_size
    except OSError as exc:
        return WarcChunk((), (Failure(str(path), "load", "unreadable", f"cannot read file: {exc.strerror or exc}",
                                      content=identity, may_pass=True),))
    with fh:
        fh.seek(start)
        records = ArchiveIterator(fh, no_record_parse=True)
        end, done, cut = start, 0, False
        try:
            for record in records:
                outcome = _read_record(record, settings)
                records.read_to_end()
                offset = records.get_record_offset()  # absolute: warcio starts counting at the file's position
                end = records.offset  # the next record's first byte (after the blank lines between records)
                done += 1
                if isinstance(outcome, BadInputError):
                    fail(offset, outcome.reason, str(outcome))
                    cut = outcome.reason == "truncated"
                elif isinstance(outcome, str):
                    skipped[outcome] += 1
                else:
                    items.append(_item(record, outcome, f"{path}#{offset}"))
                if done >= max_records:
                    return WarcChunk(tuple(items), tuple(failures), skipped, end if end < size else None)
        except ArchiveLoadFailed as exc:
            if "non-chunked gzip" in str(exc):
                failures.append(Failure(str(path), "load", "not_record_gzip",
                                        "gzip-compressed as one stream, not one gzip member per record, so it cannot "
                                        "be read record by record; recompress it (warcio recompress IN OUT)",
                                        content=identity))
                return WarcChunk(tuple(items), tuple(failures), skipped, None)
            resume = _next_record_start(fh, end + 1, gzipped=path.name.lower().endswith(".gz"))
            stop = resume if resume is not None else size
            fail(end, "garbage", f"{stop - end:,} bytes that are no WARC record"
                 + (f"; reading resumes at byte {resume:,}" if resume is not None else " up to the end of the file"))
            return WarcChunk(tuple(items), tuple(failures), skipped, resume)
        except (OSError, EOFError, zlib.error) as exc:
            fail(end, "truncated", f"the file ends or breaks inside a record ({exc})")
            return WarcChunk(tuple(items), tuple(failures), skipped, None)
        tail = _unread_tail(fh, end, size)
        if tail and not cut:
            fail(end, "truncated", f"the file ends inside a record ({tail:,} bytes after the last whole record)")
    return WarcChunk(tuple(items), tuple(failures), skipped, None)


@dataclass(frozen=True)
class _Page:
    body: bytes
    status: int
    headers: dict[str, str]


def _read_record(record, settings: IngestSettings) -> _Page | BadInputError | str:  # noqa: ANN001
    """Steps 1-3 for one record: the page, a failure, or the kind of record skipped."""
    if record.rec_type != "response":
        return record.rec_type or "unknown"
    head = _read_http_head(record.raw_stream)
    if isinstance(head, BadInputError):
        if head.reason == "no_head_end" and _left(record) > 0:  # its bytes ran out inside its head: the file is cut
            return BadInputError("truncated", f"the record ends inside its HTTP head, before its {record.length:,} bytes")
        return BadInputError("bad_http_header", str(head))
    status, headers, lines = head
    if not 200 <= status < 300:
        return f"http {status // 100}xx"
    media = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media and media not in HTML_TYPES:
        return media
    limit = settings.max_record_bytes
    declared = record.length or 0
    if declared > limit:
        return BadInputError("too_large", f"record is {declared:,} bytes; ingest.max_record_bytes is {limit:,}")
    record.http_headers = StatusAndHeaders(lines[0].decode("latin-1").split(" ", 1)[1].strip(),
                                           [(k, v) for k, v in headers.items()], protocol="HTTP/1.1")
    try:
        body = record.content_stream().read(limit + 1)
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        if _left(record) > 0:
            return BadInputError("truncated", f"the record ends before its {declared:,} bytes ({exc})")
        return BadInputError("decode", f"body cannot be decoded: {exc}")
    if len(body) > limit:
        return BadInputError("too_large", f"decoded body over {limit:,} bytes; ingest.max_record_bytes is {limit:,}")
    if _left(record) > 0 and not record.raw_stream.read(1):
        return BadInputError("truncated", f"the record ends before its {declared:,} bytes")
    if not media and not body.lstrip()[:200].lower().startswith((b"<!doctype html", b"<html")):
        return "unknown"
    if not body.strip():
        return BadInputError("empty", "response body is empty")
    return _Page(body, status, headers)


def _left(record) -> int:  # noqa: ANN001
    """Bytes of the record its ``Content-Length`` promises that are not read yet."""
    return getattr(record.raw_stream, "limit", 0)


def _read_http_head(stream) -> tuple[int, dict[str, str], list[bytes]] | BadInputError:  # noqa: ANN001
    """The status and headers (names lower-cased; a repeated one keeps its last value) of an HTTP response
    head, read strictly, at most ``MAX_HTTP_HEAD`` bytes."""
    lines: list[bytes] = []
    total = 0
    while True:
        line = stream.readline(MAX_HTTP_HEAD + 1)
        total += len(line)
        if not line:
            return BadInputError("no_head_end", "the HTTP response head has no end (no blank line)")
        if total > MAX_HTTP_HEAD:
            return BadInputError("bad_http_header", f"the HTTP response head is over {MAX_HTTP_HEAD:,} bytes")
        if line in (b"\r\n", b"\n"):
            break
        lines.append(line)
    m = _STATUS.match(lines[0]) if lines else None
    if m is None:
        first = lines[0][:60] if lines else b""
        return BadInputError("bad_http_header", f"no HTTP status line (first line {first!r})")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if line[:1] in (b" ", b"\t") and headers:  # obsolete line folding (RFC 9112 5.2)
            continue
        h = _HEADER.match(line)
        if h is None:
            return BadInputError("bad_http_header", f"broken HTTP header line {line[:60]!r}")
        headers[h.group(1).decode("ascii").lower()] = h.group(2).decode("latin-1")
    return int(m.group(1)), headers, lines


def _item(record, page: _Page, origin: str) -> InputItem:  # noqa: ANN001
    """Step 4: the page as an item."""
    warc = record.rec_headers
    url = (warc.get_header("WARC-Target-URI") or "").strip().strip("<>") or None
    content_type = page.headers.get("content-type", "")
    http = tuple((k, v) for k, v in (("content_type", content_type),
                                     ("last_modified", page.headers.get("last-modified", "")),
                                     ("warc_record_id", warc.get_header("WARC-Record-ID") or "")) if v)
    meta = ItemMeta(url=url, fetched_at=parse_published(warc.get_header("WARC-Date")), http=http)
    text = decode_html(page.body, content_type)
    return InputItem(origin=origin, kind="html", content=text, raw=page.body, raw_sha256=sha256(page.body), meta=meta)


def _unread_tail(fh, end: int, size: int) -> int:  # noqa: ANN001
    """How many bytes after ``end`` are more than blank lines (a record cut short leaves some)."""
    if end >= size:
        return 0
    fh.seek(end)
    rest = fh.read(min(size - end, 4096))
    return 0 if not rest.strip(b"\r\n\x00") else size - end


def _next_record_start(fh, at: int, *, gzipped: bool) -> int | None:  # noqa: ANN001
    """The offset of the first record start at or after ``at``: a gzip member whose data begins with
    ``WARC/``, or a line starting ``WARC/1.`` in an uncompressed file; None if there is none."""
    marker = _GZIP_MAGIC if gzipped else b"WARC/1."
    pos = at
    while True:
        fh.seek(pos)
        block = fh.read(_SCAN + 16)
        if not block:
            return None
        i = block.find(marker)
        while i != -1 and i < _SCAN:
            candidate = pos + i
            if _starts_record(fh, candidate, gzipped):
                return candidate
            i = block.find(marker, i + 1)
        if len(block) <= _SCAN:
            return None
        pos += _SCAN


def _starts_record(fh, offset: int, gzipped: bool) -> bool:  # noqa: ANN001
    if not gzipped:
        return _prev_is_newline(fh, offset)
    fh.seek(offset)
    try:
        head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(fh.read(4096), 16)
    except zlib.error:
        return False
    return head.startswith(b"WARC/")


def _prev_is_newline(fh, offset: int) -> bool:  # noqa: ANN001
    fh.seek(offset - 1)
    return fh.read(1) == b"\n"
