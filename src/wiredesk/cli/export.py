"""``wiredesk export``: tables to Parquet, JSON Lines or CSV files partitioned by publication date.

Argument handling and printing only; what is written and the incremental state are ``wiredesk.exports.tables``.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from wiredesk.cli.args import add_db_args, docs, settings_from_args
from wiredesk.cli.screen import Screen
from wiredesk.domain.errors import WiredeskError
from wiredesk.exports.tables import DEFAULT_TABLES, FORMATS, TABLES, export_tables
from wiredesk.store.reader import Reader


def add_export_parser(sub) -> None:
    p = sub.add_parser(
        "export",
        help="write tables as Parquet, JSON Lines or CSV files for other tools, only what is new",
        description=(
            "Copy tables into DIR/<table>/published_date=YYYY-MM-DD/ files (published_date=undated when unknown). "
            "Incremental: documents and paragraphs are append-only, so each export writes only rows stored since the "
            "last export to DIR, into new files; derived tables (duplicates, events, event_mentions, entities) are "
            "written whole when they changed, replacing the previous snapshot. The state is DIR/wiredesk-export.json; "
            "the database is only read."
        ),
        epilog="Exit status: 0 ok (also when nothing was new), 2 usage, database or destination error. "
               + docs("docs/export.md", "docs/python-api.md (reading the files)"),
    )
    add_db_args(p)
    p.add_argument("-o", "--output", metavar="DIR", default="export", help="destination folder (default: ./export)")
    p.add_argument("--format", choices=tuple(FORMATS), default="parquet", help="file format (default: parquet)")
    p.add_argument("--table", action="append", choices=tuple(TABLES), metavar="TABLE",
                   help=f"table to export; repeat for several (default: all: {', '.join(DEFAULT_TABLES)})")
    p.add_argument("--since", metavar="YYYY-MM-DD", type=_date,
                   help="only rows published on or after this date (undated rows are left out)")
    p.add_argument("--full", action="store_true",
                   help="start over: remove these tables' files in this format from DIR and export everything")
    p.set_defaults(func=cmd_export)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def cmd_export(args, screen: Screen) -> int:
    settings = settings_from_args(args)
    dest = Path(args.output)
    if dest.exists() and not dest.is_dir():
        raise WiredeskError(f"export destination {dest} is a file, not a folder")
    with Reader.open(settings.db_path) as reader:
        results = export_tables(reader, dest, database=str(Path(settings.db_path).resolve()),
                                tables=args.table or DEFAULT_TABLES, fmt=args.format, since=args.since, full=args.full)
    screen.print(f"wiredesk export -> {dest} ({args.format})")
    for r in results:
        if r.mode == "append":
            done = f"{r.rows} new rows in {len(r.files)} files" if r.rows else "nothing new"
            screen.print(f"  {r.table:<15} {done} (exported up to id {r.high_water})")
        else:
            screen.print(f"  {r.table:<15} " + (f"snapshot of {r.rows} rows in {len(r.files)} files" if r.files
                                         else "unchanged since the last export" if not r.rows else "empty"))
    return 0
