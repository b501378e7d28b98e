"""A damaged or hand-edited store: a cycle of copy links and a link to a missing paragraph never make a
duplicate view hang or fail; ``wiredesk status`` says what is wrong, and ``wiredesk dedup-rebuild`` cuts the
cycle (the views then agree with the links again)."""

from __future__ import annotations

import json

import duckdb

from wiredesk.cli import main

from conftest import query

SELECTS = ["SELECT count(*) FROM paragraph_clusters", "SELECT count(*) FROM duplicate_clusters",
           "SELECT count(*) FROM novel_paragraphs", "SELECT count(*) FROM document_novelty",
           "SELECT count(*) FROM story_outlets"]


def status(db: str, capsys) -> tuple[int, dict]:
    code = main(["status", "--db", db, "--json"])
    return code, json.loads(capsys.readouterr().out)


def damage(db: str) -> tuple[int, int]:
    """AP's lead now also 'copies' The Sun's copy of it (a cycle), and another paragraph copies one that is not
    stored; returns (AP lead, The Sun's copy)."""
    lead, copy = query(db, "SELECT copy_of, paragraph_id FROM paragraphs WHERE copy_of IS NOT NULL AND NOT novel "
                           "ORDER BY paragraph_id LIMIT 1")[0]
    other = query(db, "SELECT min(paragraph_id) FROM paragraphs WHERE document_id = 2 AND copy_of IS NULL "
                      "AND role = 'body'")[0][0]
    con = duckdb.connect(db)
    try:
        con.execute("INSERT INTO duplicates VALUES (?, ?, 'near', 0.9, 'hand', 1, NULL)", [lead, copy])
        con.execute("INSERT INTO duplicates VALUES (?, 999999, 'near', 0.9, 'hand', 1, NULL)", [other])
    finally:
        con.close()
    return lead, copy


def test_a_cycle_and_a_missing_target_are_reported_and_cut_by_a_rebuild(seeds, db, capsys):
    assert main(["run", "--no-prefect", "-q", str(seeds), "--db", db]) == 0
    capsys.readouterr()
    assert status(db, capsys)[0] == 0
    lead, copy = damage(db)
    for sql in SELECTS:  # plain reads of stored answers: nothing to walk, nothing to hang on
        assert query(db, sql)[0][0] > 0

    code, st = status(db, capsys)
    problems = " | ".join(st["problems"])
    assert code == 1
    assert "1 duplicate links point to a missing paragraph" in problems
    assert "stored duplicate clusters disagree with their links" in problems and "dedup-rebuild" in problems

    assert main(["dedup-rebuild", "--db", db]) == 0
    capsys.readouterr()
    code, st = status(db, capsys)
    problems = " | ".join(st["problems"])
    assert code == 1 and "disagree" not in problems
    assert f"1 cycles of copy links, cut at paragraph {lead}" in problems
    assert st["index"]["clusters"]["cycles_cut_at"] == [lead]
    # cut at the lowest id: the lead is its cluster's earliest copy again, The Sun's copy still copies it
    assert query(db, "SELECT paragraph_id, cluster_id, is_copy FROM paragraph_clusters WHERE paragraph_id IN (?, ?) "
                     "ORDER BY 1", [lead, copy]) == [(lead, lead, True), (copy, lead, True)]
    assert query(db, "SELECT count(*) FROM novel_paragraphs WHERE paragraph_id = ?", [lead]) == [(1,)]
    assert query(db, "SELECT n_documents FROM duplicate_clusters WHERE cluster_id = ?", [lead]) == [(2,)]
    for sql in SELECTS:
        assert query(db, sql)[0][0] > 0


def test_a_write_that_reaches_a_cycle_cuts_it_without_a_rebuild(seeds, db, tmp_path, capsys):
    assert main(["run", "--no-prefect", "-q", str(seeds), "--db", db]) == 0
    lead, copy = damage(db)
    # a third outlet republishes AP's lead: the exact cluster of the lead is relinked, the cycle walked again
    text = query(db, "SELECT text FROM paragraphs WHERE paragraph_id = ?", [lead])[0][0]
    third = tmp_path / "third" / "reprint.txt"
    third.parent.mkdir()
    third.write_text(text + "\n\nThe reprint adds one line of its own about the embassy in Baghdad today.\n")
    (third.parent / "reprint.txt.meta.json").write_text('{"source": "Reprint", "published": "2020-01-02"}')
    assert main(["run", "--no-prefect", "-q", str(third.parent), "--db", db]) == 0
    capsys.readouterr()
    _, st = status(db, capsys)
    assert st["index"]["clusters"]["cycles_cut_at"] == [lead]
    reprint = query(db, "SELECT paragraph_id FROM paragraphs p JOIN documents d USING (document_id) "
                        "WHERE d.source = 'Reprint' AND p.position = 0")[0][0]
    assert query(db, "SELECT cluster_id FROM paragraph_clusters WHERE paragraph_id IN (?, ?, ?)",
                 [lead, copy, reprint]) == [(lead,)] * 3
