"""One speaker across the corpus: merge the claims' speakers into identities, precision first.

The rules, applied to ``ClaimRef`` records (pure functions, no I/O):

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
import tomllib
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from pipeline.corpus.evidence import is_surname_only, load_gender_lexicon
from pipeline.corpus.records import ClaimRef, Speaker
from pipeline.corpus.ids import stable_id
from pipeline.nlp import MODELS_DIR

ROLES_LEXICON = MODELS_DIR / "lexicon" / "roles.toml"
PARTICLES = frozenset({"de", "da", "di", "del", "della", "der", "den", "van", "von", "bin", "ibn", "al",
                       "el", "la", "le", "du", "dos", "das", "st.", "mac", "ter", "y"})
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
PRONOUNS = frozenset({"i", "me", "we", "us", "you", "he", "she", "they", "it", "him", "her", "them"})
_TOKEN = re.compile(r"[^\s]+")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_NON_WORD = re.compile(r"[^\w\s&-]")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class RoleFields:
    """Fields of work and their words, and which pairs of fields one person may hold."""

    words: dict[str, frozenset[str]]
    compatible: frozenset[frozenset[str]]

    def of(self, role: str | None) -> frozenset[str]:
        """The fields a role string belongs to ("Republican presidential nominee" -> politics)."""
        if not role:
            return frozenset()
        low = role.lower()
        toks = set(re.findall(r"[a-z]+(?:-[a-z]+)*", low))
        return frozenset(f for f, words in self.words.items()
                         if any((w in toks) if " " not in w else (w in low) for w in words))


@lru_cache(maxsize=4)
def load_role_fields(path: Path | str = ROLES_LEXICON) -> RoleFields:
    """Read ``models/lexicon/roles.toml`` once per process."""
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    words = {f: frozenset(w.lower() for w in ws) for f, ws in raw.get("fields", {}).items()}
    pairs = frozenset(frozenset(p) for p in raw.get("compatible", {}).get("pairs", ()))
    return RoleFields(words, pairs)


def fold(text: str) -> str:
    """Lower case without accents, curly apostrophes made straight."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


@lru_cache(maxsize=65536)
def person_name(name: str) -> tuple[str, str, str, str] | None:
    """``(first, middle, last, suffix)`` of a full person name, folded, titles and possessive
    dropped ("Sen. Elizabeth A. Warren's" -> ("elizabeth", "a", "warren", "")); None when it
    is not a name of at least a first and a last word."""
    titles = load_gender_lexicon().titles
    words = [w for w in _TOKEN.findall(_POSSESSIVE.sub("", name.strip()))]
    while words and fold(words[0]).rstrip(".") in titles:
        words = words[1:]
    words = [w.strip(",") for w in words if w.strip(",")]
    suffix = ""
    if len(words) > 2 and fold(words[-1]).rstrip(".") in SUFFIXES:
        suffix = fold(words.pop()).rstrip(".")
    if len(words) < 2:
        return None
    for w in words:
        if not (w[0].isupper() or fold(w) in PARTICLES) or any(ch.isdigit() for ch in w):
            return None
    first, last = fold(words[0]).rstrip("."), fold(words[-1])
    # "Loretta E. Lynch": middle initials; "Hillary Rodham Clinton": a middle name, read by its initial
    middle = "".join(fold(w)[0] for w in words[1:-1] if fold(w) not in PARTICLES)
    particles = [fold(w) for w in words[1:-1] if fold(w) in PARTICLES]
    if particles:  # "Ludwig van Beethoven": the particle belongs to the last name
        last = " ".join(particles + [last])
    if len(first) < 2 or len(last) < 2:
        return None
    return first, middle, last, suffix


def organization_key(name: str) -> str:
    """The normalized name organizations and groups merge on ("The White House" -> "white house",
    "U.S. Senate's" -> "us senate")."""
    text = fold(_POSSESSIVE.sub("", name.strip())).replace("&", " and ")
    text = text.replace(".", "")
    text = _SPACE.sub(" ", _NON_WORD.sub(" ", text)).strip()
    words = text.split()
    while len(words) > 1 and words[0] in ("the", "a", "an"):
        words = words[1:]
    return " ".join(words)


def is_proper(name: str) -> bool:
    """Whether a name is a proper name (a capitalized word in it): "Republicans", "Fox News",
    not "officials", "the campaign", "you"."""
    words = name.split()
    return any(w[:1].isupper() for w in words) and fold(name) not in PRONOUNS


def _most_common(counter: Counter[str]) -> str:
    return min(counter.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0]


def _person_display(claim: ClaimRef) -> str:
    return claim.speaker_full_name or claim.speaker


