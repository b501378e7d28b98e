"""Site rules: which rule a host gets, what a rule's version is, how a rule is checked, and what the cleaner
makes of a page under one (real trafilatura, real lxml)."""

from __future__ import annotations

import pytest

from wiredesk.clean.cleaner import HtmlCleaner, cleaner_version
from wiredesk.clean.siterules import SiteRule, parse_site_rules
from wiredesk.domain.errors import ConfigError
from wiredesk.domain.lineage import code_versions
from wiredesk.domain.models import InputItem, ItemMeta
from wiredesk.domain.settings import Settings, settings_from_dict

from support.pages import SPLIT_PARAGRAPHS, split_article

RULES = parse_site_rules({
    "courier.example": {"keep": ["article"]},
    "sport.courier.example": {"keep": ["div.match"]},
    "www.gazette.example": {"drop": ["aside"]},
    "10.0.0.1": {"keep": ["main"]},
})


@pytest.mark.parametrize("host, rule_host", [
    ("courier.example", "courier.example"),
    ("www.courier.example", "courier.example"),
    ("news.courier.example", "courier.example"),
    ("live.sport.courier.example", "sport.courier.example"),  # the most specific rule wins
    ("WWW.Sport.Courier.Example", "sport.courier.example"),
    ("gazette.example", "gazette.example"),  # www. ignored in the rule too
    ("courier.example:8443", "courier.example"),
    ("10.0.0.1", "10.0.0.1"),
    ("notcourier.example", None),  # a suffix of the name is not a parent domain
    ("courier.example.org", None),
    ("0.0.1", None),  # an address has no parent domains
    (None, None),
])
def test_a_rule_matches_its_host_and_its_subdomains(host, rule_host):
    rule = RULES.for_host(host)
    assert (rule.host if rule else None) == rule_host


def test_a_rules_version_names_its_host_and_changes_with_any_selector():
    rule = SiteRule("courier.example", ("article",), ("aside",))
    assert rule.version == SiteRule("courier.example", ("article",), ("aside",)).version
    assert rule.version.startswith("site/courier.example@") and len(rule.digest) == 12
    others = {SiteRule("courier.example", ("article",)), SiteRule("courier.example", ("article", "main"), ("aside",)),
              SiteRule("courier.example", ("aside",), ("article",)), SiteRule("gazette.example", ("article",), ("aside",))}
    assert rule.version not in {o.version for o in others} and len({o.version for o in others}) == 4


@pytest.mark.parametrize("data, message", [
    ({"x.com": {"keep": ["div >"]}}, "site_rules.\"x.com\".keep: invalid CSS selector 'div >'"),
    ({"x.com": {"keep": [" "]}}, "site_rules.\"x.com\".keep: an empty CSS selector"),
    ({"x.com": {}}, "the rule has no selector"),
    ({"x.com": {"keep": [], "drop": []}}, "the rule has no selector"),
    ({"x.com": {"drop": [3]}}, "drop must be a list of CSS selectors"),
    ({"x.com": ["article"]}, "must be a table with keep and/or drop"),
    ({"x.com/news": {"keep": ["article"]}}, "'x.com/news' is not a host name"),
    ({"x.com:80": {"keep": ["article"]}}, "'x.com:80' is not a host name"),
    ({"x.com": {"keep": ["a"]}, "www.x.com": {"keep": ["b"]}}, "a second rule for host 'x.com'"),
])
def test_a_bad_rule_is_a_config_error_naming_the_host(data, message):
    with pytest.raises(ConfigError) as err:
        settings_from_dict({"site_rules": data})
    assert message in str(err.value)


def test_rules_come_from_the_settings_and_enter_the_runs_code_versions():
    settings = settings_from_dict({"site_rules": {"courier.example": {"keep": ["article"]}}})
    assert settings.site_rules.for_host("www.courier.example").keep == ("article",)
    assert code_versions(settings)["site_rules"] == settings.site_rules.fingerprint != ""
    assert "site_rules" not in code_versions(Settings())


def page_item(html: str, url: str | None = "https://news.courier.example/a") -> InputItem:
    return InputItem(url or "/tmp/a.html", "html", html, html.encode(), "0" * 64, ItemMeta(url=url))


