"""The pure date normalizer: intervals, granularity, fiscal years, tense and durations."""
import pytest

from pipeline.normalize.dates import fiscal_system, normalize_timex, shift_years

PUB = "2023-03-22"  # a Wednesday


def span(surface: str, tense: str | None = None, country: str | None = None, sentence: str = "",
         anchor: str | None = PUB) -> tuple:
    rec = normalize_timex(surface, anchor, tense, country, sentence)
    assert rec is not None, surface
    return rec["date_start"], rec["date_end"]


@pytest.mark.parametrize("surface, expected", [
    ("2022", ("2022-01-01", "2022-12-31")),
    ("in 2022", ("2022-01-01", "2022-12-31")),
    ("last month", ("2023-02-01", "2023-02-28")),
    ("this week", ("2023-03-20", "2023-03-26")),
    ("last year", ("2022-01-01", "2022-12-31")),
    ("next month", ("2023-04-01", "2023-04-30")),
    ("yesterday", ("2023-03-21", "2023-03-21")),
    ("today", ("2023-03-22", "2023-03-22")),
    ("March 22, 2023", ("2023-03-22", "2023-03-22")),
    ("October 2022", ("2022-10-01", "2022-10-31")),
    ("February of this year", ("2023-02-01", "2023-02-28")),
    ("the 1990s", ("1990-01-01", "1999-12-31")),
    ("the third quarter of 2022", ("2022-07-01", "2022-09-30")),
    ("last summer", ("2022-06-01", "2022-08-31")),
    ("nineteen ninety-six", ("1996-01-01", "1996-12-31")),
    ("two years ago", ("2021-01-01", "2021-12-31")),
])
def test_calendar_intervals(surface: str, expected: tuple) -> None:
    assert span(surface) == expected


def test_granularity_is_reported() -> None:
    assert normalize_timex("last month", PUB)["granularity"] == "month"
    assert normalize_timex("2022", PUB)["value"] == "2022"
    assert normalize_timex("this week", PUB)["value"] == "2023-W12"
    assert normalize_timex("last summer", PUB)["value"] == "2022-SU"


def test_range_from_october_through_february() -> None:
    rec = normalize_timex("October 2022 through February of this year", PUB)
    assert (rec["date_start"], rec["date_end"], rec["granularity"]) == ("2022-10-01", "2023-02-28", "range")


def test_fiscal_year_follows_the_country_and_the_sentence() -> None:
    us = "U.S.-Mexico border, where agents reported nearly 2.4 million encounters in fiscal 2022"
    assert span("fiscal 2022", country="CA", sentence=us) == ("2021-10-01", "2022-09-30")
    assert span("fiscal 2022", country="CA", sentence="Ottawa spent more in fiscal 2022") == \
        ("2022-04-01", "2023-03-31")
    assert fiscal_system(None, "The agency said") == "US"
    assert span("the first five months of fiscal 2023", sentence=us) == ("2022-10-01", "2023-02-28")


def test_weekdays_follow_tense() -> None:
    assert span("Thursday", tense="future") == ("2023-03-23", "2023-03-23")
    assert span("Tuesday", tense="past") == ("2023-03-21", "2023-03-21")
    assert span("Thursday", tense="past") == ("2023-03-16", "2023-03-16")
    assert span("next Tuesday") == ("2023-03-28", "2023-03-28")


def test_durations_keep_an_iso_duration_and_no_dates() -> None:
    rec = normalize_timex("five months", PUB)
    assert (rec["timex_type"], rec["duration"], rec["date_start"]) == ("duration", "P5M", None)
    assert normalize_timex("the past three months", PUB)["duration"] == "P3M"
    assert normalize_timex("the last twenty four hours", PUB)["duration"] == "PT24H"
    assert normalize_timex("several years", PUB)["duration"] == "PXY"


def test_references_sets_and_non_timexes() -> None:
    assert normalize_timex("now", PUB)["value"] == "PRESENT_REF"
    assert normalize_timex("recently", PUB)["value"] == "PAST_REF"
    assert normalize_timex("every week", PUB)["timex_type"] == "set"
    for junk in ("we", "$26", "49", "52-year-old"):
        assert normalize_timex(junk, PUB) is None


def test_without_anchor_relative_values_are_null_but_absolute_ones_stay() -> None:
    rec = normalize_timex("last month", None)
    assert rec is not None and rec["date_start"] is None and rec["date_end"] is None
    assert normalize_timex("Thursday", None)["date_start"] is None
    assert span("in 2022", anchor=None) == ("2022-01-01", "2022-12-31")


def test_shift_years_moves_an_interval() -> None:
    rec = normalize_timex("October 2022 through February of this year", PUB)
    moved = shift_years(rec, -1)
    assert (moved["date_start"], moved["date_end"]) == ("2021-10-01", "2022-02-28")
