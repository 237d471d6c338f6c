"""Resolve place mentions to gazetteer entries: pure functions over plain records.

A mention is resolved by scoring every gazetteer entry with its name: the log of the
population, a prior by feature (countries, continents and regions before subdivisions, before
populated places), and context: the article's country, the countries and subdivisions already
resolved in the article, an explicit qualifier ("Paris, Texas", "London, Ont.") and local
coherence: a town or county whose state also holds a sense of the article's other names
("Paris" with "Henry County": Paris, Tennessee), which pulls only towards a country the text
gives evidence of. Demonyms ("Canadian", "Quebecers") resolve to their country or subdivision,
and compounds ("Canada-U.S.", "Turkish-Russian") are split into their parts by the caller
(``split_compound``). The weights are one document-level scoring model kept as data in
``models/gazetteer/resolution.toml`` and fitted by ``pipeline.evaluate.places_fit``.
"""
from __future__ import annotations

import dataclasses
import math
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from pipeline.normalize.gazetteer import Gazetteer, name_key
from pipeline.resources import model_file, read_data_file

WEIGHTS_FILE = model_file("gazetteer", "resolution.toml")


@dataclass(frozen=True)
class Weights:
    """The weights of the scoring model (see ``models/gazetteer/resolution.toml``)."""

    feature_prior: dict[str, float]
    same_country_bonus: float
    mentioned_country_bonus: float
    mentioned_subdivision_bonus: float
    foreign_penalty: float
    qualifier_bonus: float
    alias_penalty: float
    coherence_bonus: float
    coherence_cap: float
    coherence_spread: float
    unevidenced_coherence: float
    prominent_population: float
    prominent_ratio: float
    prominent_factor: float
    context_passes: int

    def replace(self, **changes: Any) -> "Weights":
        """A copy with some weights changed (``feature_prior`` entries as ``prior_<feature>``)."""
        prior = dict(self.feature_prior)
        for key in [k for k in changes if k.startswith("prior_")]:
            prior[key[len("prior_"):]] = changes.pop(key)
        return dataclasses.replace(self, feature_prior=prior, **changes)


def load_weights(path: Path | str = WEIGHTS_FILE) -> Weights:
    """The weights in ``path`` (the shipped file by default)."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    w = data["weights"]
    w["context_passes"] = int(w["context_passes"])
    return Weights(feature_prior={k: float(v) for k, v in data["feature_prior"].items()}, **w)


DEFAULT_WEIGHTS = load_weights()
LOCAL_FEATURES = ("city", "capital", "county", "subdivision")

SOURCES_LEXICON = model_file("lexicon", "sources.toml")


@dataclass(frozen=True)
class SourceCountries:
    """The home countries of news sources (``models/lexicon/sources.toml``), in the file's order:
    ``names`` (outlet -> ISO 3166-1 code) and ``domains`` (top-level domain -> code)."""

    names: tuple[tuple[str, str], ...]
    domains: tuple[tuple[str, str], ...]


@lru_cache(maxsize=4)
def source_countries(path: Path | str = SOURCES_LEXICON) -> SourceCountries:
    """The sources' home countries, read once per process."""
    return read_data_file(path, "the home countries of news sources", lambda raw: SourceCountries(
        tuple((str(k), str(v)) for k, v in raw["names"].items()),
        tuple((str(k), str(v)) for k, v in raw["domains"].items())))


_COMPOUND = re.compile(r"\s*[-\u2010-\u2015/]\s*")
PLACE_KEYS = ("name", "feature", "country_code", "subdivision_code", "geonameid", "lat", "lon")


def empty_place() -> dict[str, Any]:
    """A place record with nothing resolved."""
    return {k: None for k in PLACE_KEYS}


def as_place(entry: dict[str, Any] | None) -> dict[str, Any]:
    """The place-record fields of a gazetteer entry (all None when ``entry`` is None)."""
    if entry is None:
        return empty_place()
    return {k: entry.get(k) for k in PLACE_KEYS}


def split_compound(surface: str) -> list[tuple[int, int]]:
    """Char ranges of the parts of a hyphenated compound ('Canada-U.S.' -> two ranges).

    Returns ``[(0, len(surface))]`` when the surface has no separator.
    """
    parts, pos = [], 0
    for m in _COMPOUND.finditer(surface):
        if m.start() > pos:
            parts.append((pos, m.start()))
        pos = m.end()
    if pos < len(surface):
        parts.append((pos, len(surface)))
    return parts or [(0, len(surface))]


