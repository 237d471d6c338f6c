"""Normalize one time expression into the calendar interval it means (pure functions).

``normalize_timex(surface, anchor, ...)`` takes the words of a time expression, the article's
publication date (the anchor, ISO ``YYYY-MM-DD`` or None) and a little context (tense of the
governing verb, the article's country, whether the sentence speaks of the U.S.) and returns a
record with ``timex_type`` ("date"/"time"/"duration"/"set"), a TIMEX3-style ``value``, the
interval ``date_start``/``date_end`` (ISO dates or None when no anchor is known), its
``granularity`` and, for durations, an ISO 8601 ``duration``. It returns None for words that are
not a time expression in the TimeML sense (ages, "we", money).

Our code owns granularity, intervals, ranges, fiscal years, quarters, seasons, weeks, weekdays
by tense and durations; explicit day-level dates and "N units ago" go through dateparser, always
against the anchor, never over free text.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from dateutil.easter import easter

from pipeline.normalize.wordlists import literal, spaced
from pipeline.resources import model_file, read_data_file

TIMEX_LEXICON = model_file("lexicon", "timex.toml")


@dataclass(frozen=True)
class TimexWords:
    """The words of ``models/lexicon/timex.toml``: calendar units (word -> (ISO 8601 designator,
    granularity), in the order they are tried), the units each construction takes (name of the
    construction, one of ``UNIT_READINGS`` -> unit words), seasons (name -> (TIMEX3 code, first
    month, last month)), number words and quarter ordinals with their values, vague counts and
    the phrases of a count, references (word -> ``PRESENT_REF``/``PAST_REF``/``FUTURE_REF``),
    frequencies (word -> (unit, count of units between events)), parts of the day (word ->
    TIMEX3 code, in the order they are looked for), those after noon, the month-first countries,
    months and weekdays (name -> its abbreviations, in calendar order), holidays (name -> its
    rule: ``month`` and ``day``; ``month``, ``weekday`` (0 = Monday), ``nth`` and
    ``days_after``; or ``easter``, days after Easter Sunday), the words of spoken years
    (``centuries``, ``teens``, ``tens``, ``digits``, ``after_two_thousand``), of ranges
    (``openers``, ``joiners``) and of lists of days (``day_lists``), the U.S. and Canadian cues of
    a fiscal year, the words taken off an expression (name, one of ``QUALIFIERS`` -> words),
    those that place a time before or after another (name, one of ``RELATIONS`` -> words), the
    percent and age words that make an expression no time expression (ages: name, one of
    ``AGE_WORDS`` -> words), the shifts of the words that place a time from the publication date
    (word -> units away), the words of them each construction takes (name, one of ``DEICTIC`` ->
    words), the days named from the publication date (phrase -> days away) and those a clock
    time is put on, the parts of the day said after a day, time zones, the words for an hour
    (word -> hour), and the words of durations, fiscal years, quarters, sets, halves, the ends of
    a time (name, one of ``DURATION_WORDS``, ``FISCAL_WORDS``, ``QUARTER_WORDS``, ``SET_WORDS``,
    ``HALVES``, ``STRETCH_ENDS`` -> words) and of the end of the year."""

    units: Mapping[str, tuple[str, str]]
    unit_readings: Mapping[str, tuple[str, ...]]
    seasons: Mapping[str, tuple[str, int, int]]
    numbers: Mapping[str, int]
    ordinals: Mapping[str, int]
    vague_numbers: tuple[str, ...]
    vague_first_words: frozenset[str]
    count_phrases: tuple[str, ...]
    references: Mapping[str, str]
    frequencies: Mapping[str, tuple[str, int]]
    parts_of_day: Mapping[str, str]
    after_noon: frozenset[str]
    month_first_countries: frozenset[str]
    months: Mapping[str, tuple[str, ...]]
    weekdays: Mapping[str, tuple[str, ...]]
    holidays: Mapping[str, Mapping[str, int]]
    spoken_years: Mapping[str, tuple[str, ...]]
    range_openers: tuple[str, ...]
    range_joiners: tuple[str, ...]
    day_lists: tuple[str, ...]
    us_fiscal_cues: tuple[str, ...]
    ca_fiscal_cues: tuple[str, ...]
    qualifiers: Mapping[str, tuple[str, ...]]
    relations: Mapping[str, tuple[str, ...]]
    percent_words: tuple[str, ...]
    ages: Mapping[str, tuple[str, ...]]
    shifts: Mapping[str, int]
    deictic: Mapping[str, tuple[str, ...]]
    relative_days: Mapping[str, int]
    clock_days: tuple[str, ...]
    after_a_day: tuple[str, ...]
    zones: tuple[str, ...]
    clock_hours: Mapping[str, int]
    duration_words: Mapping[str, tuple[str, ...]]
    fiscal: Mapping[str, tuple[str, ...]]
    quarters: Mapping[str, tuple[str, ...]]
    sets: Mapping[str, tuple[str, ...]]
    halves: Mapping[str, tuple[str, ...]]
    stretch_ends: Mapping[str, tuple[str, ...]]
    year_end: tuple[str, ...]


# The constructions of ``[unit_readings]`` (see timex.toml), each a list of the units it takes.
UNIT_READINGS = ("the_current", "the_whole", "year_ago", "vague_plurals", "ahead", "never_alone")
# The word lists of ``[spoken_years]`` (see timex.toml).
SPOKEN_YEAR_WORDS = ("centuries", "teens", "tens", "digits", "after_two_thousand")
# The word lists of ``[qualifiers]`` (see timex.toml).
QUALIFIERS = ("leading", "calendar_determiners", "part_starts", "run_words", "hedges", "count_extras",
              "period_words", "parts")
# The word lists of ``[relations]`` (see timex.toml).
RELATIONS = ("back", "forward", "compound_back", "previous", "reference_back")
# The age words of ``[not_timex]``; the word lists of ``[deictic]``, ``[durations]`` (beside the
# vague counts), ``[fiscal]``, ``[quarters]``, ``[sets]``, ``[halves]`` and ``[stretch_ends]``.
AGE_WORDS = ("age_units", "age_adjectives", "age_nouns")
DEICTIC = ("fiscal_year", "fiscal_year_again", "of_year", "year_of_quarter", "season", "month_name", "holiday",
           "unit", "weekday")
DURATION_WORDS = ("modifiers", "run_modifiers", "length_words", "date_modifiers", "wholes", "vague_modifiers",
                  "before_ahead", "ahead_words")
FISCAL_WORDS = ("names", "the_year", "adjectives", "year_kinds")
QUARTER_WORDS = ("determiners", "latest_names", "latest_determiners", "last_reported", "current_one",
                 "before_last", "year_back", "plain")
SET_WORDS = ("words", "rates", "alternate", "stretches", "day_parts")
HALVES = ("first_half", "second_half")
STRETCH_ENDS = ("first_units", "last_units")
# The three forms of a holiday's rule in ``[holidays]``.
HOLIDAY_RULES = (frozenset({"month", "day"}), frozenset({"month", "weekday", "nth"}),
                 frozenset({"month", "weekday", "nth", "days_after"}), frozenset({"easter"}))


def _holiday_rules(raw: Mapping[str, Mapping[str, Any]], weekdays: list[str]) -> Mapping[str, Mapping[str, int]]:
    """The ``[holidays]`` table with weekday names as numbers; a rule of another form is named."""
    rules = {}
    for name, rule in raw.items():
        if frozenset(rule) not in HOLIDAY_RULES:
            raise KeyError(f"holidays.{name}: a rule is month and day; month, weekday, nth (and "
                           f"days_after); or easter, got {sorted(rule)}")
        rules[name] = MappingProxyType({k: weekdays.index(v) if k == "weekday" else int(v) for k, v in rule.items()})
    return MappingProxyType(rules)


@lru_cache(maxsize=4)
def timex_words(path: Path | str = TIMEX_LEXICON) -> TimexWords:
    """The time-expression lexicon, read once per process."""
    def lists(table: Mapping[str, Any], names: tuple[str, ...]) -> Mapping[str, tuple[str, ...]]:
        return MappingProxyType({k: tuple(table[k]) for k in names})

    def build(raw: dict[str, Any]) -> TimexWords:
        numbers, durations, refs, day = raw["numbers"], raw["durations"], raw["references"], raw["day"]
        references = {w: f"{kind.upper()}_REF" for kind in ("present", "past", "future") for w in refs[kind]}
        return TimexWords(
            MappingProxyType({w: (code, granularity) for w, (code, granularity) in raw["units"].items()}),
            MappingProxyType({k: tuple(raw["unit_readings"][k]) for k in UNIT_READINGS}),
            MappingProxyType({w: (code, int(first), int(last)) for w, (code, first, last) in raw["seasons"].items()}),
            MappingProxyType({w: int(n) for w, n in numbers["words"].items()}),
            MappingProxyType({w: int(n) for w, n in numbers["ordinals"].items()}),
            tuple(durations["vague_numbers"]), frozenset(durations["vague_first_words"]),
            tuple(durations["count_phrases"]),
            MappingProxyType(references),
            MappingProxyType({w: (unit, int(n)) for w, (unit, n) in raw["frequencies"].items()}),
            MappingProxyType(dict(day["parts"])), frozenset(day["after_noon"]),
            frozenset(raw["numeric_dates"]["month_first_countries"]),
            MappingProxyType({w: tuple(abbr) for w, abbr in raw["months"].items()}),
            MappingProxyType({w: tuple(abbr) for w, abbr in raw["weekdays"].items()}),
            _holiday_rules(raw["holidays"], list(raw["weekdays"])),
            MappingProxyType({k: tuple(raw["spoken_years"][k]) for k in SPOKEN_YEAR_WORDS}),
            tuple(raw["ranges"]["openers"]), tuple(raw["ranges"]["joiners"]), tuple(raw["ranges"]["day_lists"]),
            tuple(raw["fiscal_cues"]["us"]), tuple(raw["fiscal_cues"]["ca"]),
            MappingProxyType({k: tuple(raw["qualifiers"][k]) for k in QUALIFIERS}),
            MappingProxyType({k: tuple(raw["relations"][k]) for k in RELATIONS}),
            tuple(raw["not_timex"]["percent"]), lists(raw["not_timex"], AGE_WORDS),
            MappingProxyType({w: int(n) for w, n in raw["shifts"].items()}),
            lists(raw["deictic"], DEICTIC),
            MappingProxyType({w: int(n) for w, n in raw["relative_days"].items()}),
            tuple(day["clock_days"]), tuple(day["after_a_day"]), tuple(day["zones"]),
            MappingProxyType({w: int(h) for w, h in day["hours"].items()}),
            lists(durations, DURATION_WORDS), lists(raw["fiscal"], FISCAL_WORDS), lists(raw["quarters"], QUARTER_WORDS),
            lists(raw["sets"], SET_WORDS), lists(raw["halves"], HALVES), lists(raw["stretch_ends"], STRETCH_ENDS),
            tuple(raw["year_end"]["phrases"]))
    return read_data_file(path, "the time-expression words", build)


def _calendar_names(table: Mapping[str, tuple[str, ...]], first: int) -> dict[str, int]:
    """Each name and abbreviation of ``table`` (months or weekdays, in order) -> its number."""
    return {w: i for i, (name, abbreviations) in enumerate(table.items(), first) for w in (name, *abbreviations)}


def _calendar_number(names: Mapping[str, int], word: str) -> int:
    """The number of a month or weekday word: its own, else that of the longest name or
    abbreviation it begins with (the month pattern leaves each letter of a longer abbreviation
    optional: "sepember")."""
    if word in names:
        return names[word]
    return names[max((w for w in names if word.startswith(w)), key=len)]


def _abbreviated(name: str, abbreviations: tuple[str, ...]) -> str:
    """A regex of ``name`` cut after any of its ``abbreviations``: "sep" "sept" "september" ->
    ``sep(?:t)?(?:ember)?``."""
    stops = [*sorted(abbreviations, key=len), name]
    return re.escape(stops[0]) + "".join(f"(?:{re.escape(b[len(a):])})?" for a, b in zip(stops, stops[1:]))


MONTHS: dict[str, int] = _calendar_names(timex_words().months, 1)
WEEKDAYS: dict[str, int] = _calendar_names(timex_words().weekdays, 0)
UNITS = timex_words().units  # unit word -> (ISO 8601 designator, granularity)
SEASONS = timex_words().seasons  # season -> (TIMEX code, first month, last month)
GRACE_DAYS = 31
_QUALIFIER = {k: literal(words) for k, words in timex_words().qualifiers.items()}
_LEADING_RE = re.compile(rf"^(?:{_QUALIFIER['leading']})\s+")
_COUNT_EXTRAS_RE = re.compile(rf"\s+(?:{_QUALIFIER['count_extras']})$")
_PERIOD_RE = re.compile(rf"(?<=\d)\s+(?:{_QUALIFIER['period_words']})$")
_PARTS_RE = re.compile(rf"^(?:{_QUALIFIER['parts']})(?:\s+in\s+|[- ])")
_RELATION = {k: literal(words) for k, words in timex_words().relations.items()}
# "year-ago", "year-earlier": the compounds of a year back, as words and as an alternation.
_YEAR_BACK_WORDS = tuple(f"year-{w}" for w in timex_words().relations["compound_back"])
_YEAR_BACK = literal(_YEAR_BACK_WORDS)
_AGES = {k: literal(words) for k, words in timex_words().ages.items()}
_NOT_TIMEX_RE = re.compile(rf"\d[- ]?(?:{_AGES['age_units']})s?[- ](?:{_AGES['age_adjectives']})|"
                           rf"\b(?:{_AGES['age_nouns']})[sd]?\b|\$|%|\b(?:{literal(timex_words().percent_words)})\b")
_HEDGE_RE = re.compile(rf"\s+(?:{spaced(timex_words().qualifiers['hedges'])})\b")

NUM_RE = r"(?:\d+(?:\.\d+)?|[a-z]+(?:[- ][a-z]+)?|" + literal(timex_words().count_phrases) + ")"
UNIT_RE = "(" + literal(UNITS) + ")s?"
SEASON_RE = "(" + literal(SEASONS) + ")"

# The units each construction takes, as regex alternations (name -> "week|month|...").
_UNITS_OF = {reading: literal(units)
             for reading, units in timex_words().unit_readings.items()}
MONTH_RE = "(" + "|".join(_abbreviated(m, a) for m, a in timex_words().months.items()) + r")\.?"
# Weekday names, then their abbreviations.
WEEKDAY_WORDS = "|".join([*map(re.escape, timex_words().weekdays),
                          *(re.escape(a) for abbr in timex_words().weekdays.values() for a in abbr)])
WEEKDAY_RE = "(" + WEEKDAY_WORDS + r")\.?"
YEAR_RE = r"((?:1[5-9]|20)\d\d)"
RANGE_SPLIT = re.compile("^(?:" + "|".join(rf"{re.escape(w)}\s+" for w in timex_words().range_openers)
                         + r")?(.+?)\s*(?:\s(?:" + literal(timex_words().range_joiners)
                         + r")\s|\s?[-–—]\s?)\s*(.+)$")
US_CONTEXT = re.compile(r"(?<!\w)(?:" + literal(timex_words().us_fiscal_cues) + r")(?!\w)")
CA_CONTEXT = re.compile(r"(?<!\w)(?:" + literal(timex_words().ca_fiscal_cues) + r")(?!\w)")

SHIFTS = timex_words().shifts  # word -> units away from the publication date ("last" -1)
_DEICTIC = {k: spaced(words) for k, words in timex_words().deictic.items()}
# The shifts of the words before "year" ("February of next year"); any other word shifts no year.
_YEAR_SHIFT = {w: SHIFTS.get(w, 0) for w in timex_words().deictic["of_year"]}
RELATIVE_DAYS = timex_words().relative_days  # "yesterday" -> -1
_FISCAL = {k: spaced(words) for k, words in timex_words().fiscal.items()}
_QUARTERS = {k: spaced(words) for k, words in timex_words().quarters.items()}
_SETS = {k: spaced(words) for k, words in timex_words().sets.items()}
_DURATIONS = {k: spaced(words) for k, words in timex_words().duration_words.items()}
_AFTER_A_DAY = literal(timex_words().after_a_day)


def _num(word: str) -> int | None:
    """A number written in digits or words ("5", "five", "twenty four", "a couple of")."""
    w = _COUNT_EXTRAS_RE.sub("", word.strip().lower().replace("-", " "))
    if re.fullmatch(r"\d+", w):
        return int(w)
    numbers = timex_words().numbers
    if w in numbers:
        return numbers[w]
    parts = w.split()
    if len(parts) > 1 and parts[-1] in ("a", "an"):
        return None  # "seven a year ago": a count, then the expression
    if parts and all(p in numbers for p in parts):
        return sum(numbers[p] for p in parts)
    return None


_SPOKEN = {k: literal(words) for k, words in timex_words().spoken_years.items()}
SPOKEN_YEAR = re.compile(rf"\b({_SPOKEN['centuries']})[\s-]+((?:{_SPOKEN['teens']})|(?:{_SPOKEN['tens']})"
                         rf"(?:[\s-](?:{_SPOKEN['digits']}))?|o[\s-](?:{_SPOKEN['digits']}))\b")
_AFTER_TWO_THOUSAND = re.compile(rf"\btwo thousand(?:\s+and)?(?:[\s-]({_SPOKEN['after_two_thousand']}))?\b")


def _spoken_years(s: str) -> str:
    """Spoken years as digits: "nineteen ninety-six" -> "1996", "the year two thousand" -> "2000"."""
    def repl(m: re.Match) -> str:
        tail = m.group(2).replace("o ", "").replace("o-", "")
        return str(timex_words().numbers[m.group(1)] * 100 + (_num(tail) or 0))
    s = SPOKEN_YEAR.sub(repl, s)
    return _AFTER_TWO_THOUSAND.sub(lambda m: str(2000 + (_num(m.group(1)) if m.group(1) else 0)), s)


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def _rec(kind: str, value: str | None, start: date | None, end: date | None,
         granularity: str | None, duration: str | None = None) -> dict[str, Any]:
    return {"timex_type": kind, "value": value,
            "date_start": start.isoformat() if start else None,
            "date_end": end.isoformat() if end else None,
            "granularity": granularity, "duration": duration}


def _year(y: int) -> dict[str, Any]:
    return _rec("date", f"{y:04d}", date(y, 1, 1), date(y, 12, 31), "year")


def _month(y: int, m: int) -> dict[str, Any]:
    return _rec("date", f"{y:04d}-{m:02d}", date(y, m, 1), _month_end(y, m), "month")


def _day(d: date) -> dict[str, Any]:
    return _rec("date", d.isoformat(), d, d, "day")


def _week(d: date) -> dict[str, Any]:
    monday = d - timedelta(days=d.weekday())
    iso = monday.isocalendar()
    return _rec("date", f"{iso[0]:04d}-W{iso[1]:02d}", monday, monday + timedelta(days=6), "week")


def _quarter(y: int, q: int) -> dict[str, Any]:
    m = 3 * (q - 1) + 1
    return _rec("date", f"{y:04d}-Q{q}", date(y, m, 1), _month_end(y, m + 2), "quarter")


def _season(y: int, name: str) -> dict[str, Any]:
    code, first, last = SEASONS[name]
    end_year = y + 1 if last < first else y
    return _rec("date", f"{y:04d}-{code}", date(y, first, 1), _month_end(end_year, last), "season")


def _fiscal(y: int, system: str) -> dict[str, Any]:
    """Fiscal year ``y``: US federal Oct (y-1)..Sep y; Canada Apr y..Mar y+1."""
    if system == "CA":
        return _rec("date", f"FY{y:04d}", date(y, 4, 1), date(y + 1, 3, 31), "fiscal_year")
    return _rec("date", f"FY{y:04d}", date(y - 1, 10, 1), date(y, 9, 30), "fiscal_year")


def fiscal_system(country: str | None, sentence: str) -> str:
    """"US" or "CA": the sentence's own U.S./Canadian cues win over the article's country."""
    if US_CONTEXT.search(sentence):
        return "US"
    if CA_CONTEXT.search(sentence) or (country or "").upper() == "CA":
        return "CA"
    return "US"


def _shift_unit(d: date, unit: str, n: int) -> dict[str, Any]:
    """The calendar unit ``n`` units away from ``d`` (negative = back)."""
    if unit == "year":
        return _year(d.year + n)
    if unit == "month":
        return _month(*_add_months(d.year, d.month, n))
    if unit == "week":
        return _week(d + timedelta(weeks=n))
    if unit == "quarter":
        y, m = _add_months(d.year, d.month, 3 * n)
        return _quarter(y, (m - 1) // 3 + 1)
    if unit == "decade":
        y = (d.year // 10 + n) * 10
        return _rec("date", f"{y // 10:03d}", date(y, 1, 1), date(y + 9, 12, 31), "decade")
    if unit == "century":  # the 1900s, as "the 20th century" is read
        y = (d.year // 100 + n) * 100
        return _rec("date", f"{y // 100:02d}", date(max(y, 1), 1, 1), date(y + 99, 12, 31), "century")
    if unit in ("day", "night"):
        return _day(d + timedelta(days=n))
    if unit == "weekend":
        sat = d + timedelta(days=(5 - d.weekday()) % 7) + timedelta(weeks=n)
        iso = sat.isocalendar()
        return _rec("date", f"{iso[0]:04d}-W{iso[1]:02d}-WE", sat, sat + timedelta(days=1), "week")
    return _day(d)


def _weekday(d: date, wd: int, direction: str) -> date:
    """The weekday ``wd`` nearest to ``d`` in ``direction`` ("past" or "future"; today counts)."""
    if direction == "future":
        return d + timedelta(days=(wd - d.weekday()) % 7)
    return d - timedelta(days=(d.weekday() - wd) % 7)


def _direction(tense: str | None) -> str:
    """Which way a bare weekday points: news present tense ("meets Monday") means the coming one."""
    return "future" if tense in ("future", "present") else "past"


def _month_year(m: int, anchor: date, tense: str | None) -> int:
    """The year of a bare month name: the tense's direction, else the nearest such month.

    In the past tense next month still means this year's: a past-tense verb before a month one
    step ahead is a schedule reported in the past ("was notified of a cut in September").
    """
    if tense == "future":
        return anchor.year + 1 if m < anchor.month else anchor.year
    if tense == "past":
        return anchor.year - 1 if m > anchor.month + 1 else anchor.year
    ahead = (m - anchor.month) % 12
    return anchor.year + (1 if m < anchor.month else 0) if ahead <= 2 and ahead else \
        (anchor.year - 1 if m > anchor.month else anchor.year)


def _nth_weekday(y: int, m: int, wd: int, n: int) -> date:
    """The ``n``-th weekday ``wd`` of a month (``n`` = -1: the last)."""
    if n < 0:
        last = _month_end(y, m)
        return last - timedelta(days=(last.weekday() - wd) % 7)
    first = date(y, m, 1)
    return first + timedelta(days=(wd - first.weekday()) % 7 + 7 * (n - 1))


def holiday_date(rule: Mapping[str, int], y: int) -> date:
    """The date in year ``y`` of a holiday rule of the lexicon (see :class:`TimexWords`)."""
    if "easter" in rule:
        return easter(y) + timedelta(days=rule["easter"])
    if "weekday" in rule:
        return _nth_weekday(y, rule["month"], rule["weekday"], rule["nth"]) + timedelta(days=rule.get("days_after", 0))
    return date(y, rule["month"], rule["day"])


HOLIDAYS: Mapping[str, Mapping[str, int]] = timex_words().holidays  # name -> the rule of its date


def _holiday(name: str, year: int | None, rel: str | None, anchor: date | None,
             tense: str | None) -> dict[str, Any] | None:
    """A named holiday: the given year's, else the one ``rel`` or the tense points to."""
    rule = HOLIDAYS[name]
    if year is not None:
        return _day(holiday_date(rule, year))
    if anchor is None:
        return _rec("date", None, None, None, "day")
    cands = [holiday_date(rule, anchor.year + k) for k in (-1, 0, 1)]
    shift = SHIFTS.get(rel or "")
    if (shift or 0) < 0:
        return _day(max(c for c in cands if c < anchor))
    if (shift or 0) > 0:
        return _day(min(c for c in cands if c > anchor))
    if shift == 0:
        return _day(cands[1])
    if tense == "future":
        return _day(min(c for c in cands if c >= anchor))
    if tense == "past":
        return _day(max(c for c in cands if c <= anchor))
    return _day(min(cands, key=lambda c: abs((c - anchor).days)))


