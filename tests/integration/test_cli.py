"""The command line: help everywhere, the runs users start, read-only SQL, stats, one-line errors."""

import argparse
import json
import os
import re
import subprocess
import sys

import duckdb
import pytest

from wiredesk.cli import build_parser, main

from conftest import REPO

COMMANDS = ["run", "query", "stats", "server", "dedup-rebuild", "sources", "reprocess", "serve", "status", "search", "export",
            "stories", "stories-rebuild", "tables", "schema", "report", "revisions"]


def _cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _parsers(parser: argparse.ArgumentParser, name: str = "wiredesk"):
    """Every parser under ``parser`` with its command line: each command and each ``sources`` action."""
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _parsers(sub, f"{name} {sub_name}")


#: A page of the docs as a help names it: a path from the repository's root.
DOC_PAGE = re.compile(r"(?<![\w/.])(README\.md|docs/[\w-]+\.md)")
#: How a help ends: "Docs: " and pages, each maybe with what to read it for in brackets, then a full stop.
DOCS_LINE = re.compile(rf"Docs: (?:{DOC_PAGE.pattern}(?: \([^()]*\))?, )*{DOC_PAGE.pattern}(?: \([^()]*\))?\.$")


@pytest.mark.parametrize("command", [name for name, _ in _parsers(build_parser())])
def test_every_command_has_help_that_ends_naming_the_docs_that_explain_it(capsys, monkeypatch, command):
    monkeypatch.setenv("COLUMNS", "10000")  # a paragraph a line, and no path cut at its hyphen
    with pytest.raises(SystemExit) as exit_:
        main([*command.split()[1:], "--help"])
    out = capsys.readouterr().out
    assert exit_.value.code == 0 and out.startswith(f"usage: {command}") and len(out.splitlines()) > 5
    last = out.strip().splitlines()[-1]
    assert DOCS_LINE.search(last), f"{command} --help does not end naming its docs: {last!r}"
    # every page the help names, in its Docs line or anywhere else, is a file of this repository
    missing = [page for page in DOC_PAGE.findall(out) if not (REPO / page).is_file()]
    assert not missing, f"{command} --help names docs that do not exist: {missing}"


def _help_of(capsys, command: str) -> str:
    with pytest.raises(SystemExit):
        main([*command.split()[1:], "--help"])
    return " ".join(capsys.readouterr().out.split())


def test_every_argument_of_every_command_says_what_it_is(capsys):
    bare = [f"{command} {a.dest}" for command, p in _parsers(build_parser()) for a in p._actions
            if not isinstance(a, argparse._SubParsersAction) and not a.help]
    assert not bare
    # and the help shows it: the bare positionals there were (`server ACTION`, `sources remove NAME_OR_URL`)
    assert "status: whether it is running" in _help_of(capsys, "wiredesk server")
    assert "the source's name or feed URL" in _help_of(capsys, "wiredesk sources remove")


def test_every_number_a_help_gives_as_default_is_the_default_the_command_uses(capsys):
    shown = 0
    for command, p in _parsers(build_parser()):
        for a in p._actions:
            said = re.search(r"\(default:? (-?\d+)(?![\w.])", a.help or "")
            if said:
                assert int(said.group(1)) == a.default, (command, a.option_strings, a.help)
                shown += 1
                # through the CLI too: the text printed is the text checked
                assert f"default: {said.group(1)}" in _help_of(capsys, command)
    assert shown >= 8  # --limit (search, stories), --max-width (every listing), --port


