"""Article files on disk: find them, read them safely, and turn them into ``InputItem``s.

Supported: ``.html/.htm`` (cleaned later with trafilatura), ``.txt`` and ``.md`` (plain text; optional
front matter), ``.json`` (one record or a list of records) and ``.jsonl`` (one record a line); web archives
(``.warc``, ``.warc.gz``) are found here and read by ``wiredesk.sources.warc``. A record
needs ``text`` or ``html`` (a record with only an http(s) ``url`` is a URL to fetch: a ``UrlRecord``, fetched by
``wiredesk.pipeline.urls``) and may carry ``url``, ``title``, ``published`` (or ``published_at``/``date``),
``source`` (or ``outlet``), ``language`` and ``authors`` (or ``author``). A sidecar ``NAME.meta.json``
(or ``NAME.ext.meta.json``) next to a file supplies the same fields for it.

Every problem with one file or record becomes a ``Failure`` with a reason (``empty``, ``binary``,
``too_large``, ``decode``, ``unreadable``, ``bad_json``, ``no_text_field``, ``unsupported``); the others
load as usual. In folders, hidden files and README/LICENSE/CHANGELOG files are passed over. This module reads files; it does not clean them or touch the database.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from wiredesk.domain.dates import parse_published
from wiredesk.domain.errors import BadInputError, MissingPathError
from wiredesk.domain.models import Failure, InputItem, ItemMeta, UrlRecord
from wiredesk.domain.normalize import scrub_surrogates
from wiredesk.domain.settings import IngestSettings
from wiredesk.domain.urls import canonical_url, is_http_url

KINDS = {".html": "html", ".htm": "html", ".txt": "text", ".md": "markdown", ".markdown": "markdown"}
RECORD_SUFFIXES = {".json", ".jsonl"}
#: web archives, read record by record (``wiredesk.sources.warc``), not by ``load_files``
WARC_SUFFIXES = (".warc", ".warc.gz")
#: lists of URLs to fetch (CSV, GDELT exports), read by ``wiredesk.sources.urllists``, not by ``load_files``
URL_LIST_SUFFIXES = (".csv", ".csv.zip")
# Project files that sit beside articles in a folder and are not articles (named explicitly, they load).
_NOT_ARTICLES = re.compile(r"^(?:readme|license|licence|changelog|copying)(?:\.[a-z]+)?$", re.I)
SIDECAR_SUFFIX = ".meta.json"


@dataclass(frozen=True)
class Loaded:
    """What loading some files gave: items to clean, failures to record, URLs to fetch (URL-only records and
    URL lists) and list rows passed over, by why (``wiredesk.sources.urllists``)."""

    items: tuple[InputItem, ...]
    failures: tuple[Failure, ...]
    urls: tuple[UrlRecord, ...] = ()
    skipped: tuple[tuple[str, int], ...] = ()


def is_supported(path: Path) -> bool:
    name = path.name.lower()
    return not name.endswith(SIDECAR_SUFFIX) and (path.suffix.lower() in KINDS or path.suffix.lower() in RECORD_SUFFIXES
                                                  or name.endswith(WARC_SUFFIXES + URL_LIST_SUFFIXES))


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[Failure]]:
    """Expand files and folders into the supported files under them, sorted, each once.

    A missing path raises ``MissingPathError`` (the user named it; silence would hide a typo). A file
    named explicitly with an unsupported type is a failure; inside folders such files are passed over,
    as are hidden files and sidecars.
    """
    found: dict[Path, None] = {}
    failures: list[Failure] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise MissingPathError(f"no such file or directory: {raw}")
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                rel = child.relative_to(p).parts
                if (
                    child.is_file()
                    and not any(part.startswith(".") for part in rel)
                    and not _NOT_ARTICLES.match(child.name)
                    and is_supported(child)
                ):
                    found.setdefault(child, None)
        elif is_supported(p):
            found.setdefault(p, None)
        else:
            failures.append(Failure(str(p), "load", "unsupported", f"unsupported file type {p.suffix or '(none)'}"))
    return list(found), failures


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_PROBE = "<meta charset=x>"


def usable_charset(name: str, data: bytes) -> bool:
    """Whether a charset *declared* for ``data`` (header or ``<meta>``) may be used to decode it.

    A text codec Python knows, and either ASCII-compatible or plainly what the bytes are (a BOM or NUL
    bytes up front, for UTF-16/32). So ``<meta charset=utf-16>`` on an ASCII page (a common mistake
    that the HTML standard also overrides) or an EBCDIC label cannot turn a page into mojibake, and a
    codec like ``rot13`` or ``idna`` is never tried.
    """
    try:
        info = codecs.lookup(name)
    except LookupError:
        return False
    if not getattr(info, "_is_text_encoding", True) or info.name in ("idna", "punycode", "utf-7", "unicode-escape",
                                                                    "raw-unicode-escape"):
        return False
    try:
        if _PROBE.encode(info.name) == _PROBE.encode("ascii"):
            return True
    except (UnicodeError, LookupError):
        return False
    return info.name.startswith(("utf-16", "utf-32")) and (
        data[:4].startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")) or b"\x00" in data[:4])


def decode(data: bytes, kind: str, fallback_encoding: str = "") -> str:
    """Decode bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, an HTML page's declared
    charset, then ``fallback_encoding`` if set. Raises ``BadInputError`` on binary or undecodable data.
    """
    if not data.strip():
        raise BadInputError("empty", "file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise BadInputError("decode", f"invalid UTF-16: {exc}") from exc
    if b"\x00" in data[:8192]:
        raise BadInputError("binary", "file looks binary (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        candidates = []
        if kind == "html" and (m := _CHARSET.search(data[:4096])):
            candidates.append(m.group(1).decode("ascii"))
        if fallback_encoding:
            candidates.append(fallback_encoding)
        for enc in candidates:
            if not usable_charset(enc, data):
                continue
            try:
                return data.decode(enc)
            except (UnicodeError, LookupError):
                continue
        raise BadInputError(
            "decode",
            f"not valid UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) and no usable charset; "
            "set ingest.fallback_encoding to read it",
        ) from None


def meta_from_mapping(record: dict) -> ItemMeta:
    """Item metadata from a JSON record, sidecar or front matter (unknown keys are ignored)."""
    authors = record.get("authors", record.get("author"))
    if isinstance(authors, str):
        authors = [a.strip() for a in re.split(r";|,| and ", authors) if a.strip()]
    published = next((record[k] for k in ("published", "published_at", "date") if record.get(k)), None)

    def text(*keys):
        for k in keys:
            v = record.get(k)
            if isinstance(v, str) and v.strip():
                return v.strip()
        return None

    return ItemMeta(
        url=text("url"),
        title=text("title"),
        source=text("source", "outlet", "site", "sitename"),
        published_at=parse_published(published),
        language=text("language", "lang"),
        authors=tuple(a for a in (authors or []) if isinstance(a, str)),
    )


def _sidecar_meta(path: Path) -> ItemMeta | None:
    for candidate in (path.with_name(path.name + SIDECAR_SUFFIX), path.with_suffix(SIDECAR_SUFFIX)):
        if candidate.is_file():
            try:
                data = scrub_surrogates(json.loads(candidate.read_text(encoding="utf-8")))
            except (OSError, ValueError) as exc:
                raise BadInputError("bad_sidecar", f"sidecar {candidate.name} is not valid JSON: {exc}") from exc
            if not isinstance(data, dict):
                raise BadInputError("bad_sidecar", f"sidecar {candidate.name} must hold a JSON object")
            return meta_from_mapping(data)
    return None


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """``key: value`` front matter between ``---`` lines at the top of a text file, and the rest."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text
    fields = {}
    for line in m.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            fields[key.strip().lower()] = value.strip().strip("\"'")
    return fields, text[m.end():]


