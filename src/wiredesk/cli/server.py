"""``wiredesk server start|stop|status``: the kept local Prefect server (``wiredesk.ops.prefect_server``)."""

from __future__ import annotations

from wiredesk.cli.args import docs
from wiredesk.cli.screen import Screen
from wiredesk.ops import prefect_server


def add_server_parser(sub) -> None:
    server = sub.add_parser(
        "server",
        help="start/stop/status of a kept local Prefect server (makes runs much faster)",
        description=(
            "Manage a local Prefect server (127.0.0.1, analytics off, state in $WIREDESK_HOME/prefect) that "
            "`wiredesk run` uses when PREFECT_API_URL is not set, instead of starting a temporary one per run."
        ),
        epilog=("Exit status: 0 ok; 1 `status` found no kept server running; 2 it could not start (the port is in "
                "use, it exited, or it did not answer in time). " + docs("docs/operations.md (the kept local server)")),
    )
    server.add_argument("action", choices=("start", "stop", "status"), metavar="{start,stop,status}",
                        help="start: start it in the background and print its API and UI addresses; stop: stop it; "
                        "status: whether it is running, and its addresses")
    server.add_argument("--port", type=int, default=4200, help="port for `start` (default: 4200)")
    server.set_defaults(func=cmd_server)


def cmd_server(args, screen: Screen) -> int:
    if args.action == "start":
        screen.note("starting the local Prefect server (first start migrates its database; can take ~20 s)...")
        info = prefect_server.start_server(args.port)
        screen.print(f"prefect server running: API {info.url}, UI {info.ui_url} (pid {info.pid})")
    elif args.action == "stop":
        screen.print("stopped" if prefect_server.stop_server() else "no kept server was running")
    else:
        info = prefect_server.running_server()
        screen.print(f"running: API {info.url}, UI {info.ui_url} (pid {info.pid})" if info else "not running")
        return 0 if info else 1
    return 0
