"""The trained SOURCE / CUE / CONTENT tagger: loading it and running it on a parsed Doc.

The tagger is a spaCy pipeline of its own (``models/attribution/model``) whose network
(``features.py``) reads the base model's ``doc.tensor``, tags, parse and a few features of
the parse (:func:`syntax_features`) and of the quotations. It is a per-token role tagger (pipe
``tagger``): one ``B-``/``I-``/``O`` tag of SOURCE, CUE or CONTENT per token, read straight off
the base model's Doc (its scores are decoded into spans by :func:`tag_spans`; nothing on the Doc
is changed).

Loaded with the base model's vocab, the tagger shares its strings (no word is looked up twice).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

import numpy
import spacy
from spacy.attrs import DEP, HEAD, LEMMA, POS, SENT_START
from spacy.parts_of_speech import AUX, NOUN, VERB
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc
from spacy.vocab import Vocab

from pipeline.errors import UsageError
from pipeline.nlp.attribution.features import (  # (registers the network)
    N_SYNTAX_FEATURES, QUOTE_KEY, SYNTAX_KEY, quote_features,
)

if TYPE_CHECKING:
    from pipeline.nlp.attribution.boundary import BoundaryModel
    from pipeline.nlp.attribution.join import JoinModel
    from pipeline.nlp.attribution.lexicon import Lexicon
    from pipeline.nlp.attribution.link import LinkModel

RoleSpan = tuple[str, int, int]  # (label, start token, end token)
VERB_ID, AUX_ID, NOUN_ID = int(VERB), int(AUX), int(NOUN)


BOUNDARY_DIR = "boundary"  # the learned boundary step, saved inside the tagger's folder
JOIN_DIR = "join"  # the learned joining step, beside it
LINK_DIR = "link"  # the learned linking step (a content's cue), beside them


@lru_cache(maxsize=4)
def load_boundary(path: str) -> "BoundaryModel | None":
    """The boundary step saved with the tagger at ``path`` (loaded once per process), or None
    when that tagger has none."""
    from pipeline.nlp.attribution.boundary import BoundaryModel

    folder = Path(path) / BOUNDARY_DIR
    return BoundaryModel.from_disk(folder) if folder.exists() else None


@lru_cache(maxsize=4)
def load_join(path: str) -> "JoinModel | None":
    """The joining step saved with the tagger at ``path`` (loaded once per process), or None
    when that tagger has none."""
    from pipeline.nlp.attribution.join import JoinModel

    folder = Path(path) / JOIN_DIR
    return JoinModel.from_disk(folder) if folder.exists() else None


@lru_cache(maxsize=4)
def load_link(path: str) -> "LinkModel | None":
    """The linking step saved with the tagger at ``path`` (loaded once per process), or None
    when that tagger has none."""
    from pipeline.nlp.attribution.link import LinkModel

    folder = Path(path) / LINK_DIR
    return LinkModel.from_disk(folder) if folder.exists() else None


@lru_cache(maxsize=4)
def load_tagger(path: str, vocab: Vocab | None = None) -> Language:
    """The trained tagger at ``path``, loaded once per process and ``vocab``.

    With ``vocab`` (the base pipeline's) the tagger shares the strings and lexemes of the Docs
    it reads."""
    return spacy.load(path, vocab=vocab) if vocab is not None else spacy.load(path)


def syntax_features(doc: Doc, cue_lemmas: frozenset[str]) -> numpy.ndarray:
    """Per token, from the base parse (0/1): starts a sentence; its lemma is a listed cue;
    heads a complement clause (ccomp/xcomp); lies inside a ccomp, inside an xcomp, inside a
    complement of a listed cue, or inside a relative/adverbial clause; is the subject of a
    listed cue; is the first, or the last, token of the complement of a listed cue (the
    nearest one above it: where a reported content begins and ends)."""
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
    complement_root = numpy.full(n, -1)  # the nearest complement of a listed cue holding the token
    for _ in range(12):
        d = deps[node]
        up = heads[node]
        out[:, 3] = numpy.maximum(out[:, 3], d == dep["ccomp"])
        out[:, 4] = numpy.maximum(out[:, 4], d == dep["xcomp"])
        out[:, 6] = numpy.maximum(out[:, 6], (d == dep["relcl"]) | (d == dep["advcl"]) | (d == dep["acl"]))
        complement = (d == dep["ccomp"]) | (d == dep["xcomp"]) | (d == dep["dobj"]) | (d == dep["prep"])
        subject = (d == dep["nsubj"]) | (d == dep["nsubjpass"])
        moving = up != node
        in_complement = complement & is_cue[up] & moving
        out[:, 5] = numpy.maximum(out[:, 5], in_complement)
        complement_root = numpy.where((complement_root < 0) & in_complement, node, complement_root)
        out[:, 7] = numpy.maximum(out[:, 7], subject & is_cue[up] & moving)
        if not moving.any():
            break
        node = up
    inside = numpy.flatnonzero(complement_root >= 0)
    if len(inside):
        first = numpy.full(n, n)
        last = numpy.full(n, -1)
        numpy.minimum.at(first, complement_root[inside], inside)
        numpy.maximum.at(last, complement_root[inside], inside)
        out[inside, 8] = first[complement_root[inside]] == inside
        out[inside, 9] = last[complement_root[inside]] == inside
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


ROLE_TAGGER = "tagger"  # the pipe of the per-token role tagger
OUTSIDE = "O"
TAG_SCHEMES = ("BIO", "BILUO")


def role_tags(n_tokens: int, spans: Iterable[RoleSpan], scheme: str = "BIO") -> list[str]:
    """The per-token tags of role spans. ``BILUO``: ``B-<label>`` on a span's first token,
    ``I-<label>`` inside, ``L-<label>`` on its last, ``U-<label>`` on a one-token span; ``BIO``:
    ``B-`` then ``I-`` only. ``O`` outside every span."""
    if scheme not in TAG_SCHEMES:
        raise ValueError(f"role_tags: unknown tag scheme {scheme!r}; use one of {TAG_SCHEMES}")
    tags = [OUTSIDE] * n_tokens
    for label, start, end in spans:
        if scheme == "BIO":
            tags[start:end] = [f"B-{label}"] + [f"I-{label}"] * (end - start - 1)
        elif end - start == 1:
            tags[start] = f"U-{label}"
        else:
            tags[start:end] = [f"B-{label}"] + [f"I-{label}"] * (end - start - 2) + [f"L-{label}"]
    return tags


def tag_spans(tags: Iterable[str]) -> list[RoleSpan]:
    """Role spans from per-token tags of either scheme (the inverse of :func:`role_tags`). A
    span starts at a ``B-`` or ``U-`` tag, or at an ``I-``/``L-`` tag whose label differs from
    the open span's; it runs while ``I-``/``L-`` tags of its label follow and ends after an
    ``L-`` or ``U-`` tag."""
    out: list[RoleSpan] = []
    label, start = None, 0
    i = -1
    for i, tag in enumerate(tags):
        prefix, _, lab = tag.partition("-")
        if label is not None and (prefix not in ("I", "L") or lab != label):
            out.append((label, start, i))
            label = None
        if label is None and prefix in ("B", "I", "L", "U"):
            label, start = lab, i
        if label is not None and prefix in ("L", "U"):
            out.append((label, start, i + 1))
            label = None
    if label is not None:
        out.append((label, start, i + 1))
    return out


def best_tags(log_probs: numpy.ndarray, labels: list[str]) -> list[str]:
    """The tags of one doc from the tagger's per-token log-probabilities (rows: tokens,
    columns: ``labels``, of either scheme).

    Each token takes its best tag, except where an ``I-`` or ``L-`` tag follows a token that
    does not open or continue that label's span, which the scheme does not allow: of the two
    ways to repair it (the span starts at this token, or one token earlier), the one more
    probable over the two tokens is taken."""
    scores = log_probs
    best = scores.argmax(axis=1)
    tags = [labels[k] for k in best.tolist()]
    index = {label: k for k, label in enumerate(labels)}
    for i, tag in enumerate(tags):
        prefix, _, lab = tag.partition("-")
        if prefix not in ("I", "L"):
            continue
        begin, inside = f"B-{lab}", f"I-{lab}"
        if i and tags[i - 1] in (begin, inside):
            continue
        here = begin if prefix == "I" or f"U-{lab}" not in index else f"U-{lab}"
        if i and begin in index and here in index:
            b, prev = index[begin], index[tags[i - 1]]
            if scores[i - 1, b] + scores[i, best[i]] > scores[i - 1, prev] + scores[i, index[here]]:
                tags[i - 1] = begin
                continue
        tags[i] = here if here in index else tag
    return tags


def _log_probs(scores: numpy.ndarray, normalized: bool) -> numpy.ndarray:
    """Log-probabilities from a softmax layer's output: probabilities, or (``normalized``
    off, as thinc gives them at inference) the logits before the softmax."""
    if normalized:
        return numpy.log(numpy.maximum(scores, 1e-12))
    shifted = scores - scores.max(axis=1, keepdims=True)
    return shifted - numpy.log(numpy.exp(shifted).sum(axis=1, keepdims=True))


def _mean_log_probs(pipes: list[TrainablePipe], docs: list[Doc]) -> list[numpy.ndarray]:
    """Per doc, the log of the role pipes' mean probabilities (one pipe: its log-probabilities)."""
    per_pipe = []
    for pipe in pipes:
        normalized = pipe.model.get_ref("softmax").attrs.get("softmax_normalize", True)
        per_pipe.append([_log_probs(pipe.model.ops.to_numpy(s), normalized) for s in pipe.model.predict(docs)])
    if len(per_pipe) == 1:
        return per_pipe[0]
    return [numpy.log(numpy.mean([numpy.exp(lp) for lp in member], axis=0)).astype("float32")
            for member in zip(*per_pipe)]


