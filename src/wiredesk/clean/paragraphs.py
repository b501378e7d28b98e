"""Paragraph roles: turn the text blocks of an article into ``Paragraph``s tagged body / caption /
credit / boilerplate.

What real pages carry, and what this module does with it (the seeds show each case):

1. Page furniture ("Read more of this story by the Associated Press on Yahoo News >>>", "Advertisement",
   a lone "More") is ``boilerplate``: kept as data, never part of the body text.
2. A photo credit glued to its caption ("...reception areaCredit: Getty – Contributor",
   "... on Tuesday. (Photo: Khalid Mohammed/AP)", a trailing "More" button label) is split off: the
   caption keeps its words, the credit becomes its own ``credit`` paragraph attached to the caption.
3. A credit standing alone ("Credit: Reuters") is a ``credit`` attached to the caption next to it; an
   unpunctuated short line next to a credit is that caption.
4. Everything else is ``body``.

This module is pure (strings in, ``Paragraph``s out) and knows nothing of HTML: cleaners hand it blocks.
It is not a general boilerplate remover; trafilatura does that for HTML before we see the text.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from wiredesk.clean.furniture import RULES
from wiredesk.domain.models import Paragraph
from wiredesk.domain.normalize import normalize_for_match, tidy_text

# Words that introduce a picture credit. English ones may be glued to the caption's last word
# ("...reception areaCredit: Getty"); "Source:" is deliberately absent everywhere: it introduces data.
_CREDIT_WORD_EN = r"(?:Credit|Credits|Photo|Photos|Photograph|Photographs|Picture|Pictures|Image|Images|Pic)"
# Every language's credit words (data/furniture.tsv): "Foto:", "Bild:", "Crédit :", "写真：".
_CREDIT_WORD = "(?:" + "|".join(
    re.escape(w) for w in sorted({*RULES.credit_words, "Credits", "Photographs", "Pictures", "Images", "Pic"},
                                 key=len, reverse=True)) + ")"
_COLON = r"\s*[:：]\s*"
# an agency or outlet before "Photo/" or "Foto/": "AP Photo/Edgar H. Clemente", "dpa Foto/..."
_AGENCY_PHOTO = r"(?:[A-Z][\w.&-]*\s+)?(?:Photo|Foto)\s*/\s*[^()/]"

# "(Photo: Khalid Mohammed/AP)", "(Bildquelle: Neumann)" or "(AP Photo/Hadi Mizban)" at the end,
# optionally followed by "More".
_PAREN_CREDIT = re.compile(
    rf"^(?P<caption>.*?)\s*\((?P<credit>(?:{_CREDIT_WORD}\s*(?:by\s+)?[:：]?\s*[^()]{{2,120}})"
    rf"|(?:{_AGENCY_PHOTO}[^()]{{1,80}}))\)\s*(?:More)?\s*$",
    re.S | re.I,
)
# "...reception areaCredit: Getty – Contributor": an English credit word may be glued to the caption's
# last word. The credit itself must look like one (``_plausible_credit``), which keeps ordinary sentences out.
_GLUED_CREDIT = re.compile(
    rf"^(?P<caption>.*?\S)\s*{_CREDIT_WORD_EN}\s*:\s*(?P<credit>[^!?:]{{2,80}}?)\s*(?:More)?\s*$",
    re.S,
)
# "Radfahrer auf der Brücke. Foto: Dan Bashakov/AP": any language's credit word after a sentence ends
# (or after a separator such as " | ").
_AFTER_SENTENCE_CREDIT = re.compile(
    rf"^(?P<caption>.*?[.!?…)”\"»|–—])\s*(?P<credit>{_CREDIT_WORD}{_COLON}[^!?:：]{{2,80}}?)\s*$", re.S)
# A paragraph that is only a credit: "Credit: Reuters", "Foto: AP", "AP Photo/Edgar H. Clemente", "写真：共同".
_ALONE_CREDIT = re.compile(rf"^(?:{_CREDIT_WORD}{_COLON}(?P<credit>[^!?:：]{{2,80}})|(?P<whole>{_AGENCY_PHOTO}.{{1,80}}))$",
                           re.I)
# "J. Berg" and "A.P." are credits; "it was tightening. Analysts expect" is a sentence.
_SENTENCE_BREAK = re.compile(r"\.\s+[a-z]|\.\s+\w+\s+\w+\s+\w+")


def _plausible_credit(text: str) -> bool:
    """Short, few words, no sentence inside: what a picture credit looks like."""
    return len(text.split()) <= 8 and not _SENTENCE_BREAK.search(text) and not text.endswith((",", ";"))
# A trailing "More" button label left over from a slideshow caption.
_TRAILING_MORE = re.compile(r"\s+More$")

_BOILERPLATE = [
    re.compile(p, re.I)
    for p in (
        r"^read (?:more|the full story|the rest)\b.*",
        r".*>>>\s*$",
        r"^(?:advertisement|advert|sponsored(?: content)?|promoted|more|share|share this(?: article)?|"
        r"tweet|email|print|comments?|skip advert|story continues below(?: advertisement)?)\.?$",
        r"^(?:sign up|subscribe)\b.{0,150}$",
        r"^click here\b.{0,150}$",
        r"^follow (?:us|@)\b.{0,150}$",
        r"^(?:related|see also|read also|also read|more on this story|recommended)\s*:.{0,200}$",
        r"^(?:©|\(c\)|copyright\b).{0,150}$",
        r".{0,150}\ball rights reserved\.?$",
        r"^(?:we use cookies|this site uses cookies)\b.{0,300}$",
    )
]
#: A paragraph longer than this with a credit glued to its end stays body (the credit is split off).
MAX_CAPTION_WORDS = 60
_TERMINAL = re.compile(r"""[.!?:;…"'”’)\]]$""")
_MAX_UNPUNCTUATED_CAPTION = 200


