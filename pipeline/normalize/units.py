"""The controlled unit vocabulary for figures: unit names, their dimension, and currencies.

Unit names are lowercase and singular. Physical units use quantulum3's names ("kilometre",
"mile per hour", "square foot", ...), which are also the names the NewsQuant annotation (CQE)
uses; this module only adds the surfaces quantulum3 lacks and renames a few of its entries.
Counted nouns ("39,000 claims") get the noun's lemma as unit and the dimension ``count``.

Dimensions: ``currency``, ``percentage`` (percent and percentage points), ``count``, ``age``,
and quantulum3's entity names for the rest (``length``, ``time``, ``mass``, ``speed``, ...).
A rate ("US$58.24 per barrel") is named "<unit> per <per_unit>" ("dollar per barrel").
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from pipeline.resources import model_file, read_data_file

UNITS_LEXICON = model_file("lexicon", "units.toml")
Currency = tuple[str, str | None]  # (unit name, ISO 4217 code, None when the article decides)


@dataclass(frozen=True)
class UnitWords:
    """The unit vocabulary of ``models/lexicon/units.toml``: currency symbols and codes written
    before a number and currency words after it (-> ``Currency``), the unit name of each dollar
    currency, the currency a bare "$" means by country and by source, the symbols never taken
    from quantulum3 and the case-sensitive ones, our unit surfaces (-> unit name) and dimensions."""

    currency_prefixes: Mapping[str, Currency]
    currency_words: Mapping[str, Currency]
    dollar_units: Mapping[str, str]
    dollar_by_country: Mapping[str, str]
    dollar_by_source: Mapping[str, str]
    symbol_blocklist: frozenset[str]
    cased_units: Mapping[str, str]
    extra_units: Mapping[str, str]
    extra_dimensions: Mapping[str, str]


def _currency(value: list[str]) -> Currency:
    """``[unit name, code]`` or ``[unit name]`` of the lexicon as a ``Currency``."""
    if not 1 <= len(value) <= 2:
        raise TypeError(f"a currency is [unit name] or [unit name, ISO 4217 code], not {value!r}")
    return value[0], value[1] if len(value) == 2 else None


@lru_cache(maxsize=4)
def unit_words(path: Path | str = UNITS_LEXICON) -> UnitWords:
    """The unit vocabulary, read once per process."""
    def build(raw: dict[str, Any]) -> UnitWords:
        dollar, symbols = raw["dollar"], raw["symbols"]

        def table(d: dict[str, Any]) -> Mapping[str, Any]:
            return MappingProxyType(dict(d))
        return UnitWords(
            MappingProxyType({k: _currency(v) for k, v in raw["currency_prefixes"].items()}),
            MappingProxyType({k: _currency(v) for k, v in raw["currency_words"].items()}),
            table(dollar["units"]), table(dollar["by_country"]), table(dollar["by_source"]),
            frozenset(symbols["blocklist"]), table(symbols["cased"]), table(raw["units"]),
            table(raw["dimensions"]))
    return read_data_file(path, "the unit vocabulary", build)


def _no_typecheck(target: Any = None, **_options: Any) -> Any:
    """Stand-in for ``typeguard.typechecked`` that leaves its target as it is."""
    return target if target is not None else (lambda t: t)


def import_inflect_unchecked() -> None:
    """Import ``inflect`` (quantulum3's pluralizer) without typeguard's run-time instrumentation.

    inflect decorates its engine with ``typeguard.typechecked``, which re-parses and recompiles
    the engine's source at import time: about 2.5 s, most of a small nightly run's start-up.
    typeguard documents the decorator as a development aid and a no-op under ``python -O``;
    this makes it a no-op for inflect's import only. Nothing happens if inflect is loaded.
    """
    if "inflect" in sys.modules:
        return
    try:
        import typeguard
    except ImportError:
        return
    original = typeguard.typechecked
    typeguard.typechecked = _no_typecheck
    try:
        import inflect  # noqa: F401
    finally:
        typeguard.typechecked = original


@lru_cache(maxsize=1)
def _q3_units():
    """quantulum3's English unit lexicon (loaded once)."""
    import_inflect_unchecked()
    from quantulum3 import load

    return load.units("en_US")


def lookup_unit(surface: str) -> tuple[str, str] | None:
    """The (unit name, dimension) of a unit surface ("km", "miles per hour"), or None.

    Looks in our additions first, then quantulum3's symbols (case-sensitive) and surfaces.
    """
    s = surface.strip()
    if not s:
        return None
    low = s.lower()
    words = unit_words()
    if s in words.cased_units:
        name = words.cased_units[s]
        return name, words.extra_dimensions.get(name, "unknown")
    if low in words.extra_units:
        name = words.extra_units[low]
        return name, words.extra_dimensions.get(name) or _q3_dimension(name)
    if low in words.symbol_blocklist or s in words.symbol_blocklist:
        return None
    units = _q3_units()
    for table, key in ((units.symbols, s), (units.surfaces, s), (units.surfaces_lower, low)):
        found = table.get(key)
        if found:
            unit = sorted(found, key=lambda u: u.name)[0] if len(found) > 1 else next(iter(found))
            name = unit.name.lower()
            return words.extra_units.get(name, name), unit.entity.name
    if s.count("/") == 1:
        return _compound_unit(*s.split("/"))
    return None


def _symbol_unit(symbol: str) -> tuple[str, str] | None:
    """A unit symbol inside a compound ("A" in "A/cm2"), where even one letter is a unit;
    a trailing 2 or 3 (or ² ³) makes it square or cubic."""
    power = {"2": "square ", "²": "square ", "3": "cubic ", "³": "cubic "}.get(symbol[-1:], "")
    base = symbol[:-1] if power else symbol
    found = lookup_unit(symbol) if not power else None
    if found:
        return found
    units = _q3_units()
    candidates = units.symbols.get(base) or units.surfaces.get(base)
    if not candidates:
        return None
    unit = sorted(candidates, key=lambda u: u.name)[0]
    name = unit_words().extra_units.get(unit.name.lower(), unit.name.lower())
    return power + name, ("area" if power == "square " else "volume" if power else unit.entity.name)


def _compound_unit(numerator: str, denominator: str) -> tuple[str, str] | None:
    """"A/cm2" -> ("ampere per square centimetre", "current per area"), when both sides are units."""
    if not numerator or not denominator:
        return None
    top, bottom = _symbol_unit(numerator), _symbol_unit(denominator)
    if top is None or bottom is None or "currency" in (top[1], bottom[1]):
        return None
    return f"{top[0]} per {bottom[0]}", f"{top[1]} per {bottom[1]}"


def _q3_dimension(name: str) -> str:
    units = _q3_units()
    unit = units.names.get(name)
    return unit.entity.name if unit is not None else "unknown"


def currency_prefix(symbol: str) -> tuple[str, str | None] | None:
    """(unit name, ISO code or None for a bare "$") of a currency written before a number."""
    key = symbol.lower().replace(" ", "").rstrip(".")
    prefixes = unit_words().currency_prefixes
    if key not in prefixes and key.endswith("$") and prefixes.get(key[:-1], (None, None))[1]:
        return prefixes[key[:-1]]  # "cad$ 15": a code written with the dollar sign
    return prefixes.get(key)


def currency_code(code: str) -> tuple[str, str] | None:
    """(unit name, ISO code) of an ISO 4217 code ("USD", "SEK"), from our prefixes or pycountry."""
    known = unit_words().currency_prefixes.get(code.lower())
    if known is not None and known[1]:
        return known[0], known[1]
    found = _iso_currency(code.upper())
    return (found, code.upper()) if found else None


@lru_cache(maxsize=512)
def _iso_currency(code: str) -> str | None:
    import pycountry

    entry = pycountry.currencies.get(alpha_3=code)
    return entry.name.lower() if entry is not None else None


def currency_word(word: str) -> tuple[str, str | None] | None:
    """(unit name, ISO code or None) of a currency named after a number ("euros")."""
    return unit_words().currency_words.get(word.lower())


def dollar_currency(country: str | None, source: str | None) -> str:
    """The ISO code a bare "$" means given the article's country and source (USD by default)."""
    words = unit_words()
    if source and source.strip().lower() in words.dollar_by_source:
        return words.dollar_by_source[source.strip().lower()]
    if country and country.upper() in words.dollar_by_country:
        return words.dollar_by_country[country.upper()]
    return "USD"
