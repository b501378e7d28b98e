"""``wiredesk search "query"``: ranked full-text search over current documents.

Formatting and argument handling only; the ranking is ``wiredesk.fulltext.ranking``'s query, run by
``wiredesk.store.reader.Reader.search``.
"""

from __future__ import annotations

import sys
import textwrap

from wiredesk.cli.args import add_db_args, settings_from_args
from wiredesk.cli.output import format_rows
from wiredesk.fulltext.ranking import COLUMNS
from wiredesk.store.reader import Reader


def add_search_parser(sub) -> None:
    p = sub.add_parser(
        "search",
        help="full-text search over current documents, ranked by BM25",
        description=(
            "Find current document versions by words in their title or body text, best first (Okapi BM25 over "
            "an index every `wiredesk run` keeps up to date). Words are OR-ed; case, accents, plural endings and "
            "stopwords do not matter. Prints rank, score, title, outlet, date and the best-matching paragraph. "
            "See docs/search.md."
        ),
        epilog="Exit status: 0 ok (also when nothing matches), 2 no database, no index or nothing to search for.",
    )
    p.add_argument("query", metavar="QUERY", help='words to look for, e.g. "embassy protest Baghdad"')
    add_db_args(p)
    p.add_argument("-n", "--limit", type=int, default=10, metavar="N", help="show the N best documents (default: 10)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table",
                   help="table (default: readable list), csv or json (all columns, as `wiredesk query`)")
    p.set_defaults(func=cmd_search)


def cmd_search(args) -> int:
    settings = settings_from_args(args)
    with Reader.open(settings.db_path) as reader:
        rows = reader.search(args.query, args.limit).fetchall()
        behind = reader.unindexed_documents()
        total = reader.indexed_documents()
    if behind:
        print(f"wiredesk: note: {behind} current documents are not indexed yet (a run did not finish); "
              "the next `wiredesk run` indexes them", file=sys.stderr)
    if args.format != "table":
        format_rows(COLUMNS, rows, args.format, sys.stdout)
        return 0
    out = sys.stdout
    if not total:
        print("no documents to search yet: ingest some with `wiredesk run`", file=out)
        return 0
    if not rows:
        print(f"no documents match {args.query!r} ({total} searched)", file=out)
        return 0
    for rank, score, title, source, published, snippet, document_id, url in rows:
        when = published.date().isoformat() if published else "undated"
        print(f"{rank:>2}. {title or '(no title)'}  [{score:.3f}]", file=out)
        print(f"    {source or '(unknown source)'}, {when}, document {document_id}" + (f", {url}" if url else ""), file=out)
        if snippet:
            print(textwrap.fill(" ".join(snippet.split()), width=100, initial_indent="    ", subsequent_indent="    "), file=out)
    print(f"({len(rows)} best of {total} documents searched)", file=out)
    return 0
