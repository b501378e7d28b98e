"""What a user sees of revisits, site-rule fallbacks and pages that were not the article after a run: the run
summary, `wiredesk status` (text and JSON), `wiredesk sources list`, the HTML report's data and the Prefect
run artifact's Markdown; and a due page whose document has no current version, taken off the schedule.
Pages are served on 127.0.0.1; time passes for the command line by moving the stored schedule back (the
Python API's ``clock`` moves it forward)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

import wiredesk
from wiredesk.cli.report import run_report_markdown

from conftest import query as q
from support.localrun import cli, local_config, url_listing
from support.localserver import send, static
from support.pages import article
from integration.test_revisits import EditablePage, FIRST, later, page

RULES = '[revisits]\nbudget_per_source = 3\n[site_rules."127.0.0.1"]\nkeep = ["div.story-text"]\n'


def age(db: str, hours: float) -> None:
    """The pages scheduled for revisits as if first seen ``hours`` earlier (what a later run would see)."""
    import duckdb
    con = duckdb.connect(str(db))
    for table in ("revisits", "revisit_queue"):
        con.execute(f"UPDATE {table} SET first_seen_at = first_seen_at - INTERVAL (?) HOUR, "  # test-only SQL
                    "next_due_at = next_due_at - INTERVAL (?) HOUR", [hours, hours])
    con.close()


@pytest.fixture
def site(server):
    server.route("/robots.txt", static(b"User-agent: *\nAllow: /\n", "text/plain"))
    return server


def gone_after_first(body: bytes):
    """A page served once, then 404."""
    served = []

    def handler(h) -> None:
        if served:
            send(h, 404, b"gone", "text/plain")
        else:
            served.append(1)
            send(h, 200, body, "text/html; charset=utf-8")
    return handler


def test_revisits_site_rule_fallbacks_and_access_show_in_the_summary_status_sources_and_reports(
        capsys, site, db, tmp_path):
    config = local_config(tmp_path, RULES)
    edited = EditablePage(FIRST)
    site.route("/e/0", edited)                                                      # edited: changed
    site.route("/e/1", static(article(1), "text/html; charset=utf-8", etag='"e1"'))  # 304
    site.route("/e/2", gone_after_first(article(2)))                                # 404: failed
    site.route("/e/3", static(article(3), "text/html; charset=utf-8"))              # left by the budget of 3
    items = "".join(f"<item><title>Story {i}</title><link>{site.url(f'/e/{i}')}</link><guid>e{i}</guid></item>"
                    for i in range(4))
    site.route("/feed", static(f"<rss version='2.0'><channel><title>Local</title>{items}</channel></rss>".encode(),
                               etag='"f"'))

    code, out, _ = cli(capsys, "run", site.url("/feed"), "--db", db, "--config", config, "--no-prefect")
    assert code == 0 and "4 new" in out
    assert "site rules  4 documents cleaned under a site rule: 4 keep_unmatched" in out
    host = f"127.0.0.1:{site.port}"
    assert "keep_unmatched (the keep selectors matched nothing, generic extraction; documents.site_rule): " \
           f"4 {host}\n" in out  # by host
    assert "revisits " not in out  # nothing was due yet

    edited.paragraphs[1] = "Paragraph 1 now says that the harbour vote was postponed until the autumn after objections."
    age(db, 2)
    code, out, _ = cli(capsys, "run", site.url("/feed"), "--db", db, "--config", config, "--no-prefect")
    assert code == 0
    line = next(x for x in out.splitlines() if x.startswith("  revisits "))
    assert line == ("  revisits    4 due, 3 done: 1 changed (new versions), 0 the same, 1 not modified (304), 1 failed; "
                    "1 left by the per-source budget")
    assert q(db, "SELECT revisits_due, revisits_done, revisits_changed, revisits_not_modified, revisits_failed, "
                 "revisits_skipped, revisits_dropped FROM runs WHERE run_id = 2") == [(4, 3, 1, 1, 1, 1, 0)]
    assert q(db, "SELECT last_outcome, next_slot FROM revisits ORDER BY origin") == [
        ("changed", 1), ("not_modified", 1), ("error:status_404", 1), (None, 0)]

    code, out, _ = cli(capsys, "status", "--db", db)
    assert code == 0  # a site rule that fell back is a warning, not a problem: exit 1 only with --strict
    assert "\nhealth     ok\nwarnings   site rules fell back to generic extraction (keep_unmatched) on 1 host(s)\n" in out
    assert cli(capsys, "status", "--db", db, "--strict")[0] == 1
    assert "revisits   4 pages scheduled, 1 due now; run 2: 4 due, 3 done: 1 changed (new versions), 0 the same, " \
           "1 not modified (304), 1 failed; 1 left by the per-source budget" in out
    assert "site rules keep_unmatched (the keep selectors matched nothing, generic extraction) in current documents " \
           f"of 1 host(s): {host} 4\n" in out
    code, out, _ = cli(capsys, "status", "--db", db, "--json")
    st = json.loads(out)
    assert st["revisits"]["scheduled"] == 4 and st["revisits"]["due_now"] == 1
    assert st["revisits"]["last_run"]["revisits_not_modified"] == 1 and st["revisits"]["last_run"]["run_id"] == 2
    assert st["site_rule_fallbacks"] == [{"host": host, "documents": 4}]
    assert st["problems"] == [] and st["warnings"] == [
        "site rules fell back to generic extraction (keep_unmatched) on 1 host(s)"]

    code, out, _ = cli(capsys, "sources", "list", "--db", db, "--format", "json")
    [source] = json.loads(out)
    assert (source["revisits_due"], source["revisits_scheduled"]) == (1, 4)

    html = (tmp_path / "r.html")
    assert cli(capsys, "report", "--db", db, "-o", str(html))[0] == 0
    text = html.read_text(encoding="utf-8")
    revisits = re.search(r'<table id="t-revisits">.*?</table>', text, re.S).group(0)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", revisits)
    assert cells[0] == "2" and cells[2:] == ["4", "3", "1", "0", "1", "1", "1", "0"]
    rules = re.search(r'<table id="t-site-rules">.*?</table>', text, re.S).group(0)
    assert re.findall(r"<td[^>]*>([^<]*)</td>", rules) == [host, "4"]

    # the page left by the budget is revisited by the next run; its run artifact says so
    summary = wiredesk.ingest([site.url("/feed")], db=db, config=config)
    assert (summary.counts.revisits_due, summary.counts.revisits_done, summary.counts.revisits_skipped) == (1, 1, 0)
    markdown = run_report_markdown(summary)
    assert "| revisits due | 1 |" in markdown and "| revisits done: the same | 1 |" in markdown
    assert "| revisits left by the per-source budget | 0 |" in markdown


def test_a_page_that_is_not_the_article_is_counted_in_the_summary_the_artifact_and_the_report(capsys, site, db, tmp_path):
    config = local_config(tmp_path)
    stub = (b"<html><head><title>Subscribe</title></head><body><h1>Subscribe to read</h1><p>This article is for "
            b"subscribers only. Subscribe now to continue reading.</p></body></html>")
    site.route("/p/0", static(stub, "text/html; charset=utf-8"))
    site.route("/p/1", static(article(1), "text/html; charset=utf-8"))
    items = "".join(f"<item><title>Story {i}</title><link>{site.url(f'/p/{i}')}</link><guid>p{i}</guid></item>"
                    for i in range(2))
    site.route("/feed", static(f"<rss version='2.0'><channel><title>Local</title>{items}</channel></rss>".encode()))
    code, out, _ = cli(capsys, "run", site.url("/feed"), "--db", db, "--config", config, "--no-prefect")
    assert code == 0 and "1 new" in out
    [(state,)] = q(db, "SELECT state FROM page_access WHERE state <> 'article'")
    assert f"  access      1 fetched pages not the article, not stored: 1 {state} (page_access; tried again later)" in out
    html = tmp_path / "r.html"
    assert cli(capsys, "report", "--db", db, "-o", str(html))[0] == 0
    table = re.search(r'<table id="t-sources">.*?</table>', html.read_text(encoding="utf-8"), re.S).group(0)
    assert f"<td>{state} 1</td>" in table


def test_a_due_page_without_a_current_document_is_taken_off_the_schedule_and_counted(site, db, tmp_path):
    config = local_config(tmp_path)
    for i in range(2):
        site.route(f"/a/{i}", static(page(FIRST), "text/html; charset=utf-8"))
    listing = url_listing(tmp_path, [site.url(f"/a/{i}") for i in range(2)])
    wiredesk.ingest([listing], db=db, config=config)
    gone = f"https://127.0.0.1:{site.port}/a/0"
    import duckdb
    con = duckdb.connect(str(db))  # the store edited past wiredesk: the page's document is no longer current
    con.execute("UPDATE documents SET is_current = false WHERE doc_key = ?", [gone])
    con.close()

    hits = len(site.hits("/a/0"))
    second = wiredesk.ingest([listing], db=db, config=config, clock=later(2))
    assert (second.counts.revisits_due, second.counts.revisits_done, second.counts.revisits_dropped) == (2, 1, 1)
    assert len(site.hits("/a/0")) == hits  # never fetched
    assert q(db, "SELECT next_due_at, last_outcome FROM revisits WHERE origin = ?", [gone]) == [(None, "no_document")]
    assert q(db, "SELECT origin FROM revisit_queue") == [(f"https://127.0.0.1:{site.port}/a/1",)]
    assert q(db, "SELECT revisits_dropped FROM runs WHERE run_id = 2") == [(1,)]
    third = wiredesk.ingest([listing], db=db, config=config, clock=later(7))  # the +6 h slot: only the other page
    assert (third.counts.revisits_due, third.counts.revisits_dropped) == (1, 0)


def test_a_database_from_before_the_revisit_queue_gets_its_pending_revisits_queued(site, db, tmp_path):
    from pathlib import Path

    from support.old_database import old_database
    from wiredesk.store.migrate import available_migrations

    config = local_config(tmp_path)
    for i in range(2):
        site.route(f"/a/{i}", static(article(i), "text/html; charset=utf-8"))
    listing = url_listing(tmp_path, [site.url(f"/a/{i}") for i in range(2)])
    written = tmp_path / "written.duckdb"
    wiredesk.ingest([listing], db=written, config=config)
    wiredesk.ingest([listing], db=written, config=config, clock=later(30))  # every slot of both pages done
    con_rows = q(written, "SELECT origin FROM revisits ORDER BY origin")
    assert len(con_rows) == 2

    before = next(m.version for m in available_migrations() if m.name == "revisit_queue") - 1
    filled = old_database(Path(db), before, written)
    assert "revisit_queue" not in filled
    import duckdb
    con = duckdb.connect(str(db))  # one page still had its first revisit to come when the old wiredesk stopped
    now = datetime.now(UTC)
    con.execute("UPDATE revisits SET next_slot = 0, next_due_at = ?, revisits_done = 0 WHERE origin = ?",
                [now + timedelta(hours=1), con_rows[0][0]])
    con.close()
    upgraded = wiredesk.ingest([listing], db=db, config=config, clock=later(2))  # migrates, then revisits it
    assert (upgraded.counts.revisits_due, upgraded.counts.revisits_done) == (1, 1)
    assert q(db, "SELECT q.origin, r.next_slot FROM revisit_queue q JOIN revisits r USING (origin)") == [(con_rows[0][0], 1)]
    assert q(db, "SELECT revisits_due, revisits_not_modified, revisits_failed, revisits_dropped FROM runs "
                 "WHERE run_id = 1") == [(0, 0, 0, 0)]


def test_a_store_whose_queue_copied_the_revisit_state_revisits_the_same_pages_with_the_same_outcomes(
        site, db, tmp_path):
    from pathlib import Path

    import duckdb

    from support.old_database import base_tables, old_database
    from wiredesk.store.migrate import available_migrations, migrate

    config = local_config(tmp_path)
    edited = EditablePage(FIRST)
    site.route("/p/0", edited)                                                      # changed
    site.route("/p/1", EditablePage([f"Other {p}" for p in FIRST]))                 # 304
    site.route("/p/2", static(page(FIRST[:3]), "text/html; charset=utf-8"))         # the same
    site.route("/p/3", gone_after_first(page(FIRST[1:])))                           # 404
    listing = url_listing(tmp_path, [site.url(f"/p/{i}") for i in range(4)])
    reference = tmp_path / "reference.duckdb"
    wiredesk.ingest([listing], db=reference, config=config)

    # the store as the wiredesk before this layout left it: the queue made by its migration, ten columns
    versions = {m.name: m.version for m in available_migrations()}
    old_database(Path(db), versions["revisit_queue"] - 1, reference)
    con = duckdb.connect(str(db))
    migrate(con, upto=versions["revisit_queue_one_copy"] - 1)
    assert {"next_slot", "etag", "fetch_url", "doc_key"} <= set(base_tables(con)["revisit_queue"])
    con.close()

    edited.paragraphs[1] = "Officials said on Wednesday that the vote had been postponed."
    clock = later(2)
    runs = [wiredesk.ingest([listing], db=path, config=config, clock=clock) for path in (reference, db)]
    assert [(r.counts.revisits_due, r.counts.revisits_done, r.counts.revisits_changed,
             r.counts.revisits_not_modified, r.counts.revisits_failed) for r in runs] == [(4, 4, 1, 1, 1)] * 2
    assert set(base_tables(duckdb.connect(str(db), read_only=True))["revisit_queue"]) == {
        "origin", "next_due_at", "source_id", "source", "document_id", "first_seen_at"}
    state = ("SELECT origin, next_slot, next_due_at, revisits_done, etag, last_outcome FROM revisits ORDER BY origin")
    queue = ("SELECT q.origin, q.next_due_at, q.source, d.doc_key, d.version FROM revisit_queue q "
             "JOIN documents d USING (document_id) WHERE d.is_current ORDER BY q.origin")
    for sql in (state, queue):
        assert q(db, sql) == q(reference, sql)
    assert sorted(o for _, _, _, _, _, o in q(db, state)) == ["changed", "error:status_404", "not_modified", "same"]
    assert len(q(db, queue)) == 4  # every page has its +6 h and +24 h slots to come, at its current version


def test_sources_list_shows_the_revisits_of_a_url_lists_pages_under_the_list_beside_the_followed_feeds(
        capsys, site, db, tmp_path):
    config = local_config(tmp_path)
    for i in range(3):
        site.route(f"/u/{i}", static(article(i), "text/html; charset=utf-8"))
    site.route("/f/0", static(article(7), "text/html; charset=utf-8"))
    site.route("/feed", static((f"<rss version='2.0'><channel><title>Local</title><item><title>F</title><link>"
                                f"{site.url('/f/0')}</link><guid>f0</guid></item></channel></rss>").encode()))
    listing = url_listing(tmp_path, [site.url(f"/u/{i}") for i in range(3)])
    other = url_listing(tmp_path, [site.url("/u/0")], name="again.jsonl")  # a page stored already: nothing new
    for inputs in ([str(listing)], [site.url("/feed")], [str(other)]):
        assert cli(capsys, "run", *inputs, "--db", db, "--config", config, "--no-prefect")[0] == 0

    def listed() -> dict[str, tuple]:
        code, out, _ = cli(capsys, "sources", "list", "--db", db, "--format", "json")
        assert code == 0
        return {r["name"]: (r["kind"], r["revisits_due"], r["revisits_scheduled"]) for r in json.loads(out)}

    [(path,)] = q(db, "SELECT DISTINCT source FROM revisits WHERE source_id IS NULL")
    assert path.endswith("urls.jsonl")
    feed = next(name for name in listed() if name != path)
    assert listed() == {feed: ("feed", 0, 1), path: ("url_list", 0, 3)}
    age(db, 2)
    assert listed() == {feed: ("feed", 1, 1), path: ("url_list", 3, 3)}
    code, out, _ = cli(capsys, "sources", "list", "--db", db, "--max-width", "0")
    assert code == 0 and re.search(rf"^{re.escape(path)}\s+NULL\s+url_list\s.*\s3\s+3$", out, re.M)
    age(db, 30)  # every slot passed: the run revisits each page once, and none is left to come
    assert cli(capsys, "run", str(listing), "--db", db, "--config", config, "--no-prefect")[0] == 0
    assert listed()[path] == ("url_list", 0, 0)
