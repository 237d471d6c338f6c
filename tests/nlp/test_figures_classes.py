"""The error classes of figures seen on news the rules were not written on (issue 14), each with
a short text of our own, through the ``claims_figures`` component."""
import pytest


@pytest.fixture(scope="module")
def nlp(base_with):
    return base_with("claims_figures")


def figures(nlp, text: str, country: str | None = "CA") -> dict[str, dict]:
    from pipeline.nlp.extensions import make_doc

    doc = nlp(make_doc(nlp, text, country=country))
    return {f["surface"]: f for f in doc._.figures}


def test_units_through_punctuation(nlp) -> None:
    got = figures(nlp, 'The parcel weighs 20 (kg) and the tablet has a 10" screen.')
    assert got["20 (kg)"]["unit"] == "kilogram"
    assert got['10"']["unit"] == "inch" and got['10"']["value"] == 10


def test_degrees_are_a_temperature_on_the_country_scale(nlp) -> None:
    assert figures(nlp, "Temperatures reached 30 degrees on Sunday.")["30 degrees"]["unit"] == "celsius"
    assert figures(nlp, "Temperatures reached 90 degrees on Sunday.", country="US")["90 degrees"]["unit"] \
        == "fahrenheit"
    assert figures(nlp, "The road bends 30 degrees to the left.")["30 degrees"]["unit"] == "degree"


def test_metres_with_a_measure_adjective_are_not_millions(nlp) -> None:
    got = figures(nlp, "The suspect is 1.8m tall; the club lost 1.8m dollars.")
    assert (got["1.8m"]["value"], got["1.8m"]["unit"]) == (1.8, "metre")
    assert got["1.8m dollars"]["value"] == 1_800_000


def test_composite_amounts(nlp) -> None:
    got = figures(nlp, "A ticket cost thirteen dollars and forty-five cents.")
    fig = got["thirteen dollars and forty-five cents"]
    assert fig["value"] == pytest.approx(13.45) and fig["unit"] == "dollar"
    assert len(got) == 1


def test_currency_codes_with_scale_and_lakh_crore(nlp) -> None:
    got = figures(nlp, "The contract is worth 30 MUSD and shares trade at cad$ 15.")
    assert (got["30 MUSD"]["value"], got["30 MUSD"]["currency"]) == (30e6, "USD")
    assert (got["cad$ 15"]["value"], got["cad$ 15"]["currency"]) == (15, "CAD")
    got = figures(nlp, "He was fined 5 lakh rupees and the bridge cost Rs 3 crore.", country="IN")
    assert (got["5 lakh rupees"]["value"], got["5 lakh rupees"]["currency"]) == (5e5, "INR")
    assert got["Rs 3 crore"]["value"] == 3e7
    assert figures(nlp, "Exports reached 2.5 MSEK.")["2.5 MSEK"]["currency"] == "SEK"


def test_an_elided_unit_comes_from_the_count_it_repeats(nlp) -> None:
    got = figures(nlp, "Agents recorded 68,784 encounters at the border, including 13,053 in the last month.")
    assert got["68,784 encounters"]["unit"] == "encounter"
    assert got["13,053"]["unit"] == "encounter"
    # no noun to repeat: still a bare number
    assert figures(nlp, "The score was 13,053 in the last month.")["13,053"]["unit"] == "dimensionless"


def test_foot_marks_negative_degrees_and_pounds_with_pence(nlp) -> None:
    got = figures(nlp, "The pole is 3' long and the player is 6'2\" tall.")
    assert (got["3'"]["value"], got["3'"]["unit"]) == (3, "foot")
    assert figures(nlp, "It fell to minus 12 degrees overnight.")["minus 12 degrees"]["unit"] == "celsius"
    assert figures(nlp, "It was 10 degrees below zero.")["10 degrees"]["unit"] == "celsius"
    assert figures(nlp, "The wing sat at a minus 3 degrees angle.")["minus 3 degrees"]["unit"] == "degree"
    got = figures(nlp, "A pint cost four pounds and fifty pence.", country="GB")
    fig = got["four pounds and fifty pence"]
    assert (fig["value"], fig["currency"]) == (pytest.approx(4.5), "GBP")
    # pounds alone stay a weight
    assert figures(nlp, "The baby weighed seven pounds.")["seven pounds"]["unit"] == "pound-mass"
    # a closing quote after a number is no foot mark
    assert figures(nlp, "He said 'we won 3'.")["3"]["unit"] == "dimensionless"
