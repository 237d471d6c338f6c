"""Figures in a sentence: numbers with their unit, currency, approximation and change.

``normalize_sentence`` is the pure normalizer behind the ``claims_figures`` component. It
takes one sentence's text, optionally its tokens and named entities as plain dicts (offsets
relative to the sentence), and the article context, and returns one plain dict per figure::

    {"start", "end", "surface", "value", "value_max", "unit", "unit_dimension",
     "currency", "approx", "change", "per_unit"}

Numbers are found by a pattern over digits, number words ("two billion", "a dozen") and scale
words or suffixes ("26.9 million", "$8bn", "25k"); the unit comes from the words after the
number, looked up in the unit vocabulary (``units.py``, built on quantulum3's lexicon), else
the counted noun ("39,000 claims" -> "claim"). Years, calendar dates, times of day, ordinals
and numbers that are part of a name ("Safe Third Country", "S&P 500", "COVID-19") are not
figures. Conventions follow the NewsQuant annotation: "from X to Y" and "X to Y" are ranges
(``value``..``value_max``), "dozens"/"hundreds"/"thousands" are the ranges 12-120, 100-1000,
1000-10000, and ``change`` is set only when a verb or adverb of change governs the figure
("rose 6.5%" is up, "to 164p" after it is not).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from pipeline.normalize.units import (
    currency_code,
    currency_prefix,
    currency_word,
    dollar_currency,
    lookup_unit,
    unit_words,
)
from pipeline.normalize.wordlists import hyphen_or_spaced, literal, longest_first, optionally_spaced, spaced
from pipeline.resources import model_file, read_data_file

LEXICON_FILE = model_file("lexicon", "figures.toml")


@dataclass(frozen=True)
class FigureWords:
    """The words of ``models/lexicon/figures.toml``: scale words and abbreviations with their
    values, those that may follow another scale word, plural scale words with their ranges and the
    words that lead them, fractions with their values, the counts before a fraction and the fraction
    words that mark a sentence as holding figures, the comparator phrases (``>``, ``<``, ``~``), the
    words of change (up, down, and the words that make a bare "up" a phrasal verb), the words that
    shape a reading (half cues, class nouns, capitalised words that make no name, hyphen suffixes
    that are no noun, time references after "a year", the words that stop or are passed over on the
    way to a counted noun, invariant plurals, the links and hedges of an elided noun), number words
    (``ones``, ``tens``), measure adjectives (longest first), temperature and angle words, the
    Fahrenheit countries, hyphen prefixes, per-unit words, month names (in the file's order), minor
    units (currency -> (minor unit, how many make one)), currency readings (unit -> (currency
    unit, ISO 4217 code)), the links after a word of change and the idioms of "down", the currency
    marks before a number (``currency_*``: the ways of ``[currency_marks]``, in the order the
    figure pattern tries them, and the qualifiers after "$5"), scale letters glued to a currency
    code, prime marks (mark -> (unit, dimension)), what makes a number no figure (name labels,
    clock words, street words, eras, year prepositions, rank words), the words of ranges and of
    ages, the words after a change in points, of a proportion, between a number, "of" and what
    it counts, the words and abbreviations of a percentage and those of a change in percentage
    points, and the words between a figure and the unit it is counted per (``rate_explicit``,
    ``rate_implicit`` before a space, ``rate_hyphened`` before a hyphen). Phrase lists keep the file's order."""

    scales: Mapping[str, float]
    scale_abbreviations: Mapping[str, float]
    compound_scales: tuple[str, ...]
    plural_scales: Mapping[str, tuple[float, float]]
    plural_scale_leads: tuple[str, ...]
    fractions: Mapping[str, float]
    fraction_counts: tuple[str, ...]
    fraction_cues: tuple[str, ...]
    more_than: tuple[str, ...]
    less_than: tuple[str, ...]
    approximately: tuple[str, ...]
    up: tuple[str, ...]
    down: tuple[str, ...]
    not_up_after: tuple[str, ...]
    half_cues: tuple[str, ...]
    class_nouns: tuple[str, ...]
    not_name_words: frozenset[str]
    hyphen_suffixes: tuple[str, ...]
    time_references: tuple[str, ...]
    not_counted_after: frozenset[str]
    counted_noun_skips: frozenset[str]
    invariant_plurals: frozenset[str]
    ellipsis_links: tuple[str, ...]
    ellipsis_hedges: tuple[str, ...]
    ones: Mapping[str, int]
    tens: Mapping[str, int]
    measure_adjectives: tuple[str, ...]
    temperature_words: frozenset[str]
    angle_words: frozenset[str]
    fahrenheit_countries: frozenset[str]
    hyphen_prefixes: frozenset[str]
    per_words: frozenset[str]
    months: tuple[str, ...]
    minor_units: Mapping[str, tuple[str, float]]
    currency_readings: Mapping[str, tuple[str, str]]
    change_links: tuple[str, ...]
    down_idioms: tuple[str, ...]
    currency_dollar_codes: tuple[str, ...]
    currency_dollar_before: tuple[str, ...]
    currency_dollar_after: tuple[str, ...]
    currency_symbols: tuple[str, ...]
    currency_word_symbols: tuple[str, ...]
    currency_codes: tuple[str, ...]
    currency_glued: tuple[str, ...]
    currency_dotted: tuple[str, ...]
    currency_before_digit: tuple[str, ...]
    currency_dollar_qualifiers: tuple[str, ...]
    code_scales: Mapping[str, float]
    prime_marks: Mapping[str, tuple[str, str]]
    name_labels: frozenset[str]
    clock_words: tuple[str, ...]
    street_words: tuple[str, ...]
    street_saints: frozenset[str]
    eras: tuple[str, ...]
    year_prepositions: tuple[str, ...]
    rank_words: tuple[str, ...]
    range_separators: tuple[str, ...]
    range_openers: tuple[str, ...]
    age_units: tuple[str, ...]
    age_before: tuple[str, ...]
    age_a_few_words_before: tuple[str, ...]
    age_hedges: tuple[str, ...]
    point_links: tuple[str, ...]
    point_closes: tuple[str, ...]
    ratio_words: tuple[str, ...]
    unit_qualifiers: tuple[str, ...]
    fraction_determiners: tuple[str, ...]
    one_of_determiners: tuple[str, ...]
    one_of_intensifiers: tuple[str, ...]
    part_of_determiners: tuple[str, ...]
    percent_words: tuple[str, ...]
    percent_abbreviations: tuple[str, ...]
    percent_points: tuple[str, ...]
    rate_explicit: tuple[str, ...]
    rate_implicit: tuple[str, ...]
    rate_hyphened: tuple[str, ...]


@lru_cache(maxsize=4)
def figure_words(path: Path | str = LEXICON_FILE) -> FigureWords:
    """The figures lexicon, read once per process."""
    def build(data: dict[str, Any]) -> FigureWords:
        words, numbers, comparators, change = data["words"], data["numbers"], data["comparators"], data["change"]
        marks, not_figures, ranges, age = data["currency_marks"], data["not_figures"], data["ranges"], data["age"]
        return FigureWords(
            MappingProxyType({k: float(v) for k, v in data["scales"].items()}),
            MappingProxyType({k: float(v) for k, v in data["scale_abbreviations"].items()}),
            tuple(words["compound_scales"]),
            MappingProxyType({k: (float(lo), float(hi)) for k, (lo, hi) in data["plural_scales"].items()}),
            tuple(words["plural_scale_leads"]),
            MappingProxyType({k: n / d for k, (n, d) in data["fractions"].items()}),
            tuple(words["fraction_counts"]), tuple(words["fraction_cues"]),
            tuple(comparators["more_than"]), tuple(comparators["less_than"]),
            tuple(comparators["approximately"]),
            tuple(change["up"]), tuple(change["down"]), tuple(change["not_up_after"]),
            tuple(words["half_cues"]), tuple(words["class_nouns"]), frozenset(words["not_name_words"]),
            tuple(words["hyphen_suffixes"]), tuple(words["time_references"]),
            frozenset(words["not_counted_after"]), frozenset(words["counted_noun_skips"]),
            frozenset(words["invariant_plurals"]), tuple(words["ellipsis_links"]), tuple(words["ellipsis_hedges"]),
            MappingProxyType({k: int(v) for k, v in numbers["ones"].items()}),
            MappingProxyType({k: int(v) for k, v in numbers["tens"].items()}),
            tuple(sorted(words["measure_adjectives"], key=len, reverse=True)),
            frozenset(words["temperature_words"]), frozenset(words["angle_words"]),
            frozenset(words["fahrenheit_countries"]), frozenset(words["hyphen_prefixes"]),
            frozenset(words["per_words"]), tuple(words["months"]),
            MappingProxyType({k: (v[0], float(v[1])) for k, v in data["minor_units"].items()}),
            MappingProxyType({k: (v[0], v[1]) for k, v in data["currency_readings"].items()}),
            tuple(change["links"]), tuple(change["down_idioms"]),
            *(tuple(marks[k]) for k in ("dollar_codes", "dollar_before", "dollar_after", "symbols", "word_symbols",
                                        "codes", "glued", "dotted", "before_digit", "dollar_qualifiers")),
            MappingProxyType({k: float(v) for k, v in data["code_scales"].items()}),
            MappingProxyType({k: (unit, dimension) for k, (unit, dimension) in data["prime_marks"].items()}),
            frozenset(not_figures["name_labels"]), tuple(not_figures["clock_words"]),
            tuple(not_figures["street_words"]), frozenset(not_figures["street_saints"]),
            tuple(not_figures["eras"]), tuple(not_figures["year_prepositions"]), tuple(not_figures["rank_words"]),
            tuple(ranges["separators"]), tuple(ranges["openers"]),
            tuple(age["units"]), tuple(age["before"]), tuple(age["a_few_words_before"]), tuple(age["hedges"]),
            tuple(ranges["point_links"]), tuple(ranges["point_closes"]), tuple(ranges["ratio_words"]),
            *(tuple(data["of_phrases"][k]) for k in ("unit_qualifiers", "fraction_determiners", "one_of_determiners",
                                                     "one_of_intensifiers", "part_of_determiners")),
            tuple(data["percent"]["words"]), tuple(data["percent"]["abbreviations"]),
            tuple(data["percent"]["points"]),
            *(tuple(data["rates"][k]) for k in ("explicit", "implicit", "hyphened")))
    return read_data_file(path, "the figures lexicon", build)


_LEX = figure_words()
# Scale words and abbreviations: "26.9 million", "two hundred", "$8bn", "5 lakh".
SCALES = {**_LEX.scales, **_LEX.scale_abbreviations}
# "dozens of people": NewsQuant reads a plural scale word as one order of magnitude.
PLURAL_SCALES = _LEX.plural_scales
FRACTIONS = _LEX.fractions

# Entity labels whose numbers are names, not figures.
NAME_LABELS = _LEX.name_labels

_ONES_RE = "|".join(sorted(_LEX.ones, key=len, reverse=True))
_TENS_RE = "|".join(_LEX.tens)
_WORDNUM = rf"(?:(?:{_TENS_RE})(?:[-\s](?:{_ONES_RE}))?|{_ONES_RE})"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_SCALE_WORD = longest_first(_LEX.scales)
# A single-letter abbreviation is read in either case ("25K"), a longer one in lower case.
_LETTERS = "".join(a + a.upper() for a in _LEX.scale_abbreviations if len(a) == 1)
_SCALE_ABBR = "|".join([*(re.escape(a) for a in _LEX.scale_abbreviations if len(a) > 1),
                        *([f"[{re.escape(_LETTERS)}]"] if _LETTERS else [])])
_COMPOUND_SCALE = longest_first(_LEX.compound_scales)
_PLURAL_SCALE = longest_first(_LEX.plural_scales)
_FRACTION = longest_first(_LEX.fractions)
# A currency before the number, each way of writing it in the lexicon's order: "usd$", "US$",
# "$US" (before a digit), "$", "Y=", "USD ", "RM", "Rs. ", "PS" (before a digit).
_CUR = "(?:" + "|".join([
    rf"\b(?i:{literal(_LEX.currency_dollar_codes)})\s?\$", rf"\b(?:{literal(_LEX.currency_dollar_before)})\s?\$",
    rf"\$\s?(?:{literal(_LEX.currency_dollar_after)})(?=\s?[\d.])", literal(_LEX.currency_symbols),
    *(rf"\b{re.escape(w)}" for w in _LEX.currency_word_symbols), rf"\b(?:{literal(_LEX.currency_codes)})\s?",
    *(rf"\b{re.escape(w)}" for w in _LEX.currency_glued), *(rf"\b{re.escape(w)}\.?\s?" for w in _LEX.currency_dotted),
    *(rf"\b{re.escape(w)}(?=\d)" for w in _LEX.currency_before_digit)]) + ")"
# "$5 US", "$5 U.S.": the qualifier that says which dollar (a word ends at a word boundary).
_DOLLAR_QUALIFIER_RE = re.compile(r"\s?(?:" + "|".join(
    re.escape(w) + (r"\b" if w[-1].isalnum() else "") for w in _LEX.currency_dollar_qualifiers) + ")")

FIGURE_RE = re.compile(
    rf"(?P<cur>{_CUR})?\s?(?P<neg>[-−+](?=\.?\d)|(?i:minus)[\s-])?"
    rf"(?:(?P<num>{_DIGITS})|(?P<word>(?i:\b(?:an?[\s-](?={_SCALE_WORD})|(?={_WORDNUM}))(?:{_WORDNUM}|{_SCALE_WORD})(?:(?:[\s-]|\s+and\s+)(?:{_WORDNUM}|{_SCALE_WORD}))*\b)))"
    rf"(?:(?<=\d)(?P<sep>[\s-]?)(?P<scale>(?i:{_SCALE_WORD})(?:\s(?i:{_COMPOUND_SCALE}))?(?![A-Za-z])"
    rf"|(?<=\d)(?:{_SCALE_ABBR})(?![A-Za-z])))?"
)
PLURAL_RE = re.compile(rf"(?i)\b(?:(?:{literal(_LEX.plural_scale_leads)})\s)?({_PLURAL_SCALE})\b(?=\s+of\b)")
FRACTION_RE = re.compile(rf"(?i)\b(?:({literal(_LEX.fraction_counts)})[\s-])?({_FRACTION})\b")
# "nearly half", "more than half": a bare "half" after one of these is a figure.
_HALF_CUE_RE = re.compile(rf"(?i)(?:{literal(_LEX.half_cues)})\s+$")
SCI_RE = re.compile(r"(\d+(?:\.\d+)?)\s?[×x]\s?10\s?(?:\^|\*\*)?\s?([−-]?\d+)")
# "1/2 pound", "1/16 of a US pint" (a unit or "of" must follow: "9/11" alone is a name).
DIGIT_FRACTION_RE = re.compile(r"(?<![\d/⁄.$])(\d{1,2})\s?[/⁄](\d{1,3})(?![\d/⁄])(?=\s+(?:of\b|[a-z]))")
# "one in five adults", "9 out of 10 dentists": a proportion, read as a fraction.
_SMALL = rf"(?:\d{{1,3}}|{_WORDNUM})"
_PERCENT_WORDS = optionally_spaced(_LEX.percent_words)
RATIO_RE = re.compile(rf"(?i)\b({_SMALL})\s+(?:{spaced(_LEX.ratio_words)})\s+({_SMALL})\b"
                      rf"(?![.,]\d|\s*(?:%|{_PERCENT_WORDS}))")
HAS_NUMBER_RE = re.compile(
    rf"\d|(?i:\b(?:{_WORDNUM}|{_SCALE_WORD}|{_PLURAL_SCALE}|{longest_first(_LEX.fraction_cues)})\b)")

_GT = literal(_LEX.more_than)
_LT = literal(_LEX.less_than)
_APPROX = literal(_LEX.approximately)
APPROX_RE = re.compile(rf"(?i)(?:^|(?<=[\s(\"“]))(?P<cue>{_GT}|{_LT}|{_APPROX})\s*$")
SUB_RE = re.compile(r"(?i)\bsub-$")
# A bare "up" after "gave", "set" ... is a phrasal verb ("gave up 5 points"), not a rise.
_PHRASAL_UP = "".join(rf"(?<!{re.escape(w)} )" for w in _LEX.not_up_after)
_UP = "|".join(_PHRASAL_UP + "up" if w == "up" else re.escape(w) for w in _LEX.up)
_DOWN = literal(_LEX.down)
CHANGE_RE = re.compile(rf"(?i)\b(?:(?P<up>{_UP})|(?P<down>{_DOWN}))\s+(?P<link>(?:{literal(_LEX.change_links)})\s+|(?:[a-z]+\s+){{1,2}}by\s+)?$")
# "boils down to": an idiom, not a fall.
_IDIOM_DOWN_RE = re.compile(rf"(?i)\b(?:{spaced(_LEX.down_idioms)})\s+$")

_TIME_AFTER_RE = re.compile(r"(?i)^\s?(?:a\.?m\.?|p\.?m\.?)(?![a-z])|^:\d\d|^\s?(?:"
                            + literal(_LEX.clock_words) + r")\b|^\.\d\d\s?(?:am|pm)\b")
_STAMP_RE = re.compile(r"\d{4}-\d\d-\d\d(?:T[\d:.]+Z?)?|\b\d{1,2}:\d\d(?::\d\d)?\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b")
# "St" before a capitalised name is a saint ("5 St. Louis"), not a street.
_STREET = "|".join(re.escape(w) + (r"(?!\.?\s+[A-Z][a-z])" if w in _LEX.street_saints else "")
                   for w in _LEX.street_words)
_ERAS = literal(_LEX.eras)
_ERA_BEFORE_RE = re.compile(rf"\b(?:{_ERAS})\s*$")
_ERA_AFTER_RE = re.compile(rf"\s*(?:{_ERAS})\b")
_YEAR_WORD_RE = re.compile(rf"(?i)\b(?:{literal(_LEX.year_prepositions)})\s+$")
_ADDRESS_AFTER_RE = re.compile(rf"(?:[-–]\d+)?\s+(?:[A-Z][A-Za-z]*\.?\s+){{0,3}}(?:{_STREET})\b\.?"
                               rf"|\s+(?:{_STREET})\.?\s+[A-Z]")
_ORDINAL_AFTER_RE = re.compile(r"(?i)^(?:st|nd|rd|th)\b")
_DECADE_AFTER_RE = re.compile(r"^['’]?s\b")
_MONTHS_RE = "|".join(_LEX.months)
_MONTH_BEFORE_RE = re.compile(rf"(?i)\b(?:{_MONTHS_RE})\.?\s+$")
_MONTH_AFTER_RE = re.compile(rf"(?i)^(?:\s*(?:st|nd|rd|th))?\s+(?:of\s+)?(?:{_MONTHS_RE})\b")
# "a year earlier" is a time reference, not a rate; "barrel-a-day" is one.
_PER_RE = re.compile(rf"(?i)\s?-?(?:(?:{literal((*_LEX.rate_explicit, *_LEX.rate_implicit))})\s|/\s?|"
                     rf"(?:{literal(_LEX.rate_hyphened)})-)(?P<w>[A-Za-zμµ²³-]+)(?![A-Za-zμµ²³-])"
                     rf"(?!\s+(?:{literal(_LEX.time_references)})\b)")
_AGE_AFTER_RE = re.compile(rf"(?i)\s?-?\s?(?P<u>{literal(_LEX.age_units)})s?(?:[-\s]old\b|\s+of\s+age\b)")
_PERCENT_RE = re.compile(rf"(?i)\s?(?:(?P<pp>(?:{hyphen_or_spaced(_LEX.percent_points)})s?)|%|(?:"
                         + optionally_spaced((*_LEX.percent_words, *_LEX.percent_abbreviations)) + r")\b)")
# "minus 5 C", "12 C melting point": a capital C or F alone after a number is a temperature.
_TEMPERATURE_RE = re.compile(r"\s?([CF])(?=[.,;:)!?]|\s+[a-z]|\s*$)")
_WORD_TAIL_RE = re.compile(r"[^\s,;:()\"“”]+")


def has_number(text: str) -> bool:
    """Whether ``text`` holds a digit or a number word (the only sentences worth parsing)."""
    return bool(HAS_NUMBER_RE.search(text))


def words_to_number(words: str) -> float | None:
    """The value of a spelled-out number ("twenty-eight thousand six hundred", "a dozen")."""
    total, current, seen = 0.0, 0.0, False
    lex = figure_words()
    for part in re.split(r"[-\s]+", words.lower().strip()):
        if part == "and":
            continue
        if part in ("a", "an"):
            current += 1
        elif part in lex.ones:
            current += lex.ones[part]
            seen = True
        elif part in lex.tens:
            current += lex.tens[part]
            seen = True
        elif SCALES.get(part, 1e3) < 1e3:  # "hundred", "dozen": they multiply the group before them
            current = (current or 1) * SCALES[part]
            seen = True
        elif part in SCALES:
            total += (current or 1) * SCALES[part]
            current = 0.0
            seen = True
        else:
            return None
    return total + current if seen else None


def _scale_value(scale: str | None) -> float:
    if not scale:
        return 1.0
    value = 1.0
    for part in scale.lower().split():
        value *= SCALES.get(part, 1.0)
    return value


def _singular(word: str) -> str:
    w = word.lower()
    if w in _LEX.invariant_plurals:
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return w[:-1]
    return w


def _tail_words(text: str, pos: int, n: int = 4) -> list[tuple[str, int]]:
    """Up to ``n`` words after ``pos`` as (word, end offset), glued suffixes included."""
    out = []
    for m in _WORD_TAIL_RE.finditer(text, pos):
        if m.start() > pos and text[pos:m.start()].strip(" -"):
            break
        word = m.group(0).rstrip(".,;:!?'’-=")
        if not word:
            break
        out.append((word.lstrip("-"), m.start() + len(m.group(0).rstrip(".,;:!?'’-="))))
        pos = out[-1][1]
        if len(out) >= n:
            break
    return out


def _unit_after(text: str, pos: int) -> tuple[str, str, int, str | None] | None:
    """(unit name, dimension, end offset, ISO currency) of a unit right after ``pos``."""
    m = _AGE_AFTER_RE.match(text, pos)
    if m:
        return f"{m.group('u').lower()} of age", "age", m.end(), None
    m = _BRACKETED_UNIT_RE.match(text, pos)
    if m:  # "20 (kg)": the unit in brackets right after the number
        inner = _unit_after(m.group(1), 0)
        if inner is not None and inner[2] == len(m.group(1)):
            return inner[0], inner[1], m.end(), inner[3]
    if pos > 0 and text[pos - 1].isdigit() and pos < len(text) and text[pos] in _PRIME_UNITS:
        unit, dimension = _PRIME_UNITS[text[pos]]
        return unit, dimension, pos + 1, None
    if pos > 0 and text[pos - 1].isdigit() and text[pos:pos + 1] in ("'", "\u2019") and (
            text[pos + 1:pos + 2].isdigit() or _MEASURE_AFTER_RE.match(text, pos + 1)):
        # 6'2", 3' long: an apostrophe is a foot mark before inches or a measure adjective
        # (elsewhere it may close a quotation)
        return "foot", "length", pos + 1, None
    m = _PERCENT_RE.match(text, pos)
    if m:
        return ("percentage point" if m.group("pp") else "percentage"), "percentage", m.end(), None
    m = _TEMPERATURE_RE.match(text, pos)
    if m and pos > 0 and text[pos - 1].isdigit():
        return ("celsius" if m.group(1) == "C" else "fahrenheit"), "temperature", m.end(), None
    if re.match(r"G\b", text[pos:pos + 2]) and pos > 0 and text[pos - 1].isdigit():
        return "generation wireless", "generation", pos + 1, None
    words = _tail_words(text, pos)
    for n in range(min(3, len(words)), 0, -1):
        surface = " ".join(w for w, _ in words[:n])
        end = words[n - 1][1]
        cur = currency_word(surface)
        if cur:
            return cur[0], "currency", end, cur[1]
        # A multi-word unit must be written with single spaces ("miles per hour").
        if n > 1 and text[pos:end].strip(" -") != surface:
            continue
        found = lookup_unit(surface)
        if found:
            return found[0], found[1], end, None
    return None


_BRACKETED_UNIT_RE = re.compile(r"\s?\(\s?([^()\s\d][^()]{0,15}?)\s?\)")
# Marks written right after a number: 10" (inches), 6′ (feet).
_PRIME_UNITS = _LEX.prime_marks
_MEASURE_AFTER_RE = re.compile(r"\s+(?:" + literal(figure_words().measure_adjectives)
                               + r")\b", re.IGNORECASE)
# "30 MUSD", "2.5bnEUR": a scale letter glued to an ISO 4217 code after the number.
_SCALED_CODE_RE = re.compile(rf"\s?({literal(_LEX.code_scales)})\s?([A-Z]{{3}})\b")
_CODE_SCALES = _LEX.code_scales
_WORD_RE = re.compile(r"[a-z]+")


# "aged 21", "over the age of 21", "turns 35", "life expectancy ... is around 73".
_AGE_BEFORE_RE = re.compile(rf"(?i)\b(?:{literal(_LEX.age_before)}|(?:{literal(_LEX.age_a_few_words_before)})"
                            rf"\b[^.,;\d]{{0,30}}?)\s+(?:(?:{literal(_LEX.age_hedges)})\s+)?$")
# "six-cylinder": a noun glued to a number by a hyphen (not "twenty-first", "forty-odd").
_HYPHEN_NOUN_RE = re.compile(rf"-(?!(?:{literal(_LEX.hyphen_suffixes)})\b)([a-z]{{3,}}(?<!th))(?![\w-])")


def _counted_noun(tokens: list[dict], pos: int, text: str) -> tuple[str, int] | None:
    """The lemma of the noun counted by a number ending at ``pos`` ("claims" -> "claim")."""
    i = next((k for k, t in enumerate(tokens) if t["start"] >= pos), None)
    if i is None or text[pos:tokens[i]["start"]].strip(" \"'“”‘’"):
        return None
    while i < len(tokens) and tokens[i]["text"] in ("\"", "“", "”", "'", "‘", "’"):
        i += 1
    chain: list[dict] = []
    if i < len(tokens) and tokens[i]["text"].lower() in _LEX.not_counted_after:
        return None
    while i < len(tokens) and tokens[i]["pos"] in ("NOUN", "PROPN", "ADJ", "CCONJ", "VERB", "PUNCT") \
            and not tokens[i]["text"].lower() in figure_words().months:
        tk = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if tk["pos"] == "PUNCT":
            # "first-team players": a hyphen joins the words on both sides of it.
            if tk["text"] != "-" or not chain or nxt is None or tk["start"] != chain[-1]["end"] \
                    or nxt["start"] != tk["end"]:
                break
            nxt = dict(nxt, text=chain.pop()["text"] + "-" + nxt["text"], start=tk["start"] - 1)
            tokens = tokens[:i + 1] + [nxt] + tokens[i + 2:]
            i += 1
            continue
        if tk["pos"] == "VERB":
            # "400 charging stations", "300 recorded songs": a participle is skipped.
            if not re.search(r"(?:ing|ed)$", tk["text"]) or nxt is None or nxt["pos"] != "NOUN":
                break
            i += 1
            continue
        if tk["pos"] == "CCONJ":
            # "Kia and Hyundai vehicles", "digital and physical sales": the conjunction is dropped.
            if not chain or tk["text"].lower() != "and" or nxt is None or nxt["pos"] != chain[-1]["pos"] \
                    or chain[-1]["pos"] == "NOUN":
                break
            i += 1
            continue
        if tk["text"].lower() not in _LEX.counted_noun_skips:
            chain.append(tk)
        if tk["pos"] == "NOUN" and (nxt is None or nxt["pos"] not in ("NOUN", "PROPN")):
            break
        i += 1
    while chain and chain[-1]["pos"] != "NOUN" and not (
            chain[-1]["pos"] == "PROPN" and re.fullmatch(r"[A-Z][a-z]+s", chain[-1]["text"])):
        chain.pop()
    if not chain:
        return None
    head = chain[-1]
    if len(head["text"]) < 2:
        return None
    if head["pos"] == "PROPN":
        lemma = _singular(head["text"])
    elif head["text"].lower() == "people":
        lemma = "people"
    else:
        lemma = (head.get("lemma") or _singular(head["text"])).lower()
    if not re.fullmatch(r"[a-z][a-z-]*", lemma):
        return None
    mods = [(t.get("lemma") or t["text"]).lower() if t["pos"] == "ADJ" else t["text"].lower() for t in chain[:-1]]
    unit = " ".join(mods + [lemma])
    return unit, head["end"]


# "the bottom three": a place in a ranking.
_RANK_BEFORE_RE = re.compile(rf"(?i)\b(?:the|a)\s+(?:{literal(_LEX.rank_words)})[\s-]$")
# "category 4 hurricane", "level 3 lockdown": the number names a class, it does not count.
_LABEL_BEFORE_RE = re.compile(rf"(?i)\b(?:{literal(_LEX.class_nouns)})\s+$")


def _is_name_number(text: str, start: int, num_start: int, ents: list[dict], has_unit: bool) -> bool:
    """Whether the number at ``num_start`` belongs to a name ("S&P 500", "COVID-19", "Row 21")."""
    for e in ents:
        if e["label"] in NAME_LABELS and e["start"] <= num_start < e["end"] and not has_unit:
            return True
    before = text[:start]
    if before and before[-1].isalpha():
        return True
    m = re.search(r"([A-Za-z]+)-$", before)
    if m and m.group(1).lower() not in figure_words().hyphen_prefixes:
        return True
    if re.search(r"(?:\bNo\.?|#)\s*$", before) or (not has_unit and _LABEL_BEFORE_RE.search(before)):
        return True
    if not has_unit:
        m = re.search(r"(?<![.!?:;\"“]\s)(?<!^)\b([A-Za-z&]*[A-Z][A-Za-z&]*)\s$", before)
        if m and before[:m.start()].strip() and m.group(1).lower().rstrip(".") not in figure_words().months \
                and m.group(1) not in _LEX.not_name_words:
            return True
    return False


def _approx(text: str, start: int) -> tuple[str, int]:
    """The approximation sign for a figure starting at ``start`` and where its cue begins."""
    before = text[max(0, start - 40):start]
    offset = max(0, start - 40)
    if SUB_RE.search(before):
        return "<", start - 4
    m = APPROX_RE.search(before)
    if not m:
        return "=", start
    cue = m.group("cue").lower()
    cue_start = offset + m.start("cue")
    if cue in _LEX.more_than:
        return ">", cue_start
    if cue in _LEX.less_than:
        return "<", cue_start
    return "~", cue_start


def _change(text: str, start: int) -> str | None:
    """The change ("up"/"down") a word of change gives the figure starting at ``start``, or None."""
    before = text[max(0, start - 40):start]
    m = CHANGE_RE.search(before)
    if not m or _IDIOM_DOWN_RE.search(before):
        return None
    word = (m.group("up") or m.group("down")).lower()
    link = (m.group("link") or "").strip().lower()
    # "raised $5 million" is money collected; "raised prices by 5%" is a change.
    if word.startswith("rais") and not link.endswith("by"):
        return None
    return "up" if m.group("up") else "down"


def _raw_candidates(text: str) -> list[dict]:
    """Every number-like match in ``text`` with its value and (optional) currency and scale."""
    out = []
    for m in FIGURE_RE.finditer(text):
        num, word, scale = m.group("num"), m.group("word"), m.group("scale")
        if word is not None:
            scale = None
            value = words_to_number(word)
            if value is None:
                continue
        else:
            if num.startswith(",") or re.search(r"[\d.]$", text[:m.start("num")]):
                continue
            value = float(num.replace(",", ""))
        cur = m.group("cur")
        if scale and len(scale) == 1:
            # A single letter is a scale only after a currency or before a word ("35m devices").
            after = text[m.end():m.end() + 2]
            if not (cur or scale in ("k", "K", "bn") or re.match(r"\s[a-z]", after)):
                scale = None
            elif scale == "m" and not cur and _MEASURE_AFTER_RE.match(text, m.end()):
                scale = None  # "1.8m tall": a metre, read as the unit after the number
        end = m.end() if scale else m.end("num") if num is not None else m.end("word")
        value *= _scale_value(scale)
        num_start = m.start("num") if num is not None else m.start("word")
        neg, sign = m.group("neg"), None
        if neg and neg[0] in "-−" and not cur:
            at = m.start("neg")
            before = text[:at].rstrip()
            spaced = at > 0 and text[at - 1].isspace() and not text[at + 1:at + 2].isspace()
            # "15-22", "2000 - 2500", "sub-7", "COVID-19": a hyphen, not a minus sign.
            if before and not spaced and (before[-1].isalnum() or before[-1] in "-–"):
                neg = None
        if neg and neg[0] == "+":
            sign, neg = "up", None
        elif neg:
            value = -value
            sign = "down" if neg[0] in "-−" else None
        start = m.start() if cur else (m.start("neg") if (neg or sign) else num_start)
        if word is not None and re.search(_SCALE_WORD, word, re.I):
            scale = word
        out.append({"start": start, "end": end, "num_start": num_start, "value": value,
                    "cur": cur.strip() if cur else None, "scaled": bool(scale), "digits": num,
                    "is_word": word is not None, "sign": sign})
    for m in PLURAL_RE.finditer(text):
        lo, hi = PLURAL_SCALES[m.group(1).lower()]
        if re.search(r"(?i)\btens of\s+$", text[:m.start(1)]):
            lo, hi = lo * 10, hi * 10
        out.append({"start": m.start(1), "end": m.end(1), "num_start": m.start(1), "value": lo,
                    "value_max": hi, "cur": None, "scaled": True, "digits": None, "is_word": True})
    for m in FRACTION_RE.finditer(text):
        frac = FRACTIONS[m.group(2).lower()]
        lead = m.group(1)
        if m.group(2).lower() == "half":
            if lead or not _HALF_CUE_RE.search(text[:m.start()]):
                if not (lead and lead.lower() == "one"):
                    continue
        elif not lead:
            continue
        if (m.group(2)[0].isupper() and m.start() > 0) or text[m.end():m.end() + 1] == "-":
            continue
        mult = words_to_number(lead) if lead and lead.lower() not in ("a", "one") else 1
        out.append({"start": m.start(), "end": m.end(), "num_start": m.start(), "value": frac * (mult or 1) if m.group(2).lower() != "thirds" else (mult or 1) / 3,
                    "cur": None, "scaled": False, "digits": None, "is_word": True, "fraction": True})
    for m in SCI_RE.finditer(text):
        value = float(m.group(1)) * 10 ** int(m.group(2).replace("−", "-"))
        out.append({"start": m.start(), "end": m.end(), "num_start": m.start(), "value": value,
                    "cur": None, "scaled": True, "digits": None, "is_word": False})
    for m in DIGIT_FRACTION_RE.finditer(text):
        num, den = int(m.group(1)), int(m.group(2))
        if 0 < num < den:
            out.append({"start": m.start(), "end": m.end(), "num_start": m.start(), "value": num / den,
                        "cur": None, "scaled": False, "digits": None, "is_word": False, "of_unit": True})
    for m in RATIO_RE.finditer(text):
        num, den = (float(g) if g.isdigit() else words_to_number(g) for g in m.groups())
        if num and den and 0 < num < den and not _unit_after(text, m.end()):  # not "2 in 3 minutes"
            out.append({"start": m.start(), "end": m.end(), "num_start": m.start(), "value": num / den,
                        "cur": None, "scaled": False, "digits": None, "is_word": True, "fraction": True})
    out.sort(key=lambda c: (c["start"], -(c["end"] - c["start"])))
    kept: list[dict] = []
    for c in out:
        if kept and c["start"] < kept[-1]["end"]:
            if c["end"] - c["start"] > kept[-1]["end"] - kept[-1]["start"]:
                kept[-1] = c
            continue
        kept.append(c)
    return kept


def _drop(text: str, c: dict, ents: list[dict], sent_start_word: bool) -> bool:
    """Whether a candidate is not a figure: a year, date, time, ordinal, score or name part."""
    s, e = c["start"], c["end"]
    after, before = text[e:], text[:s]
    if _ORDINAL_AFTER_RE.match(after) or _DECADE_AFTER_RE.match(after):
        return True
    for m in _STAMP_RE.finditer(text, max(0, s - 12), min(len(text), e + 12)):
        if m.start() < e and s < m.end():
            return True
    if _TIME_AFTER_RE.match(after) or re.search(r"\d[:.]$", before) and not c["cur"]:
        return True
    if not c["cur"] and (_MONTH_BEFORE_RE.search(before) or _MONTH_AFTER_RE.match(after)
                         or re.search(rf"(?i)\b(?:{_MONTHS_RE})\.?\s+\d{{1,2}}\s?[-–]\s?$", before)):
        return True
    if c["digits"] and not c["cur"] and not c["scaled"] and re.fullmatch(r"\d{4}", c["digits"]):
        year = int(c["digits"])
        in_date = any(en["label"] == "DATE" and en["start"] <= s < en["end"] for en in ents)
        year_word = _YEAR_WORD_RE.search(before)
        if 1900 <= year <= 2100 or (1000 <= year < 1900 and in_date) or (2100 < year < 2300 and year_word):
            range_to_unit = re.match(r"\s*(?:[-–]|to)\s*\d[\d,.]{3,}\s*([^\s,.;:]+)", after)
            range_from = re.search(r"\b(\d[\d,.]*)\s*(?:to|[-–])\s*$", before)
            if not (_PERCENT_RE.match(after) or _unit_after(text, e)
                    or (range_to_unit and lookup_unit(range_to_unit.group(1)))
                    or (range_from and not re.fullmatch(r"1[89]\d\d|20\d\d", range_from.group(1)))):
                return True
    if c["digits"] and re.match(r"^[-–]\d+\b", after) and re.search(r"\b\d+$", text[:e]) \
            and c["value"] < 10 and not c["cur"] and re.match(r"^[-–](\d)\b", after):
        return True  # a score "2-2"
    if c["digits"] and re.search(r"\b\d+[-–]$", before) and c["value"] < 10 and not c["cur"] \
            and re.search(r"\b\d[-–]$", before):
        return True
    if not c["cur"] and (_ADDRESS_AFTER_RE.match(after) or _ERA_BEFORE_RE.search(before)
                         or _ERA_AFTER_RE.match(after)):
        return True  # "22 Ave Foch", "16-18 Industrial Avenue", "A.D. 1000"
    if c["digits"] and re.search(r"[A-Z][a-z]+\s*\($", before) and after.startswith(")"):
        return True  # a jersey number: "Dak Prescott (4)"
    if c["is_word"] and text[c["num_start"]].isupper() and c["num_start"] > 0 and not sent_start_word:
        return True  # "Safe Third Country", "Formula One"
    return False


def normalize_sentence(
    text: str,
    tokens: list[dict] | None = None,
    ents: list[dict] | None = None,
    context: dict[str, Any] | None = None,
) -> list[dict]:
    """The figures of one sentence as plain dicts (offsets relative to ``text``).

    ``tokens``: dicts with ``start, end, text, lemma, pos`` (spaCy's coarse tags), used to
    name counted nouns; ``ents``: dicts with ``start, end, label`` (spaCy NER), used to skip
    numbers inside names and dates; ``context``: ``country`` and ``source`` of the article,
    used to tell which dollar a bare "$" is.
    """
    if not has_number(text):
        return []
    tokens = tokens or []
    ents = ents or []
    context = context or {}
    if len(text) > MAX_PIECE_CHARS:
        return _in_pieces(text, tokens, ents, context)
    figures: list[dict] = []
    lead = len(text) - len(text.lstrip(" \"“'‘("))
    for c in _raw_candidates(text):
        sent_start = c["num_start"] <= lead
        if _drop(text, c, ents, sent_start):
            continue
        fig = _describe(text, c, tokens, context)
        if fig is None or (c.get("of_unit") and fig["unit"] is None):
            continue
        measured = bool(c["cur"]) or c["scaled"] or (fig["unit"] is not None and fig["unit_dimension"] != "count")
        if _is_name_number(text, c["start"], c["num_start"], ents, measured):
            continue
        # "each one", "the same one": a pronoun, unless a range or a unit turns up below;
        # "the bottom three", "a top-four finish": a place in a ranking.
        fig["_pronoun"] = c["is_word"] and fig["unit"] is None and not c["scaled"] \
            and c.get("value_max") is None and not c.get("fraction") \
            and (fig["value"] == 1 or bool(re.match(r"-[A-Za-z]", text[c["end"]:c["end"] + 2]))
                 or bool(_RANK_BEFORE_RE.search(text, max(0, c["start"] - 20), c["start"])))
        figures.append(fig)
    figures = _elided_units(text, _share_units(text, _link_ranges(text, _composite(text, figures))))
    # A lone "six-speed" or "three-bed" is a spec, not a figure; "four-, five- and six-cylinder"
    # lists quantities.
    figures = [f for f in figures
               if not (f.pop("_pronoun") and f["unit"] is None and f["value_max"] is None)
               and not (f.pop("_compound") and not f.pop("_series", False))]
    for f in figures:
        f.pop("_series", None)
        f.pop("_scaled", None)
        f.pop("_cue_start", None)
        f["surface"] = text[f["start"]:f["end"]]
    return figures


# A "sentence" longer than this (a table or list the parser left in one piece) is read in pieces
# cut between clauses, so that the work stays linear in its length.
MAX_PIECE_CHARS = 1500
_CLAUSE_CUT_RE = re.compile(r"[;,]\s+|\s+")


def _cut(text: str, start: int) -> int:
    """Where the piece beginning at ``start`` ends: after the last clause break before the limit."""
    stop = start + MAX_PIECE_CHARS
    if stop >= len(text):
        return len(text)
    window = text[start + MAX_PIECE_CHARS // 2:stop]
    best = None
    for m in _CLAUSE_CUT_RE.finditer(window):
        if best is None or m.group(0)[0] in ";," or best.group(0)[0] not in ";,":
            best = m
    return start + MAX_PIECE_CHARS // 2 + best.end() if best is not None else stop


def _in_pieces(text: str, tokens: list[dict], ents: list[dict], context: dict[str, Any]) -> list[dict]:
    """:func:`normalize_sentence` over a long text cut into clause-bounded pieces, offsets restored."""
    tokens = sorted(tokens, key=lambda t: t["start"])
    ents = sorted(ents, key=lambda e: e["start"])
    token_starts = [t["start"] for t in tokens]
    ent_starts = [e["start"] for e in ents]
    figures: list[dict] = []
    start = 0
    while start < len(text):
        stop = _cut(text, start)
        piece_tokens = [dict(t, start=t["start"] - start, end=t["end"] - start)
                        for t in tokens[bisect.bisect_left(token_starts, start):
                                        bisect.bisect_left(token_starts, stop)] if t["end"] <= stop]
        piece_ents = [dict(e, start=e["start"] - start, end=e["end"] - start)
                      for e in ents[bisect.bisect_left(ent_starts, start):bisect.bisect_left(ent_starts, stop)]
                      if e["end"] <= stop]
        for fig in normalize_sentence(text[start:stop], piece_tokens, piece_ents, context):
            fig["start"] += start
            fig["end"] += start
            figures.append(fig)
        start = stop
    return figures


# "1/16 of a US pint", "half of the voters", "one of the biggest banks": "of" and what follows it
# before the unit or counted noun.
_OF_UNIT_RE = re.compile(r"\s+of\s+(?:an?\s+)?(?:" + "|".join(rf"{re.escape(w)}\s+" for w in _LEX.unit_qualifiers) + ")?")
_OF_FRACTION_RE = re.compile(r"\s+of\s+(?:" + "|".join(rf"{re.escape(w)}\s+" for w in _LEX.fraction_determiners) + ")?")
_OF_ONE_RE = re.compile(rf"\s+of\s+(?:{literal(_LEX.one_of_determiners)}|\w+['’]s)\s+"
                        rf"(?:(?:{literal(_LEX.one_of_intensifiers)})\s+)?")


def _describe(text: str, c: dict, tokens: list[dict], context: dict[str, Any]) -> dict | None:
    """A figure dict for one candidate: unit, currency, per-unit, approximation and change."""
    unit = dimension = currency = per_unit = None
    counted = compound = False
    end = c["end"]
    if c["cur"]:
        name, iso = currency_prefix(c["cur"]) or ("dollar", None)
        if iso is None:
            iso = dollar_currency(context.get("country"), context.get("source"))
            name = unit_words().dollar_units.get(iso, "dollar")
        unit, dimension, currency = name, "currency", iso
        m = _DOLLAR_QUALIFIER_RE.match(text[end:])
        if m and c["cur"] == "$":
            end += m.end()
    if c.get("of_unit"):
        m = _OF_UNIT_RE.match(text[end:])
        if m and _unit_after(text, end + m.end()):
            end += m.end() - 1
    scaled_code = _SCALED_CODE_RE.match(text, end) if not c["cur"] and not c["scaled"] else None
    code = currency_code(scaled_code.group(2)) if scaled_code else None
    if code is not None:
        c = dict(c, value=c["value"] * _CODE_SCALES[scaled_code.group(1)], scaled=True)
        unit, dimension, currency = code[0], "currency", code[1]
        end = scaled_code.end()
    after = _unit_after(text, end) if not c.get("fraction") else None
    if c.get("fraction") or c.get("value_max") is not None:
        m = _OF_FRACTION_RE.match(text[end:])
        noun = _counted_noun(tokens, end + m.end(), text) if m and c.get("value_max") is not None else None
        if noun:
            unit, dimension = noun[0], "count"
    elif after and not (unit and after[1] not in ("currency",)):
        if after[1] == "currency" and after[0] in ("cent", "penny") and unit:
            pass
        else:
            unit, dimension, end = after[0], after[1], after[2]
            if after[3]:
                currency = after[3]
            elif dimension == "currency" and unit == "dollar":
                currency = dollar_currency(context.get("country"), context.get("source"))
    elif unit is None:
        noun = _counted_noun(tokens, end, text) if tokens else None
        m = _OF_ONE_RE.match(text[end:])
        if noun is None and m and ((c["is_word"] and c["value"] == 1) or c["scaled"]) and tokens:
            noun = _counted_noun(tokens, end + m.end(), text)
            if noun:
                noun = (noun[0], end)
        if noun:
            unit, dimension, end = noun[0], "count", noun[1]
            counted = True
            head = lookup_unit(unit.rsplit(" ", 1)[-1])
            if head and head[1] in ("time", "length") and " " in unit:
                unit, dimension = head  # "50 previous years" is a number of years
        else:
            m = _HYPHEN_NOUN_RE.match(text, end)
            if m and not (c["is_word"] and c["value"] == 1):
                # "six-cylinder engines": the hyphenated noun is what is counted.
                unit, dimension, end = _singular(m.group(1)), "count", m.end()
                compound = True
    if unit is None and re.search(r",\s*$", text[:c["start"]]) and re.match(r"\s*,", text[c["end"]:]) \
            and c["digits"] and 1 <= c["value"] <= 120 and float(c["value"]).is_integer() \
            and re.search(r"[A-Z][a-z]+,\s*$", text[:c["start"]]):
        unit, dimension = "year of age", "age"
    if unit is None and 0 < c["value"] <= 120 and _AGE_BEFORE_RE.search(text[:c["start"]]):
        unit, dimension = "year of age", "age"
    if unit:
        m = _PER_RE.match(text, end)
        if m:
            word = m.group("w").strip("-")
            found = lookup_unit(word)
            multi = _unit_after(text, m.start("w"))
            if multi and multi[1] != "currency":
                found, word = multi[:2], text[m.start("w"):multi[2]]
                m_end = multi[2]
            else:
                m_end = m.end()
            single = _singular(word)
            explicit = m.group(0).strip().lower().startswith((*figure_words().rate_explicit, "/"))
            if (found and found[1] != "currency" and not counted) or single in figure_words().per_words or (explicit and not counted):
                per_unit = found[0] if found else single
                end = m_end
                unit = f"{unit} per {per_unit}"
    sentence_words = set(_WORD_RE.findall(text.lower())) if unit == "degree" else set()
    if unit == "degree" and (re.match(r"\s+below\s+zero\b", text[end:]) or (
            c["value"] < 0 and not figure_words().angle_words & sentence_words)
            or figure_words().temperature_words & sentence_words):
        # "temperatures reached 30 degrees", "minus 5 degrees" (not of an angle), "10 degrees
        # below zero": a temperature, on the scale of the article's country
        fahrenheit = (context.get("country") or "").upper() in figure_words().fahrenheit_countries
        unit, dimension = ("fahrenheit" if fahrenheit else "celsius"), "temperature"
    approx, cue_start = _approx(text, c["start"])
    change = _change(text, cue_start)
    if change is None and c.get("sign") and dimension in ("percentage", "index"):
        change = c["sign"]
    return {"start": c["start"], "end": end, "surface": "", "value": float(c["value"]),
            "value_max": float(c["value_max"]) if c.get("value_max") is not None else None,
            "unit": unit, "unit_dimension": dimension, "currency": currency, "approx": approx,
            "change": change, "per_unit": per_unit, "_scaled": c["scaled"], "_cue_start": cue_start,
            "_compound": compound}


_COMPOSITE_GAP_RE = re.compile(r"\s*(?:,|and|,\s*and)\s*")


def _composite(text: str, figs: list[dict]) -> list[dict]:
    """ "thirteen dollars and forty-five cents", "$4 and 50 cents": one amount in the major unit."""
    out: list[dict] = []
    for f in figs:
        prev = out[-1] if out else None
        reading = figure_words().currency_readings.get(prev["unit"]) if prev is not None else None
        if reading is not None and f["unit_dimension"] == "currency" and \
                figure_words().minor_units.get(reading[0], ("",))[0] == f["unit"] and \
                _COMPOSITE_GAP_RE.fullmatch(text[prev["end"]:f["start"]]):
            # "five pounds and twenty pence": the pounds are money when their pence follow
            prev.update(unit=reading[0], unit_dimension="currency", currency=reading[1])
        minor = figure_words().minor_units.get(prev["unit"]) if prev is not None else None
        if minor is not None and f["unit"] in (minor[0], "cent", "penny") and f["value_max"] is None \
                and prev["value_max"] is None and 0 < f["value"] < minor[1] \
                and _COMPOSITE_GAP_RE.fullmatch(text[prev["end"]:f["start"]]):
            prev["value"] = prev["value"] + f["value"] / minor[1]
            prev["end"] = f["end"]
            continue
        out.append(f)
    return out


# A bare number that repeats the noun of an earlier figure by leaving it out ("68,784 encounters
# ..., including 13,053 in the last month"): the words that link the two.
_ELLIPSIS_LINK_RE = re.compile(rf"(?i)(?:,\s*|\s)(?:{literal(_LEX.ellipsis_links)})\s+"
                               rf"(?:(?:{literal(_LEX.ellipsis_hedges)})\s+)?$")


def _elided_units(text: str, figs: list[dict]) -> list[dict]:
    """A count with no noun after it takes the noun of the count it follows in the sentence when
    a linking word joins them (NP ellipsis); no unit is guessed across other numbers."""
    for a, b in zip(figs, figs[1:]):
        if b["unit"] is not None or a["unit"] is None or a["unit_dimension"] != "count" \
                or b.get("_pronoun") or b["end"] - b["start"] > 40:
            continue
        between = text[a["end"]:b["start"]]
        if len(between) <= 80 and _ELLIPSIS_LINK_RE.search(between) and not re.search(r"[;:]", between) \
                and not _unit_after(text, b["end"]):
            for k in ("unit", "unit_dimension", "currency", "per_unit"):
                b[k] = a[k]
    return figs


_GAPPED_BY_RE = re.compile(r",\s+(?:and\s+)?[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*)*\s+by\s+$")
_SUSPENDED_RE = re.compile(r"^-\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or|to)\s+)$")
_PART_OF_RE = re.compile(rf"(?i)^\s+of\s+(?:{literal(_LEX.part_of_determiners)})\s+$")


def _share_units(text: str, figs: list[dict]) -> list[dict]:
    """A bare number takes the unit of the next figure in "four-, five- and six-cylinder" and
    "280 million of the 1.5 billion shekels", and of the range before it in "from 14-18 mpg to 24";
    a bare change repeats the unit of the change before it ("DAX rose 2 percent, Nasdaq fell 1"),
    and a gapped verb repeats the change ("Ross was down 2.3%, Burlington by 2.6%")."""
    last_change = None
    for f in figs:
        if not f["change"] and last_change is not None and f["unit"] in (None, last_change["unit"]) \
                and _GAPPED_BY_RE.search(text, max(0, f["start"] - 60), f["start"]):
            f["change"] = last_change["change"]
        if f["change"] and f["unit"] is None and last_change is not None:
            for k in ("unit", "unit_dimension", "currency", "per_unit"):
                f[k] = last_change[k]
        if f["change"] and f["unit"] is not None:
            last_change = f
    for a, b in zip(figs, figs[1:]):
        if a["value_max"] is not None and a["unit"] and b["unit"] is None \
                and a["unit_dimension"] != "percentage" and re.fullmatch(r"\s+to\s+", text[a["end"]:b["start"]]):
            for k in ("unit", "unit_dimension", "currency", "per_unit"):
                b[k] = a[k]
    for a, b in zip(reversed(figs[:-1]), reversed(figs[1:])):
        if a["unit"] is not None or b["unit"] is None or a["value_max"] is not None:
            continue
        between = text[a["end"]:b["start"]]
        if _SUSPENDED_RE.match(between) or _PART_OF_RE.match(between):
            for k in ("unit", "unit_dimension", "currency", "per_unit"):
                a[k] = b[k]
            if _SUSPENDED_RE.match(between):
                a["end"] += 1
                a["_series"] = b["_series"] = True
    return figs


# A dash or slash between two numbers, or a word of the lexicon ("5 to 10", "5-10", "5 through 10").
_RANGE_SEP_RE = re.compile(rf"(?i)^\s*(?:{literal(_LEX.range_separators)}|[-–—/])\s*$")
_SAME_RE = re.compile(r"^\s*(?:\(|,?\s*or\s+|/)\s*$")
_FROM_TO_GAP_RE = re.compile(r"(?i)\s+[^,;()]{1,40}?\s+to\s+")
_FROM_RE = re.compile(rf"(?i)\b(?:{literal(_LEX.range_openers)})\s+(?:\S+\s+)?$")


def _mantissa(value: float) -> float:
    for scale in (1e12, 1e9, 1e6, 1e3):
        if abs(value) >= scale:
            return value / scale
    return value


# "fell 200 points to 5,000", "to close at 5,000": the words before a bare level of points.
_POINT_LEVEL_RE = re.compile(rf"(?i)\s*(?:{literal(_LEX.point_links)})\s+(?:(?:{literal(_LEX.point_closes)})\s+)?")


def _link_ranges(text: str, figs: list[dict]) -> list[dict]:
    """Merge "X to Y", "X-Y", "from X to Y", "between X and Y" into ranges; "X or Y" share a unit;
    an equivalent in brackets or after ", or" ("190 points, or 0.6%") shares approx and change."""
    out: list[dict] = []
    i = 0
    while i < len(figs):
        a = figs[i]
        b = figs[i + 1] if i + 1 < len(figs) else None
        if b is None or a["value_max"] is not None or b["value_max"] is not None:
            out.append(a)
            i += 1
            continue
        between = text[a["end"]:b["start"]]
        if a["unit"] == "point" and b["unit"] is None and _POINT_LEVEL_RE.fullmatch(between):
            b["unit"], b["unit_dimension"] = "point", a["unit_dimension"]
        sep = _RANGE_SEP_RE.match(between)
        word = sep and between.strip().lower()
        same_unit = a["unit"] is None or b["unit"] is None or a["unit"] == b["unit"] \
            or b["unit"].startswith(f"{a['unit']} per ") or a["unit"].startswith(f"{b['unit']} per ")
        ranged = bool(_FROM_RE.search(text[:a["_cue_start"]]))
        if not sep and ranged and text[:a["_cue_start"]].rstrip().lower().endswith("from") \
                and _FROM_TO_GAP_RE.fullmatch(between):
            # "from $36,040 at 10.45pm last night to $34,935": the words between are a
            # time or place, the figures still bound the change.
            sep, word = True, "to"
        compatible = same_unit and (b["approx"] == "=" or (ranged and word == "up to")) and b["change"] is None
        if not sep or not compatible or (word in ("and", "up to") and not ranged) \
                or (a["change"] and not ranged and abs(b["value"]) > 3 * abs(a["value"])) \
                or (word == "to" and a["unit"] and not b["unit"] and not ranged):
            out.append(a)
            i += 1
            continue
        if word == "or":
            # "eight or nine euros": two figures, the first takes the second's unit.
            if a["unit"] is None and b["unit"]:
                for k in ("unit", "unit_dimension", "currency", "per_unit"):
                    a[k] = b[k]
            out.append(a)
            i += 1
            continue
        if word in ("-", "–") and a["value"] == b["value"] and not (a["unit"] or b["unit"]):
            i += 2  # a tied score ("tied Game 7 at 89-89"), not a range
            continue
        lo = a["value"]
        if b["_scaled"] and not a["_scaled"] and abs(lo) <= abs(_mantissa(b["value"])):
            lo *= b["value"] / _mantissa(b["value"])
        merged = dict(a)
        merged.update(value=lo, value_max=b["value"], end=b["end"])
        keep_a = bool(a["per_unit"]) and not b["per_unit"]  # "$75 per barrel to $45.88"
        for k in ("unit", "unit_dimension", "currency", "per_unit"):
            merged[k] = b[k] if b[k] and (not a[k] or k in ("unit", "per_unit")) and not keep_a else a[k]
        merged["change"] = a["change"] or b["change"]
        out.append(merged)
        i += 2
    for a, b in zip(out, out[1:]):
        if _SAME_RE.match(text[a["end"]:b["start"]]):
            if b["approx"] == "=" and a["approx"] in "<>":
                b["approx"] = a["approx"]
            b["change"] = b["change"] or a["change"]
    return out
