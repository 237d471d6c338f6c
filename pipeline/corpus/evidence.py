"""Per-article evidence that the corpus tables read: full names of surname-only speakers, gender cues.

Computed once per article, when its rows are built (the Doc is at hand then), and stored in the
claims columns ``speaker_full_name``, ``speaker_female_cues``, ``speaker_male_cues`` (and each
claim's quotation signature, ``quote_key`` and ``quote_sketch``, see ``pipeline.corpus.quotes``),
so the corpus-level tables are rebuilt at every publish from the claims table alone, without
reading any article again.

- A speaker named by surname alone ("Trump said") gets the full name the same article gives that
  surname elsewhere ("Donald J. Trump"), when the article names one person with it (or one far
  more often than any other) and names them at least once as a person entity. Nothing crosses
  articles here: this is the "a surname merges only inside its article" rule.
- Gender cues count the words in the article that refer to a person speaker and mark a gender:
  an honorific before their name ("Mrs. Clinton", only when no other person of the article
  shares the surname), a gendered noun in a role given to them ("spokeswoman", "his wife"), a
  pronoun the attribution resolved to them ("she said"), and the subject pronoun opening the
  sentence after one whose subject they are and that names no other person.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy
from spacy.attrs import LOWER
from spacy.tokens import Doc, Token

from pipeline.corpus.name_words import SPEAKERS_LEXICON, name_parts, speaker_words
from pipeline.corpus.quotes import quote_signatures
from pipeline.resources import model_file, read_data_file

GENDER_LEXICON = model_file("lexicon", "gender.toml")
_INITIAL = re.compile(r"^[A-Z]\.$")
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
_SUBJECTS = ("nsubj", "nsubjpass")
# Types the attribution gives a surname alone: a person, or by mistake an organization or a group
_NAMED_TYPES = ("person", "organization", "group", None)


@dataclass(frozen=True)
class GenderLexicon:
    """Gendered honorifics, role nouns and pronouns (``models/lexicon/gender.toml``), and the
    titles that are never a first name (``models/lexicon/speakers.toml``)."""

    female_honorifics: frozenset[str]
    male_honorifics: frozenset[str]
    female_roles: frozenset[str]
    male_roles: frozenset[str]
    female_pronouns: frozenset[str]
    male_pronouns: frozenset[str]
    titles: frozenset[str]


@lru_cache(maxsize=4)
def load_gender_lexicon(path: Path | str = GENDER_LEXICON, titles_path: Path | str = SPEAKERS_LEXICON) -> GenderLexicon:
    """Read the gender lexicon (and the speaker titles) once per process."""
    titles = speaker_words(titles_path).titles

    def build(raw: dict[str, Any]) -> GenderLexicon:
        def words(table: str, key: str) -> frozenset[str]:
            return frozenset(str(w).lower() for w in raw[table][key])

        hon_f, hon_m = words("honorifics", "female"), words("honorifics", "male")
        return GenderLexicon(hon_f, hon_m, words("role_nouns", "female"), words("role_nouns", "male"),
                             words("pronouns", "female"), words("pronouns", "male"),
                             frozenset(t.lower().rstrip(".") for t in titles) | hon_f | hon_m)
    return read_data_file(path, "the gender lexicon", build)


def is_surname_only(speaker: str | None) -> bool:
    """A speaker given as one capitalized word that could be a surname ("Trump", "PENCE")."""
    if not speaker or " " in speaker.strip():
        return False
    word = speaker.strip()
    return len(word) > 1 and word[0].isupper() and word.replace("-", "").replace("'", "").replace("’", "").isalpha()


def role_cues(role: str | None, lex: GenderLexicon) -> tuple[int, int]:
    """(female, male) cues of one role string: 1 each when it holds a gendered role noun."""
    if not role:
        return 0, 0
    low = role.lower()
    words = set(_WORD.findall(low))

    def holds(nouns: frozenset[str]) -> int:
        return int(any((n in words) if " " not in n else (n in low) for n in nouns))

    return holds(lex.female_roles), holds(lex.male_roles)


class _ArticleNames:
    """Where each wanted surname occurs in the Doc, and the full forms written before it."""

    def __init__(self, doc: Doc, surnames: set[str], lex: GenderLexicon) -> None:
        self.doc = doc
        self.lex = lex
        # token positions by the hash of their lower-case form: one array, no Token objects
        lowers = doc.to_array(LOWER) if surnames and len(doc) else numpy.zeros(0, dtype="uint64")
        self.positions: dict[str, list[int]] = {
            s: numpy.flatnonzero(lowers == doc.vocab.strings[s]).tolist() for s in surnames}
        # surname -> first name (casefold) -> Counter of full forms; and first names seen in a PERSON entity
        self.forms: dict[str, dict[str, Counter[str]]] = {}
        self.person_firsts: dict[str, set[str]] = {}
        for surname, positions in self.positions.items():
            by_first: dict[str, Counter[str]] = {}
            in_person: set[str] = set()
            for i in positions:
                first = self.first_name_before(i)
                if first is None:
                    continue
                start = first.i
                form = doc[start:i + 1].text.replace("\n", " ")
                key = first.text.casefold()
                by_first.setdefault(key, Counter())[form] += 1
                if first.ent_type_ == "PERSON" and doc[i].ent_type_ == "PERSON":
                    in_person.add(key)
            self.forms[surname] = by_first
            self.person_firsts[surname] = in_person

    def first_name_before(self, i: int) -> Token | None:
        """The first name written before the surname token ``i`` ("Donald" in "Donald J. Trump"),
        or None when the word before it is no name (a title, a sentence start, another name part)."""
        doc = self.doc
        nxt = doc[i + 1] if i + 1 < len(doc) else None
        if nxt is not None and (nxt.lower_ in name_parts().suffixes
                                or (nxt.pos_ == "PROPN" and nxt.text[:1].isupper())):
            return None  # "Donald Trump Jr.", "Trump Tower": not this person's full name
        j = i - 1
        if j >= 0 and _INITIAL.match(doc[j].text):
            j -= 1
        if j < 0:
            return None
        first = doc[j]
        if "\n" in first.whitespace_ or (j < i - 1 and "\n" in doc[j + 1].whitespace_):
            return None
        text = first.text
        if len(text) < 2 or not text[0].isupper() or not text.replace("-", "").isalpha():
            return None
        if first.pos_ != "PROPN" or first.is_stop or text.lower().rstrip(".") in self.lex.titles:
            return None
        return first

    def full_name(self, surname: str) -> str | None:
        """The article's full name for ``surname``: its most frequent full form, when one first
        name is used with it (or one at least three times as often as any other) and that name
        is tagged a person at least once."""
        by_first = self.forms.get(surname.casefold())
        if not by_first:
            return None
        # a first name counts when the article tags it a person with this surname, or when the
        # first-name resource knows it ("Donald"; not "Post" in "Huffington Post Trump")
        tagged = self.person_firsts.get(surname.casefold(), set())
        known = known_first_names([f for f in by_first if f not in tagged])
        by_first = {f: forms for f, forms in by_first.items() if f in tagged or f in known}
        if not by_first:
            return None
        ranked = sorted(by_first.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
        top_first, top_forms = ranked[0]
        if len(ranked) > 1 and sum(top_forms.values()) < 3 * sum(ranked[1][1].values()):
            return None
        return min(top_forms.items(), key=lambda kv: (-kv[1], kv[0]))[0]

    def shared_surname(self, surname: str, first: str) -> bool:
        """Whether another first name is used with ``surname`` in the article."""
        return any(f != first for f in self.forms.get(surname, {}))


def known_first_names(names: list[str]) -> set[str]:
    """The names the first-name resource holds for at least ``first_name_min_count`` people."""
    if not names:
        return set()
    from pipeline.corpus.first_names import first_names
    from pipeline.corpus.gender import gender_settings

    least = gender_settings().first_name_min_count
    return {n for n, (_, people) in first_names().lookup(names).items() if people >= least}


def _honorific(tok: Token) -> str:
    return tok.lower_.rstrip(".")


def link_claims(doc: Doc, claims: list[dict[str, Any]], lex: GenderLexicon | None = None) -> None:
    """Fill ``speaker_full_name``, ``speaker_female_cues``, ``speaker_male_cues``, ``quote_key``
    and ``quote_sketch`` of ``claims`` (row dicts of one article, with ``content``, ``speaker``,
    ``speaker_type``, ``speaker_mention`` and ``speaker_role``) from the article's Doc."""
    lex = lex or load_gender_lexicon()
    for c, signature in zip(claims, quote_signatures([c.get("content") or "" for c in claims])):
        c["speaker_full_name"] = None
        c["speaker_female_cues"] = c["speaker_male_cues"] = None
        c["quote_key"], c["quote_sketch"] = signature
    if not claims:
        return
    surnames: set[str] = set()
    for c in claims:
        speaker = (c.get("speaker") or "").strip()
        if c.get("speaker_type") in _NAMED_TYPES and is_surname_only(speaker):
            surnames.add(speaker.casefold())
        elif c.get("speaker_type") == "person" and len(speaker.split()) >= 2:
            surnames.add(speaker.split()[-1].casefold())
    names = _ArticleNames(doc, surnames, lex)

    persons: dict[str, list[dict[str, Any]]] = {}
    for c in claims:
        speaker = (c.get("speaker") or "").strip()
        if is_surname_only(speaker) and c.get("speaker_type") in _NAMED_TYPES:
            full = names.full_name(speaker)
            if full is not None:
                c["speaker_full_name"] = full
                persons.setdefault(full, []).append(c)
                continue
        if c.get("speaker_type") == "person" and speaker:
            persons.setdefault(speaker, []).append(c)

    sents = list(doc.sents)
    starts = [s.start for s in sents]
    # (start, end, last word) of each PERSON entity, read once: ``Span.ents`` walks the whole Doc's entities
    persons_at = [(e.start, e.end, e.text.split()[-1].casefold()) for e in doc.ents if e.label_ == "PERSON"]
    for person, pclaims in persons.items():
        female, male = _gender_cues(doc, person, pclaims, names, sents, starts, persons_at, lex)
        for c in pclaims:
            c["speaker_female_cues"], c["speaker_male_cues"] = female, male


