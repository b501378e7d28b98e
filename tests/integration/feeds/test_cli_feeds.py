"""Feeds through the command line and the database: `wiredesk run URL`, `wiredesk sources ...`."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest

from wiredesk.cli import main

from support.localrun import cli
from support.localserver import static
from support.pages import article
from conftest import SEEDS
from conftest import query as q


def rss(server, ids, prefix="/a/") -> bytes:
    items = "".join(f"<item><title>Story {i}</title><link>{server.url(f'{prefix}{i}')}?utm_source=rss</link>"
                    f"<guid>s{i}</guid><pubDate>Tue, 31 Dec 2019 1{i % 10}:00:00 GMT</pubDate></item>" for i in ids)
    return f"<rss version='2.0'><channel><title>Local</title>{items}</channel></rss>".encode()


@pytest.fixture
def news(server):
    server.route("/robots.txt", static(b"User-agent: *\nAllow: /\n", "text/plain"))
    server.route("/feed", static(rss(server, range(3)), etag='"v1"'))
    for i in range(5):
        server.route(f"/a/{i}", static(article(i), "text/html; charset=utf-8"))
    return server


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "wiredesk.toml"
    path.write_text('[http]\nallow_networks = ["127.0.0.1/32"]\nper_host_delay = 0\ntotal_timeout = 10\n'
                    f'[feeds]\nsources_file = "{tmp_path / "none.toml"}"\n[ingest]\nworkers = 1\n')
    return str(path)


def test_second_run_of_a_feed_is_one_304_and_no_new_documents(capsys, news, db, config):
    url = news.url("/feed")
    code, out, _ = cli(capsys, "run", url, "--db", db, "--config", config, "--no-prefect")
    assert code == 0 and "3 new, 0 updated" in out
    assert q(db, "SELECT count(*) FROM documents") == [(3,)]
    # documents are keyed by the canonical URL: no ?utm_source, https
    assert q(db, "SELECT count(*) FROM documents WHERE doc_key LIKE 'https://127.0.0.1:%/a/%' AND doc_key NOT LIKE '%utm%'") == [(3,)]
    assert q(db, "SELECT etag, consecutive_failures FROM sources") == [('"v1"', 0)]
    assert q(db, "SELECT count(*) FROM raw_pages") == [(3,)]

    code, out, _ = cli(capsys, "run", url, "--db", db, "--config", config, "--no-prefect")
    assert code == 0 and "0 new, 0 updated" in out
    assert q(db, "SELECT purpose, status FROM fetches WHERE run_id = 2") == [("feed", 304)]
    assert sum(1 for path, _ in news.requests if path.startswith("/a/")) == 3  # no article downloaded twice


def test_new_entries_cost_only_their_own_articles(capsys, news, db, config):
    url = news.url("/feed")
    cli(capsys, "run", url, "--db", db, "--config", config, "--no-prefect")
    news.route("/feed", static(rss(news, range(5)), etag='"v2"'))
    code, out, _ = cli(capsys, "run", url, "--db", db, "--config", config, "--no-prefect")
    assert code == 0 and "2 new, 0 updated" in out
    assert q(db, "SELECT count(*) FROM fetches WHERE run_id = 2 AND purpose = 'article'") == [(2,)]
    assert q(db, "SELECT count(DISTINCT doc_key) FROM feed_entries") == [(5,)]


def test_a_broken_feed_costs_one_failure_and_shows_in_sources_list(capsys, news, db, config):
    news.route("/broken", static(b"<rss><channel><item><title>x", "application/rss+xml", status=500))
    code, out, _ = cli(capsys, "run", news.url("/broken"), news.url("/feed"), "--db", db, "--config", config, "--no-prefect")
    assert code == 0 and "3 new" in out
    assert q(db, "SELECT stage, reason FROM failures") == [("fetch", "status")]
    code, out, _ = cli(capsys, "sources", "list", "--db", db, "--format", "csv")
    lines = sorted(out.strip().splitlines()[1:])
    assert lines[0].startswith("127.0.0.1/broken,,feed,failing,1,500,")
    assert lines[1].startswith("127.0.0.1/feed,Local,feed,ok,0,200,")  # with the feed's own title


def test_refused_address_is_logged_with_its_reason(capsys, news, db, tmp_path):
    strict = tmp_path / "strict.toml"
    strict.write_text("[http]\nper_host_delay = 0\n")  # no allow-list: 127.0.0.1 is refused
    cli(capsys, "run", news.url("/feed"), "--db", db, "--config", str(strict), "--no-prefect")
    assert q(db, "SELECT purpose, status, error FROM fetches") == [("feed", None, "blocked_address")]
    assert news.requests == []


def test_run_with_no_paths_fetches_due_sources_and_seeds(capsys, news, db, config, seeds, monkeypatch):
    monkeypatch.chdir(seeds.parent)
    code, out, _ = cli(capsys, "sources", "add", news.url("/feed"), "--name", "local", "--db", db)
    assert code == 0 and "added source 1: local" in out
    code, out, _ = cli(capsys, "run", "--db", db, "--config", config, "--no-prefect")
    assert code == 0 and "5 new" in out  # 2 seed files + 3 articles
    code, out, _ = cli(capsys, "run", "--db", db, "--config", config, "--no-prefect")
    assert "0 new" in out
    assert q(db, "SELECT count(*) FROM fetches WHERE run_id = 2") == [(0,)]  # not due yet: no request at all


def test_sources_add_list_remove_and_opml_round_trip(capsys, db, tmp_path):
    assert cli(capsys, "sources", "add", "https://a.example/rss", "--tag", "world", "--interval", "2h", "--db", db)[0] == 0
    code, _, err = cli(capsys, "sources", "add", "https://a.example/rss", "--db", db)
    assert code == 2 and "already exists" in err
    code, _, err = cli(capsys, "sources", "add", "ftp://a.example/rss", "--db", db)
    assert code == 2 and "url" in err
    opml = tmp_path / "subs.opml"
    assert cli(capsys, "sources", "export-opml", "-o", str(opml), "--db", db)[0] == 0
    assert cli(capsys, "sources", "remove", "a.example/rss", "--db", db)[0] == 0
    assert q(db, "SELECT count(*) FROM sources") == [(0,)]
    code, out, _ = cli(capsys, "sources", "import-opml", str(opml), "--db", db)
    assert code == 0 and "imported 1 sources" in out
    assert q(db, "SELECT url, tags, added_by FROM sources") == [("https://a.example/rss", ["world"], "opml")]
    code, _, err = cli(capsys, "sources", "remove", "nope", "--db", db)
    assert code == 2 and "no source" in err


def test_edited_article_becomes_a_new_version_of_the_same_document(capsys, news, db, config):
    url = news.url("/feed")
    cli(capsys, "run", url, "--db", db, "--config", config, "--no-prefect")
    edited = rss(news, range(3)).replace(b"<title>Story 1</title>", b"<title>Story 1 (updated)</title>")
    news.route("/feed", static(edited, etag='"v2"'))
    news.route("/a/1", static(article(1).replace(b"paragraph 0.", b"paragraph 0, corrected."), "text/html"))
    code, out, _ = cli(capsys, "run", url, "--db", db, "--config", config, "--no-prefect")
    assert code == 0 and "0 new, 1 updated" in out
    assert q(db, "SELECT version, is_current FROM documents WHERE doc_key LIKE '%/a/1' ORDER BY version") == [
        (1, False), (2, True)]
    assert q(db, "SELECT count(*) FROM fetches WHERE run_id = 2 AND purpose = 'article'") == [(1,)]


def test_sources_file_is_synced_and_dropped_entries_are_removed(capsys, news, db, tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "local"\nurl = "{news.url("/feed")}"\n'
                       f'[[source]]\nname = "other"\nurl = "{news.url("/other")}"\nenabled = false\n')
    cfg = tmp_path / "w.toml"
    cfg.write_text(f'[http]\nallow_networks = ["127.0.0.1/32"]\nper_host_delay = 0\n'
                   f'[feeds]\nsources_file = "{sources}"\n[ingest]\nworkers = 1\n')
    code, out, _ = cli(capsys, "run", news.url("/feed"), "--db", db, "--config", str(cfg), "--no-prefect")
    assert code == 0 and "3 new" in out
    assert q(db, "SELECT name, enabled, added_by FROM sources ORDER BY name") == [
        ("local", True, "config"), ("other", False, "config")]
    sources.write_text(f'[[source]]\nname = "local"\nurl = "{news.url("/feed")}"\n')
    cli(capsys, "run", news.url("/feed"), "--db", db, "--config", str(cfg), "--no-prefect")
    assert q(db, "SELECT name FROM sources") == [("local",)]


@pytest.mark.parametrize("action", ["add", "list", "remove", "import-opml", "export-opml"])
def test_every_sources_action_has_help(capsys, action):
    with pytest.raises(SystemExit) as exit_:
        main(["sources", action, "--help"])
    assert exit_.value.code == 0 and f"usage: wiredesk sources {action}" in capsys.readouterr().out


def test_feed_run_through_the_prefect_flow(prefect_harness, capsys, news, db, config):
    code, out, err = cli(capsys, "run", news.url("/feed"), "--db", db, "--config", config)
    assert code == 0, err
    assert "documents   3 new" in out


def test_feed_articles_get_their_events_extracted(capsys, server, db, config):

    seed = (SEEDS / "ap-yahoo-2019-12-31-baghdad-embassy.txt").read_text()
    paras = "".join(f"<p>{p}</p>" for p in seed.split("\n\n") if p.strip() and not p.startswith("---"))
    server.route("/robots.txt", static(b"", "text/plain", status=404))
    server.route("/ap", static(f"<html lang=\"en\"><body><article>{paras}</article></body></html>".encode(), "text/html"))
    feed = (f"<rss version='2.0'><channel><item><title>Embassy</title><link>{server.url('/ap')}</link>"
            "<pubDate>Tue, 31 Dec 2019 12:00:00 GMT</pubDate></item></channel></rss>")
    server.route("/feed", static(feed.encode()))
    code, out, err = cli(capsys, "run", server.url("/feed"), "--db", db, "--config", config, "--no-prefect")
    assert code == 0 and "1 new" in out, err
    assert q(db, "SELECT count(*) > 0 FROM event_mentions") == [(True,)]


def _channel(title: str, link: str, items: bytes = b"") -> bytes:
    return (f"<rss version='2.0'><channel><title>{title}</title><link>{link}</link>".encode() + items
            + b"</channel></rss>")


def test_sources_keep_the_feeds_title_and_site_and_follow_their_changes(capsys, server, db, config):
    server.route("/feed", static(_channel("Harbour Gazette", "https://gazette.example/")))
    url = server.url("/feed")
    assert cli(capsys, "run", url, "--db", db, "--config", config, "--no-prefect")[0] == 0
    code, out, _ = cli(capsys, "sources", "list", "--db", db, "--format", "jsonl")
    (row,) = map(json.loads, out.splitlines())
    assert code == 0 and (row["title"], row["site_url"], row["url"]) == ("Harbour Gazette", "https://gazette.example/", url)
    # the feed is renamed and moves its site: the next fetch follows; a feed that drops them keeps what was known
    server.route("/feed", static(_channel("The Harbour Gazette", "https://harbour-gazette.example/news")))
    cli(capsys, "run", url, "--db", db, "--config", config, "--no-prefect")
    assert q(db, "SELECT title, site_url FROM sources") == [("The Harbour Gazette", "https://harbour-gazette.example/news")]
    server.route("/feed", static(b"<rss version='2.0'><channel></channel></rss>", etag='"x"'))
    cli(capsys, "run", url, "--db", db, "--config", config, "--no-prefect")
    assert q(db, "SELECT title, site_url FROM sources") == [("The Harbour Gazette", "https://harbour-gazette.example/news")]
    # a site that is not an http(s) address is not kept (it would be written into OPML exports)
    server.route("/feed", static(_channel("Gazette", "javascript:alert(1)"), etag='"y"'))
    cli(capsys, "run", url, "--db", db, "--config", config, "--no-prefect")
    assert q(db, "SELECT title, site_url FROM sources") == [("Gazette", "https://harbour-gazette.example/news")]
    code, out, _ = cli(capsys, "sources", "list", "--db", db)
    assert code == 0 and out.splitlines()[0].split()[:2] == ["name", "title"] and "Gazette" in out


def test_opml_export_writes_the_feeds_title_and_site_and_import_keeps_them(capsys, server, db, config, tmp_path):
    server.route("/feed", static(_channel("Harbour Gazette", "https://gazette.example/")))
    cli(capsys, "run", server.url("/feed"), "--db", db, "--config", config, "--no-prefect")
    opml = tmp_path / "subs.opml"
    assert cli(capsys, "sources", "export-opml", "-o", str(opml), "--db", db)[0] == 0
    (outline,) = [o for o in ElementTree.parse(opml).iter("outline") if o.get("xmlUrl")]
    assert (outline.get("title"), outline.get("htmlUrl"), outline.get("xmlUrl")) == (
        "Harbour Gazette", "https://gazette.example/", server.url("/feed"))
    # into a fresh database: known before any fetch, and out again the same
    fresh = str(tmp_path / "fresh.duckdb")
    assert cli(capsys, "sources", "import-opml", str(opml), "--db", fresh)[0] == 0
    assert q(fresh, "SELECT name, title, site_url FROM sources") == [
        ("Harbour Gazette", "Harbour Gazette", "https://gazette.example/")]
    again = tmp_path / "again.opml"
    assert cli(capsys, "sources", "export-opml", "-o", str(again), "--db", fresh)[0] == 0
    (outline2,) = [o for o in ElementTree.parse(again).iter("outline") if o.get("xmlUrl")]
    assert outline2.attrib == outline.attrib
