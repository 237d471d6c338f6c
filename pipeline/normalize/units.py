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
from functools import lru_cache
from typing import Any

# Currency symbols and codes written before (or after) a number -> (unit name, ISO 4217).
# A bare "$" is resolved from the article's context (see ``dollar_currency``).
CURRENCY_PREFIXES: dict[str, tuple[str, str | None]] = {
    "us$": ("dollar", "USD"), "$us": ("dollar", "USD"), "usd": ("dollar", "USD"),
    "$a": ("australian dollar", "AUD"), "$au": ("australian dollar", "AUD"),
    "$nz": ("new zealand dollar", "NZD"), "$c": ("dollar", "CAD"), "$ca": ("dollar", "CAD"),
    "$hk": ("hong kong dollar", "HKD"), "$s": ("singapore dollar", "SGD"), "y=": ("japanese yen", "JPY"),
    "us": ("dollar", "USD"),
    "c$": ("dollar", "CAD"), "ca$": ("dollar", "CAD"), "cad": ("dollar", "CAD"),
    "a$": ("australian dollar", "AUD"), "au$": ("australian dollar", "AUD"), "aud": ("australian dollar", "AUD"),
    "nz$": ("new zealand dollar", "NZD"), "nzd": ("new zealand dollar", "NZD"),
    "hk$": ("hong kong dollar", "HKD"), "hkd": ("hong kong dollar", "HKD"),
    "s$": ("singapore dollar", "SGD"), "sg$": ("singapore dollar", "SGD"), "sgd": ("singapore dollar", "SGD"),
    "r$": ("brazilian real", "BRL"),
    "$": ("dollar", None),
    "€": ("euro", "EUR"), "eur": ("euro", "EUR"),
    "£": ("pound sterling", "GBP"), "gbp": ("pound sterling", "GBP"),
    # "£" often arrives mangled as "PS" in scraped text ("PS2.7m").
    "ps": ("pound sterling", "GBP"),
    "¥": ("japanese yen", "JPY"), "jpy": ("japanese yen", "JPY"),
    "₹": ("indian rupee", "INR"), "rs": ("indian rupee", "INR"), "inr": ("indian rupee", "INR"),
    "rm": ("malaysian ringgit", "MYR"), "myr": ("malaysian ringgit", "MYR"),
    "cny": ("chinese yuan", "CNY"), "rmb": ("chinese yuan", "CNY"),
    "chf": ("swiss franc", "CHF"),
}

# Currency words written after a number ("15 euros", "1.23 billion shekels").
CURRENCY_WORDS: dict[str, tuple[str, str | None]] = {
    "dollar": ("dollar", None), "dollars": ("dollar", None),
    "us dollars": ("dollar", "USD"), "canadian dollars": ("dollar", "CAD"),
    "australian dollars": ("australian dollar", "AUD"), "hong kong dollars": ("hong kong dollar", "HKD"),
    "euro": ("euro", "EUR"), "euros": ("euro", "EUR"),
    "pound sterling": ("pound sterling", "GBP"), "pounds sterling": ("pound sterling", "GBP"),
    "yen": ("japanese yen", "JPY"), "yuan": ("chinese yuan", "CNY"), "renminbi": ("chinese yuan", "CNY"),
    "shekel": ("shekel", "ILS"), "shekels": ("shekel", "ILS"),
    "ringgit": ("malaysian ringgit", "MYR"),
    "rupee": ("indian rupee", "INR"), "rupees": ("indian rupee", "INR"),
    "danish crowns": ("danish krone", "DKK"), "danish kroner": ("danish krone", "DKK"),
    "swedish crowns": ("swedish krona", "SEK"), "norwegian crowns": ("norwegian krone", "NOK"),
    "francs": ("swiss franc", "CHF"), "rand": ("south african rand", "ZAR"),
    "cent": ("cent", None), "cents": ("cent", None),
    "pence": ("penny", "GBP"), "p": ("penny", "GBP"), "sen": ("sen", "MYR"),
    "usd": ("dollar", "USD"), "cad": ("dollar", "CAD"), "aud": ("australian dollar", "AUD"),
    "eur": ("euro", "EUR"), "gbp": ("pound sterling", "GBP"), "jpy": ("japanese yen", "JPY"),
    "cny": ("chinese yuan", "CNY"), "hkd": ("hong kong dollar", "HKD"),
}