def clean(html: str, rules: dict, url: str | None = "https://news.courier.example/a"):
    return HtmlCleaner(site_rules=parse_site_rules(rules)).clean(page_item(html, url))


def test_the_cleaner_version_of_a_ruled_host_carries_the_rule_and_others_do_not():
    rules = parse_site_rules({"courier.example": {"keep": ["article"]}})
    article = HtmlCleaner(site_rules=rules).clean(page_item(split_article().decode()))
    assert article.cleaner == cleaner_version("html", "news.courier.example", rules)
    assert article.cleaner == f"{HtmlCleaner().version}+{rules.rules[0].version}"
    assert cleaner_version("html", "gazette.example", rules) == HtmlCleaner().version
    assert cleaner_version("text", "news.courier.example", rules).startswith("text/")  # rules read HTML only


def test_a_file_without_a_url_gets_no_rule():
    article = clean(split_article().decode(), {"courier.example": {"keep": ["article"]}}, url=None)
    assert article.site_rule is None and [p.text for p in article.paragraphs] == [SPLIT_PARAGRAPHS[0]]


def test_nested_matches_are_read_once_and_in_page_order():
    article = clean(split_article().decode(), {"courier.example": {"keep": ["div.rest", "article", "div.story-body"],
                                                                  "drop": [".newsletter-box"]}})
    assert [p.text for p in article.paragraphs] == list(SPLIT_PARAGRAPHS)
    assert article.site_rule == "keep" and article.title == "Harbour channel to be deepened"


PAGE = """<html><head><title>Dredging starts</title></head><body><div class="page">
<div class="story"><p>Dredging of the channel began on Monday, three weeks ahead of the schedule agreed with the
fishing cooperative.<span class="ad">Advertisement</span> The first barge arrived at dawn.</p>
<script>track("story")</script>
<figure><img src="barge.jpg"><figcaption>The first barge in the outer harbour.</figcaption></figure>
<p>Work will pause in March for the <a href="/herring">herring spawning season</a>, the authority said.</p>
<ul><li>Depth: four metres more</li><li>Length: two kilometres</li></ul></div>
<div class="share"><a href="/s">Share on social media</a></div></div></body></html>"""


def test_kept_text_keeps_its_structure_captions_and_the_text_around_dropped_elements():
    article = clean(PAGE, {"courier.example": {"keep": [".story"], "drop": [".ad"]}})
    assert [(p.role, p.text) for p in article.paragraphs] == [
        ("body", "Dredging of the channel began on Monday, three weeks ahead of the schedule agreed with the fishing "
                 "cooperative. The first barge arrived at dawn."),
        ("caption", "The first barge in the outer harbour."),
        ("body", "Work will pause in March for the herring spawning season, the authority said."),
        ("body", "Depth: four metres more"),
        ("body", "Length: two kilometres"),
    ]


def test_a_drop_only_rule_prunes_the_page_before_the_generic_extraction():
    kept = clean(PAGE, {"courier.example": {"drop": [".story p:first-child"]}})
    assert kept.site_rule == "generic" and not any("Dredging" in p.text for p in kept.paragraphs)
    assert any("herring" in p.text for p in kept.paragraphs)


def test_keep_selectors_that_match_no_text_fall_back_to_the_generic_extraction():
    article = clean(PAGE, {"courier.example": {"keep": ["div.story-text", "div.empty"]}})
    assert article.site_rule == "keep_unmatched"
    assert any("herring" in p.text for p in article.paragraphs)


def test_keep_selectors_that_match_only_the_headline_fall_back_too():
    article = clean(split_article().decode(), {"courier.example": {"keep": ["h1"]}})
    assert article.site_rule == "keep_unmatched" and [p.text for p in article.paragraphs] == [SPLIT_PARAGRAPHS[0]]


def test_an_international_host_matches_in_either_form():
    rules = parse_site_rules({"bücher.example": {"keep": ["article"]}})
    assert rules.for_host("www.xn--bcher-kva.example") is rules.for_host("Bücher.example") is rules.rules[0]
