"""A site rule applied to a page (an lxml tree): what it drops, what it keeps, and the kept part read as text
blocks. The rules themselves, their checks and their versions are ``wiredesk.clean.siterules``; the cleaner
(``wiredesk.clean.cleaner.HtmlCleaner``) calls these in turn. Pure functions of trees: no I/O.
"""

from __future__ import annotations

import copy

from lxml import etree

from wiredesk.clean.paragraphs import Block
from wiredesk.clean.siterules import SiteRule, compiled
from wiredesk.clean.textblocks import tree_blocks


def remove_element(el) -> bool:
    """Remove ``el`` and what it holds from its tree; the text after it (its tail) stays where it was. False
    when it has no parent (the root, or already removed with an ancestor)."""
    parent = el.getparent()
    if parent is None:
        return False
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)
    return True


def drop_matches(tree, rule: SiteRule) -> int:
    """Remove from ``tree`` (in place) every element a drop selector matches, its trailing text kept. Returns
    how many elements were removed."""
    doomed = [el for selector in rule.drop for el in compiled(selector)(tree)]
    return sum(remove_element(el) for el in doomed)


def keep_matches(tree, rule: SiteRule) -> list:
    """The elements the keep selectors match, in page order, each once: an element inside another match is
    part of that match."""
    matched = {el for selector in rule.keep for el in compiled(selector)(tree)}
    if not matched:
        return []
    return [el for el in tree.iter() if el in matched and not any(a in matched for a in el.iterancestors())]


# HTML elements as the elements of trafilatura's output tree that ``tree_blocks`` reads; elements not named
# are inline (their text joins the text around them).
_AS_TRAFILATURA = {
    "p": "p", "h1": "head", "h2": "head", "h3": "head", "h4": "head", "h5": "head", "h6": "head",
    "li": "item", "dt": "item", "dd": "item", "ul": "list", "ol": "list", "dl": "list", "blockquote": "quote",
    "pre": "code", "code": "hi", "tr": "row", "td": "cell", "th": "cell", "table": "table", "thead": "table",
    "tbody": "table", "tfoot": "table", "br": "lb", "hr": "lb",
    **dict.fromkeys(("div", "section", "article", "main", "header", "footer", "aside", "figure", "details",
                     "summary", "address", "center", "form", "fieldset"), "div"),
}
# Never article text.
_UNREAD = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object", "button", "select",
                     "option", "textarea", "input", "label", "head", "title", "meta", "link"})


def kept_page(elements) -> etree._Element:
    """A ``body`` holding a copy of each kept element, in order, without the parts that are never text
    (scripts, styles, forms): what the cleaner reads instead of the page."""
    body = etree.Element("body")
    for el in elements:
        part = copy.deepcopy(el)
        part.tail = None
        body.append(part)
    for el in [e for e in body.iter() if not isinstance(e.tag, str) or e.tag.lower() in _UNREAD]:
        remove_element(el)
    return body


def keep_blocks(page: etree._Element) -> list[Block]:
    """The text blocks of a ``kept_page``, in order: its tags named as trafilatura's output tree names them,
    then read by ``tree_blocks`` like an extraction's body. Figure captions are left out here: the cleaner
    puts them back as captions (``wiredesk.clean.textblocks.place_captions``)."""
    body = copy.deepcopy(page)
    for el in list(body.iter("figcaption")):
        remove_element(el)
    for el in body.iter():
        if el is not body:
            el.tag = _AS_TRAFILATURA.get(el.tag.lower(), el.tag.lower())
    return tree_blocks(body)
