"""One speaker across the corpus: merge the claims' speakers into identities, precision first.

The rules (pure functions over names and roles, applied to a whole claims table by
``pipeline.corpus.link``):

- A person with a full name merges across articles on that name, compared without titles,
  accents, case and possessives ("President Donald Trump's" = "Donald Trump"). A middle name or
  initial is kept apart only when the corpus has two different ones for the same first and last
  name ("George H. W. Bush" and "George W. Bush"; a bare "George Bush" then stays apart too);
  otherwise "Donald J. Trump" = "Donald Trump". A suffix ("Jr.") is part of the name.
- A surname alone merges only inside its article: with the full name the article gives it
  (``claims.speaker_full_name``, see ``pipeline.corpus.evidence``), else into a speaker of that
  article only. So do unnamed roles ("the ambassador") and generic groups ("officials").
- Two people with the same full name stay apart when the roles their articles give them fall
  into fields of work (``models/lexicon/roles.toml``) that no article joins and that are not
  listed as compatible (a farmer and a senator; not a businessman and a president). Articles
  without such a role go with the namesake found in the most articles.
- Organizations and named groups merge on their normalized name ("the White House" = "White
  House", "U.S. Senate" = "US Senate").
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.corpus.evidence import is_surname_only, load_gender_lexicon
from pipeline.corpus.name_words import name_parts
from pipeline.resources import model_file, read_data_file

ROLES_LEXICON = model_file("lexicon", "roles.toml")
_TOKEN = re.compile(r"[^\s]+")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_NON_WORD = re.compile(r"[^\w\s&-]")
_SPACE = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")
# No person's name in the news has more words than this (titles included): longer is a phrase.
MAX_NAME_WORDS = 8
_ROLE_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
# Where a role's head noun phrase ends: "senator | from Ohio", "professor | of law", "aide |, who".
_ROLE_TAIL = re.compile(r"[,;(]| (?:of|for|from|at|in|with|to|on|who|whose|that|since|during)\b")


@dataclass(frozen=True)
class RoleFields:
    """Fields of work and their words, and which pairs of fields one person may hold."""

    words: dict[str, frozenset[str]]
    compatible: frozenset[frozenset[str]]

    def __post_init__(self) -> None:
        by_word: dict[str, set[str]] = defaultdict(set)
        phrases: list[tuple[str, str]] = []
        for f, ws in self.words.items():
            for w in ws:
                if " " in w:
                    phrases.append((w, f))
                else:
                    by_word[w].add(f)
        object.__setattr__(self, "_by_word", {w: frozenset(fs) for w, fs in by_word.items()})
        object.__setattr__(self, "_phrases", tuple(phrases))
        object.__setattr__(self, "of", lru_cache(maxsize=65536)(self._of))

    def _of(self, role: str | None) -> frozenset[str]:
        """The fields of a role's head nouns ("Republican presidential nominee" -> politics,
        "professor of law" -> academia, "farmer and professor" -> public and academia); words
        that only modify the head ("Student loans") say nothing."""
        if not role:
            return frozenset()
        segment = _ROLE_TAIL.split(role.lower(), maxsplit=1)[0]
        found: set[str] = set()
        for conjunct in segment.split(" and "):
            words = _ROLE_WORD.findall(conjunct)
            if words:
                found |= self._by_word.get(words[-1], frozenset())
        for phrase, f in self._phrases:
            if phrase in segment:
                found.add(f)
        return frozenset(found)


@lru_cache(maxsize=4)
def load_role_fields(path: Path | str = ROLES_LEXICON) -> RoleFields:
    """Read ``models/lexicon/roles.toml`` once per process."""
    def build(raw: dict) -> RoleFields:
        words = {f: frozenset(str(w).lower() for w in ws) for f, ws in raw["fields"].items()}
        pairs = frozenset(frozenset(p) for p in raw["compatible"]["pairs"])
        return RoleFields(words, pairs)
    return read_data_file(path, "the fields of work", build)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case without accents, curly apostrophes made straight."""
    if text.isascii():
        return text.casefold()
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