def _day_year(mo: int, day: int, anchor: date, tense: str | None) -> date:
    """A month and day without a year: the occurrence the tense points to, else the nearest.

    Either tense allows a day up to ``GRACE_DAYS`` the other way: a past tense reports
    schedules ("the offer was extended to Nov. 9"), a future one names recent events ("will be
    tried for the Aug. 7 bombings").
    """
    cands = [date(anchor.year + k, mo, day) for k in (-1, 0, 1)]
    if tense == "future":
        return min(c for c in cands if (anchor - c).days <= GRACE_DAYS)
    if tense == "past":
        return max(c for c in cands if (c - anchor).days <= GRACE_DAYS)
    return min(cands, key=lambda c: abs((c - anchor).days))


def _duration(n: int | None, unit: str) -> str:
    code, _ = UNITS[unit]
    amount = "X" if n is None else str(n)
    if unit in ("hour", "minute", "second"):
        return f"PT{amount}{code}"
    if code == "DE":
        return f"P{'X' if n is None else n * 10}Y"
    if code == "CE":
        return f"P{'X' if n is None else n * 100}Y"
    if code == "WE":
        return f"P{'X' if n is None else n * 2}D"
    return f"P{amount}{code}"


def _dateparser_day(text: str, anchor: date | None, tense: str | None) -> date | None:
    """An explicit day ("Oct. 5, 1998", "March 22") parsed by dateparser against the anchor."""
    import dateparser  # imported lazily: loading its language data is slow

    settings: dict[str, Any] = {"PREFER_DATES_FROM": "future" if tense == "future" else "past",
                                "RETURN_AS_TIMEZONE_AWARE": False, "STRICT_PARSING": False}
    if anchor:
        settings["RELATIVE_BASE"] = datetime(anchor.year, anchor.month, anchor.day)
    got = dateparser.parse(text, languages=["en"], settings=settings)
    return got.date() if got else None


