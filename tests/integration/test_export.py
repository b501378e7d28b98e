"""Exports: `wiredesk export` writes tables as Parquet, JSON Lines or CSV partitioned by
publication date; incremental exports add only what is new. Real runs, real files read back by DuckDB."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from wiredesk.cli import main
from wiredesk.exports.manifest import MANIFEST_NAME

from conftest import REPO

NO_EVENTS = "[events]\nenabled = false\n"
SHARED = "The ministry said on Monday that the new bridge over the river would open to traffic next spring."


def write_articles(folder: Path, articles: dict[str, tuple[str | None, str]]) -> None:
    folder.mkdir(exist_ok=True)
    for name, (published, body) in articles.items():
        meta = f"published: {published}\n" if published else ""
        (folder / name).write_text(f"---\ntitle: {name}\nsource: Wire {name[0]}\n{meta}---\n{body}", encoding="utf-8")


def ingest(tmp_path, db, articles, capsys) -> None:
    folder = tmp_path / "in"
    write_articles(folder, articles)
    config = tmp_path / "wiredesk.toml"
    config.write_text(NO_EVENTS)
    assert main(["run", "--no-prefect", "-q", str(folder), "--db", db, "--config", str(config)]) == 0
    capsys.readouterr()


def export(db, dest, capsys, *args) -> str:
    assert main(["export", "--db", db, "-o", str(dest), *args]) == 0
    return capsys.readouterr().out


def read(dest: Path, table: str, ext: str = "parquet") -> list[dict]:
    reader = {"parquet": "read_parquet", "jsonl": "read_json_auto", "csv": "read_csv_auto"}[ext]
    rel = duckdb.sql(f"SELECT * FROM {reader}('{dest}/{table}/*/*.{ext}', hive_partitioning = true)")
    return [dict(zip(rel.columns, row)) for row in rel.fetchall()]


def files(dest: Path, table: str) -> dict[str, bytes]:
    return {str(p.relative_to(dest)): p.read_bytes() for p in sorted((dest / table).rglob("*.*"))}


FIRST = {
    "a1.txt": ("2024-05-06", f"Alpha one.\n\n{SHARED}"),
    "b1.txt": ("2024-05-07", f"Bravo one, a longer story about the weather.\n\n{SHARED}"),
    "c1.txt": (None, "Charlie has no date at all, and says so in a paragraph."),
}


def test_every_table_is_written_partitioned_by_publication_date(tmp_path, db, capsys):
    assert main(["run", "--no-prefect", "-q", str(REPO / "seeds"), "--db", db]) == 0
    capsys.readouterr()
    dest = tmp_path / "out"
    out = export(db, dest, capsys)
    assert "documents       2 new rows in 1 files (exported up to id 2)" in out
    con = duckdb.connect(db, read_only=True)
    for table, key in [("documents", "document_id"), ("paragraphs", "paragraph_id"), ("duplicates", "paragraph_id"),
                       ("events", "event_id"), ("event_mentions", "mention_id"), ("entities", "entity_id")]:
        rows = read(dest, table)
        assert sorted(r[key] for r in rows) == sorted(r[0] for r in con.execute(f"SELECT {key} FROM {table}").fetchall()), table
        assert {str(r["published_date"]) for r in rows} == {"2019-12-31"}, table
    assert [p.name for p in (dest / "documents").iterdir()] == ["published_date=2019-12-31"]
    texts = {r["document_id"]: r["text"] for r in read(dest, "documents")}
    assert texts == dict(con.execute("SELECT document_id, text FROM documents").fetchall())


def test_a_second_export_writes_only_new_rows_into_new_files_and_leaves_the_old_ones_alone(tmp_path, db, capsys):
    dest = tmp_path / "out"
    ingest(tmp_path, db, FIRST, capsys)
    export(db, dest, capsys, "--table", "documents", "--table", "paragraphs")
    before = files(dest, "documents")
    ingest(tmp_path, db, {"d1.txt": ("2024-05-07", "Delta one arrives a day later.")}, capsys)
    out = export(db, dest, capsys, "--table", "documents", "--table", "paragraphs")
    assert "documents       1 new rows in 1 files (exported up to id 4)" in out
    after = files(dest, "documents")
    assert {k: v for k, v in after.items() if k in before} == before  # byte for byte
    new = sorted(set(after) - set(before))
    assert new == ["documents/published_date=2024-05-07/documents_000000000004-000000000004_0.parquet"]
    assert sorted(r["document_id"] for r in read(dest, "documents")) == [1, 2, 3, 4]
    assert len(read(dest, "paragraphs")) == duckdb.connect(db, read_only=True).execute("SELECT count(*) FROM paragraphs").fetchall()[0][0]
    assert "nothing new" in export(db, dest, capsys, "--table", "documents")
    assert files(dest, "documents") == after


def test_undated_documents_go_to_the_undated_partition(tmp_path, db, capsys):
    dest = tmp_path / "out"
    ingest(tmp_path, db, FIRST, capsys)
    export(db, dest, capsys, "--table", "documents")
    assert sorted(p.name for p in (dest / "documents").iterdir()) == [
        "published_date=2024-05-06", "published_date=2024-05-07", "published_date=undated"]
    undated = [r for r in read(dest, "documents") if r["published_date"] == "undated"]
    assert [r["title"] for r in undated] == ["c1.txt"]


def test_an_updated_article_is_exported_as_its_new_version_and_the_latest_version_can_be_picked(tmp_path, db, capsys):
    dest = tmp_path / "out"
    ingest(tmp_path, db, FIRST, capsys)
    export(db, dest, capsys, "--table", "documents")
    ingest(tmp_path, db, {"a1.txt": ("2024-05-06", f"Alpha one, corrected.\n\n{SHARED}")}, capsys)
    export(db, dest, capsys, "--table", "documents")
    rows = read(dest, "documents")
    assert sorted((r["title"], r["version"]) for r in rows if r["title"] == "a1.txt") == [("a1.txt", 1), ("a1.txt", 2)]
    # exported rows are never rewritten: the old file still says version 1 was current when it was exported
    latest = duckdb.sql(
        f"SELECT doc_key, text FROM read_parquet('{dest}/documents/*/*.parquet', hive_partitioning = true) "
        "QUALIFY version = max(version) OVER (PARTITION BY doc_key)"
    ).fetchall()
    assert len(latest) == 3
    assert any(text.startswith("Alpha one, corrected.") for _, text in latest)


def test_derived_tables_are_replaced_by_a_new_snapshot_only_when_they_changed(tmp_path, db, capsys):
    dest = tmp_path / "out"
    ingest(tmp_path, db, FIRST, capsys)
    export(db, dest, capsys, "--table", "duplicates")
    first = files(dest, "duplicates")
    assert len(read(dest, "duplicates")) == 1  # b1's copy of the shared paragraph
    assert "unchanged since the last export" in export(db, dest, capsys, "--table", "duplicates")
    assert files(dest, "duplicates") == first
    ingest(tmp_path, db, {"e1.txt": ("2024-05-08", f"Echo one.\n\n{SHARED}")}, capsys)
    assert "snapshot of 2 rows in 2 files" in export(db, dest, capsys, "--table", "duplicates")
    second = files(dest, "duplicates")
    assert not set(first) & set(second)  # the previous snapshot's files are gone
    assert sorted(r["kind"] for r in read(dest, "duplicates")) == ["exact", "exact"]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_jsonl_and_csv_exports_hold_the_same_rows_as_parquet(tmp_path, db, capsys, fmt):
    dest = tmp_path / "out"
    ingest(tmp_path, db, FIRST, capsys)
    export(db, dest, capsys, "--table", "paragraphs")
    export(db, dest, capsys, "--table", "paragraphs", "--format", fmt)
    as_parquet = sorted(((r["paragraph_id"], r["text"], str(r["published_date"])) for r in read(dest, "paragraphs")))
    other = sorted(((r["paragraph_id"], r["text"], str(r["published_date"])) for r in read(dest, "paragraphs", fmt)), key=lambda t: t[0])
    assert other == as_parquet
    assert sorted(read(dest, "paragraphs", fmt), key=lambda r: r["paragraph_id"])[0]["role"] == "body"


def test_since_leaves_out_rows_published_before_the_date_and_undated_ones(tmp_path, db, capsys):
    dest = tmp_path / "out"
    ingest(tmp_path, db, FIRST, capsys)
    export(db, dest, capsys, "--table", "documents", "--since", "2024-05-07")
    assert [r["title"] for r in read(dest, "documents")] == ["b1.txt"]
    with pytest.raises(SystemExit) as exit_:
        main(["export", "--db", db, "-o", str(dest), "--since", "yesterday"])
    assert exit_.value.code == 2 and "not a date (YYYY-MM-DD): 'yesterday'" in capsys.readouterr().err


def test_full_removes_the_previous_files_and_exports_everything_again(tmp_path, db, capsys):
    dest = tmp_path / "out"
    ingest(tmp_path, db, FIRST, capsys)
    export(db, dest, capsys, "--table", "documents", "--since", "2024-05-07")
    out = export(db, dest, capsys, "--table", "documents", "--full")
    assert "3 new rows" in out
    assert sorted(r["title"] for r in read(dest, "documents")) == ["a1.txt", "b1.txt", "c1.txt"]


def test_files_of_an_export_that_died_midway_are_removed_and_written_again(tmp_path, db, capsys):
    dest = tmp_path / "out"
    ingest(tmp_path, db, FIRST, capsys)
    export(db, dest, capsys, "--table", "documents")
    ingest(tmp_path, db, {"d1.txt": ("2024-05-09", "Delta one arrives later.")}, capsys)
    # what an export killed while writing leaves: the manifest names the files in flight, one half-written
    manifest = json.loads((dest / MANIFEST_NAME).read_text())
    manifest["tables"]["documents.parquet"]["pending"] = "documents_000000000004-000000000004"
    (dest / MANIFEST_NAME).write_text(json.dumps(manifest))
    partial = dest / "documents" / "published_date=2024-05-09" / "documents_000000000004-000000000004_0.parquet"
    partial.parent.mkdir()
    partial.write_bytes(b"PAR1 half a file")
    export(db, dest, capsys, "--table", "documents")
    assert sorted(r["document_id"] for r in read(dest, "documents")) == [1, 2, 3, 4]
    assert json.loads((dest / MANIFEST_NAME).read_text())["tables"]["documents.parquet"]["pending"] is None


def test_export_only_reads_the_database(tmp_path, db, capsys):
    ingest(tmp_path, db, FIRST, capsys)
    digest = hashlib.sha256(Path(db).read_bytes()).hexdigest()
    export(db, tmp_path / "out", capsys)
    assert hashlib.sha256(Path(db).read_bytes()).hexdigest() == digest


def test_a_folder_holding_another_databases_export_is_refused(tmp_path, db, capsys):
    dest = tmp_path / "out"
    ingest(tmp_path, db, FIRST, capsys)
    export(db, dest, capsys, "--table", "documents")
    other = str(tmp_path / "other.duckdb")
    Path(db).rename(other)
    assert main(["export", "--db", other, "-o", str(dest), "--table", "documents"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("wiredesk: error: ") and "holds an export of" in err and err.count("\n") == 1


def test_exporting_without_a_database_is_a_one_line_error(tmp_path, capsys):
    assert main(["export", "--db", str(tmp_path / "none.duckdb"), "-o", str(tmp_path / "out")]) == 2
    assert "no database at" in capsys.readouterr().err


def test_after_a_reprocess_changed_documents_an_incremental_export_asks_for_full(tmp_path, db, capsys):
    dest = tmp_path / "out"
    ingest(tmp_path, db, FIRST, capsys)
    export(db, dest, capsys, "--table", "documents")
    con = duckdb.connect(db)  # the run row `wiredesk reprocess` leaves after re-deriving a document in place
    con.execute("INSERT INTO runs (run_id, started_at, status, pipeline_version, inputs, kind, documents_changed) "
                "VALUES (2, now(), 'completed', 'wiredesk/0.1.0', ['reprocess'], 'reprocess', 1)")
    con.close()
    assert main(["export", "--db", db, "-o", str(dest), "--table", "documents"]) == 2
    assert "reprocess run 2 changed stored documents" in capsys.readouterr().err
    assert "3 new rows" in export(db, dest, capsys, "--table", "documents", "--full")
    assert "nothing new" in export(db, dest, capsys, "--table", "documents")
