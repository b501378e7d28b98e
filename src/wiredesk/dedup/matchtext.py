"""Match text: the word sequence near-duplicate detection compares.

Real copy of one paragraph differs in ways a reader does not notice: case, punctuation, typographic quotes
and dashes, ``U.S.``/``US``, a photo credit glued to the end of a caption ("... dozens moreCredit: Reuters"),
"(Photo: ...)" credits and "More" gallery links, whitespace. ``match_tokens`` folds all of these and returns
the paragraph as a tuple of lowercase word tokens; shingling, MinHash signatures and verification all start
from it.

This module is not exact matching (that is ``wiredesk.domain.normalize.normalize_for_match``, which keeps
punctuation) and it never changes the text users see. Pure functions, no state.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from itertools import chain

from wiredesk.domain.normalize import FOLD_TABLE, INVISIBLE

# 1. Credits. A credit glued to a caption by the page layout ("... dozens moreCredit: Reuters",
#    "... compoundCredit: Getty – Contributor") or after a space, only at the end of a paragraph and only when
#    short enough to be a credit. Matched on the original case: a lowercase "credit:" is prose. A paragraph
#    that *is* a credit ("Credit: Reuters") is kept whole so it still matches other credits.
_TRAILING_CREDIT = re.compile(r"(?<=\S)\s*(?:Credit|Credits|Picture|Photo|Image)\s*:\s*[^.!?:]{1,80}$")
# "(Photo: Khalid Mohammed/AP)", "(Picture: Getty)", "(Credit: ...)" anywhere, and the Yahoo gallery link
# "More" that follows such a credit at the very end.
_PAREN_CREDIT = re.compile(r"\((?:Photo|Photos|Picture|Image|Credit|Video)s?\s*:[^)]{0,120}\)(?:\s+More\s*$)?", re.I)

# 2. Abbreviations whose dotted and undotted spellings are the same word (after casefolding).
_DOTTED = re.compile(r"\b((?:[A-Za-z]\.){2,})(?=\W|$)")
# 3. Anything that is not a letter or digit separates words; an apostrophe inside a word is dropped so
#    "week's" and "weeks" (and "week’s") agree, and digit groups "25,000" / "25.000" stay one token.
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_DIGIT_SEP = re.compile(r"(?<=\d)[,.](?=\d{3}\b)")
_TOKEN = re.compile(r"[^\W_]+")
# Cheap tests that let most paragraphs skip a substitution that could not change them (the substitutions
# scan every position: about half the cost of a batch's match tokens when always run).
# The same as _APOSTROPHE and _DIGIT_SEP, starting with the character they remove (what makes a scan fast),
# and a necessary part of any _DOTTED match (two dotted letters: ".S.").
_APOSTROPHE_FAST = re.compile(r"'(?<=\w')(?=\w)")
_DIGIT_SEP_FAST = re.compile(r"[,.](?<=\d[,.])(?=\d{3}\b)")
_DOTTED_HINT = re.compile(r"\.[A-Za-z]\.")
_CREDIT_WORD = re.compile(r"(?:Credits?|Picture|Photo|Image)\s*:")
_FOLDABLE = re.compile("[" + "".join(re.escape(chr(c)) for c in FOLD_TABLE) + "]")
#: The ASCII characters folding changes (the backtick, a quote): an ASCII paragraph without them skips folding.
_ASCII_FOLDABLE = re.compile("[" + "".join(re.escape(chr(c)) for c in FOLD_TABLE if c < 128) + "]")


def strip_credits(text: str) -> str:
    """Remove photo credits that page layout glued to or embedded in a paragraph (needs the original case)."""
    return _TRAILING_CREDIT.sub("", _PAREN_CREDIT.sub(" ", text)).strip()


def _cased_tokens(text: str) -> list[str]:
    """Word tokens in their original case: credits stripped, NFKC, quotes/dashes folded, U.S. -> US,
    apostrophes inside words and digit-group separators dropped."""
    text = _strip_credits_fast(text)
    text = INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    if _FOLDABLE.search(text):
        text = text.translate(FOLD_TABLE)
    if "." in text:
        text = _DOTTED.sub(lambda m: m.group(1).replace(".", ""), text)
    if "'" in text:
        text = _APOSTROPHE.sub("", text)
    return _TOKEN.findall(_DIGIT_SEP.sub("", text))


#: Joins a batch's paragraphs into one string for ``match_tokens_batch``: a noncharacter, which no text carries
#: in practice (checked: a batch that does is done paragraph by paragraph), not a word character, left alone by
#: NFKC, folding and case folding, so no substitution matches across it.
_SEP = "\uffff"


def match_tokens_batch(texts: Sequence[str]) -> tuple[list[str], list[bool], list[int]]:
    """``match_tokens_and_salience`` of every text, flattened: the tokens, their salience flags and the
    number of tokens of each text. The same tokens and flags as text by text (tested), with each
    substitution run once over the joined batch (``_SEP`` between paragraphs) and the Unicode steps only on
    the paragraphs that need them: about three times faster on a batch of news paragraphs."""
    texts = list(texts)
    if not texts:
        return [], [], []
    joined = _SEP.join(texts)
    if joined.count(_SEP) != len(texts) - 1:
        cased = [_cased_tokens(t) for t in texts]
    else:
        if "(" in joined or _CREDIT_WORD.search(joined):  # credits need the paragraph's end: text by text
            texts = [_strip_credits_fast(t) for t in texts]
        # NFKC, invisible characters and folding act on characters (NFKC on a paragraph's combining
        # sequences, which the separator ends): skipped for the paragraphs they cannot change
        texts = [t if t.isascii() and not _ASCII_FOLDABLE.search(t) else _fold_unicode(t) for t in texts]
        texts = [_undot(t) if _DOTTED_HINT.search(t) else t for t in texts]
        # the other two substitutions match runs that cannot contain the separator and treat it as the end
        # of a string; each is written to start with a literal so the scan of the batch is fast
        joined = _DIGIT_SEP_FAST.sub("", _APOSTROPHE_FAST.sub("", _SEP.join(texts)))
        findall = _TOKEN.findall
        cased = [findall(part) for part in joined.split(_SEP)]
    lengths = [len(c) for c in cased]
    flat = list(chain.from_iterable(cased))
    tokens = [t.lower() if t.isascii() else t.casefold() for t in flat]  # the same for ASCII, and faster
    salient = [not t.isalpha() or t[0].isupper() for t in flat]
    start = 0
    for n, c in zip(lengths, cased):
        if n:
            salient[start] = not c[0].isalpha()  # the first word of a paragraph is not salient for its capital
        start += n
    return tokens, salient, lengths


def _fold_unicode(text: str) -> str:
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = INVISIBLE.sub("", text)
    return _FOLDABLE.sub(_fold_char, text)  # what text.translate(FOLD_TABLE) does, faster on long text


def _fold_char(match: re.Match) -> str:
    return chr(c) if isinstance(c := FOLD_TABLE[ord(match[0])], int) else c


def _undot(text: str) -> str:
    return _DOTTED.sub(lambda m: m.group(1).replace(".", ""), text)


def _strip_credits_fast(text: str) -> str:
    if "(" in text:
        text = _PAREN_CREDIT.sub(" ", text)
    if _CREDIT_WORD.search(text):
        text = _TRAILING_CREDIT.sub("", text)
    return text


def match_tokens_and_salience(text: str) -> tuple[tuple[str, ...], tuple[bool, ...]]:
    """``match_tokens`` and ``salient_flags`` in one pass (what verification uses)."""
    cased = _cased_tokens(text)
    tokens = tuple(t.casefold() for t in cased)
    # tokens are runs of \w: one that is not all letters has a digit in it
    flags = tuple(not t.isalpha() or (i > 0 and t[0].isupper()) for i, t in enumerate(cased))
    return tokens, flags


def match_tokens(text: str) -> tuple[str, ...]:
    """The paragraph as lowercase word tokens with copy-desk variation folded away.

    >>> match_tokens("The U.S. military’s strikes — 25,000 dead moreCredit: Reuters")
    ('the', 'us', 'militarys', 'strikes', '25000', 'dead', 'more')
    """
    return tuple(t.casefold() for t in _cased_tokens(text))


def salient_flags(text: str) -> tuple[bool, ...]:
    """Per match token: does it carry a fact a template would swap (a number, or a capitalized word that
    does not start the paragraph)? Parallel to ``match_tokens(text)``; verification weighs these up so
    "Police arrested a man in Leeds" and "Police arrested a man in York" are not near-duplicates."""
    return match_tokens_and_salience(text)[1]


def match_text(text: str) -> str:
    """``match_tokens`` joined by single spaces: equal for paragraphs that differ only in folded variation."""
    return " ".join(match_tokens(text))