def score_entry(entry: dict[str, Any], surface: str, context: dict[str, Any]) -> float:
    """How likely ``entry`` is the place meant by ``surface`` in ``context``.

    ``context`` keys (all optional): ``country`` (article country), ``countries`` and
    ``subdivisions`` (Counters of codes resolved in the article), ``qualifier`` (a resolved
    place record that qualifies this mention, as in "Paris, Texas"), ``support`` and
    ``own_support`` (local-coherence weight per subdivision: of all the article's names, and
    of this one), ``senses`` (see ``_coherence``) and ``evidence`` (the countries local
    coherence may pull towards; any when absent).
    """
    w: Weights = context.get("weights") or DEFAULT_WEIGHTS
    score = math.log10((entry.get("population") or 0) + 1)
    score += w.feature_prior.get(entry["feature"], 0.0)
    if name_key(entry["name"]) != name_key(surface):
        score -= w.alias_penalty
    cc, sub = entry.get("country_code"), entry.get("subdivision_code")
    if cc and cc == context.get("country"):
        score += w.same_country_bonus
    countries: Counter = context.get("countries") or Counter()
    subdivisions: Counter = context.get("subdivisions") or Counter()
    if entry["feature"] not in ("country", "continent", "region"):
        if cc and countries.get(cc):
            score += w.mentioned_country_bonus
        elif cc and context.get("country") and cc != context["country"]:
            score -= w.foreign_penalty
        if sub and subdivisions.get(sub) and entry["feature"] != "subdivision":
            score += w.mentioned_subdivision_bonus
    if sub and context.get("support"):
        # Support from the other names of the article: the total less this name's own.
        own = context.get("own_support") or {}
        other = context["support"].get(sub, 0.0) - own.get(sub, 0.0)
        evidence = context.get("evidence")
        share = 1.0 if evidence is None or cc in evidence else w.unevidenced_coherence
        if other > 1e-9 and share > 0:
            score += share * _coherence(entry, surface, context.get("senses") or {}, w) * \
                min(w.coherence_cap, other)
    qualifier = context.get("qualifier")
    if qualifier:
        qsub, qcc = qualifier.get("subdivision_code"), qualifier.get("country_code")
        if qualifier.get("feature") == "subdivision" and sub == qsub:
            score += w.qualifier_bonus
        elif qualifier.get("feature") == "country" and cc == qcc:
            score += w.qualifier_bonus
    return score


def _coherence(entry: dict[str, Any], surface: str, senses: dict[str, int], w: Weights) -> float:
    """The bonus per unit of support that local coherence gives ``entry``: full for a local
    sense under its own name, none for a town sharing a country's name ("Russia", Ohio),
    reduced for a town sharing the name of a much bigger place of the same country
    ("Washington", Georgia). ``senses``: the name's largest population per country code, and
    ``"*country"`` when the name is a country's."""
    if entry["feature"] not in LOCAL_FEATURES or name_key(entry["name"]) != name_key(surface):
        return 0.0
    if entry["feature"] == "subdivision":
        return w.coherence_bonus
    if senses.get("*country"):
        return 0.0
    top = senses.get(entry.get("country_code") or "", 0)
    pop = entry.get("population") or 0
    if top >= w.prominent_population and top > w.prominent_ratio * pop:
        return w.coherence_bonus * w.prominent_factor
    return w.coherence_bonus


def resolve(gaz: Gazetteer, surface: str, context: dict[str, Any] | None = None,
            label: str | None = None) -> dict[str, Any]:
    """The best gazetteer match for a mention as a place record (fields None when unknown)."""
    context = context or {}
    demonym = gaz.demonym(surface)
    if demonym is not None or label == "NORP":
        return as_place(demonym)
    candidates = gaz.lookup(surface)
    if not candidates:
        return empty_place()
    best = max(candidates, key=lambda e: score_entry(e, surface, context))
    return as_place(best)


def resolve_all(gaz: Gazetteer, mentions: list[dict[str, Any]], country: str | None = None,
                source: str | None = None, weights: Weights | None = None) -> list[dict[str, Any]]:
    """Resolve an article's mentions together: one sense per surface, in passes.

    Each mention is a dict with ``surface``, ``label`` and optionally ``query`` (the part of
    the surface to look up, when not all of it) and ``qualifier`` (the surface of a following
    qualifying place). The first pass resolves without article context to collect the
    countries and subdivisions mentioned (and counties vote for the article's country); the
    ``weights.context_passes`` later ones use them and local coherence (``weights``: the
    shipped ones by default).
    Returns one place record per mention, in order.
    """
    def pass_(ctx: dict[str, Any]) -> list[dict[str, Any]]:
        cache: dict[tuple[str, bool], dict[str, Any]] = {}
        for m in mentions:
            query = m.get("query") or m["surface"]
            key = (name_key(query), m.get("label") == "NORP")
            if key not in cache:
                cache[key] = resolve(gaz, query, ctx, m.get("label"))
        return [cache[(name_key(m.get("query") or m["surface"]), m.get("label") == "NORP")]
                for m in mentions]

    w = weights or DEFAULT_WEIGHTS
    first = pass_({"country": country, "weights": w})
    votes = _country_votes(gaz, mentions, first)
    base = {"country": country or article_country(source, votes), "weights": w}
    # Local coherence pulls only towards a country the text gives evidence of: the article's own
    # country, a country, subdivision or county named unambiguously, or the country of a name's
    # context-free reading ("Columbus" is Ohio's). Three towns that share a state abroad
    # ("London", "Paris", "Brussels": all in Ontario) are no evidence of Canada.
    base["evidence"] = {p["country_code"] for p in votes} | {
        p["country_code"] for m, p in zip(mentions, first) if p.get("country_code") and m.get("label") != "NORP"} | (
        {base["country"]} if base["country"] else set())
    support = _subdivision_support(gaz, mentions, w.coherence_spread)
    senses = {key: _senses(gaz, key) for key in support}
    out = first
    for _ in range(w.context_passes):
        out = _contextual_pass(gaz, mentions, out, base, support, senses)
    return out


