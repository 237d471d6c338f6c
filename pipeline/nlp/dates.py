"""spaCy component ``claims_dates``: every time expression of an article as the interval it means.

Candidates are spaCy's DATE and TIME entities plus a few patterns spaCy misses ("now",
"currently", "recently", weekdays, "third-quarter", "two-year"). Each candidate is normalized by
``pipeline.normalize.dates.normalize_timex`` against ``doc._.published`` with the tense of the
verb that governs it and the article's country; the records go to ``doc._.dates``.
"""
from __future__ import annotations

import bisect
import calendar
import itertools
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Mapping

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from pipeline.nlp.caseless import caseless, lowercased
from pipeline.nlp.docview import doc_ents, doc_text
from pipeline.nlp.extensions import register_extensions
from pipeline.normalize.dates import MONTH_RE, normalize_timex, shift_years, timex_words
from pipeline.normalize.wordlists import literal, longest_first
from pipeline.resources import model_file, read_data_file

LEXICON_FILE = model_file("lexicon", "dates.toml")


@dataclass(frozen=True)
class TenseWords:
    """The words of ``models/lexicon/dates.toml``: those of tense and deadlines, the words of the
    candidates the component looks for itself (``[candidates]``; lists in the file's order) and
    those of expressions read against the last date named (name, one of ``REFERENCE_WORDS`` ->
    words)."""

    future: frozenset[str]
    weak_future: frozenset[str]
    intention_verbs: frozenset[str]
    reporting_verbs: frozenset[str]
    future_auxiliaries: frozenset[str]
    conditional_auxiliaries: frozenset[str]
    perfect_auxiliaries: frozenset[str]
    past_auxiliaries: frozenset[str]
    progressive_auxiliaries: frozenset[str]
    past_perfect_auxiliaries: frozenset[str]
    deadline: frozenset[str]
    open_deadline: frozenset[str]
    phrases: tuple[str, ...]
    the_past_before: tuple[str, ...]
    soon_not_before: tuple[str, ...]
    the_week_before: tuple[str, ...]
    vague_counts: tuple[str, ...]
    vague_units: tuple[str, ...]
    vague_after: tuple[str, ...]
    relative_words: tuple[str, ...]
    relative_units: tuple[str, ...]
    quarter_ordinals: tuple[str, ...]
    hyphen_counts: tuple[str, ...]
    hyphen_units: tuple[str, ...]
    run_counts: tuple[str, ...]
    run_words: tuple[str, ...]
    run_units: tuple[str, ...]
    set_words: tuple[str, ...]
    set_units: tuple[str, ...]
    frequencies: tuple[str, ...]
    clock_hours: tuple[str, ...]
    clock_parts: tuple[str, ...]
    clock_days: tuple[str, ...]
    clock_zones: tuple[str, ...]
    holidays: tuple[str, ...]
    ambiguous_months: frozenset[str]
    starts: tuple[str, ...]
    connectors: tuple[str, ...]
    leads: tuple[str, ...]
    piece_leads: tuple[str, ...]
    title_units: tuple[str, ...]
    reference: Mapping[str, tuple[str, ...]]


# The word lists of ``[candidates]`` (see dates.toml), in the order of the fields above.
CANDIDATE_WORDS = ("phrases", "the_past_before", "soon_not_before", "the_week_before", "vague_counts",
                   "vague_units", "vague_after", "relative_words", "relative_units", "quarter_ordinals",
                   "hyphen_counts", "hyphen_units", "run_counts", "run_words", "run_units", "set_words",
                   "set_units", "frequencies", "clock_hours", "clock_parts", "clock_days", "clock_zones",
                   "holidays", "ambiguous_months", "starts", "connectors", "leads", "piece_leads", "title_units")
# The word lists of ``[reference]`` (see dates.toml): expressions read against the last date named.
REFERENCE_WORDS = ("forward", "back", "step_units", "parts", "moves", "units")


