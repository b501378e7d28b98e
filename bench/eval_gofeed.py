"""Run gofeed's feed test documents through wiredesk's parser path and compare with their expected JSON.

    python bench/eval_gofeed.py [--corpus DIR] [--json] [--show-mismatches N]

Inputs: every document under ``<corpus>/gofeed/parser/{rss,atom,json,universal}/`` (an ``.xml`` or ``.json``
that is not itself an expected-result file) and, as a second set, ``<corpus>/gofeed/translator/*/``
whose expected JSON uses gofeed's *universal* field names. The corpus is resolved as
``<repo>/../shared/corpus`` unless ``WIREDESK_CORPUS`` or ``--corpus`` says otherwise.

Fields compared (gofeed name → ours), only where the expected JSON has the field:

    feed:  version → format · title → title · link / links[alternate] / home_page_url → link ·
           language → language · ttl → ttl
    entry: title → title · link / links[alternate] / url → link · guid.value / id / guid → guid ·
           description / summary → summary · content / content.value / content_html → content ·
           pubDateParsed / publishedParsed / date_published → published_at ·
           updatedParsed / date_modified → updated_at · author / authors[].name / author.name → authors ·
           categories[].value / categories[].term / categories / tags → tags

A value "matches exactly" when equal after trimming; "matches as text" when equal after removing markup,
unescaping entities and collapsing whitespace (feedparser sanitizes HTML and unescapes titles where
gofeed keeps the raw markup, so the second figure is the meaningful one for text fields). Dates
compare as instants. A field missing from our result counts as a mismatch.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wiredesk.domain.errors import FeedError
from wiredesk.sources.feeds import parse_feed
from wiredesk.domain.dates import parse_published as parse_date
from wiredesk.sources.feeds.model import FeedEntry, ParsedFeed

FEED_URL = "http://example.org/feed"  # gofeed's tests resolve nothing; a neutral base
VERSIONS = {  # our format → gofeed version string
    "rss20": "2.0", "rss092": "0.92", "rss093": "0.93", "rss094": "0.94", "rss091u": "0.91",
    "rss091n": "0.91", "rss090": "0.9", "rss10": "1.0", "atom10": "1.0", "atom03": "0.3",
    "atom01": "0.1", "atom02": "0.2", "json10": "1.0", "json11": "1.1",
}


from corpus_path import corpus_dir  # noqa: E402


def as_text(value: Any) -> str:
    text = re.sub(r"<[^>]+>", " ", str(value))
    for _ in range(2):  # gofeed sometimes keeps entities escaped twice
        text = html.unescape(text)
    return re.sub(r"\s+", " ", text).strip()


def _alt_link(links: Any) -> str | None:
    if isinstance(links, list):
        for link in links:
            if isinstance(link, dict) and link.get("rel", "alternate") == "alternate" and link.get("href"):
                return link["href"]
        for link in links:
            if isinstance(link, str):
                return link
    return None


def _names(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [value["name"]] if value.get("name") else []
    if isinstance(value, list):
        return [v["name"] for v in value if isinstance(v, dict) and v.get("name")]
    return None


def _tags(value: Any) -> list[str] | None:
    if not isinstance(value, list):
        return None
    out = []
    for v in value:
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, dict):
            out.append(v.get("value") or v.get("term") or "")
    return [t for t in out if t]


def expected_feed(doc: dict[str, Any]) -> dict[str, Any]:
    """The comparable feed-level fields of a gofeed expected document, in our names."""
    out: dict[str, Any] = {}
    if "version" in doc or "feedVersion" in doc:
        out["format"] = doc.get("version") or doc.get("feedVersion")
    if "title" in doc:
        out["title"] = doc["title"]
    link = doc.get("link") if isinstance(doc.get("link"), str) else None
    link = link or _alt_link(doc.get("links")) or doc.get("home_page_url")
    if link:
        out["link"] = link
    for key in ("language", "ttl"):
        if key in doc:
            out[key] = doc[key]
    return out


def expected_entry(item: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "title" in item:
        out["title"] = item["title"]
    link = item.get("link") if isinstance(item.get("link"), str) else None
    link = link or _alt_link(item.get("links")) or item.get("url")
    if link:
        out["link"] = link
    guid = item.get("guid")
    guid = guid.get("value") if isinstance(guid, dict) else guid
    guid = guid if guid is not None else item.get("id")
    if guid:
        out["guid"] = guid
    summary = item.get("description", item.get("summary"))
    if summary:
        out["summary"] = summary
    content = item.get("content", item.get("content_html"))
    content = content.get("value") if isinstance(content, dict) else content
    if content:
        out["content"] = content
    published = item.get("pubDateParsed") or item.get("publishedParsed") or item.get("date_published")
    if published:
        out["published_at"] = published
    updated = item.get("updatedParsed") or item.get("date_modified")
    if updated:
        out["updated_at"] = updated
    authors = _names(item.get("authors", item.get("author")))
    if authors:
        out["authors"] = authors
    tags = _tags(item.get("categories", item.get("tags")))
    if tags:
        out["tags"] = tags
    return out


def ours_feed(feed: ParsedFeed) -> dict[str, Any]:
    return {"format": VERSIONS.get(feed.format, feed.format), "title": feed.title, "link": feed.link,
            "language": feed.language, "ttl": feed.ttl}


def ours_entry(e: FeedEntry) -> dict[str, Any]:
    return {"title": e.title, "link": e.link, "guid": e.guid, "summary": e.summary, "content": e.content,
            "published_at": e.published_at, "updated_at": e.updated_at, "authors": list(e.authors),
            "tags": list(e.tags)}


def compare(field: str, want: Any, got: Any) -> str:
    """'exact', 'text' or 'miss'."""
    if got is None or got == []:
        return "miss"
    if field in ("published_at", "updated_at"):
        want_dt = parse_date(want) if isinstance(want, str) else None
        if want_dt is None:
            return "miss"
        return "exact" if got.astimezone(UTC) == want_dt else "miss"
    if isinstance(want, list):
        if [str(w).strip() for w in want] == [str(g).strip() for g in got]:
            return "exact"
        return "text" if [as_text(w) for w in want] == [as_text(g) for g in got] else "miss"
    if str(want).strip() == str(got).strip():
        return "exact"
    return "text" if as_text(want) == as_text(got) else "miss"


def inputs(root: Path) -> list[tuple[Path, Path | None]]:
    """(input, expected JSON or None) pairs under ``root``."""
    pairs = []
    for path in sorted(root.glob("*/*")):
        if path.is_dir():
            continue
        if path.suffix == ".xml":
            exp = path.with_suffix(".json")
            pairs.append((path, exp if exp.exists() else None))
        elif path.suffix == ".json" and not path.name.endswith("_expected.json") \
                and not path.with_suffix(".xml").exists():
            exp = path.with_name(path.stem + "_expected.json")
            pairs.append((path, exp if exp.exists() else None))
    return pairs


def evaluate(root: Path, show: int) -> dict[str, Any]:
    outcomes: Counter[str] = Counter()
    fields: dict[str, Counter[str]] = defaultdict(Counter)
    mismatches: list[str] = []
    entry_count = Counter()
    for path, exp_path in inputs(root):
        try:
            feed = parse_feed(path.read_bytes(), FEED_URL)
            outcomes["parsed"] += 1
            if feed.warnings:
                outcomes["parsed_with_warnings"] += 1
        except FeedError as exc:
            outcomes[f"error:{exc.reason}"] += 1
            feed = None
        if exp_path is None:
            continue
        try:
            expected = json.loads(exp_path.read_text())
        except ValueError:
            continue
        outcomes["with_expected"] += 1
        pairs: list[tuple[str, Any, Any]] = []
        want_feed = expected_feed(expected)
        got_feed = ours_feed(feed) if feed else {}
        pairs += [(f"feed.{k}", v, got_feed.get(k)) for k, v in want_feed.items()]
        items = expected.get("items", expected.get("entries")) or []
        got_entries = list(feed.entries) if feed else []
        entry_count["expected"] += len(items)
        entry_count["matched_count"] += int(len(items) == len(got_entries))
        for i, item in enumerate(items):
            got = ours_entry(got_entries[i]) if i < len(got_entries) else {}
            pairs += [(f"entry.{k}", v, got.get(k)) for k, v in expected_entry(item).items()]
        for name, want, got in pairs:
            result = compare(name.split(".", 1)[1], want, got)
            fields[name][result] += 1
            if result == "miss" and len(mismatches) < show:
                mismatches.append(f"{path.relative_to(root)} {name}: want {want!r} got {got!r}")
    return {"inputs": sum(v for k, v in outcomes.items() if k == "parsed" or k.startswith("error:")),
            "outcomes": dict(outcomes), "fields": {k: dict(v) for k, v in sorted(fields.items())},
            "entries_expected": entry_count["expected"], "mismatches": mismatches}


def report(name: str, res: dict[str, Any]) -> str:
    lines = [f"### {name}", "", f"inputs: {res['inputs']}  outcomes: {res['outcomes']}", "",
             "| field | compared | exact | as text | total match | miss |", "|---|---|---|---|---|---|"]
    totals = Counter()
    for field, c in res["fields"].items():
        n = sum(c.values())
        totals.update(c)
        ok = c.get("exact", 0) + c.get("text", 0)
        lines.append(f"| {field} | {n} | {c.get('exact', 0)} | {c.get('text', 0)} | {ok / n:.1%} | {c.get('miss', 0)} |")
    n = sum(totals.values())
    if n:
        ok = totals["exact"] + totals["text"]
        lines.append(f"| **all** | {n} | {totals['exact']} | {totals['text']} | {ok / n:.1%} | {totals['miss']} |")
    if res["mismatches"]:
        lines += ["", "first mismatches:"] + [f"- {m}" for m in res["mismatches"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus")
    ap.add_argument("--json", action="store_true", help="print raw results as JSON")
    ap.add_argument("--show-mismatches", type=int, default=0)
    args = ap.parse_args(argv)
    base = corpus_dir(args.corpus) / "gofeed"
    if not base.is_dir():
        print(f"corpus not found at {base} (set WIREDESK_CORPUS)", file=sys.stderr)
        return 2
    results = {"parser": evaluate(base / "parser", args.show_mismatches),
               "translator": evaluate(base / "translator", args.show_mismatches)}
    if args.json:
        print(json.dumps(results, indent=2, default=str))
    else:
        print(f"gofeed evaluation, {datetime.now(UTC):%Y-%m-%d}\n")
        print(report("parser/* (format-specific expected JSON)", results["parser"]))
        print()
        print(report("translator/* (universal expected JSON)", results["translator"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
