"""Per-site extraction rules through the command line and the tables: a page whose body generic extraction
cuts to its first paragraph comes out whole under a rule of its host, for URL lists, feed articles and files
alike; a rule is part of its host's documents' cleaner version, so a changed rule re-derives exactly those
documents; a bad selector stops the command at start-up with the host and the selector named."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest


from support.localrun import cli, local_config
from support.localserver import static
from support.pages import SPLIT_PARAGRAPHS, article, split_article
from conftest import query as q

RULE = '[site_rules."127.0.0.1"]\nkeep = ["article"]\ndrop = [".newsletter-box"]\n'


@pytest.fixture
def site(server):
    server.route("/robots.txt", static(b"User-agent: *\nAllow: /\n", "text/plain"))
    for i in range(2):
        server.route(f"/s/{i}", static(split_article(f"Harbour story {i}"), "text/html; charset=utf-8"))
    return server


def body_paragraphs(db, doc_key) -> list[str]:
    return [r[0] for r in q(db, "SELECT p.text FROM paragraphs p JOIN documents d USING (document_id) "
                                "WHERE d.doc_key = ? AND d.is_current AND p.role = 'body' ORDER BY p.position", [doc_key])]


def test_generic_extraction_keeps_one_paragraph_of_the_split_page_and_the_rule_keeps_all(capsys, site, db, tmp_path):
    listing = tmp_path / "urls.csv"
    listing.write_text("url\n" + site.url("/s/0") + "\n")
    plain_db = str(tmp_path / "plain.duckdb")
    code, out, _ = cli(capsys, "run", str(listing), "--db", plain_db, "--config", local_config(tmp_path), "--no-prefect")
    assert code == 0 and "1 new" in out
    (doc_key,) = q(plain_db, "SELECT doc_key FROM documents")[0]
    assert body_paragraphs(plain_db, doc_key) == [SPLIT_PARAGRAPHS[0]]  # trafilatura drops the hide-mobile parts
    assert q(plain_db, "SELECT site_rule FROM documents") == [(None,)]

    (tmp_path / "ruled").mkdir()
    code, out, _ = cli(capsys, "run", str(listing), "--db", db, "--config", local_config(tmp_path / "ruled", RULE),
                       "--no-prefect")
    assert code == 0 and "site rules  1 documents cleaned under a site rule: 1 keep" in out
    assert body_paragraphs(db, doc_key) == list(SPLIT_PARAGRAPHS)  # all four, and not the dropped newsletter box
    ((cleaner, outcome, title),) = q(db, "SELECT cleaner, site_rule, title FROM documents")
    assert outcome == "keep" and title == "Harbour story 0"  # metadata still read from the page
    assert "+site/127.0.0.1@" in cleaner and cleaner.startswith(q(plain_db, "SELECT cleaner FROM documents")[0][0])


def test_without_the_drop_selector_the_newsletter_box_is_kept_with_the_article(capsys, site, db, tmp_path):
    listing = tmp_path / "urls.csv"
    listing.write_text("url\n" + site.url("/s/0") + "\n")
    config = local_config(tmp_path, '[site_rules."127.0.0.1"]\nkeep = ["article"]\n')
    assert cli(capsys, "run", str(listing), "--db", db, "--config", config, "--no-prefect")[0] == 0
    texts = [r[0] for r in q(db, "SELECT text FROM paragraphs ORDER BY position")]
    assert any("sign up for our free newsletter" in t for t in texts)
    assert all(p in texts for p in SPLIT_PARAGRAPHS)


def test_feed_articles_are_cleaned_under_the_rule_of_their_host(capsys, site, db, tmp_path):
    now = datetime.now(UTC)
    items = "".join(f"<item><title>Harbour story {i}</title><link>{site.url(f'/s/{i}')}</link><guid>h{i}</guid>"
                    f"<pubDate>{format_datetime(now, usegmt=True)}</pubDate></item>" for i in range(2))
    site.route("/feed.xml", static(f"<rss version='2.0'><channel><title>Courier</title>{items}</channel></rss>".encode(),
                                   "application/rss+xml"))
    code, out, _ = cli(capsys, "run", site.url("/feed.xml"), "--db", db, "--config", local_config(tmp_path, RULE),
                       "--no-prefect")
    assert code == 0 and "2 new" in out
    assert q(db, "SELECT site_rule, count(*) FROM documents GROUP BY ALL") == [("keep", 2)]
    assert q(db, "SELECT count(*) FROM paragraphs WHERE role = 'body'") == [(8,)]


def test_a_keep_selector_that_matches_nothing_falls_back_to_generic_extraction_and_says_so(capsys, site, db, tmp_path):
    listing = tmp_path / "urls.csv"
    listing.write_text("url\n" + site.url("/s/0") + "\n")
    config = local_config(tmp_path, '[site_rules."127.0.0.1"]\nkeep = ["div.story-text"]\n')
    code, out, _ = cli(capsys, "run", str(listing), "--db", db, "--config", config, "--no-prefect")
    assert code == 0 and "1 new" in out
    assert "site rules  1 documents cleaned under a site rule: 1 keep_unmatched" in out
    assert "keep_unmatched (the keep selectors matched nothing, generic extraction; documents.site_rule): " \
           "1 127.0.0.1" in out  # by host
    assert q(db, "SELECT site_rule, text FROM documents") == [("keep_unmatched", SPLIT_PARAGRAPHS[0])]


@pytest.mark.parametrize("rule, named", [
    ('[site_rules."news.example.com"]\nkeep = ["article", "div[class="]\n', ['site_rules."news.example.com".keep', "'div[class='"]),
    ('[site_rules."example.com"]\ndrop = ["p::before"]\n', ['site_rules."example.com".drop', "'p::before'"]),
    ('[site_rules."https://example.com/"]\nkeep = ["article"]\n', ["'https://example.com/' is not a host name"]),
    ('[site_rules."example.com"]\nkeep = "article"\n', ["keep must be a list of CSS selectors"]),
    ('[site_rules."example.com"]\nselect = ["article"]\n', ["unknown key(s) ['select']"]),
])
def test_a_bad_rule_stops_the_run_at_start_up_naming_the_host_and_the_selector(capsys, db, tmp_path, rule, named):
    (tmp_path / "a.txt").write_text("Some text that would be ingested. " * 5)
    code, out, err = cli(capsys, "run", str(tmp_path / "a.txt"), "--db", db, "--config", local_config(tmp_path, rule),
                         "--no-prefect")
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert all(n in err for n in named), err
    assert not Path(db).exists()  # stopped before anything was opened


# -- lineage: a changed rule re-derives exactly its host's documents ----------------------------------------


def write_pages(folder, hosts: dict[str, str]) -> None:
    """The split page for the courier's hosts, other stories for the gazette (no text in common)."""
    folder.mkdir(exist_ok=True)
    for i, (name, url) in enumerate(hosts.items()):
        page = split_article(f"Harbour story {name}") if "courier" in url else article(i, paragraphs=4)
        (folder / f"{name}.html").write_bytes(page)
        (folder / f"{name}.html.meta.json").write_text(json.dumps({"url": url}))