def merge_meta(primary: ItemMeta | None, secondary: ItemMeta) -> ItemMeta:
    """Fields of ``primary`` win; ``secondary`` fills the gaps."""
    if primary is None:
        return secondary
    return ItemMeta(
        url=primary.url or secondary.url,
        title=primary.title or secondary.title,
        source=primary.source or secondary.source,
        published_at=primary.published_at or secondary.published_at,
        language=primary.language or secondary.language,
        authors=primary.authors or secondary.authors,
        fetched_at=primary.fetched_at or secondary.fetched_at,
        http=primary.http or secondary.http,
        record=primary.record or secondary.record,
    )


def _load_document(path: Path, settings: IngestSettings) -> InputItem:
    kind = KINDS[path.suffix.lower()]
    data = _read(path, settings.max_file_bytes)
    text = decode(data, kind, settings.fallback_encoding)
    meta = _sidecar_meta(path) or ItemMeta()
    if kind != "html":
        front, text = split_front_matter(text)
        if front:
            meta = merge_meta(meta, meta_from_mapping(front))
        if not text.strip():
            raise BadInputError("empty", "file has no text")
    return InputItem(origin=str(path), kind=kind, content=text, raw=data, raw_sha256=sha256(data), meta=meta)


def _read(path: Path, limit: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > limit:
            raise BadInputError("too_large", f"file is {size:,} bytes; ingest.max_file_bytes is {limit:,}")
        with path.open("rb") as fh:
            return fh.read(limit + 1)
    except OSError as exc:
        raise BadInputError("unreadable", f"cannot read file: {exc.strerror or exc}") from exc


def record_to_item(record: object, origin: str, raw: bytes, defaults: ItemMeta | None = None) -> InputItem:
    """One JSON record (with ``html`` or ``text``) as an item; ``BadInputError`` if it has neither."""
    if not isinstance(record, dict):
        raise BadInputError("bad_record", f"record is a JSON {type(record).__name__}, not an object")
    html, text = record.get("html"), record.get("text")
    if isinstance(html, str) and html.strip():
        kind, content = "html", html
    elif isinstance(text, str) and text.strip():
        kind, content = "text", text
    else:
        raise BadInputError("no_text_field", "record has no non-empty 'text' or 'html' field")
    meta = merge_meta(meta_from_mapping(record), defaults or ItemMeta())
    return InputItem(origin=origin, kind=kind, content=content, raw=raw, raw_sha256=sha256(raw), meta=meta)


def url_record(record: object, origin: str, defaults: ItemMeta | None = None) -> UrlRecord | None:
    """A JSON record with an http(s) ``url`` and neither ``text`` nor ``html``, as a URL to fetch; else None.
    Its fields are kept as the item's ``record`` metadata (nested values as JSON)."""
    if not isinstance(record, dict) or any(isinstance(record.get(k), str) and record[k].strip() for k in ("text", "html")):
        return None
    url = record.get("url")
    if not isinstance(url, str) or not is_http_url(url.strip()):
        return None
    meta = merge_meta(meta_from_mapping(record), defaults or ItemMeta())
    fields = tuple((str(k), v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, sort_keys=True))
                   for k, v in record.items() if v not in (None, "", [], {}))
    summary = next((record[k] for k in ("summary", "description") if isinstance(record.get(k), str)), None)
    return UrlRecord(url=url.strip(), origin=origin, summary=summary,
                     meta=replace(meta, url=canonical_url(url.strip()), record=fields))


