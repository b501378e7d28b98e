"""``wiredesk reprocess``: re-derive stored documents with the current code (``wiredesk.pipeline.reprocess``).

Parser registration and the command; the work is ``wiredesk.pipeline.reprocess.run_reprocess``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import datetime, timezone
from typing import TextIO

from wiredesk.cli.args import EPILOG, add_db_args, settings_from_args
from wiredesk.cli.output import skipped_note
from wiredesk.domain.errors import ConfigError


def _since(value: str) -> datetime:
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {value!r} (use YYYY-MM-DD or an ISO date-time)") from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def add_reprocess_parser(sub) -> None:
    p = sub.add_parser(
        "reprocess",
        help="re-derive stored documents with the current code, from the stored raw pages (no network)",
        description=(
            "Clean the current document versions again from their stored raw bytes (raw_pages) with this "
            "wiredesk's code and settings, re-derive their duplicate links and event mentions, and replace the "
            "derived rows that changed, one transaction per batch (a crash leaves each document either as it was "
            "or fully re-derived). Nothing is fetched or read from disk. Documents keep their ids and versions; "
            "every changed document gets a row in reprocess_changes, and the reprocess is recorded in runs "
            "(kind 'reprocess') with what it changed. Rows that come out the same are left untouched."
        ),
        epilog="Exit status: 0 ok, 1 some documents could not be re-cleaned (they keep their rows; see failures), "
               "2 usage/config/database error. " + EPILOG,
    )
    p.add_argument("--since", type=_since, metavar="DATE",
                   help="only documents ingested at or after DATE (documents.ingested_at; YYYY-MM-DD is midnight UTC)")
    p.add_argument("--stage", choices=("clean", "dedup", "events"), default="clean",
                   help="first stage to re-derive; later stages follow (clean: everything, the default; "
                        "dedup: duplicate links and near index, then events; events: event mentions only)")
    p.add_argument("--dry-run", action="store_true", help="do the work and report what would change, then roll it back")
    p.add_argument("--batch-size", type=int, metavar="N", help="documents per transaction (default: ingest.batch_size)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the summary, no progress")
    add_db_args(p)
    p.set_defaults(func=cmd_reprocess)


def cmd_reprocess(args) -> int:
    from wiredesk.pipeline.reprocess import run_reprocess  # lazy on purpose: the pipeline loads trafilatura and spaCy

    settings = settings_from_args(args)
    if args.batch_size is not None and args.batch_size < 1:
        raise ConfigError(f"--batch-size must be at least 1, got {args.batch_size}")
    if args.stage == "events" and not settings.events.enabled:
        raise ConfigError("--stage events needs events.enabled = true")
    logging.getLogger("wiredesk").addHandler(logging.NullHandler())

    def progress(done: int, total: int, c) -> None:
        if not args.quiet:
            print(f"  {done}/{total} documents: {c.documents_changed} changed ({c.text_changed} text), "
                  f"{c.failed} failed", file=sys.stderr, flush=True)

    summary = run_reprocess(settings, since=args.since, stage=args.stage, dry_run=args.dry_run,
                            progress=progress, batch_size=args.batch_size)
    print_reprocess_summary(summary, sys.stdout)
    return 1 if summary.counts.failed else 0


def print_reprocess_summary(summary, out: TextIO) -> None:
    """What a reprocess changed (or would change)."""
    c = summary.counts
    what = "would change (dry run, nothing written)" if summary.dry_run else f"run {summary.run_id} {summary.status}"
    scope = f"ingested since {summary.since.isoformat()}" if summary.since else "all current documents"
    print(f"wiredesk reprocess from stage {summary.stage}, {scope}: {what} in {summary.seconds:.1f}s "
          f"-> {summary.db_path}", file=out)
    fields = ", ".join(f"{n} {k}" for k, n in sorted(c.fields_changed.items()))
    print(f"  documents   {c.documents_seen} re-derived, {c.documents_changed} changed: {c.text_changed} text, "
          f"{c.metadata_changed} metadata{f' ({fields})' if fields else ''}; {c.failed} failed", file=out)
    print(f"  paragraphs  {c.paragraphs_added} added, {c.paragraphs_removed} removed", file=out)
    print(f"  duplicates  {c.links_added} links added, {c.links_removed} removed", file=out)
    print(f"  events      {c.mentions_added} mentions added, {c.mentions_removed} removed, {c.events_written} events written"
          + skipped_note(c.event_documents_skipped, {}), file=out)
    for f in summary.failures[:10]:
        print(f"    {f.origin}: {f.reason}: {f.message}", file=out)
    if not summary.dry_run and c.documents_changed:
        print(f"  what changed: wiredesk query \"SELECT * FROM reprocess_changes WHERE run_id = {summary.run_id}\"", file=out)
