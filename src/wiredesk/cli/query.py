"""``wiredesk query`` and ``wiredesk stats``: read-only SQL and a summary of the database.

``query`` runs the user's own SQL on the sandboxed read-only connection of ``wiredesk.store.open_readonly``
(no file or network access, one statement); ``stats`` prints what the store reads for it.
"""

from __future__ import annotations

import sys

import duckdb

from wiredesk.cli.args import EPILOG, add_db_args, settings_from_args
from wiredesk.cli.output import format_rows, print_stats
from wiredesk.domain.errors import WiredeskError
from wiredesk.store import open_readonly
from wiredesk.store.reader import Reader


def add_query_parser(sub) -> None:
    query = sub.add_parser(
        "query",
        help="run read-only SQL against the database",
        description=("Run one SQL statement on a read-only connection to the database and print the result. The connection "
                     "cannot write, read or attach other files, or load extensions. See docs/schema.md for tables."),
        epilog=EPILOG,
    )
    query.add_argument("sql", metavar="SQL", help='SQL text, e.g. "SELECT role, count(*) FROM paragraphs GROUP BY role"')
    add_db_args(query)
    query.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format (default: table)")
    query.add_argument("--max-width", type=int, default=60, metavar="N", help="table format: cut cells at N characters (0: never)")
    query.set_defaults(func=cmd_query)


def add_stats_parser(sub) -> None:
    stats = sub.add_parser("stats", help="summarize the database", description="Counts of documents, paragraphs, duplicates, runs and failures.", epilog=EPILOG)
    add_db_args(stats)
    stats.set_defaults(func=cmd_stats)


def cmd_query(args) -> int:
    settings = settings_from_args(args)
    con = open_readonly(settings.db_path, sandbox=True)  # read-only, no file/network access (docs/reliability.md)
    try:
        try:
            if len(con.extract_statements(args.sql)) > 1:  # one statement: nothing can ride along after a SELECT
                raise WiredeskError("query failed: give one SQL statement (found several separated by ';')")
            cur = con.execute(args.sql)
        except duckdb.Error as exc:
            raise WiredeskError(f"query failed: {str(exc).splitlines()[0]}") from exc
        if cur.description is None:
            return 0
        columns = [d[0] for d in cur.description]
        format_rows(columns, cur.fetchall(), args.format, sys.stdout, max_width=args.max_width)
    finally:
        con.close()
    return 0


def cmd_stats(args) -> int:
    settings = settings_from_args(args)
    with Reader.open(settings.db_path) as reader:
        stats = reader.stats()
    print_stats(stats, settings.db_path, sys.stdout)
    return 0