def _bounded_lines(fh, limit: int, chunk: int = 1 << 20) -> Iterator[tuple[bytes, int]]:  # noqa: ANN001
    """Lines of a binary file as ``(line, size)``, holding at most ``limit + 1`` bytes of any line: a
    longer line yields ``(b"", size)`` after being skipped in chunks (one enormous line in a JSONL file
    would otherwise be read whole into memory before its size could be checked)."""
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line, len(line)
            continue
        size = len(line)
        while True:  # skip the rest of the line
            part = fh.readline(chunk)
            size += len(part)
            if not part or part.endswith(b"\n"):
                break
        yield b"", size


def _iter_records(path: Path, settings: IngestSettings) -> Iterator[InputItem | Failure]:
    defaults = _sidecar_meta(path)
    if path.suffix.lower() == ".jsonl":
        try:
            fh = path.open("rb")
        except OSError as exc:
            raise BadInputError("unreadable", f"cannot read file: {exc.strerror or exc}") from exc
        with fh:
            any_line = False
            for number, (line, size) in enumerate(_bounded_lines(fh, settings.max_record_bytes), start=1):
                origin = f"{path}#{number}"
                if size > settings.max_record_bytes:
                    any_line = True
                    yield Failure(origin, "load", "too_large", f"record is {size:,} bytes; ingest.max_record_bytes is {settings.max_record_bytes:,}")
                    continue
                if not line.strip():
                    continue
                any_line = True
                try:
                    record = scrub_surrogates(json.loads(line))
                    yield url_record(record, origin, defaults) or record_to_item(record, origin, line.strip(), defaults)
                except ValueError as exc:
                    reason = exc.reason if isinstance(exc, BadInputError) else "bad_json"
                    yield Failure(origin, "load", reason, f"line {number}: {exc}")
            if not any_line:
                raise BadInputError("empty", "file has no records")
        return
    data = _read(path, settings.max_file_bytes)
    try:
        doc = scrub_surrogates(json.loads(decode(data, "json", settings.fallback_encoding)))
    except BadInputError:
        raise
    except ValueError as exc:
        raise BadInputError("bad_json", f"not valid JSON: {exc}") from exc
    if isinstance(doc, dict):
        yield url_record(doc, str(path), defaults) or record_to_item(doc, str(path), data, defaults)
        return
    if not isinstance(doc, list) or not doc:
        raise BadInputError("bad_json", "JSON file must hold an object or a non-empty list of objects")
    for index, record in enumerate(doc):
        origin = f"{path}#{index}"
        try:
            raw = json.dumps(record, sort_keys=True, ensure_ascii=False).encode("utf-8")
            yield url_record(record, origin, defaults) or record_to_item(record, origin, raw, defaults)
        except BadInputError as exc:
            yield Failure(origin, "load", exc.reason, str(exc))