# Country (ISO 3166-1) -> the currency a bare "$" means in that country's press.
DOLLAR_BY_COUNTRY: dict[str, str] = {
    "US": "USD", "CA": "CAD", "AU": "AUD", "NZ": "NZD", "SG": "SGD", "HK": "HKD",
}
DOLLAR_BY_SOURCE: dict[str, str] = {
    "the canadian press": "CAD", "cbc news": "CAD", "ctv news": "CAD", "global news": "CAD",
    "the globe and mail": "CAD", "toronto star": "CAD", "national post": "CAD",
    "australian associated press": "AUD", "abc news (australia)": "AUD",
}
# The unit name a dollar of that currency gets (CAD and USD are both plain "dollar").
DOLLAR_UNIT: dict[str, str] = {
    "USD": "dollar", "CAD": "dollar", "AUD": "australian dollar", "NZD": "new zealand dollar",
    "SGD": "singapore dollar", "HKD": "hong kong dollar",
}

# Surfaces quantulum3 does not know, or names it gives that we rename: surface -> unit name.
EXTRA_UNITS: dict[str, str] = {
    "%": "percentage", "percent": "percentage", "per cent": "percentage", "pct": "percentage",
    "percentage": "percentage", "percentage point": "percentage point",
    "percentage points": "percentage point", "basis point": "basis point", "basis points": "basis point",
    "bps": "basis point", "bp": "basis point",
    "point": "point", "points": "point", "pts": "point",
    "km/h": "kilometre per hour", "km/hr": "kilometre per hour", "kph": "kilometre per hour",
    "kmh": "kilometre per hour", "mpg": "mile per gallon", "μm": "micrometre", "µm": "micrometre",
    "gwh": "gigawatt hour", "mwh": "megawatt hour", "kwh": "kilowatt hour", "twh": "terawatt hour",
    "ksi": "kilopound per square inch", "lb-ft": "foot pound-force", "pound-feet": "pound-foot",
    "ps": "horsepower", "bhp": "brake horsepower", "hz": "hertz", "ghz": "gigahertz", "mhz": "megahertz",
    "sqm": "square metre", "sq m": "square metre", "sq ft": "square foot", "sq. ft.": "square foot",
    "sq km": "square kilometre", "tons": "ton", "ton": "ton",
    "degrees celsius": "celsius", "degree celsius": "celsius", "celsius": "celsius", "°c": "celsius",
    "degrees fahrenheit": "fahrenheit", "degree fahrenheit": "fahrenheit", "fahrenheit": "fahrenheit",
    "°f": "fahrenheit", "degrees": "degree", "degree": "degree", "°": "degree",
    "year-old": "year of age", "years old": "year of age", "year old": "year of age",
    "years of age": "year of age", "-year-old": "year of age",
    "times": "count", "time": "count", "fold": "count",
    "g": "gram", "lb": "pound-mass", "lbs": "pound-mass", "pounds": "pound-mass", "pound": "pound-mass",
    "mins": "minute", "hrs": "hour", "hr": "hour", "secs": "second", "sec": "second",
    "pc": "percentage", "kt": "knot", "hp": "horsepower", "m": "metre", "m2": "square metre",
    "m²": "square metre", "km2": "square kilometre", "km²": "square kilometre",
    "ppg": "point per game", "rpg": "rebound per game", "apg": "assist per game",
    "parts per million": "part per million", "parts per billion": "parts-per-billion",
    "tonne": "metric ton", "tonnes": "metric ton", "metric tons": "metric ton",
    "mmbtu": "mega british thermal unit", "ml": "millilitre", "gb": "gigabyte", "v": "volt", "w": "watt", "l": "litre", "kb": "kilobyte",
}
EXTRA_DIMENSIONS: dict[str, str] = {
    "percentage": "percentage", "percentage point": "percentage", "basis point": "percentage",
    "point": "index", "year of age": "age", "count": "count", "celsius": "temperature",
    "fahrenheit": "temperature", "degree": "angle", "kilometre per hour": "speed",
    "mile per gallon": "fuel economy", "micrometre": "length", "gigawatt hour": "energy",
    "megawatt hour": "energy", "kilowatt hour": "energy", "terawatt hour": "energy",
    "kilopound per square inch": "pressure", "foot pound-force": "torque", "pound-foot": "torque",
    "horsepower": "power", "hertz": "frequency", "gigahertz": "frequency", "megahertz": "frequency",
    "square metre": "area", "square foot": "area", "square kilometre": "area", "metric ton": "mass",
    "knot": "speed", "brake horsepower": "power", "point per game": "rate", "rebound per game": "rate", "assist per game": "rate",
    "part per million": "dimensionless", "win above replacement": "sport statistic",
    "ton": "mass", "gram": "mass", "pound-mass": "mass", "minute": "time", "hour": "time",
    "second": "time", "generation wireless": "generation", "millilitre": "volume",
    "gigabyte": "data storage", "volt": "voltage", "watt": "power", "litre": "volume", "kilobyte": "data storage",
}

