"""What the CLI prints: run summaries, query results (table, CSV, JSON) and database statistics.

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


def format_progress(done: int, total: int, counts) -> str:
    """One progress line, printed after each stored batch."""
    return (
        f"{done}/{total} items: {counts.documents_new} new, {counts.documents_updated} updated, "
        f"{counts.items_unchanged} unchanged, {counts.items_failed} failed"
    )


def print_summary(summary, out: TextIO) -> None:
    """The end-of-run summary: documents, paragraphs by role, duplicates, failures, time."""
    c = summary.counts
    roles = ", ".join(f"{c.paragraphs_by_role.get(r, 0)} {r}" for r in ROLES)
    print(f"wiredesk run {summary.run_id} {summary.status} in {summary.seconds:.1f}s -> {summary.db_path}", file=out)
    print(f"  documents   {c.documents_new} new, {c.documents_updated} updated, {c.items_unchanged} unchanged, {c.items_failed} failed", file=out)
    print(f"  paragraphs  {c.paragraphs_new} new ({roles})", file=out)
    print(f"  duplicates  {c.duplicates_new} new paragraph links", file=out)
    print(f"  events      {c.event_mentions_new} new event mentions, {c.events_written} events written", file=out)
    print(f"  stories     {c.documents_assigned} documents assigned, {c.stories_new} new "
          f"{'story' if c.stories_new == 1 else 'stories'}", file=out)
    if summary.failures:
        print(f"  failures    {len(summary.failures)} (all in the failures table):", file=out)
        for f in summary.failures[:_MAX_FAILURES_SHOWN]:
            print(f"    {f.origin}: {f.reason}: {f.message}", file=out)
        if len(summary.failures) > _MAX_FAILURES_SHOWN:
            print(f"    ... and {len(summary.failures) - _MAX_FAILURES_SHOWN} more: wiredesk query \"SELECT * FROM failures WHERE run_id = {summary.run_id}\"", file=out)


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
    text = " ".join(text.split())
    if max_width and len(text) > max_width:
        text = text[: max_width - 1] + "…"
    return text


def format_rows(columns: Sequence[str], rows: Sequence[tuple], fmt: str, out: TextIO, max_width: int = 60) -> None:
    """Print query results as an aligned text table, CSV (with header) or a JSON array of objects."""
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
    print(f"{db_path}: {size / 1e6:.1f} MB, schema version {stats['schema_version']}", file=out)
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
    for run_id, status, started, new, unchanged, failed in stats["latest_runs"]:
        print(f"    #{run_id} {status:<9} {started:%Y-%m-%d %H:%M} {new} new, {unchanged} unchanged, {failed} failed", file=out)
    if stats["failures"]:
        reasons = stats["failure_reasons"]
        print(f"  failures    {stats['failures']} recorded ({', '.join(f'{n} {r}' for r, n in reasons)})", file=out)
