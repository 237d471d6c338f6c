"""spaCy component ``claims_speakers``: the canonical speaker of every claim.

Runs after every attribution component and fills ``speaker``, ``speaker_role`` and
``speaker_type`` of each claim in ``doc._.claims`` that has a speaker mention span, whoever
produced it. Surnames and titles resolve to the full name used elsewhere in the article
("Hillman" -> "Kirsten Hillman"), pronouns to the most recent compatible person or group,
relative pronouns to the noun they modify, and role mentions ("the ambassador", "Canada's
envoy") to the person introduced with that role (or, in a lede, named in the next paragraph).
Organizations and groups keep their own words as the speaker.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from pipeline.corpus.name_words import SpeakerWords, speaker_words
from pipeline.nlp.attribution.syntax import entity_around, mention_bounds
from pipeline.nlp.docview import doc_ents, doc_text
from pipeline.nlp.extensions import register_extensions

ORG_LABELS = {"ORG", "NORP", "GPE", "FAC", "PRODUCT", "WORK_OF_ART", "LOC"}


@dataclass
class Person:
    """A person named in the article: canonical name, role, gender when known."""

    name: str
    role: str | None = None
    gender: str | None = None
    positions: list[int] = field(default_factory=list)


def ents_in(span: Span) -> list[Span]:
    """Named entities lying wholly inside ``span``, read from the IOB tags (``Span.ents``
    would scan every entity of the document)."""
    found = []
    for tok in span:
        if tok.ent_iob_ == "B":
            ent = entity_around(tok)
            if ent is not None and ent.end <= span.end:
                found.append(ent)
    return found


def strip_determiners(text: str, determiners: frozenset[str] | None = None) -> str:
    """Drop leading articles from a mention ("the White House" -> "White House"); ``determiners``
    are the lexicon's ``leading_determiners`` (the shipped ones by default)."""
    determiners = speaker_words().leading_determiners if determiners is None else determiners
    words = text.split()
    while len(words) > 1 and words[0].lower() in determiners:
        words = words[1:]
    return " ".join(words)


