"""The words of names and speakers, each lexicon read once into one record: the name words the
corpus linking reads (``models/lexicon/names.toml``) and the speaker words that the speaker
resolution (``pipeline.nlp.speakers``) and the corpus evidence read (``models/lexicon/speakers.toml``).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from pipeline.resources import model_file, read_data_file

NAMES_LEXICON = model_file("lexicon", "names.toml")
SPEAKERS_LEXICON = model_file("lexicon", "speakers.toml")


@dataclass(frozen=True)
class NameParts:
    """The ``[names]`` words of ``models/lexicon/names.toml``, lower case."""

    particles: frozenset[str]
    suffixes: frozenset[str]
    pronouns: frozenset[str]
    articles: frozenset[str]


@lru_cache(maxsize=4)
def name_parts(path: Path | str = NAMES_LEXICON) -> NameParts:
    """Name particles ("van"), generational suffixes ("jr."), personal pronouns and the articles
    that open an organization's name, read once per process."""
    def build(raw: dict) -> NameParts:
        names = raw["names"]
        return NameParts(*(frozenset(names[key]) for key in ("particles", "suffixes", "pronouns",
                                                          "articles")))
    return read_data_file(path, "the name words", build)


@dataclass(frozen=True)
class SpeakerWords:
    """The words of ``models/lexicon/speakers.toml``: titles and role nouns (as written), role
    synonyms (head noun -> the roles it may stand for), and lower-cased pronouns by gender and
    number, gendered titles and first names, honorifics, determiners and anonymous heads."""

    titles: frozenset[str]
    person_roles: frozenset[str]
    role_synonyms: Mapping[str, tuple[str, ...]]
    male_pronouns: frozenset[str]
    female_pronouns: frozenset[str]
    plural_pronouns: frozenset[str]
    neuter_pronouns: frozenset[str]
    relative_pronouns: frozenset[str]
    first_person: frozenset[str]
    singular_first_person: frozenset[str]
    male_titles: frozenset[str]
    female_titles: frozenset[str]
    male_names: frozenset[str]
    female_names: frozenset[str]
    honorifics: frozenset[str]
    leading_determiners: frozenset[str]
    definite_determiners: frozenset[str]
    anonymous_heads: frozenset[str]


_LOWERED = ("male_pronouns", "female_pronouns", "plural_pronouns", "neuter_pronouns", "relative_pronouns",
            "first_person", "singular_first_person", "male_titles", "female_titles", "male_names",
            "female_names", "honorifics", "leading_determiners", "definite_determiners", "anonymous_heads")


@lru_cache(maxsize=4)
def speaker_words(path: Path | str = SPEAKERS_LEXICON) -> SpeakerWords:
    """The speaker lexicon, read once per process."""
    def build(raw: dict[str, Any]) -> SpeakerWords:
        synonyms = MappingProxyType({k: tuple(v) for k, v in raw["role_synonyms"].items()})
        lowered = (frozenset(str(w).lower() for w in raw[key]) for key in _LOWERED)
        return SpeakerWords(frozenset(raw["titles"]), frozenset(raw["person_roles"]), synonyms, *lowered)
    return read_data_file(path, "the speaker words", build)
