"""The records ingest yields: an ``Article`` to analyse, or a ``Reject`` saying why not."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any


def article_id_for(doc_id: str) -> str:
    """The stable article id of an input id: the same on every run."""
    return hashlib.sha256(("article:" + doc_id).encode("utf-8")).hexdigest()[:16]


def content_hash_for(title: str | None, text: str, published: str | None) -> str:
    """What a change of the article means: a hash of its title, text and publication date."""
    raw = "\x1f".join([title or "", text, published or ""])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@dataclass
class Article:
    """One article to analyse; ``text`` is the body that all offsets point into."""

    article_id: str
    doc_id: str
    title: str | None
    text: str
    published: str | None
    source: str | None
    url: str | None
    author: str | None
    input_path: str
    input_format: str
    record: str | None
    content_hash: str
    extra: dict[str, Any] = field(default_factory=dict)
    ingest_notes: str | None = None  # what ingest changed so the record could be stored, if anything


@dataclass
class Reject:
    """An input record that was not analysed, and why."""

    input_path: str
    record: str | None
    doc_id: str | None
    reason: str
