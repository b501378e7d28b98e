"""URL canonicalization and entry identity/planning."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wiredesk.sources.entries import KnownEntries, entry_keys, plan_entries
from wiredesk.sources.feeds.model import FeedEntry
from wiredesk.domain.urls import canonical_url, host_of, is_http_url


@pytest.mark.parametrize("a,b", [
    ("https://www.news.example/a/1", "https://news.example/a/1"),
    ("http://news.example/a/1", "https://news.example/a/1"),
    ("https://news.example/a/1?utm_source=rss&utm_medium=feed", "https://news.example/a/1"),
    ("https://news.example/a/1?fbclid=XYZ&gclid=1", "https://news.example/a/1"),
    ("https://news.example/a/1#comments", "https://news.example/a/1"),
    ("https://NEWS.example:443/a/1", "https://news.example/a/1"),
    ("https://news.example/s?b=2&a=1", "https://news.example/s?a=1&b=2"),
    ("https://news.example/a%7E1", "https://news.example/a~1"),
    ("https://news.example", "https://news.example/"),
])
def test_variants_of_one_url_canonicalize_equal(a, b):
    assert canonical_url(a) == canonical_url(b)


@pytest.mark.parametrize("a,b", [
    ("https://news.example/a/1", "https://news.example/a/2"),
    ("https://news.example/story?id=1", "https://news.example/story?id=2"),
    ("https://news.example:8443/a", "https://news.example/a"),
    ("https://news.example/a", "https://other.example/a"),
])
def test_different_articles_stay_different(a, b):
    assert canonical_url(a) != canonical_url(b)


@given(st.text(alphabet="abc/?=&#%:.", max_size=30))
def test_canonicalization_is_idempotent(path):
    once = canonical_url("https://www.x.example/" + path)
    assert canonical_url(once) == once


def test_url_helpers():
    assert is_http_url("https://a.example/x") and not is_http_url("javascript:alert(1)")
    assert host_of("http://A.example:8080/x") == "a.example:8080" and host_of("https://a.example:443/") == "a.example"


def E(**kw) -> FeedEntry:  # noqa: N802
    return FeedEntry(**kw)


BODY = "A long enough summary of the article so that the content key applies to it."


def _known(plans):
    return KnownEntries.of(p.record for p in plans if p.record)


def test_first_sighting_is_new_with_the_canonical_url_as_doc_key():
    (p,) = plan_entries([E(guid="g1", link="https://www.n.example/a?utm_source=x", title="T")], "src", KnownEntries())
    assert p.action == "new" and p.record.doc_key == "https://n.example/a"


def test_second_run_with_same_entries_is_all_unchanged():
    entries = [E(guid=f"g{i}", link=f"https://n.example/{i}", title=f"T{i}", summary=BODY) for i in range(3)]
    first = plan_entries(entries, "src", KnownEntries())
    second = plan_entries(entries, "src", _known(first))
    assert [p.action for p in second] == ["unchanged"] * 3


@pytest.mark.parametrize("variant,action", [
    (E(guid="CHANGED-GUID", link="https://n.example/a", title="T", summary=BODY), "unchanged"),
    (E(guid="g1", link="https://www.n.example/a?utm_campaign=rss", title="T", summary=BODY), "unchanged"),
    (E(guid="new-guid", link="https://n.example/a-renamed-slug", title="T", summary=BODY), "changed"),
])
def test_changed_guid_or_url_variant_is_not_a_new_document(variant, action):
    first = plan_entries([E(guid="g1", link="https://n.example/a", title="T", summary=BODY)], "src", KnownEntries())
    (p,) = plan_entries([variant], "src", _known(first))
    assert p.action == action
    assert p.record.doc_key == "https://n.example/a"


def test_edited_entry_is_changed_and_keeps_its_doc_key():
    first = plan_entries([E(guid="g1", link="https://n.example/a", title="T", summary=BODY)], "src", KnownEntries())
    (p,) = plan_entries([E(guid="g1", link="https://n.example/a", title="T (updated)", summary=BODY)], "src", _known(first))
    assert p.action == "changed" and p.reason == "edited_matched_by_guid" and p.record.doc_key == "https://n.example/a"


def test_guids_are_scoped_to_their_source():
    first = plan_entries([E(guid="1", link="https://a.example/x")], "feed-a", KnownEntries())
    (p,) = plan_entries([E(guid="1", link="https://b.example/y")], "feed-b", _known(first))
    assert p.action == "new"


def test_same_url_from_another_source_is_the_same_document():
    first = plan_entries([E(guid="1", link="https://a.example/x")], "feed-a", KnownEntries())
    (p,) = plan_entries([E(guid="zz", link="http://www.a.example/x?utm_source=b")], "feed-b", _known(first))
    assert p.action in ("unchanged", "changed") and p.record.doc_key == "https://a.example/x"


def test_duplicates_inside_one_feed_are_skipped():
    plans = plan_entries([E(guid="1", link="https://a.example/x"), E(guid="2", link="https://a.example/x?utm_source=y")],
                         "src", KnownEntries())
    assert [p.action for p in plans] == ["new", "skipped"] and plans[1].reason == "duplicate_in_feed"


def test_entry_without_any_identity_is_skipped():
    (p,) = plan_entries([E(title="only a title")], "src", KnownEntries())
    assert p.action == "skipped" and p.reason == "no_identity"


def test_entry_with_content_but_no_link_gets_a_feed_scoped_key():
    (p,) = plan_entries([E(guid="abc", title="T", content="<p>" + BODY + "</p>")], "src", KnownEntries())
    assert p.action == "new" and p.record.doc_key == "feed:src|abc" and p.url is None


def test_short_text_does_not_make_a_content_key():
    keys = entry_keys(E(title="Live", summary="Updates"), "src")
    assert keys.content is None


def test_updated_date_change_is_an_edit():
    base = dict(guid="g", link="https://n.example/a", title="T")
    first = plan_entries([E(**base, updated_at=datetime(2020, 1, 1, tzinfo=UTC))], "s", KnownEntries())
    (p,) = plan_entries([E(**base, updated_at=datetime(2020, 1, 2, tzinfo=UTC))], "s", _known(first))
    assert p.action == "changed"


_entry = st.builds(
    FeedEntry,
    guid=st.one_of(st.none(), st.sampled_from(["a", "b", "c", "d"])),
    link=st.one_of(st.none(), st.sampled_from(["https://n.example/1", "http://www.n.example/1?utm_source=x",
                                               "https://n.example/2", "https://m.example/3#c"])),
    title=st.one_of(st.none(), st.sampled_from(["T1", "T2"])),
    summary=st.one_of(st.none(), st.just(BODY), st.just(BODY + " More.")),
)


@given(st.lists(_entry, max_size=8))
def test_replanning_the_same_feed_finds_nothing_new(entries):
    first = plan_entries(entries, "src", KnownEntries())
    second = plan_entries(entries, "src", _known(first))
    assert not [p for p in second if p.action == "new"]
    # no document key appears that the first plan did not give out
    assert {p.record.doc_key for p in second if p.record} <= {p.record.doc_key for p in first if p.record}


@pytest.mark.parametrize("url", ["http://[::1/x", "http://a:99999/x", "http://a:port/x", "http://", "::"])
def test_broken_hosts_and_ports_are_not_http_urls_and_never_raise(url):
    from wiredesk.domain.urls import host_of

    assert not is_http_url(url)
    assert isinstance(host_of(url), str) and isinstance(canonical_url(url), str)
