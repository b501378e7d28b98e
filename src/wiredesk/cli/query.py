"""``wiredesk query`` and ``wiredesk stats``: read-only SQL and a summary of the database.

``query`` runs the user's own SQL on the sandboxed read-only connection of ``wiredesk.store.open_readonly``
(no file or network access, one statement; ``-p NAME VALUE`` binds ``$NAME``); ``stats`` prints what the store
reads for it.
"""

from __future__ import annotations

import duckdb

from wiredesk.cli.args import add_db_args, add_listing_args, docs, settings_from_args
from wiredesk.cli.output import format_rows, print_stats
from wiredesk.cli.screen import Screen
from wiredesk.domain.errors import WiredeskError
from wiredesk.store import open_readonly
from wiredesk.store.dbfile import translate_error
from wiredesk.store.reader import Reader


def add_query_parser(sub) -> None:
    query = sub.add_parser(
        "query",
        help="run read-only SQL against the database",
        description=("Run one SQL statement on a read-only connection to the database and print the result. The connection "
                     "cannot write, read or attach other files, or load extensions."),
        epilog=docs("docs/schema.md (tables and example queries)", "docs/python-api.md (the same from pandas or polars)",
                    "README.md"),
    )
    query.add_argument("sql", metavar="SQL", help='SQL text, e.g. "SELECT role, count(*) FROM paragraphs GROUP BY role"')
    add_db_args(query)
    query.add_argument("-p", "--param", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                       help="a value for $NAME in the SQL (quote the SQL with '...' so that the shell leaves $NAME "
                            "alone), bound, never pasted into the text, as a string: cast it in SQL for another "
                            "type ($n::INT); repeatable")
    add_listing_args(query)
    query.set_defaults(func=cmd_query)


def add_stats_parser(sub) -> None:
    stats = sub.add_parser(
        "stats", help="summarize the database",
        description=("The file's size and schema version, then counts: documents (current, versions, sources), "
                     "paragraphs by role, duplicate links by kind, events, mentions and entities, followed sources "
                     "(failing, disabled), the top sources, the latest runs and the failures by reason. Read-only."),
        epilog=docs("README.md", "docs/schema.md (the tables it counts)"))
    add_db_args(stats)
    stats.set_defaults(func=cmd_stats)


def cmd_query(args, screen: Screen) -> int:
    settings = settings_from_args(args)
    con = open_readonly(settings.db_path, sandbox=True)  # read-only, no file/network access (docs/reliability.md)
    try:
        try:
            statements = len(con.extract_statements(args.sql))
            if statements > 1:  # one statement: nothing can ride along after a SELECT
                raise WiredeskError("query failed: give one SQL statement (found several separated by ';')")
            if statements == 0:  # "" or only a comment: DuckDB runs nothing and returns no result
                raise WiredeskError('query failed: no SQL statement given (e.g. wiredesk query "SELECT count(*) FROM documents")')
            cur = con.execute(args.sql, dict(args.param)) if args.param else con.execute(args.sql)
            if cur.description is None:
                return 0
            columns = [d[0] for d in cur.description]
            rows = cur.fetchall()
        except duckdb.Error as exc:  # a damaged file is said as such; anything else is the query's own error
            raise translate_error(exc, settings.db_path) or WiredeskError(
                f"query failed: {str(exc).splitlines()[0]}") from exc
        format_rows(columns, rows, args.format, screen.out, max_width=args.max_width)
    finally:
        con.close()
    return 0


def cmd_stats(args, screen: Screen) -> int:
    settings = settings_from_args(args)
    with Reader.open(settings.db_path) as reader:
        stats = reader.stats()
    print_stats(stats, settings.db_path, screen.out)
    return 0
