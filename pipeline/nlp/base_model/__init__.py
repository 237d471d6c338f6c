"""The base spaCy model, loaded, with some of its components swapped for faster equivalents.

``[model] swap`` of ``models/pipeline.toml`` names, per spaCy factory of the base model, the
factory of a component that gives the same annotations faster: ``claims_attribute_ruler``
(rules matched by lookup tables) and ``claims_lemmatizer`` (lemmas set from arrays). Each swapped
component takes over the settings and the data (patterns, lookup tables) of the one it replaces.
Raw spaCy, as ``claims benchmark`` times it, is the model as loaded, without the swaps.
"""
from __future__ import annotations

import importlib
from pathlib import Path

import spacy
from spacy.language import Language

from pipeline.nlp.base_model.attribute_ruler import CompiledAttributeRuler, make_attribute_ruler
from pipeline.nlp.base_model.lemmatizer import ArrayLemmatizer, make_lemmatizer

__all__ = ["ArrayLemmatizer", "CompiledAttributeRuler", "load_base_model", "make_attribute_ruler",
           "make_lemmatizer", "swap_components"]


def load_base_model(name: str, exclude: list[str] | None = None) -> Language:
    """Load a spaCy model from an importable package with ``load()`` or from a directory."""
    if Path(name).exists():
        return spacy.load(name, exclude=exclude or [])
    module = importlib.import_module(name)
    return module.load(exclude=exclude or [])


def swap_components(nlp: Language, swaps: dict[str, str]) -> list[str]:
    """Replace each component of ``nlp`` made by a factory named in ``swaps`` with one made by
    the factory it maps to, with the same settings and data; return the names replaced."""
    replaced = []
    for name in list(nlp.pipe_names):
        target = swaps.get(nlp.get_pipe_meta(name).factory)
        if not target:
            continue
        data = nlp.get_pipe(name).to_bytes(exclude=["vocab"])
        config = {k: v for k, v in nlp.get_pipe_config(name).items() if k != "factory"}
        nlp.replace_pipe(name, target, config=config)
        nlp.get_pipe(name).from_bytes(data, exclude=["vocab"])
        replaced.append(name)
    return replaced