# The readings of _calendar, built once from the lexicon (most in the order it tries them).
_CALENDAR_DETERMINER_RE = re.compile(rf"^(?:{_QUALIFIER['calendar_determiners']})\s+"
                                     rf"(?=(?:\d|{_QUALIFIER['part_starts']}))")
# "May 5 and 6", "Oct. 5-7": days dateparser would read as one.
DAY_LIST_RE = re.compile(rf"\s(?:{literal(timex_words().day_lists)})\s|[a-z.]\s+\d{{1,2}}\s*[-–]\s*\d")
DECADE_RE = re.compile(r"(?:the\s+)?(?:(\d{2})(\d)0|['’]?(\d)0)'?s")
# "the nineties": the stems of the tens ("ninet") and "ies".
DECADE_WORDS_RE = re.compile(rf"(?:the\s+)?()()({literal(w[:-1] for w in timex_words().spoken_years['tens'])})ies")
CENTURY_RE = re.compile(r"(?:the\s+)?([1-9]\d?)(?:st|nd|rd|th)[- ]century")
FISCAL_YEAR_RE = re.compile(rf"(?:the\s+)?(?:{_FISCAL['names']})\s*'?(\d{{4}}|\d{{2}})(?:[-/](\d{{2,4}}))?(?:'s)?")
THE_FISCAL_YEAR_RE = re.compile(rf"(?:the\s+)?({_DEICTIC['fiscal_year']})?\s*"
                                rf"(?:(?:{_DEICTIC['fiscal_year_again']})\s+)?(?:{_FISCAL['the_year']})")
