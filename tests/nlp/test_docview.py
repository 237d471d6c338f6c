"""The per-Doc text and entities shared by the components: read once, never stale, gone with the Doc."""
from __future__ import annotations

import gc

import spacy
from spacy.tokens import Span

from pipeline.nlp import docview
from pipeline.nlp.docview import doc_ents, doc_text


def _doc():
    nlp = spacy.blank("en")
    doc = nlp("Mayor Olivia Chow spoke in Toronto on Monday.")
    doc.ents = [Span(doc, 1, 3, label="PERSON"), Span(doc, 5, 6, label="GPE")]
    return doc


def test_text_and_entities_are_those_of_the_doc():
    doc = _doc()
    assert doc_text(doc) == doc.text
    assert [(e.text, e.label_, e.start_char) for e in doc_ents(doc)] == [("Olivia Chow", "PERSON", 6),
                                                                          ("Toronto", "GPE", 27)]
    assert [e.text for e in doc_ents(doc, "GPE", "DATE")] == ["Toronto"]
    assert doc_text(doc) is doc_text(doc)  # joined once


def test_entities_set_after_the_first_look_are_read_again():
    doc = _doc()
    assert not doc_ents(doc, "DATE")
    doc.ents = [*doc.ents, Span(doc, 7, 8, label="DATE")]
    assert [e.text for e in doc_ents(doc, "DATE")] == ["Monday"]


def test_nothing_is_stored_on_the_doc_and_the_entry_goes_with_it():
    doc = _doc()
    doc_ents(doc)
    assert doc in docview._ENTRIES and not doc.user_data
    before = len(docview._ENTRIES)
    del doc
    gc.collect()
    assert len(docview._ENTRIES) == before - 1
