"""``wiredesk run``: ingest files, folders and feeds, through the Prefect flow or (``--no-prefect``) directly.

Argument handling, the choice of Prefect API, the progress display and the printed summary; the run itself
is ``wiredesk.pipeline.ingest.run_ingest`` (directly, or inside the flow ``wiredesk_flows.ingest``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import time

from wiredesk.cli.args import add_db_args, docs, settings_from_args
from wiredesk.cli.live import progress_display
from wiredesk.cli.output import print_summary
from wiredesk.cli.screen import Screen
from wiredesk.domain.dates import utcnow
from wiredesk.domain.settings import replace
from wiredesk.domain.errors import ConfigError, WiredeskError
from wiredesk.ops.prefect_server import TEMPORARY_SERVER_WAIT_ENV as _WAIT_ENV
from wiredesk.ops.prefect_server import running_server, wait_longer_for_temporary_server
from wiredesk.pipeline.progress import StageProgress
from wiredesk.store.access import lock_is_held, locked_error

log = logging.getLogger("wiredesk")


def add_run_parser(sub) -> None:
    run = sub.add_parser(
        "run",
        help="ingest files, folders and feeds (default: seeds/ and every due source) through the Prefect flow",
        description=(
            "Ingest article files (.html .htm .txt .md .json .jsonl; folders recursively) and web archives (.warc "
            ".warc.gz: their HTML response records, streamed) into the database. Lists of URLs are fetched: JSON/JSONL "
            "records with a url and no text or html, CSV files with a URL column (.csv, .csv.zip), GDELT 2.0 event "
            "and mention exports (*.export.CSV, *.mentions.CSV, zipped or not); a page already stored is not fetched "
            "again, and [urls] filters drop records before fetching (docs/urls.md). "
            "Only new or changed items are stored; a bad file is recorded in the failures table and the run "
            "goes on. An http(s) URL is a feed: it is fetched (conditionally) with the articles it links to, and "
            "remembered as a source. A page fetched by URL (a feed's article, a list's page) is fetched again "
            "+1 h, +6 h and +24 h after it was first seen ([revisits]; docs/revisits.md): a run that fetches also "
            "revisits the due pages, and an edited text becomes a new version (`wiredesk revisions URL`). A page "
            "whose host has a [site_rules] rule in the settings is cleaned with its CSS selectors: what it drops is "
            "removed, what it keeps is the body (docs/cleaning.md#site-rules). With no PATH: seeds/ when the working "
            "folder has one, and every due source "
            "(see `wiredesk sources`); when there is nothing to do, it says so and exits 0. Runs as the Prefect "
            "flow 'wiredesk-ingest' against PREFECT_API_URL, else the server started by `wiredesk server start`, "
            "else a temporary Prefect server. While it works it shows its progress on standard error: live on a "
            "terminal (stage, items done, rate, ETA), else a line every 10 s."
        ),
        epilog="Exit status: 0 ok (also: nothing to do), 1 nothing could be ingested, 2 usage/config/database error. "
               + docs("README.md", "docs/files.md (files and web archives)", "docs/feeds.md (feeds and sources)",
                      "docs/urls.md (lists of URLs)", "docs/operations.md (Prefect, what to look at after a run)",
                      "docs/schema.md (the tables it fills)", "docs/configuration.md"),
    )
    run.add_argument("paths", nargs="*", metavar="PATH",
                     help="files or folders to ingest, or feed URLs to fetch (default: seeds/ if present, and every due source)")
    add_db_args(run)
    run.add_argument("--no-prefect", action="store_true", help="run the same stages directly, without Prefect (no UI, no run history in Prefect)")
    run.add_argument("-q", "--quiet", action="store_true", help="print only the summary (and warnings), no progress")
    run.add_argument("--progress-every", type=float, metavar="SECONDS",
                     help="a progress line every SECONDS instead of the live display (the default when standard "
                          "error is not a terminal, every 10 s)")
    run.add_argument("--url-column", metavar="NAME",
                     help="the URL column of CSV URL lists (default: [urls] url_column, else the first of url, link, "
                          "sourceurl, mentionidentifier, href, story_url, page, else the first column holding a URL)")
    run.add_argument("--event-pages", choices=("news", "all"),
                     help="which documents events are read from: news (pages that report news; a recipe, a product "
                          "page, a wiki is counted and not read) or all (default: [events] pages, else news)")
    run.add_argument("--event-min-confidence", type=float, metavar="P",
                     help="a mention told as happened whose confidence (the probability that it is a real "
                          "happening) is under P is stored with modality doubtful and joins no event; 0 lets every "
                          "one join (default: [events] min_confidence, else 0.22)")
    run.add_argument("--no-revisits", action="store_true",
                     help="fetch no due revisits in this run (they stay due; new pages are still scheduled)")
    run.add_argument("-v", "--verbose", action="store_true", help="show Prefect's own log lines too")
    run.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                     help="when another run is writing the same database, wait up to SECONDS for it (default: exit at once with a message naming it)")
    run.set_defaults(func=cmd_run)


def _prefect_api(screen: Screen):
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
    screen.message(f"prefect: starting a temporary server for this run, waiting up to {os.environ.get(_WAIT_ENV)} s "
                   "for it (`wiredesk server start` keeps one and makes runs faster)")
    return contextlib.nullcontext()


def cmd_run(args, screen: Screen) -> int:
    started = time.perf_counter()
    settings = settings_from_args(args)
    if args.url_column:
        settings = replace(settings, urls=replace(settings.urls, url_column=args.url_column))
    if args.no_revisits:
        settings = replace(settings, revisits=replace(settings.revisits, enabled=False))
    if args.event_pages:
        settings = replace(settings, events=replace(settings.events, pages=args.event_pages))
    if args.event_min_confidence is not None:
        if not 0.0 <= args.event_min_confidence <= 1.0:
            raise ConfigError(f"--event-min-confidence must be between 0 and 1, got {args.event_min_confidence}")
        settings = replace(settings, events=replace(settings.events, min_confidence=args.event_min_confidence))
    if not args.paths:
        # lazy on purpose: the pipeline loads trafilatura and spaCy
        from wiredesk.pipeline.ingest import idle_reason

        idle = idle_reason(settings, utcnow())
        if idle is not None:
            screen.print(f"wiredesk run: nothing to do: {idle}. Give files, folders or feed URLs "
                         "(`wiredesk run PATH...`), or follow a feed with `wiredesk sources add URL`.")
            return 0
    with progress_display(screen, quiet=args.quiet, every=args.progress_every) as display:
        if args.no_prefect:
            summary = _run_here(args, settings)
        else:
            summary = _run_flow(args, settings, screen, display)
    # the whole command's time too when Prefect's start made it longer than the run itself
    print_summary(summary, screen.out, wall_seconds=None if args.no_prefect else time.perf_counter() - started)
    return 0 if summary.ok else 1


def _run_here(args, settings):
    from wiredesk.pipeline.ingest import run_ingest  # lazy on purpose: the pipeline loads trafilatura and spaCy

    if settings.runner.kind != "default":  # [runner] picks a Prefect task runner: without Prefect there is none
        log.warning("note: runner.kind = %r applies to Prefect runs; --no-prefect works in this process",
                    settings.runner.kind)
    return run_ingest(args.paths, settings, lock_wait=args.wait)


def _run_flow(args, settings, screen: Screen, display):
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
    wait_longer_for_temporary_server()
    display.stage(StageProgress("prefect", 0, None, ""))
    from wiredesk_flows.console import quiet_expected_errors  # lazy on purpose: Prefect takes seconds to import
    from wiredesk_flows.ingest import ingest_flow  # lazy on purpose: Prefect takes seconds to import

    if not args.verbose:  # an error wiredesk reports in one line is not also logged by Prefect with a traceback
        quiet_expected_errors()
    with _prefect_api(screen):
        flow = ingest_flow.with_options(timeout_seconds=settings.serve.flow_timeout_seconds)
        try:
            return flow(paths=args.paths or None, db=settings.db_path, config=args.config, lock_wait=args.wait,
                        url_column=args.url_column, revisits=not args.no_revisits)
        except RuntimeError as exc:
            if "ephemeral Prefect API server" not in str(exc):
                raise
            raise WiredeskError(
                f"Prefect's temporary server did not answer within {os.environ.get(_WAIT_ENV)} s (a busy "
                f"machine, or a full disk where Prefect keeps its database; raise {_WAIT_ENV} to wait longer); "
                "`wiredesk server start` keeps a server, or run with --no-prefect") from None
