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
    r"\b(?:now|currently|current|recent|recently|the (?:near )?future|the past(?= (?:[,.;]|and|or|"
    r"decade|year|week|month|few|two|three|several|\w+ (?:days|weeks|months|years)))|"
    r"(?:this|last|next) (?:week|month|year|quarter|weekend|summer|winter|spring|fall|autumn)|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|today|yesterday|tomorrow|tonight|"
    r"(?:first|second|third|fourth)[- ]quarter|the latest (?:quarter|period)|year-(?:earlier|ago|end)|"
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|\d+)-(?:year|month|week|day)(?!-old))\b",
    re.IGNORECASE)
FUTURE_WORDS = frozenset({"will", "'ll", "shall", "going", "impending", "upcoming", "expected",
                          "scheduled", "planned", "due", "next", "coming", "forthcoming", "prepare",
                          "awaiting", "await", "ahead", "slated", "payable", "effective", "expire",
                          "expires"})
SAME_PREVIOUS = re.compile(r"\bthe same\b.*\b(?:the )?(?:previous|prior|preceding) year\b|"
                           r"\bthe same\b.*\ba year (?:earlier|before)\b", re.IGNORECASE)


def tense_of(span: Span) -> str | None:
    """"past", "present" or "future" for the verb governing ``span`` (future cues win)."""
    root = span.root
    path = [root] + list(root.ancestors)[:6]
    verb = next((t for t in path if t.pos_ in ("VERB", "AUX")), None)
    upto = path[:path.index(verb) + 1] if verb is not None else path
    near = {c.lower_ for node in upto for c in node.children
            if c.dep_ in ("aux", "auxpass", "amod", "advmod", "xcomp", "prt")} | {t.lower_ for t in upto}
    sent = span.sent
    left = [t.lower_ for t in sent if t.i < span.start][-3:]
    if near & FUTURE_WORDS or set(left) & FUTURE_WORDS:
        return "future"
    if verb is None:
        verb = next((t for t in sent if t.dep_ == "ROOT"), None)
    if verb is None:
        return None
    aux = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if aux & {"will", "'ll", "shall"} or (aux & {"to"} and verb.head.lemma_ in
                                         ("expect", "plan", "hope", "intend", "aim", "prepare", "schedule", "set", "be", "due")):
        return "future"
    if verb.tag_ == "VBD" or aux & {"was", "were", "had", "did", "has", "have", "'ve", "'d"}:
        return "past"
    if verb.tag_ == "VBN" and not aux:
        return "past"
    if verb.tag_ in ("VBZ", "VBP", "VBG"):
        return "present"
    return None


CONNECTOR = re.compile(r"\s+(?:ended|ending|to|through|thru|until|till|and|-|–)\s+|(?<=\d)[-–](?=\d)",
                       re.IGNORECASE)


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
            taken = [(e.start_char, e.end_char) for e in spans]
            for m in EXTRA_PATTERNS.finditer(doc.text):
                if any(s < m.end() and m.start() < e for s, e in taken):
                    continue
                span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
                if span is not None:
                    spans.append(span)
                    taken.append((span.start_char, span.end_char))
        return sorted(spans, key=lambda s: s.start_char)

    @staticmethod
    def _parts(doc_text: str, start: int, end: int, anchor: str | None, tense: str | None,
               country: str | None, sent: str, label: str) -> list[dict]:
        """The time expressions on either side of a connector ("to", "ended", "through")."""
        text = doc_text[start:end]
        cuts = list(CONNECTOR.finditer(text))
        if not cuts:
            return []
        bounds, pos = [], 0
        for m in cuts:
            bounds.append((pos, m.start()))
            pos = m.end()
        bounds.append((pos, len(text)))
        out = []
        for a, b in bounds:
            piece = text[a:b]
            lead = re.match(r"(?:(?:from|between|in|on|for|the\s+(?=\d))\s+)+", piece, re.IGNORECASE)
            if lead and lead.end() < len(piece):
                a += lead.end()
            piece = text[a:b].strip()
            if not piece:
                continue
            rec = normalize_timex(piece, anchor, tense, country, sent, label)
            if rec is not None and rec.get("granularity") != "range":
                out.append({"start": start + a, "end": start + a + len(piece), "surface": piece, **rec})
        return out if len(out) >= 1 else []

    def __call__(self, doc: Doc) -> Doc:
        published = doc._.published
        anchor = str(published)[:10] if published else None
        country = doc._.country
        dates: list[dict] = []
        text = doc.text  # spaCy rebuilds doc.text from the tokens on every access
        last_interval: dict | None = None
        prev_sent = ""
        current_sent = None
        for span in self._candidates(doc):
            start, end = span.start_char, span.end_char
            # TimeML leaves out the prepositions and possessive spaCy sometimes includes
            surface = text[start:end]
            lead = re.match(r"(?:(?:from|in|on|at|during|since|by|until|of|for|about|around)\s+)+",
                            surface, re.IGNORECASE)
            if lead and lead.end() < len(surface):
                start += lead.end()
            tail = re.search(r"(?:'s|’s|[\s,.;:]+)$", text[start:end])
            if tail and tail.start() > 0:
                end = start + tail.start()
            surface = text[start:end]
            sent_span = span.sent
            if current_sent is None or sent_span.start != current_sent.start:
                prev_sent = current_sent.text if current_sent is not None else ""
                current_sent = sent_span
            # the previous sentence too: "fiscal 2022" often leans on a U.S. cue just before it
            context = prev_sent + " " + sent_span.text
            tense = tense_of(span)
            label = span.label_ or "DATE"
            rec = normalize_timex(surface, anchor, tense, country, context, label)
            inner = re.match(r"(?:the\s+)?(?:first|last|final)\s+\S+\s+\w+\s+of\s+", surface, re.IGNORECASE)
            if inner and rec is not None:
                piece = normalize_timex(surface[inner.end():], anchor, tense, country, context, label)
                if piece is not None:
                    dates.append({"start": start + inner.end(), "end": end,
                                  "surface": text[start + inner.end():end], **piece})
            elif rec is None or rec.get("granularity") == "range":
                # TimeML marks each end of "Aug. 26 to Oct. 20", "the quarter ended Sept. 30"
                dates.extend(self._parts(text, start, end, anchor, tense, country, context, label))
            if rec is None:
                continue
            if rec["timex_type"] == "set" and span.root.pos_ == "ADJ" and span.root.head.pos_ == "NOUN":
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
        doc._.dates = dates
        return doc

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
                or (re.fullmatch(r"\s+to\s+", between, re.IGNORECASE) and before.endswith("from "))
                or (re.fullmatch(r"\s+and\s+", between, re.IGNORECASE) and before.endswith("between "))):
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


@Language.factory("claims_dates", default_config={"labels": ["DATE", "TIME"], "extra_patterns": True})
def make_dates(nlp: Language, name: str, labels: list[str], extra_patterns: bool) -> DatesComponent:
    """Build the ``claims_dates`` component."""
    return DatesComponent(nlp, name, labels, extra_patterns)
