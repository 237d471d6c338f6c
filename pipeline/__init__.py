"""Claim extraction from news articles: who said what, with the figures, dates and places involved.

From Python: ``pipeline.load()`` gives the configured spaCy pipeline and
``pipeline.extract(text, published=...)`` one text's rows (see :mod:`pipeline.api`). Both are
imported on first use, so ``import pipeline`` stays light.

Arrow allocates from the C library's allocator (``ARROW_DEFAULT_MEMORY_POOL=system``, unless the
environment already chooses one) in every process that imports this package before pyarrow, and
in the worker processes it starts: under Arrow's default, mimalloc, the pages of the many small
tables a publish builds and frees stayed with the process, and its peak memory grew with the
corpus by ten times what the tables hold (see the README's memory figures). Arrow reads the
variable once, when it loads.
"""
from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

__version__ = "0.1.0"
__all__ = ["__version__", "extract", "load"]


def __getattr__(name: str) -> Any:
    if name in ("load", "extract"):
        from pipeline import api

        return getattr(api, name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
