"""One hostile fetch, and the stage that follows it, in a process of its own (for peak RSS per case).

Usage: ``python hostile_child.py URL PURPOSE SETTINGS_JSON``. Prints one JSON object: the fetch's error
reason and message, bytes on the wire, the next stage's outcome (feed: ``parse_feed``/``parse_sitemap``;
article: ``decode_html`` then the HTML cleaner), timings, and ``uncaught`` when anything but a
documented per-item error escaped (a bug). Run by tests/reliability/test_hostile_servers.py and
bench/hostile_servers.py; it is not part of wiredesk.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time


def peak_rss_mb() -> float:
    """This process's peak resident set (``VmHWM``), in MB.

    Not ``ru_maxrss``: Linux carries it over from the forked copy of the parent across ``exec``, so a
    child of a 340 MB pytest process reports at least 340 MB whatever it does.
    """
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def main(url: str, purpose: str, settings_json: str) -> dict:
    from wiredesk.clean.cleaner import HtmlCleaner
    from wiredesk.domain.errors import SURVIVABLE_ERRORS
    from wiredesk.sources.feeds.collect import decode_html
    from wiredesk.sources.feeds.parse import parse_feed
    from wiredesk.sources.feeds.sitemap import parse_sitemap
    from wiredesk.net.http import Fetcher
    from wiredesk.domain.models import InputItem, ItemMeta
    from wiredesk.domain.settings import HttpSettings

    raw = json.loads(settings_json)
    settings = HttpSettings(**{k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()})
    out: dict = {"url": url, "purpose": purpose}
    t0 = time.monotonic()
    with Fetcher(settings) as fetcher:
        res = fetcher.fetch(url, purpose)
    out.update(fetch_seconds=time.monotonic() - t0, fetch_error=res.error.reason if res.error else None,
               fetch_message=str(res.error) if res.error else None, status=res.status, hops=len(res.records),
               wire_bytes=sum(r.bytes for r in res.records), body_bytes=len(res.body or b""))
    text = ""
    t1 = time.monotonic()
    stage_error = None
    if res.ok and res.body is not None:
        try:
            if purpose == "feed":
                feed = parse_feed(res.body, res.final_url, res.content_type)
                text = " ".join(filter(None, [feed.title or "", *(e.title or "" for e in feed.entries[:50]),
                                              *(e.summary or "" for e in feed.entries[:50])]))
                out["entries"] = len(feed.entries)
            elif purpose == "sitemap":
                parsed = parse_sitemap(res.body, res.final_url, max_decoded_bytes=settings.max_decoded_bytes)
                out["entries"] = len(getattr(parsed, "entries", ()) or getattr(parsed, "sitemaps", ()))
            else:
                html = decode_html(res.body, res.content_type)
                item = InputItem(origin=url, kind="html", content=html, raw=res.body,
                                 raw_sha256=hashlib.sha256(res.body).hexdigest(), meta=ItemMeta(url=url))
                article = HtmlCleaner().clean(item)
                text = " ".join(p.text for p in article.paragraphs)
                out["paragraphs"] = len(article.paragraphs)
        except SURVIVABLE_ERRORS as exc:
            stage_error = exc.reason
            out["stage_message"] = str(exc)
        except Exception as exc:  # noqa: BLE001 - reported, and the test fails on it
            out["uncaught"] = f"{type(exc).__name__}: {exc}"
    out.update(peak_rss_mb=peak_rss_mb(), stage_seconds=time.monotonic() - t1, stage_error=stage_error, text=text[:2000],
               leaked_passwd="root:x:0:0" in (text + (out.get("stage_message") or "") + (out.get("fetch_message") or "")))
    return out


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:4])))