def test_the_help_of_wiredesk_and_of_stats_names_what_they_cover(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    top = " ".join(capsys.readouterr().out.split())
    assert "events and stories" in top and "Exit status, unless a command's help says more" in top
    stats = _help_of(capsys, "wiredesk stats")
    assert all(part in stats for part in ("paragraphs by role", "duplicate links by kind",
                                          "events, mentions and entities", "the failures by reason"))


def test_search_help_says_its_table_is_not_cut_unless_asked(capsys):
    search = _help_of(capsys, "wiredesk search")
    assert "table (a readable list; the default)" in search
    assert "cut cells at N characters (default: 0, never)" in search


def test_console_script_is_installed_and_prints_help():
    done = subprocess.run([sys.executable, "-m", "wiredesk.cli", "--help"], capture_output=True, text=True, check=True)
    assert all(c in done.stdout for c in COMMANDS)


def test_run_without_prefect_then_rerun_reports_zero_new(capsys, seeds, db):
    code, out, _ = _cli(capsys, "run", str(seeds), "--db", db, "--no-prefect")
    assert code == 0 and "2 new, 0 updated, 0 unchanged, 0 failed" in out
    assert "57 new (32 body, 12 caption, 12 credit, 1 boilerplate)" in out
    code, out, _ = _cli(capsys, "run", str(seeds), "--db", db, "--no-prefect")
    assert code == 0 and "0 new, 0 updated, 2 unchanged, 0 failed" in out


def test_run_through_the_prefect_flow_records_the_flow_run(prefect_harness, capsys, seeds, db):
    code, out, err = _cli(capsys, "run", str(seeds), "--db", db)
    assert code == 0, err
    assert "documents   2 new" in out
    (flow_run_id,) = duckdb.connect(db, read_only=True).execute("SELECT flow_run_id FROM runs").fetchone()
    from prefect import get_client

    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(flow_run_id)
    assert flow_run.state.is_completed()


def test_run_without_paths_ingests_seeds_into_wiredesk_duckdb_in_the_working_directory(prefect_harness, capsys, seeds, monkeypatch):
    monkeypatch.chdir(seeds.parent)
    code, out, _ = _cli(capsys, "run")  # `wiredesk run` with no paths
    assert code == 0 and "-> wiredesk.duckdb" in out
    assert duckdb.connect("wiredesk.duckdb", read_only=True).execute("SELECT count(*) FROM documents").fetchone() == (2,)


def test_run_against_a_running_server_given_by_prefect_api_url(prefect_harness, seeds, db):
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}
    done = subprocess.run(
        [sys.executable, "-m", "wiredesk.cli", "run", str(seeds), "--db", db],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "temporary server" not in done.stderr and "documents   2 new" in done.stdout


def test_missing_path_is_one_line_error_exit_2(capsys, db):
    code, out, err = _cli(capsys, "run", "no/such/folder", "--db", db)
    assert code == 2 and err.strip() == "wiredesk: error: no such file or directory: no/such/folder"


def test_invalid_config_names_the_key(capsys, tmp_path, db):
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[ingest]\nbatch_sise = 10\n")
    code, _, err = _cli(capsys, "run", "--config", str(cfg), "--db", db, "--no-prefect")
    assert code == 2 and "unknown setting 'ingest.batch_sise'" in err and len(err.strip().splitlines()) == 1


def test_nothing_ingestible_exits_1(capsys, tmp_path, db):
    (tmp_path / "empty.txt").write_bytes(b"")
    code, out, _ = _cli(capsys, "run", str(tmp_path), "--db", db, "--no-prefect")
    assert code == 1 and "empty.txt: empty: file is empty" in out


@pytest.fixture
def seeded_db(capsys, seeds, db):
    assert main(["run", str(seeds), "--db", db, "--no-prefect", "-q"]) == 0
    capsys.readouterr()
    return db


def test_query_prints_a_table_csv_and_json(capsys, seeded_db):
    sql = "SELECT role, count(*) AS n FROM paragraphs GROUP BY role ORDER BY n DESC, role"
    code, out, _ = _cli(capsys, "query", sql, "--db", seeded_db)
    assert code == 0 and out.splitlines()[0].split() == ["role", "n"] and "(4 rows)" in out
    _, out, _ = _cli(capsys, "query", sql, "--db", seeded_db, "--format", "csv")
    assert out.splitlines()[:2] == ["role,n", "body,32"]
    _, out, _ = _cli(capsys, "query", sql, "--db", seeded_db, "--format", "json")
    assert json.loads(out)[0] == {"role": "body", "n": 32}


def test_query_is_read_only(capsys, seeded_db):
    code, _, err = _cli(capsys, "query", "DELETE FROM documents", "--db", seeded_db)
    assert code == 2 and "read-only" in err
    assert duckdb.connect(seeded_db, read_only=True).execute("SELECT count(*) FROM documents").fetchone() == (2,)


def test_query_errors_and_missing_database_are_one_line(capsys, seeded_db, tmp_path):
    code, _, err = _cli(capsys, "query", "SELECT nope FROM documents", "--db", seeded_db)
    assert code == 2 and err.startswith("wiredesk: error: query failed: Binder Error") and err.count("\n") == 1
    code, _, err = _cli(capsys, "stats", "--db", str(tmp_path / "none.duckdb"))
    assert code == 2 and "no database at" in err


def test_stats_summarizes_documents_paragraphs_runs(capsys, seeded_db):
    code, out, _ = _cli(capsys, "stats", "--db", seeded_db)
    assert code == 0
    assert "2 current (2 versions) from 2 sources" in out
    assert "57 (32 body, 12 caption, 12 credit, 1 boilerplate)" in out
    assert "#1 completed" in out


def test_parser_lists_every_command():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert sorted(sub.choices) == sorted(COMMANDS)


def test_second_writer_on_a_locked_database_exits_with_one_line(seeds, db):
    from wiredesk.store import RunLock

    with RunLock(db, "a running wiredesk run"):  # this process holds the run lock, as a running `wiredesk run` does
        done = subprocess.run(
            [sys.executable, "-m", "wiredesk.cli", "run", str(seeds), "--db", db, "--no-prefect"],
            capture_output=True, text=True, timeout=120,
        )
    assert done.returncode == 2
    assert done.stderr.startswith("wiredesk: error: ") and "is in use by another run" in done.stderr
    assert done.stderr.count("\n") == 1
