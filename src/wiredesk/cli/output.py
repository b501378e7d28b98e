"""What the CLI prints: run summaries, rows (table, CSV, JSON, JSON Lines), sizes and database statistics.

Formatting only, no SQL: the numbers come from a ``RunSummary``, a query's rows or ``Reader.stats``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from wiredesk.domain.models import ROLES

_MAX_FAILURES_SHOWN = 10


def format_size(n: float) -> str:
    """A size in bytes as people read it, in one unit family everywhere (B, KiB, MiB, GiB: powers of 1024)."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def print_summary(summary, out: TextIO, wall_seconds: float | None = None) -> None:
    """The end-of-run summary: documents, paragraphs by role, duplicates, failures, time. ``wall_seconds``:
    the whole command, when it took noticeably longer than the run (Prefect starting a server and the flow)."""
    c = summary.counts
    roles = ", ".join(f"{c.paragraphs_by_role.get(r, 0)} {r}" for r in ROLES)
    took = f"{summary.seconds:.1f}s"
    if wall_seconds is not None and wall_seconds - summary.seconds >= 1.0:
        took = f"{wall_seconds:.1f}s ({summary.seconds:.1f}s ingesting, {wall_seconds - summary.seconds:.1f}s starting Prefect)"
    print(f"wiredesk run {summary.run_id} {summary.status} in {took} -> {summary.db_path}", file=out)
    print(f"  documents   {c.documents_new} new, {c.documents_updated} updated, {c.items_unchanged} unchanged, {c.items_failed} failed", file=out)
    print(f"  paragraphs  {c.paragraphs_new} new ({roles})", file=out)
    print(f"  duplicates  {c.duplicates_new} new paragraph links", file=out)
    print(f"  events      {c.event_mentions_new} new event mentions, {c.events_written} events written"
          + cut_note(c.event_candidates_cut) + skipped_note(c.event_documents_skipped, c.event_skipped_languages)
          + not_news_note(c.event_documents_not_news, c.event_skipped_pages),
          file=out)
    print(f"  stories     {c.documents_assigned} documents assigned, {c.stories_new} new "
          f"{'story' if c.stories_new == 1 else 'stories'}", file=out)
    if c.records_skipped:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(c.records_skipped.items(), key=lambda kv: (-kv[1], kv[0])))
        print(f"  skipped     {sum(c.records_skipped.values())} archive or list records, not pages to store ({kinds})",
              file=out)
    if c.site_rules:
        what = ", ".join(f"{c.site_rules[k]} {k}" for k in ("keep", "generic", "keep_unmatched") if c.site_rules[k])
        print(f"  site rules  {sum(c.site_rules.values())} documents cleaned under a site rule: {what}", file=out)
        if c.site_rule_fallbacks:
            print(f"              keep_unmatched (the keep selectors matched nothing, generic extraction; "
                  f"documents.site_rule): {by_count(c.site_rule_fallbacks)}", file=out)
    if c.not_articles:
        print(f"  access      {sum(c.not_articles.values())} fetched pages not the article, not stored: "
              f"{by_count(c.not_articles)} (page_access; tried again later)", file=out)
    if c.entries_dropped:
        print(f"  filters     {c.entries_dropped} dropped by filters, not fetched (by source and rule: the "
              "dropped_entries table)", file=out)
    if c.revisits_due:
        print(f"  revisits    {revisits_line(c)}", file=out)
    if summary.failures:
        print(f"  failures    {len(summary.failures)} (all in the failures table):", file=out)
        for f in summary.failures[:_MAX_FAILURES_SHOWN]:
            print(f"    {f.origin}: {f.reason}: {f.message}", file=out)
        if len(summary.failures) > _MAX_FAILURES_SHOWN:
            print(f"    ... and {len(summary.failures) - _MAX_FAILURES_SHOWN} more: wiredesk query \"SELECT * FROM failures WHERE run_id = {summary.run_id}\"", file=out)


def cut_note(n: int) -> str:
    """", 12 grouping candidates cut by the block size" when the event grouping's blocks cut some; else ""."""
    if not n:
        return ""
    return f", {n} grouping candidate{'s' if n != 1 else ''} cut by the block size (runs.event_candidates_cut)"