QUARTER_RE = re.compile(
    rf"(?:(?:{_QUARTERS['determiners']})\s+)?(?:({_DEICTIC['year_of_quarter']})\s+year'?s\s+)?"
    rf"(?:(\d{{4}})\s+|({_YEAR_BACK})\s+)?(?:(?:{_FISCAL['adjectives']})[\s-])?"
    rf"({literal(timex_words().ordinals)})(?:[- ](?:(?:{_FISCAL['adjectives']})\s+)?quarter)?"
    rf"(?:\s+(?:of\s+)?(?:(?:{_FISCAL['year_kinds']})\s+)?(?:(\d{{4}})|({_DEICTIC['of_year']})\s+year))?"
    rf"(\s+a\s+year\s+(?:{_RELATION['back']}))?")
SEASON_DATE_RE = re.compile(rf"(?:the\s+)?(?:({_DEICTIC['season']})\s+)?{SEASON_RE}(?:'s)?(?:\s+(?:of\s+)?(\d{{4}}))?")
YEAR_DATE_RE = re.compile(rf"(?:(?:the\s+)?(?:calendar\s+)?year\s+)?{YEAR_RE}(?:'s)?")
MONTH_DATE_RE = re.compile(rf"(?:({_DEICTIC['month_name']})\s+)?{MONTH_RE}"
                           rf"(?:,?\s+(?:of\s+)?(?:{YEAR_RE}|({_DEICTIC['of_year']})\s+year))?")
HOLIDAY_DATE_RE = re.compile(rf"(?:({_DEICTIC['holiday']})\s+)?(.+?)"
                             rf"(?:,?\s+(?:of\s+)?(?:{YEAR_RE}|({_DEICTIC['of_year']})\s+year))?")
# Each part of the day as a word of an expression ("yesterday morning").
_PART_OF_DAY_RES = tuple((re.compile(rf"\b{re.escape(word)}\b"), code)
                         for word, code in timex_words().parts_of_day.items())
