"""The network under the trained attribution tagger: token vectors from the base model.

``claims.AttributionTok2Vec.v3`` (under the shipped per-token role tagger) builds a Doc ->
vectors model that reads the base model's Doc itself and reuses what the base pipeline already
computed instead of embedding the words again from scratch:

- ``doc.tensor``: the base model's own token vectors (``en_core_web_sm``'s tok2vec output;
  frozen, no gradient flows back into it);
- a few quotation features read from the text (inside a closed quotation, a quotation mark,
  first token of a paragraph), which no window of a CNN sees for a long quotation;
- a few features of the base parse, which no window sees either: sentence starts, listed cue
  words, whether a token lies inside a complement clause, the complement of a listed cue, a
  relative or adverbial clause, or the subject of a listed cue, and the first and last token of
  a cue's complement;
- small hash embeddings of the attributes it is given (the word's NORM and SHAPE, the base
  model's TAG, dependency label and entity type), trained here;

concatenated as they are, mixed by one Maxout layer; a small BiLSTM gives each token the whole
document's context. (Versions 1 and 2, a window CNN under a spaCy ``ner`` run on a copy of the
Doc, were retired with that tagger.)

``claims.AttributionTok2Vec.v4`` (the accurate config's tagger, ``models/attribution_minilm``)
adds to version 3's inputs the contextual vectors a small transformer left on the Doc
(``doc._.contextual_vectors``, see ``pipeline/nlp/contextual.py``), through a trained
projection. Registered with spaCy's registry so that ``spacy.load`` of the
shipped model finds it once this module is imported.
"""
from __future__ import annotations

import re
from typing import Callable

import numpy
from spacy.ml.featureextractor import FeatureExtractor
from spacy.ml.models.tok2vec import MaxoutWindowEncoder
from spacy.attrs import IDX, ORTH
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import LSTM, HashEmbed, Maxout, Model, chain, concatenate, expand_window, list2ragged, ragged2list, with_array, with_padded
from thinc.types import Floats2d

from pipeline.errors import UsageError
from pipeline.nlp.quotes import ALL_MARKS, find_quotes

N_QUOTE_FEATURES = 3
_NEWLINE = re.compile("\n")
N_SYNTAX_FEATURES = 10  # what ``tagger.syntax_features`` computes
SYNTAX_KEY = "claims_syntax_features"  # where ``tagger.with_features`` leaves the parse features on the Doc
QUOTE_KEY = "claims_quote_features"  # where it leaves the quotation features


def quote_features(doc: Doc, text: str | None = None) -> numpy.ndarray:
    """Per token: inside a closed quotation, is a quotation mark, opens a paragraph (0/1).

    ``text``: ``doc.text`` when the caller already has it (building it walks every token)."""
    out = numpy.zeros((len(doc), N_QUOTE_FEATURES), dtype="float32")
    if not len(doc):
        return out
    text = doc.text if text is None else text
    starts = doc.to_array(IDX).astype("int64")
    for q in find_quotes(text):
        if q.closed:
            lo, hi = numpy.searchsorted(starts, [q.start, q.end])
            out[lo:hi, 0] = 1.0
    out[:, 1] = numpy.isin(doc.to_array(ORTH), _mark_hashes(doc))
    out[:, 2] = paragraph_openers(starts, text)
    return out


def paragraph_openers(starts: numpy.ndarray, text: str) -> numpy.ndarray:
    """Per token (``starts``: the tokens' character offsets in ``text``), True when it opens a
    paragraph: the first token, and every token with a line break between the previous token's
    start and its own."""
    breaks = numpy.array([m.start() for m in _NEWLINE.finditer(text)], dtype="int64")
    before = numpy.searchsorted(breaks, starts)
    opens = numpy.ones(len(starts), dtype=bool)
    opens[1:] = before[1:] > before[:-1]
    return opens


