"""The access-state classifier and the source-health decisions are pure functions of their inputs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from wiredesk.clean.access import classify_access
from wiredesk.sources.health import HealthSettings, degraded, source_health, stalled
from wiredesk.sources.schedule import SourceState

ARTICLE_TEXT = " ".join(["The council met on Tuesday to discuss the harbour project, which divided residents."] * 30)
NOW = datetime(2026, 1, 10, 12, tzinfo=UTC)


def test_an_article_with_a_consent_script_and_a_subscription_teaser_is_an_article():
    html = ("<html><head><title>Council votes</title><script src='https://cdn.cookielaw.org/otSDKStub.js'></script>"
            "</head><body><article><p>" + ARTICLE_TEXT + "</p></article><div class='promo'>Subscribe to continue "
            "reading our best stories</div></body></html>")
    assert classify_access(html, ARTICLE_TEXT).state == "article"


def test_a_cloudflare_challenge_is_blocked_with_its_title_as_reason():
    got = classify_access("<html><head><title>Just a moment...</title></head><body>x</body></html>", "")
    assert (got.state, got.reason) == ("blocked", "challenge page title: 'Just a moment...'")


def test_a_consent_notice_kept_as_text_is_consent():
    text = ("We value your privacy. We and our partners store and/or access information on a device, such as "
            "cookies. Accept all or manage preferences.")
    assert classify_access(f"<html><body><p>{text}</p></body></html>", text).state == "consent"


def test_a_paywall_stub_is_paywall_and_a_long_metered_article_is_not():
    stub_text = "The council voted late on Tuesday to approve a budget that had divided its members for months."
    html = f"<html><body><article><p>{stub_text}</p><div>Dieser Artikel ist nur für Abonnenten verfügbar.</div></article></body></html>"
    assert classify_access(html, stub_text).state == "paywall"
    assert classify_access(html.replace(stub_text, ARTICLE_TEXT), ARTICLE_TEXT).state == "article"


def test_a_short_news_brief_whose_title_holds_error_words_is_an_article():
    brief = ("Stocks fell sharply on Wednesday as investors weighed the central bank's latest remarks on rates "
             "and a weaker outlook from several large retailers, traders said.") * 3
    for title in ("Dow drops 500 points", "Missing hiker not found after two-day search", "Oops: minister's slip"):
        got = classify_access(f"<html><head><title>{title}</title></head><body><p>{brief}</p></body></html>", brief)
        assert got.state == "article", (title, got)


def test_a_soft_404_and_an_empty_shell_are_empty():
    html = "<html><head><title>Seite nicht gefunden</title></head><body><h1>Oops</h1></body></html>"
    assert classify_access(html, "Die Seite existiert nicht.").state == "empty"
    assert classify_access("<html><body><div id='root'></div></body></html>", "").reason == "no article text"


def test_japanese_text_counts_by_characters_not_by_runs():
    text = "東京都は十日、新しい防災計画を発表した。" * 4
    assert classify_access(f"<html><body><p>{text}</p></body></html>", text).state == "article"


def test_a_feed_silent_for_many_times_its_gap_is_stalled_and_a_sleeping_one_is_not():
    hourly = [NOW - timedelta(days=3) + timedelta(hours=k) for k in range(10)]
    assert stalled(hourly, NOW).startswith("no new entry for 2.6 d, usual gap 1.0 h")
    last_night = [NOW - timedelta(hours=10) - timedelta(hours=k) for k in range(10)]
    assert stalled(last_night, NOW) is None  # 10 h of silence: under the 24 h floor
    assert stalled(hourly[:4], NOW) is None  # too few entries to know a gap


def test_pages_that_shrink_to_under_half_make_a_source_degraded():
    assert degraded([2000] * 8 + [300] * 5) == "text 300 chars (median of the last 5 pages), was 2000: 15 %"
    assert degraded([2000] * 8 + [1200] * 5) is None
    assert degraded([2000] * 3 + [300] * 5) is None  # too little history


def test_a_failing_source_is_failing_not_stalled():
    failing = SourceState(last_fetch_at=NOW, consecutive_failures=2)
    dates = [NOW - timedelta(days=9) + timedelta(hours=k) for k in range(10)]
    assert source_health(failing, True, dates, [], NOW).word == "failing"
    ok = SourceState(last_fetch_at=NOW, last_success_at=NOW)
    h = source_health(ok, True, dates, [], NOW, HealthSettings())
    assert h.word == "stalled" and h.figure == h.stalled
    assert source_health(ok, False, dates, [], NOW).word == "off"
