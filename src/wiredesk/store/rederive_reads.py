"""What reprocess reads of the stored documents: which ones to take, their lineage, and the documents themselves.

``wiredesk.pipeline.reprocess`` pages through the current document versions (``select_documents``), tells from
their lineage whether the current cleaner would write another version (``document_lineage``), and loads the
ones it re-derives with their paragraphs and, for a re-clean, their raw bytes (``load_documents``). Reads
only: the batch's write is ``wiredesk.store.rederive``.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from wiredesk.domain.models import Paragraph


@dataclass(frozen=True)
class StoredDocument:
    """A current document version as stored, with its paragraphs and (when asked for) its raw bytes."""

    document_id: int
    doc_key: str
    origin: str
    kind: str
    raw_sha256: str
    url: str | None
    title: str | None
    authors: tuple[str, ...]
    source: str | None
    published_at: datetime | None
    language: str | None
    language_source: str | None
    text: str
    content_hash: str
    cleaner: str
    supplied_meta: str | None
    paragraphs: tuple[Paragraph, ...]
    raw: bytes | None = None
    #: the run that stored it (documents.run_id): its site furniture counts only the runs before it
    stored_run_id: int | None = None
    #: the kinds the page declares (documents.page_types: empty when it declares none); None when they were never
    #: derived (stored before migration 0030, page_kinds): a re-clean fills them, even with none
    page_types: tuple[str, ...] | None = None


def select_documents(con, since: datetime | None, after: int, limit: int) -> list[int]:
    """Ids of current document versions above ``after`` (ascending), ingested at or after ``since``."""
    return [r[0] for r in con.execute(
        "SELECT document_id FROM documents WHERE is_current AND document_id > ? AND (? IS NULL OR ingested_at >= ?) "
        "ORDER BY document_id LIMIT ?", [after, since, since, limit]).fetchall()]


def document_lineage(con, ids: Sequence[int]) -> list[tuple[int, str, str, str, str | None, str | None, bool]]:
    """``(document_id, origin, kind, cleaner, supplied_meta, url, page_types_derived)`` of the documents ``ids``:
    what tells whether the current cleaner would write another version for them, without reading their texts
    (``page_types_derived`` is false for a document stored before the cleaner kept the page's types)."""
    return [tuple(r) for r in con.execute(
        "SELECT document_id, origin, kind, cleaner, supplied_meta, url, page_types IS NOT NULL FROM documents "
        "WHERE document_id IN (SELECT unnest(?::BIGINT[])) ORDER BY document_id", [list(ids)]).fetchall()]


def load_documents(con, ids: Sequence[int], *, with_raw: bool) -> list[StoredDocument]:
    """The stored documents ``ids`` with their paragraphs (and raw bytes, decompressed, if ``with_raw``)."""
    if not ids:
        return []
    wanted = {"id": np.asarray(ids, dtype=np.int64)}  # noqa: F841 (read by DuckDB's replacement scan)
    raw_col = "r.codec, r.data" if with_raw else "NULL, NULL"
    rows = con.execute(
        f"SELECT d.document_id, d.doc_key, d.origin, d.kind, d.raw_sha256, d.url, d.title, d.authors, d.source, "
        f"d.published_at, d.language, d.language_source, d.text, d.content_hash, d.cleaner, d.supplied_meta, "
        f"{raw_col}, d.run_id, d.page_types "
        "FROM documents d LEFT JOIN raw_pages r ON r.raw_sha256 = d.raw_sha256 "
        "WHERE d.document_id IN (SELECT id FROM wanted) ORDER BY d.document_id").fetchall()
    pars: dict[int, list[Paragraph]] = {}
    for doc_id, position, role, text, attached in con.execute(
        "SELECT document_id, position, role, text, attached_to FROM paragraphs "
        "WHERE document_id IN (SELECT id FROM wanted) ORDER BY document_id, position").fetchall():
        pars.setdefault(doc_id, []).append(Paragraph(position, role, text, attached))
    out = []
    for r in rows:
        codec, data = r[16], r[17]
        raw = None
        if data is not None:
            raw = zlib.decompress(data) if codec == "zlib" else bytes(data)
        out.append(StoredDocument(*r[:7], tuple(r[7] or ()), *r[8:16], tuple(pars.get(r[0], ())), raw, r[18],
                                  None if r[19] is None else tuple(r[19])))
    return out
