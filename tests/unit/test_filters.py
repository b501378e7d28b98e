"""Filters before fetching (``wiredesk.sources.filters``): which rule drops an entry, through the public functions."""

from __future__ import annotations

import pytest

from wiredesk.domain.errors import ConfigError
from wiredesk.sources.filters import decide, parse_filter


def test_globs_match_the_whole_url_and_regexes_search_anywhere():
    rules = parse_filter({"drop_urls": ["*/video/*", "re:/live-?blog/"]}, "t")
    assert decide(rules, "https://ex.com/video/12", None, None, None) == "drop_urls"
    assert decide(rules, "https://ex.com/news/liveblog/3", None, None, None) == "drop_urls"
    assert decide(rules, "https://ex.com/news/video", None, None, None) is None  # the glob needs the slash after


def test_keep_rules_drop_what_matches_none_and_unknown_languages_pass():
    rules = parse_filter({"keep_languages": ["en-GB"], "keep_keywords": ["city council"]}, "t")
    assert decide(rules, None, "en", "The City  Council met", None) is None
    assert decide(rules, None, None, "<b>city council</b> votes", None) is None  # no language: kept
    assert decide(rules, None, "de", "city council", None) == "keep_languages"
    assert decide(rules, None, "en", "Councillors met", "the city's council") == "keep_keywords"


def test_keywords_are_whole_words_and_drop_rules_win_over_keep_rules():
    rules = parse_filter({"drop_keywords": ["sport"], "keep_keywords": ["harbour"]}, "t")
    assert decide(rules, None, None, "Harbour sports day", None) is None  # "sports" is not "sport"
    assert decide(rules, None, None, "Harbour sport", None) == "drop_keywords"


def test_a_bad_value_or_regex_is_a_config_error_naming_the_key():
    with pytest.raises(ConfigError, match=r"src\.drop_urls"):
        parse_filter({"drop_urls": ["re:(unclosed"]}, "src")
    with pytest.raises(ConfigError, match=r"src\.keep_keywords"):
        parse_filter({"keep_keywords": "harbour"}, "src")
