"""Page furniture across languages: the curated phrase list and the signals that need no language.

What this module is: the reader of ``data/furniture.tsv`` (picture-credit words and furniture phrases in
many languages, each with its language and the reason it is furniture; the file's header documents the
columns) and two pure helpers for signals that need no language:

- ``FurnitureRules.reason(text)``: why a paragraph is furniture by the phrase list, or ``None``;
- ``site_furniture(pages)``: short lines repeated on several pages of one site (menus, newsletter boxes,
  "Anzeige" labels) as keys to pass to ``wiredesk.clean.paragraphs.assign_roles``. It takes the texts of pages
  already seen on the site, so the store can answer it later from stored paragraphs; today it works on
  whatever pages the caller has (a batch, a test).

What it is not: it gives no roles itself (``wiredesk.clean.paragraphs`` does) and reads no HTML.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from wiredesk.domain.normalize import normalize_for_match

#: How many words a "lead" or "prefix" paragraph may have: furniture is short, article sentences are not.
LEAD_MAX_WORDS = 40
PREFIX_MAX_WORDS = 12
AGENCY_MAX_WORDS = 7
SOCIAL_MAX_WORDS = 45
# Names of social networks and app stores are the same in every language: a short paragraph naming three
# of them, or two and an @handle, is a "follow us" box, not article text.
_SOCIAL = re.compile(r"\b(twitter|facebook|instagram|telegram|whatsapp|youtube|tiktok|linkedin|threads|mastodon|"
                     r"bluesky|pinterest|snapchat|google news|apple news|app store|google play|ios|android)\b", re.I)
_HANDLE = re.compile(r"(?<![\w.])@\w{2,}")


def _is_social_call(text: str) -> bool:
    if len(text) > SOCIAL_MAX_WORDS * 12 or len(text.split()) > SOCIAL_MAX_WORDS:
        return False
    names = {m.casefold() for m in _SOCIAL.findall(text)}
    return len(names) >= 3 or (len(names) >= 2 and bool(_HANDLE.search(text)))
_TRAILING = " \t:：.…»›>|-–—"


@dataclass(frozen=True)
class FurnitureRow:
    role: str
    match: str
    lang: str
    text: str
    reason: str


@dataclass(frozen=True)
class FurnitureRules:
    """Compiled rows of the furniture file."""

    rows: tuple[FurnitureRow, ...]
    lines: dict[str, FurnitureRow]
    lead: re.Pattern
    prefix: re.Pattern
    credit_words: tuple[str, ...]
    agencies: frozenset[str]

    def is_agency_credit(self, text: str) -> bool:
        """A short line of names joined by "/" or "|" with a picture agency among them ("AFP / MARCO
        BERTORELLO", "aja/PAP", "dpa"): a credit standing alone."""
        if len(text.split()) > AGENCY_MAX_WORDS or text.rstrip().endswith((".", "!", "?", ":", ",")):
            return False
        parts = [" ".join(p.split()).casefold() for p in re.split(r"[/|]", text)]
        return any(p in self.agencies for p in parts)

    def reason(self, text: str) -> str | None:
        """The reason ``text`` is page furniture by the phrase list or a social-media call, or ``None``."""
        key = _line_key(text)
        if key in self.lines:
            return self.lines[key].reason
        if _is_social_call(text):
            return "social media call (follow us, join our channel)"
        words = len(text.split())
        if words <= LEAD_MAX_WORDS and (m := self.lead.match(text)):
            return self._row_reason(m.group(1))
        if words <= PREFIX_MAX_WORDS and (m := self.prefix.match(text)):
            return self._row_reason(m.group(1))
        return None

    def _row_reason(self, phrase: str) -> str:
        row = self.lines.get(_line_key(phrase))
        return row.reason if row else next(r.reason for r in self.rows if r.text.casefold() == phrase.casefold())


def _line_key(text: str) -> str:
    return " ".join(text.strip(_TRAILING).casefold().split())


def _alternation(phrases: Iterable[str]) -> str:
    # longest first, so "Mehr zum Thema" wins over "Mehr"
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(set(phrases), key=len, reverse=True))


def parse_rules(text: str) -> FurnitureRules:
    """Compile the furniture file's contents (see the header of ``data/furniture.tsv``)."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    rows = tuple(FurnitureRow(**{k: (v or "").strip() for k, v in r.items()})
                 for r in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    for r in rows:
        if r.role not in ("boilerplate", "credit") or r.match not in ("line", "lead", "prefix", "word", "agency"):
            raise ValueError(f"furniture row with unknown role or match: {r}")
        if (r.role == "credit") != (r.match in ("word", "agency")) or not r.text or not r.reason:
            raise ValueError(f"furniture row is incomplete or inconsistent: {r}")
    furniture = [r for r in rows if r.role == "boilerplate"]
    lead = [r.text for r in furniture if r.match == "lead"]
    prefix = [r.text for r in furniture if r.match == "prefix"]
    return FurnitureRules(
        rows=rows,
        lines={_line_key(r.text): r for r in furniture if r.match in ("line", "lead")},
        # the phrase, then a separator (or nothing at all, handled by ``lines``)
        lead=re.compile(rf"^\s*({_alternation(lead)})\s*[:：|»›>–—-]", re.I),
        prefix=re.compile(rf"^\s*({_alternation(prefix)})\s", re.I),
        credit_words=tuple(r.text for r in rows if r.match == "word"),
        agencies=frozenset(r.text.casefold() for r in rows if r.match == "agency"),
    )


def load_rules() -> FurnitureRules:
    """The rules shipped in ``wiredesk/clean/data/furniture.tsv``."""
    return parse_rules(resources.files("wiredesk.clean").joinpath("data/furniture.tsv").read_text(encoding="utf-8"))


#: The shipped rules, compiled once (immutable).
RULES = load_rules()

#: A line must be this short to count as repeated site furniture, and seen on this many pages.
SITE_MAX_WORDS = 12
SITE_MIN_PAGES = 3


def site_furniture(pages: Iterable[Iterable[str]], *, min_pages: int = SITE_MIN_PAGES,
                   max_words: int = SITE_MAX_WORDS) -> frozenset[str]:
    """Keys (``normalize_for_match``) of short lines found on at least ``min_pages`` pages of one site.

    ``pages`` are the paragraph texts of pages of the *same* site (the store can give those of pages
    already stored). News repeats whole sentences across articles only rarely and short ones almost never;
    menus, newsletter boxes and labels repeat on every page. Pass the result to ``assign_roles``.
    """
    counts: Counter[str] = Counter()
    for texts in pages:
        counts.update({normalize_for_match(t) for t in texts if 0 < len(t.split()) <= max_words})
    return frozenset(k for k, n in counts.items() if n >= min_pages)
