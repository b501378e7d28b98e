"""Soak test: 200 feeds on local hosts, some of them broken, five runs; what must hold, and what it costs.

    python bench/soak.py [--feeds 200] [--hosts 40] [--pages 3] [--runs 5] [--task-timeout 60] [--json FILE] [--keep]

``--hosts`` HTTP servers on 127.0.0.1, each on its own port (so each is a host of its own for politeness),
serve ``--feeds`` RSS feeds (feed i on host i mod hosts) of ``--pages`` article pages each, every page
its own synthetic article. The article pages of a tenth of the hosts drip (one byte a second, forever),
of a twentieth reset the connection, of a twentieth answer 503; the feeds themselves are served well.
``--runs`` runs of ``wiredesk run --no-prefect URL...`` (all feeds given, so every run fetches them) go
back to back, each a process of its own, with ``serve.task_timeout_seconds = --task-timeout`` (the fetch
budget of a group is three quarters of it) and ``http.total_timeout = 5``.

Checked after the runs (exit status 1 if any fails):

1. every article of a well-behaved host is stored exactly once (one document, one version) and was
   downloaded once over the five runs;
2. every failing page has exactly one ``failures`` row, whose ``attempts`` equals the number of runs that
   sent it a request (read from the servers' own logs); a page never asked for has no row;
3. every run completed, and in every run each group's article fetching ended within its budget (first
   request to last byte, from the ``fetches`` log, plus one read timeout of slack).

Printed (and with ``--json`` written): per run its wall time, pages downloaded, pages left for later,
failures recorded. Times depend on the machine's load: BENCHMARKS.md marks them so. The database and its
folder are removed at the end unless ``--keep`` (then the folder is printed).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb

WORDS = ("harbour council minister protest election court police storm river bridge market price school "
         "hospital airport strike union budget vote mayor border treaty troops ceasefire flood fire drought "
         "factory bank report inquiry judge festival museum railway station tunnel port fleet coast").split()


def article(rng: random.Random, title: str) -> bytes:
    paras = []
    for _ in range(4):
        words = [rng.choice(WORDS) for _ in range(rng.randint(40, 70))]
        paras.append("<p>" + " ".join(words).capitalize() + ".</p>")
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{''.join(paras)}"
            "</article></body></html>").encode()


class Host:
    """One local HTTP server: its feeds, its pages, how its pages misbehave, and the requests it received."""

    def __init__(self, kind: str):
        self.kind = kind  # normal | drip | reset | 5xx
        self.routes: dict[str, tuple[str, bytes]] = {}
        self.hits: Counter = Counter()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                with host.lock:
                    host.hits[self.path] += 1
                found = host.routes.get(self.path)
                if found is None:
                    return self._send(404, "text/plain", b"not found")
                if self.path.startswith("/p/") and host.kind != "normal":
                    return host.misbehave(self)
                self._send(200, *found)

            def _send(self, status: int, ctype: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def misbehave(self, h: BaseHTTPRequestHandler) -> None:
        if self.kind == "5xx":
            h.send_response(503)
            h.send_header("Content-Length", "0")
            h.end_headers()
        elif self.kind == "reset":  # an RST instead of an answer
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            h.connection.close()
            h.close_connection = True
        else:  # drip: headers, then one byte a second
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.end_headers()
            while not self.stop.wait(1.0):
                try:
                    h.wfile.write(b" ")
                    h.wfile.flush()
                except OSError:
                    return

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def build(n_feeds: int, n_hosts: int, n_pages: int, seed: int = 21) -> tuple[list[Host], list[str], dict[str, str]]:
    """The hosts, the feed URLs, and each page URL's host kind."""
    rng = random.Random(seed)
    n_drip, n_bad = max(1, n_hosts // 10), max(1, n_hosts // 20)
    kinds = ["drip"] * n_drip + ["reset"] * n_bad + ["5xx"] * n_bad
    kinds += ["normal"] * (n_hosts - len(kinds))
    rng.shuffle(kinds)
    hosts = [Host(kind) for kind in kinds]
    feeds, pages = [], {}
    for f in range(n_feeds):
        host = hosts[f % n_hosts]
        items = []
        for p in range(n_pages):
            path = f"/p/{f}/{p}.html"
            title = f"Feed {f} story {p}"
            host.routes[path] = ("text/html; charset=utf-8", article(rng, title))
            pages[host.url(path)] = host.kind
            items.append(f"<item><title>{title}</title><link>{host.url(path)}</link><guid>{f}-{p}</guid></item>")
        host.routes[f"/f/{f}.xml"] = ("application/rss+xml", (
            f"<rss version='2.0'><channel><title>Feed {f}</title>{''.join(items)}</channel></rss>").encode())
        feeds.append(host.url(f"/f/{f}.xml"))
    return hosts, feeds, pages


def write_config(folder: Path, db: Path, task_timeout: float) -> Path:
    cfg = folder / "wiredesk.toml"
    cfg.write_text(
        f'[database]\npath = "{db}"\n'
        '[http]\nallow_networks = ["127.0.0.1/32"]\nper_host_delay = 0.0\nrespect_robots = false\n'
        "connect_timeout = 3.0\nread_timeout = 3.0\ntotal_timeout = 5.0\nretries = 1\nretry_backoff = 0.5\n"
        f"[serve]\ntask_timeout_seconds = {task_timeout}\n"
        f'[feeds]\nsources_file = "{folder / "none.toml"}"\n'
        "[ingest]\nworkers = 1\n[events]\nenabled = false\n")
    return cfg


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--hosts", type=int, default=40)
    ap.add_argument("--pages", type=int, default=3)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--task-timeout", type=float, default=60.0)
    ap.add_argument("--json", metavar="FILE")
    ap.add_argument("--keep", action="store_true", help="keep the database and its folder")
    args = ap.parse_args()

    hosts, feeds, pages = build(args.feeds, args.hosts, args.pages)
    folder = Path(tempfile.mkdtemp(prefix="wiredesk-soak-"))
    db = folder / "soak.duckdb"
    cfg = write_config(folder, db, args.task_timeout)
    budget = min(900.0, 0.75 * args.task_timeout)
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    by_host = {h.port: h for h in hosts}
    asked_in_run: dict[str, set[int]] = defaultdict(set)  # page URL -> runs that sent it a request
    report: dict = {"feeds": args.feeds, "hosts": args.hosts, "pages": len(pages), "budget_seconds": budget,
                    "host_kinds": dict(Counter(h.kind for h in hosts)), "runs": []}
    problems: list[str] = []
    try:
        for run in range(1, args.runs + 1):
            for h in hosts:
                h.hits.clear()
            t0 = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "wiredesk.cli", "run", "--no-prefect", "-q", "--config",
                                   str(cfg), *feeds], capture_output=True, text=True, env=env, cwd=folder)
            wall = time.perf_counter() - t0
            for h in hosts:
                for path, n in h.hits.items():
                    if path.startswith("/p/") and n:
                        asked_in_run[h.url(path)].add(run)
            if done.returncode not in (0, 1) or "Traceback" in done.stderr:
                problems.append(f"run {run} exited {done.returncode}: {done.stderr[-1500:]}")
            con = duckdb.connect(str(db), read_only=True)
            stats = con.execute(
                "SELECT count(*) FILTER (WHERE purpose = 'article' AND status = 200 AND error IS NULL), "
                "count(*) FILTER (WHERE purpose = 'article' AND error = 'deferred') FROM fetches WHERE run_id = ?",
                [run]).fetchone()
            failures = con.execute("SELECT count(*) FROM failures WHERE run_id = ?", [run]).fetchone()[0]
            con.close()
            report["runs"].append({"run": run, "wall_seconds": round(wall, 1), "articles_downloaded": stats[0],
                                   "cut_by_budget": stats[1], "failures_recorded": failures,
                                   "exit": done.returncode})
            print(f"run {run}: {wall:.1f}s, {stats[0]} articles downloaded, {stats[1]} cut by the budget, "
                  f"{failures} failures recorded, exit {done.returncode}", flush=True)
        problems += check(db, feeds, pages, asked_in_run, budget, by_host)
        con = duckdb.connect(str(db), read_only=True)
        report["documents"] = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        report["failure_rows"] = dict(con.execute(
            "SELECT reason || ' x' || attempts, count(*) FROM failures GROUP BY 1 ORDER BY 1").fetchall())
        con.close()
    finally:
        for h in hosts:
            h.close()
        if args.keep:
            print(f"kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    report["violations"] = problems
    report["normal_pages"] = sum(1 for k in pages.values() if k == "normal")
    print(json.dumps({k: v for k, v in report.items() if k != "runs"}, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))
    for p in problems:
        print("VIOLATION:", p)
    return 1 if problems else 0


def check(db: Path, feeds: list[str], pages: dict[str, str], asked: dict[str, set[int]], budget: float,
          by_host: dict[int, Host]) -> list[str]:
    from wiredesk.domain.urls import canonical_url

    problems = []
    con = duckdb.connect(str(db), read_only=True)
    try:
        docs = Counter(r[0] for r in con.execute("SELECT doc_key FROM documents").fetchall())
        failures = {r[0]: r[1] for r in con.execute("SELECT origin, attempts FROM failures").fetchall()}
        n_rows = con.execute("SELECT count(*) FROM failures").fetchone()[0]
        runs = con.execute("SELECT run_id, status FROM runs ORDER BY run_id").fetchall()
        sources = dict(con.execute("SELECT url, source_id FROM sources").fetchall())
        spans = con.execute(
            "SELECT run_id, source_id, epoch(started_at), duration_ms / 1000 FROM fetches WHERE purpose = 'article'"
        ).fetchall()
        # a request cut by the run's own budget is not an attempt of the page (it is left for the next run)
        cut = {(r[0], r[1]) for r in con.execute(
            "SELECT url, run_id FROM fetches WHERE purpose = 'article' QUALIFY row_number() OVER "
            "(PARTITION BY url, run_id ORDER BY started_at DESC) = 1 AND error = 'deferred'").fetchall()}
    finally:
        con.close()
    # 1. every normal article stored exactly once, downloaded once
    for url, kind in pages.items():
        key = canonical_url(url)
        if kind == "normal":
            if docs.get(key) != 1:
                problems.append(f"normal page {url} stored {docs.get(key, 0)} times")
            if len(asked.get(url, ())) != 1:
                problems.append(f"normal page {url} asked for in runs {sorted(asked.get(url, ()))}")
    # 2. one failure row per failing page, attempts = runs that asked for it; none for pages never asked
    if n_rows != len(failures):
        problems.append(f"{n_rows} failure rows for {len(failures)} origins")
    for url, kind in pages.items():
        if kind == "normal":
            continue
        key = canonical_url(url)
        tried = {r for r in asked.get(url, ()) if (url, r) not in cut}
        if tried and failures.get(key) != len(tried):
            problems.append(f"{url}: attempts {failures.get(key)} but tried in runs {sorted(tried)}")
        if not tried and key in failures:
            problems.append(f"{url}: a failure row for a page never tried")
    # 3. every run completed; each group's article fetching within the budget
    problems += [f"run {r} ended {s}" for r, s in runs if s != "completed"]
    group_of = {sources[u]: i // 50 for i, u in enumerate(feeds) if u in sources}
    windows: dict[tuple[int, int], list[float]] = defaultdict(list)
    for run_id, source_id, start, duration in spans:
        w = windows[(run_id, group_of.get(source_id, -1))]
        w += [start, start + duration]
    for (run_id, group), times in sorted(windows.items()):
        span = max(times) - min(times)
        if span > budget + 3.0:
            problems.append(f"run {run_id}, group {group}: article fetching took {span:.1f}s > budget {budget:.0f}s")
    return problems


if __name__ == "__main__":
    sys.exit(main())
