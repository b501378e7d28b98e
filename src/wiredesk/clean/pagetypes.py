"""What kind of page a page says it is: its Open Graph type and its schema.org types. Pure.

``page_types(tree)`` reads, from a parsed HTML page (an lxml tree, before trafilatura prunes it):

1. ``og:type`` (``<meta property="og:type" content="article">``), as ``og:article``;
2. the ``@type`` of each top-level JSON-LD object (``<script type="application/ld+json">``), of the members
   of its ``@graph`` and of a page's ``mainEntity``, as written (``NewsArticle``, ``Recipe``, ``Product``);
   nested objects (the ``Product`` a review is about, an article's ``Person`` author) are not the page;
3. the ``itemtype`` of each top-level schema.org microdata item (``itemscope`` with no item above it).

trafilatura reads og:type and some JSON-LD types into its ``pagetype`` but drops the types that say a page
is no article (Product, Recipe, VideoGame, Review, Event...): those are what the page-kind gate of event
extraction needs (``wiredesk.events.pagekind``). What this is not: a judgement of the page; it only lists
what the page declares, in order, without duplicates, at most ``MAX_TYPES``.
"""

from __future__ import annotations

import json
import re

#: Types kept per page: enough for every declared kind, a bound on what one page can make us store.
MAX_TYPES = 12
_SCHEMA = re.compile(r"^https?://(?:www\.)?schema\.org/", re.I)
_TYPE = re.compile(r"^[A-Za-z][\w.:-]{0,63}$")


def page_types(tree) -> tuple[str, ...]:
    """The types the page declares (og:type as ``og:TYPE``, JSON-LD and microdata types as written)."""
    found: list[str] = []
    for content in tree.xpath('//meta[@property="og:type" or @name="og:type"]/@content'):
        _add(found, f"og:{content.strip().lower()}")
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue  # a page's broken JSON-LD says nothing
        for obj in data if isinstance(data, list) else [data]:
            if not isinstance(obj, dict):
                continue
            members = obj.get("@graph")
            for item in [obj, *(members if isinstance(members, list) else [])]:
                if isinstance(item, dict):
                    _add_types(found, item.get("@type"))
                    main = item.get("mainEntity")
                    if isinstance(main, dict):
                        _add_types(found, main.get("@type"))
    for item in tree.xpath("//*[@itemscope and @itemtype and not(ancestor::*[@itemscope])]"):
        for t in (item.get("itemtype") or "").split():
            _add(found, _SCHEMA.sub("", t))
    return tuple(found[:MAX_TYPES])


def _add_types(found: list[str], value) -> None:
    for t in value if isinstance(value, list) else [value]:
        if isinstance(t, str):
            _add(found, _SCHEMA.sub("", t.strip()))


def _add(found: list[str], t: str) -> None:
    if _TYPE.match(t) and t not in found:
        found.append(t)
