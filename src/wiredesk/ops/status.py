"""The health of one wiredesk database: what ``wiredesk status`` shows, and what needs attention.

``collect_status`` puts together, as plain data (a dict ready for JSON), what the store reads
(``wiredesk.store.reader.Reader``: the last runs, the sources due and failing, the revisits scheduled and due,
the hosts whose site rule fell back to generic extraction, the near-duplicate index and event tables), the file's size and its run lock; ``index_problems``, ``needs_attention`` (problems) and ``warnings`` decide what is
wrong. It writes nothing and sends no SQL; ``wiredesk.cli.status`` prints it.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

from wiredesk.domain.settings import Settings
from wiredesk.sources.health import source_health
from wiredesk.store.access import lock_is_held, read_holder
from wiredesk.store.feeds import SourceRow
from wiredesk.store.reader import Reader
from wiredesk.store.stories import DERIVED_BY as STORY_CODE

#: Last runs shown.
LAST_RUNS = 5


def file_sizes(db_path: str) -> dict[str, int]:
    """Bytes of the database file and of its write-ahead log (present while a write is unfinished)."""
    sizes = {}
    for label, path in (("database_bytes", Path(db_path)), ("wal_bytes", Path(f"{db_path}.wal"))):
        try:
            sizes[label] = os.path.getsize(path)
        except OSError:
            sizes[label] = 0
    return sizes


def collect_status(reader: Reader, settings: Settings, now: datetime) -> dict[str, Any]:
    """Everything ``wiredesk status`` shows, for the database at ``settings.db_path`` read by ``reader``."""
    db = settings.db_path
    held = lock_is_held(db)
    holder = read_holder(db) if held else None
    status: dict[str, Any] = {
        "database": str(db),
        **file_sizes(db),
        "run_in_progress": holder.describe() if holder else ("yes (holder unknown)" if held else None),
        "last_runs": reader.last_runs(LAST_RUNS),
        "counts": reader.table_counts(),
    }
    if reader.has_table("sources"):
        status["sources_due"] = reader.sources_due(now)
        status["sources_failing"] = reader.sources_failing()
        status["sources_total"] = reader.sources_total()
        if reader.has_table("page_access"):
            status["sources_watch"] = sources_watch(reader.sources(), *reader.source_signals(), now)
    status["revisits"] = reader.revisit_overview(now)
    status["site_rule_fallbacks"] = [{"host": h, "documents": n} for h, n in reader.site_rule_fallbacks()]
    status["index"] = index_health(reader, settings)
    return status


def sources_watch(rows: list[SourceRow], access: dict[int, dict[str, int]],
                  signals: dict[int, tuple[list, list]], now: datetime) -> list[dict[str, Any]]:
    """The sources to keep an eye on though they answer: stalled, degraded, or with pages that were not
    articles when last fetched (``wiredesk.sources.health``, ``wiredesk.clean.access``), by name."""
    out = []
    for r in rows:
        dates, lengths = signals.get(r.source_id, ([], []))
        h = source_health(r.state, r.config.enabled, dates, lengths, now)
        pages = access.get(r.source_id, {})
        if h.stalled or h.degraded or pages:
            out.append({"name": r.config.name, "health": h.word, "stalled": h.stalled, "degraded": h.degraded,
                        "not_articles": pages})
    return out


def index_health(reader: Reader, settings: Settings) -> dict[str, Any]:
    """Near-duplicate index, event and story tables, and the documents' page types the event extraction's
    page-kind gate reads: is anything missing or built with other settings?"""
    dedup = settings.dedup
    near = reader.near_index_state(dedup)
    health: dict[str, Any] = {
        "near_index_rows": near["rows"],
        "near_index_keys": near["keys"],
        "near_eligible_paragraphs": near["eligible"],
        "near_not_indexed": near["not_indexed"],
        "near_signature_matches": near["signature_version"] in (None, dedup.signature_version),
    }
    if reader.has_table("event_mention_rows"):
        health["event_extractors"] = reader.extractor_versions()
    health["documents_without_page_types"] = reader.documents_without_page_types()
    # they matter where the page-kind gate reads them: events on, and only the pages that report news
    health["page_kind_gate"] = settings.events.enabled and settings.events.pages == "news"
    health["clusters"] = reader.cluster_state()
    if reader.has_stories():
        health["documents_without_story"] = reader.documents_without_story()
        health["story_code"] = reader.story_versions()
    health["problems"] = index_problems(health)
    return health


def index_problems(health: dict[str, Any]) -> list[str]:
    """One line per problem of the index and event tables."""
    problems = []
    if not health["near_signature_matches"]:
        problems.append("near-duplicate index built with other [dedup] settings: run `wiredesk dedup-rebuild`")
    if health["near_not_indexed"]:
        problems.append(f"{health['near_not_indexed']} current paragraphs missing from the near-duplicate index: "
                        "run `wiredesk dedup-rebuild`")
    clusters = health.get("clusters") or {}
    stale = clusters.get("not_computed", 0) + clusters.get("out_of_step", 0)
    if stale:
        problems.append(f"{stale} paragraphs' stored duplicate clusters disagree with their links (the store was "
                        "edited past wiredesk): run `wiredesk dedup-rebuild`")
    if clusters.get("dangling_links"):
        problems.append(f"{clusters['dangling_links']} duplicate links point to a missing paragraph (the duplicate "
                        "views ignore them)")
    cut = clusters.get("cycles_cut_at", [])
    if cut:
        shown = ", ".join(map(str, cut[:5])) + (" ..." if len(cut) > 5 else "")
        problems.append(f"{len(cut)} cycles of copy links, cut at paragraph {shown} (the duplicate views show "
                        "it as its cluster's earliest copy)")
    versions = health.get("event_extractors", [])
    if len(versions) > 1:
        problems.append(f"event mentions come from {len(versions)} extractor versions (older documents were not re-extracted)")
    if health.get("documents_without_page_types") and health.get("page_kind_gate"):
        problems.append(f"{health['documents_without_page_types']} current documents have no page types (stored "
                        "before they were kept: the news-page gate reads only their URL and text): run "
                        "`wiredesk reprocess --outdated`")
    if health.get("documents_without_story"):
        problems.append(f"{health['documents_without_story']} current documents have no story (stored before stories "
                        "existed): run `wiredesk stories-rebuild`")
    if any(v["derived_by"] != STORY_CODE for v in health.get("story_code", [])):
        problems.append(f"stories were decided by other story code than {STORY_CODE}: run `wiredesk stories-rebuild`")
    return problems


def needs_attention(st: dict[str, Any]) -> list[str]:
    """One line per problem: something is broken or stopped and needs someone to act (a failing source, the
    last run failed or was abandoned, an index, cluster, story or event table out of step, documents the page-kind
    gate would read without their page types). ``wiredesk status``
    exits 1 when there is any."""
    out = list(st["index"]["problems"])
    failing = st.get("sources_failing", [])
    if failing:
        out.append(f"{len(failing)} failing source(s)")
    runs = st["last_runs"]
    if runs and runs[0]["status"] in ("failed", "abandoned"):
        out.append(f"the last run ({runs[0]['run_id']}) {runs[0]['status']}")
    return out


def warnings(st: dict[str, Any]) -> list[str]:
    """One line per warning: something works but may need a look, and may also be how a site is (a site rule
    whose keep selectors matched nothing on some current documents, so they had the generic extraction; a
    source that answers but is stalled or degraded). ``wiredesk status`` exits 0 for them, 1 with ``--strict``.
    Pages that were not articles (consent, paywall ...) are neither: they are retried, and a paywalled outlet
    has them all the time."""
    out = []
    fallbacks = st.get("site_rule_fallbacks") or []
    if fallbacks:
        out.append(f"site rules fell back to generic extraction (keep_unmatched) on {len(fallbacks)} host(s)")
    for label in ("stalled", "degraded"):
        names = [s["name"] for s in st.get("sources_watch", []) if s[label]]
        if names:
            out.append(f"{len(names)} {label} source(s): " + ", ".join(names[:5]) + (" ..." if len(names) > 5 else ""))
    return out
