"""Stable ids of corpus-level rows (the same hash as ``pipeline.export.rows.stable_id``, without
importing the row builder, which imports this package)."""
from __future__ import annotations

import hashlib


def stable_id(*parts: object) -> str:
    """A 16-hex-digit id derived from its parts: the same inputs give the same id on every run."""
    raw = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]
