"""What every command shares: the ``--db``/``--config`` arguments, the settings they select, the epilog.

Formatting and argument handling only; no SQL, no pipeline.
"""

from __future__ import annotations

import argparse

from wiredesk.domain.settings import Settings, load_settings, replace

EPILOG = "Docs: README.md, docs/schema.md (tables and example queries), docs/configuration.md."


def add_db_args(p: argparse.ArgumentParser) -> None:
    """``--db`` and ``--config``, on every command that opens a database."""
    p.add_argument("--db", metavar="FILE", help="DuckDB file (default: [database] path in config, else ./wiredesk.duckdb)")
    p.add_argument("--config", metavar="FILE", help="settings file, TOML (default: ./wiredesk.toml if present)")


def settings_from_args(args: argparse.Namespace) -> Settings:
    """The settings of ``--config`` (default ``./wiredesk.toml`` when present) with ``--db`` applied."""
    settings = load_settings(args.config)
    return replace(settings, db_path=args.db) if args.db else settings
