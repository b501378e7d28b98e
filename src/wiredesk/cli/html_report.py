"""``wiredesk report``: draw the database as one self-contained HTML page (stories, copies, events, feeds, runs).

Argument handling and printing only; the page is ``wiredesk.report``'s, read and written by
``wiredesk.api.write_report``.
"""

from __future__ import annotations

import argparse
from datetime import date

from wiredesk.api import write_report
from wiredesk.cli.args import add_db_args, docs, settings_from_args
from wiredesk.cli.output import format_size
from wiredesk.cli.screen import Screen


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def add_report_parser(sub) -> None:  # noqa: ANN001
    p = sub.add_parser(
        "report",
        help="draw stories, copies, events, feed health and runs as one HTML file that opens offline",
        description=(
            "Write one self-contained HTML file (plotly.js and the map's country outlines inside it: no server, no "
            "network) with charts and tables: the biggest stories over time (documents per outlet and day), who "
            "copies whom and each outlet's share of novel text, events on a map and in a table linked to their "
            "sentences, the health of each followed source, and the runs. Hover, zoom, and click legends to "
            "filter. Read-only."
        ),
        epilog="Exit status: 0 ok (also for an empty database or window: the page says so), 2 usage or database error. "
               + docs("docs/report.md"),
    )
    add_db_args(p)
    p.add_argument("--since", metavar="YYYY-MM-DD", type=_date,
                   help="only what was published (documents, events) or ran on or after this day")
    p.add_argument("--until", metavar="YYYY-MM-DD", type=_date, help="only up to this day, inclusive")
    p.add_argument("-o", "--output", metavar="FILE", default="report.html", help="the HTML file (default: ./report.html)")
    p.set_defaults(func=cmd_report)


def cmd_report(args, screen: Screen) -> int:  # noqa: ANN001
    settings = settings_from_args(args)
    out = write_report(settings.db_path, args.output, since=args.since, until=args.until)
    screen.print(f"wrote {out} ({format_size(out.stat().st_size)}): open it in a browser")
    return 0
