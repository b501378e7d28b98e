"""What the command line prints, through one rendering layer: closed pipes, help without a command, a run with
nothing to do, the tables and their schema, SQL parameters, JSON Lines, the same width options on every
listing, sizes in one unit family, an untitled search hit, and the documents a dry-run reprocess would change."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from wiredesk.cli import main

from conftest import SEEDS, query


def _cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("out") / "seeded.duckdb")
    assert main(["run", str(SEEDS), "--db", db, "--no-prefect", "-q"]) == 0
    return db


# -- closed pipes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [
    ["query", "SELECT range AS n, 'row ' || range AS text FROM range(200000)"],
    ["query", "SELECT range AS n FROM range(200000)", "--format", "jsonl"],
    ["tables"],
    ["search", "embassy"],
    ["--help"],
], ids=["query-table", "query-jsonl", "tables", "search", "help"])
def test_output_into_a_pipe_closed_early_ends_quietly(argv, seeded):
    """`wiredesk ... | head -1`: the first line, then a quiet end (no traceback, no 'Exception ignored')."""
    cmd = [sys.executable, "-m", "wiredesk.cli", *argv] + (["--db", seeded] if argv[0] != "--help" else [])
    script = shlex.join(cmd) + ' | head -c 20; echo; echo "status=${PIPESTATUS[0]}" >&2'
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=300)
    assert done.stdout.strip() != ""
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr and "Broken" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == "status=0"


# -- no command, nothing to do ----------------------------------------------------------------------------


def test_wiredesk_alone_prints_help_and_starts_no_run(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = _cli(capsys)
    assert code == 0 and out.startswith("usage: wiredesk") and "run " in out and "tables" in out
    assert list(tmp_path.iterdir()) == []  # no database, no lock file


def test_run_with_no_seeds_folder_and_no_sources_says_there_is_nothing_to_do(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = _cli(capsys, "run", "--no-prefect")
    assert code == 0 and err == ""
    assert out.startswith(f"wiredesk run: nothing to do: no seeds/ folder in {tmp_path}")
    assert "wiredesk sources add URL" in out
    assert list(tmp_path.iterdir()) == []


def test_run_with_no_seeds_folder_and_no_source_due_names_the_next_one(capsys, tmp_path, monkeypatch):
    db = str(tmp_path / "news.duckdb")
    assert main(["sources", "add", "https://example.org/feed.xml", "--name", "example", "--disabled", "--db", db]) == 0
    assert main(["sources", "add", "https://example.net/rss", "--name", "later", "--db", db]) == 0
    capsys.readouterr()
    monkeypatch.chdir(tmp_path)
    # not due: fetched a moment ago, next in an hour (what the sources table would say after a run)
    import duckdb

    con = duckdb.connect(db)
    con.execute("UPDATE sources SET next_fetch_at = now() + INTERVAL 1 HOUR WHERE name = 'later'")
    con.close()
    runs = query(db, "SELECT count(*) FROM runs")
    code, out, _ = _cli(capsys, "run", "--db", db, "--no-prefect")
    assert code == 0
    assert "none of the 1 followed sources is due (next: later at " in out
    assert query(db, "SELECT count(*) FROM runs") == runs  # no run was started


def test_run_with_no_seeds_folder_runs_the_due_sources_only(capsys, tmp_path, monkeypatch, server):
    from support.localserver import static

    server.route("/feed", static(b"<rss version='2.0'><channel><title>Local news</title>"
                                 b"<link>https://local.example/</link></channel></rss>"))
    cfg = tmp_path / "wiredesk.toml"
    cfg.write_text('[http]\nallow_networks = ["127.0.0.1/32"]\nper_host_delay = 0\n')
    db = str(tmp_path / "news.duckdb")
    assert main(["sources", "add", server.url("/feed"), "--name", "local", "--db", db]) == 0
    capsys.readouterr()
    monkeypatch.chdir(tmp_path)
    code, out, _ = _cli(capsys, "run", "--db", db, "--config", str(cfg), "--no-prefect")
    assert code == 0 and "completed" in out
    assert query(db, "SELECT inputs FROM runs") == [(["due sources"],)]
    assert query(db, "SELECT last_status, title FROM sources") == [(200, "Local news")]


# -- tables and schema ------------------------------------------------------------------------------------


def test_tables_lists_every_table_and_view_with_its_rows(capsys, seeded):
    code, out, _ = _cli(capsys, "tables", "--db", seeded, "--format", "jsonl")
    assert code == 0
    listed = {r["name"]: r for r in map(json.loads, out.splitlines())}
    catalog = query(seeded, "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'main'")
    assert set(listed) == {name for name, _ in catalog}
    assert {r["kind"] for r in listed.values()} == {"table", "view"}
    for name in ("documents", "paragraphs", "events"):
        assert listed[name]["rows"] == query(seeded, f"SELECT count(*) FROM {name}")[0][0]
    assert listed["documents"]["columns"] == len(query(seeded, "DESCRIBE documents"))


def test_schema_of_one_table_prints_its_create_statement_one_column_a_line(capsys, seeded):
    code, out, _ = _cli(capsys, "schema", "sources", "--db", seeded)
    lines = out.splitlines()
    assert code == 0 and lines[0] == "CREATE TABLE sources (" and lines[-1] == ");"
    assert "    source_id BIGINT PRIMARY KEY," in lines and "    title VARCHAR," in lines
    assert len(lines) == 2 + len(query(seeded, "DESCRIBE sources"))


def test_schema_of_everything_includes_views_and_indexes(capsys, seeded):
    code, out, _ = _cli(capsys, "schema", "--db", seeded)
    assert code == 0 and "CREATE VIEW events AS SELECT" in out and "CREATE INDEX fetches_by_run ON fetches" in out


def test_schema_of_an_unknown_table_is_one_line_naming_the_known_ones(capsys, seeded):
    code, out, err = _cli(capsys, "schema", "documnets", "--db", seeded)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("wiredesk: error: no table or view named 'documnets' (there are: ") and "documents" in err


# -- query parameters, formats, widths ---------------------------------------------------------------------


def test_query_binds_named_parameters_as_strings(capsys, seeded):
    sql = "SELECT document_id, source FROM documents WHERE source = $outlet AND document_id >= $min::INT"
    code, out, _ = _cli(capsys, "query", sql, "-p", "outlet", "The Sun", "-p", "min", "1", "--db", seeded,
                        "--format", "csv")
    assert code == 0 and out.splitlines() == ["document_id,source", "2,The Sun"]
    # a value is data, never SQL
    code, out, _ = _cli(capsys, "query", "SELECT count(*) AS n FROM documents WHERE source = $s", "-p", "s",
                        "x' OR '1'='1", "--db", seeded, "--format", "csv")
    assert code == 0 and out.splitlines() == ["n", "0"]


def test_a_missing_parameter_is_one_line(capsys, seeded):
    code, _, err = _cli(capsys, "query", "SELECT $nope AS x", "--db", seeded)
    assert code == 2 and err.startswith("wiredesk: error: query failed: ") and "nope" in err and err.count("\n") == 1


def test_jsonl_is_one_object_a_line(capsys, seeded):
    code, out, _ = _cli(capsys, "query", "SELECT role, count(*) AS n FROM paragraphs GROUP BY role ORDER BY role::VARCHAR",
                        "--db", seeded, "--format", "jsonl")
    assert code == 0 and [json.loads(line) for line in out.splitlines()] == [
        {"role": "body", "n": 32}, {"role": "boilerplate", "n": 1}, {"role": "caption", "n": 12},
        {"role": "credit", "n": 12}]


@pytest.mark.parametrize("argv", [
    ["query", "SELECT text FROM paragraphs ORDER BY paragraph_id LIMIT 3"],
    ["tables"],
    ["sources", "list"],
    ["search", "embassy"],
], ids=["query", "tables", "sources-list", "search"])
def test_every_listing_takes_the_same_format_and_width_options(argv, capsys, seeded, tmp_path):
    db = seeded
    if argv[0] == "sources":  # a source with a long URL to cut
        db = str(tmp_path / "copy.duckdb")
        shutil.copy(seeded, db)
        assert main(["sources", "add", "https://example.org/" + "long-path/" * 10 + "feed.xml", "--db", db]) == 0
        capsys.readouterr()
    for fmt in ("csv", "json", "jsonl"):
        code, out, _ = _cli(capsys, *argv, "--db", db, "--format", fmt, "--max-width", "12")
        assert code == 0 and out.strip(), fmt
    code, out, _ = _cli(capsys, *argv, "--db", db, "--max-width", "12")
    assert code == 0
    if argv[0] == "search":  # a readable list: titles and snippets are cut
        snippets = [line.strip() for line in out.splitlines() if line.startswith("    ") and ", document " not in line]
        assert snippets and all(len(s) <= 12 for s in snippets) and all(s.endswith("…") for s in snippets)
        return
    rows = [line for line in out.splitlines()[2:] if not re.match(r"\(\d+ rows?\)", line)]
    cells = [c for line in rows for c in re.split(r"\s{2,}", line.strip())]
    assert rows and all(len(c) <= 12 for c in cells)
    assert argv[0] == "tables" or any(c.endswith("…") for c in cells)


def test_a_width_too_small_to_read_is_refused(capsys, seeded):
    with pytest.raises(SystemExit) as exit_:
        main(["tables", "--db", seeded, "--max-width", "2"])
    assert exit_.value.code == 2 and "at least 4 characters" in capsys.readouterr().err


# -- sizes, search, reprocess --------------------------------------------------------------------------------


def test_sizes_are_in_one_unit_family(capsys, seeded):
    _, stats, _ = _cli(capsys, "stats", "--db", seeded)
    _, status, _ = _cli(capsys, "status", "--db", seeded)
    sizes = re.findall(r"\d+(?:\.\d+)? ([KMGk]i?B)\b", stats + status)
    assert sizes and set(sizes) <= {"KiB", "MiB", "GiB"}
    assert " MB" not in stats + status


def test_a_search_hit_without_a_title_is_named_by_its_file(capsys, seeded):
    code, out, _ = _cli(capsys, "search", "embassy protesters", "--db", seeded)
    assert code == 0 and "(no title)" not in out
    assert re.search(r"^ 1\. \(untitled\) (ap-yahoo|the-sun)-2019-12-31-baghdad-embassy\.txt  \[", out, re.M)


def test_a_dry_run_reprocess_lists_the_documents_it_would_change(capsys, seeded, tmp_path):
    db = str(tmp_path / "copy.duckdb")
    shutil.copy(seeded, db)
    stricter = tmp_path / "stricter.toml"  # partial overlaps need the whole shorter paragraph: one link goes
    stricter.write_text("[dedup]\npartial_min_containment = 1.0\n")
    # --max-width 0: a clone's path can be long enough for the origin's file name to be cut at 60 characters
    code, out, _ = _cli(capsys, "reprocess", "--stage", "dedup", "--dry-run", "--db", db, "--config", str(stricter),
                        "-q", "--max-width", "0")
    assert code == 0 and "would change (dry run, nothing written)" in out
    listing = out.split("documents that would change:\n", 1)[1].splitlines()
    assert listing[0].split() == ["document_id", "origin", "title", "text", "metadata", "paragraphs", "links",
                                  "mentions"]
    rows = [line for line in listing[2:] if not line.startswith("(")]
    assert rows and all("-1" in line for line in rows) and any("baghdad-embassy.txt" in line for line in rows)
    code, out, _ = _cli(capsys, "reprocess", "--stage", "dedup", "--dry-run", "--db", db, "--config", str(stricter),
                        "-q", "--format", "jsonl")
    changes = [json.loads(line) for line in out.splitlines()]
    assert changes and {c["links"] for c in changes} == {"+0/-1"}
    assert query(db, "SELECT count(*) FROM reprocess_changes") == [(0,)]  # a dry run writes nothing
    assert Path(db).is_file()
