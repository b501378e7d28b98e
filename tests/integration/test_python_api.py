"""The Python API: every example of docs/python-api.md runs, in order, and does what it says."""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import REPO, SEEDS

DOC = (REPO / "docs" / "python-api.md").read_text()
EXAMPLES = re.findall(r"```python\n(.*?)```", DOC, re.S)


@pytest.fixture
def in_a_folder_with_seeds(tmp_path, monkeypatch):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_python_api_example_runs_and_gives_what_it_promises(in_a_folder_with_seeds, prefect_harness, capsys):
    assert len(EXAMPLES) >= 8
    ns: dict = {}
    for example in EXAMPLES:
        exec(compile(example, "docs/python-api.md", "exec"), ns)  # noqa: S102: our own documentation
    out = capsys.readouterr().out
    assert ns["summary"].ok and ns["summary"].counts.documents_new == 2
    assert "completed 2 new documents, 57 paragraphs" in out
    assert ns["flow_summary"].ok and ns["flow_summary"].counts.documents_new == 2
    assert sorted(ns["docs"]["source"]) == ["Associated Press (via Yahoo News)", "The Sun"]
    assert ns["per_source"]["documents"].tolist() == [1, 1]
    assert dict(zip(ns["by_role"]["role"], ns["by_role"]["paragraphs"])) == {"body": 32, "caption": 12, "credit": 12, "boilerplate": 1}
    assert len(ns["hits"]) == 2 and ns["hits"]["rank"].tolist() == [1, 2]
    assert ns["big"]["n_documents"].tolist() == [2] and ns["big"]["n_outlets"].tolist() == [2]
    assert ns["coverage"]["method"].tolist() == ["new", "copy"]  # the Sun's article copies AP's paragraphs
    assert ns["outlets"].height == 2 and ns["outlets"]["is_first"].sum() == 1
    assert [(r.table, r.rows) for r in ns["results"]] == [("documents", 2), ("paragraphs", 57)]
    assert len(ns["exported"]) == 2 and "published_date" in ns["exported"].columns
    assert ns["latest"].height == 2


def test_connect_refuses_a_missing_database_with_a_clear_error(tmp_path):
    import wiredesk
    from wiredesk.domain.errors import StoreError

    with pytest.raises(StoreError, match="no database at"):
        wiredesk.connect(tmp_path / "missing.duckdb")


def test_ingest_without_prefect_returns_the_summary_and_connect_sees_the_rows(tmp_path, seeds):
    import wiredesk

    db = tmp_path / "api.duckdb"
    summary = wiredesk.ingest([seeds], db=db)
    assert summary.status == "completed" and summary.counts.documents_new == 2
    again = wiredesk.ingest(seeds, db=db)  # one path needs no list
    assert again.counts.items_unchanged == 2 and again.counts.documents_new == 0
    con = wiredesk.connect(db)
    assert con.sql("SELECT count(*) FROM documents").fetchall() == [(2,)]
    assert wiredesk.search(con, "Baghdad").fetchall()
