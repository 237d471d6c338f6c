"""claims_attribute_ruler: its rules, compiled by kind, match as spaCy's Matcher does."""
from __future__ import annotations

import spacy
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from pipeline.nlp.base_model.attribute_ruler import CompiledAttributeRuler, compile_patterns

RULES = [
    {"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN", "MORPH": "Number=Sing"}},
    {"patterns": [[{"LOWER": "'s", "TAG": "VBZ"}]], "attrs": {"LEMMA": "be", "POS": "AUX"}},
    {"patterns": [[{"TAG": {"IN": ["VBD", "VBN"]}, "LOWER": {"NOT_IN": ["had"]}}]], "attrs": {"MORPH": "Tense=Past"}},
    {"patterns": [[{"LOWER": {"REGEX": "^n[o']?t$"}}]], "attrs": {"POS": "PART"}},
    {"patterns": [[{"LOWER": "y'"}, {"LOWER": "all"}]], "attrs": {"LEMMA": "you"}, "index": -1},
    {"patterns": [[{"LOWER": "very"}, {"TAG": "JJ", "OP": "+"}]], "attrs": {"POS": "ADV"}},
    {"patterns": [[{"TAG": "NN", "LOWER": "report"}]], "attrs": {"POS": "PROPN"}},  # later: wins over the first
    {"patterns": [[{"IS_SPACE": True}]], "attrs": {"TAG": "_SP", "POS": "SPACE"}},
]
WORDS = ["y'", "all", "said", "the", "report", "'s", "not", "very", "tall", "new", "and", "had", "gone", " ", "nt"]
TAGS = ["PRP", "DT", "VBD", "DT", "NN", "VBZ", "RB", "RB", "JJ", "JJ", "CC", "VBD", "VBN", "_SP", "RB"]


def _annotated(ruler_class: type) -> Doc:
    nlp = spacy.blank("en")
    ruler = ruler_class(nlp.vocab)
    ruler.add_patterns(RULES)
    doc = Doc(nlp.vocab, words=WORDS, tags=TAGS)
    return ruler(doc)


def test_rules_compiled_by_kind():
    nlp = spacy.blank("en")
    ruler = CompiledAttributeRuler(nlp.vocab)
    ruler.add_patterns(RULES)
    rules = compile_patterns(ruler)
    assert {shape: sorted(sum(table.values(), [])) for _, shape, table in rules.groups} == {
        (("TAG",),): [0], (("LOWER", "TAG"),): [1, 6], (("LOWER",), ("LOWER",)): [4], (("IS_SPACE",),): [7]}
    assert [attr_id for attr_id, _, _ in rules.tested] == [2, 3]
    assert [attr_id for attr_id, _ in rules.rest] == [5]


def test_same_matches_and_annotations_as_spacy():
    nlp = spacy.blank("en")
    ours, theirs = CompiledAttributeRuler(nlp.vocab), AttributeRuler(nlp.vocab)
    ours.add_patterns(RULES)
    theirs.add_patterns(RULES)
    doc = Doc(nlp.vocab, words=WORDS, tags=TAGS)
    assert ours.match(doc) == sorted(set(theirs.match(doc)))
    a, b = _annotated(CompiledAttributeRuler), _annotated(AttributeRuler)
    assert [(t.pos_, t.tag_, t.lemma_, str(t.morph)) for t in a] == [(t.pos_, t.tag_, t.lemma_, str(t.morph)) for t in b]


def test_what_the_rules_set():
    doc = _annotated(CompiledAttributeRuler)
    assert doc[1].lemma_ == "you"  # index -1 of "y' all"
    assert doc[4].pos_ == "PROPN"  # the later rule wins
    assert doc[5].lemma_ == "be" and doc[5].pos_ == "AUX"
    assert [str(doc[i].morph) for i in (2, 11, 12)] == ["Tense=Past", "", "Tense=Past"]  # "had" is NOT_IN
    assert [doc[i].pos_ for i in (6, 14)] == ["PART", "PART"]  # REGEX
    assert doc[7].pos_ == "ADV"  # the operator rule, through the Matcher
    assert doc[13].pos_ == "SPACE"


def test_tables_rebuilt_after_add_and_clear():
    nlp = spacy.blank("en")
    ruler = CompiledAttributeRuler(nlp.vocab)
    ruler.add_patterns(RULES[:1])
    doc = Doc(nlp.vocab, words=["report"], tags=["NN"])
    assert ruler(doc)[0].pos_ == "NOUN"
    ruler.add_patterns(RULES[6:7])
    assert ruler(Doc(nlp.vocab, words=["report"], tags=["NN"]))[0].pos_ == "PROPN"
    ruler.clear()
    assert ruler.match(Doc(nlp.vocab, words=["report"], tags=["NN"])) == []


def test_serialized_as_spacy_ruler():
    nlp = spacy.blank("en")
    ours = CompiledAttributeRuler(nlp.vocab)
    ours.add_patterns(RULES)
    theirs = AttributeRuler(nlp.vocab).from_bytes(ours.to_bytes())
    assert theirs.patterns == ours.patterns
    back = CompiledAttributeRuler(nlp.vocab).from_bytes(theirs.to_bytes())
    doc = back(Doc(nlp.vocab, words=WORDS, tags=TAGS))
    assert doc[4].pos_ == "PROPN"
