"""The ``wiredesk`` command line: the parser of every command, and ``main``.

Each command lives in its own module of this package (``run``, ``query`` and ``stats``, ``dedup``,
``server``, ``sources``, ``reprocess``, ``serve``, ``status``, ``search``, ``export``, ``stories``,
``html_report``), as one
``add_*_parser(sub)`` and one ``cmd_*(args)`` returning an exit code. Errors that are the user's to fix (a
missing path, a bad config, no database) print one line ``wiredesk: error: ...`` and exit 2; a run that
could ingest nothing exits 1. Tracebacks are for bugs only.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from wiredesk.cli.args import EPILOG
from wiredesk.cli.dedup import add_dedup_rebuild_parser
from wiredesk.cli.export import add_export_parser
from wiredesk.cli.html_report import add_report_parser
from wiredesk.cli.query import add_query_parser, add_stats_parser
from wiredesk.cli.reprocess import add_reprocess_parser
from wiredesk.cli.run import add_run_parser
from wiredesk.cli.search import add_search_parser
from wiredesk.cli.serve import add_serve_parser
from wiredesk.cli.server import add_server_parser
from wiredesk.cli.sources import add_sources_parser
from wiredesk.cli.status import add_status_parser
from wiredesk.cli.stories import add_stories_parser, add_stories_rebuild_parser
from wiredesk.domain.errors import WiredeskError
from wiredesk.domain.versions import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wiredesk",
        description="Incremental news ingestion into DuckDB: clean articles, paragraphs with roles, duplicates.",
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"wiredesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in (add_run_parser, add_query_parser, add_stats_parser, add_dedup_rebuild_parser, add_server_parser,
                add_sources_parser, add_reprocess_parser, add_serve_parser, add_status_parser, add_search_parser,
                add_export_parser, add_stories_parser, add_stories_rebuild_parser, add_report_parser):
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        # `wiredesk` alone: the embedded default is a run of seeds/
        args = parser.parse_args(["run", *(argv or [])])
    try:
        return args.func(args)
    except WiredeskError as exc:
        print(f"wiredesk: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("wiredesk: interrupted; batches already committed are kept", file=sys.stderr)
        return 130
