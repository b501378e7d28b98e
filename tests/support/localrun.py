"""Running the CLI against pages a test serves on 127.0.0.1: a settings file that lets the client reach the
local server at full speed, and a call of ``wiredesk`` that returns its exit code and what it printed."""

from __future__ import annotations

import json
from pathlib import Path

from wiredesk.cli import main


def local_config(tmp_path: Path, extra: str = "", name: str = "wiredesk.toml") -> str:
    """A settings file for fetching from 127.0.0.1: no politeness delay, no followed sources, one worker,
    events off (the tests that use it are about fetching, not events); ``extra`` is appended TOML."""
    path = tmp_path / name
    path.write_text('[http]\nallow_networks = ["127.0.0.1/32"]\nper_host_delay = 0\ntotal_timeout = 10\n'
                    f'[feeds]\nsources_file = "{tmp_path / "none.toml"}"\n[ingest]\nworkers = 1\n[events]\nenabled = false\n'
                    + extra)
    return str(path)


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    """``wiredesk ARGV`` in this process: its exit code, stdout and stderr."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def url_listing(tmp_path: Path, urls: list[str], name: str = "urls.jsonl") -> Path:
    """A JSONL list of URLs to fetch, one ``{"url": ...}`` record a line (a URL-list input of ``wiredesk run``)."""
    path = tmp_path / name
    path.write_text("".join(json.dumps({"url": u}) + "\n" for u in urls))
    return path
