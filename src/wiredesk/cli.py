"""The ``wiredesk`` command line: run, query, stats, server, sources, serve, status, search, export.

Each subcommand is one function taking parsed arguments and returning an exit code. Errors that are the
user's to fix (a missing path, a bad config, no database) print one line ``wiredesk: error: ...`` and
exit 2; a run that could ingest nothing exits 1. Tracebacks are for bugs only.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from wiredesk import __version__
from wiredesk.domain.errors import WiredeskError
from wiredesk.output import format_progress, format_rows, print_summary
from wiredesk.domain.settings import load_settings, replace

EPILOG = "Docs: README.md, docs/schema.md (tables and example queries), docs/configuration.md."


def _db_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="FILE", help="DuckDB file (default: [database] path in config, else ./wiredesk.duckdb)")
    p.add_argument("--config", metavar="FILE", help="settings file, TOML (default: ./wiredesk.toml if present)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wiredesk",
        description="Incremental news ingestion into DuckDB: clean articles, paragraphs with roles, duplicates.",
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"wiredesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="ingest files and folders (default: seeds/) through the Prefect flow",
        description=(
            "Ingest article files (.html .htm .txt .md .json .jsonl; folders recursively) into the database. "
            "Only new or changed items are stored; a bad file is recorded in the failures table and the run "
            "goes on. An http(s) URL is a feed: it is fetched (conditionally) with the articles it links to, and "
            "remembered as a source. With no PATH, ingests seeds/ and every due source (see `wiredesk sources`). Runs as the Prefect flow 'wiredesk-ingest' against "
            "PREFECT_API_URL, else the server started by `wiredesk server start`, else a temporary Prefect server."
        ),
        epilog="Exit status: 0 ok, 1 nothing could be ingested, 2 usage/config/database error. " + EPILOG,
    )
    run.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to ingest, or feed URLs to fetch (default: seeds/ and every due source)")
    _db_arg(run)
    run.add_argument("--no-prefect", action="store_true", help="run the same stages directly, without Prefect (no UI, no run history in Prefect)")
    run.add_argument("-q", "--quiet", action="store_true", help="print only the summary, no progress")
    run.add_argument("-v", "--verbose", action="store_true", help="show Prefect's own log lines too")
    run.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                     help="when another run is writing the same database, wait up to SECONDS for it (default: exit at once with a message naming it)")
    run.set_defaults(func=cmd_run)

    query = sub.add_parser(
        "query",
        help="run read-only SQL against the database",
        description=("Run one SQL statement on a read-only connection to the database and print the result. The connection "
                     "cannot write, read or attach other files, or load extensions. See docs/schema.md for tables."),
        epilog=EPILOG,
    )
    query.add_argument("sql", metavar="SQL", help='SQL text, e.g. "SELECT role, count(*) FROM paragraphs GROUP BY role"')
    _db_arg(query)
    query.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format (default: table)")
    query.add_argument("--max-width", type=int, default=60, metavar="N", help="table format: cut cells at N characters (0: never)")
    query.set_defaults(func=cmd_query)

    stats = sub.add_parser("stats", help="summarize the database", description="Counts of documents, paragraphs, duplicates, runs and failures.", epilog=EPILOG)
    _db_arg(stats)
    stats.set_defaults(func=cmd_stats)

    rebuild = sub.add_parser(
        "dedup-rebuild",
        help="rebuild the near-duplicate index after changing its [dedup] settings",
        description=(
            "Recompute every paragraph's near-duplicate keys with the current [dedup] settings and re-link "
            "(one transaction). Needed when an index setting (num_perm, bands, shingle_words, anchor_words, "
            "anchor_window, seed, min_tokens, min_chars, roles) changed: until then runs refuse to mix keys. "
            "Existing links are kept; links the new settings find are added. See docs/dedup.md."
        ),
        epilog=EPILOG,
    )
    _db_arg(rebuild)
    rebuild.set_defaults(func=cmd_dedup_rebuild)

    server = sub.add_parser(
        "server",
        help="start/stop/status of a kept local Prefect server (makes runs much faster)",
        description=(
            "Manage a local Prefect server (127.0.0.1, analytics off, state in $WIREDESK_HOME/prefect) that "
            "`wiredesk run` uses when PREFECT_API_URL is not set, instead of starting a temporary one per run."
        ),
        epilog=EPILOG,
    )
    server.add_argument("action", choices=("start", "stop", "status"))
    server.add_argument("--port", type=int, default=4200, help="port for `start` (default: 4200)")
    server.set_defaults(func=cmd_server)

    # issue 3: wiredesk sources add|list|remove|import-opml|export-opml
    from wiredesk.cli_sources import add_sources_parser

    add_sources_parser(sub, _db_arg)

    # issue 6: wiredesk reprocess
    from wiredesk.cli_reprocess import add_reprocess_parser

    add_reprocess_parser(sub, _db_arg, EPILOG)
    # issue 6 (ops): wiredesk serve, wiredesk status
    from wiredesk.cli_serve import add_serve_parser
    from wiredesk.cli_status import add_status_parser

    add_serve_parser(sub, _db_arg)
    add_status_parser(sub, _db_arg)

    # issue 6: wiredesk search, wiredesk export
    from wiredesk.cli_export import add_export_parser
    from wiredesk.cli_search import add_search_parser

    add_search_parser(sub, _db_arg)
    add_export_parser(sub, _db_arg)
    return parser


def _settings(args):
    settings = load_settings(args.config)
    return replace(settings, db_path=args.db) if args.db else settings


# -- run --------------------------------------------------------------------------------------------


def _prefect_api(err):
    """The Prefect API a run uses: PREFECT_API_URL (environment or active profile) as set, else the
    kept server, else a temporary one. Returns a context manager to run the flow in.

    The kept server is applied with Prefect's ``temporary_settings``: Prefect reads its settings once
    at import, so changing the environment afterwards would be ignored.
    """
    import contextlib

    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    from wiredesk.ops.prefect_server import running_server

    if get_current_settings().api.url:
        return contextlib.nullcontext()
    kept = running_server()
    if kept is not None:
        return temporary_settings(updates={PREFECT_API_URL: kept.url})
    print("prefect: starting a temporary server for this run (`wiredesk server start` keeps one and makes runs faster)", file=err)
    return contextlib.nullcontext()


def cmd_run(args) -> int:
    settings = _settings(args)
    err = sys.stderr
    log = logging.getLogger("wiredesk")
    handler = logging.StreamHandler(err)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.setLevel(logging.WARNING if args.quiet else logging.INFO)
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        return _run(args, settings, log, err)
    finally:
        log.removeHandler(handler)


def _run(args, settings, log, err) -> int:
    def progress(done: int, total: int, counts) -> None:
        log.getChild("progress").info("  %s", format_progress(done, total, counts))

    if args.no_prefect:
        from wiredesk.pipeline.ingest import run_ingest

        if settings.runner.kind != "default":  # issue 6: task runners are Prefect's
            log.warning("note: runner.kind = %r applies to Prefect runs; --no-prefect works in this process",
                        settings.runner.kind)
        summary = run_ingest(args.paths, settings, progress=progress, lock_wait=args.wait)
    else:
        if not args.verbose:
            # Prefect's per-task console lines drown the summary; they still reach the Prefect API/UI.
            os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
        # validate paths before Prefect starts, so a typo costs one line, not a flow run (URLs are feeds)
        from wiredesk.pipeline.ingest import discover_inputs, split_feed_urls

        discover_inputs(split_feed_urls(args.paths)[1])
        # ...and a database another run holds costs one line too, not a failed flow run with a
        # traceback (the flow takes the lock itself; this is only the early, friendly answer)
        from wiredesk.store.access import lock_is_held, locked_error

        if not args.wait and lock_is_held(settings.db_path):
            raise locked_error(settings.db_path)
        os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        from wiredesk_flows.ingest import ingest_flow

        with _prefect_api(err):
            flow = ingest_flow.with_options(timeout_seconds=settings.serve.flow_timeout_seconds)
            summary = flow(paths=args.paths or None, db=settings.db_path, config=args.config, lock_wait=args.wait)
    print_summary(summary, sys.stdout)
    return 0 if summary.ok else 1


# -- query / stats ----------------------------------------------------------------------------------


def cmd_query(args) -> int:
    import duckdb

    from wiredesk.store import open_readonly

    settings = _settings(args)
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
    from wiredesk.output import print_stats
    from wiredesk.store import open_readonly

    settings = _settings(args)
    con = open_readonly(settings.db_path)
    try:
        print_stats(con, settings.db_path, sys.stdout)
    finally:
        con.close()
    return 0


# -- dedup-rebuild ---------------------------------------------------------------------------------


def cmd_dedup_rebuild(args) -> int:
    from wiredesk.store import Store

    from wiredesk.store import RunLock

    settings = _settings(args)
    # a rebuild rewrites the whole index: never while a run adds to it
    with RunLock(settings.db_path, "dedup-rebuild"), Store.open(settings.db_path) as store:
        result = store.rebuild_near_index(settings.dedup)
    print(
        f"near-duplicate index rebuilt ({settings.dedup.signature_version}): {result.indexed} paragraphs, "
        f"{result.keys} keys, {result.links_new} links added or moved"
    )
    return 0


# -- server -----------------------------------------------------------------------------------------


def cmd_server(args) -> int:
    from wiredesk.ops import prefect_server

    if args.action == "start":
        print("starting the local Prefect server (first start migrates its database; can take ~20 s)...", file=sys.stderr)
        info = prefect_server.start_server(args.port)
        print(f"prefect server running: API {info.url}, UI {info.ui_url} (pid {info.pid})")
    elif args.action == "stop":
        print("stopped" if prefect_server.stop_server() else "no kept server was running")
    else:
        info = prefect_server.running_server()
        print(f"running: API {info.url}, UI {info.ui_url} (pid {info.pid})" if info else "not running")
        return 0 if info else 1
    return 0


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


if __name__ == "__main__":
    sys.exit(main())
