"""What every command shares: the ``--db``/``--config`` arguments, the settings they select, the options of
every listing (``--format``, ``--max-width``), the epilog.

Formatting and argument handling only; no SQL, no pipeline.
"""

from __future__ import annotations

import argparse

from wiredesk.domain.settings import Settings, load_settings, replace

def docs(*pages: str) -> str:
    """The last sentence of a command's help: ``Docs:`` and the pages that explain the command, each a path
    from the repository's root (``README.md``, ``docs/NAME.md``) with what to read it for in brackets.
    ``tests/integration/test_cli.py`` checks that every command has one and that each page exists."""
    return "Docs: " + ", ".join(pages) + "."


#: The docs of ``wiredesk --help`` and of the commands no single page explains: where anyone starts.
EPILOG = docs("README.md", "docs/schema.md (tables and example queries)", "docs/configuration.md")


def add_db_args(p: argparse.ArgumentParser) -> None:
    """``--db`` and ``--config``, on every command that opens a database."""
    p.add_argument("--db", metavar="FILE", help="DuckDB file (default: [database] path in config, else ./wiredesk.duckdb)")
    p.add_argument("--config", metavar="FILE", help="settings file, TOML (default: ./wiredesk.toml if present)")


def settings_from_args(args: argparse.Namespace) -> Settings:
    """The settings of ``--config`` (default ``./wiredesk.toml`` when present) with ``--db`` applied."""
    settings = load_settings(args.config)
    return replace(settings, db_path=args.db) if args.db else settings


#: The formats of every listing: an aligned table for people, CSV, a JSON array, JSON Lines (one object a line).
FORMATS = ("table", "csv", "json", "jsonl")
#: Cells of a table are cut at this many characters unless ``--max-width`` says otherwise.
DEFAULT_MAX_WIDTH = 60


def add_listing_args(p: argparse.ArgumentParser, *, table_help: str = "aligned columns", others_help: str = "",
                     default_width: int = DEFAULT_MAX_WIDTH) -> None:
    """``--format`` and ``--max-width``, the same on every command that prints rows; ``others_help`` says what
    the formats other than the table hold when it differs."""
    p.add_argument("--format", choices=FORMATS, default="table",
                   help=f"table ({table_help}; the default), csv, json (one array) or jsonl (one object a line)"
                   + (f"; {others_help}" if others_help else ""))
    default = f"default: {default_width}; 0: never" if default_width else "default: 0, never"
    p.add_argument("--max-width", type=_width, default=default_width, metavar="N",
                   help=f"table format: cut cells at N characters ({default})")


def _width(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of characters: {text!r}") from None
    if n < 0 or 0 < n < 4:
        raise argparse.ArgumentTypeError(f"give 0 (never cut) or at least 4 characters, not {n}")
    return n