@lru_cache(maxsize=65536)
def person_name(name: str) -> tuple[str, str, str, str] | None:
    """``(first, middle, last, suffix)`` of a full person name, folded, titles and possessive
    dropped ("Sen. Elizabeth A. Warren's" -> ("elizabeth", "a", "warren", "")); None when it
    is not a name of at least a first and a last word."""
    if _DIGIT.search(name):
        return None
    words = _POSSESSIVE.sub("", name.strip()).replace(",", " ").split()
    if len(words) > MAX_NAME_WORDS:
        return None
    titles = load_gender_lexicon().titles
    parts = name_parts()
    while words and words[0].lower().rstrip(".") in titles:
        words = words[1:]
    suffix = ""
    if len(words) > 2 and words[-1].lower().rstrip(".") in parts.suffixes:
        suffix = words.pop().lower().rstrip(".")
    if len(words) < 2:
        return None
    for w in words:
        if not (w[0].isupper() or w.lower() in parts.particles):
            return None
    folded = [fold(w) for w in words]
    first, last = folded[0].rstrip("."), folded[-1]
    # "Loretta E. Lynch": middle initials; "Hillary Rodham Clinton": a middle name, read by its initial
    inner = folded[1:-1]
    middle = "".join(w[0] for w in inner if w not in parts.particles)
    particles = [w for w in inner if w in parts.particles]
    if particles:  # "Ludwig van Beethoven": the particle belongs to the last name
        last = " ".join(particles + [last])
    if len(first) < 2 or len(last) < 2:
        return None
    return first, middle, last, suffix


@lru_cache(maxsize=65536)
def organization_key(name: str) -> str:
    """The normalized name organizations and groups merge on ("The White House" -> "white house",
    "U.S. Senate's" -> "us senate")."""
    text = fold(_POSSESSIVE.sub("", name.strip())).replace("&", " and ")
    text = text.replace(".", "")
    text = _SPACE.sub(" ", _NON_WORD.sub(" ", text)).strip()
    words = text.split()
    articles = name_parts().articles
    while len(words) > 1 and words[0] in articles:
        words = words[1:]
    return " ".join(words)


def is_proper(name: str) -> bool:
    """Whether a name is a proper name (a capitalized word in it): "Republicans", "Fox News",
    not "officials", "the campaign", "you"."""
    words = name.split()
    return any(w[:1].isupper() for w in words) and not is_pronoun(name)


def is_pronoun(text: str) -> bool:
    """Whether ``text`` is a personal pronoun ("he", "They"), compared folded."""
    return fold(text) in name_parts().pronouns


@dataclass(frozen=True)
class SpeakerName:
    """How one (speaker, type, full name) of a claim merges: ``kind`` is ``person`` (on ``base``,
    with its ``middle``), ``org`` (a named organization or group, on ``base``), ``surname_org``
    (one capitalized word typed an organization: a surname alone when a person of the corpus has
    it as last name, else an organization) or ``article`` (kept to its article, on ``base``);
    ``family`` is what its quotations are matched with surname-only speakers by."""

    kind: str
    base: str
    middle: str = ""
    family: str = ""


@lru_cache(maxsize=65536)
def classify(speaker: str, speaker_type: str | None, full_name: str | None) -> SpeakerName | None:
    """The merge class of a claim's speaker (None when the claim names no speaker)."""
    speaker = (speaker or "").strip()
    if not speaker:
        return None
    name = person_name(full_name) if full_name else None
    if name is None and speaker_type == "person" and not is_surname_only(speaker):
        name = person_name(speaker)
    if name is not None:
        first, middle, last, suffix = name
        return SpeakerName("person", f"{first}|{last}|{suffix}", middle, last)
    key = organization_key(speaker) or fold(speaker)
    if speaker_type in ("organization", "group") and is_proper(speaker):
        return SpeakerName("surname_org" if is_surname_only(speaker) else "org", key, "", key)
    return SpeakerName("article", key, "", fold(speaker) if is_surname_only(speaker) else key)


def split_by_role(by_article: dict[str, frozenset[str]], fields: RoleFields) -> dict[str, str]:
    """Namesakes told apart by the fields of their roles: for the articles of one full name (each
    with the fields of its roles), ``article -> id suffix`` of the articles that go to another
    namesake than the main one (the one in the most articles); empty when they are one person."""
    present = sorted({f for fs in by_article.values() for f in fs})
    if len(present) < 2:
        return {}
    parent = {f: f for f in present}

    def find(f: str) -> str:
        while parent[f] != f:
            parent[f] = parent[parent[f]]
            f = parent[f]
        return f

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for fs in by_article.values():
        ordered = sorted(fs)
        for other in ordered[1:]:
            union(ordered[0], other)
    for i, a in enumerate(present):
        for b in present[i + 1:]:
            if frozenset((a, b)) in fields.compatible:
                union(a, b)
    components: dict[str, set[str]] = defaultdict(set)
    for f in present:
        components[find(f)].add(f)
    if len(components) == 1:
        return {}
    articles_of: dict[str, int] = defaultdict(int)
    for fs in by_article.values():
        if fs:
            articles_of[find(min(fs))] += 1
    main = min(components, key=lambda r: (-articles_of[r], sorted(components[r])))
    return {aid: "+".join(sorted(components[find(min(fs))])) for aid, fs in by_article.items()
            if fs and find(min(fs)) != main}
