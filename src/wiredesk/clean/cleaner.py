"""Cleaning: an ``InputItem`` becomes an ``Article`` (metadata plus paragraphs with roles).

Two cleaners sit behind one small protocol:

- ``HtmlCleaner`` runs trafilatura (main text and metadata: title, authors, date, site name), reads its
  whole output tree into text blocks and puts figure captions back in place (``wiredesk.clean.textblocks``),
  then hands the blocks to ``wiredesk.clean.paragraphs`` for roles.
- ``TextCleaner`` handles plain text and Markdown: same paragraph roles, same normalization.

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
from trafilatura.utils import load_html

from wiredesk.clean.language import document_language
from wiredesk.clean.paragraphs import assign_roles, paragraphs_from_text
from wiredesk.clean.textblocks import figure_anchors, link_texts, mark_links, place_captions, tree_blocks
from wiredesk.domain.dates import parse_published
from wiredesk.domain.errors import CleanError
from wiredesk.domain.models import Article, InputItem, Paragraph
from wiredesk.domain.normalize import normalize_for_match, scrub_surrogates
from wiredesk.domain.versions import PARAGRAPHS_VERSION


class Cleaner(Protocol):
    """Turns one loaded item into an article.

    ``version`` names the code that produced the output and is stored on every document. ``clean``
    raises ``CleanError`` (with a short ``reason``, e.g. ``no_text``) when no article text can be found;
    it never returns an article without body paragraphs.
    """

    version: str

    def clean(self, item: InputItem) -> Article: ...


def _article(item: InputItem, paragraphs: tuple[Paragraph, ...], cleaner: str, **found) -> Article:
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
        paragraphs=paragraphs,
        cleaner=cleaner,
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


class HtmlCleaner:
    """trafilatura-based cleaner for HTML pages."""

    def __init__(self, *, favor_precision: bool = False, include_tables: bool = True):
        self.favor_precision = favor_precision
        self.include_tables = include_tables
        self.version = f"trafilatura/{trafilatura.__version__}+{PARAGRAPHS_VERSION}"

    def clean(self, item: InputItem) -> Article:
        try:
            tree = load_html(item.content)
            if tree is None:
                raise CleanError("not_html", "the page could not be parsed as HTML")
            anchors = figure_anchors(tree)  # before trafilatura prunes the tree
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
        paragraphs = assign_roles(blocks)
        authors = tuple(a.strip() for a in (doc.author or "").split(";") if a.strip())
        return _article(
            item,
            paragraphs,
            self.version,
            url=doc.url,
            title=doc.title,
            authors=authors,
            source=doc.sitename,
            published_at=parse_published(doc.date),
            language=doc.language or page_language(item.content),
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
        return _article(item, paragraphs_from_text(text), self.version, title=title)


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