def is_boilerplate(text: str) -> bool:
    """True for page furniture such as "Read more ... >>>", "Advertisement", a copyright line, or a phrase
    of the multilingual furniture list ("Ähnliche Artikel", "Lire aussi : ...", "関連記事")."""
    return any(p.match(text) for p in _BOILERPLATE) or RULES.reason(text) is not None


def split_credit(text: str) -> tuple[str, str] | None:
    """Split a caption with a credit glued to it into ``(caption, credit)``; ``None`` if there is none.

    >>> split_credit("Protesters in Baghdad. (Photo: Khalid Mohammed/AP) More")
    ('Protesters in Baghdad.', 'Khalid Mohammed/AP')
    >>> split_credit("Gunfire was heard as security forces to keep the mob at bayCredit: Reuters")
    ('Gunfire was heard as security forces to keep the mob at bay', 'Reuters')
    """
    for pattern in (_PAREN_CREDIT, _GLUED_CREDIT, _AFTER_SENTENCE_CREDIT):
        m = pattern.match(text)
        if m and m.group("caption").strip(" |–—"):
            credit = re.sub(rf"^{_CREDIT_WORD}\s*(?:by\s+)?[:：]?\s*", "", m.group("credit").strip(), flags=re.I).strip()
            if _plausible_credit(credit):
                return m.group("caption").strip().rstrip(" |–—"), credit
    return None


def _credit_alone(text: str) -> str | None:
    m = _ALONE_CREDIT.match(text)
    if not m:
        return text if RULES.is_agency_credit(text) else None
    credit = (m.group("credit") or m.group("whole")).strip()
    return credit if _plausible_credit(credit) else None


def _looks_like_caption(text: str) -> bool:
    """A short line without closing punctuation: how captions without a credit look in text dumps."""
    return len(text) <= _MAX_UNPUNCTUATED_CAPTION and not _TERMINAL.search(text)


