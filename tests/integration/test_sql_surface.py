"""The SQL surface: `wiredesk query` can only read the database, and no SQL text is built from data.

Two halves. (1) Through the CLI, every kind of statement that could change the database or touch
anything outside it (DML, DDL, ATTACH, COPY TO, EXPORT, INSTALL/LOAD, SET, file readers, several
statements in one) is refused with one line and exit 2, and the database file stays byte-identical.
(2) An AST audit of ``src/``: every place that interpolates into SQL text (f-string, ``.format``,
``%``, ``+``) or executes non-constant SQL is in an explicit allow-list that names the values it may
interpolate, all of them code constants; anything new fails until reviewed and listed.
"""

from __future__ import annotations

import ast
import hashlib
import re
from pathlib import Path

import duckdb
import pytest

from wiredesk.cli import main
from wiredesk.domain.errors import StoreError
from wiredesk.pipeline.ingest import run_ingest
from wiredesk.domain.settings import Settings
from wiredesk.store.sql import insert_columns

from conftest import REPO

SRC = REPO / "src" / "wiredesk"


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("sql") / "seeded.duckdb"
    run_ingest([str(REPO / "seeds")], Settings(db_path=str(db)))
    return db


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


WRITES = {
    "insert": "INSERT INTO failures VALUES (1, 'x', 'load', 'r', 'm', now())",
    "update": "UPDATE documents SET title = 'pwned'",
    "delete": "DELETE FROM paragraphs",
    "create_table": "CREATE TABLE evil (a INT)",
    "create_view": "CREATE VIEW evil AS SELECT 1",
    "create_macro": "CREATE MACRO evil(a) AS a",
    "drop": "DROP TABLE documents",
    "alter": "ALTER TABLE documents ADD COLUMN evil INT",
    "attach_new_file": "ATTACH '{tmp}/evil.duckdb' AS evil",
    "copy_to_file": "COPY documents TO '{tmp}/stolen.csv'",
    "copy_select_to_parquet": "COPY (SELECT * FROM documents) TO '{tmp}/stolen.parquet' (FORMAT parquet)",
    "export_database": "EXPORT DATABASE '{tmp}/export'",
    "install_extension": "INSTALL httpfs",
    "load_extension": "LOAD httpfs",
    "re_enable_files": "SET enable_external_access = true",
    "read_other_file": "SELECT * FROM read_csv('/etc/passwd')",
    "read_text_file": "SELECT * FROM read_text('/etc/hostname')",
    "glob_filesystem": "SELECT * FROM glob('/etc/*')",
    "select_then_drop": "SELECT 1; DROP TABLE documents",
    "select_then_attach": "SELECT count(*) FROM documents; ATTACH '{tmp}/evil2.duckdb' AS e",
    "comment_hides_second": "SELECT 1 /* ; */; DELETE FROM documents -- ;",
}


