"""Cheap reading before any parse: sentences by rule, and which of them could hold a trigger.

The spaCy parse is nearly all the cost of event extraction, and most sentences of a news article name no
action of the lexicon. This module splits a paragraph into sentences with a regular expression and tells,
from surface word forms alone, which sentences could hold a trigger: a superset of what the lexicon fires
on after the parse (every inflected form of every trigger word, its other words and one of its
disambiguation words must all be there), so only those sentences, and the sentences a reference in them
may point back to, are parsed; a sentence the language detector is sure is in another language is not.
Pure; the only model it asks is the language detector's; it knows words, not events.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping

from wiredesk.events.lexicon import Lexicon, noun_forms, verb_forms

#: Disambiguation words that say nothing of a sense outside their own sentence ("charged *with*").
FUNCTION_WORDS = frozenset({"with", "on", "in", "at", "for", "by", "of", "to", "from", "into", "off", "out", "up",
                            "down", "over", "after", "as", "the", "a", "an", "be", "have", "run", "make", "take",
                            "give", "get", "set", "put", "stand", "face", "bring", "drop", "hold", "open"})

#: Lower-case words (without their final period) after which a period does not end a sentence.
ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "maj", "cmdr", "adm", "rep", "sen",
    "gov", "pres", "supt", "insp", "det", "st", "mt", "ft", "jr", "sr", "messrs", "rev", "hon", "no", "nos",
    "vs", "v", "etc", "approx", "dept", "univ", "corp", "inc", "ltd", "co", "bros", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur",
    "thurs", "fri", "sat", "sun", "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill",
    "ind", "kan", "ky", "la", "md", "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nev", "okla", "ore",
    "pa", "tenn", "tex", "va", "vt", "wash", "wis", "wyo", "e.g", "i.e", "al", "fig", "ch", "vol", "pp",
    "m", "mme", "mlle",  # French: M. Macron, Mme Merkel
})

# A sentence may end at . ! ? … (several), then closing quotes or brackets, then white space.
_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019\u00bb)\]]*(?=\s)")
_OPENERS = "\"'\u201c\u2018\u00ab([-\u2014\u2013"
_WORD = re.compile(r"[^\W\d_]+")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans (start, end exclusive) of the sentences of ``text``, trimmed of white space.

    A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or brackets) followed by white
    space and a capital letter, a digit or an opening quote; or at a line break. A period after a known
    abbreviation ("Gen.", "Dec."), a single letter ("John F. Kennedy", "U.S.") or a number-like token does
    not end one when a capital follows ("U.S. forces", "Dec. 31"): a few true ends are missed there ("... in
    the U.S. The next day"), which only makes a sentence longer.
    """
    spans: list[tuple[int, int]] = []
    for line_start, line in _lines(text):
        start = 0
        for m in _END.finditer(line):
            end = m.end()
            nxt = end
            while nxt < len(line) and line[nxt].isspace():
                nxt += 1
            if nxt >= len(line):
                continue
            follow = line[nxt]
            if follow in _OPENERS and nxt + 1 < len(line):
                follow = line[nxt + 1] if not line[nxt + 1].isspace() else follow
            if not (follow.isupper() or follow.isdigit() or follow in _OPENERS):
                continue
            if line[m.start()] == "." and m.end() - m.start() == 1 and _abbreviation_before(line, m.start()):
                continue
            spans.append(_trim(text, line_start + start, line_start + end))
            start = nxt
        spans.append(_trim(text, line_start + start, line_start + len(line)))
    return [s for s in spans if s[1] > s[0]]


def _lines(text: str) -> Iterable[tuple[int, str]]:
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _abbreviation_before(line: str, dot: int) -> bool:
    k = dot
    while k > 0 and not line[k - 1].isspace():
        k -= 1
    word = line[k:dot].lstrip(_OPENERS).lower()
    if not word:
        return False
    if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
        return True
    return bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", word))  # "u.s", "e.u"


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


