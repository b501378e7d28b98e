"""The workload every reliability test ingests: files on disk and a feed served on 127.0.0.1.

Built from the seed articles so that every stage has real work: the files are plain text, Markdown,
JSONL and HTML (trafilatura); the feed is RSS whose entries link to HTML article pages (conditional GET
with an ETag). Articles reuse and lightly edit each other's paragraphs, so exact, near and partial
duplicate links are made across batches and across files and feeds, and their sentences (an embassy
stormed, airstrikes, protests) give the event stage mentions to group.

Not a benchmark corpus and not evaluation data: small on purpose, so a run takes a few seconds and
a harness can afford dozens of killed runs.
"""

from __future__ import annotations

import json
import random
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from wiredesk.domain.urls import canonical_url

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"

#: items per batch in the workload's runs: small, so a run commits many batches and a crash can land
#: between any two of them
BATCH_SIZE = 3


def seed_paragraphs() -> list[str]:
    paras: list[str] = []
    for name in sorted(p.name for p in SEEDS.glob("*.txt")):
        text = (SEEDS / name).read_text(encoding="utf-8")
        paras += [p.strip() for p in text.split("\n\n") if len(p.strip()) > 60]
    return paras


def _edit(paragraph: str, rng: random.Random) -> str:
    """A copy-desk edit: one word dropped and a short clause added (a near copy, not an exact one)."""
    words = paragraph.split()
    if len(words) > 12:
        del words[rng.randrange(2, len(words) - 2)]
    return " ".join(words) + " officials said."


def _article(rng: random.Random, paras: list[str], n: int) -> list[str]:
    picked = rng.sample(paras, min(n, len(paras)))
    return [_edit(p, rng) if rng.random() < 0.4 else p for p in picked]


def _html(title: str, paragraphs: list[str], url: str) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!doctype html><html lang='en'><head><title>{title}</title><link rel='canonical' href='{url}'>"
            f"<meta name='author' content='Staff'><meta property='article:published_time' content='2020-01-0{len(title) % 9 + 1}'>"
            f"</head><body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article>"
            f"<footer>Copyright Example News</footer></body></html>")


@dataclass
class Variant:
    """The inputs as they are at one version: file contents, served routes and the feed's ETag."""

    files: dict[str, bytes]
    routes: dict[str, tuple[str, bytes]]
    etag: str
    feed_doc_keys: tuple[str, ...]


@dataclass
class Workload:
    """The inputs of one reliability session: a folder of files and a feed URL on a local server.

    Version 1 is what a first run ingests; version 2 (``set_version(2)``) edits two articles, one JSONL
    record and one feed article (its entry's title too) and adds a feed entry, so a run over it makes new
    versions of known documents: superseded paragraphs leave the duplicate clusters and the near index,
    their events are regrouped."""

    files_dir: Path
    feed_url: str
    server: "FeedServer"
    variants: dict[int, Variant]
    version: int = 1

    @property
    def paths(self) -> list[str]:
        return [str(self.files_dir), self.feed_url]

    @property
    def feed_doc_keys(self) -> dict[str, tuple[str, ...]]:
        """ETag -> doc_key of every article the feed lists at that version: once a version's state is
        stored, all of them must be stored."""
        return {v.etag: v.feed_doc_keys for v in self.variants.values()}

    def set_version(self, version: int) -> None:
        v = self.variants[version]
        for name, data in v.files.items():
            (self.files_dir / name).write_bytes(data)
        self.server.routes.update(v.routes)
        self.server.etags["/feed.xml"] = v.etag
        self.version = version


