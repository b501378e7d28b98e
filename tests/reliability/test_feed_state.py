"""Source state never runs ahead of the data it describes, beyond crashes: an article that could not be
fetched must be fetched by a later run even when the feed itself has not changed."""

from __future__ import annotations

import duckdb

from wiredesk import cli

from .invariants import check_database
from .workload import FeedServer, write_config


def _feed(server: FeedServer, n: int) -> None:
    items = []
    for i in range(n):
        path = f"/a/{i}.html"
        server.routes[path] = ("text/html", (
            f"<html><head><title>Story {i}</title></head><body><article><h1>Story {i}</h1>"
            f"<p>Protesters stormed the embassy compound in Baghdad on Tuesday, story {i} of the local wire said.</p>"
            f"<p>The militia supporters left the compound on Wednesday after the government asked them to.</p>"
            f"</article></body></html>").encode())
        items.append(f"<item><title>Story {i}</title><link>{server.url(path)}</link><guid>s{i}</guid></item>")
    server.routes["/feed.xml"] = ("application/rss+xml", (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Wire</title><link>http://x/</link>"
        f"<description>d</description>{''.join(items)}</channel></rss>").encode())
    server.etags["/feed.xml"] = '"v1"'


def test_an_article_that_failed_once_is_stored_by_the_next_run_although_the_feed_is_unchanged(tmp_path):
    server = FeedServer()
    try:
        _feed(server, 3)
        server.failing["/a/1.html"] = 100  # 503 for the whole first run (its HTTP retries included)
        db = tmp_path / "w.duckdb"
        argv = ["run", "--no-prefect", "--quiet", "--config", str(write_config(tmp_path / "w.toml", db)),
                server.url("/feed.xml")]
        assert cli.main(argv) == 0
        with duckdb.connect(str(db), read_only=True) as con:
            assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
            assert {r[0] for r in con.execute("SELECT reason FROM failures").fetchall()} == {"status"}
        server.failing["/a/1.html"] = 0  # the outage is over
        assert cli.main(argv) == 0
        with duckdb.connect(str(db), read_only=True) as con:
            stored = {r[0] for r in con.execute("SELECT doc_key FROM documents WHERE is_current").fetchall()}
            statuses = [r[0] for r in con.execute(
                "SELECT status FROM fetches WHERE purpose = 'feed' ORDER BY started_at").fetchall()]
        assert {k.rsplit("/", 1)[1] for k in stored} == {"0.html", "1.html", "2.html"}
        assert statuses == [200, 200]  # the second run asked for the whole feed, not a 304
        assert cli.main(argv) == 0  # and once everything is stored, validators are kept again
        with duckdb.connect(str(db), read_only=True) as con:
            assert con.execute("SELECT status FROM fetches WHERE purpose = 'feed' ORDER BY started_at DESC "
                               "LIMIT 1").fetchone()[0] == 304
        assert check_database(db, finished=True) == []
    finally:
        server.close()
