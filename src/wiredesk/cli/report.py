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


def run_report_markdown(summary) -> str:  # noqa: ANN001 (pipeline.RunSummary; imported lazily by callers)
    """The Markdown artifact of one run: counts, then errors by source."""
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
        f"| documents assigned to stories | {c.documents_assigned} |",
        f"| stories new | {c.stories_new} |",
        f"| errors | {len(summary.failures)} |",
        "",
    ]
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
