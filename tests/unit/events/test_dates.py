from datetime import date, datetime, timedelta, timezone

from hypothesis import given, strategies as st

from wiredesk.events.dates import WEEKDAYS, overlaps, resolve_date

TUESDAY = datetime(2019, 12, 31, 15, 0, tzinfo=timezone.utc)


def test_weekday_is_the_latest_such_day_on_or_before_publication():
    assert resolve_date("on Sunday", TUESDAY).start == date(2019, 12, 29)
    assert resolve_date("Monday", TUESDAY).start == date(2019, 12, 30)
    assert resolve_date("Wednesday", TUESDAY).start == date(2019, 12, 25)
    ref = resolve_date("on Tuesday", TUESDAY)  # a Tuesday paper's "on Tuesday" is that day
    assert (ref.start, ref.end, ref.precision) == (date(2019, 12, 31), date(2019, 12, 31), "day")


def test_last_weekday_skips_the_publication_day():
    assert resolve_date("last Tuesday", TUESDAY).start == date(2019, 12, 24)


def test_next_weekday_and_future_tense_look_forward():
    assert resolve_date("next Monday", TUESDAY).start == date(2020, 1, 6)
    assert resolve_date("on Friday", TUESDAY, future=True).start == date(2020, 1, 3)


def test_last_week_is_the_previous_monday_to_sunday_with_week_precision():
    for text in ("last week", "last week's", "last week\u2019s"):
        ref = resolve_date(text, TUESDAY)
        assert (ref.start, ref.end, ref.precision) == (date(2019, 12, 23), date(2019, 12, 29), "week")


def test_yesterday_and_today():
    assert resolve_date("yesterday", TUESDAY).start == date(2019, 12, 30)
    assert resolve_date("Today", TUESDAY).start == date(2019, 12, 31)


def test_month_and_year_ranges():
    ref = resolve_date("last month", TUESDAY)
    assert (ref.start, ref.end, ref.precision) == (date(2019, 11, 1), date(2019, 11, 30), "month")
    ref = resolve_date("in 2012", TUESDAY)
    assert (ref.start, ref.end, ref.precision) == (date(2012, 1, 1), date(2012, 12, 31), "year")
    ref = resolve_date("December 2019", None)
    assert (ref.start, ref.end, ref.precision) == (date(2019, 12, 1), date(2019, 12, 31), "month")
    ref = resolve_date("last month", datetime(2020, 1, 10, tzinfo=timezone.utc))
    assert (ref.start, ref.end) == (date(2019, 12, 1), date(2019, 12, 31))


def test_absolute_date_without_year_takes_the_year_that_is_not_in_the_future():
    assert resolve_date("Dec. 31", TUESDAY).start == date(2019, 12, 31)
    assert resolve_date("Dec. 31", datetime(2020, 1, 2, tzinfo=timezone.utc)).start == date(2019, 12, 31)
    assert resolve_date("31 December 2019", None).start == date(2019, 12, 31)
    assert resolve_date("2019-12-29", None).start == date(2019, 12, 29)


def test_relative_dates_without_publication_date_are_not_guessed():
    assert resolve_date("on Sunday", None) is None
    assert resolve_date("last week", None) is None


def test_expressions_that_are_not_dates_resolve_to_nothing():
    for text in ("recent years", "the 1950s", "recent memory", "Dec. 32"):
        assert resolve_date(text, TUESDAY) is None


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 1, 1)), st.sampled_from(sorted(WEEKDAYS)))
def test_any_weekday_resolves_within_the_week_before_publication(pub, weekday):
    ref = resolve_date(f"on {weekday.title()}", pub)
    assert pub - timedelta(days=6) <= ref.start <= pub
    assert ref.start.weekday() == WEEKDAYS[weekday]


def test_windows_overlap_by_range_and_slack():
    day = resolve_date("on Sunday", TUESDAY)
    week = resolve_date("last week", TUESDAY)
    monday = resolve_date("Monday", TUESDAY)
    assert overlaps(day, week)
    assert not overlaps(monday, week)
    assert overlaps(monday, week, slack_days=1)
