"""Normalization for exact matching: typographic variants fold together, real differences do not."""

from hypothesis import given, strategies as st

from wiredesk.domain.normalize import content_hash, match_hash, normalize_for_match, tidy_text


def test_quotes_dashes_whitespace_case_and_compatibility_forms_fold():
    a = "“America is an aggressor,” – the crowd’s banner  read\u00a0today."
    b = '"america is an AGGRESSOR," - the crowd\'s banner read today.'
    assert normalize_for_match(a) == normalize_for_match(b)
    assert match_hash(a) == match_hash(b)
    assert normalize_for_match("ﬁre") == normalize_for_match("fire")  # NFKC ligature


def test_different_words_stay_different():
    assert match_hash("Strikes killed 25 fighters.") != match_hash("Strikes killed 24 fighters.")
    assert content_hash("a b") != content_hash("a c")


def test_tidy_text_keeps_what_users_see_but_collapses_whitespace():
    assert tidy_text("  “Quoted”\u200b text\n\twith   gaps ") == "“Quoted” text with gaps"


@given(st.text())
def test_normalization_is_idempotent(text):
    once = normalize_for_match(text)
    assert normalize_for_match(once) == once
