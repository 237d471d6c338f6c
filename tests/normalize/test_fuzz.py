"""Fuzzing the normalizers: any text in, plain records out, never an exception."""
from hypothesis import HealthCheck, given, settings, strategies as st

from pipeline.normalize.dates import normalize_timex
from pipeline.normalize.places import split_compound
from pipeline.normalize.quantities import normalize_sentence

# Text that looks like news: digits, number and scale words, currency and date words, punctuation.
NEWSY = st.lists(st.sampled_from([
    "$", "US$", "C$", "€", "%", "per cent", "million", "billion", "two", "dozen", "half", "about",
    "more than", "nearly", "rose", "fell", "to", "from", "-", "–", ",", ".", "March", "Thursday",
    "fiscal", "2022", "last", "next", "week", "quarter", "summer", "the", "1,234.5", "3", "07",
    "1990s", "U.S.", "Canada", "Quebec", "Paris", ",", "Texas", "'s", "\"", "\n",
]), max_size=25).map(" ".join)
ANY_TEXT = st.one_of(NEWSY, st.text(max_size=80))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT, st.sampled_from([None, "CA", "US", "GB"]))
def test_quantities_return_records_inside_the_text(text, country):
    for fig in normalize_sentence(text, None, None, {"country": country, "source": None}):
        assert 0 <= fig["start"] < fig["end"] <= len(text)
        assert isinstance(fig["value"], float)
        assert fig["approx"] in ("=", "~", ">", "<")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT, st.sampled_from([None, "2023-03-22", "1998-08-07"]), st.sampled_from([None, "past", "future"]),
       st.sampled_from(["DATE", "TIME"]))
def test_dates_return_a_record_or_none(surface, anchor, tense, label):
    rec = normalize_timex(surface, anchor, tense, "US", surface, label)
    if rec is not None:
        assert rec["timex_type"] in ("date", "time", "duration", "set")
        if rec.get("date_start") and rec.get("date_end"):
            assert rec["date_start"] <= rec["date_end"]


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_compound_parts_are_ranges_of_the_surface(surface):
    for start, end in split_compound(surface):
        assert 0 <= start <= end <= len(surface)