@lru_cache(maxsize=1)
def tense_words(path: str = str(LEXICON_FILE)) -> TenseWords:
    """The dates lexicon, read once."""
    def build(data: dict[str, Any]) -> TenseWords:
        tense, deadline, candidates = data["tense"], data["deadline"], data["candidates"]
        return TenseWords(*(frozenset(tense[k]) for k in (
            "future_words", "weak_future_words", "intention_verbs", "reporting_verbs", "future_auxiliaries",
            "conditional_auxiliaries", "perfect_auxiliaries", "past_auxiliaries", "progressive_auxiliaries",
            "past_perfect_auxiliaries")), frozenset(deadline["words"]), frozenset(deadline["open_words"]),
            *(frozenset(candidates[k]) if k == "ambiguous_months" else tuple(candidates[k]) for k in CANDIDATE_WORDS),
            MappingProxyType({k: tuple(data["reference"][k]) for k in REFERENCE_WORDS}))
    return read_data_file(path, "the dates lexicon", build)


_CAND = tense_words()
_TIMEX = timex_words()
_WEEKDAY = literal(_TIMEX.weekdays)
_SEASON = literal(_TIMEX.seasons)
EXTRA_PATTERNS = caseless(
    rf"\b(?:{literal(_CAND.phrases)}|the past(?=\s*[,.;]|\s(?:{literal(_CAND.the_past_before)}|"
    rf"\w+ (?:days|weeks|months|years)))|soon(?!\s+(?:{literal(_CAND.soon_not_before)})\b)|"
    rf"(?:{literal(_CAND.vague_counts)}) (?:{literal(_CAND.vague_units)})(?: (?:{literal(_CAND.vague_after)}))?|"
    rf"(?<=over )the years|the week(?=\s*[,.;]|'s|\s(?:{literal(_CAND.the_week_before)})\b)|"
    rf"(?:{literal(_CAND.relative_words)}) (?:{literal(_CAND.relative_units)}|{_SEASON})|{_WEEKDAY}|"
    rf"(?:{literal(_CAND.quarter_ordinals)})[- ]quarter|"
    rf"(?:{literal(_CAND.hyphen_counts)}|\d+)-(?:{literal(_CAND.hyphen_units)})(?!-old)|"
    rf"(?:{literal(_CAND.run_counts)}|\d+) (?:{literal(_CAND.run_words)}) (?:{literal(_CAND.run_units)})|"
    rf"(?:{literal(_CAND.set_words)}) (?:other )?(?:{literal(_CAND.set_units)}|{_SEASON}|{_WEEKDAY})|"
    r"the (?:(?:19|20)?\d0s|['\u2019]\d0s))\b")
# Frequency words ("annual", "weekly"): taken as sets only with ``attributive_sets`` (TimeML, and
# so TimeBank, leaves "its quarterly dividend" unmarked; other annotations mark it).
FREQUENCY_PATTERN = caseless(rf"\b(?:{literal(_CAND.frequencies)})\b")
# Clock times spaCy leaves untagged or cuts ("14:48 UTC", "3 p.m. Tuesday", "at noon").
CLOCK_PATTERN = caseless(
    rf"(?:\b(?:{_WEEKDAY}),?\s+(?:at\s+)?)?"
    r"(?:\b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]\.?\s?m\b\.?)?|\b\d{1,2}\s?[ap]\.\s?m\.|\b\d{1,2}\s?[ap]m\b|"
    rf"(?<=at )(?:{literal(_CAND.clock_hours)})\b|\b(?:[1-9]|1[0-2])\s+o['\u2019]clock\b)"
    rf"(?:\s+(?:in\s+the\s+)?(?:{literal(_CAND.clock_parts)})\b|\s+(?:{literal(_CAND.clock_days)})\b|\s+at\s+night\b)?"
    rf"(?:\s?\(?(?:{literal(_CAND.clock_zones)})\b\)?)?"
    rf"(?:,?\s+(?:on\s+)?(?:{_WEEKDAY})\b)?")