# Units quantulum3 offers for short symbols that are wrong in news text (one or two letters
# glued to a number are far more often something else); we never take these from it.
SYMBOL_BLOCKLIST: frozenset[str] = frozenset({
    "a", "b", "c", "d", "e", "f", "h", "i", "j", "l", "n", "o", "q", "r", "s", "t", "u", "v", "w",
    "x", "y", "z", "in", "at", "am", "pm", "as", "is", "it", "of", "on", "or", "to", "by", "an",
    "no", "so", "up", "us", "we", "he", "g", "p", "war", "t", "da", "ha", "pa", "bit", "mark", "rad",
    "st", "nd", "rd", "th", "s", "K", "M", "B", "G", "P", "T", "quarter", "pieces", "piece",
    "k", "cd", "dj", "pc", "mi", "ca", "mt", "li", "sh", "ft.",
    # Archaic units that are common words in sport and business news ("36 league games").
    "league", "leagues", "span", "chain", "chains", "hand", "hands",
})


# Case-sensitive symbols (an upper-case abbreviation that is a common word in lower case).
CASED_UNITS: dict[str, str] = {"WAR": "win above replacement", "HP": "horsepower"}


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
    if s in CASED_UNITS:
        name = CASED_UNITS[s]
        return name, EXTRA_DIMENSIONS.get(name, "unknown")
    if low in EXTRA_UNITS:
        name = EXTRA_UNITS[low]
        return name, EXTRA_DIMENSIONS.get(name) or _q3_dimension(name)
    if low in SYMBOL_BLOCKLIST or s in SYMBOL_BLOCKLIST:
        return None
    units = _q3_units()
    for table, key in ((units.symbols, s), (units.surfaces, s), (units.surfaces_lower, low)):
        found = table.get(key)
        if found:
            unit = sorted(found, key=lambda u: u.name)[0] if len(found) > 1 else next(iter(found))
            name = unit.name.lower()
            return EXTRA_UNITS.get(name, name), unit.entity.name
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
    name = EXTRA_UNITS.get(unit.name.lower(), unit.name.lower())
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
    if key not in CURRENCY_PREFIXES and key.endswith("$") and CURRENCY_PREFIXES.get(key[:-1], (None, None))[1]:
        return CURRENCY_PREFIXES[key[:-1]]  # "cad$ 15": a code written with the dollar sign
    return CURRENCY_PREFIXES.get(key)


def currency_code(code: str) -> tuple[str, str] | None:
    """(unit name, ISO code) of an ISO 4217 code ("USD", "SEK"), from our prefixes or pycountry."""
    known = CURRENCY_PREFIXES.get(code.lower())
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
    return CURRENCY_WORDS.get(word.lower())


def dollar_currency(country: str | None, source: str | None) -> str:
    """The ISO code a bare "$" means given the article's country and source (USD by default)."""
    if source and source.strip().lower() in DOLLAR_BY_SOURCE:
        return DOLLAR_BY_SOURCE[source.strip().lower()]
    if country and country.upper() in DOLLAR_BY_COUNTRY:
        return DOLLAR_BY_COUNTRY[country.upper()]
    return "USD"
