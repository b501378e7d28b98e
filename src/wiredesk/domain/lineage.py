"""Lineage: the versions of the code a run ran, and the supplied metadata a reprocess applies again.

Every derived row names what made it: ``documents.cleaner`` and ``derived_run_id``, ``paragraphs.derived_by``
and ``run_id``, ``duplicates.method`` and ``dedup_settings``, ``event_mention_rows.extractor``. A run records
``runs.code_versions`` (this module's ``code_versions``), so any row's ``run_id`` leads to the whole set.
Not here: deciding what is stale or re-deriving it (``wiredesk.pipeline.reprocess``).
"""

from __future__ import annotations

import json
from datetime import datetime

from wiredesk.domain.models import ItemMeta
from wiredesk.domain.versions import (
    ACCESS_VERSION,
    EXACT_DEDUP_VERSION,
    NEAR_DEDUP_VERSION,
    NORMALIZE_VERSION,
    PARAGRAPHS_VERSION,
    PIPELINE_VERSION,
)


def code_versions(settings=None, **extra: str) -> dict[str, str]:
    """The versions of every component that derives data (and, given ``settings``, the fingerprints of
    the settings that change derived rows). JSON-ready."""
    import trafilatura  # lazy on purpose: reading the version of a heavy library must not load it for every import

    out = {
        "pipeline": PIPELINE_VERSION, "paragraphs": PARAGRAPHS_VERSION, "normalize": NORMALIZE_VERSION,
        "exact": EXACT_DEDUP_VERSION, "near": NEAR_DEDUP_VERSION, "access": ACCESS_VERSION, "trafilatura": trafilatura.__version__,
    }
    if settings is not None:
        out["clean_settings"] = json.dumps(
            {"favor_precision": settings.clean.favor_precision, "include_tables": settings.clean.include_tables},
            sort_keys=True)
        out["dedup_settings"] = settings.dedup.fingerprint
        out["events_backend"] = settings.events.backend if settings.events.enabled else "disabled"
        if settings.site_rules:  # each document's own rule is in its cleaner version; this names them all
            out["site_rules"] = settings.site_rules.fingerprint
    out.update(extra)
    return out


def meta_to_json(meta: ItemMeta) -> str:
    """The metadata supplied with an item, as stored in ``documents.supplied_meta``."""
    fields = {
        "url": meta.url, "title": meta.title, "source": meta.source, "language": meta.language,
        "published_at": meta.published_at.isoformat() if meta.published_at else None, "authors": list(meta.authors),
    }
    if meta.fetched_at:  # only inputs that say when they were fetched (WARC records) carry these two
        fields["fetched_at"] = meta.fetched_at.isoformat()
    if meta.http:
        fields["http"] = dict(meta.http)
    if meta.record:  # only items read from a URL list carry their record's own fields
        fields["record"] = dict(meta.record)
    return json.dumps(fields, sort_keys=True, ensure_ascii=False)


def meta_from_json(text: str) -> ItemMeta:
    """The inverse of ``meta_to_json``."""
    d = json.loads(text)
    published = d.get("published_at")
    return ItemMeta(url=d.get("url"), title=d.get("title"), source=d.get("source"), language=d.get("language"),
                    published_at=datetime.fromisoformat(published) if published else None,
                    authors=tuple(d.get("authors") or ()),
                    fetched_at=datetime.fromisoformat(d["fetched_at"]) if d.get("fetched_at") else None,
                    http=tuple((d.get("http") or {}).items()), record=tuple((d.get("record") or {}).items()))
