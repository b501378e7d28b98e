"""Text blocks of an HTML article: trafilatura's output tree read in full, figure captions put back in place.

Two jobs, both pure functions of lxml trees (no trafilatura call, no roles: ``wiredesk.clean.cleaner`` runs the
extraction, ``wiredesk.clean.paragraphs`` gives roles):

1. ``tree_blocks`` reads every piece of text of trafilatura's body tree, in reading order: block elements
   (``p``, ``head``, ``item``, ``row``, ``code``, ``quote``) one block each, blocks nested in blocks on
   their own, and the text trafilatura leaves loose in a container (an element's leading text, the tail
   after a block, text around inline ``hi``/``ref``) as blocks of their own. Reading only block elements
   dropped that loose text (issue 16: a German page lost 195 of its 269 article words). A single line
   break is a space, so words on both sides of a ``<lb/>`` are not glued together; a double one ends the
   paragraph (pages that write paragraphs as ``text<br><br>text``).
2. ``figure_anchors`` + ``place_captions`` put figure captions back where the figure stands. trafilatura's
   ``include_images=True`` would keep each image's place, but it also changes what trafilatura takes as
   the article: related-article lists, most-read rankings and timelines of teaser images came into the
   body (issue 16: a Japanese page fell to F1 0.53). So the body is trafilatura's default extraction,
   and each ``<figure>`` with a ``<figcaption>`` of the *original* page goes back before the first text
   after it that the extraction kept. A figure followed by nothing the extraction kept (a teaser in a
   link list, a gallery after the article) is not article content and its caption is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from wiredesk.clean.paragraphs import Block
from wiredesk.domain.normalize import normalize_for_match

# Elements of trafilatura's output tree that are one paragraph each.
BLOCK_TAGS = frozenset({"p", "head", "quote", "item", "row", "code"})
# Markup that says "navigation" when trafilatura falls back to the page's own elements (a page with only
# a menu has no article).
_SKIPPED = frozenset({"nav"})
# Elements of trafilatura's tree that hold blocks rather than being one.
_CONTAINERS = frozenset({"list", "table", "div", "body", "graphic"})
# Elements whose text joins the surrounding text with a space, not glued to it: trafilatura's, and the
# HTML ones met when reading captions on the original page.
_SPACED = BLOCK_TAGS | {"lb", "list", "table", "cell", "graphic", "div", "br", "li", "td", "th", "tr", "span",
                        "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "small", "cite"}


def _text(el: etree._Element) -> str:
    """All text under ``el`` with a space wherever a line break or a nested block separates it."""
    parts = [el.text or ""]
    for child in el:
        if not isinstance(child.tag, str):  # comments, processing instructions
            parts.append(child.tail or "")
            continue
        inner = _text(child)
        parts.append(f" {inner} " if child.tag in _SPACED else inner)
        parts.append(child.tail or "")
    return "".join(parts)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _block_text(el: etree._Element) -> str:
    if el.tag == "row":  # a table row reads as one line, cells separated as trafilatura's txt output does
        return " | ".join(_squash(_text(c)) for c in el if isinstance(c.tag, str)).strip(" |")
    return _squash(_text(el))


def tree_blocks(body: etree._Element) -> list[Block]:
    """Every text of trafilatura's body tree as blocks in reading order; loose text included.

    Link shares are filled in later by ``mark_links`` (from the original page's anchors).
    """
    blocks: list[Block] = []
    if body.tag not in _SKIPPED:  # trafilatura's fallback can hand back a bare <nav> as the "body"
        _collect(body, blocks)
    return [b for b in blocks if b.text]


def _has_blocks(el: etree._Element) -> bool:
    return any(isinstance(d.tag, str) and d.tag in BLOCK_TAGS for d in el.iterdescendants())


def _collect(container: etree._Element, blocks: list[Block]) -> None:
    """Blocks of ``container``: its own text up to each nested block, the nested blocks (recursively), the
    tails after them; a double line break (``<lb/><lb/>``, pages that use ``<br><br>`` for paragraphs)
    also ends a block."""
    loose = [container.text or ""]
    lb_at = -1  # index in ``loose`` just after the last <lb/>, to spot a second one with nothing between

    def flush() -> None:
        text = _squash("".join(loose))
        if text:
            blocks.append(Block(text))
        loose.clear()

    for child in container:
        if not isinstance(child.tag, str) or child.tag in _SKIPPED:
            loose.append(child.tail or "")
            continue
        if child.tag in ("row", "code"):  # one line each, whatever is inside
            flush()
            blocks.append(Block(_block_text(child)))
        elif child.tag in BLOCK_TAGS or child.tag in _CONTAINERS or _has_blocks(child):
            flush()
            _collect(child, blocks)
        elif child.tag == "lb":
            if lb_at >= 0 and not "".join(loose[lb_at:]).strip():
                flush()
                lb_at = -1
            else:
                loose.append(" ")
                lb_at = len(loose)
        else:  # inline markup (hi, ref, del, ...): part of the loose text around it
            loose.append(_text(child))
        loose.append(child.tail or "")
    flush()


@dataclass(frozen=True)
class FigureAnchor:
    """A figure caption of the original page and the texts that follow the figure there."""

    caption: str
    following: tuple[str, ...]  # normalized keys of the next texts in document order


# Text-bearing elements of the original page used to find where a figure stands.
_SOURCE_TEXT_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "dd", "dt"})
_KEY_CHARS = 40
_MIN_KEY_CHARS = 12
_LOOKAHEAD = 3


def _key(text: str) -> str:
    return normalize_for_match(text)[:_KEY_CHARS]


def figure_anchors(tree: etree._Element) -> list[FigureAnchor]:
    """Each ``<figure>`` with a ``<figcaption>`` on the page, with the texts that follow it.

    Read from the page as loaded, before trafilatura prunes it. A figure with no image is kept too
    (pages lazy-load images through scripts); captions repeated on the page count once. Texts are keyed
    only while a figure waits for its followers, so pages without captions cost one search.
    """
    if tree.find(".//figcaption") is None:
        return []
    anchors: list[tuple[str, list[str]]] = []
    waiting: list[list[str]] = []  # following-text lists still short of _LOOKAHEAD
    seen: set[str] = set()
    skip: set = set()
    for el in tree.iter():
        if not isinstance(el.tag, str) or el in skip:
            continue
        if el.tag == "figure":
            skip.update(el.iter())
            waiting = []  # a figure ends the look-ahead of the figures before it
            cap = next(el.iter("figcaption"), None)
            text = _squash(_text(cap)) if cap is not None else ""
            if text and text not in seen:
                seen.add(text)
                anchors.append((text, []))
                waiting = [anchors[-1][1]]
        elif waiting and el.tag in _SOURCE_TEXT_TAGS:
            key = _key(_text(el))
            if len(key) >= _MIN_KEY_CHARS:
                for following in waiting:
                    following.append(key)
                waiting = [f for f in waiting if len(f) < _LOOKAHEAD]
    return [FigureAnchor(caption, tuple(following)) for caption, following in anchors]


def place_captions(blocks: list[Block], anchors: list[FigureAnchor]) -> list[Block]:
    """``blocks`` with each anchored caption (``caption=True``) inserted before the block it precedes on
    the page. A caption whose following texts are not among the blocks, or that is already one of the
    blocks, is left out.
    """
    if not anchors:
        return blocks
    keys = [_key(b.text) for b in blocks]
    index: dict[str, int] = {}
    for i, k in enumerate(keys):
        if len(k) >= _MIN_KEY_CHARS:
            index.setdefault(k, i)
    present = {normalize_for_match(b.text) for b in blocks}
    before: dict[int, list[str]] = {}
    for anchor in anchors:
        if normalize_for_match(anchor.caption) in present:
            continue
        at = next((index[k] for k in anchor.following if k in index), None)
        if at is not None:
            before.setdefault(at, []).append(anchor.caption)
    out: list[Block] = []
    for i, block in enumerate(blocks):
        out.extend(Block(caption, caption=True) for caption in before.get(i, ()))
        out.append(block)
    return out


_LINK_MIN_CHARS = 8
# "Lea también: <a>headline</a>", "Mehr zum Thema » <a>...</a>": a label, then the link
_LABEL_SEPARATOR = re.compile(r"^(.{1,40}?)\s*[:：|»›>–—]\s*(.+)$")


def link_texts(tree: etree._Element) -> frozenset[str]:
    """Keys (whitespace collapsed, case folded) of the texts of the page's links (``<a href>``), read before
    trafilatura prunes the page: trafilatura's own link output (``include_links``) changes what it extracts
    on about one page in twenty, so the link share of a block is found by matching texts instead."""
    out = set()
    for a in tree.iter("a"):
        key = _link_key("".join(a.itertext()))
        if len(key) >= _LINK_MIN_CHARS:
            out.add(key)
    return frozenset(out)


def _link_key(text: str) -> str:
    # cheaper than normalize_for_match: pages have hundreds of links, and both sides come from one page
    return " ".join(text.split()).casefold()


def mark_links(blocks: list[Block], links: frozenset[str]) -> list[Block]:
    """``blocks`` with ``link_share`` set: 1.0 for a block that is the whole text of a link, the linked part
    for "label: link" blocks, 0 otherwise."""
    if not links:
        return blocks
    out = []
    for b in blocks:
        key = _link_key(b.text)
        share = 0.0
        if key in links:
            share = 1.0
        elif (m := _LABEL_SEPARATOR.match(key)) and m.group(2) in links:
            share = len(m.group(2)) / len(key)
        out.append(Block(b.text, b.caption, share) if share else b)
    return out
