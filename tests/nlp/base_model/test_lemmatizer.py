"""claims_lemmatizer: the English lemmatizer's lemmas, from arrays, with an indexed form table."""
from __future__ import annotations

import pickle

import spacy
import srsly
from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.lookups import Lookups
from spacy.tokens import Doc

from pipeline.nlp.base_model.lemmatizer import ArrayLemmatizer, IndexedForms


def test_indexed_forms_is_the_list():
    forms = IndexedForms(["goose", "geese", "run"])
    assert forms == ["goose", "geese", "run"] and "geese" in forms and "runs" not in forms
    assert srsly.msgpack_loads(srsly.msgpack_dumps({"noun": forms})) == {"noun": ["goose", "geese", "run"]}
    copy = pickle.loads(pickle.dumps(forms))
    assert copy == forms and "geese" in copy and isinstance(copy, IndexedForms)


def _lookups() -> Lookups:
    lookups = Lookups()
    lookups.add_table("lemma_rules", {"noun": [["s", ""], ["ies", "y"]], "verb": [["ed", ""], ["ing", ""]]})
    lookups.add_table("lemma_index", {"noun": ["city", "report"], "verb": ["walk", "report"]})
    lookups.add_table("lemma_exc", {"noun": {"geese": ["goose"]}, "verb": {}})
    return lookups


def _doc(nlp) -> Doc:
    words = ["cities", "reported", "geese", "reports", "walking", "the", "Walked", "cities"]
    pos = ["NOUN", "VERB", "NOUN", "NOUN", "VERB", "DET", "VERB", "NOUN"]
    return Doc(nlp.vocab, words=words, pos=pos)


def _lemmatizer(cls: type, nlp, **kwargs):
    lemmatizer = cls(nlp.vocab, None, mode=kwargs.pop("mode", "rule"), **kwargs)
    lemmatizer.initialize(lookups=_lookups())
    return lemmatizer


def test_same_lemmas_as_spacy():
    nlp = spacy.blank("en")
    ours, theirs = _lemmatizer(ArrayLemmatizer, nlp), _lemmatizer(EnglishLemmatizer, nlp)
    a, b = ours(_doc(nlp)), theirs(_doc(nlp))
    assert [t.lemma_ for t in a] == [t.lemma_ for t in b] == \
           ["city", "report", "goose", "report", "walk", "the", "walk", "city"]
    assert isinstance(ours.lookups.get_table("lemma_index")["noun"], IndexedForms)


def test_keeps_lemmas_already_set_unless_overwrite():
    nlp = spacy.blank("en")
    doc = _doc(nlp)
    doc[0].lemma_ = "town"
    assert _lemmatizer(ArrayLemmatizer, nlp)(doc)[0].lemma_ == "town"
    assert _lemmatizer(ArrayLemmatizer, nlp, overwrite=True)(doc)[0].lemma_ == "city"


def test_lookup_mode():
    nlp = spacy.blank("en")
    lemmatizer = ArrayLemmatizer(nlp.vocab, None, mode="lookup")
    lookups = Lookups()
    lookups.add_table("lemma_lookup", {"geese": "goose"})
    lemmatizer.initialize(lookups=lookups)
    assert [t.lemma_ for t in lemmatizer(Doc(nlp.vocab, words=["geese", "Geese", "ran"]))] == ["goose", "Geese", "ran"]


def test_new_tables_forget_old_lemmas():
    nlp = spacy.blank("en")
    lemmatizer = _lemmatizer(ArrayLemmatizer, nlp)
    assert lemmatizer(Doc(nlp.vocab, words=["geese"], pos=["NOUN"]))[0].lemma_ == "goose"
    other = _lookups()
    other.get_table("lemma_exc")["noun"] = {"geese": ["gander"]}
    lemmatizer.initialize(lookups=other)
    assert lemmatizer(Doc(nlp.vocab, words=["geese"], pos=["NOUN"]))[0].lemma_ == "gander"
    copy = ArrayLemmatizer(nlp.vocab, None, mode="rule").from_bytes(lemmatizer.to_bytes())
    assert copy(Doc(nlp.vocab, words=["geese"], pos=["NOUN"]))[0].lemma_ == "gander"


def test_empty_doc():
    nlp = spacy.blank("en")
    assert len(_lemmatizer(ArrayLemmatizer, nlp)(Doc(nlp.vocab, words=[]))) == 0
