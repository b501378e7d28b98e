"""Revisits of pages fetched by URL and the revision diffs of the versions they store, through the Python API
(whose ``clock`` moves time forward instead of sleeping), the command line and the tables; the pages are
served on 127.0.0.1 and edited between runs."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest

import wiredesk

from support.localrun import cli, local_config, url_listing
from support.localserver import send, static
from support.pages import WORDS, article
from conftest import query as q

EDITED = "Officials said on Wednesday that the vote had been postponed until the autumn after objections."


def page(paragraphs: list[str]) -> bytes:
    paras = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>Harbour vote</title></head><body><article><h1>Harbour vote</h1>{paras}</article>"
            f"</body></html>").encode()


FIRST = [f"Paragraph {j}. {WORDS * 2}".strip() for j in range(4)]


class EditablePage:
    """A page whose paragraphs a test edits between runs; ETag = hash of the body, 304 when it matches."""

    def __init__(self, paragraphs: list[str]):
        self.paragraphs = list(paragraphs)

    def __call__(self, h) -> None:
        body = page(self.paragraphs)
        etag = '"%s"' % hashlib.sha256(body).hexdigest()[:16]
        if h.headers.get("If-None-Match") == etag:
            send(h, 304, b"", None, {"ETag": etag})
        else:
            send(h, 200, body, "text/html; charset=utf-8", {"ETag": etag})


def later(hours: float):
    at = datetime.now(UTC) + timedelta(hours=hours)
    return lambda: at


@pytest.fixture
def site(server):
    server.route("/robots.txt", static(b"User-agent: *\nAllow: /\n", "text/plain"))
    return server


def test_an_edited_feed_article_is_revisited_stored_as_a_new_version_and_its_changed_paragraph_shown(
        capsys, site, db, tmp_path):
    config = local_config(tmp_path)
    story = EditablePage(FIRST)
    site.route("/a/1", story)
    feed = (f"<rss version='2.0'><channel><title>Local</title><item><title>Harbour vote</title>"
            f"<link>{site.url('/a/1')}</link><guid>h1</guid></item></channel></rss>").encode()
    site.route("/feed", static(feed, etag='"f1"'))
    url = f"https://127.0.0.1:{site.port}/a/1"

    first = wiredesk.ingest([site.url("/feed")], db=db, config=config)
    assert first.counts.documents_new == 1 and first.counts.revisits_due == 0
    [(slot, due, seen, source)] = q(db, "SELECT next_slot, next_due_at, first_seen_at, source FROM revisits")
    assert slot == 0 and due - seen == timedelta(hours=1) and source == "127.0.0.1/feed"

    story.paragraphs[2] = f"Paragraph 2. {EDITED} {WORDS}".strip()  # the outlet edits one paragraph and adds one
    story.paragraphs.append("A correction was appended: an earlier version misstated the date of the vote.")
    second = wiredesk.ingest([site.url("/feed")], db=db, config=config, clock=later(2))
    assert (second.counts.revisits_due, second.counts.revisits_done, second.counts.revisits_changed) == (1, 1, 1)
    assert second.counts.documents_updated == 1
    assert site.hits("/a/1")[-1].get("if-none-match")  # a conditional GET with the stored validator
    assert q(db, "SELECT version, is_current FROM documents WHERE doc_key = ? ORDER BY version", [url]) == [
        (1, False), (2, True)]
    assert q(db, "SELECT revisits_due, revisits_done, revisits_changed, revisits_skipped FROM runs WHERE run_id = 2") \
        == [(1, 1, 1, 0)]
    assert q(db, "SELECT next_slot, revisits_done, last_outcome FROM revisits") == [(1, 1, "changed")]
    rows = q(db, "SELECT version, change, old_text, new_text FROM document_revisions WHERE url = ? "
                 "ORDER BY change", [url])
    assert [(v, c) for v, c, *_ in rows] == [(2, "added"), (2, "changed")]
    changed = rows[1]
    assert changed[2] == FIRST[2] and changed[3] == story.paragraphs[2]
    assert rows[0][3] == story.paragraphs[4] and rows[0][2] is None

    code, out, _ = cli(capsys, "revisions", site.url("/a/1"), "--db", db)
    assert code == 0
    assert "version 2" in out and "1 added, 0 removed, 1 changed" in out
    assert "Paragraph 2. Officials said on Wednesday" in out and "- Paragraph 2. The council met" in out
    code, out, _ = cli(capsys, "revisions", url, "--db", db, "--json")
    data = json.loads(out)
    assert [v["version"] for v in data["versions"]] == [1, 2]
    change = next(c for c in data["versions"][1]["changes"] if c["change"] == "changed")
    assert change["old_text"] == FIRST[2] and change["new_text"] == story.paragraphs[2] and change["similarity"] >= 0.5

    hits = len(site.hits("/a/1"))
    third = wiredesk.ingest([site.url("/feed")], db=db, config=config, clock=later(2.5))  # the same slot
    assert third.counts.revisits_due == 0 and len(site.hits("/a/1")) == hits  # not fetched again
    assert q(db, "SELECT count(*) FROM documents WHERE doc_key = ?", [url]) == [(2,)]


def test_a_page_not_modified_answers_304_is_recorded_as_checked_and_each_slot_is_revisited_once(site, db, tmp_path):
    config = local_config(tmp_path)
    site.route("/a/7", static(article(7), "text/html; charset=utf-8", etag='"p7"'))
    listing = url_listing(tmp_path, [site.url("/a/7")])
    wiredesk.ingest([listing], db=db, config=config)

    second = wiredesk.ingest([listing], db=db, config=config, clock=later(2))
    assert (second.counts.revisits_done, second.counts.revisits_changed) == (1, 0)
    assert site.hits("/a/7")[-1].get("if-none-match") == '"p7"'
    assert q(db, "SELECT status FROM fetches WHERE run_id = 2 AND purpose = 'article'") == [(304,)]
    assert q(db, "SELECT next_slot, revisits_done, last_outcome, source FROM revisits") == [
        (1, 1, "not_modified", str(listing))]
    # a run 7 h after first seen revisits once for the +6 h slot, then nothing is due until +24 h
    wiredesk.ingest([listing], db=db, config=config, clock=later(7))
    fourth = wiredesk.ingest([listing], db=db, config=config, clock=later(7))
    assert fourth.counts.revisits_due == 0
    assert q(db, "SELECT next_slot, revisits_done FROM revisits") == [(2, 2)]
    assert len(site.hits("/a/7")) == 3
    assert q(db, "SELECT count(*) FROM documents") == [(1,)]


def test_the_per_source_budget_leaves_the_rest_due_for_the_next_run_and_no_revisits_turns_them_off(
        capsys, site, db, tmp_path):
    config = local_config(tmp_path, "[revisits]\nbudget_per_source = 2\n")
    off = local_config(tmp_path, "[revisits]\nenabled = false\n", name="off.toml")
    for i in range(3):
        site.route(f"/a/{i}", static(article(i), "text/html; charset=utf-8"))
    listing = url_listing(tmp_path, [site.url(f"/a/{i}") for i in range(3)])
    wiredesk.ingest([listing], db=db, config=config)

    skipped = wiredesk.ingest([listing], db=db, config=off, clock=later(2))  # [revisits] enabled = false
    assert skipped.counts.revisits_due == 0 and q(db, "SELECT sum(revisits_done) FROM revisits") == [(0,)]
    code, out, _ = cli(capsys, "run", str(listing), "--no-revisits", "--db", db, "--config", config, "--no-prefect")
    assert code == 0 and "revisits" not in out

    cut = wiredesk.ingest([listing], db=db, config=config, clock=later(2))
    assert (cut.counts.revisits_due, cut.counts.revisits_done, cut.counts.revisits_skipped) == (3, 2, 1)
    rest = wiredesk.ingest([listing], db=db, config=config, clock=later(2))
    assert (rest.counts.revisits_due, rest.counts.revisits_done, rest.counts.revisits_skipped) == (1, 1, 0)
    assert q(db, "SELECT count(*) FROM revisits WHERE next_slot = 1 AND last_outcome = 'same'") == [(3,)]
    assert q(db, "SELECT sum(revisits_skipped) FROM runs") == [(1,)]


def test_revisions_of_an_unknown_url_say_so(capsys, site, db, tmp_path):
    config = local_config(tmp_path)
    site.route("/a/3", static(article(3), "text/html; charset=utf-8"))
    listing = url_listing(tmp_path, [site.url("/a/3")])
    wiredesk.ingest([listing], db=db, config=config)
    code, out, err = cli(capsys, "revisions", "https://example.org/nothing", "--db", db)
    assert code == 2 and "no document at https://example.org/nothing" in err
    code, out, _ = cli(capsys, "revisions", site.url("/a/3"), "--db", db)
    assert code == 0 and "1 version" in out and "first version" in out


def test_a_database_from_before_revision_diffs_gets_the_changes_of_its_stored_versions(site, db, tmp_path):
    from pathlib import Path

    from support.old_database import old_database
    from wiredesk.store.migrate import available_migrations

    config = local_config(tmp_path)
    story = tmp_path / "in" / "story.html"
    story.parent.mkdir()
    story.write_bytes(page(FIRST))
    written = tmp_path / "written.duckdb"
    wiredesk.ingest([story], db=written, config=config)
    story.write_bytes(page([*FIRST[:3], "Paragraph 3 was rewritten from scratch, with nothing left of the old one."]))
    wiredesk.ingest([story], db=written, config=config)  # a file edited: version 2, its change stored
    expected = q(written, "SELECT version, change, old_text, new_text FROM document_revisions ORDER BY change")
    assert [c for _, c, *_ in expected] == ["added", "removed"]

    before = next(m.version for m in available_migrations() if m.name == "revisits") - 1
    old_database(Path(db), before, written)  # the same rows as a wiredesk before revision diffs left them
    upgraded = wiredesk.ingest([story], db=db, config=config)  # migrates, then finds nothing new
    assert upgraded.counts.documents_new == 0
    assert q(db, "SELECT version, change, old_text, new_text FROM document_revisions ORDER BY change") == expected