#: How sure the language detector must be that a sentence is in another language before it is left unread.
OTHER_LANGUAGE_PROBABILITY = 0.99


def other_language(text: str, language: str) -> bool:
    """Whether the sentence ``text`` is surely in another language than its document's ``language`` (a German
    quote in an English page: "die Bausteine" holds no death): the project's language detector
    (``wiredesk.clean.language``) is near certain of another language. Too little text says nothing (false)."""
    from wiredesk.clean.language import detect_language  # the detector's model loads on first use only

    code, probability = detect_language(text)
    return code is not None and code != language and probability >= OTHER_LANGUAGE_PROBABILITY


def words_of(text: str) -> set[str]:
    """The lower-case words of ``text``: letter runs, so "air-strike" gives "air" and "strike" (digits and
    punctuation split words), plus each hyphenated or apostrophised word whole ("sit-in")."""
    low = text.lower()
    out = set(_WORD.findall(low))
    out.update(w for w in re.findall(r"[^\W\d_]+(?:[-'\u2019][^\W\d_]+)+", low))
    return out


class TriggerWords:
    """Which sentences could fire a trigger of ``lexicon``, judged from their surface words.

    Every form of a lemma is its English inflections (``lexicon.verb_forms`` / ``noun_forms``) when
    ``inflect`` is true, plus the forms ``extra_forms`` lists for it (a spaCy model's lemmatizer
    exceptions: "bought" for "buy"). A trigger entry is possible in a sentence when each of its words has a
    form there and, if it has disambiguation words, one of them does too. For a language without an
    inflection table (``inflect`` false and no forms given) build no ``TriggerWords``: every sentence is
    parsed.
    """

    def __init__(self, lexicon: Lexicon, extra_forms: Mapping[str, Iterable[str]] | None = None,
                 inflect: bool = True) -> None:
        extra = extra_forms or {}
        cache: dict[str, frozenset[str]] = {}

        def forms(lemma: str) -> frozenset[str]:
            if lemma not in cache:
                f = {lemma} | set(extra.get(lemma, ()))
                if inflect:
                    f |= verb_forms(lemma) | noun_forms(lemma)
                cache[lemma] = frozenset(f)
            return cache[lemma]

        self._by_form: dict[str, list[tuple[tuple[frozenset[str], ...], frozenset[str], bool]]] = {}
        #: a surface form of a content word some entry asks for → the lemmas it may be (document context)
        self._requires_of: dict[str, set[str]] = {}
        for words, entries in lexicon.triggers.items():
            rest = tuple(forms(w) for w in words[1:])
            for e in entries:
                need = frozenset().union(*(forms(r) for r in e.requires)) if e.requires else frozenset()
                for f in forms(words[0]):
                    self._by_form.setdefault(f, []).append((rest, need, e.sentence_only))
                for r in (frozenset() if e.sentence_only else e.requires - FUNCTION_WORDS):
                    for f in forms(r):
                        self._requires_of.setdefault(f, set()).add(r)

    def document_context(self, words: set[str]) -> frozenset[str]:
        """The disambiguation lemmas of the lexicon whose forms are among a document's ``words`` (its body's
        ``words_of``), function words ("with", "on") left out: what tells the sense of an ambiguous trigger
        from anywhere in the document ("won" in an article about a game)."""
        return frozenset(r for w in words for r in self._requires_of.get(w, ()))

    def possible(self, text: str, context: frozenset[str] = frozenset()) -> bool:
        """Whether some trigger entry could fire in ``text`` (one sentence); ``context`` is the document's
        (``document_context``): a disambiguation word there counts as if it were in the sentence."""
        words = words_of(text)
        around = words | context
        for w in words:
            for rest, need, only in self._by_form.get(w, ()):
                if all(f & words for f in rest) and (not need or need & (words if only else around)):
                    return True
        return False