UNIT_DATE_RE = re.compile(rf"({_DEICTIC['unit']})\s+{UNIT_RE}")
THE_UNIT_RE = re.compile(rf"the\s+(?:(?:{_DURATIONS['wholes']})\s+)?({_UNITS_OF['the_current']})")
# "last year's": a quarter of a year back.
_LAST_YEARS = rf"(?:{_QUARTERS['year_back']})\s+year'?s"
LAST_YEARS_RE = re.compile(_LAST_YEARS)
LATEST_QUARTER_RE = re.compile(
    rf"(?:(?:{_QUARTERS['latest_determiners']})\s+)?(?:({_QUARTERS['last_reported']}|{_QUARTERS['current_one']}|"
    rf"{_QUARTERS['before_last']}|{_QUARTERS['plain']}|{_YEAR_BACK}|{_LAST_YEARS})\s+)?({_QUARTERS['latest_names']})"
    rf"(\s+a\s+year\s+(?:{_RELATION['back']}))?")
UNITS_AWAY_RE = re.compile(rf"(?:({NUM_RE})\s+)?{UNIT_RE}\s+({_RELATION['back']}|{_RELATION['forward']})")
UNIT_BACK_RE = re.compile(rf"(?:the\s+)?({_UNITS_OF['year_ago']})[- ]({_RELATION['compound_back']})(?:\s+\w+)?")
WEEKDAY_DATE_RE = re.compile(rf"(?:({_DEICTIC['weekday']})\s+)?{WEEKDAY_RE}(?:'s)?(?:\s+({_AFTER_A_DAY}))?")
MONTH_SEARCH = re.compile(MONTH_RE)
YEAR_SEARCH = re.compile(YEAR_RE)
MONTH_DAY_RE = re.compile(rf"(?:{WEEKDAY_RE},?\s+)?{MONTH_RE}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+{YEAR_RE})?")


