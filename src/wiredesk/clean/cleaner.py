"""Cleaning: an ``InputItem`` becomes an ``Article`` (metadata plus paragraphs with roles).

Two cleaners sit behind one small protocol:

- ``HtmlCleaner`` runs trafilatura (main text and metadata: title, authors, date, site name, description),
  reads its whole output tree into text blocks, puts figure captions back in place and the lead printed
  above the article first (``wiredesk.clean.textblocks``), then hands the blocks to
  ``wiredesk.clean.paragraphs`` for roles.
- ``TextCleaner`` handles plain text and Markdown: same paragraph roles, same normalization.

A site rule of the item's host (``wiredesk.clean.siterules``: CSS selectors to drop and to keep) changes what
``HtmlCleaner`` reads: dropped elements are gone before anything reads the page, and kept elements are the
body, read directly, with trafilatura's metadata; the rule's digest is part of the document's cleaner version.

Metadata supplied with the item (sidecar, front matter, JSON fields) wins over what the page says. Every
document gets a language (``wiredesk.clean.language``): supplied, else declared by the page, else detected.
Cleaners are pure functions of the item: no database, no network, no global state (trafilatura's own
deduplication cache is left off; see its issue #778).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Protocol

import trafilatura
from trafilatura.metadata import extract_metadata
from trafilatura.utils import load_html

from wiredesk.clean.language import document_language
from wiredesk.clean.pagetypes import page_types
from wiredesk.clean.paragraphs import assign_roles, paragraphs_from_text
from wiredesk.clean.sitepages import drop_matches, keep_blocks, keep_matches, kept_page
from wiredesk.clean.siterules import SiteRule, SiteRules
from wiredesk.clean.textblocks import (figure_anchors, lead_anchor, link_texts, mark_links, place_captions, place_lead,
                                       tree_blocks)
from wiredesk.domain.dates import parse_published
from wiredesk.domain.errors import CleanError
from wiredesk.domain.models import Article, InputItem, Paragraph
from wiredesk.domain.normalize import normalize_for_match, scrub_surrogates
from wiredesk.domain.urls import host_of, is_http_url
from wiredesk.domain.versions import PARAGRAPHS_VERSION


class Cleaner(Protocol):
    """Turns one loaded item into an article.

    ``version`` names the code that produced the output and is stored on every document (an HTML page
    cleaned under a site rule adds the rule's own version: ``wiredesk.clean.siterules``). ``clean``
    raises ``CleanError`` (with a short ``reason``, e.g. ``no_text``) when no article text can be found;
    it never returns an article without body paragraphs.
    """

    version: str

    def clean(self, item: InputItem) -> Article: ...


def _article(item: InputItem, paragraphs: tuple[Paragraph, ...], cleaner: str, site_rule: str | None = None,
             **found) -> Article:
    if not any(p.role == "body" for p in paragraphs):
        raise CleanError("no_text", "no body text found")
    meta = item.meta
    body = "\n\n".join(p.text for p in paragraphs if p.role == "body")
    language = document_language(body, supplied=meta.language, declared=found.get("language"))
    return Article(
        origin=item.origin,
        doc_key=item.doc_key,
        kind=item.kind,
        raw_sha256=item.raw_sha256,
        url=meta.url or found.get("url"),
        title=meta.title or found.get("title"),
        authors=meta.authors or tuple(found.get("authors") or ()),
        source=meta.source or found.get("source"),
        published_at=meta.published_at or found.get("published_at"),
        language=language.code,
        language_source=language.source,
        paragraphs=paragraphs,
        cleaner=cleaner,
        site_rule=site_rule,
        page_types=tuple(found.get("page_types") or ()),
    )


# The original publication date with its time when the page gives one (htmldate's default is date only).
_DATE_PARAMS = {"original_date": True, "outputformat": "%Y-%m-%dT%H:%M:%S%z"}
_LANG = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?([A-Za-z]{2,3})""", re.I)
_META_LANG = re.compile(
    r"""<meta\b[^>]*?(?:http-equiv\s*=\s*["']content-language["']|property\s*=\s*["']og:locale["'])"""
    r"""[^>]*?content\s*=\s*["']([A-Za-z]{2,3})""",
    re.I,
)


def page_language(html: str) -> str | None:
    """The language the page declares (``<html lang>``, Content-Language or og:locale), lower-cased."""
    head = html[:20000]
    m = _LANG.search(head) or _META_LANG.search(head)
    return m.group(1).lower() if m else None


def item_host(item: InputItem) -> str | None:
    """The host whose site rule applies to an item: that of the URL supplied with it (feed entry, URL list,
    sidecar, JSON record, WARC record), else of its origin when that is a web address; None for a file with
    no URL."""
    url = item.meta.url or (item.origin if is_http_url(item.origin) else None)
    return host_of(url) if url else None


