"""``wiredesk stories``, ``wiredesk stories show ID`` and ``wiredesk stories-rebuild``.

Formatting and argument handling only: the reads are ``wiredesk.store.reader.Reader``'s (views ``stories``,
``document_stories``), the rebuild is ``wiredesk.pipeline.stories.run_stories_rebuild``.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import TextIO

from wiredesk.cli.args import add_db_args, add_listing_args, docs, settings_from_args
from wiredesk.cli.output import cut_note, format_rows
from wiredesk.cli.screen import Screen
from wiredesk.domain.errors import ConfigError
from wiredesk.store.reader import Reader
from wiredesk.store.story_reads import STORY_COLUMNS, STORY_DOCUMENT_COLUMNS

STORIES_EPILOG = docs("docs/stories.md (what a story is and how documents join one)",
                      "docs/schema.md (the story tables and views)")


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {value!r} (use YYYY-MM-DD)") from None


def add_stories_parser(sub) -> None:
    p = sub.add_parser(
        "stories",
        help="list stories (every report of one happening, across outlets), or show one",
        description=(
            "`wiredesk stories` lists stories, biggest first: documents, outlets, first and last seen, the "
            "outlet that had it first, and its title. `wiredesk stories show ID` lists one story's documents "
            "in time order with outlet, title and novel share (the part of its text no earlier document had). "
            "Every document version joins a story as it is stored."
        ),
        epilog="Exit status: 0 ok (also when nothing matches), 2 no database or no such story. " + STORIES_EPILOG,
    )
    p.add_argument("action", nargs="?", choices=("show",), help="show one story's documents")
    p.add_argument("story_id", nargs="?", type=int, metavar="ID", help="the story to show (with `show`)")
    p.add_argument("--since", type=_date, metavar="DATE",
                   help="only stories with a document seen on or after DATE (published, else ingested; YYYY-MM-DD)")
    p.add_argument("--min-outlets", type=int, default=1, metavar="N", help="only stories told by at least N outlets (default: 1)")
    p.add_argument("-n", "--limit", type=int, default=20, metavar="N", help="list the N biggest (default: 20; 0: all)")
    add_listing_args(p)
    add_db_args(p)
    p.set_defaults(func=cmd_stories)


def add_stories_rebuild_parser(sub) -> None:
    p = sub.add_parser(
        "stories-rebuild",
        help="decide every story again from scratch (after new story code, a reprocess, or an upgrade)",
        description=(
            "Delete every story and replay every document version in the order it arrived through the "
            "current story code, in one transaction: the same code gives the same stories the runs made. "
            "Needed after the story code changed, after `wiredesk reprocess` changed texts, and once on a "
            "database made before stories existed."
        ),
        epilog=docs("docs/stories.md (rebuilding)"),
    )
    p.add_argument("-q", "--quiet", action="store_true", help="print only the summary, no progress")
    add_db_args(p)
    p.set_defaults(func=cmd_stories_rebuild)


def cmd_stories(args, screen: Screen) -> int:
    settings = settings_from_args(args)
    if args.action == "show" and args.story_id is None:
        raise ConfigError("`wiredesk stories show` needs a story ID (see `wiredesk stories`)")
    if args.action is None and args.story_id is not None:
        raise ConfigError(f"to see story {args.story_id}: wiredesk stories show {args.story_id}")
    with Reader.open(settings.db_path) as reader:
        if args.action == "show":
            story = reader.story(args.story_id)
            if story is None:
                raise ConfigError(f"no story {args.story_id} among the current documents (see `wiredesk stories`)")
            rows = reader.story_documents(args.story_id).fetchall()
            missing = 0
        else:
            rows = reader.stories(args.since, args.min_outlets, args.limit or None).fetchall()
            missing = reader.documents_without_story()
    if missing:
        screen.note(f"wiredesk: note: {missing} current documents have no story yet (stored before stories existed); "
                    "`wiredesk stories-rebuild` assigns them")
    if args.action == "show":
        if args.format != "table":
            format_rows(STORY_DOCUMENT_COLUMNS, rows, args.format, screen.out, max_width=args.max_width)
        else:
            print_story(story, rows, screen.out)
        return 0
    if args.format != "table":
        format_rows(STORY_COLUMNS, rows, args.format, screen.out, max_width=args.max_width)
    elif not rows:
        screen.print("no stories match")
    else:
        print_stories(rows, screen.out)
    return 0


def _when(value) -> str:
    return value.date().isoformat() if value is not None else "undated"


def print_stories(rows, out: TextIO) -> None:
    """One line per story: id, documents, outlets, first and last day, first outlet, title."""
    table = [(story_id, n_docs, n_outlets, _when(first), _when(last), first_outlet or "(unknown)", title or "")
             for story_id, n_docs, n_outlets, first, last, first_outlet, title, _ in rows]
    format_rows(("story", "documents", "outlets", "first", "last", "first outlet", "title"), table, "table", out)


def print_story(story: dict, rows, out: TextIO) -> None:
    """A story's header, then its documents in time order."""
    names = ", ".join(story["top_names"] or [])
    print(f"story {story['story_id']}: {story['title'] or '(no title)'}", file=out)
    print(f"  {story['n_documents']} documents from {story['n_outlets']} outlets, {_when(story['first_seen'])} to "
          f"{_when(story['last_seen'])}; first: {story['first_outlet'] or '(unknown)'}"
          + (f"; names: {names}" if names else ""), file=out)
    table = [(_when(published), outlet or "(unknown)", title or "",
              "" if share is None else f"{share:.2f}", method, document_id)
             for published, outlet, title, share, method, _, document_id, _ in rows]
    format_rows(("published", "outlet", "title", "novel", "joined by", "document"), table, "table", out)


def cmd_stories_rebuild(args, screen: Screen) -> int:
    from wiredesk.pipeline.stories import run_stories_rebuild  # lazy on purpose: the pipeline loads trafilatura and spaCy

    settings = settings_from_args(args)

    def progress(done: int, total: int) -> None:
        if not args.quiet:
            screen.note(f"  {done}/{total} document versions")

    summary = run_stories_rebuild(settings, progress=progress)
    screen.print(f"stories rebuilt (run {summary.run_id}) in {summary.seconds:.1f}s: {summary.documents} document "
          f"versions in {summary.stories} {'story' if summary.stories == 1 else 'stories'}; "
          f"{summary.documents_moved} current documents changed story, {summary.events_written} events regrouped"
          f"{cut_note(summary.event_candidates_cut)} -> {summary.db_path}")
    return 0
