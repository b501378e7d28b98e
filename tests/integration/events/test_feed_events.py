"""Articles that arrive through a feed get events too (same batch stage as files)."""

import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import pytest

from wiredesk.cli import main
from conftest import REPO


@pytest.fixture
def feed_server():
    text = (REPO / "seeds" / "ap-yahoo-2019-12-31-baghdad-embassy.txt").read_text(encoding="utf-8")
    paras = "".join(f"<p>{html.escape(p.strip())}</p>" for p in text.split("\n\n") if p.strip())
    pages = {
        "/robots.txt": (b"User-agent: *\nAllow: /\n", "text/plain"),
        "/a/1": (f"<html lang=\"en\"><head><title>Embassy stormed</title></head><body><article><h1>Embassy stormed</h1>"
                 f"{paras}</article></body></html>".encode(), "text/html; charset=utf-8"),
    }

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body, ctype = pages.get(self.path, (b"", None))
            self.send_response(200 if ctype else 404)
            if ctype:
                self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    pages["/feed"] = (f"<rss version='2.0'><channel><title>Wire</title><item><title>Embassy stormed</title>"
                      f"<link>{base}/a/1</link><guid>a1</guid><pubDate>Tue, 31 Dec 2019 15:00:00 GMT</pubDate>"
                      f"</item></channel></rss>".encode(), "application/rss+xml")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()


def test_a_feed_article_gets_its_events(feed_server, tmp_path):
    config = tmp_path / "wiredesk.toml"
    config.write_text('[http]\nallow_networks = ["127.0.0.1/32"]\nper_host_delay = 0\ntotal_timeout = 10\n'
                      f'[feeds]\nsources_file = "{tmp_path / "none.toml"}"\n[ingest]\nworkers = 1\n')
    db = str(tmp_path / "feed.duckdb")
    assert main(["run", f"{feed_server}/feed", "--db", db, "--config", str(config), "--no-prefect", "-q"]) == 0
    con = duckdb.connect(db, read_only=True)
    try:
        rows = con.execute("SELECT event_class, place_name, date_start::VARCHAR FROM events "
                           "WHERE event_class = 'PROTEST' AND place_name = 'Baghdad'").fetchall()
        published = con.execute("SELECT DISTINCT published_at::DATE::VARCHAR FROM event_mentions").fetchall()
    finally:
        con.close()
    assert rows == [("PROTEST", "Baghdad", "2019-12-31")]
    assert published == [("2019-12-31",)]