class HtmlCleaner:
    """trafilatura-based cleaner for HTML pages, with the site rules of ``site_rules``."""

    def __init__(self, *, favor_precision: bool = False, include_tables: bool = True,
                 site_rules: SiteRules = SiteRules()):
        self.favor_precision = favor_precision
        self.include_tables = include_tables
        self.site_rules = site_rules
        #: the version without a site rule; an item whose host has one gets ``+site/HOST@DIGEST`` appended
        self.version = f"trafilatura/{trafilatura.__version__}+{PARAGRAPHS_VERSION}"

    def version_for(self, host: str | None) -> str:
        """The cleaner version of a document of ``host``: the code's, and the host's site rule if it has one."""
        return self._version(self.site_rules.for_host(host))

    def _version(self, rule: SiteRule | None) -> str:
        return f"{self.version}+{rule.version}" if rule else self.version

    def clean(self, item: InputItem) -> Article:
        rule = self.site_rules.for_host(item_host(item))
        version = self._version(rule)
        try:
            tree = load_html(item.content)
            if tree is None:
                raise CleanError("not_html", "the page could not be parsed as HTML")
            if rule is not None:
                drop_matches(tree, rule)  # 1. what the rule drops is gone before anything reads the page
                if rule.keep and (article := self._clean_kept(item, tree, rule, version)) is not None:
                    return article  # 2. the body is what the rule keeps
            outcome = None if rule is None else "keep_unmatched" if rule.keep else "generic"
            types = page_types(tree)  # before trafilatura prunes the tree (its scripts and meta elements)
            anchors = figure_anchors(tree)
            links = link_texts(tree)
            doc = trafilatura.bare_extraction(
                tree,
                url=item.meta.url,
                with_metadata=True,
                output_format="python",
                include_comments=False,
                # images off: with them on, trafilatura takes teaser lists into the body; captions come
                # back from the original page (wiredesk.clean.textblocks)
                include_images=False,
                include_tables=self.include_tables,
                favor_precision=self.favor_precision,
                deduplicate=False,
                date_extraction_params=_DATE_PARAMS,
            )
        except CleanError:
            raise
        except Exception as exc:  # trafilatura/lxml raise many types on hostile markup
            raise CleanError("extract_failed", f"{type(exc).__name__}: {exc}") from exc
        if doc is None or doc.body is None:
            raise CleanError("no_text", "trafilatura found no article text")
        blocks = place_captions(mark_links(tree_blocks(doc.body), links), anchors)
        # the headline is metadata; trafilatura also returns it as the first heading block
        if blocks and doc.title and normalize_for_match(blocks[0].text) == normalize_for_match(doc.title):
            blocks = blocks[1:]
        # the lead (standfirst) printed above the article, which trafilatura often leaves out
        blocks = place_lead(blocks, lead_anchor(tree, doc.description, doc.title))
        return self._finish(item, blocks, doc, version, outcome, types)

    def _clean_kept(self, item: InputItem, tree, rule: SiteRule, version: str) -> Article | None:
        """The article whose body is what ``rule``'s keep selectors match (figure captions inside placed as
        captions), with the page's metadata; None when they match no text (the caller falls back)."""
        types = page_types(tree)
        page = kept_page(keep_matches(tree, rule))
        blocks = place_captions(mark_links(keep_blocks(page), link_texts(page)), figure_anchors(page))
        if not blocks:
            return None
        # the page's metadata as trafilatura's extraction reads it (its fourth argument as bare_extraction passes it)
        doc = extract_metadata(tree, item.meta.url, _DATE_PARAMS, False, set())
        if doc.title and normalize_for_match(blocks[0].text) == normalize_for_match(doc.title):
            blocks = blocks[1:]  # the headline alone is no body either
        return self._finish(item, blocks, doc, version, "keep", types) if blocks else None

    def _finish(self, item: InputItem, blocks, doc, version: str, outcome: str | None,
                types: tuple[str, ...] = ()) -> Article:
        paragraphs = assign_roles(blocks, site_furniture=item.site_furniture)
        authors = tuple(a.strip() for a in (doc.author or "").split(";") if a.strip())
        return _article(
            item,
            paragraphs,
            version,
            outcome,
            url=doc.url,
            title=doc.title,
            authors=authors,
            source=doc.sitename,
            published_at=parse_published(doc.date),
            language=doc.language or page_language(item.content),
            page_types=types,
        )


_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_MD_PREFIX = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)")


def markdown_to_text(text: str) -> tuple[str, str | None]:
    """Strip Markdown syntax to plain paragraphs; return ``(text, first H1 or None)``."""
    title = None
    lines = []
    for line in text.splitlines():
        if title is None and re.match(r"^\s{0,3}#\s+\S", line):
            title = line.lstrip("# ").strip()
            continue
        line = _MD_IMAGE.sub(r"\1", line)
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_EMPHASIS.sub(r"\2", line)
        lines.append(_MD_PREFIX.sub("", line))
    return "\n".join(lines), title


class TextCleaner:
    """Cleaner for plain text and Markdown: no extraction needed, same roles and normalization."""

    version = f"text/1+{PARAGRAPHS_VERSION}"

    def clean(self, item: InputItem) -> Article:
        text, title = (markdown_to_text(item.content) if item.kind == "markdown" else (item.content, None))
        return _article(item, paragraphs_from_text(text, item.site_furniture), self.version, title=title)


def cleaner_version(kind: str, host: str | None, site_rules: SiteRules) -> str | None:
    """The cleaner version the cleaners would write now for a document of ``kind`` whose item's host
    (``item_host``) is ``host``: what ``documents.cleaner`` of an up-to-date document says. None for a kind
    no cleaner takes."""
    if kind == "html":
        return HtmlCleaner(site_rules=site_rules).version_for(host)
    return TextCleaner.version if kind in ("text", "markdown") else None


def clean_item(item: InputItem, html_cleaner: Cleaner | None = None) -> Article:
    """Clean one item with the cleaner for its kind."""
    scrubbed = scrub_surrogates(item.content)
    if scrubbed is not item.content:  # lone surrogates from any source: no UTF-8 encoder downstream takes them
        item = dataclasses.replace(item, content=scrubbed)
    if item.kind == "html":
        return (html_cleaner or HtmlCleaner()).clean(item)
    if item.kind in ("text", "markdown"):
        return TextCleaner().clean(item)
    raise CleanError("unsupported_kind", f"no cleaner for kind {item.kind!r}")
