"""The search tokenizer: text to index terms, one Snowball stemmer per document language. Pure: no database.

Documents are tokenized when they are indexed (``wiredesk.store.search_index``), each with the stemmer of
its language (``documents.language``); a query is tokenized with the stemmer of every language present in
the index, and the terms are OR-ed (``wiredesk.fulltext.ranking``). Steps, for documents and queries alike:

1. NFKC, lower case, abbreviation dots and apostrophes dropped (``U.S.`` → ``us``, ``Iraq's`` → ``iraqs``);
2. words: runs of letters and digits; single letters and a few English function words left out;
3. the language's Snowball stemmer (PyStemmer: ``embassies`` → ``embassi``, ``stormed`` → ``storm``,
   ``Brücken`` → ``bruck``); a language without one (Japanese, Chinese, or none known) keeps its words;
4. accents stripped after stemming (``Bagdhád`` = ``bagdhad``).

What it is not: ranking (``ranking``) or storage (``store.search_index``). Changing anything here means
changing ``TOKENIZER_VERSION``: the next refresh then rebuilds the index once.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

#: Names the tokenizer that made the stored postings; another value makes the next refresh rebuild them.
#: 2: Snowball stemming per document language, in Python (1: Harman's English "S" stemmer, in SQL).
TOKENIZER_VERSION = "words-nfkc-snowball/2"

# A short list of English function words: they carry no topic and would be the longest postings lists.
STOPWORDS = frozenset(
    """a an and are as at be been but by for from had has have he her his i if in into is it its me my
    no not of on or our she so than that the their them then there these they this those to was we
    were what when which who will with would you your""".split()
)

#: ISO 639-1 code -> Snowball algorithm (PyStemmer's names). Languages missing here are not stemmed.
STEMMERS = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "cs": "czech", "da": "danish",
    "nl": "dutch", "en": "english", "eo": "esperanto", "et": "estonian", "fi": "finnish", "fr": "french",
    "de": "german", "el": "greek", "hi": "hindi", "hu": "hungarian", "id": "indonesian", "ga": "irish",
    "it": "italian", "lt": "lithuanian", "ne": "nepali", "no": "norwegian", "nb": "norwegian", "nn": "norwegian",
    "fa": "persian", "pl": "polish", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian",
    "st": "sesotho", "es": "spanish", "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}

_DOTTED = re.compile(r"(\w)\.(\w)\.")
_APOSTROPHE = re.compile(r"['’]")
_WORD = re.compile(r"[^\W_]+")


def stemmer_of(language: str | None) -> str | None:
    """The Snowball algorithm used for documents in ``language``, or ``None`` (words kept as they are)."""
    return STEMMERS.get(language or "")


@functools.cache
def _stemmer(algorithm: str):
    # late: PyStemmer loads only when something is indexed or searched; one stemmer object per algorithm
    import Stemmer

    return Stemmer.Stemmer(algorithm)


def words(text: str | None) -> list[str]:
    """Steps 1-2: lower-case words, abbreviation dots and apostrophes dropped, stopwords and single letters out."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _APOSTROPHE.sub("", _DOTTED.sub(r"\1\2", text))
    return [w for w in _WORD.findall(text) if len(w) > 1 and w not in STOPWORDS]


def _strip_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def index_terms(text: str | None, language: str | None) -> list[str]:
    """The terms of ``text`` as a document in ``language`` is indexed, in order (repeats kept: term frequency)."""
    found = words(text)
    algorithm = stemmer_of(language)
    if algorithm:
        found = _stemmer(algorithm).stemWords(found)
    return [_strip_accents(w) for w in found]


def query_terms(text: str | None, languages: Iterable[str | None]) -> list[str]:
    """The distinct terms of a query searched over documents in ``languages``: its words stemmed as each of
    those languages stems them (a query word matches its inflections in every language indexed)."""
    algorithms = sorted({stemmer_of(lang) or "" for lang in languages}) or [""]
    found: set[str] = set()
    for algorithm in algorithms:
        found.update(index_terms(text, _LANGUAGE_OF[algorithm]))
    return sorted(found)


# One language per algorithm (and "" for no stemming), to run ``index_terms`` with.
_LANGUAGE_OF = {"": None, **{algorithm: code for code, algorithm in sorted(STEMMERS.items(), reverse=True)}}
