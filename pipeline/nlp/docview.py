"""What spaCy rebuilds on every access of a Doc, read once per Doc and shared by the components.

``doc.text`` joins the text of every token and ``doc.ents`` scans every token and makes a new
Span per entity each time they are read; most of our components read both. The first look
keeps the Doc's text and its entities' bounds (plain values, no reference back to the Doc) in
a table that holds each Doc weakly: nothing is stored on the Doc, so nothing more travels when
Docs are serialized, and an entry goes with its Doc. The text of a Doc never changes
(retokenizing keeps it); its entities can, when a component sets ``doc.ents``, so every call
compares the entity annotation with the one the entry was made from.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from spacy.attrs import ENT_IOB, ENT_TYPE
from spacy.tokens import Doc, Span


@dataclass(frozen=True)
class _Entry:
    text: str
    ent_key: bytes  # the entity annotation the bounds were read from
    ents: tuple[tuple[int, int, str], ...]  # (start token, end token, label)


_ENTRIES: "WeakKeyDictionary[Doc, _Entry]" = WeakKeyDictionary()
_LOCK = threading.Lock()


def _ent_key(doc: Doc) -> bytes:
    return doc.to_array([ENT_IOB, ENT_TYPE]).tobytes() if len(doc) else b""


def _entry(doc: Doc, check_ents: bool) -> _Entry:
    with _LOCK:
        entry = _ENTRIES.get(doc)
    if entry is not None and not check_ents:
        return entry
    key = _ent_key(doc)
    if entry is not None and entry.ent_key == key:
        return entry
    entry = _Entry(entry.text if entry is not None else doc.text, key,
                   tuple((e.start, e.end, e.label_) for e in doc.ents))
    with _LOCK:
        _ENTRIES[doc] = entry
    return entry


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined once per Doc."""
    return _entry(doc, check_ents=False).text


def doc_ents(doc: Doc, *labels: str) -> list[Span]:
    """``doc.ents`` (only those with one of ``labels``, when given), in text order, from the
    entity bounds read once per Doc and read again when the Doc's entities changed."""
    ents = _entry(doc, check_ents=True).ents
    return [Span(doc, start, end, label=label) for start, end, label in ents if not labels or label in labels]