def _gender_cues(doc: Doc, person: str, claims: list[dict[str, Any]], names: _ArticleNames,
                 sents: list, starts: list[int], persons_at: list[tuple[int, int, str]],
                 lex: GenderLexicon) -> tuple[int, int]:
    female = male = 0
    words = person.split()
    for role in {c.get("speaker_role") for c in claims}:
        f, m = role_cues(role, lex)
        female, male = female + f, male + m
    shared = len(words) >= 2 and names.shared_surname(words[-1].casefold(), words[0].casefold())
    for c in claims:
        mention = (c.get("speaker_mention") or "").strip().lower()
        female += mention in lex.female_pronouns
        male += mention in lex.male_pronouns
        if shared and " " in mention:
            # "Mrs. Clinton" resolved by the attribution where a bare surname is ambiguous (the
            # scan below skips it); elsewhere the scan counts the honorific itself
            title = mention.split()[0].rstrip(".")
            female += title in lex.female_honorifics
            male += title in lex.male_honorifics
    if len(words) < 2:
        return female, male
    surname, first = words[-1].casefold(), words[0].casefold()
    mention_sents: set[int] = set()
    for i in names.positions.get(surname, ()):
        first_tok = names.first_name_before(i)
        if first_tok is not None and first_tok.text.casefold() != first:
            continue  # another person with the same surname
        if first_tok is None and shared:
            continue  # a bare surname that two people of the article share
        before = doc[first_tok.i - 1] if first_tok is not None and first_tok.i > 0 else (doc[i - 1] if i > 0 else None)
        if before is not None:
            female += _honorific(before) in lex.female_honorifics
            male += _honorific(before) in lex.male_honorifics
        if doc[i].dep_ in _SUBJECTS or (doc[i].head.dep_ in _SUBJECTS and doc[i].head.i != i
                                        and doc[i].head.ent_type_ == "PERSON"):
            k = bisect.bisect_right(starts, i) - 1
            sent = sents[k]
            others = [1 for start, end, last in persons_at if sent.start <= start and end <= sent.end
                      and not (start <= i < end) and last != surname]
            if not others:
                mention_sents.add(k)
    for k in mention_sents:
        if k + 1 >= len(sents):
            continue
        for tok in sents[k + 1]:
            if tok.dep_ in _SUBJECTS:
                female += tok.lower_ in lex.female_pronouns
                male += tok.lower_ in lex.male_pronouns
                break
    return female, male
