"""Cheap text analysis for stories: sentences, tokens, stop words and a language guess. No parser, no model.

The story layer must not add a second parse to a run (the event stage already costs most of one), so
everything here is regular expressions and set look-ups. It is not tokenization for display or search;
``wiredesk.fulltext`` owns that.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from importlib import resources
from types import MappingProxyType

from wiredesk.domain.normalize import tidy_text

# A token: letters/digits, with inner apostrophes, dots, hyphens or digit-group commas ("O'Brien", "U.S",
# "9-14", "1,200", "7.1"). Punctuation around it is not part of it.
_TOKEN = re.compile(r"\w+(?:(?:['\u2019.\-]|(?<=\d),(?=\d))\w+)*")
# A sentence ends at . ! ? (optionally closed by a quote or bracket) before whitespace and a capital, digit or
# opening quote; paragraphs (blank lines or single newlines from cleaned text) always end one.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[^\W_a-z])|\n+")
# Abbreviations that end in a dot without ending the sentence (a small, mostly English list: a wrong split
# only makes the next word look sentence-initial, which the name rules tolerate).
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr gen col lt sgt capt gov sen rep rev no vs inc corp ltd co jan feb mar apr jun "
    "jul aug sep sept oct nov dec u.s u.k u.n e.g i.e st mt ft".split())

# Words that may sit inside a proper name between capitalised words ("Bank of England", "Charles de Gaulle").
NAME_CONNECTORS = frozenset("of de del della der van von la le du da di dos das al el bin ibn".split())



def parse_stopwords(text: str) -> Mapping[str, frozenset[str]]:
    """Language code -> stop words, from the lines of ``data/stopwords.tsv`` (code, tab, words)."""
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, words = line.split("\t", 1)
            out[code] = frozenset(words.split())
    return MappingProxyType(out)


#: language code -> its stop words (read-only; file order: a guess's tie goes to the earlier language)
STOPWORDS = parse_stopwords(resources.files("wiredesk.stories").joinpath("data/stopwords.tsv")
                            .read_text(encoding="utf-8"))

#: How many tokens of a document the language guess reads.
GUESS_TOKENS = 400


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, in order; an abbreviation's dot ("Dr.", "U.S.") does not end one."""
    out: list[str] = []
    start = 0
    pending = ""
    for m in _SENTENCE_END.finditer(text):
        piece = text[start:m.start()]
        start = m.end()
        last = piece.rstrip(".!?\"'\u201d\u2019)] ").rsplit(None, 1)[-1:] if piece.strip() else []
        if "\n" not in m.group() and last and last[0].lower().strip(".") in _ABBREVIATIONS:
            pending += piece + " "
            continue
        sentence = tidy_text(pending + piece)
        pending = ""
        if sentence:
            out.append(sentence)
    tail = tidy_text(pending + text[start:])
    if tail:
        out.append(tail)
    return out


def tokens(sentence: str) -> list[str]:
    """The word and number tokens of one sentence, as written."""
    return [t.rstrip(".") or t for t in _TOKEN.findall(sentence)]


def fold(word: str) -> str:
    """Case- and accent-folded form of a word or name: "Müller" and "MULLER" both give "muller".

    Names travel across languages with and without diacritics; folding them makes them match.
    """
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("\u2019", "'")


def base_language(code: str | None) -> str | None:
    """"en-US" -> "en"; None or an empty code -> None."""
    if not code:
        return None
    return code.strip().lower().replace("_", "-").split("-")[0] or None


def guess_language(words: list[str]) -> str | None:
    """The language whose stop words cover the most of ``words`` (lower-case tokens), or None.

    A document must show at least 3 stop words of the winner and have them make up at least 15 % of its
    first ``GUESS_TOKENS`` tokens; otherwise its language is unknown and no stop words are removed.
    """
    sample = [w for w in words[:GUESS_TOKENS] if w.isalpha()]
    if not sample:
        return None
    best, best_hits = None, 0
    for lang, stop in STOPWORDS.items():  # dict order: a tie goes to the earlier (more common) language
        hits = sum(1 for w in sample if w in stop)
        if hits > best_hits:
            best, best_hits = lang, hits
    if best_hits >= 3 and best_hits >= 0.15 * len(sample):
        return best
    return None


def stopwords_for(language: str | None) -> frozenset[str]:
    """Stop words of ``language`` (empty when unknown)."""
    return STOPWORDS.get(language or "", frozenset())


def iter_token_sentences(text: str) -> Iterator[tuple[str, list[str]]]:
    """Each sentence of ``text`` with its tokens."""
    for sentence in split_sentences(text):
        toks = tokens(sentence)
        if toks:
            yield sentence, toks
