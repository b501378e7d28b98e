"""A run's summary as Markdown: what the flow publishes as its Prefect artifact, one per run.

Pure: a ``RunSummary`` in, text out. The flow (``flows/ingest.py``) hands it to Prefect; nothing here
imports Prefect. Errors are grouped *by source*: the host of a URL (a feed or an article page of it) or
the folder of a file, so a broken site shows up as one line with its count and reasons.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import PurePath
from urllib.parse import urlsplit

from wiredesk.domain.models import ROLES, Failure

#: Sources listed in the artifact; the rest are summed up in one line (the failures table has all).
MAX_SOURCES_SHOWN = 50


def failure_source(origin: str) -> str:
    """The source a failure belongs to: a URL's host, or a file's folder."""
    parts = urlsplit(origin)
    if parts.scheme in ("http", "https") and parts.hostname:
        return parts.hostname
    return str(PurePath(origin).parent)


def errors_by_source(failures: Iterable[Failure]) -> list[tuple[str, int, str]]:
    """``(source, failures, "reason xN, ...")``, most failures first."""
    counts: Counter[str] = Counter()
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    for f in failures:
        src = failure_source(f.origin)
        counts[src] += 1
        reasons[src][f"{f.stage}/{f.reason}"] += 1
    return [(src, n, ", ".join(f"{r} x{k}" for r, k in reasons[src].most_common()))
            for src, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _by_count(counter: Counter) -> str:
    return ", ".join(f"{k} {n}" for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def run_report_markdown(summary) -> str:  # noqa: ANN001 (pipeline.RunSummary; imported lazily by callers)
    """The Markdown artifact of one run: counts (revisits, pages that were not the article, site rules that
    matched nothing included), then errors by source."""
    c = summary.counts
    roles = ", ".join(f"{c.paragraphs_by_role.get(r, 0)} {r}" for r in ROLES)
    lines = [
        f"# wiredesk run {summary.run_id}: {summary.status} in {summary.seconds:.1f}s",
        "",
        f"Database `{summary.db_path}`; inputs: {', '.join(f'`{i}`' for i in summary.inputs)}",
        "",
        "| what | count |",
        "|---|---:|",
        f"| documents new | {c.documents_new} |",
        f"| documents updated | {c.documents_updated} |",
        f"| items unchanged | {c.items_unchanged} |",
        f"| items failed | {c.items_failed} |",
        f"| paragraphs new ({roles}) | {c.paragraphs_new} |",
        f"| duplicate links new | {c.duplicates_new} |",
        f"| event mentions new | {c.event_mentions_new} |",
        f"| events written | {c.events_written} |",
        f"| documents not read for events (language) | {c.event_documents_skipped} |",
        f"| documents not read for events (not news) | {c.event_documents_not_news} |",
        f"| documents assigned to stories | {c.documents_assigned} |",
        f"| stories new | {c.stories_new} |",
        f"| revisits due | {c.revisits_due} |",
        f"| revisits done: changed (new versions) | {c.revisits_changed} |",
        f"| revisits done: not modified (304) | {c.revisits_not_modified} |",
        f"| revisits done: failed (an error, or not the article) | {c.revisits_failed} |",
        f"| revisits done: the same | {c.revisits_done - c.revisits_changed - c.revisits_not_modified - c.revisits_failed} |",
        f"| revisits left by the per-source budget | {c.revisits_skipped} |",
        f"| revisits dropped (no current document) | {c.revisits_dropped} |",
        f"| fetched pages not the article (not stored) | {sum(c.not_articles.values())} |",
        f"| documents whose site rule matched nothing (keep_unmatched) | {sum(c.site_rule_fallbacks.values())} |",
        f"| errors | {len(summary.failures)} |",
        "",
    ]
    if c.not_articles:
        lines += ["**Fetched pages that were not the article**, by state (`page_access`; tried again later): "
                  + _cell(_by_count(c.not_articles)), ""]
    if c.site_rule_fallbacks:
        lines += ["**Site rules that matched nothing** (generic extraction, `documents.site_rule = 'keep_unmatched'`), "
                  "by host: " + _cell(_by_count(c.site_rule_fallbacks)), ""]
    if summary.error:
        lines += [f"**Stopped by:** `{_cell(summary.error)}`", ""]
    groups = errors_by_source(summary.failures)
    if not groups:
        lines.append("No errors.")
        return "\n".join(lines) + "\n"
    lines += ["## Errors by source", "", "| source | errors | stage/reason |", "|---|---:|---|"]
    for src, n, reasons in groups[:MAX_SOURCES_SHOWN]:
        lines.append(f"| {_cell(src)} | {n} | {_cell(reasons)} |")
    if len(groups) > MAX_SOURCES_SHOWN:
        rest = groups[MAX_SOURCES_SHOWN:]
        lines.append(f"| ({len(rest)} more sources) | {sum(n for _, n, _ in rest)} | |")
    lines += ["", f"All of them: `wiredesk query \"SELECT * FROM failures WHERE run_id = {summary.run_id}\"`"]
    return "\n".join(lines) + "\n"
