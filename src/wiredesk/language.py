"""The language of a document, as a base ISO 639-1 code, and where that answer came from.

Order (``document_language``): metadata supplied with the item (a sidecar, a feed's ``<language>``, a
Google News sitemap) wins; then what the page declares (``<html lang>``, Content-Language, ``og:locale``);
then py3langid on the cleaned text. A declaration is overruled only when the text is long and the
detector is near certain of another language (templates that say ``lang="en"`` on every page are
common). Codes are normalised: ``en-US`` → ``en``, ``deu``/``ger`` → ``de``, legacy ``iw`` → ``he``;
``und``, ``mul``, ``x-default`` and anything unrecognisable → none.

What it is not: it stores nothing and touches no network; the detector's model ships inside the
py3langid wheel and is loaded from it once per process (py3langid unpacks it through a temporary file;
if that fails, e.g. on a full disk, detection gives no language instead of failing the document).
"""

from __future__ import annotations

import functools
import lzma
import re
from typing import NamedTuple

#: The text must have this many characters before the detector may overrule a declared language, and
#: the detector must be this sure (normalised probability).
OVERRULE_MIN_CHARS = 400
OVERRULE_MIN_PROBABILITY = 0.999
#: Below this many letters the detector is not asked at all (a caption or a title alone says little).
DETECT_MIN_CHARS = 20
#: The detector reads at most this much text (its answer is stable long before; its cost grows with it).
DETECT_MAX_CHARS = 800

# ISO 639-2/3 codes (bibliographic and terminological) of the languages news is mostly written in,
# and the legacy 639-1 codes still seen in the wild, mapped to today's ISO 639-1.
_ALIASES = {
    "ara": "ar", "bul": "bg", "cat": "ca", "ces": "cs", "cze": "cs", "dan": "da", "deu": "de", "ger": "de",
    "ell": "el", "gre": "el", "eng": "en", "spa": "es", "est": "et", "eus": "eu", "baq": "eu", "fas": "fa",
    "per": "fa", "fin": "fi", "fra": "fr", "fre": "fr", "gle": "ga", "glg": "gl", "heb": "he", "hin": "hi",
    "hrv": "hr", "hun": "hu", "ind": "id", "isl": "is", "ice": "is", "ita": "it", "jpn": "ja", "kor": "ko",
    "lit": "lt", "lav": "lv", "msa": "ms", "may": "ms", "nld": "nl", "dut": "nl", "nor": "no", "nob": "nb",
    "nno": "nn", "pol": "pl", "por": "pt", "ron": "ro", "rum": "ro", "rus": "ru", "slk": "sk", "slo": "sk",
    "slv": "sl", "srp": "sr", "swe": "sv", "tha": "th", "tur": "tr", "ukr": "uk", "urd": "ur", "vie": "vi",
    "zho": "zh", "chi": "zh", "iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro",
}
_CODE = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*\s*$")
_NOT_A_LANGUAGE = {"und", "mul", "zxx", "mis", "xx"}


class Language(NamedTuple):
    """A language code and its source: ``supplied``, ``declared``, ``detected`` or ``None``."""

    code: str | None
    source: str | None


def normalize_language(value: str | None) -> str | None:
    """A base ISO 639-1 code from a language tag (``en-US``, ``de_DE``, ``deu``), or ``None``."""
    if not value:
        return None
    m = _CODE.match(value)
    if not m:
        return None
    code = m.group(1).lower()
    if code in _NOT_A_LANGUAGE:
        return None
    code = _ALIASES.get(code, code)
    return code if len(code) == 2 else None


@functools.cache
def _identifier():
    """py3langid's identifier with normalised probabilities, from the model inside its wheel. Cached
    because loading takes about half a second; it is read-only afterwards. A failed load raises and is
    not cached, so the next document tries again."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str | None, float]:
    """py3langid's best language for ``text`` and its probability; ``(None, 0.0)`` for too little text."""
    sample = text[:DETECT_MAX_CHARS]
    if sum(c.isalpha() for c in sample[:200]) < DETECT_MIN_CHARS:
        return None, 0.0
    try:
        identifier = _identifier()
    except (OSError, ValueError, lzma.LZMAError):
        # py3langid unpacks its model through a temporary file: on a full disk the load fails, and a
        # document without a detected language is better than a document not cleaned at all
        return None, 0.0
    code, probability = identifier.classify(sample)
    return normalize_language(code), float(probability)


def document_language(text: str, *, supplied: str | None = None, declared: str | None = None) -> Language:
    """The document's language: supplied metadata, else the page's declaration, else detection on ``text``.

    A declaration loses to the detector only on a long text the detector is near certain about.
    """
    if code := normalize_language(supplied):
        return Language(code, "supplied")
    declared_code = normalize_language(declared)
    detected, probability = detect_language(text)
    if declared_code:
        if (detected and detected != declared_code and len(text) >= OVERRULE_MIN_CHARS
                and probability >= OVERRULE_MIN_PROBABILITY):
            return Language(detected, "detected")
        return Language(declared_code, "declared")
    return Language(detected, "detected" if detected else None)
