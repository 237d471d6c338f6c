"""spaCy component ``claims_places``: place mentions resolved to ISO codes and GeoNames points.

Recognition has three sources:

1. the base model's entities (GPE, LOC, FAC, NORP by default), trimmed ("the", possessive
   "'s"), with compounds split ("Canada-U.S." into two places, "Paris, Texas" into a place and
   its qualifier) and NORP kept only for demonyms of a country or subdivision;
2. entities of other labels (``rescue_labels``: "Alberta" tagged ORG) whose whole text is a
   recognizable gazetteer name;
3. a gazetteer pass over the remaining capitalized tokens (outside PERSON and other non-place
   entities): names of countries, subdivisions, regions, populated places of at least
   ``min_population``, county names ("Madison County Health Department"), and any name
   already recognized elsewhere in the same article;
4. local patterns naming towns of any size: datelines ("WINONA --"), legislators' home towns
   ("D-Pleasanton") and residents' ("Daniel Hufstetler, 29, of Roswell");
5. the grammar of the sentence: a name of any size that the base model tagged as another kind
   of thing (``context_labels``: "Soledar" as PERSON, "Cebu" as PRODUCT) or left untagged is a
   place when the sentence uses it as one: the object of a locative preposition ("floods in
   Cebu"), of "of" after a noun for a kind of place ("the village of Soledar", "north of
   Kramatorsk"), or a conjunct of a place ("Luzon and Mindanao"), and the gazetteer has a place
   of that name (the words are data in ``models/lexicon/places.toml``).

A facility is placed in the county or recognizable place its name starts with ("Henderson
County Jail"), else in the article's main populated place.

Mentions are resolved together by ``pipeline.normalize.places.resolve_all`` and written to
``doc._.places``; ``doc._.country`` is set to the article's main country when the caller left it
None.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.nlp.docview import doc_ents, doc_text
from pipeline.nlp.extensions import register_extensions
from pipeline.normalize.gazetteer import Gazetteer, is_generic, load_gazetteer, name_key
from pipeline.normalize.places import article_country, resolve_all, split_compound
from pipeline.normalize.units import currency_word
from pipeline.resources import model_file, read_data_file

CONTEXT_LEXICON = model_file("lexicon", "places.toml")

TRAILING = ("'s", "\u2019s", "'", "\u2019")
MAX_SCAN_TOKENS = 7  # "Port-au-Prince" is five tokens, "Saint-Jean-sur-Richelieu" seven
# A dateline ("WINONA -- ", "ST. PARIS — ") at the start of the text or of a sentence, and a
# legislator's party and home town ("Rep. Jerry McNerney, D-Pleasanton").
DATELINE = re.compile(r"(?:^|(?<=[.!?\n] ))([A-Z][A-Z.'\u2019]+(?: [A-Z][A-Z.'\u2019]+){0,2})"
                      r"(?:, [A-Z][A-Za-z.]+)?(?: \([A-Za-z]+\))? ?(?:--|[\u2013\u2014]|-(?= )) ")
PARTY_TOWN = re.compile(r"\b(?:D|R|I|DFL)-([A-Z][a-z]+(?: [A-Z][a-z]+)?)\b")
# A person's age and home town ("Daniel Hufstetler, 29, of Roswell").
RESIDENCE = re.compile(r", \d{1,3}, of ([A-Z][a-z]+(?: [A-Z][a-z]+)?)\b")
LOCAL_FEATURES = ("city", "capital", "county")
# The possessive of a place right before a facility ("Quebec's Roxham Road").
POSSESSIVE_BEFORE = re.compile(r"(?:'s|\u2019s|'|\u2019) $")
# Entity labels of names a place word can be part of ("Seattle Seahawks", "US dollars").
NAME_LABELS = frozenset({"ORG", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "MONEY", "FAC"})
# The word after a demonym that may name a kind of place ("French Quarter").
PLACE_KIND_AFTER = re.compile(r" ([A-Z][a-z]+)\b")
# The rest of a hyphenated name ("Miami-Dade") and of two joined by "and" ("Trinidad and Tobago").
HYPHEN_TAIL = re.compile(r"[-\u2010\u2011]([A-Z][\w'\u2019]*)")
CONJOINED_TAIL = re.compile(r" (and|&) ([A-Z][\w'\u2019-]*(?: [A-Z][\w'\u2019-]*){0,2})")


@dataclass(frozen=True)
class NameWords:
    """The ``[names]`` words of ``models/lexicon/places.toml``; ``leading`` holds each leading
    word in lower, capitalized and upper case."""

    facility: frozenset[str]
    road: frozenset[str]
    honorifics: frozenset[str]
    leading: frozenset[str]


@lru_cache(maxsize=4)
def name_words(path: str = str(CONTEXT_LEXICON)) -> NameWords:
    """The words that end facility and road names, that open a person's name, and that are
    dropped from the front of a mention."""
    def build(raw: dict[str, Any]) -> NameWords:
        names = raw["names"]
        leading = frozenset(form for w in names["leading_words"] for form in (w, w.capitalize(), w.upper()))
        return NameWords(frozenset(names["facility_words"]), frozenset(names["road_words"]),
                         frozenset(names["honorifics"]), leading)
    return read_data_file(path, "the place name words", build)


@lru_cache(maxsize=4)
def context_words(path: str = str(CONTEXT_LEXICON)) -> dict[str, frozenset[str]]:
    """The words that make a name a place by its use in the sentence (``[context]`` of
    ``models/lexicon/places.toml``: ``locative_prepositions``, ``path_prepositions``,
    ``place_nouns``, ``features``, ``determiners``, ``plural_counties``) and that make a name a
    natural feature rather than the place it contains (``[partial]``: ``natural_words``,
    ``natural_prefixes``)."""
    def build(raw: dict[str, Any]) -> dict[str, frozenset[str]]:
        data = dict(raw["context"], **raw["partial"])
        return {k: frozenset(data[k]) for k in ("locative_prepositions", "path_prepositions",
                                                "place_nouns", "features", "determiners",
                                                "plural_counties", "natural_words",
                                                "natural_prefixes")}
    return read_data_file(path, "the place context words", build)


def used_as_place(token: Any, place_labels: set[str], words: dict[str, frozenset[str]],
                  pairs: bool = True) -> str | None:
    """Whether the sentence uses ``token`` (the head of a name) as a place: the object of a
    locative preposition ("in Cebu"), of "of" after a noun for a kind of place ("the village of
    Soledar", "north of Kramatorsk"), a conjunct of a name tagged with ``place_labels``, of a
    noun for a kind of place or of a name used as a place ("Luzon and Mindanao", "the island of
    Lesbos and then Lampedusa"), or one end of a "from X to Y" whose other end is a place
    ("from Dover to Calais"). Returns the kind of use ("conjunct", "locative", "place_noun",
    "path"), or None."""
    if token.dep_ == "conj":
        head = token.head
        if head.ent_type_ in place_labels or head.lower_ in words["place_nouns"]:
            return "conjunct"
        token = head
    if token.dep_ != "pobj":
        return None
    prep = token.head
    if prep.lower_ in words["locative_prepositions"]:
        return "locative"
    if prep.lower_ == "of":
        return "place_noun" if prep.head.lower_ in words["place_nouns"] else None
    if not pairs or prep.lower_ not in words["path_prepositions"]:
        return None
    for other in prep.head.children:
        if other is not prep and other.dep_ == "prep" and other.lower_ in words["path_prepositions"]:
            for obj in other.children:
                if obj.dep_ == "pobj" and (obj.ent_type_ in place_labels
                                           or obj.lower_ in words["place_nouns"] or used_as_place(
                        obj, place_labels, words, pairs=False)):
                    return "path"
    return None


def is_facility(surface: str) -> bool:
    """Whether a name ends with a facility word ("Mont-Royal Avenue", "Pearson Airport")."""
    words = surface.rstrip(".").split()
    return len(words) > 1 and words[-1].lower().strip(".") in name_words().facility


def is_county(gaz: Gazetteer, key: str) -> bool:
    """Whether a normalized name is a county's ("madison county", "rapides parish")."""
    return any(e["feature"] == "county" for e in gaz.lookup(key))


def main_locality(places: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The article's most mentioned populated place, else its most mentioned subdivision
    (first mentioned on ties)."""
    for features in (("city", "capital"), ("subdivision",)):
        counts: dict[tuple, int] = {}
        first: dict[tuple, dict[str, Any]] = {}
        for p in places:
            if p.get("feature") in features and p.get("lat") is not None:
                key = (p["name"], p["country_code"], p["subdivision_code"])
                counts[key] = counts.get(key, 0) + 1
                first.setdefault(key, p)
        if counts:
            return first[max(counts, key=lambda k: counts[k])]
    return None


class PlacesComponent:
    """Finds and resolves the places of a doc."""

    def __init__(self, nlp: Language, name: str, labels: list[str], rescue_labels: list[str],
                 scan_labels: list[str], keep_unresolved: list[str], min_population: int,
                 context_labels: list[str] | None = None) -> None:
        register_extensions()
        self.name = name
        self.labels = set(labels)
        self.rescue_labels = set(rescue_labels)
        self.context_labels = set(context_labels or ())
        self.words = context_words()
        self.scan_labels = set(scan_labels)
        self.keep_unresolved = set(keep_unresolved)
        self.min_population = min_population

    # ------------------------------------------------------------------ recognition
    def _known(self, gaz: Gazetteer, text: str) -> bool:
        return gaz.demonym(text) is not None or bool(gaz.lookup(text))

    def _natural(self, surface: str) -> bool:
        """Whether a name is a natural feature's: it opens with a word like "Lake" or "Mount"
        ("Lake Ontario", "Gulf of Mexico") or closes with one like "River" ("Ottawa River")."""
        words = surface.split()
        first, last = words[0].lower().rstrip("."), words[-1]
        return len(words) > 1 and (first in self.words["natural_prefixes"] or (
            last[:1].isupper() and last.lower().rstrip(".") in self.words["natural_words"]))

    def _beside_natural_word(self, doc: Doc, span: Span) -> bool:
        """Whether a name is part of a natural feature's name around it ("Lake" before
        "Ontario", "River" closing "Ottawa River"; not "Coast" of "Canadian Coast Guard")."""
        before = doc[span.start - 1] if span.start > 0 else None
        if before is not None and before.text[:1].isupper() and \
                before.lower_.rstrip(".") in self.words["natural_prefixes"]:
            return True
        after = doc[span.end] if span.end < len(doc) else None
        if after is None or not after.text[:1].isupper() or \
                after.lower_.rstrip(".") not in self.words["natural_words"]:
            return False
        following = doc[span.end + 1] if span.end + 1 < len(doc) else None
        return following is None or not following.text[:1].isupper()

    def _placeable(self, gaz: Gazetteer, key: str) -> bool:
        """Whether a name read as a place from its context is one the gazetteer knows: a place
        of one of the context ``features``, not a generic word or a demonym."""
        if is_generic(key) or key in gaz.demonyms:
            return False
        return any(e["feature"] in self.words["features"] for e in gaz.lookup(key))

    def _context_place(self, gaz: Gazetteer, doc: Doc, span: Span, label: str,
                       text: str) -> dict[str, Any] | None:
        """A mention for a name tagged ``label`` (or untagged) that the sentence uses as a place
        (``used_as_place``), when it is a whole name the gazetteer knows: not after a
        determiner ("in the White House"), a name or a number ("23rd Street"), nor before one
        or a hyphen; a coordination ending in a plural kind of facility names streets ("Lakeview
        and Harrison streets"), one ending in "counties" names counties ("Muscogee and Harris
        counties": Harris County)."""
        start, end = self._trim(text, span.start_char, span.end_char)
        key = name_key(text[start:end])
        if not self._placeable(gaz, key):
            return None
        before = doc[span.start - 1] if span.start > 0 else None
        after = doc[span.end] if span.end < len(doc) else None
        if span[0].lower_ in self.words["determiners"] or (before is not None and (
                before.lower_ in self.words["determiners"] or before.pos_ in ("PROPN", "NUM")
                or before.text[:1].isdigit())):
            return None
        if after is not None and (after.pos_ in ("PROPN", "NUM") or (
                after.idx == span.end_char and after.text[:1] in "-\u2010\u2011")):
            return None
        use = used_as_place(span.root, self.labels & {"GPE", "LOC"}, self.words)
        if use is None:
            return None
        m = {"start": start, "end": end, "surface": text[start:end], "label": "GPE",
             "via": f"{label}:{use}"}
        kind = self._coordination_kind(doc, span.end)
        if kind is not None:
            if kind not in self.words["plural_counties"]:
                return None
            if not is_county(gaz, key + " county"):
                return None
            m["query"] = text[start:end] + " County"
        return m

    @staticmethod
    def _coordination_kind(doc: Doc, i: int) -> str | None:
        """The plural kind word that ends a coordination of names starting at token ``i``
        ("... and Harris counties" -> "counties"), if any."""
        for tok in doc[i:i + 16]:
            if tok.pos_ == "PROPN" or tok.lower_ in (",", "and", "or", "&") or (
                    tok.dep_ in ("amod", "compound") and tok.pos_ in ("ADJ", "NOUN")):
                continue
            # the tagger may read a plural after names as a verb ("Harris roads": VBZ)
            if tok.lower_.endswith("s") and (tok.lemma_.lower() in name_words().facility
                                             or tok.lower_ in context_words()["plural_counties"]):
                return tok.lower_
            return None
        return None

    def _trim(self, text: str, start: int, end: int) -> tuple[int, int]:
        words = text[start:end].split(" ", 1)
        if len(words) == 2 and words[0] in name_words().leading:
            start += len(words[0]) + 1
        for suffix in TRAILING:
            if text[start:end].endswith(suffix) and end - len(suffix) > start:
                end -= len(suffix)
                break
        return start, end

    def _query(self, gaz: Gazetteer, span: Span, start: int, end: int, text: str) -> str | None:
        """The longest run of tokens inside an unknown mention that the gazetteer knows
        ("Far North Queensland" -> "Queensland", "Sichuan province" -> "Sichuan")."""
        tokens = [t for t in span if t.idx >= start and t.idx + len(t) <= end]
        for n in range(len(tokens) - 1, 0, -1):
            for i in range(len(tokens) - n + 1):
                part = text[tokens[i].idx:tokens[i + n - 1].idx + len(tokens[i + n - 1])]
                key = name_key(part)
                if key in gaz.demonyms:
                    continue  # "French Quarter" is not in France
                if part[:1].isupper() and (gaz.recognizable(key, self.min_population)
                                           or (n > 1 and is_county(gaz, key))):
                    return part
        return None

    def _place_prefix(self, gaz: Gazetteer, span: Span, start: int, end: int,
                      text: str) -> str | None:
        """The longest leading run of tokens of a facility that names a county or a
        recognizable place ("Henderson County Jail" -> "Henderson County"), unless the
        facility is a road ("Old Lexington Highway" is not in Lexington)."""
        tokens = [t for t in span if t.idx >= start and t.idx + len(t) <= end]
        if not tokens or tokens[-1].text.lower().rstrip(".") in name_words().road:
            return None
        for n in range(len(tokens) - 1, 0, -1):
            part = text[tokens[0].idx:tokens[n - 1].idx + len(tokens[n - 1])]
            key = name_key(part)
            if part[:1].isupper() and (gaz.recognizable(key, self.min_population)
                                       or is_county(gaz, key)):
                return part
        return None

    @staticmethod
    def _person_words(doc: Doc) -> set[str]:
        """Words of multi-word PERSON entities ("Georgia Simmerling" -> Georgia, Simmerling),
        made only of proper nouns (not a headline's "Rethinking Egypt")."""
        return {t.text for ent in doc_ents(doc, "PERSON") if 1 < len(ent) <= 3
                and all(t.is_alpha and t.is_title and t.pos_ == "PROPN" for t in ent)
                for t in ent}

    @staticmethod
    def _after_honorific(text: str, start_char: int) -> bool:
        before = text[max(0, start_char - 6):start_char].rstrip(" .").split()
        return bool(before) and before[-1].lower() in name_words().honorifics

    def _personal(self, text: str, m: dict[str, Any], person_words: set[str]) -> bool:
        """A one-word mention that is a person's name in this article."""
        first = m["surface"].split(" ", 1)[0].rstrip(".").lower()
        return (" " not in m["surface"] and m["surface"] in person_words) or \
            self._after_honorific(text, m["start"]) or first in name_words().honorifics

    def _from_entities(self, doc: Doc, gaz: Gazetteer, text: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for ent in doc_ents(doc):
            label = ent.label_
            if label not in self.labels and label not in self.rescue_labels:
                if label in self.context_labels:
                    m = self._context_place(gaz, doc, ent, label, text)
                    if m is not None:
                        found.append(m)
                continue
            start, end = self._trim(text, ent.start_char, ent.end_char)
            surface = text[start:end]
            if label in self.rescue_labels and len(ent) > 1 and \
                    ent[-1].text.lower().rstrip(".") in name_words().road:
                found.append({"start": start, "end": end, "surface": surface, "label": "FAC",
                              "facility": True})
                continue
            if label not in self.labels:
                key = name_key(surface)
                if gaz.recognizable(key, self.min_population):
                    found.append({"start": start, "end": end, "surface": surface, "label": "GPE"})
                elif label in self.context_labels and (
                        m := self._context_place(gaz, doc, ent, label, text)) is not None:
                    found.append(m)
                continue
            if label == "NORP" and gaz.demonym(surface) is None and gaz.recognizable(
                    name_key(surface), self.min_population):
                label = "GPE"
            for m in self._split(gaz, start, end, surface, label):
                if is_facility(m["surface"]):
                    m["facility"] = True
                    head = m["surface"].split(" ", 1)[0]
                    if gaz.demonym(head) is not None or any(
                            e["feature"] == "country" for e in gaz.lookup(head)):
                        m["query"] = head
                    else:
                        prefix = self._place_prefix(gaz, ent, m["start"], m["end"], text)
                        if prefix:
                            m["query"] = prefix
                elif label != "NORP" and "query" not in m and not self._known(gaz, m["surface"]):
                    if self._natural(m["surface"]):
                        m["label"] = "LOC"  # "Lake Ontario": a place of its own, not Ontario
                    else:
                        query = self._query(gaz, ent, m["start"], m["end"], text)
                        if query:
                            m["query"] = query
                found.append(m)
        return found

    def _scan(self, doc: Doc, gaz: Gazetteer, found: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
        """Gazetteer names among tokens that no accepted mention or other entity covers."""
        covered = set()
        for m in found:
            covered.update(range(m["start"], m["end"]))
        seen = {name_key(m["surface"]) for m in found}
        extra: list[dict[str, Any]] = []
        # per-token values read once (each doc[i] or Span iteration makes new Token objects)
        tokens = list(doc)
        n_tok = len(tokens)
        words = [t.text for t in tokens]
        starts = [t.idx for t in tokens]
        ent_types = [t.ent_type_ for t in tokens]
        capital = [w[:1].isupper() for w in words]
        blocked = [starts[k] in covered or bool(ent_types[k] and ent_types[k] not in self.scan_labels)
                   for k in range(n_tok)]
        plain_propn = [t.pos_ == "PROPN" and not t.ent_type_ for t in tokens]
        # next_blocked[k]: the first blocked token at or after k; next_other[k]: the first one
        # at or after k that is not a proper noun outside every entity
        next_blocked, next_other = [n_tok] * (n_tok + 1), [n_tok] * (n_tok + 1)
        for k in range(n_tok - 1, -1, -1):
            next_blocked[k] = k if blocked[k] else next_blocked[k + 1]
            next_other[k] = next_other[k + 1] if plain_propn[k] else k
        i = 0
        while i < n_tok:
            if blocked[i] or not capital[i]:
                i += 1
                continue
            tok = tokens[i]
            if "-" in words[i][1:-1]:
                extra.extend(self._hyphen_parts(gaz, tok, seen))
                i += 1
                continue
            hit, via = None, None
            for n in range(min(MAX_SCAN_TOKENS, n_tok - i), 0, -1):
                end = i + n
                if next_blocked[i] < end or not capital[end - 1]:
                    continue
                key = name_key(text[starts[i]:starts[end - 1] + len(words[end - 1])])
                if key in seen or key in gaz.demonyms or (
                        gaz.recognizable(key, self.min_population)
                        and (n > 1 or tok.pos_ == "PROPN" or tok.is_upper)) or (
                        n > 1 and is_county(gaz, key)):
                    hit = doc[i:end]
                    break
                if next_other[i] >= end and (
                        via := self._context_place(gaz, doc, doc[i:end], "untagged", text)) is not None:
                    hit = doc[i:end]
                    break
            if hit is None or (key not in seen and self._beside_natural_word(doc, hit)):
                i += 1
                continue
            if via is not None:
                extra.append(via)
                i += len(hit)
                continue
            start, end = self._trim(text, hit.start_char, hit.end_char)
            surface = text[start:end]
            label = "NORP" if gaz.demonym(surface) is not None else "GPE"
            extra.append({"start": start, "end": end, "surface": surface, "label": label})
            i += len(hit)
        return extra

    @staticmethod
    def _local_patterns(gaz: Gazetteer, found: list[dict[str, Any]],
                        text: str) -> list[dict[str, Any]]:
        """Towns of any size named by a dateline, a legislator's party and home town or a
        person's age and home town, outside the mentions already found."""
        covered = set()
        for m in found:
            covered.update(range(m["start"], m["end"]))
        out: list[dict[str, Any]] = []
        for pattern in (DATELINE, PARTY_TOWN, RESIDENCE):
            for match in pattern.finditer(text):
                start, end = match.span(1)
                surface = text[start:end].rstrip(".") if not text[start:end].endswith(
                    "ST.") else text[start:end]
                end = start + len(surface)
                if covered.intersection(range(start, end)) or is_generic(name_key(surface)):
                    continue
                if any(e["feature"] in LOCAL_FEATURES for e in gaz.lookup(surface)):
                    out.append({"start": start, "end": end, "surface": surface, "label": "GPE"})
                    covered.update(range(start, end))
        return out

    def _hyphen_parts(self, gaz: Gazetteer, tok: Any, seen: set[str]) -> list[dict[str, Any]]:
        """Places inside one hyphenated token ("U.S.-led", "Canada-wide")."""
        out, pos = [], 0
        for part in tok.text.split("-"):
            key = name_key(part)
            if part[:1].isupper() and (key in seen or gaz.recognizable(key, self.min_population)):
                start = tok.idx + pos
                label = "NORP" if gaz.demonym(part) is not None else "GPE"
                out.append({"start": start, "end": start + len(part), "surface": part,
                            "label": label})
            pos += len(part) + 1
        return out

    def mentions(self, doc: Doc, gaz: Gazetteer) -> list[dict[str, Any]]:
        """Candidate mentions: dicts with ``start, end, surface, label`` (and ``query``,
        ``qualifier``), in text order."""
        text = doc_text(doc)
        person_words = self._person_words(doc)
        found = [m for m in self._from_entities(doc, gaz, text) if self._keep(gaz, m)
                 and not self._personal(text, m, person_words)]
        found = self._drop_mostly_other(doc, found, text)
        found.extend(self._local_patterns(gaz, found, text))
        found.extend(m for m in self._scan(doc, gaz, found, text)
                     if not self._personal(text, m, person_words))
        found.sort(key=lambda m: m["start"])
        found = self._drop_mostly_other(doc, found, text)
        found = self._join_conjoined(gaz, found, text)
        found = [self._demonym_named_place(m, text) for m in found]
        self._qualify(found, text)
        return found

    @staticmethod
    def _drop_mostly_other(doc: Doc, found: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
        """Drop the names read as places from their context ("via") that the article uses more
        often as the subject of a verb, as a group or a person is: "Hamas" once after "between
        Israel and", then "Hamas said", "Hamas rejected"."""
        via = Counter(m["surface"] for m in found if m.get("via"))
        if not via:
            return found
        dropped = set()
        for surface, n_place in via.items():
            subjects = 0
            for match in re.finditer(r"(?<!\w)" + re.escape(surface) + r"(?!\w)", text):
                span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
                if span is not None and span.root.dep_ in ("nsubj", "nsubjpass"):
                    subjects += 1
            if subjects > n_place:
                dropped.add(surface)
        return [m for m in found if not (m.get("via") and m["surface"] in dropped)]

    @staticmethod
    def _demonym_named_place(m: dict[str, Any], text: str) -> dict[str, Any]:
        """ "French Quarter", "Chinese Garden": a demonym before a word for a kind of place names
        that place (a facility of the article's town), not the demonym's country."""
        word = PLACE_KIND_AFTER.match(text, m["end"])
        if m["label"] != "NORP" or word is None or word.group(1).lower() not in name_words().facility:
            return m
        end = word.end(1)
        return {"start": m["start"], "end": end, "surface": text[m["start"]:end], "label": "FAC",
                "facility": True}

    @staticmethod
    def _join_conjoined(gaz: Gazetteer, found: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
        """Join "Trinidad" "and" "Tobago" into one mention when the whole is a country's or
        subdivision's name ("Bosnia and Herzegovina"), not two places, and "Miami" "-Dade" when
        the hyphenated whole is a county's or region's name."""
        out: list[dict[str, Any]] = []
        for m in found:
            if out and m["start"] < out[-1]["end"]:
                continue  # inside the name joined just before
            hyphen = HYPHEN_TAIL.match(text, m["end"])
            if hyphen and m["label"] != "NORP":
                whole = text[m["start"]:hyphen.end()]
                if is_county(gaz, name_key(whole) + " county"):  # "Miami-Dade": not Miami
                    m = {"start": m["start"], "end": hyphen.end(), "surface": whole, "label": "GPE",
                         "query": whole + " County"}
                elif any(e["feature"] != "city" for e in gaz.lookup(whole)):
                    m = {"start": m["start"], "end": hyphen.end(), "surface": whole, "label": "GPE"}
            tail = CONJOINED_TAIL.match(text, m["end"])
            if tail and m["label"] != "NORP":
                words = tail.group(2).split(" ")
                for n in range(len(words), 0, -1):
                    end = tail.start(2) + len(" ".join(words[:n]))
                    whole = text[m["start"]:end]
                    if any(e["feature"] in ("country", "subdivision", "region") for e in gaz.lookup(whole)):
                        m = {"start": m["start"], "end": end, "surface": whole, "label": "GPE"}
                        break
            out.append(m)
        return out

    def _keep(self, gaz: Gazetteer, m: dict[str, Any]) -> bool:
        if is_generic(name_key(m["surface"])):
            return False
        if m["surface"].isupper() and len(m["surface"]) <= 4 and not any(
                e["feature"] in ("country", "subdivision", "continent", "region")
                for e in gaz.lookup(m["surface"])):
            return False
        if m["label"] == "NORP":
            return gaz.demonym(m["surface"]) is not None
        return bool(m.get("query")) or self._known(gaz, m["surface"]) or \
            m["label"] in self.keep_unresolved

    def _split(self, gaz: Gazetteer, start: int, end: int, surface: str,
               label: str) -> list[dict[str, Any]]:
        """One mention, or one per part of a compound whose parts are all known places."""
        if ", " in surface:
            head, tail = surface.split(", ", 1)
            if self._known(gaz, head) and self._known(gaz, tail):
                cut = start + len(head) + 2
                return [{"start": start, "end": start + len(head), "surface": head,
                         "label": label},
                        {"start": cut, "end": end, "surface": tail, "label": label}]
        parts = split_compound(surface)
        if len(parts) > 1 and is_county(gaz, name_key(surface) + " county"):
            # "Miami-Dade schools": the county's short name, not Miami and Dade
            return [{"start": start, "end": end, "surface": surface, "label": label,
                     "query": surface + " County"}]
        if self._known(gaz, surface):
            return [{"start": start, "end": end, "surface": surface, "label": label}]
        if len(parts) > 1 and all(self._known(gaz, surface[a:b]) for a, b in parts):
            return [{"start": start + a, "end": start + b, "surface": surface[a:b],
                     "label": "NORP" if gaz.demonym(surface[a:b]) else label} for a, b in parts]
        return [{"start": start, "end": end, "surface": surface, "label": label}]

    @staticmethod
    def _qualify(found: list[dict[str, Any]], text: str) -> None:
        """Mark "X, Y" pairs (adjacent mentions separated by a comma): Y qualifies X."""
        for a, b in zip(found, found[1:]):
            if text[a["end"]:b["start"]] == ", " and b["label"] != "NORP":
                a["qualifier"] = b.get("query") or b["surface"]

    @staticmethod
    def _mention_kinds(doc: Doc, places: list[dict[str, Any]]) -> None:
        """Set ``mention_kind``: "demonym" ("Canadian"), "in_name" for a place word that is part
        of another name ("Seattle" of "Seattle Seahawks", "US" of "US dollars", "Canadian" of
        "Canadian Forces"), else "name"."""
        starts = {p["start"] for p in places}
        person_starts = {e.start for e in doc_ents(doc, "PERSON")}
        for p in places:
            kind = "demonym" if p["label"] == "NORP" else "name"
            span = doc.char_span(p["start"], p["end"], alignment_mode="expand")
            if span is not None:
                first, after = span[0], doc[span.end] if span.end < len(doc) else None
                # inside a longer entity of another kind: it starts before the mention or goes on
                if first.ent_type_ in NAME_LABELS and (first.ent_iob_ == "I" or (
                        after is not None and after.ent_iob_ == "I" and after.ent_type_ == first.ent_type_)):
                    kind = "in_name"
                elif (nxt := after) is not None and nxt.idx == span.end_char + 1 and nxt.idx not in starts:
                    # a title before a person ("Quebec Premier François Legault") is no name
                    titled = nxt.i in person_starts or nxt.i + 1 in person_starts
                    if currency_word(nxt.text) is not None or (
                            nxt.pos_ == "PROPN" and nxt.text[:1].isupper() and not titled
                            and nxt.ent_type_ not in ("GPE", "LOC", "PERSON", "DATE", "TIME")):
                        kind = "in_name"
            p["mention_kind"] = kind

    @staticmethod
    def _possessed_facilities(text: str, places: list[dict[str, Any]]) -> None:
        """A facility right after a place's possessive ("Quebec's Roxham Road") is in that place."""
        by_end = {p["end"]: p for p in places if p.get("lat") is not None and p.get("feature") != "facility"}
        for p in places:
            if p["label"] != "FAC" and not is_facility(p["surface"]):
                continue
            gap = POSSESSIVE_BEFORE.search(text, max(0, p["start"] - 4), p["start"])
            owner = by_end.get(gap.start()) if gap else None
            if owner is not None and owner is not p:
                p.update({k: owner[k] for k in ("country_code", "subdivision_code", "lat", "lon")})
                p.update(name=p["surface"], feature="facility", geonameid=None)

    # ------------------------------------------------------------------ component
    def __call__(self, doc: Doc) -> Doc:
        gaz = load_gazetteer()
        mentions = self.mentions(doc, gaz)
        resolved = resolve_all(gaz, mentions, doc._.country, doc._.source)
        doc._.places = self.finish(doc, mentions, resolved)
        if doc._.country is None:
            doc._.country = article_country(doc._.source, doc._.places)
        return doc

    def finish(self, doc: Doc, mentions: list[dict[str, Any]],
               resolved: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The place records of ``doc`` from its mentions and their resolutions: mention kinds,
        facilities placed in their possessor or the article's main populated place."""
        places = []
        for m, place in zip(mentions, resolved):
            record = {"start": m["start"], "end": m["end"], "surface": m["surface"],
                      "label": m["label"]}
            record.update(place)
            places.append(record)
        self._mention_kinds(doc, places)
        self._possessed_facilities(doc_text(doc), places)
        locality = main_locality(places)
        if locality is not None:
            for p, m in zip(places, mentions):
                if p["lat"] is None and (m.get("facility") or m["label"] == "FAC"):
                    p.update({k: locality[k] for k in ("country_code", "subdivision_code",
                                                       "lat", "lon")})
                    p.update(name=m["surface"], feature="facility")
        return places


@Language.factory(
    "claims_places",
    default_config={
        "labels": ["GPE", "LOC", "FAC", "NORP"],
        "rescue_labels": ["ORG", "PERSON"],
        "scan_labels": ["ORG"],
        "keep_unresolved": ["LOC", "FAC"],
        "min_population": 100000,
        "context_labels": ["ORG", "PERSON", "PRODUCT", "WORK_OF_ART"],
    },
    requires=["doc.ents"],
    assigns=["doc._.places", "doc._.country"],
)
def make_places(nlp: Language, name: str, labels: list[str], rescue_labels: list[str],
                scan_labels: list[str], keep_unresolved: list[str],
                min_population: int, context_labels: list[str]) -> PlacesComponent:
    """Build the ``claims_places`` component."""
    return PlacesComponent(nlp, name, labels, rescue_labels, scan_labels, keep_unresolved,
                           min_population, context_labels)