def file_identity(path: Path) -> str | None:
    """What a failure to load ``path`` is remembered by: its size and times (a later run tries the file again
    only when one of them changes: new bytes, or a chmod that may make it readable). None if it cannot be read."""
    try:
        st = path.stat()
    except OSError:
        return None
    return f"file:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}"


#: Load failures that may pass with the file unchanged (a permission fixed, a network share back).
_MAY_PASS = ("unreadable",)


def load_files(paths: Iterable[Path], settings: IngestSettings) -> Loaded:
    """Load files into items; a bad file or record becomes a failure (of the file as it is now: its
    ``file_identity``) and the rest load as usual."""
    items: list[InputItem] = []
    failures: list[Failure] = []
    urls: list[UrlRecord] = []
    for path in paths:
        found: list[Failure] = []
        try:
            if path.suffix.lower() in RECORD_SUFFIXES:
                for out in _iter_records(path, settings):
                    (found if isinstance(out, Failure) else urls if isinstance(out, UrlRecord) else items).append(out)
            else:
                items.append(_load_document(path, settings))
        except BadInputError as exc:
            found.append(Failure(str(path), "load", exc.reason, str(exc)))
        identity = file_identity(path) if found else None
        failures += [replace(f, content=f.content or identity, may_pass=f.reason in _MAY_PASS) for f in found]
    return Loaded(tuple(items), tuple(failures), tuple(urls))