def _contextual_pass(gaz: Gazetteer, mentions: list[dict[str, Any]], prev: list[dict[str, Any]],
                     base: dict[str, Any], support: dict[str, dict[str, float]],
                     senses: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    """Resolve the mentions again with the countries and subdivisions of the previous pass
    (each name's own excluded, so that it is not its own evidence) and local coherence."""
    total = _total_support(support)
    own: dict[str, tuple[str | None, str | None]] = {}
    for m, p in zip(mentions, prev):
        own[name_key(m.get("query") or m["surface"])] = (p["country_code"], p["subdivision_code"])
    countries = Counter(c for c, _ in own.values() if c)
    subdivisions = Counter(s for _, s in own.values() if s)
    out, cache = [], {}
    for m in mentions:
        query = m.get("query") or m["surface"]
        key = (name_key(query), m.get("label") == "NORP", m.get("qualifier"))
        if key not in cache:
            cc, sub = own.get(key[0], (None, None))
            ctx = dict(base, countries=countries - Counter([cc] if cc else []),
                       subdivisions=subdivisions - Counter([sub] if sub else []),
                       support=total, own_support=support.get(key[0], {}),
                       senses=senses.get(key[0], {}))
            if m.get("qualifier"):
                ctx["qualifier"] = resolve(gaz, m["qualifier"], base)
            cache[key] = resolve(gaz, query, ctx, m.get("label"))
        out.append(cache[key])
    return out


def _senses(gaz: Gazetteer, key: str) -> dict[str, int]:
    """A name's largest population per country code (``"*country"``: 1 when it names a
    country) for ``_coherent``."""
    out: dict[str, int] = {}
    for e in gaz.lookup(key):
        if e["feature"] in ("country", "continent", "region"):
            out["*country"] = 1
        elif e["feature"] in ("city", "capital") and e.get("country_code"):
            cc = e["country_code"]
            out[cc] = max(out.get(cc, 0), e.get("population") or 0)
    return out


def _local_subdivisions(gaz: Gazetteer, key: str) -> set[str]:
    """The subdivisions holding a local sense (town, county, the subdivision itself) of a name."""
    return {e["subdivision_code"] for e in gaz.lookup(key)
            if e["feature"] in LOCAL_FEATURES and e.get("subdivision_code")}


def _subdivision_support(gaz: Gazetteer, mentions: list[dict[str, Any]],
                         spread: float) -> dict[str, dict[str, float]]:
    """For each distinct (non-demonym) name of the article, the subdivisions of its local
    senses, each weighted by how few subdivisions the name could be in."""
    out: dict[str, dict[str, float]] = {}
    for m in mentions:
        key = name_key(m.get("query") or m["surface"])
        if m.get("label") == "NORP" or key in out or gaz.demonym(key) is not None:
            continue
        subs = _local_subdivisions(gaz, key)
        out[key] = {s: 1.0 / len(subs) ** spread for s in subs}
    return out


def _total_support(support: dict[str, dict[str, float]]) -> dict[str, float]:
    """Support per subdivision summed over all names."""
    total: dict[str, float] = {}
    for subs in support.values():
        for s, w in subs.items():
            total[s] = total.get(s, 0.0) + w
    return total


def _country_votes(gaz: Gazetteer, mentions: list[dict[str, Any]],
                   places: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The places that vote for the article's country: each mention of a country,
    subdivision or county ("Henry County": all in the US) whose name has a single broad
    sense, so that "Georgia" (a country and a state) does not vote."""
    votes, ambiguous = [], {}
    for m, p in zip(mentions, places):
        key = name_key(m.get("query") or m["surface"])
        if not p.get("country_code"):
            continue
        if key not in ambiguous:
            broad = {e["country_code"] for e in gaz.lookup(key)
                     if e["feature"] in ("country", "subdivision", "county")}
            ambiguous[key] = len(broad) > 1
        if ambiguous[key]:
            continue
        if p["feature"] in ("country", "subdivision", "county"):
            votes.append(p)
    return votes


def article_country(source: str | None, places: Iterable[dict[str, Any]]) -> str | None:
    """The article's main country: its source's home country, else the most mentioned one."""
    key = (source or "").lower().strip()
    sources = source_countries()
    for name, code in sources.names:
        if name in key or name.replace(" ", "") in key:
            return code
    host = key.split("/")[0]
    for suffix, code in sources.domains:
        if host.endswith(suffix):
            return code
    counts = Counter(p.get("country_code") for p in places if p.get("country_code"))
    return counts.most_common(1)[0][0] if counts else None
