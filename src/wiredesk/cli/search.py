"""``wiredesk search "query"``: ranked full-text search over current documents.

Formatting and argument handling only; the ranking is ``wiredesk.fulltext.ranking``'s query, run by
``wiredesk.store.reader.Reader.search``.
"""

from __future__ import annotations

import textwrap
from pathlib import PurePath

from wiredesk.cli.args import add_db_args, add_listing_args, docs, settings_from_args
from wiredesk.cli.output import cut, format_rows
from wiredesk.cli.screen import Screen
from wiredesk.domain.urls import is_http_url
from wiredesk.fulltext.ranking import COLUMNS
from wiredesk.store.reader import Reader


def add_search_parser(sub) -> None:
    p = sub.add_parser(
        "search",
        help="full-text search over current documents, ranked by BM25",
        description=(
            "Find current document versions by words in their title or body text, best first (Okapi BM25 over "
            "an index every `wiredesk run` keeps up to date). Words are OR-ed; case, accents, plural endings and "
            "stopwords do not matter. Prints rank, score, title, outlet, date and the best-matching paragraph."
        ),
        epilog="Exit status: 0 ok (also when nothing matches), 2 no database, no index or nothing to search for. "
               + docs("docs/search.md"),
    )
    p.add_argument("query", metavar="QUERY", help='words to look for, e.g. "embassy protest Baghdad"')
    add_db_args(p)
    p.add_argument("-n", "--limit", type=int, default=10, metavar="N", help="show the N best documents (default: 10)")
    add_listing_args(p, table_help="a readable list", others_help="these three with every column, as `wiredesk query`",
                     default_width=0)
    p.set_defaults(func=cmd_search)


def headline(title: str | None, origin: str | None) -> str:
    """What names a hit: its title, else where it came from (a file's name, a URL), marked as untitled."""
    if title and title.strip():
        return " ".join(title.split())
    if not origin:
        return "(untitled)"
    where = origin if is_http_url(origin) else PurePath(origin.split("#", 1)[0]).name + (
        "#" + origin.split("#", 1)[1] if "#" in origin else "")
    return f"(untitled) {where}"


def cmd_search(args, screen: Screen) -> int:
    settings = settings_from_args(args)
    with Reader.open(settings.db_path) as reader:
        rows = reader.search(args.query, args.limit).fetchall()
        behind = reader.unindexed_documents()
        total = reader.indexed_documents()
    if behind:
        screen.note(f"wiredesk: note: {behind} current documents are not indexed yet (a run did not finish); "
                    "the next `wiredesk run` indexes them")
    if args.format != "table":
        format_rows(COLUMNS, rows, args.format, screen.out, max_width=args.max_width)
        return 0
    if not total:
        screen.print("no documents to search yet: ingest some with `wiredesk run`")
        return 0
    if not rows:
        screen.print(f"no documents match {args.query!r} ({total} searched)")
        return 0
    for rank, score, title, source, published, snippet, document_id, url, origin in rows:
        when = published.date().isoformat() if published else "undated"
        screen.print(f"{rank:>2}. {cut(headline(title, url or origin), args.max_width)}  [{score:.3f}]")
        screen.print(f"    {source or '(unknown source)'}, {when}, document {document_id}" + (f", {url}" if url else ""))
        if snippet:
            screen.print(textwrap.fill(cut(" ".join(snippet.split()), args.max_width), width=100,
                                       initial_indent="    ", subsequent_indent="    "))
    screen.print(f"({len(rows)} best of {total} documents searched)")
    return 0
