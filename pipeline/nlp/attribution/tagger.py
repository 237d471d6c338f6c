"""The trained SOURCE / CUE / CONTENT tagger: loading it and running it on a parsed Doc.

The tagger is a spaCy ``ner`` of its own (``models/attribution/model``), whose network
(``features.py``) reads the base model's ``doc.tensor``, TAG and DEP, and a few features of
the base parse (:func:`syntax_features`). It runs on a copy of the Doc (in the base model's
vocab when loaded with it, so no word is looked up twice), so the base model's entities are
neither read nor overwritten.
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Iterable

import numpy
import spacy
from spacy.attrs import DEP, HEAD, IDX, LEMMA, LENGTH, POS, SENT_START, SPACY, TAG
from spacy.parts_of_speech import AUX, NOUN, VERB
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from pipeline.nlp.attribution.features import (  # (registers the network)
    N_SYNTAX_FEATURES, QUOTE_KEY, SYNTAX_KEY, quote_features,
)

if TYPE_CHECKING:
    from pipeline.nlp.attribution.lexicon import Lexicon

RoleSpan = tuple[str, int, int]  # (label, start token, end token)
VERB_ID, AUX_ID, NOUN_ID = int(VERB), int(AUX), int(NOUN)


@lru_cache(maxsize=4)
def load_tagger(path: str, vocab: Vocab | None = None) -> Language:
    """The trained tagger at ``path``, loaded once per process and ``vocab``.

    With ``vocab`` (the base pipeline's) the tagger shares its strings and lexemes: copies of
    the base model's Docs then reuse its lexemes instead of creating them again."""
    return spacy.load(path, vocab=vocab) if vocab is not None else spacy.load(path)


def syntax_features(doc: Doc, cue_lemmas: frozenset[str]) -> numpy.ndarray:
    """Per token, from the base parse (0/1): starts a sentence; its lemma is a listed cue;
    heads a complement clause (ccomp/xcomp); lies inside a ccomp, inside an xcomp, inside a
    complement of a listed cue, or inside a relative/adverbial clause; is the subject of a
    listed cue."""
    n = len(doc)
    out = numpy.zeros((n, N_SYNTAX_FEATURES), dtype="float32")
    if not n or not doc.has_annotation("DEP"):
        return out
    strings = doc.vocab.strings
    arr = doc.to_array([HEAD, DEP, LEMMA, POS, SENT_START]).astype("int64")
    heads = numpy.arange(n) + arr[:, 0]
    deps = doc.to_array(DEP)
    dep = {name: strings.add(name) for name in ("ccomp", "xcomp", "relcl", "advcl", "acl", "dobj", "prep",
                                                "nsubj", "nsubjpass")}
    lemmas = doc.to_array(LEMMA)
    is_cue = numpy.isin(lemmas, numpy.array([strings.add(w) for w in cue_lemmas], dtype="uint64")) \
        & numpy.isin(arr[:, 3], [VERB_ID, AUX_ID, NOUN_ID])
    out[:, 0] = arr[:, 4] == 1
    out[:, 1] = is_cue
    out[:, 2] = (deps == dep["ccomp"]) | (deps == dep["xcomp"])
    node = numpy.arange(n)
    for _ in range(12):
        d = deps[node]
        up = heads[node]
        out[:, 3] = numpy.maximum(out[:, 3], d == dep["ccomp"])
        out[:, 4] = numpy.maximum(out[:, 4], d == dep["xcomp"])
        out[:, 6] = numpy.maximum(out[:, 6], (d == dep["relcl"]) | (d == dep["advcl"]) | (d == dep["acl"]))
        complement = (d == dep["ccomp"]) | (d == dep["xcomp"]) | (d == dep["dobj"]) | (d == dep["prep"])
        subject = (d == dep["nsubj"]) | (d == dep["nsubjpass"])
        moving = up != node
        out[:, 5] = numpy.maximum(out[:, 5], complement & is_cue[up] & moving)
        out[:, 7] = numpy.maximum(out[:, 7], subject & is_cue[up] & moving)
        if not moving.any():
            break
        node = up
    return out


CUE_LEMMAS_META = "claims_cue_lemmas"  # the tagger's meta.json entry: the cue words it was trained with


def lexicon_cue_lemmas(lex: "Lexicon | None" = None) -> frozenset[str]:
    """Every cue lemma of the lexicon (the shipped one by default): the words the parse
    features mark as cues."""
    from pipeline.nlp.attribution.lexicon import load_lexicon

    lex = lex or load_lexicon()
    return lex.clause_verbs | lex.complement_verbs | lex.object_verbs | lex.nominal_cues


@lru_cache(maxsize=1)
def _cue_lemmas() -> frozenset[str]:
    return lexicon_cue_lemmas()


def tagger_cue_lemmas(tagger: Language) -> frozenset[str]:
    """The cue lemmas ``tagger`` was trained with (kept in its meta.json, so that words added
    to the lexicon later do not change what the trained network reads), else the lexicon's."""
    words = tagger.meta.get(CUE_LEMMAS_META)
    return frozenset(words) if words else _cue_lemmas()


def tagger_doc(vocab: Vocab, doc: Doc, text: str | None = None, cue_lemmas: frozenset[str] | None = None) -> Doc:
    """A copy of ``doc`` in ``vocab``: same tokens, tags and tensor, no entities, no sentences,
    with the parse and quotation features the network reads (``text``: ``doc.text``, when the
    caller has it; ``cue_lemmas``: the cue words of those features, by default the lexicon's).

    The dependency label of each token travels in the copy's LEMMA slot: a copied parse would
    set sentence boundaries, and spaCy's ``ner`` never lets a span cross one, while a content
    often runs over several sentences.
    """
    text = doc.text if text is None else text
    bounds = doc.to_array([IDX, LENGTH, SPACY]).astype("int64")
    copy = Doc(vocab, words=[text[s:s + n] for s, n, _ in bounds.tolist()], spaces=bounds[:, 2].astype(bool).tolist())
    if len(doc):
        values = doc.to_array([TAG, DEP])
        copy.from_array([TAG, LEMMA], values)
        if doc.tensor is not None and getattr(doc.tensor, "shape", (0,))[0] == len(doc):
            copy.tensor = doc.tensor
        copy.user_data[SYNTAX_KEY] = syntax_features(doc, cue_lemmas if cue_lemmas is not None else _cue_lemmas())
        copy.user_data[QUOTE_KEY] = quote_features(doc, text)
    return copy


def role_spans(tagger: Language, docs: Iterable[Doc], batch_size: int = 32,
               texts: Iterable[str] | None = None) -> list[list[RoleSpan]]:
    """The tagger's (label, start, end) token spans for each parsed doc (``texts``: their
    ``doc.text``, when the caller has them)."""
    docs = list(docs)
    texts = list(texts) if texts is not None else [None] * len(docs)
    cues = tagger_cue_lemmas(tagger)
    copies = [tagger_doc(tagger.vocab, d, t, cues) for d, t in zip(docs, texts)]
    out = []
    for sub in tagger.pipe(copies, batch_size=batch_size):
        out.append([(e.label_, e.start, e.end) for e in sub.ents])
    return out
