"""Text normalization: the one definition of "the same text" that exact deduplication hashes.

Two paragraphs are exact duplicates when ``normalize_for_match`` gives the same string: Unicode
compatibility forms (NFKC), typographic quotes, dashes and whitespace are folded and case is ignored.
This module is not near-duplicate detection (word-level variation such as ``U.S.``/``US`` is the
near-duplicate stage's job) and it never changes the text users see: ``tidy_text`` only trims and
collapses whitespace for display.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Typographic variants that outlets' CMSes produce for the same keystroke.
_QUOTES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
}
_DASHES = {c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"}
FOLD_TABLE = str.maketrans({**_QUOTES, **_DASHES})
# Zero-width characters and soft hyphens are invisible in the page and must not split words.
INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SPACE = re.compile(r"\s+")


_SURROGATE = re.compile("[\ud800-\udfff]")


def scrub_surrogates(value):  # noqa: ANN001, ANN201 - str, or JSON data (dict/list) holding strings
    """``value`` with lone UTF-16 surrogates replaced by U+FFFD, in strings nested in dicts and lists too.

    JSON can carry ``"\\ud800"``; Python keeps it as a lone surrogate, which no UTF-8 encoder accepts
    (spaCy, hashing, DuckDB), so one such record used to stop a whole run. Scrubbed where JSON is read.
    """
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, list):
        return [scrub_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {scrub_surrogates(k): scrub_surrogates(v) for k, v in value.items()}
    return value


def tidy_text(text: str) -> str:
    """Text as shown to users: NFC, invisible characters removed, whitespace collapsed and trimmed."""
    text = unicodedata.normalize("NFC", text)
    text = INVISIBLE.sub("", text)
    return _SPACE.sub(" ", text).strip()


def normalize_for_match(text: str) -> str:
    """Canonical form for exact matching: NFKC, quotes/dashes folded, case folded, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = INVISIBLE.sub("", text).translate(FOLD_TABLE).casefold()
    return _SPACE.sub(" ", text).strip()


def match_hash(text: str) -> int:
    """64-bit signed hash of ``normalize_for_match(text)``; equal for exact duplicates.

    A BIGINT joins much faster in DuckDB than a hex string; at a million paragraphs the chance of any
    collision is about 3e-8.
    """
    digest = hashlib.blake2b(normalize_for_match(text).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def content_hash(text: str) -> str:
    """Hex SHA-256 of the normalized text of a whole document; equal when the content did not change."""
    return hashlib.sha256(normalize_for_match(text).encode("utf-8")).hexdigest()
