"""``wiredesk reprocess``: re-derive stored documents with the current code (``wiredesk.pipeline.reprocess``).

Parser registration and the command; the work is ``wiredesk.pipeline.reprocess.run_reprocess``.
"""

from __future__ import annotations

import argparse
from datetime import datetime, timezone
from typing import TextIO

from wiredesk.cli.args import add_db_args, add_listing_args, docs, settings_from_args
from wiredesk.cli.live import progress_display
from wiredesk.cli.output import cut_note, format_rows, not_news_note, skipped_note
from wiredesk.cli.screen import Screen
from wiredesk.domain.errors import ConfigError
from wiredesk.pipeline.progress import RunProgress


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
               "2 usage/config/database error. "
               + docs("docs/operations.md (reprocess: re-deriving with new code)",
                      "docs/schema.md (reprocess_changes, runs)"),
    )
    p.add_argument("--since", type=_since, metavar="DATE",
                   help="only documents ingested at or after DATE (documents.ingested_at; YYYY-MM-DD is midnight UTC)")
    p.add_argument("--outdated", action="store_true",
                   help="only documents whose stored cleaner version (documents.cleaner) is not the one the cleaners "
                        "write now: new cleaning code, or a [site_rules] rule of their host added, changed or removed; "
                        "and those stored before the page's declared types were kept (documents.page_types NULL, "
                        "which the events' news-page gate reads); the others are not read (needs --stage clean; a "
                        "changed [clean] setting needs a full reprocess)")
    p.add_argument("--stage", choices=("clean", "dedup", "events"), default="clean",
                   help="first stage to re-derive; later stages follow (clean: everything, the default; "
                        "dedup: duplicate links and near index, then events; events: event mentions only)")
    p.add_argument("--dry-run", action="store_true",
                   help="do the work, then roll it back: report what would change and list the documents it would "
                        "change (as --format says)")
    p.add_argument("--batch-size", type=int, metavar="N", help="documents per transaction (default: ingest.batch_size)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the summary (and warnings), no progress")
    p.add_argument("--progress-every", type=float, metavar="SECONDS",
                   help="a progress line every SECONDS instead of the live display (the default when standard "
                        "error is not a terminal, every 10 s)")
    add_listing_args(p, table_help="aligned columns, after the summary")
    add_db_args(p)
    p.set_defaults(func=cmd_reprocess)


def cmd_reprocess(args, screen: Screen) -> int:
    from wiredesk.pipeline.reprocess import run_reprocess  # lazy on purpose: the pipeline loads trafilatura and spaCy

    settings = settings_from_args(args)
    if args.batch_size is not None and args.batch_size < 1:
        raise ConfigError(f"--batch-size must be at least 1, got {args.batch_size}")
    if args.outdated and args.stage != "clean":
        raise ConfigError("--outdated selects documents by their cleaner version: it needs --stage clean")
    if args.stage == "events" and not settings.events.enabled:
        raise ConfigError("--stage events needs events.enabled = true")
    with progress_display(screen, quiet=args.quiet, every=args.progress_every) as display:
        def progress(done: int, total: int, c) -> None:
            display.stored(RunProgress(done, total, f"{c.documents_changed} changed ({c.text_changed} text), "
                                                    f"{c.failed} failed"))

        summary = run_reprocess(settings, since=args.since, stage=args.stage, dry_run=args.dry_run,
                                progress=progress, batch_size=args.batch_size, outdated=args.outdated)
    if summary.dry_run and args.format != "table":  # machine-readable: the documents only
        format_rows(CHANGE_COLUMNS, change_rows(summary.counts.changes), args.format, screen.out)
        return 1 if summary.counts.failed else 0
    print_reprocess_summary(summary, screen.out)
    if summary.dry_run and summary.counts.changes:
        screen.print("  documents that would change:")
        format_rows(CHANGE_COLUMNS, change_rows(summary.counts.changes), "table", screen.out,
                    max_width=args.max_width)
    return 1 if summary.counts.failed else 0


#: The columns of a dry run's list of documents (those of ``reprocess_changes`` a person reads first).
CHANGE_COLUMNS = ("document_id", "origin", "title", "text", "metadata", "paragraphs", "links", "mentions")


def change_rows(changes) -> list[tuple]:  # noqa: ANN001 (wiredesk.domain.counts.DocumentChange)
    """One row per document a dry run would change: what would change in it (+added/-removed)."""
    def delta(added: int, removed: int) -> str:
        return f"+{added}/-{removed}" if added or removed else ""

    return [(c.document_id, c.origin, c.title, "changed" if c.text_changed else "", ",".join(c.metadata_changed),
             delta(c.paragraphs_added, c.paragraphs_removed), delta(c.links_added, c.links_removed),
             delta(c.mentions_added, c.mentions_removed)) for c in changes]


def print_reprocess_summary(summary, out: TextIO) -> None:
    """What a reprocess changed (or would change)."""
    c = summary.counts
    what = "would change (dry run, nothing written)" if summary.dry_run else f"run {summary.run_id} {summary.status}"
    scope = f"ingested since {summary.since.isoformat()}" if summary.since else "all current documents"
    if summary.outdated:
        scope = f"outdated documents ({scope})"
    print(f"wiredesk reprocess from stage {summary.stage}, {scope}: {what} in {summary.seconds:.1f}s "
          f"-> {summary.db_path}", file=out)
    fields = ", ".join(f"{n} {k}" for k, n in sorted(c.fields_changed.items()))
    print(f"  documents   {c.documents_seen} re-derived, {c.documents_changed} changed: {c.text_changed} text, "
          f"{c.metadata_changed} metadata{f' ({fields})' if fields else ''}; {c.failed} failed", file=out)
    print(f"  paragraphs  {c.paragraphs_added} added, {c.paragraphs_removed} removed", file=out)
    print(f"  duplicates  {c.links_added} links added, {c.links_removed} removed", file=out)
    print(f"  events      {c.mentions_added} mentions added, {c.mentions_removed} removed, {c.events_written} events written"
          + cut_note(c.event_candidates_cut) + skipped_note(c.event_documents_skipped, {})
          + not_news_note(c.event_documents_not_news, {}), file=out)
    for f in summary.failures[:10]:
        print(f"    {f.origin}: {f.reason}: {f.message}", file=out)
    if not summary.dry_run and c.documents_changed:
        print(f"  what changed: wiredesk query \"SELECT * FROM reprocess_changes WHERE run_id = {summary.run_id}\"", file=out)
