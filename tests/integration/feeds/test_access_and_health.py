"""Access states and source health through the command line, a local server and the tables: a consent
wall or a bot check served with status 200 is never stored as the article, is recorded with the fetch and
tried again within the cap; a feed that stopped publishing is stalled, one whose pages shrank is degraded."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest


from support.localrun import cli
from support.localserver import static
from support.pages import article
from conftest import query as q

CONSENT_WALL = (b"<html><head><title>Story | The Ledger</title><script src='https://cdn.cookielaw.org/scripttemplates/"
                b"otSDKStub.js'></script></head><body><header><a href='/'>The Ledger</a></header><article><h1>Story</h1>"
                b"</article><div id='onetrust-consent-sdk'><div id='onetrust-banner-sdk'><h2>We value your privacy</h2>"
                b"<p>We and our partners store and/or access information on a device, such as cookies, for personalised "
                b"ads and content.</p><button>Manage Preferences</button><button>Accept All Cookies</button></div></div>"
                b"</body></html>")
CHALLENGE = (b"<html><head><title>Just a moment...</title></head><body><h2>Verifying you are human. This may take a "
             b"few seconds.</h2><noscript>Enable JavaScript and cookies to continue</noscript><script>window._cf_chl_opt"
             b"={cType: 'managed'};</script></body></html>")


def rss(server, ids, dates) -> bytes:
    items = "".join(f"<item><title>Story {i}</title><link>{server.url(f'/a/{i}')}</link><guid>s{i}</guid>"
                    f"<pubDate>{format_datetime(d, usegmt=True)}</pubDate></item>" for i, d in zip(ids, dates))
    return f"<rss version='2.0'><channel><title>Local</title>{items}</channel></rss>".encode()


def recent(n: int, start: int = 0) -> list[datetime]:
    now = datetime.now(UTC).replace(microsecond=0)
    return [now - timedelta(minutes=30 * (40 - start - k)) for k in range(n)]


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "wiredesk.toml"
    path.write_text('[http]\nallow_networks = ["127.0.0.1/32"]\nper_host_delay = 0\ntotal_timeout = 10\n'
                    f'[feeds]\nsources_file = "{tmp_path / "none.toml"}"\n[ingest]\nworkers = 1\nretry_attempts = 2\n')
    return str(path)


@pytest.fixture
def site(server):
    server.route("/robots.txt", static(b"User-agent: *\nAllow: /\n", "text/plain"))
    return server


def run(capsys, url, db, config):
    return cli(capsys, "run", url, "--db", db, "--config", config, "--no-prefect")


def listed(capsys, db, config) -> dict:
    code, out, _ = cli(capsys, "sources", "list", "--db", db, "--config", config, "--format", "json")
    assert code == 0
    return {row["name"]: row for row in json.loads(out)}


def test_consent_walls_and_challenges_are_not_stored_and_are_fetched_again_until_the_cap(capsys, site, db, config):
    site.route("/feed", static(rss(site, range(3), recent(3)), "application/rss+xml"))
    site.route("/a/0", static(article(0), "text/html; charset=utf-8"))
    site.route("/a/1", static(CONSENT_WALL, "text/html; charset=utf-8"))
    site.route("/a/2", static(CHALLENGE, "text/html; charset=utf-8"))
    url = site.url("/feed")
    code, out, _ = run(capsys, url, db, config)
    assert q(db, "SELECT count(*) FROM documents") == [(1,)]
    assert q(db, "SELECT count(*) FROM documents WHERE text ILIKE '%cookies%' OR text ILIKE '%human%'") == [(0,)]
    assert q(db, "SELECT stage, reason, attempts, retry_at IS NOT NULL FROM failures ORDER BY origin") == [
        ("access", "consent", 1, True), ("access", "blocked", 1, True)]
    states = q(db, "SELECT regexp_extract(origin, '/a/(\\d)', 1), state, reason IS NOT NULL, source_id FROM page_access "
                   "ORDER BY origin")
    assert states == [("0", "article", False, 1), ("1", "consent", True, 1), ("2", "blocked", True, 1)]
    # recorded beside the fetch of the same run
    assert q(db, "SELECT count(*) FROM page_access a JOIN fetches f ON f.run_id = a.run_id AND f.purpose = 'article' "
                 "AND f.url = replace(a.origin, 'https://', 'http://')") == [(3,)]
    row = next(iter(listed(capsys, db, config).values()))
    assert row["not_articles"] == "blocked 1, consent 1"
    code, out, _ = cli(capsys, "status", "--db", db, "--config", config)
    assert "access" in out and "blocked 1, consent 1" in out
    assert code == 0 and "warnings" not in out  # pages not articles: shown, never counted (retried later)
    assert cli(capsys, "status", "--db", db, "--config", config, "--strict")[0] == 0

    # the wall is gone at the next run: the page is fetched again and stored; the challenge stays
    site.route("/a/1", static(article(1), "text/html; charset=utf-8"))
    run(capsys, url, db, config)
    assert q(db, "SELECT count(*) FROM documents") == [(2,)]
    assert q(db, "SELECT reason, attempts, retry_at IS NULL FROM failures") == [("blocked", 2, True)]  # the cap (2)
    assert next(iter(listed(capsys, db, config).values()))["not_articles"] == "blocked 1"
    # past the cap it is not fetched again until its entry changes
    before = sum(1 for path, _ in site.requests if path == "/a/2")
    run(capsys, url, db, config)
    assert sum(1 for path, _ in site.requests if path == "/a/2") == before == 2


def test_a_feed_that_answers_but_stopped_publishing_is_stalled_with_its_figure(capsys, site, db, config):
    old = datetime.now(UTC).replace(microsecond=0) - timedelta(days=10)
    site.route("/feed", static(rss(site, range(6), [old + timedelta(hours=k) for k in range(6)]), "application/rss+xml"))
    for i in range(6):
        site.route(f"/a/{i}", static(article(i), "text/html; charset=utf-8"))
    run(capsys, site.url("/feed"), db, config)
    row = next(iter(listed(capsys, db, config).values()))
    assert row["health"] == "stalled"
    assert row["health_figure"].startswith("no new entry for 9.") and "usual gap 1.0 h" in row["health_figure"]
    code, out, _ = cli(capsys, "status", "--db", db, "--config", config)
    assert "stalled" in out and "usual gap 1.0 h" in out
    assert code == 0 and f"\nwarnings   1 stalled source(s): {row['name']}\n" in out  # a warning: exit 1 only with --strict
    assert cli(capsys, "status", "--db", db, "--config", config, "--strict")[0] == 1


def test_a_source_whose_pages_suddenly_extract_to_much_less_text_is_degraded(capsys, site, db, config):
    for i in range(12):
        site.route(f"/a/{i}", static(article(i) if i < 6 else article(i, repeat=1, paragraphs=1),
                                     "text/html; charset=utf-8"))
    site.route("/feed", static(rss(site, range(6), recent(6)), "application/rss+xml"))
    url = site.url("/feed")
    run(capsys, url, db, config)
    assert next(iter(listed(capsys, db, config).values()))["health"] == "ok"
    site.route("/feed", static(rss(site, range(12), recent(12)), "application/rss+xml"))  # a new layout: one paragraph
    run(capsys, url, db, config)
    assert q(db, "SELECT count(*) FROM documents") == [(12,)]
    row = next(iter(listed(capsys, db, config).values()))
    assert row["health"] == "degraded"
    assert "(median of the last 5 pages), was" in row["health_figure"]
    code, out, _ = cli(capsys, "status", "--db", db, "--config", config)
    assert "degraded" in out and "median of the last 5 pages" in out
    assert code == 0 and f"\nwarnings   1 degraded source(s): {row['name']}\n" in out
    assert cli(capsys, "status", "--db", db, "--config", config, "--strict")[0] == 1