HOSTS = {"a1": "https://news.courier.example/a1", "a2": "https://www.courier.example/a2",
         "b1": "https://gazette.example/b1", "b2": "https://gazette.example/b2"}


def rule_config(tmp_path, courier: str) -> str:
    return local_config(tmp_path, '[site_rules."courier.example"]\n' + courier +
                        '[site_rules."gazette.example"]\nkeep = ["article"]\ndrop = [".newsletter-box"]\n')


def test_reprocess_outdated_rederives_exactly_the_documents_whose_rule_changed(capsys, db, tmp_path):
    write_pages(tmp_path / "in", HOSTS)
    config = rule_config(tmp_path, 'keep = ["article"]\n')
    assert cli(capsys, "run", str(tmp_path / "in"), "--db", db, "--config", config, "--no-prefect")[0] == 0
    before = dict(q(db, "SELECT doc_key, cleaner FROM documents"))
    assert before[HOSTS["a1"]] == before[HOSTS["a2"]] != before[HOSTS["b1"]] == before[HOSTS["b2"]]
    # the courier rule loses its drop-less keep: the newsletter box was body, now it is dropped
    assert any("newsletter" in t for t in (r[0] for r in q(db, "SELECT text FROM documents WHERE host LIKE '%courier%'")))

    config = rule_config(tmp_path, 'keep = ["article"]\ndrop = [".newsletter-box"]\n')
    code, out, _ = cli(capsys, "reprocess", "--outdated", "--db", db, "--config", config)
    assert code == 0 and "outdated documents" in out and "2 re-derived, 2 changed: 2 text" in out
    run_id = q(db, "SELECT max(run_id) FROM runs WHERE kind = 'reprocess'")[0][0]
    changed = {r[0] for r in q(db, "SELECT d.doc_key FROM reprocess_changes c JOIN documents d USING (document_id) "
                                    "WHERE c.run_id = ?", [run_id])}
    assert changed == {HOSTS["a1"], HOSTS["a2"]}
    rows = {r[0]: r[1:] for r in q(db, "SELECT doc_key, cleaner, derived_run_id, text FROM documents")}
    for key in ("a1", "a2"):
        cleaner, derived, text = rows[HOSTS[key]]
        assert cleaner != before[HOSTS[key]] and derived == run_id and "newsletter" not in text
    for key in ("b1", "b2"):
        cleaner, derived, _ = rows[HOSTS[key]]
        assert cleaner == before[HOSTS[key]] and derived == 1  # not touched

    # nothing is outdated any more: a second pass reads nothing
    code, out, _ = cli(capsys, "reprocess", "--outdated", "--db", db, "--config", config)
    assert code == 0 and "0 re-derived, 0 changed" in out

    # removing the courier rule makes its documents outdated again, and them only: back to generic extraction
    config = local_config(tmp_path, '[site_rules."gazette.example"]\nkeep = ["article"]\ndrop = [".newsletter-box"]\n')
    code, out, _ = cli(capsys, "reprocess", "--outdated", "--dry-run", "--db", db, "--config", config)
    assert code == 0 and "2 re-derived, 2 changed" in out
    code, out, _ = cli(capsys, "reprocess", "--db", db, "--config", config)  # a full reprocess: same two change
    assert code == 0 and "4 re-derived, 2 changed: 2 text" in out
    assert q(db, "SELECT doc_key, site_rule FROM documents WHERE host LIKE '%courier%' ORDER BY 1") == [
        (HOSTS["a1"], None), (HOSTS["a2"], None)]
    assert q(db, "SELECT count(*) FROM paragraphs p JOIN documents d USING (document_id) "
                 "WHERE d.host LIKE '%courier%' AND p.role = 'body'") == [(2,)]


def test_outdated_needs_the_clean_stage(capsys, db, tmp_path):
    write_pages(tmp_path / "in", {"a1": HOSTS["a1"]})
    config = rule_config(tmp_path, 'keep = ["article"]\n')
    assert cli(capsys, "run", str(tmp_path / "in"), "--db", db, "--config", config, "--no-prefect")[0] == 0
    code, _, err = cli(capsys, "reprocess", "--outdated", "--stage", "dedup", "--db", db, "--config", config)
    assert code == 2 and "--outdated" in err and "--stage clean" in err
