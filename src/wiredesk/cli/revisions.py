"""``wiredesk revisions URL``: the versions of a URL and what each changed against the version before.

Formatting and argument handling only: the reads are ``wiredesk.store.reader.Reader.revisions`` (the view
``document_revisions``); how paragraphs are aligned is ``wiredesk.domain.revisions``'s.
"""

from __future__ import annotations

import json
import textwrap
from datetime import UTC
from typing import TextIO

from wiredesk.cli.args import add_db_args, docs, settings_from_args
from wiredesk.cli.output import jsonable
from wiredesk.cli.screen import Screen
from wiredesk.domain.errors import ConfigError
from wiredesk.domain.urls import canonical_url
from wiredesk.store.reader import Reader


def add_revisions_parser(sub) -> None:
    p = sub.add_parser(
        "revisions",
        help="show the versions of a URL and the paragraphs each added, removed and changed",
        description=(
            "List the stored versions of the document at URL, oldest first, with the body paragraphs each version "
            "added, removed and changed against the version before (a changed paragraph with its old and new "
            "text). New versions come from revisits of pages fetched by URL and from feed entries that changed; "
            "see docs/revisits.md. The URL may be given as fetched or in its canonical form."
        ),
        epilog="Exit status: 0 ok, 2 no database or no document at URL. "
               + docs("docs/revisits.md (revision diffs)", "docs/schema.md (document_revisions)"),
    )
    p.add_argument("url", metavar="URL", help="the page's URL")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object: the URL, its document key and its versions, each with its changes")
    add_db_args(p)
    p.set_defaults(func=cmd_revisions)


def cmd_revisions(args, screen: Screen) -> int:
    settings = settings_from_args(args)
    keys = list(dict.fromkeys([args.url.strip(), canonical_url(args.url)]))
    with Reader.open(settings.db_path) as reader:
        versions, changes = reader.revisions(keys)
    if not versions:
        raise ConfigError(f"no document at {args.url} in {settings.db_path} (never stored, or stored under "
                          "another URL: `wiredesk search` finds a document by its words)")
    for v in versions:
        v["changes"] = [c for c in changes if c["version"] == v["version"]]
        for c in v["changes"]:
            del c["version"]
    if args.json:
        json.dump(jsonable({"url": args.url, "doc_key": versions[0]["doc_key"],
                            "versions": [{k: x for k, x in v.items() if k != "doc_key"} for v in versions]}),
                  screen.out, ensure_ascii=False, indent=1)
        screen.out.write("\n")
    else:
        print_revisions(versions, screen.out)
    return 0


def _wrapped(mark: str, text: str, out: TextIO) -> None:
    lines = textwrap.wrap(text, 100) or [""]
    for i, line in enumerate(lines):
        print(f"    {mark if i == 0 else ' '} {line}", file=out)


def print_revisions(versions: list[dict], out: TextIO) -> None:
    """The URL's versions, each with its counts, then its changed paragraphs with their texts."""
    n = len(versions)
    print(f"{versions[0]['doc_key']}: {n} version{'s' if n != 1 else ''}", file=out)
    for v in versions:
        when = v["ingested_at"].astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if v["ingested_at"] else "?"
        counts = ("first version" if v["version"] == 1 else
                  f"{v['added']} added, {v['removed']} removed, {v['changed']} changed")
        current = ", current" if v["is_current"] else ""
        print(f"version {v['version']} (document {v['document_id']}, run {v['run_id']}, {when}{current}): {counts}",
              file=out)
        for c in v["changes"]:
            if c["change"] == "changed":
                print(f"  changed paragraph {c['old_position']} -> {c['new_position']} "
                      f"(word similarity {c['similarity']:.2f})", file=out)
                _wrapped("-", c["old_text"], out)
                _wrapped("+", c["new_text"], out)
            elif c["change"] == "added":
                print(f"  added paragraph {c['new_position']}", file=out)
                _wrapped("+", c["new_text"], out)
            else:
                print(f"  removed paragraph {c['old_position']}", file=out)
                _wrapped("-", c["old_text"], out)
