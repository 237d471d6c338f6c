"""A person's gender: text evidence first, the first name second, ``unknown`` when weak or conflicting.

The text cues are counted per article (``pipeline.corpus.evidence``); each article votes for the
side that holds at least ``text_share`` of its cues. The first name, when the offline resource
(``pipeline.corpus.first_names``) reads it confidently, casts ``first_name_weight`` votes. The
larger side wins when it holds at least ``text_share`` of all votes; otherwise (no vote, or votes
on both sides, e.g. the text of one article against the first name) the gender is ``unknown``.
Settings in ``models/corpus.toml`` under ``[gender]``.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.resources import model_file

CORPUS_CONFIG = model_file("corpus.toml")


@dataclass(frozen=True)
class GenderSettings:
    """Thresholds of the gender decision."""

    text_share: float = 0.75
    first_name_weight: int = 1
    first_name_probability: float = 0.9
    first_name_min_count: int = 50


@lru_cache(maxsize=4)
def load_corpus_config(path: Path | str = CORPUS_CONFIG) -> dict:
    """The corpus-level settings (``models/corpus.toml``)."""
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def gender_settings(path: Path | str = CORPUS_CONFIG) -> GenderSettings:
    """The ``[gender]`` settings."""
    return GenderSettings(**load_corpus_config(path).get("gender", {}))


def name_reading(entry: tuple[float, int] | None, settings: GenderSettings) -> str | None:
    """``female``/``male`` when the resource's entry (p_female, people) is confident, else None."""
    if entry is None:
        return None
    p_female, people = entry
    if people < settings.first_name_min_count:
        return None
    if p_female >= settings.first_name_probability:
        return "female"
    if p_female <= 1 - settings.first_name_probability:
        return "male"
    return None


def _side(f: int, m: int, share: float) -> str | None:
    total = f + m
    if total == 0 or f == m or max(f, m) / total < share:
        return None
    return "female" if f > m else "male"


def decide(female_votes: int, male_votes: int, by_name: str | None,
           settings: GenderSettings = GenderSettings()) -> tuple[str, str | None]:
    """``(gender, source)`` from the text's votes (articles) and the first name's reading: gender
    ``female``/``male``/``unknown``; source ``text`` when the text alone gives that gender,
    ``first_name`` when the first name was needed, None when unknown."""
    f = female_votes + (settings.first_name_weight if by_name == "female" else 0)
    m = male_votes + (settings.first_name_weight if by_name == "male" else 0)
    gender = _side(f, m, settings.text_share)
    if gender is None:
        return "unknown", None
    return gender, "text" if _side(female_votes, male_votes, settings.text_share) == gender else "first_name"
