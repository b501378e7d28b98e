"""``wiredesk tables`` and ``wiredesk schema [TABLE]``: what the database holds, before writing SQL against it.

``tables`` lists every table and view with its columns and rows (the same ``--format`` and ``--max-width`` as
every listing); ``schema`` prints their CREATE statements, one column a line, with their indexes (the
statements DuckDB keeps; docs/schema.md says what each column means). Both read through
``wiredesk.store.reader.Reader`` (read-only, waiting for a run's batch commit); this module only prints.
"""

from __future__ import annotations

from wiredesk.cli.args import add_db_args, add_listing_args, docs, settings_from_args
from wiredesk.cli.output import format_rows
from wiredesk.cli.screen import Screen
from wiredesk.domain.errors import WiredeskError
from wiredesk.store.reader import Reader


def add_tables_parser(sub) -> None:  # noqa: ANN001
    p = sub.add_parser(
        "tables",
        help="list the tables and views of the database, with their columns and rows",
        description="List every table and view (name, kind, columns, rows). `wiredesk schema TABLE` shows one's "
                    "columns; docs/schema.md says what they mean, with example queries.",
        epilog=docs("docs/schema.md (what each table and column means, example queries)", "README.md"),
    )
    add_db_args(p)
    add_listing_args(p)
    p.set_defaults(func=cmd_tables)


def add_schema_parser(sub) -> None:  # noqa: ANN001
    p = sub.add_parser(
        "schema",
        help="print the CREATE statements of the tables and views (or of one)",
        description="Print the CREATE statement of every table and view, or of TABLE only, one column a line, "
                    "with the table's indexes. docs/schema.md says what each column means.",
        epilog=docs("docs/schema.md (what each table and column means, example queries)", "README.md"),
    )
    p.add_argument("table", nargs="?", metavar="TABLE", help="one table or view (default: all)")
    add_db_args(p)
    p.set_defaults(func=cmd_schema)


def cmd_tables(args, screen: Screen) -> int:  # noqa: ANN001
    settings = settings_from_args(args)
    with Reader.open(settings.db_path) as reader:
        rows = reader.catalog()
    format_rows(("name", "kind", "columns", "rows"), [(r["name"], r["kind"], r["columns"], r["rows"]) for r in rows],
                args.format, screen.out, max_width=args.max_width)
    return 0


def cmd_schema(args, screen: Screen) -> int:  # noqa: ANN001
    settings = settings_from_args(args)
    with Reader.open(settings.db_path) as reader:
        rows = reader.catalog(args.table)
        if not rows and args.table:
            known = ", ".join(r["name"] for r in reader.catalog())
            raise WiredeskError(f"no table or view named {args.table!r} (there are: {known})")
    for i, r in enumerate(rows):
        if i:
            screen.print()
        screen.print(pretty_create(r["sql"]))
        for index in r["indexes"]:
            screen.print(index)
    return 0


def pretty_create(sql: str) -> str:
    """A ``CREATE TABLE name(a INT, b VARCHAR, ...);`` statement with one column a line (pure). Commas inside
    parentheses or quotes (``DECIMAL(18,3)``, a default ``'a,b'``) stay where they are; a view stays as it is."""
    sql = sql.strip()
    head, paren, rest = sql.partition("(")
    if not head.upper().startswith("CREATE TABLE") or not paren or not rest.rstrip(";").endswith(")"):
        return sql
    body = rest.rstrip(";")[:-1]
    parts, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(body):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(body[start:i].strip())
            start = i + 1
    parts.append(body[start:].strip())
    return head.rstrip() + " (\n" + ",\n".join(f"    {p}" for p in parts) + "\n);"
