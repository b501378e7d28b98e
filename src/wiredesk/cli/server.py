"""``wiredesk server start|stop|status``: the kept local Prefect server (``wiredesk.ops.prefect_server``)."""

from __future__ import annotations

import sys

from wiredesk.cli.args import EPILOG
from wiredesk.ops import prefect_server


def add_server_parser(sub) -> None:
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


def cmd_server(args) -> int:
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