class ArticleIndex:
    """People (with roles and genders), organizations and subjects of one article."""

    def __init__(self, doc: Doc, lex: SpeakerWords) -> None:
        self.doc = doc
        self.text = doc_text(doc)
        self.lex = lex
        self.persons: dict[str, Person] = {}
        self.by_surname: dict[str, list[str]] = {}
        # Mentions of people in text order: (char offset, canonical name, is a subject).
        self.mentions: list[tuple[int, str, bool]] = []
        # per mention offset: subject of its sentence's main verb; where its sentence starts
        self._main: dict[int, bool] = {}
        self._sent_start: dict[int, int] = {}
        self._build()

    # -------------------------------------------------------------- building
    def name_tokens(self, ent: Span) -> list[Token]:
        """The words of a PERSON entity without leading titles and possessive endings."""
        toks = [t for t in ent if not t.is_punct and t.text not in ("'s", "’s", "'")]
        titles = self.lex.titles
        while len(toks) > 1 and toks[0].lower_ in titles:
            toks = toks[1:]
        return toks

    def join_words(self, toks: list[Token]) -> str:
        """The words of a name as written ("Holtz-Eakin" stays hyphenated)."""
        return self.text[toks[0].idx:toks[-1].idx + len(toks[-1])].replace("\n", " ")

    def _build(self) -> None:
        doc = self.doc
        ents = doc_ents(doc, "PERSON")
        cleaned: list[tuple[Span, list[Token]]] = []
        for ent in ents:
            toks = self.name_tokens(ent)
            if toks and toks[0].text[:1].isupper():
                cleaned.append((ent, toks))
        for ent, toks in cleaned:
            if len(toks) >= 2:
                name = self.join_words(toks)
                surname = toks[-1].text
                names = self.by_surname.setdefault(surname, [])
                if name not in names:
                    names.append(name)
                self.persons.setdefault(name, Person(name))
        for ent, toks in cleaned:
            name = self.canonical(self.join_words(toks), ent.start_char)
            person = self.persons.setdefault(name, Person(name))
            person.positions.append(ent.start_char)
            root = ent.root
            is_subject = root.dep_ in ("nsubj", "nsubjpass") or (
                root.dep_ == "appos" and root.head.dep_ in ("nsubj", "nsubjpass"))
            self.mentions.append((ent.start_char, name, is_subject))
            verb = root.head if root.dep_ != "appos" else root.head.head
            self._main[ent.start_char] = is_subject and (verb.dep_ == "ROOT" or (
                verb.dep_ == "conj" and verb.head.dep_ == "ROOT"))
            self._sent_start[ent.start_char] = root.sent.start_char
            if person.role is None:
                person.role = self._role_near(ent)
            if person.gender is None:
                person.gender = self._gender_from_title(ent) or self._gender_from_name(name)
        self.mentions.sort()
        self._positions = [m[0] for m in self.mentions]

    def _gender_from_name(self, name: str) -> str | None:
        """Gender of a full name from its first word, when that is a known first name."""
        words = name.split()
        first = words[0].lower() if len(words) >= 2 else ""
        return "m" if first in self.lex.male_names else "f" if first in self.lex.female_names else None

    def _gender_from_title(self, ent: Span) -> str | None:
        words = [t.lower_ for t in ent[:1]]
        if ent.start > 0:
            words.append(self.doc[ent.start - 1].lower_)
        if any(w in self.lex.male_titles for w in words):
            return "m"
        if any(w in self.lex.female_titles for w in words):
            return "f"
        return None

    def _role_near(self, ent: Span) -> str | None:
        """Role words around a name: "National Security Council spokesman John Kirby",
        "Kirsten Hillman, Canada's ambassador", "Canada's ambassador, Kirsten Hillman"."""
        doc = self.doc
        root = ent.root
        # Modifiers before the name inside its own noun phrase.
        lo = ent.start
        while lo > 0 and doc[lo - 1].head.i >= ent.start and doc[lo - 1].head.i < ent.end \
                and doc[lo - 1].dep_ in ("compound", "amod", "poss", "case", "nmod") \
                and "\n" not in doc[lo - 1].whitespace_:
            lo -= 1
            # the role's own modifiers: "National Security Council" in front of "spokesman"
            while lo > 0 and doc[lo - 1].head.i >= lo and doc[lo - 1].head.i < ent.end \
                    and doc[lo - 1].dep_ in ("compound", "amod", "poss", "case", "nmod", "det") \
                    and "\n" not in doc[lo - 1].whitespace_:
                lo -= 1
        honorifics, titles = self.lex.honorifics, self.lex.titles
        pre = [t for t in doc[lo:ent.start] if t.dep_ != "det" and t.lower_ not in honorifics]
        if pre and any(t.pos_ == "NOUN" or t.lower_ in titles for t in pre):
            return doc[pre[0].i:ent.start].text.strip()
        lead_titles = [t for t in ent if t.lower_ in titles and t.i == ent.start
                       and t.lower_ not in honorifics]
        if lead_titles:
            return lead_titles[0].text
        for child in root.children:
            if child.dep_ == "appos" and child.pos_ == "NOUN":
                s, e = mention_bounds(child)
                return doc[s:e].text
        if root.dep_ == "appos" and root.head.pos_ == "NOUN" and root.head.i < ent.start:
            s, e = mention_bounds(root.head)
            return doc[s:min(e, ent.start)].text.strip(" ,")
        return None

    # -------------------------------------------------------------- lookups
    def canonical(self, name: str, pos: int) -> str:
        """Full form of a (sur)name: the full name sharing its last word, nearest before
        ``pos`` if several, else the first after."""
        words = name.split()
        if not words:
            return name
        candidates = self.by_surname.get(words[-1], [])
        if not candidates:
            return name
        if len(words) >= 2 and name in candidates:
            return name
        if len(candidates) == 1:
            cand = candidates[0]
            return cand if len(words) == 1 or cand.split()[0] == words[0] else name
        best, best_pos = candidates[0], None
        for cand in candidates:
            person = self.persons.get(cand)
            before = [p for p in (person.positions if person else []) if p <= pos]
            if before and (best_pos is None or before[-1] > best_pos):
                best, best_pos = cand, before[-1]
        return best

    def recent_person(self, pos: int, gender: str | None) -> str | None:
        """The person most recently mentioned before ``pos`` (subjects first) whose known
        gender agrees with ``gender``."""
        k = bisect.bisect_left(self._positions, pos)
        fallback = embedded = None
        sent = -1
        for idx in range(k - 1, max(-1, k - 40), -1):
            start, name, is_subject = self.mentions[idx]
            if embedded is not None and self._sent_start.get(start) != sent:
                return embedded
            person = self.persons.get(name)
            if gender and person and person.gender and person.gender != gender:
                continue
            if is_subject and self._main.get(start):
                return name
            if is_subject and embedded is None:
                # "Cruz apologized for the claim that Carson was dropping out": the main
                # clause's subject in the same sentence comes first
                embedded, sent = name, self._sent_start.get(start, -1)
            if fallback is None:
                fallback = name
        return embedded or fallback

    def person_with_role(self, head: str, pos: int) -> str | None:
        """A person whose role mentions ``head`` (or a synonym), nearest before ``pos``."""
        keys = (head,) + self.lex.role_synonyms.get(head, ())
        best, best_pos = None, None
        for person in self.persons.values():
            if not person.role:
                continue
            role = person.role.lower()
            if any(k in role for k in keys):
                before = [p for p in person.positions if p <= pos] or person.positions[:1]
                p = before[-1] if before else 0
                if best is None or (p <= pos and (best_pos is None or best_pos > pos or p > best_pos)):
                    best, best_pos = person.name, p
        return best

    def next_named_subject(self, pos: int, limit: int) -> str | None:
        """The first person named as a subject after ``pos`` and before ``limit``."""
        k = bisect.bisect_right(self._positions, pos)
        for idx in range(k, len(self.mentions)):
            start, name, is_subject = self.mentions[idx]
            if start > limit:
                return None
            if is_subject and len(name.split()) >= 2:
                return name
        return None


