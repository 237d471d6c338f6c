"""spaCy component ``claims_dates``: every time expression of an article as the interval it means.

Candidates are spaCy's DATE and TIME entities plus a few patterns spaCy misses ("now",
"currently", "recently", weekdays, "third-quarter", "two-year"). Each candidate is normalized by
``pipeline.normalize.dates.normalize_timex`` against ``doc._.published`` with the tense of the
verb that governs it and the article's country; the records go to ``doc._.dates``.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.nlp.extensions import register_extensions
from pipeline.normalize.dates import normalize_timex, shift_years

EXTRA_PATTERNS = re.compile(
    r"\b(?:now|currently|recently|previously|soon|the (?:near )?future|the past(?= (?:[,.;]|and|or|"
    r"decade|year|week|month|few|two|three|several|\w+ (?:days|weeks|months|years)))|"
    r"(?:this|last|next) (?:week|month|year|quarter|weekend|summer|winter|spring|fall|autumn)|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|today|yesterday|tomorrow|tonight|"
    r"(?:first|second|third|fourth)[- ]quarter|year-(?:earlier|ago|end)|"
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|\d+)-(?:year|month|week|day)(?!-old))\b",
    re.IGNORECASE)
FUTURE_WORDS = frozenset({"will", "'ll", "shall", "going", "impending", "upcoming", "expected",
                          "scheduled", "planned", "plans", "plan", "due", "set", "next", "coming",
                          "forthcoming", "intends", "would", "prepare", "awaiting", "await",
                          "ahead", "slated", "await"})
SAME_PREVIOUS = re.compile(r"\bthe same\b.*\b(?:the )?(?:previous|prior|preceding) year\b|"
                           r"\bthe same\b.*\ba year (?:earlier|before)\b", re.IGNORECASE)


def tense_of(span: Span) -> str | None:
    """"past", "present" or "future" for the verb governing ``span`` (future cues win)."""
    root = span.root
    path = [root] + list(root.ancestors)[:6]
    near = {t.lower_ for node in path for t in node.children} | {t.lower_ for t in path}
    sent = span.sent
    left = [t.lower_ for t in sent if t.i < span.start][-8:]
    if near & FUTURE_WORDS or set(left[-4:]) & FUTURE_WORDS:
        return "future"
    verb = next((t for t in path if t.pos_ in ("VERB", "AUX")), None)
    if verb is None:
        verb = next((t for t in sent if t.dep_ == "ROOT"), None)
    if verb is None:
        return None
    aux = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if aux & {"will", "'ll", "shall"} or (verb.tag_ == "VB" and "to" in aux and
                                         verb.head.tag_ not in ("VBD", "VBN")):
        return "future"
    if verb.tag_ in ("VBD", "VBN") or aux & {"was", "were", "had", "did", "has", "have"}:
        return "past"
    if verb.tag_ in ("VBZ", "VBP", "VBG"):
        return "present"
    return None


class DatesComponent:
    """Writes ``doc._.dates``; ``labels`` are the spaCy entity labels taken as candidates."""

    def __init__(self, nlp: Language, name: str, labels: list[str], extra_patterns: bool) -> None:
        register_extensions()
        self.name = name
        self.labels = frozenset(labels)
        self.extra_patterns = extra_patterns

    def _candidates(self, doc: Doc) -> list[Span]:
        spans = [e for e in doc.ents if e.label_ in self.labels]
        if self.extra_patterns:
            taken = [(e.start_char, e.end_char) for e in doc.ents]
            for m in EXTRA_PATTERNS.finditer(doc.text):
                if any(s < m.end() and m.start() < e for s, e in taken):
                    continue
                span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
                if span is not None:
                    spans.append(span)
                    taken.append((span.start_char, span.end_char))
        return sorted(spans, key=lambda s: s.start_char)

    def __call__(self, doc: Doc) -> Doc:
        published = doc._.published
        anchor = str(published)[:10] if published else None
        country = doc._.country
        dates: list[dict] = []
        last_interval: dict | None = None
        for span in self._candidates(doc):
            start, end = span.start_char, span.end_char
            # TimeML leaves out the article and prepositions spaCy sometimes includes
            surface = doc.text[start:end]
            lead = re.match(r"(?:(?:from|in|on|at|during|since|by|until|of|for|about|around)\s+)+",
                            surface, re.IGNORECASE)
            if lead and lead.end() < len(surface):
                start += lead.end()
            tail = re.search(r"(?:'s|’s|[\s,.;:]+)$", doc.text[start:end])
            if tail and tail.start() > 0:
                end = start + tail.start()
            surface = doc.text[start:end]
            sent = span.sent.text
            rec = normalize_timex(surface, anchor, tense_of(span), country, sent, span.label_ or "DATE")
            if rec is None:
                continue
            rec = dict(rec)
            if SAME_PREVIOUS.search(surface) and last_interval is not None:
                shifted = shift_years(last_interval, -1)
                if shifted:
                    rec.update({k: shifted[k] for k in ("date_start", "date_end", "granularity")})
                    rec["timex_type"] = "date"
            if rec.get("granularity") == "range":
                last_interval = rec
            dates.append({"start": start, "end": end, "surface": surface, **rec})
        doc._.dates = dates
        return doc


@Language.factory("claims_dates", default_config={"labels": ["DATE", "TIME"], "extra_patterns": True})
def make_dates(nlp: Language, name: str, labels: list[str], extra_patterns: bool) -> DatesComponent:
    """Build the ``claims_dates`` component."""
    return DatesComponent(nlp, name, labels, extra_patterns)