# Numeric dates ("7/8/07", "12/05/1998"), not fractions or scores.
NUMERIC_DATE_PATTERN = re.compile(r"(?<![\d/.])\d{1,2}([/.-])\d{1,2}\1(?:\d{4}|\d{2})(?![\d/.]\d)")
HOLIDAY_PATTERN = re.compile(rf"\b(?:{longest_first(_CAND.holidays)})\b")  # spaCy often labels these EVENT
_YEAR = r"(?:,\s(?:1[5-9]|20)\d\d\b)?"
MONTH_DAY_PATTERN = re.compile(  # "the Aug. 7 bombings": days spaCy leaves untagged
    r"\b(?:" + literal(a.capitalize() for abbr in _TIMEX.months.values() for a in abbr) + r")\.\s\d{1,2}\b(?![,.]?\d)"
    + _YEAR + r"|\b(?:" + literal(m.capitalize() for m in _TIMEX.months if m not in _CAND.ambiguous_months)
    + r")\s\d{1,2}\b(?![,.]?\d)" + _YEAR)
WEEKDAY_ONLY = re.compile(rf"(?:{_WEEKDAY})", re.IGNORECASE)
SAME_PREVIOUS = re.compile(rf"\bthe same\b.*\b(?:the )?(?:{literal(_TIMEX.relations['previous'])}) year\b|"
                           rf"\bthe same\b.*\ba year (?:{literal(_TIMEX.relations['reference_back'])})\b",
                           re.IGNORECASE)


CHILD_WINDOW = 8


def _close_children(node: Token) -> list[Token]:
    """The children of ``node`` within ``CHILD_WINDOW`` tokens of it: auxiliaries and adverbs sit
    there, and a verb heading a list of thousands of numbers is not walked for each of them."""
    doc = node.doc
    return [t for t in doc[max(0, node.i - CHILD_WINDOW):node.i + CHILD_WINDOW + 1]
            if t.head.i == node.i and t.i != node.i]


def tense_of(span: Span, sent: Span | None = None, sent_root: Token | None = None) -> str | None:
    """"past", "present" or "future" for the verb governing ``span`` (future cues win).

    ``sent`` and ``sent_root`` are the sentence of ``span`` and its root when the caller knows
    them (``span.sent`` and ``Span.root`` walk the sentence, which costs its length every call).
    """
    root = span.root
    path = [root] + list(itertools.islice(root.ancestors, 6))
    verb = next((t for t in path if t.pos_ in ("VERB", "AUX")), None)
    upto = path[:path.index(verb) + 1] if verb is not None else path
    near = {c.lower_ for node in upto for c in _close_children(node)
            if c.dep_ in ("aux", "auxpass", "amod", "advmod", "xcomp", "prt")} | {t.lower_ for t in upto}
    sent = sent if sent is not None else span.sent
    doc = span.doc
    left = [t.lower_ for t in doc[max(sent.start, span.start - 3):span.start]]
    words = tense_words()
    cues = (near | set(left)) & words.future
    if cues and not (verb is not None and verb.tag_ == "VBD" and cues <= words.weak_future):
        return "future"
    if verb is None:
        verb = next((t for t in path if t.dep_ == "ROOT"), None) or sent_root or sent.root
    if verb is None:
        return None
    aux = {c.lower_ for c in _close_children(verb) if c.dep_ in ("aux", "auxpass")}
    if aux & words.future_auxiliaries \
            or (aux & words.conditional_auxiliaries and not aux & words.perfect_auxiliaries) \
            or ("to" in aux and verb.head.lemma_ in words.intention_verbs):
        return "future"
    if verb.tag_ == "VBD" or aux & words.past_auxiliaries:
        return "past"
    if verb.tag_ == "VBN" and not aux:
        return "past"
    if verb.tag_ == "VBP" and not aux and any(c.dep_ == "nsubj" and c.tag_ in ("NN", "NNP")
                                              for c in _close_children(verb)):
        return "past"  # "Weakness hurt the index Friday": a singular subject makes "hurt" a past form
    if verb.tag_ in ("VBZ", "VBP") and verb.lemma_ in words.reporting_verbs:
        return "past"  # news present of reporting ("officials say Tuesday") tells of the past
    if verb.tag_ in ("VBZ", "VBP", "VBG"):
        return "present"
    return None