class SpeakerResolver:
    """Resolve the speaker mention of each claim against the article index."""

    def __init__(self, lex: SpeakerWords) -> None:
        self.lex = lex
        self._pronouns = (lex.male_pronouns | lex.female_pronouns | lex.plural_pronouns | lex.neuter_pronouns
                          | lex.relative_pronouns)

    def __call__(self, doc: Doc) -> Doc:
        claims = doc._.claims
        if not claims:
            return doc
        index = ArticleIndex(doc, self.lex)
        order = sorted(range(len(claims)), key=lambda i: claims[i].get("speaker_start") or claims[i]["start"])
        for i in order:
            claim = claims[i]
            if claim.get("speaker_start") is None or claim.get("speaker_end") is None:
                continue
            span = doc.char_span(claim["speaker_start"], claim["speaker_end"], alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            self._assign(claim, self.resolve(doc, span, index, claims, claim))
        # A role met before the person who holds it (a headline's "Canada's envoy") resolves
        # once the whole article has been read.
        for claim in claims:
            if claim.get("speaker_type") == "person" and claim.get("speaker") \
                    and claim.get("speaker") == claim.get("speaker_role"):
                span = doc.char_span(claim["speaker_start"], claim["speaker_end"], alignment_mode="expand")
                self._assign(claim, self.resolve(doc, span, index, claims, claim))
        return doc

    @staticmethod
    def _assign(claim: dict[str, Any], result: tuple[str | None, str | None, str | None]) -> None:
        speaker, role, kind = result
        claim["speaker"] = speaker
        claim["speaker_role"] = role if role else claim.get("speaker_role")
        claim["speaker_type"] = kind

    # -------------------------------------------------------------- the cases
    def resolve(self, doc: Doc, span: Span, index: ArticleIndex, claims: list[dict[str, Any]],
                claim: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
        """``(speaker, role, type)`` for one mention span."""
        if len(span) > 1 and span[-1].tag_ == "POS":
            span = span[:-1]  # a possessor ("Trump’s claim that ..."): the name without its "’s"
        root = span.root
        low = root.lower_
        pos = span.start_char
        if len(span) == 1 and root.pos_ == "PRON" or low in self._pronouns:
            return self._pronoun(doc, root, index, claims, claim)
        person_ents = [e for e in ents_in(span) if e.label_ == "PERSON"]
        if not person_ents and root.ent_type_ == "PERSON":
            person_ents = [entity_around(root)]
        if person_ents:
            # a long mention ("Kirsten Hillman, in Ottawa to prepare for Biden's arrival"): the
            # person named before the first comma, nearest the head, speaks
            comma = next((t.i for t in span if t.text == ","), span.end)
            leading = [e for e in person_ents if e.end <= comma] or person_ents
            ent = next((e for e in person_ents if e.start <= root.i < e.end), leading[-1])
            toks = index.name_tokens(ent)
            name = index.canonical(index.join_words(toks), pos)
            person = index.persons.get(name)
            role = self._role_in_mention(doc, span, ent) or (person.role if person else None)
            if person and role and not person.role:
                person.role = role
            return name, role, "person"
        org = self._org_entity(doc, span, root)
        is_group = (root.tag_ == "NNS" and root.pos_ == "NOUN") or any(c.dep_ == "conj" for c in root.children)
        if org is not None and not (root.pos_ == "NOUN" and root.lower_ in self.lex.person_roles):
            text = strip_determiners(index.text[span.start_char:span.end_char], self.lex.leading_determiners)
            return text, None, "group" if is_group and root.pos_ == "NOUN" else "organization"
        if root.pos_ == "NOUN" and root.lemma_.lower() in self.lex.person_roles and not is_group:
            return self._role_mention(doc, span, root, index)
        text = strip_determiners(index.text[span.start_char:span.end_char], self.lex.leading_determiners)
        if root.pos_ == "PROPN":
            name = index.canonical(text, pos)
            if name in index.persons:
                return name, index.persons[name].role, "person"
            ent_types = {t.ent_type_ for t in span if t.ent_type_}
            return text, None, "organization" if ent_types & ORG_LABELS else None
        if is_group:
            return text, None, "group"
        return text, None, "organization" if root.pos_ == "NOUN" else None

    @staticmethod
    def _org_entity(doc: Doc, span: Span, root: Token) -> Span | None:
        for ent in ents_in(span):
            if ent.label_ in ORG_LABELS:
                if ent.root.i == root.i or root.i in range(ent.start, ent.end) or root.dep_ != "ROOT":
                    return ent
        return None

    def _role_in_mention(self, doc: Doc, span: Span, ent: Span) -> str | None:
        """The words of a mention besides the name, when they name a role."""
        before = doc[span.start:ent.start]
        words = [t for t in before if t.dep_ != "det" and not t.is_punct and t.lower_ not in self.lex.honorifics]
        if words and any(t.pos_ == "NOUN" or t.lower_ in self.lex.titles for t in words):
            return doc[words[0].i:ent.start].text.strip(" ,")
        return None

    def _role_mention(self, doc: Doc, span: Span, root: Token,
                      index: ArticleIndex) -> tuple[str | None, str | None, str | None]:
        """ "the ambassador", "Canada's envoy": the person who holds that role."""
        role = strip_determiners(index.text[span.start_char:span.end_char], self.lex.leading_determiners)
        head = root.lemma_.lower()
        definite = any(c.dep_ in ("poss",) or c.lower_ in self.lex.definite_determiners for c in root.lefts)
        name = None
        if head not in self.lex.anonymous_heads:
            name = index.person_with_role(head, span.start_char)
            if name is None and definite:
                # Lede style: "..., says Canada's ambassador." then "Kirsten Hillman said ..."
                para_end = index.text.find("\n", span.end_char)
                para_end = len(index.text) if para_end < 0 else para_end
                nxt = index.text.find("\n", para_end + 1)
                limit = len(index.text) if nxt < 0 else nxt
                name = index.next_named_subject(span.end_char, limit)
                if name is not None and index.persons[name].role is None:
                    index.persons[name].role = role
        if name is None:
            return role, role, "person"
        return name, role, "person"

    def _pronoun(self, doc: Doc, tok: Token, index: ArticleIndex, claims: list[dict[str, Any]],
                 claim: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
        low = tok.lower_
        pos = tok.idx
        lex = self.lex
        if low in lex.relative_pronouns:
            verb = tok.head
            antecedent = verb.head if verb.dep_ in ("relcl", "acl") else None
            if antecedent is None or antecedent.i == tok.i:
                return None, None, None
            if antecedent.pos_ == "PROPN" and antecedent.ent_type_ in ("GPE", "LOC", "FAC") \
                    and antecedent.dep_ == "pobj":
                antecedent = antecedent.head.head
            s, e = mention_bounds(antecedent)
            # the relative clause itself ends the antecedent's mention
            e = min(e, tok.i)
            if e <= s:
                return None, None, None
            return self.resolve(doc, doc[s:e], index, claims, claim)
        if low in lex.male_pronouns or low in lex.female_pronouns:
            gender = "m" if low in lex.male_pronouns else "f"
            name = self._from_previous_claims(claims, claim, want="person", gender=gender, index=index)
            recent = index.recent_person(pos, gender)
            # a person named since the last claim is a better antecedent than the claim
            if recent is not None and name is not None and recent != name:
                last = index.persons.get(recent)
                prev_pos = max((p for p in (last.positions if last else []) if p < pos), default=-1)
                prev_claim_pos = self._previous_claim_pos(claims, claim)
                if prev_pos > prev_claim_pos:
                    name = recent
            name = name or recent
            if name is None:
                return None, None, "person"  # unresolved: the mention stays in speaker_mention
            person = index.persons.get(name)
            if person is not None and person.gender is None:
                person.gender = gender
            return name, person.role if person else None, "person"
        if low in lex.plural_pronouns:
            if low in lex.first_person:
                return None, None, "group"
            prev = self._from_previous_claims(claims, claim, want="group", gender=None, index=index)
            return prev, None, "group"
        if low in lex.neuter_pronouns:
            prev = self._from_previous_claims(claims, claim, want="organization", gender=None, index=index)
            return prev, None, "organization" if prev else None
        if low in lex.singular_first_person:
            return None, None, "person"
        # "Some want ...", "Many say ...": the quantity is the speaker, a group
        return strip_determiners(tok.text, lex.leading_determiners), None, "group"

    @staticmethod
    def _previous_claim_pos(claims: list[dict[str, Any]], claim: dict[str, Any]) -> int:
        here = claim.get("speaker_start") or claim["start"]
        starts = [c.get("speaker_start") or c["start"] for c in claims
                  if c is not claim and c.get("speaker") and (c.get("speaker_start") or c["start"]) < here]
        return max(starts, default=-1)

    @staticmethod
    def _from_previous_claims(claims: list[dict[str, Any]], claim: dict[str, Any], want: str,
                              gender: str | None, index: ArticleIndex) -> str | None:
        """Speaker of the nearest earlier claim of the wanted type (and agreeing gender)."""
        here = claim.get("speaker_start") or claim["start"]
        best, best_pos = None, -1
        for other in claims:
            if other is claim or not other.get("speaker"):
                continue
            pos = other.get("speaker_start") or other["start"]
            if pos >= here or pos <= best_pos:
                continue
            kind = other.get("speaker_type")
            if want == "group" and kind not in ("group", "organization"):
                continue
            if want != "group" and kind != want:
                continue
            if gender:
                person = index.persons.get(other["speaker"])
                if person is None or (person.gender and person.gender != gender):
                    continue
            best, best_pos = other["speaker"], pos
        return best


@Language.factory("claims_speakers", default_config={"lexicon": ""}, requires=["doc._.claims", "doc.ents"],
                  assigns=["doc._.claims"])
def make_speakers(nlp: Language, name: str, lexicon: str) -> SpeakerResolver:
    """Build the speaker resolver (lexicon path "" = the shipped one)."""
    register_extensions()
    return SpeakerResolver(speaker_words(lexicon) if lexicon else speaker_words())
