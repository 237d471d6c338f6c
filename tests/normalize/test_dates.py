"""The pure date normalizer: intervals, granularity, fiscal years, tense and durations."""
from datetime import date

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


@pytest.mark.parametrize("surface, tense, expected", [
    ("Aug. 6", "past", ("2022-08-06", "2022-08-06")),       # "its record high set on Aug. 6"
    ("June 1", "future", ("2023-06-01", "2023-06-01")),     # "the pact effective June 1"
    ("Jan. 31", "past", ("2023-01-31", "2023-01-31")),      # "the fiscal year ended Jan. 31"
    ("April 5", "past", ("2023-04-05", "2023-04-05")),      # "the offer was extended to April 5"
    ("March 10", "future", ("2023-03-10", "2023-03-10")),   # "will be tried for the March 10 attack"
    ("Aug. 6", None, ("2023-08-06", "2023-08-06")),         # no tense: the nearest
])
def test_day_without_year_follows_tense_with_a_month_of_grace(surface, tense, expected) -> None:
    assert span(surface, tense=tense) == expected


@pytest.mark.parametrize("surface, tense, anchor, expected", [
    ("October", "past", PUB, ("2022-10-01", "2022-10-31")),
    ("April", "past", PUB, ("2023-04-01", "2023-04-30")),     # "was notified of a cut in April"
    ("April", "future", "2022-12-15", ("2023-04-01", "2023-04-30")),
    ("December", "past", "1998-02-06", ("1997-12-01", "1997-12-31")),
])
def test_month_without_year_follows_tense(surface, tense, anchor, expected) -> None:
    assert span(surface, tense=tense, anchor=anchor) == expected


def test_weekday_in_the_news_present_is_the_coming_one() -> None:
    assert span("Monday", tense="present") == ("2023-03-27", "2023-03-27")  # "they meet Monday"
    assert span("Monday", tense="past") == ("2023-03-20", "2023-03-20")
    assert span("the previous Friday") == ("2023-03-17", "2023-03-17")
    assert span("the following Tuesday") == ("2023-03-28", "2023-03-28")


def test_day_lists_and_two_digit_year_ranges() -> None:
    rec = normalize_timex("April 24 and 25", PUB)  # dateparser read this as 1925-04-24
    assert (rec["date_start"], rec["date_end"]) == ("2023-04-24", "2023-04-25")
    assert span("April 24-25") == ("2023-04-24", "2023-04-25")
    assert span("1995-97") == ("1995-01-01", "1997-12-31")
    assert span("1998-03-22") == ("1998-03-22", "1998-03-22")


def test_bare_plural_units_are_vague_durations() -> None:
    assert normalize_timex("weeks", PUB)["duration"] == "PXW"  # "within weeks"
    assert normalize_timex("centuries", PUB)["timex_type"] == "duration"
    assert normalize_timex("week", PUB) is None
    assert span("year's end", tense="future") == ("2023-12-31", "2023-12-31")


@pytest.mark.parametrize("surface, tense, anchor, expected", [
    ("Thanksgiving Day", None, "1999-11-20", "1999-11-25"),   # fourth Thursday of November
    ("last Thanksgiving", None, "1999-11-20", "1998-11-26"),
    ("Election Day", "future", "1999-11-20", "2000-11-07"),   # Tuesday after the first Monday
    ("Christmas last year", None, "1999-11-20", "1998-12-25"),
    ("Easter 1998", None, PUB, "1998-04-12"),
    ("Memorial Day", "past", "1999-11-20", "1999-05-31"),
    ("Christmas Eve", "future", PUB, "2023-12-24"),
])
def test_holidays(surface, tense, anchor, expected) -> None:
    assert span(surface, tense=tense, anchor=anchor) == (expected, expected)


def test_the_full_year_is_a_date_but_a_full_year_a_duration() -> None:
    assert span("the full year", tense="past", anchor="1989-11-02") == ("1989-01-01", "1989-12-31")
    assert normalize_timex("a full year", PUB)["duration"] == "P1Y"


