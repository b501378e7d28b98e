"""``wiredesk serve``: run the ingestion flow on the schedules of ``[serve] schedules``, through Prefect.

One Prefect deployment per source group (``wiredesk.ops.deployments``), served by this process
(``prefect.serve``): the Prefect UI shows the deployments, their schedules and every run with its logs,
task states (retries, timeouts) and summary artifact. Needs a Prefect server that stays up:
``PREFECT_API_URL``, else the one kept by ``wiredesk server start``; a temporary server would vanish
with its run history, so ``serve`` refuses to start without one.
"""

from __future__ import annotations

import os
import signal
import sys
import warnings
from pathlib import Path

from wiredesk.cli.args import add_db_args, docs, settings_from_args
from wiredesk.cli.screen import Screen
from wiredesk.domain.errors import WiredeskError
from wiredesk.ops.deployments import deployment_specs
from wiredesk.ops.prefect_server import running_server


def add_serve_parser(sub) -> None:  # noqa: ANN001
    serve = sub.add_parser(
        "serve",
        help="run ingestion on the schedules in [serve] schedules, through Prefect deployments",
        description=(
            "Create one Prefect deployment of the flow 'wiredesk-ingest' per source group in [serve] "
            "schedules (\"* = 15m\": seeds/ and every due source; \"TAG = */5 * * * *\": the due sources "
            "with that tag) and run their scheduled runs until stopped (Ctrl-C). Needs a Prefect server: "
            "PREFECT_API_URL, else the one started by `wiredesk server start`. The UI shows every run, its "
            "logs, retries and a summary artifact. A run that finds the database busy waits up to "
            "serve.lock_wait_seconds."
        ),
        epilog="Exit status: 0 stopped, 2 usage/config error or no Prefect server. "
               + docs("docs/operations.md (scheduled operation)", "docs/configuration.md (serve.schedules)"),
    )
    add_db_args(serve)
    serve.add_argument("--list", action="store_true", help="print the deployments and their schedules, then exit (no server needed)")
    serve.add_argument("--limit", type=int, metavar="N", help="at most N flow runs at once (default: no limit; the run lock serializes writes)")
    serve.set_defaults(func=cmd_serve)


def cmd_serve(args, screen: Screen) -> int:  # noqa: ANN001
    settings = settings_from_args(args)
    config = str(Path(args.config).resolve()) if args.config else (
        str(Path("wiredesk.toml").resolve()) if Path("wiredesk.toml").is_file() else None)
    specs = deployment_specs(settings, db=str(Path(settings.db_path).resolve()), config=config)
    for spec in specs:
        screen.print(f"wiredesk-ingest/{spec.name}: {spec.schedule.describe()} ({spec.timezone}) - {spec.description}")
    if args.list:
        return 0
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.settings import (  # lazy: Prefect is slow to import
        PREFECT_API_URL,
        get_current_settings,
        temporary_settings,
    )

    url = get_current_settings().api.url
    if not url:
        kept = running_server()
        if kept is None:
            raise WiredeskError("wiredesk serve needs a Prefect server: run `wiredesk server start` "
                                "(or set PREFECT_API_URL), see docs/operations.md")
        url = kept.url
    screen.note(f"serving {len(specs)} deployment(s) on {url.removesuffix('/api')} (Ctrl-C or SIGTERM stops)")
    # SIGTERM (systemd, docker stop, kill) stops serving as Ctrl-C does. Until Prefect's runner takes the
    # signal over, ours ends the process at once: nothing is running yet, and an exception raised into
    # Prefect's import or setup comes out wrapped in a traceback (pydantic's, seen). Once the runner has
    # it, Prefect pauses the deployments and exits (SystemExit), which lands below.
    signal.signal(signal.SIGTERM, _stop_during_setup)
    try:
        with warnings.catch_warnings():
            # Prefect 3.8's SIGTERM handler calls its async stop() without awaiting it; the pause still happens
            warnings.filterwarnings("ignore", message="coroutine 'Runner.astop' was never awaited",
                                    category=RuntimeWarning)
            from wiredesk_flows.serve import serve_deployments  # lazy on purpose: Prefect takes seconds to import

            with temporary_settings(updates={PREFECT_API_URL: url}):
                serve_deployments(specs, settings.serve.flow_timeout_seconds, limit=args.limit)
    except (SystemExit, KeyboardInterrupt):
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    screen.note("wiredesk serve: stopped (the deployments are paused until the next `wiredesk serve`)")
    return 0


def _stop_during_setup(signum, frame) -> None:  # noqa: ANN001
    print("wiredesk serve: stopped before serving (SIGTERM)", file=sys.stderr, flush=True)
    sys.stdout.flush()
    os._exit(0)  # no run has started; nothing to clean up, and nothing to interrupt mid-import
