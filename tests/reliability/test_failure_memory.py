"""Items that keep failing: one ``failures`` row each, with attempts; tried again only when it may help.

Before: a file that could never be extracted was cleaned again and added a ``failures`` row on every run
(96 a day on a 15-minute schedule); a page with no extractable text (a script shell, a consent wall) was
never tried again while its feed entry was unchanged, and a page that failed to download was tried on
every run, forever, adding a row each time. Now (``wiredesk.domain.retry``): a file's failure is
remembered by its content and the code version, and it is tried again only when one of them changes; a
failure that may pass (a page with no text yet, a 5xx, a timeout) is tried again at the next run, then
with backoff, ``ingest.retry_attempts`` times, after which the page waits for its feed entry to change.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from wiredesk.cli import main
from wiredesk.store.migrate import migrate

from support.localserver import static
from conftest import SEEDS
from conftest import query as q

WORDS = ("The harbour council met on Tuesday and approved the new pier after a long debate about its cost. "
         "Residents said the cafe on the quay would stay open during the works, officials confirmed. ")
ARTICLE = (f"<html><head><title>Pier</title></head><body><article><h1>Pier</h1><p>{WORDS}</p><p>{WORDS}</p>"
           "</article></body></html>").encode()
SCRIPT_SHELL = (b"<html><head><script src='/app.js'></script></head>"
                b"<body><div id='root'></div><script>window.boot()</script></body></html>")


def _config(tmp_path, **ingest) -> str:
    lines = ['[http]', 'allow_networks = ["127.0.0.1/32"]', "per_host_delay = 0.0", "respect_robots = false",
             "retries = 0", "[events]", "enabled = false", "[feeds]", f'sources_file = "{tmp_path / "none.toml"}"',
             "[ingest]", "workers = 1", *(f"{k} = {json.dumps(v)}" for k, v in ingest.items())]
    path = tmp_path / "wiredesk.toml"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def _failures(db) -> list[tuple]:
    return q(db, "SELECT origin, reason, attempts, run_id, retry_at IS NOT NULL FROM failures ORDER BY origin")


def test_a_file_that_cannot_be_extracted_is_one_row_and_is_not_cleaned_again_until_it_changes(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    bad = folder / "shell.html"
    bad.write_bytes(SCRIPT_SHELL)
    (folder / "good.txt").write_text((SEEDS / "the-sun-2019-12-31-baghdad-embassy.txt").read_text())
    db = str(tmp_path / "f.duckdb")
    argv = ["run", "--no-prefect", "-q", "--db", db, "--config", _config(tmp_path), str(folder)]
    assert main(argv) == 0
    first = _failures(db)
    assert [(reason, attempts, run_id, retry) for _, reason, attempts, run_id, retry in first] == [
        ("no_text", 1, 1, False)]
    for _ in range(3):  # scheduled runs: the same bytes, the same code: not cleaned, no new row, no attempt
        assert main(argv) == 0
        assert "0 failed" in capsys.readouterr().out
    assert _failures(db) == first
    assert q(db, "SELECT sum(items_failed) FROM runs") == [(1,)]
    bad.write_bytes(SCRIPT_SHELL.replace(b"boot()", b"boot(2)"))  # new bytes, still no text: a new attempt
    assert main(argv) == 0
    assert [(reason, attempts, run_id) for _, reason, attempts, run_id, _ in _failures(db)] == [("no_text", 1, 5)]
    bad.write_bytes(ARTICLE)  # fixed: stored, and the item is not failing any more
    assert main(argv) == 0
    assert _failures(db) == []
    assert q(db, "SELECT count(*) FROM documents WHERE origin LIKE '%shell.html'") == [(1,)]


def test_new_code_tries_a_failed_file_again(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "shell.html").write_bytes(SCRIPT_SHELL)
    db = str(tmp_path / "f.duckdb")
    assert main(["run", "--no-prefect", "-q", "--db", db, "--config", _config(tmp_path), str(folder)]) == 1
    # a settings change that alters what cleaning does counts as new code (runs.code_versions)
    other = tmp_path / "other"
    other.mkdir()
    assert main(["run", "--no-prefect", "-q", "--db", db, "--config", str(_other_clean(other)), str(folder)]) == 1
    capsys.readouterr()
    assert [(attempts, run_id) for _, _, attempts, run_id, _ in _failures(db)] == [(1, 2)]


def _other_clean(folder):
    path = folder / "wiredesk.toml"
    path.write_text(f'[clean]\nfavor_precision = true\n[events]\nenabled = false\n[ingest]\nworkers = 1\n'
                    f'[feeds]\nsources_file = "{folder / "none.toml"}"\n')
    return path


def test_a_bad_jsonl_record_is_remembered_by_its_file(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    records = folder / "wire.jsonl"
    records.write_text(json.dumps({"text": WORDS * 2, "title": "ok"}) + "\n{not json\n")
    db = str(tmp_path / "f.duckdb")
    argv = ["run", "--no-prefect", "-q", "--db", db, "--config", _config(tmp_path), str(folder)]
    for _ in range(3):
        assert main(argv) == 0
    capsys.readouterr()
    assert [(origin.rsplit("/", 1)[1], reason, attempts) for origin, reason, attempts, _, _ in _failures(db)] == [
        ("wire.jsonl#2", "bad_json", 1)]


def _feed(server, links: list[str], version: str = "") -> bytes:
    items = "".join(f"<item><title>Story {i}{version}</title><link>{server.url(p)}</link><guid>g{i}</guid></item>"
                    for i, p in enumerate(links))
    return f"<rss version='2.0'><channel><title>Harbour</title>{items}</channel></rss>".encode()


def test_a_page_with_no_text_yet_is_tried_at_the_next_run_and_stored_when_its_text_comes(server, tmp_path, capsys):
    server.route("/a", static(ARTICLE, "text/html"))
    server.route("/b", static(SCRIPT_SHELL, "text/html"))
    url = server.route("/feed", static(_feed(server, ["/a", "/b"]), etag='"v1"'))
    db = str(tmp_path / "p.duckdb")
    argv = ["run", "--no-prefect", "-q", "--db", db, "--config", _config(tmp_path), url]
    assert main(argv) == 0
    # a page with no text is an access failure (state "empty"; wiredesk.clean.access) that may pass
    assert [(o.endswith("/b"), r, a, retry) for o, r, a, _, retry in _failures(db)] == [(True, "empty", 1, True)]
    server.route("/b", static(ARTICLE.replace(b"Pier", b"Quay"), "text/html"))  # the page gets its text
    assert main(argv) == 0
    capsys.readouterr()
    assert _failures(db) == []
    assert q(db, "SELECT count(*) FROM documents") == [(2,)]
    # the feed was asked for in full at the second run (an unchanged feed would have answered 304)
    assert q(db, "SELECT status FROM fetches WHERE purpose = 'feed' ORDER BY run_id") == [(200,), (200,)]


def test_a_page_that_never_gets_text_is_tried_a_bounded_number_of_times(server, tmp_path, capsys):
    server.route("/b", static(SCRIPT_SHELL, "text/html"))
    url = server.route("/feed", static(_feed(server, ["/b"]), etag='"v1"'))
    db = str(tmp_path / "p.duckdb")
    argv = ["run", "--no-prefect", "-q", "--db", db, "--config", _config(tmp_path, retry_attempts=2), url]
    for _ in range(4):
        main(argv)
    capsys.readouterr()
    # two attempts, then the page waits for its feed entry to change: one row, attempts 2, no retry time
    assert [(r, a, retry) for _, r, a, _, retry in _failures(db)] == [("empty", 2, False)]
    assert len(server.hits("/b")) == 2
    assert q(db, "SELECT status FROM fetches WHERE purpose = 'feed' ORDER BY run_id") == [
        (200,), (200,), (304,), (304,)]
    # the entry changes (a new title): the page is tried again, as a new series of attempts
    server.route("/feed", static(_feed(server, ["/b"], " (updated)"), etag='"v2"'))
    server.route("/b", static(ARTICLE, "text/html"))
    main(argv)
    capsys.readouterr()
    assert _failures(db) == [] and q(db, "SELECT count(*) FROM documents") == [(1,)]


def test_a_page_that_keeps_failing_to_download_waits_with_backoff_instead_of_adding_rows(server, tmp_path, capsys):
    server.route("/down", static(b"busy", "text/plain", status=503))
    server.route("/a", static(ARTICLE, "text/html"))
    url = server.route("/feed", static(_feed(server, ["/down", "/a"])))
    db = str(tmp_path / "p.duckdb")
    argv = ["run", "--no-prefect", "-q", "--db", db, "--config", _config(tmp_path), url]
    for _ in range(4):
        main(argv)
    capsys.readouterr()
    # attempt 1, attempt 2 at the next run, then a wait of retry_backoff_minutes: runs 3 and 4 leave it be
    rows = _failures(db)
    assert [(r, a, retry) for _, r, a, _, retry in rows] == [("status", 2, True)]
    assert len(server.hits("/down")) == 2
    assert q(db, "SELECT count(*) FROM documents") == [(1,)]


def test_an_upgraded_database_keeps_one_row_per_item_counting_its_attempts(tmp_path):
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    migrate(con, upto=6)
    con.executemany("INSERT INTO failures VALUES (?, ?, 'clean', 'no_text', ?, ?)", [
        (run, "/data/shell.html", f"run {run}", f"2026-01-0{run} 00:00:00+00") for run in (1, 2, 3)]
        + [(2, "/data/other.html", "once", "2026-01-02 00:00:00+00")])
    migrate(con)
    rows = con.execute("SELECT origin, attempts, run_id, message, first_failed_at < failed_at FROM failures "
                       "ORDER BY origin").fetchall()
    con.close()
    assert rows == [("/data/other.html", 1, 2, "once", False), ("/data/shell.html", 3, 3, "run 3", True)]


@pytest.mark.parametrize("attempts", [1, 3])
def test_the_summary_lists_a_failure_once_per_run_it_was_tried(attempts, tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_text("")
    db = str(tmp_path / "f.duckdb")
    argv = ["run", "--no-prefect", "--db", db, "--config", _config(tmp_path), str(folder)]
    outs = []
    for _ in range(attempts):
        main(argv)
        outs.append(capsys.readouterr().out)
    assert "empty.txt: empty" in outs[0]
    assert all("empty.txt" not in out for out in outs[1:])