def test_decades_in_words_and_centuries() -> None:
    assert span("the nineties", anchor="1998-03-03") == ("1990-01-01", "1999-12-31")
    assert span("the '90s", anchor="2026-11-25") == ("1990-01-01", "1999-12-31")
    assert span("the twenties", anchor="2026-11-25") == ("2020-01-01", "2029-12-31")
    assert span("the 20th century") == ("1900-01-01", "1999-12-31")


@pytest.mark.parametrize("surface, expected", [
    ("its fourth quarter", ("1989-10-01", "1989-12-31")),
    ("a fourth-quarter", ("1989-10-01", "1989-12-31")),
    ("the 1988 second quarter", ("1988-04-01", "1988-06-30")),
    ("the year-ago third quarter", ("1988-07-01", "1988-09-30")),
    ("the fiscal-first quarter", ("1989-01-01", "1989-03-31")),
    ("last year's quarter", ("1988-07-01", "1988-09-30")),
    ("the quarter a year ago", ("1988-07-01", "1988-09-30")),
])
def test_quarter_phrasings(surface: str, expected: tuple) -> None:
    assert span(surface, tense="past", anchor="1989-10-30") == expected


@pytest.mark.parametrize("surface, tense, expected", [
    ("the summer", "past", ("1989-06-01", "1989-08-31")),
    ("this past spring", None, ("1989-03-01", "1989-05-31")),
    ("the last half of 1989", None, ("1989-07-01", "1989-12-31")),
    ("the first half of next year", None, ("1990-01-01", "1990-06-30")),
    ("the first two quarters of 1990", None, ("1990-01-01", "1990-06-30")),
    ("the next year or so", "future", ("1990-01-01", "1990-12-31")),
    ("a week or so ago", "past", ("1989-10-23", "1989-10-23")),
    ("the latest fiscal year", "past", ("1988-10-01", "1989-09-30")),
])
def test_seasons_halves_and_approximations(surface: str, tense: str | None, expected: tuple) -> None:
    assert span(surface, tense=tense, anchor="1989-10-30") == expected


def test_a_count_before_an_expression_is_not_part_of_it() -> None:
    assert normalize_timex("seven a year ago", "1989-11-01", "past") is None
    assert normalize_timex("the next two years or so", "1989-10-30")["value"] == "P2Y"


def test_vague_future_references() -> None:
    for surface in ("the near term", "the short term", "as soon as possible", "soon"):
        assert normalize_timex(surface, "1989-10-30")["value"] == "FUTURE_REF", surface


def test_vague_counts_and_long_prefixes() -> None:
    assert normalize_timex("at least several years", "1989-10-27")["value"] == "PXY"
    assert normalize_timex("the years", "1998-03-31")["value"] == "PXY"


@pytest.mark.parametrize("surface, value", [
    ("no more than sixty days", "P60D"),
    ("2 1/2 years", "P2Y6M"),
    ("the weeks ahead", "PXW"),
    ("the year-earlier nine months", "P9M"),
    ("five more days", "P5D"),
])
def test_duration_phrasings(surface: str, value: str) -> None:
    assert normalize_timex(surface, "1998-02-27")["value"] == value


def test_relative_centuries_are_centuries_not_days() -> None:
    assert span("this century", anchor="1989-11-01") == ("1900-01-01", "1999-12-31")
    assert span("last century", anchor="2023-03-22") == ("1900-01-01", "1999-12-31")


def test_clock_time_grammar() -> None:
    from pipeline.normalize.dates import clock_time

    anchor = date(2024, 6, 3)  # a Monday
    assert clock_time("3:30 p.m.", anchor, None)["value"] == "2024-06-03T15:30"
    assert clock_time("12 a.m.", anchor, None)["value"] == "2024-06-03T00:00"
    assert clock_time("midnight", anchor, None)["value"] == "2024-06-03T00:00"
    assert clock_time("friday at 9 a.m.", anchor, "future")["value"] == "2024-06-07T09:00"
    assert clock_time("friday at 9 a.m.", anchor, "past")["value"] == "2024-05-31T09:00"
    assert clock_time("10 a.m. local time", anchor, None)["value"] == "2024-06-03T10:00"
    for not_a_time in ("7", "25:00", "13 p.m.", "3:75"):
        assert clock_time(not_a_time, anchor, None) is None, not_a_time


