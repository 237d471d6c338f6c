"""The words of names the corpus linking reads (``models/lexicon/names.toml``), as one record."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.resources import model_file, read_data_file

NAMES_LEXICON = model_file("lexicon", "names.toml")


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
