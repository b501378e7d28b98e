"""Scheduling decisions and the sources file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from wiredesk.domain.errors import ConfigError
from wiredesk.sources.schedule import (FetchOutcome, ScheduleSettings, SourceState, after_fetch, backoff_delay, health,
                               is_due, parse_max_age, parse_retry_after)
from wiredesk.sources.config import SourceConfig, parse_duration, parse_sources
from conftest import REPO

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def ok(**kw) -> FetchOutcome:
    return FetchOutcome(status=kw.pop("status", 200), **kw)


def test_success_schedules_the_configured_interval_and_keeps_validators():
    st = after_fetch(SourceState(), ok(headers={"etag": '"e"', "last-modified": "x"}), now=NOW,
                     interval=HOUR, seed_key="s")
    assert st.next_fetch_at == NOW + HOUR and st.etag == '"e"' and st.last_modified == "x"
    assert health(st) == "ok" and not is_due(st, NOW) and is_due(st, NOW + HOUR)


def test_304_keeps_the_stored_validators():
    st = after_fetch(SourceState(etag='"e"', last_modified="x"), ok(status=304, headers={}), now=NOW,
                     interval=HOUR, seed_key="s")
    assert st.etag == '"e"' and st.last_modified == "x" and st.consecutive_failures == 0


def test_ttl_and_max_age_lengthen_but_never_shorten_the_interval():
    longer = after_fetch(SourceState(), ok(feed_ttl_minutes=180), now=NOW, interval=HOUR, seed_key="s")
    shorter = after_fetch(SourceState(), ok(headers={"cache-control": "public, max-age=60"}), now=NOW,
                          interval=HOUR, seed_key="s")
    cached = after_fetch(SourceState(), ok(headers={"cache-control": "max-age=7200"}), now=NOW,
                         interval=HOUR, seed_key="s")
    assert longer.next_fetch_at == NOW + 3 * HOUR
    assert shorter.next_fetch_at == NOW + HOUR
    assert cached.next_fetch_at == NOW + 2 * HOUR


def test_rarely_publishing_feed_is_fetched_less_often():
    dates = tuple(NOW - timedelta(days=2 * i) for i in range(6))  # one entry every two days
    st = after_fetch(SourceState(), ok(entry_dates=dates), now=NOW, interval=HOUR, seed_key="s")
    assert st.next_fetch_at == NOW + timedelta(days=1)  # half the gap
    busy = tuple(NOW - timedelta(minutes=5 * i) for i in range(6))
    assert after_fetch(SourceState(), ok(entry_dates=busy), now=NOW, interval=HOUR,
                       seed_key="s").next_fetch_at == NOW + HOUR  # never faster than configured


def test_backoff_grows_exponentially_with_deterministic_jitter():
    s = ScheduleSettings(base_backoff=timedelta(minutes=5), max_backoff=timedelta(hours=12))
    delays = [backoff_delay(n, "src", s) for n in range(1, 8)]
    for n, d in enumerate(delays, start=1):
        cap = min(timedelta(minutes=5) * 2 ** (n - 1), timedelta(hours=12))
        assert cap / 2 <= d <= cap
    assert delays == [backoff_delay(n, "src", s) for n in range(1, 8)]  # same seed, same schedule
    assert backoff_delay(3, "src", s) != backoff_delay(3, "other", s)  # sources spread out


def test_repeated_failures_are_counted_and_visible_and_never_disable():
    st = SourceState()
    for _ in range(20):
        st = after_fetch(st, FetchOutcome(status=500, error="status", message="HTTP 500"), now=NOW,
                         interval=HOUR, seed_key="s")
    assert st.consecutive_failures == 20 and st.last_error == "HTTP 500" and health(st) == "failing"
    assert not st.disabled and st.next_fetch_at <= NOW + ScheduleSettings().max_backoff


def test_success_after_failures_resets_the_count():
    st = after_fetch(SourceState(consecutive_failures=4, last_error="x"), ok(), now=NOW, interval=HOUR, seed_key="s")
    assert st.consecutive_failures == 0 and st.last_error is None


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured_on_429_and_503(status):
    st = after_fetch(SourceState(), FetchOutcome(status=status, error="status", headers={"retry-after": "7200"}),
                     now=NOW, interval=timedelta(minutes=5), seed_key="s")
    assert st.next_fetch_at >= NOW + 2 * HOUR


def test_410_gone_disables_the_source_with_a_reason():
    st = after_fetch(SourceState(), FetchOutcome(status=410, error="status"), now=NOW, interval=HOUR, seed_key="s")
    assert st.disabled and "410" in st.disabled_reason and health(st) == "disabled" and not is_due(st, NOW + 1000 * HOUR)


def test_header_parsers():
    assert parse_retry_after("120", NOW) == timedelta(seconds=120)
    assert parse_retry_after("Thu, 01 Jan 2026 13:00:00 GMT", NOW) == HOUR
    assert parse_retry_after("soon", NOW) is None
    assert parse_max_age("no-store, max-age=600") is None and parse_max_age("s-maxage=5, max-age=600") == timedelta(minutes=10)


SOURCES = """
[defaults]
interval = "2h"
full_articles = false

[[source]]
url = "https://n.example/rss"
tags = ["world"]

[[source]]
name = "sitemap"
url = "https://n.example/news-sitemap.xml"
kind = "sitemap"
interval = 15
full_articles = true
enabled = false
"""


def test_sources_file_is_parsed_with_defaults():
    a, b = parse_sources(SOURCES)
    assert a == SourceConfig("n.example/rss", "https://n.example/rss", "feed", timedelta(hours=2), ("world",), True, False)
    assert (b.kind, b.interval, b.full_articles, b.enabled) == ("sitemap", timedelta(minutes=15), True, False)


@pytest.mark.parametrize("text,fragment", [
    ('[[source]]\nurl = "ftp://x"', "source[0].url"),
    ('[[source]]\nurl = "https://x.example/"\nkind = "podcast"', "source[0].kind"),
    ('[[source]]\nurl = "https://x.example/"\ninterval = "soon"', "source[0].interval"),
    ('[[source]]\nurl = "https://x.example/"\nenabled = "yes"', "source[0].enabled"),
    ('[[source]]\nurl = "https://x.example/"\ncolour = "red"', "unknown key(s) colour"),
    ('[[source]]\nurl = "https://x.example/"\n[[source]]\nurl = "https://x.example/"', "source[1].name"),
    ("[feeds]\n", "unknown table(s) feeds"),
    ("[[source]\n", "invalid TOML"),
])
def test_invalid_sources_name_the_key(text, fragment):
    with pytest.raises(ConfigError, match=fragment.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        parse_sources(text)


def test_durations():
    assert parse_duration("90s", "k") == timedelta(seconds=90) and parse_duration("1d", "k") == timedelta(days=1)
    with pytest.raises(ConfigError, match="minimum"):
        parse_duration("10s", "k")


def test_example_sources_file_is_valid():
    from pathlib import Path

    from wiredesk.sources.config import load_sources

    example = REPO / "config" / "sources.example.toml"
    kinds = [s.kind for s in load_sources(example)]
    assert kinds == ["feed", "sitemap", "site"]


def test_missing_sources_file_names_it(tmp_path):
    from wiredesk.sources.config import load_sources

    with pytest.raises(ConfigError, match="nope.toml"):
        load_sources(tmp_path / "nope.toml")
