"""The trained SOURCE / CUE / CONTENT tagger: loading it and running it on a parsed Doc.

The tagger is a spaCy ``ner`` of its own (``models/attribution/model``), whose network
(``features.py``) reads the base model's ``doc.tensor``, TAG and DEP. It runs on a copy of
the Doc in its own vocab, so the base model's entities are neither read nor overwritten.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable

import spacy
from spacy.attrs import DEP, LEMMA, TAG
from spacy.language import Language
from spacy.tokens import Doc

import pipeline.nlp.attribution.features  # noqa: F401  (registers the tagger's architecture)

RoleSpan = tuple[str, int, int]  # (label, start token, end token)


@lru_cache(maxsize=2)
def load_tagger(path: str) -> Language:
    """The trained tagger at ``path`` (loaded once per process)."""
    return spacy.load(path)


def tagger_doc(vocab, doc: Doc) -> Doc:  # noqa: ANN001 - a spacy Vocab
    """A copy of ``doc`` in ``vocab``: same tokens, tags and tensor, no entities, no sentences.

    The dependency label of each token travels in the copy's LEMMA slot: a copied parse would
    set sentence boundaries, and spaCy's ``ner`` never lets a span cross one, while a content
    often runs over several sentences.
    """
    copy = Doc(vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
    if len(doc):
        values = doc.to_array([TAG, DEP])
        copy.from_array([TAG, LEMMA], values)
        if doc.tensor is not None and getattr(doc.tensor, "shape", (0,))[0] == len(doc):
            copy.tensor = doc.tensor
    return copy


def role_spans(tagger: Language, docs: Iterable[Doc], batch_size: int = 32) -> list[list[RoleSpan]]:
    """The tagger's (label, start, end) token spans for each parsed doc."""
    copies = [tagger_doc(tagger.vocab, d) for d in docs]
    out = []
    for sub in tagger.pipe(copies, batch_size=batch_size):
        out.append([(e.label_, e.start, e.end) for e in sub.ents])
    return out