def link_speakers(claims: Iterable[ClaimRef], fields: RoleFields | None = None) -> tuple[dict[str, str], list[Speaker]]:
    """Link every claim with a speaker to one ``Speaker``: returns ``claim_id -> speaker_id`` and
    the speakers (each with its claims)."""
    fields = fields or load_role_fields()
    persons: dict[tuple[str, str, str], dict[str, list[ClaimRef]]] = defaultdict(lambda: defaultdict(list))
    rest: list[ClaimRef] = []
    for c in claims:
        speaker = (c.speaker or "").strip()
        if not speaker:
            continue
        name = person_name(c.speaker_full_name) if c.speaker_full_name else None
        if name is None and c.speaker_type == "person" and not is_surname_only(speaker):
            name = person_name(speaker)
        if name is not None:
            first, middle, last, suffix = name
            persons[(first, last, suffix)][middle].append(c)
        else:
            rest.append(c)
    surnames = {last for _, last, _ in persons}
    others: dict[tuple[str, str, str | None], list[ClaimRef]] = defaultdict(list)
    for c in rest:
        speaker = c.speaker.strip()
        # One capitalized word typed an organization may be a surname alone ("Trump" tagged ORG):
        # when a person of the corpus has it as last name it stays in its article.
        named = c.speaker_type in ("organization", "group") and is_proper(speaker) and not (
            is_surname_only(speaker) and fold(speaker) in surnames)
        if named:
            others[("org", organization_key(speaker), None)].append(c)
        else:
            # a surname alone, an unnamed role, a generic group, an unresolved pronoun: this article only
            others[("article", organization_key(speaker) or fold(speaker), c.article_id)].append(c)

    speakers: list[Speaker] = []
    for (first, last, suffix), by_middle in persons.items():
        speakers.extend(_person_speakers(first, last, suffix, by_middle, fields))
    for (scope, key, article_id), group in others.items():
        speakers.append(_other_speaker(scope, key, article_id, group))
    links = {c.claim_id: s.speaker_id for s in speakers for c in s.claims}
    return links, speakers


def _person_speakers(first: str, last: str, suffix: str, by_middle: dict[str, list[ClaimRef]],
                     fields: RoleFields) -> list[Speaker]:
    middles = [m for m in by_middle if m]
    groups: list[tuple[tuple[str, ...], list[ClaimRef]]] = []
    if len(middles) <= 1:
        groups.append(((first, last, suffix), [c for cs in by_middle.values() for c in cs]))
    else:
        # two different middle names: each its own person; the bare name is ambiguous, kept apart
        for m, cs in sorted(by_middle.items()):
            groups.append(((first, m, last, suffix) if m else (first, last, suffix), cs))
    out: list[Speaker] = []
    for key, cs in groups:
        for sub_key, sub in _split_by_role(cs, fields):
            sid = stable_id("speaker", "person", *key, *sub_key)
            out.append(Speaker(sid, _most_common(Counter(_person_display(c) for c in sub)), "person",
                               "corpus", None, sub, family=last))
    return out


def _split_by_role(claims: list[ClaimRef], fields: RoleFields) -> list[tuple[tuple[str, ...], list[ClaimRef]]]:
    """Namesakes told apart by the fields of their roles: ``[(id suffix, claims)]``; the namesake
    with the most articles keeps the plain id (suffix ``()``)."""
    by_article: dict[str, set[str]] = defaultdict(set)
    for c in claims:
        by_article[c.article_id] |= fields.of(c.speaker_role)
    present = sorted({f for fs in by_article.values() for f in fs})
    if len(present) < 2:
        return [((), claims)]
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
        fs_sorted = sorted(fs)
        for other in fs_sorted[1:]:
            union(fs_sorted[0], other)
    for i, a in enumerate(present):
        for b in present[i + 1:]:
            if frozenset((a, b)) in fields.compatible:
                union(a, b)
    components: dict[str, set[str]] = defaultdict(set)
    for f in present:
        components[find(f)].add(f)
    if len(components) == 1:
        return [((), claims)]
    articles_of: dict[str, set[str]] = defaultdict(set)
    for aid, fs in by_article.items():
        if fs:
            articles_of[find(next(iter(fs)))].add(aid)
    ranked = sorted(components, key=lambda r: (-len(articles_of[r]), sorted(components[r])))
    main = ranked[0]
    assign = {aid: find(next(iter(fs))) if fs else main for aid, fs in by_article.items()}
    out = []
    for root in ranked:
        sub = [c for c in claims if assign[c.article_id] == root]
        out.append(((() if root == main else ("+".join(sorted(components[root])),)), sub))
    return out


def _other_speaker(scope: str, key: str, article_id: str | None, claims: list[ClaimRef]) -> Speaker:
    kind = Counter(c.speaker_type for c in claims).most_common(1)[0][0]
    name = _most_common(Counter(c.speaker.strip() for c in claims))
    if scope == "org":
        sid = stable_id("speaker", "org", key)
        return Speaker(sid, name, kind, "corpus", None, claims, family=key)
    sid = stable_id("speaker", "article", article_id, key)
    family = fold(name) if is_surname_only(name) else key
    return Speaker(sid, name, kind, "article", article_id, claims, family=family)