def _mark_hashes(doc: Doc) -> numpy.ndarray:
    return numpy.array([doc.vocab.strings.add(m) for m in ALL_MARKS], dtype="uint64")


def base_features(width: int, n_syntax: int = 0) -> Model[list[Doc], list[Floats2d]]:
    """``doc.tensor`` (``width`` columns, zeros when absent) plus the quotation features and
    the first ``n_syntax`` parse features of ``doc.user_data[SYNTAX_KEY]`` (zeros when absent)."""
    syntax = n_syntax > 0

    def forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[list[Floats2d], Callable]:
        out = []
        for doc in docs:
            tensor = doc.tensor
            if tensor is None or tensor.shape != (len(doc), width):
                tensor = numpy.zeros((len(doc), width), dtype="float32")
            quotes = doc.user_data.get(QUOTE_KEY)
            if quotes is None or numpy.shape(quotes) != (len(doc), N_QUOTE_FEATURES):
                quotes = quote_features(doc)
            parts = [tensor, quotes]
            if syntax:
                feats = doc.user_data.get(SYNTAX_KEY)
                if feats is None or numpy.shape(feats)[0] != len(doc) or numpy.shape(feats)[1] < n_syntax:
                    feats = numpy.zeros((len(doc), n_syntax), dtype="float32")
                feats = feats[:, :n_syntax]
                parts.append(numpy.asarray(feats, dtype="float32"))
            out.append(model.ops.asarray2f(numpy.hstack(parts)))
        return out, lambda d_out: []

    return Model("claims_base_features", forward, dims={"nO": width + N_QUOTE_FEATURES + n_syntax})


@registry.architectures("claims.AttributionTok2Vec.v3")
def attribution_tok2vec_v3(width: int, embed_width: int, tensor_width: int, attrs: list[str], rows: list[int],
                           maxout_pieces: int = 2, context: int = 1, depth: int = 0,
                           window_size: int = 1, lstm_width: int = 0,
                           lstm_depth: int = 1) -> Model[list[Doc], list[Floats2d]]:
    """Token vectors for the per-token role tagger, read straight off the base model's Doc.

    The base tensor, the quotation and parse features, and one small hash embedding per
    attribute of ``attrs`` (e.g. NORM, SHAPE, TAG, DEP, ENT_TYPE: the base parse itself, no
    copy of the Doc) are concatenated as they are and mixed by one Maxout layer of ``width``;
    ``depth`` residual window-CNN layers (``window_size`` tokens each side) may follow (the
    base tensor already carries the context of its own CNN); each token then sees the vectors
    of its ``context`` neighbours on each side. A BiLSTM of ``lstm_width`` (half each way;
    ``lstm_depth`` layers) gives each token the whole document's context. The output is
    ``width * (2 * context + 1)`` wide (``lstm_width`` for ``width`` with a BiLSTM)."""
    if len(rows) != len(attrs):
        raise ValueError(f"claims.AttributionTok2Vec.v3: {len(attrs)} attrs but {len(rows)} rows; "
                         f"give one row count per attribute")
    embeddings = [HashEmbed(embed_width, n, column=i, seed=11 + i, dropout=0.0) for i, n in enumerate(rows)]
    embed = chain(FeatureExtractor(attrs), list2ragged(), with_array(concatenate(*embeddings)), ragged2list())
    n_in = tensor_width + N_QUOTE_FEATURES + N_SYNTAX_FEATURES + embed_width * len(attrs)
    model = chain(concatenate(base_features(tensor_width, N_SYNTAX_FEATURES), embed),
                  with_array(Maxout(width, n_in, nP=maxout_pieces, normalize=True, dropout=0.0)))
    if depth:
        model = chain(model, MaxoutWindowEncoder(width=width, window_size=window_size,
                                                 maxout_pieces=maxout_pieces, depth=depth))
    if lstm_width:
        model = chain(model, with_padded(LSTM(lstm_width, width, bi=True, depth=lstm_depth)))
        width = lstm_width
    if context:
        model = chain(model, with_array(expand_window(window_size=context), pad=context))
    model.set_dim("nO", width * (2 * context + 1))
    return model


