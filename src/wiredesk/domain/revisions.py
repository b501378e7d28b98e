"""What changed between two versions of a document: its body paragraphs added, removed and changed. Pure.

How paragraphs are aligned (``diff_paragraphs``):

1. both versions' body paragraphs are compared as whole paragraphs, whitespace folded, with difflib's
   ``SequenceMatcher`` (no junk heuristic): its equal blocks are the paragraphs kept as they were;
2. inside each block it could not match (a *replace*, *delete* or *insert* opcode), each old paragraph is
   paired, in reading order, with the first not yet paired new paragraph after the last pair whose word
   similarity (``SequenceMatcher`` ratio over the two word lists) is at least ``CHANGED_MIN_RATIO``: such a
   pair is one paragraph *changed*, with its old and new text;
3. what is left is *removed* (old paragraphs) and *added* (new ones).

A paragraph moved elsewhere in the text reads as removed here and added there. Not here: storing the rows
(``wiredesk.store.revisits``) or fetching anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

#: Bump when the alignment or its threshold changes (``paragraph_revisions.derived_by``).
REVISIONS_VERSION = "revisions/1"

#: The least word similarity at which a removed and an added paragraph are one paragraph edited. At 0.5 a
#: corrected figure, a name added or a sentence appended keep the pair; a rewritten paragraph does not.
CHANGED_MIN_RATIO = 0.5


@dataclass(frozen=True)
class ParagraphChange:
    """One paragraph of a new version against the version before: ``added`` (``old_*`` None), ``removed``
    (``new_*`` None) or ``changed`` (both, with their word similarity)."""

    change: str
    old_position: int | None
    new_position: int | None
    old_text: str | None
    new_text: str | None
    similarity: float | None = None


def _fold(text: str) -> str:
    return " ".join(text.split())


def word_similarity(old: str, new: str) -> float:
    """``SequenceMatcher`` ratio of the two texts' word lists (0..1)."""
    return SequenceMatcher(None, old.split(), new.split(), autojunk=False).ratio()


def diff_paragraphs(old: Sequence[tuple[int, str]], new: Sequence[tuple[int, str]],
                    min_ratio: float = CHANGED_MIN_RATIO) -> list[ParagraphChange]:
    """The changes from ``old`` to ``new`` (each ``(position, text)`` in reading order), in the new version's
    reading order (removed paragraphs where they stood)."""
    matcher = SequenceMatcher(None, [_fold(t) for _, t in old], [_fold(t) for _, t in new], autojunk=False)
    out: list[ParagraphChange] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            out.extend(_pair_block(old[i1:i2], new[j1:j2], min_ratio))
    return out


def _pair_block(old: Sequence[tuple[int, str]], new: Sequence[tuple[int, str]], min_ratio: float) -> list[ParagraphChange]:
    out: list[ParagraphChange] = []
    next_new = 0  # new paragraphs before this one are paired or passed: pairs keep reading order
    for old_pos, old_text in old:
        match = None
        for j in range(next_new, len(new)):
            ratio = word_similarity(old_text, new[j][1])
            if ratio >= min_ratio:
                match = (j, ratio)
                break
        if match is None:
            out.append(ParagraphChange("removed", old_pos, None, old_text, None))
            continue
        j, ratio = match
        out.extend(ParagraphChange("added", None, pos, None, text) for pos, text in new[next_new:j])
        out.append(ParagraphChange("changed", old_pos, new[j][0], old_text, new[j][1], round(ratio, 4)))
        next_new = j + 1
    out.extend(ParagraphChange("added", None, pos, None, text) for pos, text in new[next_new:])
    return out
