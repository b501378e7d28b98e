"""Lists of URLs on disk: CSV files with a URL column, and GDELT 2.0 event and mention exports. Reads files only.

Each row becomes a ``UrlRecord`` (the page is fetched later, by ``wiredesk.pipeline.urls``), with the row's own
fields kept as ``ItemMeta.record`` and the usual ones (``title``, ``published``, ``source``, ``language``,
``authors``) read as for a JSON record (``wiredesk.sources.files.meta_from_mapping``). URL-only JSON/JSONL
records are read by ``wiredesk.sources.files``, not here.

1. **CSV** (``.csv``, or one zipped as ``.csv.zip``): comma-separated with a header row. The URL column is
   ``url_column`` when given (a file without it is one ``no_url_column`` failure), else the first header of
   ``url``, ``link``, ``sourceurl``, ``mentionidentifier``, ``href``, ``story_url``, ``page`` (any case), else
   the first column whose first row holds an http(s) URL.
2. **GDELT 2.0 events** (``*.export.CSV``, zipped or not): tab-separated, no header, 61 columns in the order of
   the GDELT Event Codebook V2.0 (``EVENT_COLUMNS``); the URL is ``SOURCEURL``, the last column.
3. **GDELT 2.0 mentions** (``*.mentions.CSV``, zipped or not): tab-separated, no header, 16 columns
   (``MENTION_COLUMNS``); the URL is ``MentionIdentifier`` (column 6), read only where ``MentionType`` (column 4)
   is 1 (web); other mention types (broadcast, print, citation-only identifiers) are counted as skipped.

A malformed row (the wrong number of fields, no http(s) URL) is one ``Failure`` named ``path#LINE`` with its
line number; the rest of the file is read. The same URL twice in one file is read once (the first row).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from wiredesk.domain.errors import BadInputError
from wiredesk.domain.models import Failure, ItemMeta, UrlRecord
from wiredesk.domain.urls import canonical_url, is_http_url
from wiredesk.sources.files import URL_LIST_SUFFIXES, meta_from_mapping

#: The columns a CSV's URL is looked for in, in order, when ``url_column`` is not given (any case).
URL_COLUMN_NAMES = ("url", "link", "sourceurl", "mentionidentifier", "href", "story_url", "page")

#: GDELT 2.0 event export columns, in file order (GDELT Event Codebook V2.0, "Data format").
EVENT_COLUMNS = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *(f"Actor{n}{c}" for n in (1, 2) for c in ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode",
                                                "Religion1Code", "Religion2Code", "Type1Code", "Type2Code",
                                                "Type3Code")),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale", "NumMentions",
    "NumSources", "NumArticles", "AvgTone",
    *(f"{g}Geo_{c}" for g in ("Actor1", "Actor2", "Action") for c in ("Type", "FullName", "CountryCode", "ADM1Code",
                                                                     "ADM2Code", "Lat", "Long", "FeatureID")),
    "DATEADDED", "SOURCEURL",
)
#: GDELT 2.0 mentions columns, in file order (GDELT Event Codebook V2.0, "Mentions table").
MENTION_COLUMNS = (
    "GLOBALEVENTID", "EventTimeDate", "MentionTimeDate", "MentionType", "MentionSourceName", "MentionIdentifier",
    "SentenceID", "Actor1CharOffset", "Actor2CharOffset", "ActionCharOffset", "InRawText", "Confidence",
    "MentionDocLen", "MentionDocTone", "MentionDocTranslationInfo", "Extras",
)
assert len(EVENT_COLUMNS) == 61 and len(MENTION_COLUMNS) == 16


@dataclass
class UrlList:
    """What reading one URL list gave: the records to fetch, the rows that failed, and rows passed over."""

    records: list[UrlRecord] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    #: rows read but not fetched, by why: "duplicate url", "mention type 2" ...
    skipped: Counter = field(default_factory=Counter)


def is_url_list(path: Path) -> bool:
    return path.name.lower().endswith(URL_LIST_SUFFIXES)


def list_format(path: Path) -> str:
    """``gdelt-events``, ``gdelt-mentions`` or ``csv``, by the file's name (as GDELT names its files)."""
    name = path.name.lower().removesuffix(".zip")
    if name.endswith(".export.csv"):
        return "gdelt-events"
    if name.endswith(".mentions.csv"):
        return "gdelt-mentions"
    return "csv"


def _open_text(path: Path) -> IO[str]:
    """The list's text: the file, or the first file inside a ``.zip`` (read as it streams, never whole)."""
    try:
        if path.name.lower().endswith(".zip"):
            archive = zipfile.ZipFile(path)
            members = [m for m in archive.infolist() if not m.is_dir()]
            if not members:
                raise BadInputError("empty", "zip archive holds no file")
            raw: IO[bytes] = archive.open(members[0])
        else:
            raw = path.open("rb")
    except zipfile.BadZipFile as exc:
        raise BadInputError("bad_zip", f"not a readable zip archive: {exc}") from exc
    except OSError as exc:
        raise BadInputError("unreadable", f"cannot read file: {exc.strerror or exc}") from exc
    # undecodable bytes in one row must not cost the file: they become U+FFFD in that row only
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")