def test_numeric_dates_by_country_and_two_digit_years() -> None:
    from pipeline.normalize.dates import numeric_date

    anchor = date(2024, 6, 3)
    assert numeric_date("7/8/07", anchor, "US")["date_start"] == "2007-07-08"
    assert numeric_date("7/8/07", anchor, "DMY")["date_start"] == "2007-08-07"
    assert numeric_date("25/12/99", anchor, "US")["date_start"] == "1999-12-25"  # only one order fits
    assert numeric_date("1/2/40", anchor, "US")["date_start"] == "1940-01-02"  # not 16 years ahead
    assert numeric_date("1/2/30", anchor, "US")["date_start"] == "2030-01-02"  # six years ahead is fine
    assert numeric_date("2/30/2020", anchor, "US") is None


def test_the_time_expression_words_come_from_the_lexicon_and_a_broken_one_is_named(tmp_path):
    from pipeline.normalize.dates import TIMEX_LEXICON, timex_words

    words = timex_words()
    assert words.numbers["twelve"] == 12 and words.numbers["a couple of"] == 2
    assert words.ordinals["3rd"] == 3 and words.ordinals["q4"] == 4
    assert "a few" in words.vague_numbers and "several" in words.vague_first_words
    assert words.references["nowadays"] == "PRESENT_REF" and words.references["lately"] == "PAST_REF"
    assert words.references["shortly"] == "FUTURE_REF"
    assert words.frequencies["fortnightly"] == ("week", 2) and words.parts_of_day["evening"] == "EV"
    assert "evening" in words.after_noon and "morning" not in words.after_noon
    assert {"US", "CA"} <= words.month_first_countries and "GB" not in words.month_first_countries
    broken = tmp_path / "timex.toml"
    shipped = TIMEX_LEXICON.read_text(encoding="utf-8")
    broken.write_text(shipped.replace("month_first_countries =", "month_first ="), encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"the time-expression words in .*timex.toml.*'month_first_countries'"):
        timex_words(str(broken))
    broken.write_text("[numbers.words]\nfive = \n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="timex.toml"):
        timex_words(str(broken))


def test_the_lexicon_words_drive_the_normalizer():
    assert normalize_timex("nowadays", PUB)["value"] == "PRESENT_REF"
    assert normalize_timex("fortnightly", PUB)["value"] == "P2W"
    assert normalize_timex("several months", PUB)["value"] == "PXM"
    assert span("7/8/07", country="US")[0] == "2007-07-08"
    assert span("7/8/07", country="GB")[0] == "2007-08-07"


def test_the_calendar_units_and_seasons_come_from_the_lexicon():
    from pipeline.normalize.dates import timex_words

    words = timex_words()
    assert words.units["decade"] == ("DE", "decade") and words.units["night"] == ("D", "day")
    assert words.seasons["autumn"] == ("FA", 9, 11) and words.seasons["winter"] == ("WI", 12, 2)
    assert "weekend" in words.unit_readings["the_current"] and "weekend" not in words.unit_readings["the_whole"]
    assert words.unit_readings["year_ago"] == ("year", "month", "week", "quarter")
    # What the lexicon holds is what the normalizer reads.
    assert normalize_timex("two decades", PUB)["value"] == "P20Y"
    assert normalize_timex("the past weekend", PUB)["granularity"] == "week"
    assert span("winter 1997") == ("1997-12-01", "1998-02-28")
    assert normalize_timex("every autumn", PUB)["value"] == "XXXX-FA"
    assert normalize_timex("the weeks ahead", PUB)["value"] == "PXW"
    assert normalize_timex("the whole weekend", PUB)["value"] == "PXD"  # a duration; "the weekend" is a date
    assert normalize_timex("the weekend", PUB)["value"] == "2023-W12-WE"
    assert normalize_timex("within decades", PUB)["value"] == "PXY" and normalize_timex("mornings", PUB) is None


@pytest.mark.parametrize("old, key", [("\n[units]\n", "units"), ("\n[seasons]\n", "seasons"),
                                      ("\n[unit_readings]\n", "unit_readings"), ("\nahead =", "ahead"),
                                      ("\nnever_alone =", "never_alone")])
def test_a_timex_lexicon_lacking_units_seasons_or_unit_readings_is_named(tmp_path, old, key):
    from pipeline.normalize.dates import TIMEX_LEXICON, timex_words

    shipped = TIMEX_LEXICON.read_text(encoding="utf-8")
    assert shipped.count(old) == 1
    broken = tmp_path / "timex.toml"
    broken.write_text(shipped.replace(old, old.replace(key, f"{key}_gone")), encoding="utf-8")
    with pytest.raises(RuntimeError, match=rf"the time-expression words in .*timex.toml.*'{key}'"):
        timex_words(str(broken))


def test_months_weekdays_holidays_spoken_years_ranges_and_fiscal_cues_come_from_the_lexicon():
    from pipeline.normalize.dates import HOLIDAYS, MONTHS, WEEKDAYS, holiday_date, timex_words

    words = timex_words()
    assert words.months["september"] == ("sep", "sept") and words.months["may"] == ()
    assert words.weekdays["thursday"] == ("thu", "thur", "thurs")
    assert MONTHS["sept"] == 9 and MONTHS["december"] == 12 and WEEKDAYS["tues"] == 1 and WEEKDAYS["sunday"] == 6
    assert HOLIDAYS["election day"] == {"month": 11, "weekday": 0, "nth": 1, "days_after": 1}
    assert holiday_date(HOLIDAYS["election day"], 2024).isoformat() == "2024-11-05"
    assert holiday_date(HOLIDAYS["good friday"], 2023).isoformat() == "2023-04-07"
    assert holiday_date(HOLIDAYS["memorial day"], 2023).isoformat() == "2023-05-29"
    assert "ninety" in words.spoken_years["tens"] and "thru" in words.range_joiners
    assert "Pentagon" in words.us_fiscal_cues and "Ottawa" in words.ca_fiscal_cues
    # What the lexicon holds is what the normalizer reads.
    assert span("Sept. 5") == ("2023-09-05", "2023-09-05") and span("sept 1998")[0] == "1998-09-01"
    assert normalize_timex("last Thurs.", PUB)["value"] == "2023-03-16"
    assert normalize_timex("every Tues", PUB)["value"] == "XXXX-WXX-2"
    assert span("Labour Day 2023") == ("2023-09-04", "2023-09-04") and span("Easter Monday 2024")[0] == "2024-04-01"
    assert normalize_timex("nineteen ninety-six", PUB)["value"] == "1996"
    assert normalize_timex("two thousand and three", PUB)["value"] == "2003"
    assert span("from May 2022 thru July 2022") == ("2022-05-01", "2022-07-31")
    assert span("between 1995 and 1997") == ("1995-01-01", "1997-12-31")
    assert normalize_timex("fiscal 2024", PUB, sentence="Ottawa said")["date_start"] == "2024-04-01"
    assert normalize_timex("fiscal 2024", PUB, country="CA", sentence="the Pentagon said")["date_start"] == "2023-10-01"
    assert normalize_timex("as recently as May 1998", PUB)["value"] == "1998-05"
    assert normalize_timex("six running days", PUB)["value"] == "P6D"
    assert normalize_timex("two additional weeks", PUB)["value"] == "P2W"
    assert normalize_timex("the 1998 time frame", PUB)["value"] == "1998"
    assert normalize_timex("sometime in May 1998", PUB)["value"] == "1998-05"
    words = timex_words()
    assert words.relations["back"] == ("ago", "earlier", "before") and "hence" in words.relations["forward"]
    assert "prior" in words.relations["previous"] and words.percent_words == ("per cent", "percent")
    assert normalize_timex("three days hence", PUB)["value"] == "2023-03-25"
    assert normalize_timex("two weeks from now", PUB)["value"] == "2023-04-05"
    assert normalize_timex("the month-earlier level", PUB)["value"] == "2023-02"
    assert normalize_timex("the third quarter a year before", PUB)["value"] == "2021-Q3"
    assert normalize_timex("the year-earlier third quarter", PUB)["value"] == "2021-Q3"
    assert normalize_timex("its year-ago quarter", PUB)["value"] == "2022-Q1"
    assert normalize_timex("the same month the preceding year", PUB)["granularity"] == "range"
    assert normalize_timex("the same month a year before", PUB)["granularity"] == "range"
    assert normalize_timex("5 per cent", PUB) is None


@pytest.mark.parametrize("old, key", [("\n[months]\n", "months"), ("\n[weekdays]\n", "weekdays"),
                                      ("\n[holidays]\n", "holidays"), ("\n[spoken_years]\n", "spoken_years"),
                                      ("\nteens =", "teens"), ("\nafter_two_thousand =", "after_two_thousand"),
                                      ("\n[ranges]\n", "ranges"), ("\njoiners =", "joiners"),
                                      ("\nopeners =", "openers"), ("\n[fiscal_cues]\n", "fiscal_cues"),
                                      ("\nus =", "us"), ("\nca =", "ca"),
                                      ("\ncount_phrases =", "count_phrases"), ("\n[qualifiers]\n", "qualifiers"),
                                      ("\nleading =", "leading"), ("\nrun_words =", "run_words"),
                                      ("\ncount_extras =", "count_extras"), ("\nperiod_words =", "period_words"),
                                      ("\nparts =", "parts"), ("\n[relations]\n", "relations"),
                                      ("\nback =", "back"), ("\nforward =", "forward"),
                                      ("\ncompound_back =", "compound_back"), ("\nprevious =", "previous"),
                                      ("\nreference_back =", "reference_back"), ("\n[not_timex]\n", "not_timex"),
                                      ("\npercent =", "percent")])
def test_a_timex_lexicon_lacking_months_weekdays_holidays_or_their_kin_is_named(edited_copy, old, key):
    from pipeline.normalize.dates import TIMEX_LEXICON, timex_words

    broken = edited_copy(TIMEX_LEXICON, old, old.replace(key, f"{key}_gone"))
    with pytest.raises(RuntimeError, match=rf"the time-expression words in .*timex.toml.*'{key}'"):
        timex_words(str(broken))


def test_a_holiday_rule_of_no_known_form_is_named(edited_copy):
    from pipeline.normalize.dates import TIMEX_LEXICON, timex_words

    broken = edited_copy(TIMEX_LEXICON, '"good friday" = { easter = -2 }', '"good friday" = { easter = -2, month = 4 }')
    with pytest.raises(RuntimeError, match=r"timex.toml.*holidays.good friday: a rule is month and day"):
        timex_words(str(broken))


def test_the_shifts_deictic_words_and_named_days_come_from_the_lexicon():
    from pipeline.normalize.dates import timex_words

    words = timex_words()
    assert words.shifts["most recent"] == -1 and words.shifts["this coming"] == 1 and words.shifts["same"] == 0
    assert "on" in words.deictic["weekday"] and "on" not in words.shifts
    assert words.relative_days["the day before"] == -1 and words.relative_days["tomorrow's"] == 1
    assert words.clock_days == ("today", "tomorrow", "yesterday", "tonight") and "night" in words.after_a_day
    # What the lexicon holds is what the normalizer reads.
    assert normalize_timex("the most recent fiscal year", PUB)["value"] == "FY2022"
    assert normalize_timex("this current fiscal year", PUB)["value"] == "FY2023"
    assert normalize_timex("this coming winter", PUB)["value"] == "2023-WI"
    assert normalize_timex("past April", PUB)["value"] == "2022-04"
    assert normalize_timex("February of next year", PUB)["value"] == "2024-02"
    assert normalize_timex("Christmas last year", PUB)["value"] == "2022-12-25"
    assert normalize_timex("next Christmas", PUB)["value"] == "2023-12-25"
    assert normalize_timex("the past year", PUB)["value"] == "2022"
    assert normalize_timex("the previous Friday", PUB)["value"] == "2023-03-17"
    assert normalize_timex("the following Friday", PUB)["value"] == "2023-03-24"
    assert normalize_timex("yesterday evening", PUB)["value"] == "2023-03-21TEV"
    assert normalize_timex("the day before", PUB)["value"] == "2023-03-21"
    assert normalize_timex("3 p.m. tomorrow", PUB)["value"] == "2023-03-23T15:00"
    assert normalize_timex("Friday night", PUB)["value"] == "2023-03-17TNI"
    assert normalize_timex("year's end", PUB, "past")["value"] == "2022-12-31"


def test_clock_hours_zones_day_lists_and_calendar_determiners_come_from_the_lexicon():
    from pipeline.normalize.dates import timex_words

    words = timex_words()
    assert words.clock_hours == {"noon": 12, "midday": 12, "midnight": 0} and "local time" in words.zones
    assert words.day_lists == ("and", "or", "to", "through", "until")
    assert words.qualifiers["calendar_determiners"] == ("the", "this", "that")
    assert "mid" in words.qualifiers["part_starts"]
    # What the lexicon holds is what the normalizer reads.
    assert normalize_timex("midnight", PUB, label="TIME")["value"] == "2023-03-22T00:00"
    assert normalize_timex("Friday at midday", PUB, label="TIME")["value"] == "2023-03-17T12:00"
    assert normalize_timex("14:48 CEST", PUB, label="TIME")["value"] == "2023-03-22T14:48"
    assert normalize_timex("10 a.m. (local time)", PUB, label="TIME")["value"] == "2023-03-22T10:00"
    assert normalize_timex("8 o'clock tonight", PUB, label="TIME")["value"] == "2023-03-22T20:00"
    assert normalize_timex("May 5 and 6", PUB)["value"] == "2023-05-05/2023-05-06"
    assert normalize_timex("this mid-March", PUB)["value"] == "2023-03"


def test_fiscal_quarter_set_half_and_duration_words_come_from_the_lexicon():
    from pipeline.normalize.dates import timex_words

    words = timex_words()
    assert words.fiscal["names"] == ("fiscal year", "fiscal", "fy") and "calendar" in words.fiscal["year_kinds"]
    assert words.quarters["determiners"] == ("the", "its", "their", "our", "a", "an")
    assert words.sets["words"] == ("every", "each") and words.halves["second_half"] == ("second", "last", "latter")
    assert "remaining" in words.duration_words["modifiers"] and words.ages["age_nouns"] == ("age",)
    # What the lexicon holds is what the normalizer reads.
    assert normalize_timex("FY2022", PUB)["value"] == "FY2022"
    assert normalize_timex("the third quarter of calendar 1997", PUB)["value"] == "1997-Q3"
    assert normalize_timex("their fourth quarter", PUB)["value"] == "2022-Q4"
    assert normalize_timex("the same year's fourth quarter", PUB)["value"] == "2023-Q4"
    assert normalize_timex("the prior quarter", PUB)["value"] == "2022-Q4"
    assert normalize_timex("its most recent period", PUB)["value"] == "2022-Q4"
    assert normalize_timex("last year's quarter", PUB)["value"] == "2022-Q1"
    assert normalize_timex("every other week", PUB)["value"] == "P2W"
    assert normalize_timex("per year", PUB)["timex_type"] == "set"
    assert normalize_timex("a year", PUB)["timex_type"] == "duration"  # "a" makes no set
    assert normalize_timex("each race", PUB)["value"] == "PX"
    assert normalize_timex("every evening", PUB)["value"] == "TEV"
    assert normalize_timex("the latter half of 1989", PUB)["value"] == "1989-H2"
    assert span("the final two months of 1990") == ("1990-11-01", "1990-12-31")
    assert normalize_timex("the next few years ahead", PUB)["value"] == "PXY"
    assert normalize_timex("the remaining three months", PUB)["value"] == "P3M"
    assert normalize_timex("a two-year-long", PUB)["value"] == "P2Y"
    assert normalize_timex("the entire month", PUB)["value"] == "2023-03"
    assert normalize_timex("an additional year", PUB)["value"] == "P1Y"
    assert normalize_timex("a week or so ago", PUB)["value"] == "2023-03-15"
    assert normalize_timex("the nineties", PUB)["value"] == "199"
    assert normalize_timex("a 5-year-old", PUB) is None and normalize_timex("aged 50", PUB) is None


@pytest.mark.parametrize("old, key", [
    ("\n[shifts]\n", "shifts"), ("\n[deictic]\n", "deictic"), ("\nfiscal_year =", "fiscal_year"),
    ("\nfiscal_year_again =", "fiscal_year_again"), ("\nof_year =", "of_year"),
    ("\nyear_of_quarter =", "year_of_quarter"), ("\nseason =", "season"), ("\nmonth_name =", "month_name"),
    ("\nholiday =", "holiday"), ("\nunit =", "unit"), ("\nweekday =", "weekday"),
    ("\n[relative_days]\n", "relative_days"), ("\nclock_days =", "clock_days"), ("\nafter_a_day =", "after_a_day"),
    ("\nhedges =", "hedges"), ("\nmodifiers =", "modifiers"), ("\nrun_modifiers =", "run_modifiers"),
    ("\nlength_words =", "length_words"), ("\ndate_modifiers =", "date_modifiers"), ("\nwholes =", "wholes"),
    ("\nvague_modifiers =", "vague_modifiers"), ("\nbefore_ahead =", "before_ahead"),
    ("\nahead_words =", "ahead_words"), ("\n[fiscal]\n", "fiscal"), ("\nnames =", "names"),
    ("\nthe_year =", "the_year"), ("\nadjectives =", "adjectives"), ("\nyear_kinds =", "year_kinds"),
    ("\n[quarters]\n", "quarters"), ("\ndeterminers =", "determiners"), ("\nlatest_names =", "latest_names"),
    ("\nlatest_determiners =", "latest_determiners"), ("\nlast_reported =", "last_reported"),
    ("\ncurrent_one =", "current_one"), ("\nbefore_last =", "before_last"), ("\nyear_back =", "year_back"),
    ("\nplain =", "plain"), ("\n[sets]\n", "sets"), ("\nwords =", "words"), ("\nrates =", "rates"),
    ("\nalternate =", "alternate"), ("\nstretches =", "stretches"), ("\nday_parts =", "day_parts"),
    ("\n[halves]\n", "halves"), ("\nfirst_half =", "first_half"), ("\nsecond_half =", "second_half"),
    ("\n[stretch_ends]\n", "stretch_ends"), ("\nfirst_units =", "first_units"), ("\nlast_units =", "last_units"),
    ("\n[year_end]\n", "year_end"), ("\nphrases =", "phrases"), ("\nage_units =", "age_units"),
    ("\nage_adjectives =", "age_adjectives"), ("\nage_nouns =", "age_nouns"), ("\nzones =", "zones"),
    ("\n[day.hours]\n", "hours"), ("\nday_lists =", "day_lists"), ("\ncalendar_determiners =", "calendar_determiners"),
    ("\npart_starts =", "part_starts")])
def test_a_timex_lexicon_lacking_shifts_deictic_words_or_their_kin_is_named(edited_copy, old, key):
    from pipeline.normalize.dates import TIMEX_LEXICON, timex_words

    assert TIMEX_LEXICON.read_text(encoding="utf-8").count(old) == 1
    broken = edited_copy(TIMEX_LEXICON, old, old.replace(key, f"{key}_gone"))
    with pytest.raises(RuntimeError, match=rf"the time-expression words in .*timex.toml.*'{key}'"):
        timex_words(str(broken))
