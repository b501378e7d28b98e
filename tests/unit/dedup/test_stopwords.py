"""Common words per language for near-duplicate keys: spaCy's lists, shipped as a generated file, chosen by
the document's language; an index keyed with the English-only list is flagged for a rebuild."""

from __future__ import annotations

import sys

from wiredesk.dedup.keys import compute_keys
from wiredesk.dedup.matchtext import match_tokens
from wiredesk.dedup.settings import DedupSettings
from wiredesk.dedup.shingles import Words, shingles
from wiredesk.dedup.stopwords import NEWS_WORDS_EN, languages, stop_words

from conftest import REPO

GERMAN = ("Die Regierung hat am Dienstag in der Hauptstadt einen neuen Plan für den Ausbau der Bahn vorgestellt, "
          "der bis zum Jahr 2030 umgesetzt werden soll.")


def test_the_shipped_lists_are_what_the_generator_makes_from_the_installed_spacy():
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from make_stopwords import OUT, build
    finally:
        sys.path.remove(str(REPO / "bench"))
    assert OUT.read_text(encoding="utf-8") == build(), "regenerate with bench/make_stopwords.py and move KEYS_CODE_VERSION"


def test_each_language_has_its_own_common_words_and_english_keeps_the_news_words():
    assert {"en", "de", "fr", "es", "pl", "ja", "zh", "no"} <= languages()
    assert {"und", "der", "die", "nicht"} <= stop_words("de") and "und" not in stop_words("en")
    assert {"les", "dans", "pour"} <= stop_words("fr") and {"przez", "jest"} <= stop_words("pl")
    assert NEWS_WORDS_EN <= stop_words("en") and {"said", "people"} <= stop_words("en")
    assert stop_words("no") == stop_words("nb")
    # folded as match tokens: each word is one token as paragraphs are tokenized
    assert all(match_tokens(w) == (w,) for lang in ("fr", "de", "en") for w in stop_words(lang))


def test_a_paragraph_of_unknown_language_drops_the_common_words_of_the_main_news_languages():
    unknown = stop_words(None)
    assert stop_words("en") | stop_words("de") | stop_words("fr") <= unknown
    assert stop_words("xx") == unknown and stop_words("tlh") == unknown


def test_shingles_of_common_words_make_no_key_in_the_documents_language():
    tokens = match_tokens(GERMAN)

    def shingle_count(language):
        return len(shingles(Words.of([tokens], [language]), DedupSettings().shingle_words)[0])

    # "in der hauptstadt" stays, "bis zum jahr" and "für den ausbau"... of German common words go in German
    assert shingle_count("de") < shingle_count("en") == shingle_count("ja") == len(tokens) - 2
    assert compute_keys([tokens], DedupSettings(), ["de"]).keys.tolist() != compute_keys([tokens], DedupSettings(), ["en"]).keys.tolist()


def test_the_signature_names_the_key_code_with_the_lists_per_language():
    assert DedupSettings().signature_version.startswith("keys/3;")