def _record(url: str, origin: str, fields: dict[str, str], meta: ItemMeta) -> UrlRecord:
    kept = tuple((k, v) for k, v in fields.items() if k and v)
    return UrlRecord(url=url.strip(), origin=origin,
                     meta=ItemMeta(url=canonical_url(url.strip()), title=meta.title, source=meta.source,
                                   published_at=meta.published_at, language=meta.language, authors=meta.authors,
                                   record=kept),
                     summary=fields.get("summary") or fields.get("description") or None)


def _add(out: UrlList, seen: set[str], record: UrlRecord) -> None:
    key = record.meta.url or record.url
    if key in seen:
        out.skipped["duplicate url"] += 1
        return
    seen.add(key)
    out.records.append(record)


def _choose_column(header: list[str], first: list[str] | None, wanted: str | None) -> int:
    lowered = [h.strip().lower() for h in header]
    if wanted:
        if wanted.strip().lower() in lowered:
            return lowered.index(wanted.strip().lower())
        raise BadInputError("no_url_column", f"no column {wanted!r} in the header ({', '.join(header)[:300]})")
    for name in URL_COLUMN_NAMES:
        if name in lowered:
            return lowered.index(name)
    for i, value in enumerate(first or ()):
        if is_http_url(value.strip()):
            return i
    raise BadInputError("no_url_column", f"no URL column found in the header ({', '.join(header)[:300]}); "
                                         "name it with --url-column")


def _read_csv(text: IO[str], path: Path, url_column: str | None) -> UrlList:
    # a field over the csv module's own limit (131,072 characters) is that row's failure; the limit is not
    # raised, since it is one setting for the whole process
    out, seen = UrlList(), set()
    reader = csv.reader(text)
    try:
        header = next(reader, None)
        if header is None:
            raise BadInputError("empty", "file has no header row")
        rows = _rows(reader, path, out)
        first = next(rows, None)
        column = _choose_column(header, first[1] if first else None, url_column)
        for number, row in ([first] if first else []) + list(rows):  # noqa: RUF005
            origin = f"{path}#{number}"
            if len(row) != len(header):
                out.failures.append(Failure(origin, "load", "bad_row",
                                            f"line {number}: {len(row)} fields, the header has {len(header)}"))
                continue
            url = row[column].strip()
            if not is_http_url(url):
                out.failures.append(Failure(origin, "load", "bad_url", f"line {number}: not an http(s) URL: {url[:200]!r}"))
                continue
            fields = {h.strip(): v.strip() for h, v in zip(header, row, strict=True)}
            _add(out, seen, _record(url, origin, fields, meta_from_mapping(fields)))
    except csv.Error as exc:  # a broken file past repair (a NUL byte): what was read stays
        out.failures.append(Failure(f"{path}#{reader.line_num}", "load", "bad_row", f"line {reader.line_num}: {exc}"))
    return out


def _rows(reader, path: Path, out: UrlList) -> Iterator[tuple[int, list[str]]]:  # noqa: ANN001
    """``(line number, fields)`` of each non-blank row; a row the csv module cannot read is a failure."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            out.failures.append(Failure(f"{path}#{reader.line_num}", "load", "bad_row", f"line {reader.line_num}: {exc}"))
            continue
        if any(v.strip() for v in row):
            yield reader.line_num, row


def _read_gdelt(text: IO[str], path: Path, columns: tuple[str, ...], url_index: int, max_line: int) -> UrlList:
    out, seen = UrlList(), set()
    mentions = columns is MENTION_COLUMNS
    for number, line in enumerate(text, start=1):
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        origin = f"{path}#{number}"
        if len(line) > max_line:
            out.failures.append(Failure(origin, "load", "too_large", f"line {number}: {len(line):,} characters"))
            continue
        values = line.split("\t")
        if len(values) != len(columns):
            out.failures.append(Failure(origin, "load", "bad_row",
                                        f"line {number}: {len(values)} tab-separated fields, expected {len(columns)}"))
            continue
        fields = dict(zip(columns, (v.strip() for v in values), strict=True))
        if mentions and fields["MentionType"] != "1":  # 1 = web; the others have no page to fetch
            out.skipped[f"mention type {fields['MentionType'] or '?'}"] += 1
            continue
        url = values[url_index].strip()
        if not is_http_url(url):
            out.failures.append(Failure(origin, "load", "bad_url", f"line {number}: not an http(s) URL: {url[:200]!r}"))
            continue
        source = fields.get("MentionSourceName")
        _add(out, seen, _record(url, origin, fields, ItemMeta(source=source or None)))
    return out


def read_url_list(path: Path, *, url_column: str | None = None, max_record_bytes: int = 5 * 1024 * 1024) -> UrlList:
    """The records of one URL list (see the module docstring). A file that cannot be read at all raises
    ``BadInputError`` (``unreadable``, ``bad_zip``, ``empty``, ``no_url_column``)."""
    fmt = list_format(path)
    with _open_text(path) as text:
        if fmt == "gdelt-events":
            return _read_gdelt(text, path, EVENT_COLUMNS, EVENT_COLUMNS.index("SOURCEURL"), max_record_bytes)
        if fmt == "gdelt-mentions":
            return _read_gdelt(text, path, MENTION_COLUMNS, MENTION_COLUMNS.index("MentionIdentifier"), max_record_bytes)
        return _read_csv(text, path, url_column)


__all__ = ["URL_LIST_SUFFIXES", "EVENT_COLUMNS", "MENTION_COLUMNS", "UrlList", "is_url_list", "list_format", "read_url_list"]
