"""What one run added, as Markdown for its Prefect artifact: documents per outlet, the events it wrote and
the copies its documents made, each a small table, and how to draw the full report.

Pure: the rows of ``Reader.run_additions`` in, text out. The flow (``flows/ingest.py``) appends it to the
run's summary (``wiredesk.cli.report.run_report_markdown``); Prefect's UI renders Markdown, not scripts,
so the charts stay in ``wiredesk report``'s HTML file.
"""

from __future__ import annotations

from datetime import date
from typing import Any


def _cell(value: Any) -> str:
    return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")


def _table(headings: list[str], rows: list[list[Any]]) -> list[str]:
    return ["| " + " | ".join(headings) + " |", "|" + "---|" * len(headings),
            *("| " + " | ".join(_cell(v) for v in r) + " |" for r in rows), ""]


def run_additions_markdown(run_id: int, added: dict[str, list[dict]], day: date | None) -> str:
    """The "what this run added" section; ``day``: the run's day, for the report command it suggests."""
    lines = [f"## What run {run_id} added", ""]
    if added["outlets"]:
        lines += ["**Documents by outlet**", ""] + _table(
            ["outlet", "new", "updated"], [[r["source"], r["new"], r["updated"]] for r in added["outlets"]])
    else:
        lines += ["No document.", ""]
    if added["events"]:
        lines += ["**Events it wrote** (most outlets first)", ""] + _table(
            ["class", "actor", "target", "place", "date", "outlets", "mentions"],
            [[e["event_class"], e["actor_name"], e["target_name"],
              ", ".join(p for p in (e["place_name"], e["place_country"]) if p), e["date_start"], e["num_sources"],
              e["num_mentions"]] for e in added["events"]])
    if added["copies"]:
        lines += ["**Copies its documents made** (paragraphs, from the outlet that had them first)", ""] + _table(
            ["first published by", "repeated by", "paragraphs"],
            [[c["from_source"], c["to_source"], c["paragraphs"]] for c in added["copies"]])
    since = f" --since {day.isoformat()}" if day else ""
    lines += [f"Charts (stories, copies, events on a map, feeds, runs): `wiredesk report{since} -o report.html`", ""]
    return "\n".join(lines)