def _simple_present_head(span: Span) -> bool:
    """True when ``span`` hangs directly (or through a preposition) on a present-tense verb."""
    root = span.root
    if root.dep_ == "poss":
        return False
    head = root.head.head if root.dep_ == "pobj" else root.head
    if head.tag_ == "VBG":  # "they are meeting Thursday": the present progressive of a plan
        progressive = tense_words().progressive_auxiliaries
        return any(c.dep_ == "aux" and c.lower_ in progressive for c in _close_children(head))
    return head.tag_ in ("VBZ", "VBP")


def _deadline(span: Span) -> bool:
    """True after "until", "by", "before"... unless it closes a range ("this year through August")."""
    doc, i = span.doc, span.start
    if i == 0 or doc[i - 1].lower_ not in tense_words().deadline or span.root.dep_ == "poss":
        return False
    return i < 2 or doc[i - 2].ent_type_ not in ("DATE", "TIME")


def _open_until(span: Span) -> bool:
    """True for a state that lasts "until Friday" as told ("closed until Friday", "was shut until
    Monday"): the weekday is the coming one, unless a past perfect ("had been closed until
    Friday") or a past-tense subject clause ties it to an earlier time."""
    doc, i = span.doc, span.start
    words = tense_words()
    if i == 0 or doc[i - 1].lower_ not in words.open_deadline:
        return False
    head = doc[i - 1].head
    return head.pos_ in ("VERB", "ADJ", "AUX") and not any(
        c.lower_ in words.past_perfect_auxiliaries for c in _close_children(head) if c.dep_ in ("aux", "auxpass"))


# A digit, a first word, or the shortest way of writing a month or weekday.
TIMEX_START = re.compile(
    rf"(?:\d|(?:{literal(_CAND.starts)})\b|(?:"
    + literal([*(([*abbr, m])[0] for m, abbr in _TIMEX.months.items()), *(abbr[0] for abbr in _TIMEX.weekdays.values())])
    + "))", re.IGNORECASE)
TITLE_UNIT = re.compile(rf"\b(?:{literal(_CAND.title_units)})\b")
# The words TimeML leaves out before an expression, and before each piece of a range.
LEADS = re.compile(rf"(?:(?:{literal(_CAND.leads)})\s+)+", re.IGNORECASE)
PIECE_LEADS = re.compile(rf"(?:(?:{literal(_CAND.piece_leads)}|the\s+(?=\d))\s+)+", re.IGNORECASE)
_REF = _CAND.reference
_STEP = literal((*_REF["forward"], *_REF["back"]))
RELATIVE_TO_REF = re.compile(rf"(?:the\s+)?({_STEP})\s+({literal(_REF['step_units'])})|"
                             rf"(?:(?:the\s+)?(?:{literal(_REF['parts'])})\s+of\s+|(?:{literal(_REF['moves'])})\s+"
                             rf"(?:in\s+)?)?(that(?:\s+same)?|the\s+same|the(?=\s+day))\s+({literal(_REF['units'])})",
                             re.IGNORECASE)
GRAIN_RANK = {"day": 0, "month": 1, "year": 2}


def _from_reference(ref: dict, surface: str) -> dict | None:
    """"the following year", "later that year" after "May 22, 1995": 1996, 1995."""
    m = RELATIVE_TO_REF.fullmatch(surface)
    day = date.fromisoformat(ref["date_start"])
    if m.group(3):  # "that day", "the same month": the reference itself, at that grain
        grain = m.group(4).lower()
        if GRAIN_RANK[grain] < GRAIN_RANK[ref["granularity"]]:
            return None
        text = {"day": day.isoformat(), "month": f"{calendar.month_name[day.month]} {day.year}",
                "year": str(day.year)}[grain]
        return normalize_timex(text, None)
    step = 1 if m.group(1).lower() in _REF["forward"] else -1
    if m.group(2).lower() == "year":
        return normalize_timex(str(day.year + step), None)
    year, month = divmod(day.year * 12 + day.month - 1 + step, 12)
    return normalize_timex(f"{calendar.month_name[month + 1]} {year}", None)


