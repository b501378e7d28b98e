"""A local Prefect server that wiredesk starts once and keeps, so runs skip Prefect's temporary server.

Without ``PREFECT_API_URL``, every Prefect process starts a temporary API server of its own (about 10 s
here, measured in BENCHMARKS.md). ``wiredesk server start`` starts ``prefect server start`` in the
background, bound to 127.0.0.1 with analytics off and its own database under ``$WIREDESK_HOME/prefect``,
and records its address; ``wiredesk run`` then uses it. It is an ordinary Prefect server: its UI shows
every run.

This module only manages the process (start, find, health, stop); it does not import Prefect.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from wiredesk.domain.errors import WiredeskError


def wiredesk_home() -> Path:
    """Where wiredesk keeps per-user state: ``$WIREDESK_HOME`` or ``~/.wiredesk``."""
    return Path(os.environ.get("WIREDESK_HOME") or Path.home() / ".wiredesk")


def _state_file() -> Path:
    return wiredesk_home() / "prefect" / "server.json"


@dataclass(frozen=True)
class ServerInfo:
    pid: int
    url: str  # the API URL, ending in /api

    @property
    def ui_url(self) -> str:
        return self.url.removesuffix("/api")


def healthy(url: str, timeout: float = 2.0) -> bool:
    """True when the Prefect API at ``url`` answers its health check."""
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=timeout) as resp:  # noqa: S310 (loopback URL we made)
            return resp.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def running_server() -> ServerInfo | None:
    """The kept server, if one was started and still answers; ``None`` otherwise."""
    path = _state_file()
    try:
        data = json.loads(path.read_text())
        info = ServerInfo(int(data["pid"]), str(data["url"]))
    except (OSError, ValueError, KeyError):
        return None
    return info if healthy(info.url) else None


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def start_server(port: int = 4200, timeout: float = 90.0) -> ServerInfo:
    """Start the kept server (or return the one already running) and wait until it is healthy."""
    existing = running_server()
    if existing is not None:
        return existing
    if not _port_free(port):
        raise WiredeskError(f"port {port} on 127.0.0.1 is in use; choose another with --port")
    home = wiredesk_home() / "prefect"
    home.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",  # no network here, and no telemetry by default
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
    }
    env.pop("PREFECT_API_URL", None)
    log = (home / "server.log").open("ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True,
    )
    info = ServerInfo(proc.pid, f"http://127.0.0.1:{port}/api")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise WiredeskError(f"prefect server exited with code {proc.returncode}; see {home / 'server.log'}")
        if healthy(info.url, timeout=1.0):
            _state_file().write_text(json.dumps({"pid": info.pid, "url": info.url}))
            return info
        time.sleep(0.5)
    proc.terminate()
    raise WiredeskError(f"prefect server did not become healthy within {timeout:.0f}s; see {home / 'server.log'}")


def stop_server(timeout: float = 20.0) -> bool:
    """Stop the kept server; ``False`` if none was recorded as running."""
    path = _state_file()
    try:
        pid = int(json.loads(path.read_text())["pid"])
    except (OSError, ValueError, KeyError):
        return False
    try:
        os.killpg(pid, signal.SIGTERM)  # the server runs uvicorn workers in its own session
    except ProcessLookupError:
        path.unlink(missing_ok=True)
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        os.killpg(pid, signal.SIGKILL)
    path.unlink(missing_ok=True)
    return True