def with_features(doc: Doc, cue_lemmas: frozenset[str], text: str | None = None) -> list[str]:
    """Put the parse and quotation features the network reads on ``doc.user_data`` (when
    not there yet); return the keys it added, for the caller to remove afterwards."""
    added = []
    if SYNTAX_KEY not in doc.user_data:
        doc.user_data[SYNTAX_KEY] = syntax_features(doc, cue_lemmas)
        added.append(SYNTAX_KEY)
    if QUOTE_KEY not in doc.user_data:
        doc.user_data[QUOTE_KEY] = quote_features(doc, text)
        added.append(QUOTE_KEY)
    return added


def role_pipe(tagger: Language) -> TrainablePipe:
    """The per-token role tagger pipe of ``tagger``; a model without one (such as the retired
    ``ner`` tagger) is reported."""
    if ROLE_TAGGER not in tagger.pipe_names:
        raise UsageError(f"the attribution model has the pipes {tagger.pipe_names}, not a per-token role tagger "
                         f"(pipe {ROLE_TAGGER!r}); use models/attribution or models/attribution_minilm, or retrain "
                         "with pipeline.nlp.attribution.train")
    return tagger.get_pipe(ROLE_TAGGER)


def role_pipes(tagger: Language) -> list[TrainablePipe]:
    """The role tagger pipes of ``tagger`` whose probabilities are averaged: ``tagger`` and,
    in an ensemble (:func:`ensemble`), its members ``tagger_1``, ``tagger_2``, ... trained from
    other seeds, all with the same labels."""
    first = role_pipe(tagger)
    members = [tagger.get_pipe(name) for name in tagger.pipe_names if name.startswith(ROLE_TAGGER + "_")]
    for pipe in members:
        if list(pipe.labels) != list(first.labels):
            raise UsageError(f"the attribution model's ensemble members have other labels than its "
                             f"{ROLE_TAGGER!r} pipe ({list(pipe.labels)} against {list(first.labels)}); "
                             "retrain them together with pipeline.nlp.attribution.train")
    return [first] + members


