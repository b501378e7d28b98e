"""The ``wiredesk`` command line: the parser of every command, and ``main``.

Each command lives in its own module of this package (``run``, ``query`` and ``stats``, ``dedup``,
``server``, ``sources``, ``reprocess``, ``serve``, ``status``, ``search``, ``export``, ``stories``, ``tables``,
``schema``, ``revisions`` and ``report`` in ``html_report``), as one ``add_*_parser(sub)`` and one ``cmd_*(args, screen)``
returning an exit code; everything a command prints goes through its ``Screen`` (``wiredesk.cli.screen``:
closed-pipe safe, notes and progress on standard error). Errors that are the user's to fix (a missing path, a
bad config, no database) print one line ``wiredesk: error: ...`` and exit 2; a run that could ingest nothing
exits 1. Tracebacks are for bugs only. ``wiredesk`` alone prints the help.

Why argparse (and not click or typer, both installed with Prefect): the commands are plain functions of a
namespace, tested through ``main``; argparse needs no dependency of ours, its help and errors already go
through the screen, and nothing a user asked for (parameters, formats, widths) needs more than it has.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence

from wiredesk.cli.args import EPILOG
from wiredesk.cli.dedup import add_dedup_rebuild_parser
from wiredesk.cli.export import add_export_parser
from wiredesk.cli.html_report import add_report_parser
from wiredesk.cli.query import add_query_parser, add_stats_parser
from wiredesk.cli.reprocess import add_reprocess_parser
from wiredesk.cli.revisions import add_revisions_parser
from wiredesk.cli.run import add_run_parser
from wiredesk.cli.screen import Screen
from wiredesk.cli.search import add_search_parser
from wiredesk.cli.serve import add_serve_parser
from wiredesk.cli.server import add_server_parser
from wiredesk.cli.sources import add_sources_parser
from wiredesk.cli.status import add_status_parser
from wiredesk.cli.stories import add_stories_parser, add_stories_rebuild_parser
from wiredesk.cli.tables import add_schema_parser, add_tables_parser
from wiredesk.domain.errors import WiredeskError
from wiredesk.domain.versions import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wiredesk",
        description=("Incremental news ingestion into DuckDB: files, web archives, URL lists and feeds become clean "
                     "articles with paragraph roles, duplicate links, events and stories, searchable and exportable."),
        epilog="Exit status, unless a command's help says more: 0 ok, 2 usage, settings or database error. " + EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"wiredesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in (add_run_parser, add_query_parser, add_stats_parser, add_dedup_rebuild_parser, add_server_parser,
                add_sources_parser, add_reprocess_parser, add_serve_parser, add_status_parser, add_search_parser,
                add_export_parser, add_stories_parser, add_stories_rebuild_parser, add_tables_parser, add_schema_parser,
                add_report_parser, add_revisions_parser):
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    screen = Screen()
    parser = build_parser()
    if not argv:  # `wiredesk` alone: what it can do, not a run (`wiredesk run` ingests seeds/)
        parser.print_help(screen.out)
        screen.close()
        return 0
    # argparse prints help, usage and its errors itself: through the screen too (closed-pipe safe)
    with contextlib.redirect_stdout(screen.out), contextlib.redirect_stderr(screen.err):
        args = parser.parse_args(argv)
    if not getattr(args, "func", None):  # options but no command
        parser.print_usage(screen.err)
        screen.note("wiredesk: error: name a command (wiredesk --help lists them)")
        return 2
    try:
        with screen.listening():
            return args.func(args, screen)
    except WiredeskError as exc:
        screen.note(f"wiredesk: error: {exc}")
        return 2
    except KeyboardInterrupt:
        screen.note("wiredesk: interrupted; batches already committed are kept")
        return 130
    finally:
        screen.close()
