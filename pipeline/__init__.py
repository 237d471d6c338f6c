"""Claim extraction from news articles: who said what, with the figures, dates and places involved.

From Python: ``pipeline.load()`` gives the configured spaCy pipeline and
``pipeline.extract(text, published=...)`` one text's rows (see :mod:`pipeline.api`). Both are
imported on first use, so ``import pipeline`` stays light.
"""
from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "extract", "load"]


def __getattr__(name: str) -> Any:
    if name in ("load", "extract"):
        from pipeline import api

        return getattr(api, name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
