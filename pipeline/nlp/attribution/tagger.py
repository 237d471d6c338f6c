"""The trained SOURCE / CUE / CONTENT tagger: loading it and running it on a parsed Doc.

The tagger is a spaCy ``ner`` of its own (``models/attribution/model``), whose network
(``features.py``) reads the base model's ``doc.tensor``, TAG and DEP, and a few features of
the base parse (:func:`syntax_features`). It runs on a copy of the Doc in its own vocab, so
the base model's entities are neither read nor overwritten.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable

import numpy
import spacy
from spacy.attrs import DEP, LEMMA, TAG
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp.attribution.features import N_SYNTAX_FEATURES, SYNTAX_KEY  # (registers the network)

RoleSpan = tuple[str, int, int]  # (label, start token, end token)


@lru_cache(maxsize=2)
def load_tagger(path: str) -> Language:
    """The trained tagger at ``path`` (loaded once per process)."""
    return spacy.load(path)


def syntax_features(doc: Doc, cue_lemmas: frozenset[str]) -> numpy.ndarray:
    """Per token, from the base parse (0/1): starts a sentence; its lemma is a listed cue;
    heads a complement clause (ccomp/xcomp); lies inside a ccomp, inside an xcomp, inside a
    complement of a listed cue, or inside a relative/adverbial clause; is the subject of a
    listed cue."""
    out = numpy.zeros((len(doc), N_SYNTAX_FEATURES), dtype="float32")
    if not len(doc) or not doc.has_annotation("DEP"):
        return out
    is_cue = [t.lemma_.lower() in cue_lemmas and t.pos_ in ("VERB", "AUX", "NOUN") for t in doc]
    for tok in doc:
        i = tok.i
        out[i, 0] = 1.0 if tok.is_sent_start else 0.0
        out[i, 1] = 1.0 if is_cue[i] else 0.0
        out[i, 2] = 1.0 if tok.dep_ in ("ccomp", "xcomp") else 0.0
        node, hops = tok, 0
        while node.head.i != node.i and hops < 12:
            if node.dep_ == "ccomp":
                out[i, 3] = 1.0
            elif node.dep_ == "xcomp":
                out[i, 4] = 1.0
            elif node.dep_ in ("relcl", "advcl", "acl"):
                out[i, 6] = 1.0
            if node.dep_ in ("ccomp", "xcomp", "dobj", "prep") and is_cue[node.head.i]:
                out[i, 5] = 1.0
            if node.dep_ in ("nsubj", "nsubjpass") and is_cue[node.head.i]:
                out[i, 7] = 1.0
            node = node.head
            hops += 1
    return out


@lru_cache(maxsize=1)
def _cue_lemmas() -> frozenset[str]:
    from pipeline.nlp.attribution.lexicon import load_lexicon

    lex = load_lexicon()
    return lex.clause_verbs | lex.complement_verbs | lex.object_verbs | lex.nominal_cues


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
        copy.user_data[SYNTAX_KEY] = syntax_features(doc, _cue_lemmas())
    return copy


def role_spans(tagger: Language, docs: Iterable[Doc], batch_size: int = 32) -> list[list[RoleSpan]]:
    """The tagger's (label, start, end) token spans for each parsed doc."""
    copies = [tagger_doc(tagger.vocab, d) for d in docs]
    out = []
    for sub in tagger.pipe(copies, batch_size=batch_size):
        out.append([(e.label_, e.start, e.end) for e in sub.ents])
    return out
