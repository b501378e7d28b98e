"""``wiredesk run``: ingest files, folders and feeds, through the Prefect flow or (``--no-prefect``) directly.

Argument handling, the choice of Prefect API, and the printed summary; the run itself is
``wiredesk.pipeline.ingest.run_ingest`` (directly, or inside the flow ``wiredesk_flows.ingest``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys

from wiredesk.cli.args import EPILOG, add_db_args, settings_from_args
from wiredesk.cli.output import format_progress, print_summary
from wiredesk.ops.prefect_server import running_server
from wiredesk.store.access import lock_is_held, locked_error


def add_run_parser(sub) -> None:
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
    add_db_args(run)
    run.add_argument("--no-prefect", action="store_true", help="run the same stages directly, without Prefect (no UI, no run history in Prefect)")
    run.add_argument("-q", "--quiet", action="store_true", help="print only the summary, no progress")
    run.add_argument("-v", "--verbose", action="store_true", help="show Prefect's own log lines too")
    run.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                     help="when another run is writing the same database, wait up to SECONDS for it (default: exit at once with a message naming it)")
    run.set_defaults(func=cmd_run)


def _prefect_api(err):
    """The Prefect API a run uses: PREFECT_API_URL (environment or active profile) as set, else the
    kept server, else a temporary one. Returns a context manager to run the flow in.

    The kept server is applied with Prefect's ``temporary_settings``: Prefect reads its settings once
    at import, so changing the environment afterwards would be ignored.
    """
    from prefect.settings import (  # lazy: Prefect is slow to import
        PREFECT_API_URL,
        get_current_settings,
        temporary_settings,
    )

    if get_current_settings().api.url:
        return contextlib.nullcontext()
    kept = running_server()
    if kept is not None:
        return temporary_settings(updates={PREFECT_API_URL: kept.url})
    print("prefect: starting a temporary server for this run (`wiredesk server start` keeps one and makes runs faster)", file=err)
    return contextlib.nullcontext()


def cmd_run(args) -> int:
    settings = settings_from_args(args)
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
        from wiredesk.pipeline.ingest import run_ingest  # lazy on purpose: the pipeline loads trafilatura and spaCy

        if settings.runner.kind != "default":  # [runner] picks a Prefect task runner: without Prefect there is none
            log.warning("note: runner.kind = %r applies to Prefect runs; --no-prefect works in this process",
                        settings.runner.kind)
        summary = run_ingest(args.paths, settings, progress=progress, lock_wait=args.wait)
    else:
        if not args.verbose:
            # Prefect's per-task console lines drown the summary; they still reach the Prefect API/UI.
            os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
        # validate paths before Prefect starts, so a typo costs one line, not a flow run (URLs are feeds)
        # lazy on purpose: the pipeline loads trafilatura and spaCy
        from wiredesk.pipeline.ingest import split_feed_urls
        from wiredesk.pipeline.stages import discover_inputs

        discover_inputs(split_feed_urls(args.paths)[1])
        # ...and a database another run holds costs one line too, not a failed flow run with a
        # traceback (the flow takes the lock itself; this is only the early, friendly answer)
        if not args.wait and lock_is_held(settings.db_path):
            raise locked_error(settings.db_path)
        os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        from wiredesk_flows.ingest import ingest_flow  # lazy on purpose: Prefect takes seconds to import

        with _prefect_api(err):
            flow = ingest_flow.with_options(timeout_seconds=settings.serve.flow_timeout_seconds)
            summary = flow(paths=args.paths or None, db=settings.db_path, config=args.config, lock_wait=args.wait)
    print_summary(summary, sys.stdout)
    return 0 if summary.ok else 1
