"""The tokenizer of the full-text index: one SQL expression, used for documents and queries alike, so both
sides always agree. Pure: it builds SQL text, it runs nothing.

Unicode lower case, accents stripped, apostrophes and abbreviation dots dropped (``U.S.`` → ``us``), runs of
letters and digits, English stopwords and single letters removed, then Harman's "S" stemmer (plural endings
only: ``embassies`` → ``embassy``, ``protesters`` → ``protester``). Changing it means changing
``TOKENIZER_VERSION``; the next refresh (``wiredesk.store.search_index``) then rebuilds the index.
"""

from __future__ import annotations

TOKENIZER_VERSION = "words-nfkc-s-stem/1"

# A short list of English function words: they carry no topic and would be the longest postings lists.
STOPWORDS = frozenset(
    """a an and are as at be been but by for from had has have he her his i if in into is it its me my
    no not of on or our she so than that the their them then there these they this those to was we
    were what when which who will with would you your""".split()
)

_STOP_SQL = "[" + ", ".join(f"'{w}'" for w in sorted(STOPWORDS)) + "]"


def terms_sql(expr: str) -> str:
    """SQL for the list of index terms of the text ``expr`` (a column expression or a ``?`` parameter).

    ``expr`` is a constant of this package, never user input; user text arrives as a bound parameter.
    """
    # "U.S." → "us" and "Iraq's" → "iraqs" (→ "iraq"), before splitting on everything else
    text = rf"regexp_replace(regexp_replace(coalesce({expr}, ''), '(\pL)\.(\pL)\.', '\1\2', 'g'), '[''’]', '', 'g')"
    words = rf"regexp_extract_all(lower(strip_accents({text})), '[\pL\pN]+')"
    # Harman (1991) S stemmer: -ies → -y (not -eies/-aies), -es → -e (not -aes/-ees/-oes), -s → '' (not -us/-ss)
    stem = (
        "CASE WHEN length(w) > 3 AND suffix(w, 'ies') AND NOT suffix(w, 'eies') AND NOT suffix(w, 'aies') "
        "THEN left(w, length(w) - 3) || 'y' "
        "WHEN length(w) > 3 AND suffix(w, 'es') AND NOT suffix(w, 'aes') AND NOT suffix(w, 'ees') "
        "AND NOT suffix(w, 'oes') THEN left(w, length(w) - 1) "
        "WHEN length(w) > 3 AND suffix(w, 's') AND NOT suffix(w, 'us') AND NOT suffix(w, 'ss') THEN left(w, length(w) - 1) "
        "ELSE w END"
    )
    return f"list_transform(list_filter({words}, lambda w: length(w) > 1 AND NOT list_contains({_STOP_SQL}, w)), lambda w: {stem})"