def _calendar(s: str, anchor: date | None, tense: str | None, fiscal: str) -> dict[str, Any] | None:
    """Calendar (date/time) readings of a lowercased, trimmed expression."""
    s = _CALENDAR_DETERMINER_RE.sub("", s)
    s = _PARTS_RE.sub("", s).strip()
    s = _PERIOD_RE.sub("", s)

    # Decades: "the 1990s", "the '90s", "the nineties"
    m = DECADE_RE.fullmatch(s) or DECADE_WORDS_RE.fullmatch(s)
    if m:
        century = m.group(1) or (None if anchor is None else str(anchor.year)[:2])
        digit = m.group(2) or m.group(3)
        if not digit.isdigit():
            digit = str(timex_words().numbers[digit + "y"] // 10)
        if century is None:
            return _rec("date", None, None, None, "decade")
        y = int(century + digit + "0")
        if not m.group(1) and y > anchor.year:  # "the '90s" said in 2026: the 1990s
            y -= 100
        return _rec("date", f"{y // 10:03d}", date(y, 1, 1), date(y + 9, 12, 31), "decade")

    # Centuries: "the 20th century", "the eleventh century"
    m = CENTURY_RE.fullmatch(s)
    if m:
        y = (int(m.group(1)) - 1) * 100
        return _rec("date", f"{y // 100:02d}", date(max(y, 1), 1, 1), date(y + 99, 12, 31), "century")

    # Fiscal years: "fiscal 2022", "fiscal year 2022", "FY2022", "fiscal 2022-23", "fiscal 1989's"
    m = FISCAL_YEAR_RE.fullmatch(s)
    if m:
        y = int(m.group(1))
        if y < 100:
            y += 2000 if y < 50 else 1900
        if m.group(2):  # "2022-23" names the year it starts in (Canada) / ends in (US)
            end = int(m.group(2)[-2:]) + (y // 100) * 100
            return _fiscal(end if fiscal == "US" else y, fiscal)
        return _fiscal(y, fiscal)
    m = THE_FISCAL_YEAR_RE.fullmatch(s)
    if m and anchor:
        shift = SHIFTS.get(m.group(1) or "", 0)
        y = anchor.year + (1 if fiscal == "US" and anchor.month >= 10 else 0)
        if fiscal == "CA" and anchor.month < 4:
            y -= 1
        return _fiscal(y + shift, fiscal)

    # Quarters: "the third quarter", "third-quarter", "Q3 2022", "the fourth quarter of 1997"
    # "its fourth quarter", "the 1988 second quarter", "the year-ago third quarter", "the fiscal-first quarter"
    m = QUARTER_RE.fullmatch(s)
    if m and ("quarter" in s or re.match(r"(?:the\s+)?q", s)):
        q = timex_words().ordinals[m.group(4)]
        if m.group(2) or m.group(5):
            return _quarter(int(m.group(2) or m.group(5)), q)
        if anchor is None:
            return _rec("date", None, None, None, "quarter")
        rel = m.group(1) or m.group(6)
        y = anchor.year + _YEAR_SHIFT.get(rel or "", 0)
        if rel is None and tense != "future" and date(y, 3 * (q - 1) + 1, 1) > anchor:
            y -= 1
        if m.group(3) or m.group(7):  # "the year-ago third quarter": that quarter a year before
            y -= 1
        return _quarter(y, q)

    # Seasons: "last summer", "this winter", "summer 2022", "the summer of 1997"
    m = SEASON_DATE_RE.fullmatch(s)
    if m:
        name = m.group(2)
        if m.group(3):
            return _season(int(m.group(3)), name)
        if anchor is None:
            return _rec("date", None, None, None, "season")
        shift = SHIFTS.get(m.group(1) or "")
        this = _season(anchor.year, name)
        if name == "winter" and anchor.month <= 2:
            this = _season(anchor.year - 1, name)
        if (shift or 0) < 0 or (shift is None and tense == "past"):
            y = int(this["value"][:4])
            while date.fromisoformat(_season(y, name)["date_end"]) >= anchor:
                y -= 1
            return _season(y, name)
        if (shift or 0) > 0 or (shift is None and tense == "future"):
            y = int(this["value"][:4])
            while date.fromisoformat(_season(y, name)["date_start"]) <= anchor:
                y += 1
            return _season(y, name)
        return this

    # Years: "2022", "in 2022", "the year 2004", "1997's"
    m = YEAR_DATE_RE.fullmatch(s)
    if m:
        return _year(int(m.group(1)))

    # Month (+ year): "October", "October 2022", "February of this year", "last April"
    m = MONTH_DATE_RE.fullmatch(s)
    if m:
        mo = _calendar_number(MONTHS, m.group(2).rstrip("."))
        if m.group(3):
            return _month(int(m.group(3)), mo)
        if anchor is None:
            return _rec("date", None, None, None, "month")
        if m.group(4):
            return _month(anchor.year + _YEAR_SHIFT.get(m.group(1) or m.group(4), 0), mo)
        shift = SHIFTS.get(m.group(1) or "")
        if (shift or 0) < 0:
            y = anchor.year if mo < anchor.month else anchor.year - 1
        elif (shift or 0) > 0:
            y = anchor.year if mo > anchor.month else anchor.year + 1
        elif shift == 0:
            y = anchor.year
        else:
            y = _month_year(mo, anchor, tense)
        return _month(y, mo)

    # Holidays: "Thanksgiving Day", "last Christmas", "Christmas Eve 1998"
    m = HOLIDAY_DATE_RE.fullmatch(s)
    if m and m.group(2) in HOLIDAYS:
        year = int(m.group(3)) if m.group(3) else None
        if m.group(4) and anchor is not None:
            year = anchor.year + _YEAR_SHIFT.get(m.group(4), 0)
        return _holiday(m.group(2), year, m.group(1), anchor, tense)

    # Named relative days
    if s in RELATIVE_DAYS:
        if anchor is None:
            return _rec("time" if any(p in s for p in timex_words().parts_of_day) else "date", None, None, None,
                        "day")
        d = anchor + timedelta(days=RELATIVE_DAYS[s])
        part = next((code for word, code in _PART_OF_DAY_RES if word.search(s)), None)
        if part:
            return _rec("time", f"{d.isoformat()}T{part}", d, d, "part_of_day")
        return _day(d)

    # "this week", "last month", "next year", "the past year", "earlier this month", "this past weekend"
    m = UNIT_DATE_RE.fullmatch(s)
    if m:
        if anchor is None:
            return _rec("date", None, None, None, UNITS[m.group(2)][1])
        rel = re.sub(r"^the\s+", "", m.group(1))
        shift = SHIFTS.get(rel, 0)
        if m.group(2) == "weekend" and shift == 0:
            shift = -1 if tense == "past" else 0
        return _shift_unit(anchor, m.group(2), shift)
    # "the year", "the week", "the weekend", "the month": the current one (the weekend by tense)
    m = THE_UNIT_RE.fullmatch(s)
    if m and anchor is not None:
        if m.group(1) == "weekend":
            return _shift_unit(anchor, "weekend", -1 if tense == "past" and anchor.weekday() < 5 else 0)
        return _shift_unit(anchor, m.group(1), 0)

    if s in timex_words().year_end and anchor is not None:
        y = anchor.year - 1 if tense == "past" and anchor.month < 12 else anchor.year
        return _day(date(y, 12, 31))
    # "the latest quarter", "last year's quarter", "the quarter a year ago"
    m = LATEST_QUARTER_RE.fullmatch(s)
    if m and anchor is not None:
        q = (anchor.month - 1) // 3 + 1
        y = anchor.year
        quarters = timex_words().quarters
        if (tense == "past" and m.group(1) not in quarters["current_one"]) or m.group(1) in quarters["last_reported"]:
            y, q = (y, q - 1) if q > 1 else (y - 1, 4)
        if m.group(1) in quarters["before_last"]:
            y, q = (y, q - 1) if q > 1 else (y - 1, 4)
        if m.group(1) in _YEAR_BACK_WORDS or m.group(3) or LAST_YEARS_RE.fullmatch(m.group(1) or ""):
            y -= 1
        return _quarter(y, q)

    # "a year ago", "two weeks earlier", "five years from now", "year-earlier", "a year earlier"
    m = UNITS_AWAY_RE.fullmatch(s)
    if m and m.group(1) and _num(m.group(1)) is None and re.search(r"\ban?$", m.group(1)):
        return None  # "seven a year ago": not a count of years
    if not m:
        m2 = UNIT_BACK_RE.fullmatch(s)
        if m2:
            if anchor is None:
                return _rec("date", None, None, None, UNITS[m2.group(1)][1])
            return _shift_unit(anchor, m2.group(1), -1)
    if m:
        n = _num(m.group(1)) if m.group(1) else 1
        if n is None or anchor is None:
            return _rec("date", None, None, None, UNITS[m.group(2)][1])
        sign = -1 if m.group(3) in timex_words().relations["back"] else 1
        unit = m.group(2)
        if unit in ("day", "night", "week") and n < 1000:
            if unit == "week":
                return _day(anchor + timedelta(days=7 * sign * n))
            found = _dateparser_day(f"{n} days {'ago' if sign < 0 else 'later'}", anchor, tense)
            return _day(found or anchor + timedelta(days=sign * n))
        return _shift_unit(anchor, unit, sign * n)

    # Weekdays: "Thursday", "last Friday", "next Tuesday", "Friday night", "Monday's"
    m = WEEKDAY_DATE_RE.fullmatch(s)
    if m:
        part = timex_words().parts_of_day.get(m.group(3) or "")
        if anchor is None:
            return _rec("time" if part else "date", None, None, None, "day")
        wd = _calendar_number(WEEKDAYS, m.group(2).rstrip("."))
        shift = SHIFTS.get(re.sub(r"^the\s+", "", m.group(1) or ""), 0)
        if shift < 0:
            d = _weekday(anchor - timedelta(days=1), wd, "past")
        elif shift > 0:
            d = _weekday(anchor + timedelta(days=1), wd, "future")
        else:
            d = _weekday(anchor, wd, _direction(tense))
        if part:
            return _rec("time", f"{d.isoformat()}T{part}", d, d, "part_of_day")
        return _day(d)

    # Explicit days: "Oct. 5", "March 22, 2023", "5 October 1998", "1998-03-22", "10/5/98"
    if re.search(r"\d", s) and (MONTH_SEARCH.search(s) or re.fullmatch(r"[\d/.-]+", s)):
        m = MONTH_DAY_RE.fullmatch(s)
        if m and anchor is None and not m.group(4):
            return _rec("date", None, None, None, "day")
        if m and not m.group(4):
            # A day without a year: this year's, or the year the tense points to.
            mo = _calendar_number(MONTHS, m.group(2).rstrip("."))
            day = int(m.group(3))
            if day > calendar.monthrange(anchor.year, mo)[1]:
                return None
            if mo == 2 and day == 29:
                return _day(date(anchor.year, 2, 28) if not calendar.isleap(anchor.year) else date(anchor.year, 2, 29))
            return _day(_day_year(mo, day, anchor, tense))
        if re.fullmatch(r"\d{1,3}", s) or DAY_LIST_RE.search(s):
            return None
        found = _dateparser_day(s, anchor, tense)
        if found and (anchor is not None or YEAR_SEARCH.search(s)):
            return _day(found)
    return None


NUMERIC_DATE = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})")