def contextual_features(width: int) -> Model[list[Doc], list[Floats2d]]:
    """Each Doc's ``doc._.contextual_vectors`` (``width`` columns, set by ``claims_contextual``),
    frozen: no gradient flows back into the encoder. A Doc without them is an error that says
    which component to add (zeros would silently make the tagger worse)."""
    from pipeline.nlp.contextual import EXTENSION, register_extension

    register_extension()

    def forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[list[Floats2d], Callable]:
        out = []
        for doc in docs:
            vectors = doc._.get(EXTENSION)
            if vectors is None or numpy.shape(vectors) != (len(doc), width):
                found = "none" if vectors is None else f"shape {numpy.shape(vectors)}"
                raise UsageError(
                    f"claims.AttributionTok2Vec.v4: the tagger reads doc._.{EXTENSION} ({len(doc)} x {width}) and "
                    f"found {found} on a Doc of {len(doc)} tokens starting {doc.text[:40]!r}; put claims_contextual "
                    f"before claims_attribution in the pipeline (as models/pipeline-accurate.toml does) with the "
                    f"encoder the tagger was trained on")
            out.append(model.ops.asarray2f(numpy.asarray(vectors, dtype="float32")))
        return out, lambda d_out: []

    return Model("claims_contextual_features", forward, dims={"nO": width})


@registry.architectures("claims.AttributionTok2Vec.v4")
def attribution_tok2vec_v4(width: int, embed_width: int, tensor_width: int, attrs: list[str], rows: list[int],
                           contextual_width: int = 384, projection: int = 64, projection_dropout: float = 0.1,
                           maxout_pieces: int = 2, lstm_width: int = 64,
                           lstm_depth: int = 2) -> Model[list[Doc], list[Floats2d]]:
    """Version 3's token vectors plus a small transformer's contextual vectors (accurate config).

    What version 3 reads (the base tensor, the quotation and parse features, one hash embedding
    per attribute of ``attrs``) is concatenated with ``doc._.contextual_vectors`` of
    ``contextual_width`` (``pipeline/nlp/contextual.py``: MiniLM's vectors mean-pooled per
    token), those first through a trained Maxout projection to ``projection`` columns (0: as
    they are; ``projection_dropout`` on its output while training); one Maxout layer of
    ``width`` mixes everything and a BiLSTM of ``lstm_width`` (half each way, ``lstm_depth``
    layers; 0: none) reads the document. The output is ``lstm_width`` wide (``width`` without
    a BiLSTM)."""
    if len(rows) != len(attrs):
        raise ValueError(f"claims.AttributionTok2Vec.v4: {len(attrs)} attrs but {len(rows)} rows; "
                         f"give one row count per attribute")
    embeddings = [HashEmbed(embed_width, n, column=i, seed=11 + i, dropout=0.0) for i, n in enumerate(rows)]
    embed = chain(FeatureExtractor(attrs), list2ragged(), with_array(concatenate(*embeddings)), ragged2list())
    contextual = contextual_features(contextual_width)
    if projection:
        contextual = chain(contextual, with_array(Maxout(projection, contextual_width, nP=maxout_pieces,
                                                         normalize=True, dropout=projection_dropout)))
    n_in = (tensor_width + N_QUOTE_FEATURES + N_SYNTAX_FEATURES + embed_width * len(attrs)
            + (projection or contextual_width))
    model = chain(concatenate(base_features(tensor_width, N_SYNTAX_FEATURES), embed, contextual),
                  with_array(Maxout(width, n_in, nP=maxout_pieces, normalize=True, dropout=0.0)))
    if lstm_width:
        model = chain(model, with_padded(LSTM(lstm_width, width, bi=True, depth=lstm_depth)))
        width = lstm_width
    model.set_dim("nO", width)
    return model