def by_count(counter) -> str:  # noqa: ANN001
    """"3 example.com, 1 news.example.org": a Counter, most first, then by name."""
    return ", ".join(f"{n} {k}" for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def revisits_line(c) -> str:  # noqa: ANN001 (BatchCounts, or a runs row with the same names)
    """What a run's revisits did, as the run summary and ``status`` say it."""
    get = c.get if isinstance(c, dict) else lambda k: getattr(c, k)
    done, changed, nm, failed = (get(k) or 0 for k in ("revisits_done", "revisits_changed", "revisits_not_modified",
                                                     "revisits_failed"))
    line = (f"{get('revisits_due') or 0} due, {done} done: {changed} changed (new versions), {done - changed - nm - failed} "
            f"the same, {nm} not modified (304), {failed} failed; {get('revisits_skipped') or 0} left by the "
            "per-source budget")
    dropped = get("revisits_dropped") or 0
    return line + (f", {dropped} dropped (no current document)" if dropped else "")


def skipped_note(n: int, languages) -> str:
    """", 3 documents not read (language: 2 de, 1 unknown)" for a run that skipped documents; else ""."""
    if not n:
        return ""
    langs = ", ".join(f"{k} {lang}" for lang, k in sorted(languages.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"; {n} document{'s' if n != 1 else ''} not read (language{': ' + langs if langs else ''})"


def not_read_for_events(language: int | None, not_news: int | None) -> str:
    """", 2 not read for events (language), 1 not read for events (not news)" for a stored run's line in
    ``status`` and ``stats``; "" when the run read every document."""
    return ((f", {language} not read for events (language)" if language else "")
            + (f", {not_news} not read for events (not news)" if not_news else ""))


def not_news_note(n: int, reasons) -> str:
    """"; 2 not news, not read (type Recipe 1, url /wiki/ 1)" for a run whose page-kind gate kept documents out
    of event extraction (``events.pages = "news"``); else ""."""
    if not n:
        return ""
    why = ", ".join(f"{reason} {k}" for reason, k in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"; {n} not news, not read{' (' + why + ')' if why else ''}"


def jsonable(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def _cell(value, max_width: int) -> str:
    if value is None:
        text = "NULL"
    elif isinstance(value, (datetime, date)):
        text = value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    elif isinstance(value, bytes):
        text = f"<{len(value)} bytes>"
    else:
        text = str(value)
    return cut(" ".join(text.split()), max_width)


def cut(text: str, max_width: int) -> str:
    """``text`` cut to ``max_width`` characters with an ellipsis (0: never cut)."""
    return text[: max_width - 1] + "…" if max_width and len(text) > max_width else text


def format_rows(columns: Sequence[str], rows: Sequence[tuple], fmt: str, out: TextIO, max_width: int = 60) -> None:
    """Print rows as an aligned text table (cells cut at ``max_width``, 0: never), CSV (with header), a JSON
    array of objects or JSON Lines (one object a line)."""
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if v is None else jsonable(v) for v in row])
        return
    if fmt == "json":
        json.dump([dict(zip(columns, (jsonable(v) for v in row))) for row in rows], out, ensure_ascii=False, indent=1)
        out.write("\n")
        return
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(dict(zip(columns, (jsonable(v) for v in row))), ensure_ascii=False) + "\n")
        return
    cells = [[_cell(v, max_width) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    numeric = [all(isinstance(row[i], (int, float, Decimal)) or row[i] is None for row in rows) and rows for i in range(len(columns))]

    def line(values):
        return "  ".join(v.rjust(w) if numeric[i] else v.ljust(w) for i, (v, w) in enumerate(zip(values, widths))).rstrip()

    print(line(list(columns)), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for r in cells:
        print(line(r), file=out)
    print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})", file=out)


def print_stats(stats: dict, db_path: str, out: TextIO) -> None:
    """Summarize a database from what ``Reader.stats`` read of its public tables."""
    size = Path(db_path).stat().st_size if Path(db_path).is_file() else 0
    print(f"{db_path}: {format_size(size)}, schema version {stats['schema_version']}", file=out)
    print(f"  documents   {stats['documents_current']} current ({stats['documents']} versions) from {stats['sources']} sources",
          file=out)
    roles = stats["paragraphs_by_role"]
    total = sum(roles.values())
    print(f"  paragraphs  {total} ({', '.join(f'{roles.get(r, 0)} {r}' for r in ROLES)})", file=out)
    kinds = stats["duplicates_by_kind"]
    print(f"  duplicates  {sum(n for _, n in kinds)} links ({', '.join(f'{n} {k}' for k, n in kinds) or 'none'})", file=out)
    print(f"  events      {stats['events']} events from {stats['event_mentions']} mentions; {stats['entities']} entities",
          file=out)
    if stats["sources_followed"]:
        print(f"  sources     {stats['sources_followed']} followed: {stats['sources_failing']} failing, "
              f"{stats['sources_disabled']} disabled (wiredesk sources list)", file=out)
    if stats["top_sources"]:
        print("  top sources " + "; ".join(f"{s} ({n})" for s, n in stats["top_sources"]), file=out)
    print(f"  runs        {stats['runs']} (latest first):", file=out)
    for run_id, status, started, new, unchanged, failed, skipped, not_news in stats["latest_runs"]:
        print(f"    #{run_id} {status:<9} {started:%Y-%m-%d %H:%M} {new} new, {unchanged} unchanged, {failed} failed"
              + not_read_for_events(skipped, not_news), file=out)
    if stats["failures"]:
        reasons = stats["failure_reasons"]
        print(f"  failures    {stats['failures']} recorded ({', '.join(f'{n} {r}' for r, n in reasons)})", file=out)
