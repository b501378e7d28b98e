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
from collections.abc import Iterable, Sequence

from wiredesk.domain.models import Paragraph
from wiredesk.domain.normalize import tidy_text

# Words that introduce a picture credit. "Photograph:" (Guardian), "Picture:" (UK tabloids),
# "Image:"/"Photo:" (US), "Credit:" (The Sun), "Source:" is deliberately absent: it introduces data.
_CREDIT_WORD = r"(?:Credit|Credits|Photo|Photos|Photograph|Photographs|Picture|Pictures|Image|Images|Pic)"

# "(Photo: Khalid Mohammed/AP)" or "(AP Photo/Hadi Mizban)" at the end, optionally followed by "More".
_PAREN_CREDIT = re.compile(
    rf"^(?P<caption>.*?)\s*\((?P<credit>(?:{_CREDIT_WORD}\s*(?:by\s+)?:?\s*[^()]{{2,120}})"
    r"|(?:[A-Z][\w.&-]*\s+Photo/[^()]{2,80}))\)\s*(?:More)?\s*$",
    re.S,
)
# "...reception areaCredit: Getty – Contributor": the credit word may be glued to the caption's last word.
# The credit itself must look like one (``_plausible_credit``), which keeps ordinary sentences out.
_GLUED_CREDIT = re.compile(
    rf"^(?P<caption>.*?\S)\s*{_CREDIT_WORD}\s*:\s*(?P<credit>[^!?:]{{2,80}}?)\s*(?:More)?\s*$",
    re.S,
)
# A paragraph that is only a credit: "Credit: Reuters", "Photo: AP".
_ALONE_CREDIT = re.compile(rf"^{_CREDIT_WORD}\s*:\s*(?P<credit>[^!?:]{{2,80}})$")
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
_TERMINAL = re.compile(r"""[.!?:;…"'”’)\]]$""")
_MAX_UNPUNCTUATED_CAPTION = 200


def is_boilerplate(text: str) -> bool:
    """True for page furniture such as "Read more ... >>>", "Advertisement" or a copyright line."""
    return any(p.match(text) for p in _BOILERPLATE)


def split_credit(text: str) -> tuple[str, str] | None:
    """Split a caption with a credit glued to it into ``(caption, credit)``; ``None`` if there is none.

    >>> split_credit("Protesters in Baghdad. (Photo: Khalid Mohammed/AP) More")
    ('Protesters in Baghdad.', 'Khalid Mohammed/AP')
    >>> split_credit("Gunfire was heard as security forces to keep the mob at bayCredit: Reuters")
    ('Gunfire was heard as security forces to keep the mob at bay', 'Reuters')
    """
    for pattern in (_PAREN_CREDIT, _GLUED_CREDIT):
        m = pattern.match(text)
        if m and m.group("caption").strip():
            credit = re.sub(rf"^{_CREDIT_WORD}\s*(?:by\s+)?:?\s*", "", m.group("credit").strip()).strip()
            if _plausible_credit(credit):
                return m.group("caption").strip(), credit
    return None


def _credit_alone(text: str) -> str | None:
    m = _ALONE_CREDIT.match(text)
    return m.group("credit").strip() if m and _plausible_credit(m.group("credit").strip()) else None


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


def assign_roles(blocks: Iterable[str], caption_hints: Sequence[bool] | None = None) -> tuple[Paragraph, ...]:
    """Turn text blocks (in reading order) into paragraphs with roles, splitting credits off captions.

    ``caption_hints[i]`` marks a block the source already knows is a caption (an HTML figcaption).
    Positions are dense and in reading order; a split credit follows its caption.
    """
    tidy = [tidy_text(b) for b in blocks]
    hints = list(caption_hints) if caption_hints is not None else [False] * len(tidy)
    # 1. first pass: each block on its own -> (role, text, credit or None)
    staged: list[tuple[str, str, str | None]] = []
    for text, hinted in zip(tidy, hints):
        if not text:
            continue
        alone = _credit_alone(text)
        if alone is not None:
            staged.append(("credit", alone, None))
            continue
        split = split_credit(text)
        if split is not None:
            caption, credit = split
            staged.append(("caption", caption, credit))
        elif is_boilerplate(text):
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