# Characters of sentence context either side of a time expression handed to the normalizer.
CONTEXT_CHARS = 600
# Candidates longer than this are not normalized (their patterns would cost the square of it).
MAX_TIMEX_CHARS = 200
CONNECTOR = re.compile(rf"\s+(?:{literal(tense_words().connectors)}|-|–)\s+|(?<=\d)[-–](?=\d)", re.IGNORECASE)


class DatesComponent:
    """Writes ``doc._.dates``; ``labels`` are the spaCy entity labels taken as candidates."""

    def __init__(self, nlp: Language, name: str, labels: list[str], extra_patterns: bool,
                 attributive_sets: bool = False) -> None:
        register_extensions()
        self.name = name
        self.labels = frozenset(labels)
        self.extra_patterns = extra_patterns
        self.attributive_sets = attributive_sets

    def _candidates(self, doc: Doc, text: str) -> list[Span]:
        spans = doc_ents(doc, *self.labels)
        if not self.extra_patterns:
            return spans
        # The candidates never overlap one another: kept sorted by start, their ends are sorted
        # too, so the ones a match overlaps are one run found by bisection (linear in the doc).
        starts = [e.start_char for e in spans]
        ends = [e.end_char for e in spans]
        folded = lowercased(text)
        for m in [*CLOCK_PATTERN.finditer(text, folded), *EXTRA_PATTERNS.finditer(text, folded),
                  *HOLIDAY_PATTERN.finditer(text), *MONTH_DAY_PATTERN.finditer(text),
                  *NUMERIC_DATE_PATTERN.finditer(text),
                  *(FREQUENCY_PATTERN.finditer(text, folded) if self.attributive_sets else ())]:
            lo = bisect.bisect_right(ends, m.start())
            hi = bisect.bisect_left(starts, m.end())
            # a pattern that holds a shorter entity replaces it ("this year's" over spaCy's "year")
            if any(starts[i] < m.start() or ends[i] > m.end() or (starts[i], ends[i]) == m.span()
                   for i in range(lo, hi)):
                continue
            span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
            if span is None:
                continue
            lo = min(lo, bisect.bisect_right(ends, span.start_char))
            hi = max(hi, bisect.bisect_left(starts, span.end_char))
            spans[lo:hi] = [span]
            starts[lo:hi] = [span.start_char]
            ends[lo:hi] = [span.end_char]
        return spans

    @staticmethod
    def _parts(full_text: str, start: int, end: int, anchor: str | None, tense: str | None,
               country: str | None, sent: str, label: str) -> list[dict]:
        """The time expressions on either side of a connector ("to", "ended", "through")."""
        text = full_text[start:end]
        cuts = list(CONNECTOR.finditer(text))
        if not cuts:
            return []
        bounds, pos = [], 0
        for m in cuts:
            bounds.append((pos, m.start()))
            pos = m.end()
        bounds.append((pos, len(text)))
        out: list[dict] = []
        month = None
        for a, b in bounds:
            piece = text[a:b]
            lead = PIECE_LEADS.match(piece)
            if lead and lead.end() < len(piece):
                a += lead.end()
            piece = text[a:b].strip()
            if not piece:
                continue
            # "April 24 and 25": a bare day takes the month of the day before it
            borrowed = f"{month.group(0)} {piece}" if month and re.fullmatch(r"\d{1,2}", piece) else piece
            month = re.match(MONTH_RE + r"(?=\s+\d)", piece, re.IGNORECASE) or month
            rec = normalize_timex(borrowed, anchor, tense, country, sent, label)
            if rec is not None and rec.get("granularity") != "range":
                out.append({"start": start + a, "end": start + a + len(piece), "surface": piece, **rec})
        return out if len(out) >= 1 else []

    def __call__(self, doc: Doc) -> Doc:
        published = doc._.published
        anchor = str(published)[:10] if published else None
        country = doc._.country
        dates: list[dict] = []
        text = doc_text(doc)
        last_interval: dict | None = None
        last_date: dict | None = None  # the reference time of "that day", "the following year"
        prev_sent = ""
        current_sent = None
        sents = list(doc.sents)
        sent_starts = [sp.start for sp in sents]
        for span in self._candidates(doc, text):
            start, end = span.start_char, span.end_char
            if end - start > MAX_TIMEX_CHARS:
                continue  # a run of numbers the tagger took as one date: no time expression is this long
            # TimeML leaves out the prepositions and possessive spaCy sometimes includes
            surface = text[start:end]
            lead = LEADS.match(surface)
            if lead and lead.end() < len(surface):
                start += lead.end()
            tail = re.search(r"(?:'s|’s|[\s,.;:]+)$", text[start:end])
            if tail and tail.start() > 0:
                end = start + tail.start()
            surface = text[start:end]
            sent_span = sents[bisect.bisect_right(sent_starts, span.start) - 1]
            if TITLE_UNIT.search(surface) and span.start != sent_span.start:
                continue  # ABC's "This Week", "60 Minutes": programme titles, not time
            if current_sent is None or sent_span.start != current_sent.start:
                prev_sent = text[max(current_sent.start_char, current_sent.end_char - CONTEXT_CHARS):
                                 current_sent.end_char] if current_sent is not None else ""
                current_sent = sent_span
                sent_root = sent_span.root
            # the previous sentence too: "fiscal 2022" often leans on a U.S. cue just before it;
            # both bounded, so that a sentence-long list of numbers costs its length, not its square
            context = prev_sent + " " + text[max(sent_span.start_char, start - CONTEXT_CHARS):
                                             min(sent_span.end_char, end + CONTEXT_CHARS)]
            tense = tense_of(span, sent_span, sent_root)
            if _deadline(span) and not (tense == "past" and WEEKDAY_ONLY.search(surface)
                                        and not _open_until(span)):
                tense = "future"  # "gave it until mid-November", "pay it down by February"
            elif span.start > 0 and doc[span.start - 1].lower_ == "since":
                tense = "past"  # "the change is since year-end"
            elif tense == "present" and not _simple_present_head(span):
                tense = None  # "closing Friday", "follows Tuesday's declaration": no schedule
            label = span.label_ or "DATE"
            rec = None
            if last_date is not None and RELATIVE_TO_REF.fullmatch(surface):
                rec = _from_reference(last_date, surface)
            rec = rec or normalize_timex(surface, anchor, tense, country, context, label)
            if rec is None and not CONNECTOR.search(surface):
                # spaCy sometimes takes a word or two before the expression ("d'etat last year")
                for cut in list(re.finditer(r"\s+", surface))[:2]:
                    tail = surface[cut.end():]
                    if TIMEX_START.match(tail):
                        rec = normalize_timex(tail, anchor, tense, country, context, label)
                        if rec is not None:
                            start, surface = start + cut.end(), tail
                            break
            inner = re.match(r"(?:the\s+)?(?:first|last|final)\s+\S+\s+\w+\s+of\s+", surface, re.IGNORECASE)
            if inner and rec is not None:
                piece = normalize_timex(surface[inner.end():], anchor, tense, country, context, label)
                if piece is not None:
                    dates.append({"start": start + inner.end(), "end": end,
                                  "surface": text[start + inner.end():end], **piece})
                    # TimeML: "the first nine months" (a duration) "of" "1997" (a date)
                    end = start + len(surface[:inner.end()].rstrip()[:-len("of")].rstrip())
                    surface = text[start:end]
            elif rec is None or rec.get("granularity") == "range":
                # TimeML marks each end of "Aug. 26 to Oct. 20", "the quarter ended Sept. 30"
                parts = self._parts(text, start, end, anchor, tense, country, context, label)
                dates.extend(parts)
                if parts and rec is not None and self._pairs_only(text, start, end):
                    continue
            if rec is None:
                continue
            if rec["timex_type"] == "set" and not self.attributive_sets and span.root.pos_ == "ADJ" \
                    and span.root.head.pos_ == "NOUN":
                continue  # "its quarterly dividend": TimeML leaves attributive frequency adjectives out
            rec = {"start": start, "end": end, "surface": surface, **rec}
            if SAME_PREVIOUS.search(surface) and last_interval is not None:
                shifted = shift_years(last_interval, -1)
                if shifted:
                    rec.update({k: shifted[k] for k in ("date_start", "date_end", "granularity")})
            dates.append(rec)
            joined = self._join(text, dates)
            if joined is not None:
                dates.append(joined)
            if dates[-1].get("granularity") == "range":
                last_interval = dates[-1]
            if rec["granularity"] in ("day", "month", "year") and rec["date_start"] \
                    and not RELATIVE_TO_REF.fullmatch(surface):
                last_date = rec
        doc._.dates = self._fold(text, dates)
        return doc

    @staticmethod
    def _fold(text: str, dates: list[dict]) -> list[dict]:
        """Fold a weekday into the day after it ("Friday, Oct. 13": that day) and a vague duration
        into the one before it ("weeks or months"): TimeML marks each as one expression."""
        out: list[dict] = []
        for rec in sorted(dates, key=lambda r: (r["start"], r["end"])):
            prev = out[-1] if out else None
            gap = text[prev["end"]:rec["start"]] if prev is not None else ""
            if prev is not None and WEEKDAY_ONLY.fullmatch(prev["surface"]) \
                    and rec["granularity"] == "day" and rec["timex_type"] == "date" \
                    and re.fullmatch(r",?\s*", gap):
                out[-1] = {**rec, "start": prev["start"], "surface": text[prev["start"]:rec["end"]]}
                continue
            if prev is not None and prev["timex_type"] == rec["timex_type"] == "duration" \
                    and re.fullmatch(r"\s+(?:or|and)\s+", gap) and rec["value"].startswith("PX"):
                out[-1] = {**prev, "end": rec["end"], "surface": text[prev["start"]:rec["end"]]}
                continue
            out.append(rec)
        return out

    @staticmethod
    def _pairs_only(text: str, start: int, end: int) -> bool:
        """True for "between 1994 and 1997", "April 24 and 25", "Friday to December": no interval row."""
        inside = text[start:end]
        before = text[max(0, start - 9):start].lower()
        if re.match(r"between\s", inside, re.IGNORECASE) or before.endswith("between ") \
                or re.search(r"\sand\s", inside, re.IGNORECASE):
            return True
        return bool(re.search(r"\sto\s", inside, re.IGNORECASE)) and not (
            re.match(r"from\s", inside, re.IGNORECASE) or before.endswith("from "))

    @staticmethod
    def _join(text: str, dates: list[dict]) -> dict | None:
        """A range record for "from October 2022 through February" when spaCy split its ends."""
        if len(dates) < 2:
            return None
        a, b = dates[-2], dates[-1]
        if a["timex_type"] != "date" or b["timex_type"] != "date" or not a["date_start"] \
                or not b["date_start"] or "range" in (a["granularity"], b["granularity"]):
            return None
        between = text[a["end"]:b["start"]]
        before = text[max(0, a["start"] - 9):a["start"]].lower()
        if not (re.fullmatch(r"\s+(?:through|thru|until|till)\s+|\s*[-–]\s*", between, re.IGNORECASE)
                or (re.fullmatch(r"\s+to\s+", between, re.IGNORECASE) and before.endswith("from "))):
            return None
        end_rec = b
        if b["date_end"] < a["date_start"]:
            end_rec = shift_years(b, 1) or b
        if end_rec["date_end"] < a["date_start"]:
            return None
        return {"start": a["start"], "end": b["end"], "surface": text[a["start"]:b["end"]],
                "timex_type": "date", "value": f"{a['value']}/{b['value']}",
                "date_start": a["date_start"], "date_end": end_rec["date_end"],
                "granularity": "range", "duration": None}


@Language.factory("claims_dates", default_config={"labels": ["DATE", "TIME"], "extra_patterns": True,
                                                  "attributive_sets": False},
                  requires=["doc.ents"], assigns=["doc._.dates"])
def make_dates(nlp: Language, name: str, labels: list[str], extra_patterns: bool,
               attributive_sets: bool) -> DatesComponent:
    """Build the ``claims_dates`` component (``attributive_sets``: also "annual", "weekly"
    before a noun, as sets; TimeML leaves them out)."""
    return DatesComponent(nlp, name, labels, extra_patterns, attributive_sets)