def numeric_date(s: str, anchor: date | None, order: str = "US") -> dict[str, Any] | None:
    """"7/8/07", "08.07.2007": month first in U.S. usage (``order`` "US"), day first elsewhere, and
    whichever order the numbers allow; a two-digit year is the one within a century of the anchor
    that is not more than ten years after it."""
    m = NUMERIC_DATE.fullmatch(s)
    if not m:
        return None
    a, b, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
    month, day = (a, b) if order == "US" else (b, a)
    if month > 12 and day <= 12:
        month, day = day, month
    if len(m.group(4)) == 2:
        ref = anchor.year if anchor is not None else 2000
        y += 100 * ((ref - y) // 100)
        if y > ref + 10:
            y -= 100
        elif y + 100 <= ref + 10:
            y += 100
    try:
        return _day(date(y, month, day))
    except ValueError:
        return None


MONTH_BEFORE_DAY_RE = re.compile(MONTH_RE + r"\s+\d")
BARE_DAY_RE = re.compile(rf"\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+{YEAR_RE})?")


def _range(s: str, anchor: date | None, tense: str | None, fiscal: str) -> dict[str, Any] | None:
    """Ranges: "from October 2022 through February of this year", "1995-97", "between May and July"."""
    m = RANGE_SPLIT.fullmatch(s)
    if not m:
        return None
    left, right = m.group(1).strip(), m.group(2).strip()
    month = MONTH_BEFORE_DAY_RE.match(left)
    if month and BARE_DAY_RE.fullmatch(right):
        right = f"{month.group(1)} {right}"
    if re.fullmatch(r"\d{4}", left) and re.fullmatch(r"\d{2}", right):  # "1995-97"
        right = left[:2] + right
    b = _calendar(right, anchor, tense, fiscal)
    if b is None or b["date_start"] is None:
        return None
    a = _calendar(left, anchor, tense, fiscal)
    if a is None:  # "October 5-7", "1995-97": the left side borrows from the right
        mm = re.fullmatch(r"\d{2}", right)
        if mm and re.fullmatch(r"\d{4}", left):
            b = _year(int(left[:2] + right))
            a = _year(int(left))
        else:
            return None
    if a["date_start"] is None:
        return None
    # "October 2022 through February" where February alone would land before October
    if a["date_start"] > b["date_start"] and b["granularity"] in ("month", "day") and \
            not YEAR_SEARCH.search(right) and "year" not in right:
        b = _calendar(f"{right} {int(b['date_start'][:4]) + 1}", anchor, tense, fiscal) or b
    if a["date_start"] > b["date_end"]:
        return None
    return _rec("date", f"{a['value']}/{b['value']}", date.fromisoformat(a["date_start"]),
                date.fromisoformat(b["date_end"]), "range")


# The readings of normalize_timex before the calendar ones, built once from the lexicon.
RUN_RE = re.compile(rf"(?<=\S)\s+(?:{_QUALIFIER['run_words']})\s+(?={UNIT_RE}$)")
VAGUE_PLURAL_RE = re.compile(rf"(?:the\s+)?({_UNITS_OF['vague_plurals']})s|centuries")
NEVER_ALONE_RE = re.compile(rf"\d{{1,3}}|(?:{_UNITS_OF['never_alone']})s?")
SAME_A_YEAR_BACK_RE = re.compile(rf"(?:the\s+)?(?:same\s+.+\s+(?:the\s+)?(?:{_RELATION['previous']})\s+year|"
                                 rf"same\s+.+\s+a\s+year\s+(?:{_RELATION['reference_back']}))")
_EVERY = _SETS["words"]
SET_RE = re.compile(rf"(?:{_EVERY}|{_SETS['rates']})\s+(?:({NUM_RE})\s+)?(?:(?:{_SETS['alternate']})\s+)?{UNIT_RE}")
SET_STRETCH_RE = re.compile(rf"(?:{_EVERY})\s+({_SETS['stretches']})")
SET_SEASON_RE = re.compile(rf"(?:{_EVERY})\s+{SEASON_RE}")
SET_WEEKDAY_RE = re.compile(rf"(?:{_EVERY})\s+{WEEKDAY_RE}")
SET_PART_OF_DAY_RE = re.compile(rf"(?:{_EVERY})\s+({_SETS['day_parts']})")
_HALVES = {k: spaced(words) for k, words in timex_words().halves.items()}
HALF_RE = re.compile(rf"(?:the\s+)?({_HALVES['first_half']}|{_HALVES['second_half']})\s+half\s+of\s+(.+)")
_ENDS = {k: spaced(words) for k, words in timex_words().stretch_ends.items()}
UNITS_OF_RE = re.compile(rf"(?:the\s+)?({_ENDS['first_units']}|{_ENDS['last_units']})\s+({NUM_RE})\s+"
                         r"(month|week|day|year|quarter)s?\s+of\s+(.+)")
AHEAD_RE = re.compile(rf"(?:the\s+)?(?:(?:{_DURATIONS['before_ahead']})\s+)?({_UNITS_OF['ahead']})s\s+"
                      rf"(?:{_DURATIONS['ahead_words']})")
AND_A_HALF_RE = re.compile(r"(\d+)\s+(?:1/2|½)\s+(year|month)s?")
DURATION_RE = re.compile(rf"(?:the\s+|a\s+|an\s+)?(?:(?:{_DURATIONS['modifiers']}|{_YEAR_BACK})\s+)*"
                         rf"(?:({NUM_RE})[\s-]+)?(?:(?:{_DURATIONS['run_modifiers']})[\s-]+)?{UNIT_RE}"
                         rf"(?:[\s-]+(?:{_DURATIONS['length_words']}))?")
# Without a count, the unit of these is a date ("last week", "the full year").
DATED_UNIT_RE = re.compile(rf"(?:the\s+)?(?:{_DURATIONS['date_modifiers']})\s+{UNIT_RE}")
THE_WHOLE_RE = re.compile(rf"the\s+(?:{_DURATIONS['wholes']})\s+(?:{_UNITS_OF['the_whole']})")
VAGUE_MODIFIED_RE = re.compile(rf"(?:the\s+)?(?:{_DURATIONS['vague_modifiers']})\s+.*")


@lru_cache(maxsize=20000)
def normalize_timex(surface: str, anchor: str | None, tense: str | None = None,
                    country: str | None = None, sentence: str = "",
                    label: str = "DATE") -> dict[str, Any] | None:
    """Normalize the time expression ``surface`` against the publication date ``anchor``.

    ``tense`` is "past", "present", "future" or None (the governing verb's tense); ``country``
    and ``sentence`` choose the fiscal-year system; ``label`` is the spaCy entity label. Returns
    a record (see the module docstring) or None when ``surface`` is not a time expression.
    """
    anchor_d = date.fromisoformat(anchor[:10]) if anchor else None
    s = re.sub(r"\s+", " ", surface.strip().lower().replace("’", "'")).strip(" ,.;:")
    s = _LEADING_RE.sub("", s)
    s = _HEDGE_RE.sub("", s)  # "the next year or so", "a week or so ago"
    # "six straight days", "two consecutive quarters": the count of units is the duration
    s = RUN_RE.sub(" ", s)
    if not s or not re.search(r"[a-z0-9]", s):
        return None
    if _NOT_TIMEX_RE.search(s):
        return None
    plural = VAGUE_PLURAL_RE.fullmatch(s)
    if plural:  # "within weeks", "for centuries": a duration of unknown length
        unit = plural.group(1) or "century"
        return _rec("duration", _duration(None, unit), None, None, UNITS[unit][1], _duration(None, unit))
    if NEVER_ALONE_RE.fullmatch(s):
        return None
    if SAME_A_YEAR_BACK_RE.fullmatch(s):
        return _rec("date", None, None, None, "range")
    s = _spoken_years(s)
    words = timex_words()
    if s in words.references:
        value = words.references[s]
        start = anchor if (value == "PRESENT_REF" and anchor) else None
        return {"timex_type": "date", "value": value, "date_start": start, "date_end": start,
                "granularity": None, "duration": None}
    fiscal = fiscal_system(country, sentence)

    # Sets: "every week", "each year", "per year", "weekly", "annually"
    m = SET_RE.fullmatch(s)
    if m or s in words.frequencies:
        unit, n = (m.group(2), _num(m.group(1)) if m.group(1) else 1) if m else words.frequencies[s]
        if m and any(f" {w} " in f" {s} " for w in words.sets["alternate"]):
            n = (n or 1) * 2  # "every other week"
        return _rec("set", _duration(n, unit), None, None, UNITS[unit][1], _duration(n, unit))
    m = SET_STRETCH_RE.fullmatch(s)
    if m:  # "each season": a recurring stretch of no fixed length
        return _rec("set", "PX", None, None, None, None)
    m = SET_SEASON_RE.fullmatch(s)
    if m:  # "every summer": that season of each year (TIMEX3 XXXX-SU)
        return _rec("set", f"XXXX-{SEASONS[m.group(1)][0]}", None, None, "season", "P1Y")
    m = SET_WEEKDAY_RE.fullmatch(s)
    if m:  # "every Monday": that day of each week (TIMEX3 XXXX-WXX-1)
        return _rec("set", f"XXXX-WXX-{_calendar_number(WEEKDAYS, m.group(1)) + 1}", None, None, "day", "P1W")
    m = SET_PART_OF_DAY_RE.fullmatch(s)
    if m:  # "every morning": that part of each day (TIMEX3 TMO)
        return _rec("set", f"T{words.parts_of_day[m.group(1)]}", None, None, "time", "P1D")

    # "the last half of 1989": the first or last six months of a year
    m = HALF_RE.fullmatch(s)
    if m:
        whole = normalize_timex(m.group(2), anchor, tense, country, sentence, label)
        if whole and whole["granularity"] == "year" and whole["date_start"]:
            y = int(whole["date_start"][:4])
            if m.group(1) in words.halves["first_half"]:
                return _rec("date", f"{y:04d}-H1", date(y, 1, 1), date(y, 6, 30), "half")
            return _rec("date", f"{y:04d}-H2", date(y, 7, 1), date(y, 12, 31), "half")

    # "the first five months of fiscal 2023", "the first two quarters of 1990": the leading part
    m = UNITS_OF_RE.fullmatch(s)
    if m:
        whole = normalize_timex(m.group(4), anchor, tense, country, sentence, label)
        n = _num(m.group(2))
        if whole and whole["date_start"] and n:
            ws, we = date.fromisoformat(whole["date_start"]), date.fromisoformat(whole["date_end"])
            unit = m.group(3)
            if unit == "quarter":
                unit, n = "month", 3 * n
            if unit == "month":
                if m.group(1) in words.stretch_ends["first_units"]:
                    y, mo = _add_months(ws.year, ws.month, n - 1)
                    return _rec("date", f"{whole['value']}/P{n}M", ws, _month_end(y, mo), "range")
                y, mo = _add_months(we.year, we.month, -(n - 1))
                return _rec("date", f"{whole['value']}/P{n}M", date(y, mo, 1), we, "range")
            span = {"day": 1, "week": 7, "year": 365}[unit] * n
            if m.group(1) in words.stretch_ends["first_units"]:
                return _rec("date", None, ws, ws + timedelta(days=span - 1), "range")
            return _rec("date", None, we - timedelta(days=span - 1), we, "range")

    # "the weeks ahead", "the coming months ahead": a vague stretch to come
    m = AHEAD_RE.fullmatch(s)
    if m:
        dur = _duration(None, m.group(1))
        return _rec("duration", dur, None, None, m.group(1), dur)
    # "2 1/2 years": a whole number and a half
    m = AND_A_HALF_RE.fullmatch(s)
    if m:
        dur = f"P{m.group(1)}Y6M" if m.group(2) == "year" else f"P{m.group(1)}M15D"
        return _rec("duration", dur, None, None, m.group(2), dur)

    # Durations: "five months", "the past three months", "a two-year", "the last twenty four hours",
    # "20 more years", "the year-earlier nine months"
    m = DURATION_RE.fullmatch(s)
    # "the full year" is the year in question (a date), like "the year"
    if m and not DATED_UNIT_RE.fullmatch(s) and not THE_WHOLE_RE.fullmatch(s):
        num_text = m.group(1)
        n = _num(num_text) if num_text else None
        vague = num_text is None or any(num_text == v or num_text.endswith(v) for v in words.vague_numbers) \
            or n is None
        if num_text is None and VAGUE_MODIFIED_RE.fullmatch(s) is None:
            vague = False
            n = 1
        if num_text is None or n is not None or num_text.split()[0] in words.vague_first_words:
            unit = m.group(2)
            dur = _duration(None if vague and n is None else n, unit)
            return _rec("duration", dur, None, None, UNITS[unit][1], dur)

    order = "US" if (country or "US").upper() in words.month_first_countries else "DMY"
    cal = clock_time(s, anchor_d, tense) or numeric_date(s, anchor_d, order) or \
        _calendar(s, anchor_d, tense, fiscal)
    if cal is None:
        cal = _range(s, anchor_d, tense, fiscal)
    if cal is None and label == "TIME":
        return _rec("time", None, None, None, "time")
    if cal is not None and label == "TIME" and cal["timex_type"] == "date" and cal["granularity"] == "day":
        cal = {**cal, "timex_type": "time"}
    return cal


# Clock times: "14:48", "3 p.m.", "3:30pm", "noon", "midnight", with an optional zone and day
# ("3 p.m. Tuesday", "Tuesday at noon", "14:48 UTC", "10 a.m. local time").
_DAY_WORD = r"(" + WEEKDAY_WORDS + "|" + literal(timex_words().clock_days) + r")\.?"
CLOCK_RE = re.compile(
    r"(?:" + _DAY_WORD + r",?\s+(?:at\s+)?)?"
    r"(?:(" + literal(timex_words().clock_hours) + r")|(\d{1,2})(?::(\d{2}))?(?::\d{2})?\s*(a\.?\s?m\.?|p\.?\s?m\.?)?"
    r"|(\d{1,2}):(\d{2})(?::\d{2})?)"
    r"(?:\s+(o['\u2019]clock))?"
    r"(?:\s+(?:in\s+the\s+|at\s+)?(" + _AFTER_A_DAY + "))?"
    r"(?:\s*\(?(" + literal(timex_words().zones) + r")\)?)?"
    r"(?:,?\s+(?:on\s+)?" + _DAY_WORD + r")?")


def clock_time(s: str, anchor: date | None, tense: str | None) -> dict[str, Any] | None:
    """A clock time ("3 p.m. Tuesday", "14:48 UTC", "at noon") on its day: the day named with
    it, else the anchor's; value ``YYYY-MM-DDTHH:MM`` (TIMEX3), interval that day."""
    m = CLOCK_RE.fullmatch(s)
    if not m:
        return None
    word, hour, minute, meridiem, hour24, minute24 = m.group(2), m.group(3), m.group(4), m.group(5), \
        m.group(6), m.group(7)
    oclock, part = m.group(8), m.group(9)
    day_word = m.group(1) or m.group(11)
    if word:
        h, mi = timex_words().clock_hours[word], 0
    elif hour24 is not None:
        h, mi = int(hour24), int(minute24)
    else:
        if meridiem is None and minute is None and oclock is None and part is None:
            return None  # a bare number is no time
        h, mi = int(hour), int(minute or 0)
        if meridiem is not None:
            if not 1 <= h <= 12:
                return None
            h = h % 12 + (12 if meridiem.startswith("p") else 0)
        elif 1 <= h < 12 and (part in timex_words().after_noon
                              or (day_word or "").rstrip(".") in timex_words().after_noon):
            h += 12  # "8 o'clock tonight", "7 in the evening"
    if h > 23 or mi > 59:
        return None
    if anchor is None:
        return _rec("time", None, None, None, "time")
    d = anchor
    if day_word:
        day_word = day_word.rstrip(".")
        if day_word in RELATIVE_DAYS:
            d = anchor + timedelta(days=RELATIVE_DAYS[day_word])
        else:
            d = _weekday(anchor, _calendar_number(WEEKDAYS, day_word), _direction(tense))
    return _rec("time", f"{d.isoformat()}T{h:02d}:{mi:02d}", d, d, "time")


def shift_years(record: dict[str, Any], years: int) -> dict[str, Any] | None:
    """The same interval ``years`` years away ("the same five months the previous year")."""
    if not record or not record.get("date_start"):
        return None

    def move(iso: str) -> date:
        d = date.fromisoformat(iso)
        last = calendar.monthrange(d.year + years, d.month)[1]
        return date(d.year + years, d.month, min(d.day, last) if d.day < 28 else
                    (last if d.day == calendar.monthrange(d.year, d.month)[1] else min(d.day, last)))

    return _rec("date", None, move(record["date_start"]), move(record["date_end"]),
                record.get("granularity"))