class FeedServer:
    """A static HTTP server on 127.0.0.1 (port 0) in a daemon thread: ``routes`` maps a path to
    ``(content type, body)``; the feed answers 304 to its own ETag."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[str, bytes]] = {}
        self.etags: dict[str, str] = {}
        #: path -> how many more requests answer 503 before the route is served (a transient outage)
        self.failing: dict[str, int] = {}
        routes, etags, failing = self.routes, self.etags, self.failing

        class _Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                if failing.get(self.path, 0) > 0:
                    failing[self.path] -= 1
                    self._send(503, "text/plain", b"try later")
                    return
                found = routes.get(self.path)
                if found is None:
                    self._send(404, "text/plain", b"not found")
                    return
                etag = etags.get(self.path)
                if etag and self.headers.get("If-None-Match") == etag:
                    self._send(304, None, b"", etag)
                    return
                self._send(200, found[0], found[1], etag)

            def _send(self, status, ctype, body, etag=None):
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                if etag:
                    self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def build_workload(root: Path, *, seed: int = 7, n_text: int = 7, n_feed: int = 7) -> Workload:
    """Write the files under ``root/inputs`` and start the feed server (close it with ``.server.close()``)."""
    rng = random.Random(seed)
    paras = seed_paragraphs()
    files_dir = root.resolve() / "inputs"
    files_dir.mkdir(parents=True)
    for p in SEEDS.glob("*-baghdad-embassy.txt*"):
        (files_dir / p.name).write_bytes(p.read_bytes())
    for i in range(n_text):
        body = _article(rng, paras, 4)
        if i % 2:
            (files_dir / f"wire-{i:02d}.md").write_text(f"---\ntitle: Wire story {i}\nsource: Wire {i % 3}\n"
                                                      f"published: 2020-01-0{i % 9 + 1}\n---\n\n" + "\n\n".join(body),
                                                      encoding="utf-8")
        else:
            (files_dir / f"wire-{i:02d}.txt").write_text("\n\n".join(body), encoding="utf-8")
    records = [{"text": "\n\n".join(_article(rng, paras, 3)), "title": f"Record {i}", "source": "Records",
                "url": f"https://records.example/{i}", "published": "2020-01-02"} for i in range(3)]
    (files_dir / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    (files_dir / "page.html").write_text(_html("A page about Baghdad", _article(rng, paras, 4),
                                               "https://pages.example/baghdad"), encoding="utf-8")

    server = FeedServer()
    pages = {i: _article(rng, paras, 4) for i in range(n_feed + 1)}

    def feed_variant(n_items: int, edited: int | None, etag: str) -> Variant:
        routes, items, keys = {}, [], []
        for i in range(n_items):
            path = f"/news/{i:02d}.html"
            url = server.url(path)
            title = f"Feed story number {i}" + (" (updated)" if i == edited else "")
            body = pages[i] + (["Update: the embassy said later that protesters had left the compound."]
                               if i == edited else [])
            routes[path] = ("text/html; charset=utf-8", _html(title, body, url).encode())
            items.append(f"<item><title>{title}</title><link>{url}</link><guid>story-{i}</guid>"
                         f"<pubDate>Thu, 02 Jan 2020 0{i % 10}:00:00 GMT</pubDate></item>")
            keys.append(canonical_url(url))  # the doc_key wiredesk gives the page (scheme and host folded)
        rss = ("<?xml version='1.0'?><rss version='2.0'><channel><title>Local wire</title>"
               f"<link>{server.url('/')}</link><description>test feed</description>{''.join(items)}</channel></rss>")
        routes["/feed.xml"] = ("application/rss+xml", rss.encode())
        return Variant({}, routes, etag, tuple(keys))

    v1 = feed_variant(n_feed, None, '"feed-v1"')
    v2 = feed_variant(n_feed + 1, 2, '"feed-v2"')
    edited = ["wire-00.txt", "wire-03.md", "records.jsonl"]
    v1.files = {name: (files_dir / name).read_bytes() for name in edited}
    for name in edited[:2]:
        text = v1.files[name].decode()
        v2.files[name] = (text.replace(" officials said.", " officials said on Wednesday.", 1)
                          + "\n\nUpdate: militia supporters withdrew from the embassy compound on Wednesday.").encode()
    lines = v1.files["records.jsonl"].decode().splitlines()
    record = json.loads(lines[1])
    record["text"] += "\n\nUpdate: the Pentagon said it was sending more troops to the region."
    lines[1] = json.dumps(record)
    v2.files["records.jsonl"] = ("\n".join(lines) + "\n").encode()
    workload = Workload(files_dir, server.url("/feed.xml"), server, {1: v1, 2: v2})
    workload.set_version(1)
    return workload


def write_config(path: Path, db: Path, **sections: dict) -> Path:
    """A settings file for the workload's runs: small batches, one cleaning process, the rules-only
    event back-end (no spaCy model to load in every killed process), HTTP allowed to 127.0.0.1 only."""
    base: dict[str, dict] = {
        "database": {"path": str(db)},
        "ingest": {"batch_size": BATCH_SIZE, "workers": 1},
        "events": {"backend": "rules", "workers": 1},
        "http": {"allow_networks": ["127.0.0.1/32"], "per_host_delay": 0.0, "connect_timeout": 2.0,
                 "read_timeout": 5.0, "total_timeout": 10.0},
        "feeds": {"sources_file": str(path.parent / "no-sources.toml")},
    }
    for name, values in sections.items():
        base.setdefault(name, {}).update(values)
    lines = []
    for name, values in base.items():
        lines.append(f"[{name}]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
