"""The gazetteer and the pure place resolvers."""
from __future__ import annotations

from collections import Counter

import pytest

from pipeline.normalize.gazetteer import is_generic, load_gazetteer, name_key
from pipeline.normalize.places import article_country, resolve, resolve_all, split_compound


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def test_name_key_folds_case_accents_dots_and_article():
    assert name_key("the U.S.") == "us"
    assert name_key("Québec") == "quebec"
    assert name_key("Rhineland-Palatinate") == "rhineland palatinate"


def test_generic_words_are_not_places():
    assert is_generic("far north")
    assert not is_generic("north dakota")


def test_countries_and_capital(gaz):
    assert resolve(gaz, "Canada")["geonameid"] == 6251999
    assert resolve(gaz, "U.S.")["country_code"] == "US"
    assert resolve(gaz, "Mexico")["country_code"] == "MX"
    ottawa = resolve(gaz, "Ottawa")
    assert (ottawa["geonameid"], ottawa["subdivision_code"]) == (6094817, "CA-ON")
    assert abs(ottawa["lat"] - 45.4) < 0.2 and abs(ottawa["lon"] + 75.7) < 0.2


def test_province_beats_city_and_abbreviations(gaz):
    quebec = resolve(gaz, "Quebec")
    assert (quebec["feature"], quebec["subdivision_code"]) == ("subdivision", "CA-QC")
    assert resolve(gaz, "B.C.")["subdivision_code"] == "CA-BC"
    assert resolve(gaz, "Ky.")["subdivision_code"] == "US-KY"


def test_demonyms_link_to_country_or_subdivision(gaz):
    assert resolve(gaz, "Turkish", label="NORP")["country_code"] == "TR"
    assert resolve(gaz, "Quebecers", label="NORP")["subdivision_code"] == "CA-QC"
    assert resolve(gaz, "European", label="NORP")["feature"] == "continent"
    assert resolve(gaz, "Buddhist", label="NORP")["country_code"] is None


def test_regions_stay_regions(gaz):
    for name in ("Latin America", "the Caribbean"):
        place = resolve(gaz, name)
        assert place["feature"] == "region" and place["country_code"] is None


def test_qualifier_picks_the_right_paris(gaz):
    texas = resolve(gaz, "Texas")
    paris = resolve(gaz, "Paris", {"qualifier": texas})
    assert (paris["country_code"], paris["subdivision_code"]) == ("US", "US-TX")
    assert resolve(gaz, "Paris")["country_code"] == "FR"


def test_article_context_moves_london_to_ontario(gaz):
    mentions = [{"surface": "London", "label": "GPE"}, {"surface": "Ontario", "label": "GPE"}]
    london = resolve_all(gaz, mentions, country="CA")[0]
    assert london["subdivision_code"] == "CA-ON"
    assert resolve_all(gaz, mentions[:1])[0]["country_code"] == "GB"


def test_mentioned_places_disambiguate(gaz):
    ctx = {"country": "GB", "countries": Counter({"GB": 2})}
    assert resolve(gaz, "Edmonton", ctx)["country_code"] == "GB"
    ctx = {"country": "CA", "subdivisions": Counter({"CA-AB": 1}), "countries": Counter({"CA": 1})}
    assert resolve(gaz, "Edmonton", ctx)["subdivision_code"] == "CA-AB"


def test_split_compound():
    assert split_compound("Canada-U.S.") == [(0, 6), (7, 11)]
    assert split_compound("Turkish–Russian") == [(0, 7), (8, 15)]
    assert split_compound("Ottawa") == [(0, 6)]


def test_article_country_from_source_then_places():
    assert article_country("The Canadian Press", []) == "CA"
    assert article_country("www.cbc.ca", []) == "CA"
    places = [{"country_code": "TR"}, {"country_code": "RU"}, {"country_code": "TR"}]
    assert article_country(None, places) == "TR"
    assert article_country(None, []) is None


def _mentions(*surfaces):
    return [{"surface": s, "label": "GPE"} for s in surfaces]


def test_local_coherence_puts_a_town_in_its_county_state(gaz):
    paris, county = resolve_all(gaz, _mentions("Paris", "Edgar County"))
    assert paris["subdivision_code"] == county["subdivision_code"] == "US-IL"
    athens, county = resolve_all(gaz, _mentions("Athens", "Henderson County"))
    assert athens["country_code"] == "US"
    assert athens["subdivision_code"] == county["subdivision_code"]


def test_a_county_follows_the_state_of_its_town(gaz):
    paris, county = resolve_all(gaz, _mentions("Paris", "Henry County"), country="US")
    assert paris["subdivision_code"] == county["subdivision_code"] == "US-TN"


def test_local_coherence_keeps_countries_and_prominent_namesakes(gaz):
    palestine, _ = resolve_all(gaz, _mentions("Palestine", "Anderson County"), country="US")
    assert palestine["feature"] == "country"
    washington, _ = resolve_all(gaz, _mentions("Washington", "Wilkes County"))
    assert washington["subdivision_code"] == "US-DC"


def test_a_county_votes_for_its_country(gaz):
    paris, _ = resolve_all(gaz, _mentions("Paris", "Henry County"))
    assert paris["country_code"] == "US"


def test_the_sources_home_countries_come_from_the_lexicon_and_a_broken_one_is_named(edited_copy):
    from pipeline.normalize.places import SOURCES_LEXICON, source_countries

    sources = source_countries()
    assert ("reuters", "GB") in sources.names and ("afp", "FR") in sources.names
    assert dict(sources.domains)[".ie"] == "IE"
    assert article_country("www.irishtimes.ie", []) == "IE" and article_country("TheGlobeAndMail", []) == "CA"
    bad = edited_copy(SOURCES_LEXICON, "[domains]", "[tlds]")
    with pytest.raises(RuntimeError, match=r"the home countries of news sources in .*sources.toml.*'domains'"):
        source_countries(str(bad))