@pytest.mark.parametrize("sql", list(WRITES.values()), ids=list(WRITES))
def test_query_refuses_statements_that_write_or_leave_the_database(sql, seeded_db, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # relative paths would land here
    before = _digest(seeded_db)
    code = main(["query", sql.format(tmp=tmp_path), "--db", str(seeded_db)])
    out, err = capsys.readouterr()
    assert code == 2, out
    assert err.startswith("wiredesk: error: ") and err.count("\n") == 1  # one line, no traceback
    assert _digest(seeded_db) == before
    assert list(tmp_path.iterdir()) == []  # no file written beside it either
    assert "pwned" not in out and "root:" not in out


def test_query_still_answers_ordinary_selects(seeded_db, capsys):
    assert main(["query", "SELECT count(*) AS n FROM documents WHERE is_current", "--db", str(seeded_db),
                 "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["n", "2"]


def test_a_single_statement_with_a_trailing_semicolon_is_one_statement(seeded_db, capsys):
    assert main(["query", "SELECT 41 + 1 AS answer;", "--db", str(seeded_db), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["answer", "42"]


def test_the_python_reader_connection_cannot_write_the_database(seeded_db):
    import wiredesk

    before = _digest(seeded_db)
    con = wiredesk.connect(str(seeded_db))
    try:
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("DELETE FROM documents")
    finally:
        con.close()
    assert _digest(seeded_db) == before


def test_bulk_insert_refuses_anything_but_plain_identifiers(tmp_path):
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    con.execute("CREATE TABLE t (a VARCHAR)")
    for table, cols in [("t; DROP TABLE t", {"a": ("VARCHAR", ["x"])}),
                        ("t", {"a) SELECT 1; --": ("VARCHAR", ["x"])}),
                        ("t", {"a": ("VARCHAR[]); DROP TABLE t; --", ["x"])})]:
        with pytest.raises(StoreError, match="not a plain SQL identifier"):
            insert_columns(con, table, cols)
    insert_columns(con, "t", {"a": ("VARCHAR", ["it's; DROP TABLE t"])})  # data is a bound parameter
    assert con.execute("SELECT a FROM t").fetchall() == [("it's; DROP TABLE t",)]


# -- (2) the audit ---------------------------------------------------------------------------------

#: Every place in src/ that builds SQL text by interpolation or executes non-constant SQL:
#: (file, function) -> (names the interpolated parts may use, why that is safe). The names must be
#: code constants or values derived only from them; reviewing a new entry means checking that.
ALLOWED: dict[tuple[str, str], tuple[frozenset[str], str]] = {
    ("store/sql.py", "insert_columns"): (
        frozenset({"table", "names", "select", "columns", "i", "n"}),
        "table/column/type names from module constants, checked against _IDENTIFIER/_SQL_TYPE at run time"),
    ("store/writer.py", "add_run_counters"): (
        frozenset({"names", "n"}), "runs column names, filtered through the constant _RUN_COUNTER_COLUMNS"),
    ("store/feeds.py", "<module>"): (frozenset({"_CONFIG_COLUMNS", "_STATE_COLUMNS"}), "column-name tuples"),
    ("store/feeds.py", "list_sources"): (frozenset({"_SELECT"}), "module constant"),
    ("store/feeds.py", "_find"): (frozenset({"_SELECT"}), "module constant"),
    ("store/feeds.py", "_insert"): (frozenset({"_CONFIG_COLUMNS"}), "column-name tuple"),
    ("store/feeds.py", "sync_sources"): (frozenset({"_CONFIG_COLUMNS", "c"}), "column-name tuple"),
    ("store/feeds.py", "write_feed_batch"): (frozenset({"_STATE_COLUMNS", "c"}), "column-name tuple"),
    ("store/events.py", "regroup_events_counted"): (
        frozenset({"_LOAD", "clauses", "_LINKS_WITHIN"}),
        "WHERE clauses are constant strings chosen in code; values are bound"),
    ("store/events.py", "_neighbours"): (frozenset({"_LINKS_TOUCHING"}), "a module constant; values are bound"),
    ("store/events.py", "stored_mentions"): (frozenset({"_LOAD"}), "a constant WHERE clause; values are bound"),
    ("store/event_neighbours.py", "<module>"): (
        frozenset({"_KEYS", "_GROUPABLE"}), "the blocking-key query with a constant WHERE clause (_GROUPABLE: "
        "which mentions have keys, a constant); values are bound"),
    ("store/event_neighbours.py", "stored_block_keys"): (frozenset({"_SOME_KEYS"}), "a module constant; values are bound"),
    ("store/event_neighbours.py", "find_neighbours"): (frozenset({"_NEIGHBOURS"}), "a module constant; values are bound"),
    ("store/event_neighbours.py", "store_mention_keys"): (frozenset({"_STORE_KEYS"}), "a module constant; values are bound"),
    ("store/event_neighbours.py", "rebuild_mention_keys"): (frozenset({"_STORE_ALL_KEYS"}),
                                                             "a module constant; values are bound"),
    ("store/migrate.py", "migrate"): (frozenset({"m"}), "the SQL of a migration file shipped in the package"),
    ("cli/output.py", "print_summary"): (frozenset({"summary", "_MAX_FAILURES_SHOWN"}), "a hint printed for the user, never executed"),
    ("cli/query.py", "cmd_query"): (frozenset({"args"}), "the user's own SQL, on the sandboxed read-only connection"),
    # reprocess
    ("store/rederive_reads.py", "load_documents"): (frozenset({"raw_col"}), "one of two constant column lists"),
    ("store/rederive_steps.py", "replace_mentions"): (frozenset({"cols"}), "_COMPARED_MENTION_COLUMNS, a module constant"),
    ("cli/reprocess.py", "print_reprocess_summary"): (frozenset({"summary"}), "a hint printed, never executed"),
    # reads (status, stats, search): the Reader's helpers run its own constant queries; values are bound
    ("store/sql.py", "dict_rows"): (frozenset({"sql"}), "its callers (the read modules) pass constant queries; values are bound"),
    ("store/sql.py", "first_row"): (frozenset({"sql"}), "its callers (the read modules) pass constant queries; values are bound"),
    ("store/search_reads.py", "search"): (frozenset({"sql"}), "search_sql(), constants only; the query's terms are bound"),
    ("cli/report.py", "run_report_markdown"): (frozenset({"summary"}), "a hint printed in the run's artifact, never executed"),
    # full-text search and exports (reviewed: fragments are module constants, ids are ints from the database,
    # dates come from datetime.date.isoformat(), the destination path is quoted by _sql_path)
    ("store/exports.py", "select"): (frozenset({"self", "where"}), "ExportTable constants; WHERE clauses built in this module"),
    ("store/exports.py", "copy_rows"): (
        frozenset({"_COPY_OPTIONS", "_published_date", "_sql_path", "fmt", "out", "sql", "stem", "table", "where"}),
        "format options and table fragments are constants; stem is made of the table name and ints; path quoted"),
    ("store/exports.py", "max_key"): (frozenset({"table"}), "ExportTable constants"),
    ("store/exports.py", "fingerprint"): (frozenset({"table", "where"}), "ExportTable constants; since as a date"),
    ("fulltext/ranking.py", "search_sql"): (frozenset({"B", "K1", "SNIPPET_CHARS"}), "numeric constants; the query's terms are bound"),
    # the near-duplicate stage's rows, with or without the texts: one of two module constants
    ("store/near_index.py", "load_paragraphs"): (frozenset({"_WITH_TEXT", "_WITHOUT_TEXT", "texts"}),
                                                 "one of two module constants (with or without p.text); ids are a bound table"),
    # the duplicate views' stored answers: one copy-link aggregation shared by the refresh and `wiredesk status`
    ("store/clusters.py", "<module>"): (frozenset({"_LINKS"}), "module constant (the copy-link aggregation)"),
    ("store/clusters.py", "_links"): (frozenset({"_LINKS_OF"}), "module constant; the ids are a bound table"),
    ("store/clusters.py", "_rows"): (frozenset({"sql"}), "its callers pass _STORED or _MEMBERS, constants"),
    ("store/clusters.py", "refresh_clusters"): (frozenset({"_NEVER_COMPUTED"}), "module constant"),
    ("store/story_answers.py", "set_lead_lines"): (frozenset({"_LEAD_LINE"}), "module constant; the ids are bound"),
    ("store/story_answers.py", "recount_stories"): (frozenset({"_RECOUNT_ALL", "_RECOUNT_SOME"}),
                                                    "module constants formatted from constant scopes; ids are a bound table"),
    ("store/story_answers.py", "recount_story_outlets"): (frozenset({"_OUTLETS_ALL", "_OUTLETS_SOME"}),
                                                          "module constants formatted from constant scopes; ids are a bound table"),
    ("store/entity_counts.py", "<module>"): (frozenset({"_PER_OUTLET"}),
                                             "module constant (the mentions of given entities counted per outlet)"),
    ("store/entity_counts.py", "count_entities"): (frozenset({"_COUNT", "_COUNT_OUTLETS"}),
                                                   "module constants; ids are bound"),
    ("store/entity_counts.py", "add_entity_counts"): (frozenset({"_DELTA", "_STATE", "_SET"}),
                                                      "module constants; ids and counts are bound"),
    ("store/entity_counts.py", "_add_outlets"): (frozenset({"_ADD_OUTLETS"}),
                                                 "module constant; the pairs are a bound table"),
    ("store/events.py", "store_event_stories"): (frozenset({"_ALL_EVENTS", "_SOME_EVENTS"}),
                                                 "module constants formatted from constant scopes; ids are bound"),
    ("store/clusters.py", "_recount_novelty"): (frozenset({"_NOVELTY_OF"}), "module constant; the ids are a bound table"),
    ("store/clusters.py", "rebuild_novelty"): (frozenset({"_NOVELTY_ALL"}), "module constant"),
    ("store/clusters.py", "_copy_document_facts"): (frozenset({"_FACTS_SCOPES", "scope"}), "a constant of _FACTS_SCOPES; ids are a bound table"),
    # the HTML report's reads: the window and the day expressions are module constants; dates and limits are bound
    **{("store/report_queries.py", f): (frozenset(names), "constant fragments of the module (_DOCS, _IN_WINDOW, the day "
                                         "expressions); since/until, limits and event ids are bound parameters")
       for f, names in {"<module>": {"_DOC_DAY", "_IN_WINDOW"},
                        "totals": {"_DOCS", "_EVENT_DAY", "_IN_WINDOW"}, "documents_by_outlet_day": {"_DOCS"},
                        "stories_by_day": {"_DOCS"}, "copy_edges": {"_DOCS"}, "novelty_by_outlet": {"_DOCS"},
                        "events": {"_EVENT_DAY", "_IN_WINDOW"}, "event_places": {"_EVENT_DAY", "_IN_WINDOW"}, "fetches_by_day": {"_IN_WINDOW"}, "runs": {"_IN_WINDOW"},
                        "failure_reasons": {"_IN_WINDOW"}, "revisits_by_run": {"_IN_WINDOW"},
                        "site_rule_fallbacks": {"_DOC_DAY", "_IN_WINDOW"}}.items()},
    # revisits: the runs' revisit counters, a module constant
    ("store/revisits.py", "revisit_overview"): (frozenset({"_RUN_REVISIT_COLUMNS"}), "module constant; values are bound"),
}

_SQL_WORDS = re.compile(r"\b(SELECT|INSERT INTO|UPDATE|DELETE FROM|CREATE|DROP|ALTER|WHERE|VALUES|FROM|JOIN|SET)\b")
_EXECUTE = {"execute", "executemany", "sql", "query", "read_sql"}


def _constant_text(node: ast.AST) -> str | None:
    """The constant text of a string-building expression, or None if it is not one."""
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return "".join(n.value for n in (node.left, node.right) if isinstance(n, ast.Constant) and isinstance(n.value, str)) or (
            _constant_text(node.left) or "")
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        base = node.func.value
        return base.value if isinstance(base, ast.Constant) and isinstance(base.value, str) else "{format}"
    return None


def _interpolated_names(node: ast.AST) -> set[str]:
    parts: list[ast.AST]
    if isinstance(node, ast.JoinedStr):
        parts = [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
    elif isinstance(node, ast.Call):  # .format(...): the receiver (if not constant) and every argument
        parts = [node.func.value, *node.args, *(k.value for k in node.keywords)]  # type: ignore[attr-defined]
    else:
        parts = [node]
    return {n.id for p in parts for n in ast.walk(p) if isinstance(n, ast.Name)} - {"str", "len", "enumerate"}


def _sql_sites(root: Path = SRC) -> dict[tuple[str, str], set[str]]:
    """(file, function) -> names interpolated into SQL there, over all modules under ``root``."""
    found: dict[tuple[str, str], set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rel = path.relative_to(root).as_posix()

        def visit(node: ast.AST, func: str) -> None:
            for child in ast.iter_child_nodes(node):
                name = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else func
                text = _constant_text(child)
                if text is not None and (_SQL_WORDS.search(text) or text == "{format}") and not (
                        isinstance(child, ast.Call) and text == "{format}" and not _feeds_execute(node, child)):
                    found.setdefault((rel, func), set()).update(_interpolated_names(child))
                if (isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute)
                        and child.func.attr in _EXECUTE and child.args and not isinstance(child.args[0], ast.Constant)):
                    found.setdefault((rel, func), set()).update(_interpolated_names(child.args[0]))
                visit(child, name)

        visit(tree, "<module>")
    return found


def _feeds_execute(parent: ast.AST, call: ast.Call) -> bool:
    """A ``.format`` on a non-constant receiver counts as SQL only when its result is executed."""
    return (isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute)
            and parent.func.attr in _EXECUTE and bool(parent.args) and parent.args[0] is call)


def test_sql_is_built_only_from_code_constants_at_reviewed_places():
    sites = _sql_sites()
    unreviewed = {k: sorted(v) for k, v in sites.items() if k not in ALLOWED}
    assert not unreviewed, f"SQL built by interpolation at unreviewed places (add to ALLOWED after review): {unreviewed}"
    widened = {k: sorted(v - ALLOWED[k][0]) for k, v in sites.items() if v - ALLOWED[k][0]}
    assert not widened, f"SQL interpolates names not reviewed for these places: {widened}"


def test_the_sql_allow_list_has_no_stale_entries():
    stale = sorted(set(ALLOWED) - set(_sql_sites()))
    assert not stale, f"ALLOWED lists places that no longer build SQL (remove them): {stale}"


def test_the_audit_catches_sql_built_from_a_feed_value(tmp_path):
    # The audit itself must bite: modules formatting an entry's title into SQL, three ways, are reported.
    (tmp_path / "planted.py").write_text(
        "def fstring(con, entry):\n    con.execute(f\"SELECT * FROM documents WHERE title = '{entry.title}'\")\n"
        "def percent(con, entry):\n    sql = \"DELETE FROM documents WHERE url = '%s'\" % entry.link\n    con.execute(sql)\n"
        "def fmt(con, page):\n    con.execute(\"SELECT * FROM t WHERE x = '{}'\".format(page.title))\n")
    sites = _sql_sites(tmp_path)
    assert sites[("planted.py", "fstring")] == {"entry"}
    assert sites[("planted.py", "percent")] == {"entry", "sql"}
    assert sites[("planted.py", "fmt")] == {"page"}
