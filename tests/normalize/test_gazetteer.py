"""The gazetteer's parse cache: built once, reused, rebuilt when stale or broken."""
from __future__ import annotations

import gzip
from pathlib import Path

from pipeline.normalize.gazetteer import cached_gazetteer, read_gazetteer

HEADER = "geonameid\tname\tfeature\tcountry_code\tsubdivision_code\tlat\tlon\tpopulation\taliases\n"
ROWS = [
    "6251999\tCanada\tcountry\tCA\t\t60.10867\t-113.64258\t37058856\tDominion of Canada\n",
    "6093943\tOntario\tsubdivision\tCA\tCA-ON\t49.25014\t-84.49983\t12861940\t\n",
    "\tCanadian\tdemonym\tCA\t\t0\t0\t0\t\n",
]


def _gazetteer_file(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "places.tsv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(HEADER + "".join(rows))
    return path


def _same(a, b) -> bool:
    return (a.entries, a.index, a.demonyms, a.countries, a.subdivisions) == \
        (b.entries, b.index, b.demonyms, b.countries, b.subdivisions)


def test_cache_is_written_then_read(tmp_path):
    src = _gazetteer_file(tmp_path, ROWS)
    cache = tmp_path / "cache"
    first = cached_gazetteer(src, cache)
    files = list(cache.glob("gazetteer-*.pickle"))
    assert len(files) == 1
    assert _same(first, read_gazetteer(src))
    assert _same(cached_gazetteer(src, cache), first)
    assert first.lookup("Dominion of Canada")[0]["country_code"] == "CA"
    assert first.demonym("Canadian")["name"] == "Canada"


def test_a_changed_file_gets_a_new_cache(tmp_path):
    cache = tmp_path / "cache"
    cached_gazetteer(_gazetteer_file(tmp_path, ROWS[:1]), cache)
    changed = cached_gazetteer(_gazetteer_file(tmp_path, ROWS), cache)
    assert changed.subdivision("CA-ON")["name"] == "Ontario"
    assert len(list(cache.glob("gazetteer-*.pickle"))) == 2


def test_a_corrupt_cache_is_rebuilt(tmp_path):
    src = _gazetteer_file(tmp_path, ROWS)
    cache = tmp_path / "cache"
    cached_gazetteer(src, cache)
    (target,) = cache.glob("gazetteer-*.pickle")
    target.write_bytes(b"not a pickle")
    assert _same(cached_gazetteer(src, cache), read_gazetteer(src))
    assert target.read_bytes() != b"not a pickle"


def test_an_unwritable_cache_directory_still_loads(tmp_path):
    src = _gazetteer_file(tmp_path, ROWS)
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    gaz = cached_gazetteer(src, blocker / "cache")
    assert gaz.country("CA")["name"] == "Canada"


def test_compass_named_subdivisions_name_their_region():
    from pipeline.normalize.build_gazetteer import stem_regions

    subs = [("SD", ["North Darfur", "Northern Darfur"], (16.0, 25.0)), ("SD", ["South Darfur"], (11.0, 25.0)),
            ("US", ["North Dakota"], (47.0, -100.0)), ("ZA", ["Western Cape"], (-33.0, 20.0)),
            ("ZA", ["Eastern Cape"], (-32.0, 27.0)), ("XX", ["West Lone"], (0.0, 0.0))]
    regions = stem_regions(subs, taken=set())
    assert regions["Darfur"] == ("SD", (13.5, 25.0))
    assert "Dakota" not in regions and "Lone" not in regions  # one subdivision is not a region
    assert "Cape" not in regions  # a kind of division, not a name
    assert "Darfur" not in stem_regions(subs, taken={"darfur"})


def test_shipped_gazetteer_has_admin1_ids_and_short_names():
    from pipeline.normalize.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    quebec = [e for e in gaz.lookup("Quebec") if e["feature"] == "subdivision"]
    assert quebec and quebec[0]["geonameid"] == 6115047
    assert any(e["subdivision_code"] == "CN-AH" for e in gaz.lookup("Anhui"))
    assert any(e["feature"] == "region" and e["country_code"] == "ID" for e in gaz.lookup("Java"))


def test_demonyms_from_country_files_name_one_country(tmp_path):
    import json

    from pipeline.normalize.build_gazetteer import read_demonyms

    files = {"mali": ("ML", "Malian"), "senegal": ("SN", "Senegalese"), "congo": ("CG", "Congolese"),
             "drc": ("CD", "Congolese"), "bosnia": ("BA", "Bosnian, Herzegovinian"),
             "gibraltar": ("GI", "Gibraltar"), "nowhere": ("XX", "Nowherian")}
    for name, (cc, dem) in files.items():
        (tmp_path / f"{name}.json").write_text(json.dumps({"ISO": {"alpha2": cc}, "demonym": dem}))
    names = {"ML": {"mali"}, "SN": {"senegal"}, "CG": {"congo"}, "CD": {"dr congo"},
             "BA": {"bosnia and herzegovina"}, "GI": {"gibraltar"}}
    got = read_demonyms(names, tmp_path)
    assert got["ML"] == ["Malian", "Malians"] and got["SN"] == ["Senegalese"]
    assert got["BA"] == ["Bosnian", "Bosnians", "Herzegovinian", "Herzegovinians"]
    assert "CG" not in got and "CD" not in got  # one word for two countries
    assert "GI" not in got  # the country's own name is no demonym
    assert "XX" not in got  # no such country in the gazetteer


def test_shipped_gazetteer_has_demonyms_of_smaller_countries():
    from pipeline.normalize.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    assert gaz.demonym("Malians")["country_code"] == "ML"
    assert gaz.demonym("Burkinabe")["country_code"] == "BF"
    assert gaz.demonym("Congolese") is None


def test_the_generic_words_come_from_the_lexicon_and_a_broken_one_is_named(edited_copy):
    import pytest

    from pipeline.normalize.gazetteer import WORDS_FILE, gazetteer_words, is_generic

    words = gazetteer_words()
    assert {"north", "central", "lakes", "county"} <= words.generic and "dakota" not in words.generic
    assert is_generic("far north") and is_generic("the lakes") and not is_generic("north dakota")
    bad = edited_copy(WORDS_FILE, "generic_words =", "generic =")
    with pytest.raises(RuntimeError, match=r"the gazetteer words in .*gazetteer.toml.*'generic_words'"):
        gazetteer_words(str(bad))


def test_the_build_facts_come_from_the_lexicon_and_a_broken_one_is_named(edited_copy):
    import pytest

    from pipeline.normalize.build_gazetteer import FACTS_FILE, geography_facts

    facts = geography_facts()
    assert "North" in facts.compass_words and "cape" in facts.stems_not_regions
    assert "Calif." in facts.subdivision_abbreviations["US-CA"] and "Britain" in facts.country_aliases["GB"]
    assert "Quebecers" in facts.demonyms["CA-QC"] and facts.region_demonyms["Europe"][0] == "European"
    assert facts.regions["Gaza Strip"] == (31.42, 34.37, ("Gaza", "the Gaza Strip"))
    bad = edited_copy(FACTS_FILE, "[region_demonyms]", "[regional]")
    with pytest.raises(RuntimeError, match=r"the geographic facts in .*geography.toml.*'region_demonyms'"):
        geography_facts(str(bad))