def ensemble(taggers: list[Language]) -> Language:
    """One tagger whose role pipes are those of ``taggers`` (the first, which gets the others'
    pipes added, keeps its name; the others become ``tagger_1``, ...): :func:`role_scores`
    averages their probabilities."""
    out = taggers[0]
    for k, other in enumerate(taggers[1:], start=1):
        out.add_pipe(ROLE_TAGGER, name=f"{ROLE_TAGGER}_{k}", source=other)
    return out


def role_scores(tagger: Language, docs: Iterable[Doc], batch_size: int = 32,
                texts: Iterable[str] | None = None,
                boundary: "BoundaryModel | None" = None,
                join: "JoinModel | None" = None) -> Iterator[tuple[list[RoleSpan], numpy.ndarray]]:
    """For each parsed doc, a per-token role tagger's decoded spans (:func:`best_tags`,
    :func:`tag_spans`, then the learned ``boundary`` and ``join`` steps when given) and its per-token
    log-probabilities (rows: tokens, columns: the pipe's labels); the Doc is left as it was."""
    docs = list(docs)
    texts = list(texts) if texts is not None else [None] * len(docs)
    cues = tagger_cue_lemmas(tagger)
    pipes = role_pipes(tagger)
    labels = list(pipes[0].labels)
    for i in range(0, len(docs), batch_size):
        batch = docs[i:i + batch_size]
        added = [with_features(d, cues, t) for d, t in zip(batch, texts[i:i + batch_size])]
        nonempty = [d for d in batch if len(d)]
        scores = iter(_mean_log_probs(pipes, nonempty) if nonempty else [])
        found = []
        for doc in batch:
            if len(doc):
                log_probs = next(scores)
                spans = tag_spans(best_tags(log_probs, labels))
                if boundary is not None:
                    spans = boundary.adjust(doc, spans, log_probs)
            else:
                spans, log_probs = [], numpy.zeros((0, len(labels)), dtype="float32")
            found.append((spans, log_probs))
        if join is not None:  # the batch's pairs scored together
            joined = join.join_many(batch, [f[0] for f in found], [f[1] for f in found])
            found = [(spans, log_probs) for spans, (_, log_probs) in zip(joined, found)]
        for doc, keys, result in zip(batch, added, found):
            for key in keys:
                del doc.user_data[key]
            yield result


def role_spans(tagger: Language, docs: Iterable[Doc], batch_size: int = 32,
               texts: Iterable[str] | None = None, boundary: "BoundaryModel | None" = None,
               join: "JoinModel | None" = None) -> list[list[RoleSpan]]:
    """The tagger's (label, start, end) token spans for each parsed doc (``texts``: their
    ``doc.text``, when the caller has them; ``boundary``, ``join``: the learned boundary and
    joining steps, see ``boundary.py`` and ``join.py``).

    The per-token role tagger (pipe ``tagger``) reads the base model's Doc itself: its scores
    are decoded into tags (:func:`best_tags`) and spans (:func:`tag_spans`) and the Doc is
    left as it was."""
    return [spans for spans, _ in role_scores(tagger, docs, batch_size, texts, boundary, join)]