def split_blocks(text: str) -> list[str]:
    """Split plain text into paragraph blocks: on blank lines, or on lines when there are no blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = re.split(r"\n\s*\n", text)
    if len(blocks) == 1:
        blocks = text.split("\n")
    return [b for b in (tidy_text(b) for b in blocks) if b]


@dataclass(frozen=True)
class Block:
    """A text block with what its source knows about it: a figure caption, how much of it is link text."""

    text: str
    caption: bool = False
    link_share: float = 0.0  # share of its characters inside links, 0..1


#: A block at least this much link text, and short, is a link list entry ("Most read", related articles):
#: article paragraphs link a few words, teasers are links through and through.
LINK_LIST_SHARE = 0.8
LINK_LIST_MAX_WORDS = 30


_URL = re.compile(r"^(?:https?://|www\.)\S+$", re.I)


def _is_link_list(block: Block, text: str) -> bool:
    """Short and (nearly) all link text; a bare URL is a reference the article gives, not a teaser."""
    return (block.link_share >= LINK_LIST_SHARE and len(text.split()) <= LINK_LIST_MAX_WORDS
            and not block.caption and not _URL.match(text))


# "Lea: <headline>", "VEA TAMBIÉN: <headline>", "PUEDES VER: <headline>": a short label, then a link.
_LINK_LABEL = re.compile(r"^\W{0,3}\w+(?:\s+\w+){0,3}\s*[:：|»›>–—]")


def _in_link_run(blocks: Sequence[Block], i: int) -> bool:
    """A link line next to another link line or to furniture: a list of teasers; or a link behind a short
    label: a cross-link in any language. A lone linked line in the article (a linked subheading, a source)
    stays body."""
    if blocks[i].link_share < 1.0 and _LINK_LABEL.match(tidy_text(blocks[i].text)):
        return True
    for j in (i - 1, i + 1):
        if 0 <= j < len(blocks):
            neighbour = tidy_text(blocks[j].text)
            if _is_link_list(blocks[j], neighbour) or is_boilerplate(neighbour):
                return True
    return False


def assign_roles(blocks: Iterable[str | Block], caption_hints: Sequence[bool] | None = None, *,
                 site_furniture: Collection[str] = frozenset()) -> tuple[Paragraph, ...]:
    """Turn text blocks (in reading order) into paragraphs with roles, splitting credits off captions.

    ``caption_hints[i]`` (or ``Block.caption``) marks a block the source already knows is a caption (an
    HTML figcaption). ``site_furniture`` holds ``normalize_for_match`` keys of lines repeated across the
    site's pages (``wiredesk.clean.furniture.site_furniture``): such a line is boilerplate.
    Positions are dense and in reading order; a split credit follows its caption.
    """
    given = [b if isinstance(b, Block) else Block(b) for b in blocks]
    if caption_hints is not None:
        given = [Block(b.text, b.caption or bool(h), b.link_share) for b, h in zip(given, caption_hints)]
    # 1. first pass: each block on its own -> (role, text, credit or None)
    staged: list[tuple[str, str, str | None]] = []
    for index, block in enumerate(given):
        text, hinted = tidy_text(block.text), block.caption
        if not text:
            continue
        alone = _credit_alone(text)
        if alone is not None:
            staged.append(("credit", alone, None))
            continue
        split = split_credit(text)
        if split is not None:
            caption, credit = split
            # a long paragraph with a stray credit at its end is article text that sat beside a picture
            long_text = not hinted and len(caption.split()) > MAX_CAPTION_WORDS
            staged.append(("body" if long_text else "caption", caption, credit))
        elif is_boilerplate(text) or (site_furniture and normalize_for_match(text) in site_furniture):
            staged.append(("boilerplate", text, None))
        elif _is_link_list(block, text) and _in_link_run(given, index):
            staged.append(("boilerplate", text, None))
        else:
            staged.append(("caption" if hinted else "body", _TRAILING_MORE.sub("", text) if hinted else text, None))

    # 2. a standalone credit belongs to the unpunctuated short line next to it (next first, as pages
    #    print the credit above the caption), else to a caption just before it.
    roles = [s[0] for s in staged]
    attach: dict[int, int] = {}
    for i, (role, _text, _c) in enumerate(staged):
        if role != "credit":
            continue
        nxt, prv = i + 1, i - 1
        if nxt < len(staged) and roles[nxt] in ("body", "caption") and _looks_like_caption(staged[nxt][1]):
            roles[nxt] = "caption"
            attach[i] = nxt
        elif prv >= 0 and (roles[prv] == "caption" or (roles[prv] == "body" and _looks_like_caption(staged[prv][1]))):
            roles[prv] = "caption"
            attach[i] = prv

    # 3. emit with dense positions; glued credits follow their caption
    out: list[Paragraph] = []
    position_of: dict[int, int] = {}
    pending: list[tuple[int, str]] = []  # (staged index of credit, text) waiting for their caption's position
    for i, (_role, text, credit) in enumerate(staged):
        role = roles[i]
        if role == "credit" and i in attach and attach[i] > i:
            pending.append((i, text))  # caption comes next; emit the credit after it
            continue
        pos = len(out)
        position_of[i] = pos
        target = position_of.get(attach[i]) if role == "credit" and i in attach else None
        out.append(Paragraph(position=pos, role=role, text=text, attached_to=target))
        if credit is not None:
            out.append(Paragraph(position=len(out), role="credit", text=credit, attached_to=pos))
        for j, credit_text in [p for p in pending if attach[p[0]] == i]:
            out.append(Paragraph(position=len(out), role="credit", text=credit_text, attached_to=pos))
        pending = [p for p in pending if attach[p[0]] != i]
    return tuple(out)


def paragraphs_from_text(text: str) -> tuple[Paragraph, ...]:
    """Paragraphs with roles from plain text."""
    return assign_roles(split_blocks(text))
