"""A learned boundary step after the attribution tagger: where a SOURCE or CONTENT span starts and ends.

The tagger often finds the right span with an edge off: a leading "that" left out or a
trailing word run on (a token or two), but as often a whole clause, sentence or quotation
taken in or left out (beyond any small window). For every SOURCE and CONTENT span the tagger
decodes, this step takes the most probable of a set of candidate boundaries for its start
(and, apart, for its end) under a small linear model (a conditional logit over the
candidates). The candidates are every boundary up to ``window`` tokens either way of the
tagger's own and, up to ``reach`` tokens away, the boundaries the grammar and the layout offer:
the edges of the subtrees of the tokens at and beside the decoded edge and of their heads up
the tree (up to :data:`ANCESTOR_DEPTH`), the edges of clauses (a complement, conjunct,
adverbial or relative clause, parataxis, a sentence's root; either side of a coordinating
conjunction), sentence and paragraph starts, both sides of a quotation mark, the first and
the last token of a listed cue's complement. They keep the span at least one token long and
clear of its decoded neighbours.

A boundary lies between a left and a right token; it is described by hashed features of both
(lower form, part of speech, fine tag, dependency label, the tagger's best tag and pairs of
these), the tagger's log-probabilities at both, the parse and quotation features the tagger
reads, what kind of candidate it is (:data:`KINDS`; the dependency label of the largest
subtree it is an edge of) with its distance from the tagger's boundary (one weight per offset
inside the window, per distance bucket beyond it), and what lies between it and the tagger's
boundary (the tagger's mean probability of the span's label, of outside and of the other roles
there; a sentence start, quotation mark, paragraph start or listed cue word in it; its
length), apart for a move that widens the span and one that narrows it, and what the span
it makes with the other, decoded edge is (:data:`WHOLE_FEATURES`: exactly one subtree, across
a sentence start, one quotation from mark to mark).

It is trained (``fit``) on cross-validated tagger predictions on PolNeAR train
(``crossval.py``): each article's spans come from a tagger that never saw it, so the step
learns the tagger's real errors. It is saved beside the tagger (``models/attribution/boundary``,
:meth:`BoundaryModel.to_disk`, format :data:`FORMAT`) and retrained by
``python -m pipeline.nlp.attribution.train --boundary-only``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import numpy
from spacy.attrs import DEP, HEAD, IS_SPACE, LOWER, POS, SENT_START, TAG
from spacy.tokens import Doc

from pipeline.nlp.attribution.features import N_QUOTE_FEATURES, N_SYNTAX_FEATURES, QUOTE_KEY, SYNTAX_KEY
from pipeline.nlp.attribution.tagger import RoleSpan, with_features

SIDES = ("start", "end")
N_TOKEN_TEMPLATES = 18  # hashed features of the tokens around a boundary
N_TEMPLATES = 22  # and of the kind of candidate, its distance and its subtree's label
_MIX = numpy.uint64(0x9E3779B97F4A7C15)
_MIX2 = numpy.uint64(0xC2B2AE3D27D4EB4F)
_EDGE = numpy.uint64(0x5BD1E9955BD1E995)  # the attribute value of the missing token beyond a doc's edge
FORMAT = 3  # 2: window candidates only; 3: and the grammar's, with their kind, distance and span features
REACH = 30  # how far (tokens) a grammar candidate may lie from the tagger's boundary
ANCESTOR_DEPTH = 6  # heads up the tree whose subtree edges are candidates
KINDS = ("window", "subtree", "clause", "sentence", "paragraph", "mark_before", "mark_after", "complement")
_BIT = {kind: 1 << i for i, kind in enumerate(KINDS)}
CLAUSE_DEPS = ("ROOT", "ccomp", "xcomp", "conj", "advcl", "parataxis", "relcl", "acl")
DISTANCE_BUCKETS = (8, 12, 20, 30)  # beyond the window: one offset weight per bucket and direction
SPAN_FEATURES = ("label_mean", "outside_mean", "other_roles_mean", "sentence_start", "quote_mark",
                 "paragraph_start", "cue_word", "log_length")  # of the tokens a move adds or removes
N_SPAN_FEATURES = len(SPAN_FEATURES)
WHOLE_FEATURES = ("one_subtree", "crosses_sentence", "one_quotation")  # of the span with the other edge


_TEMPLATES = (numpy.arange(N_TEMPLATES, dtype="uint64") + numpy.uint64(1)) * _MIX2


def _hash(values: numpy.ndarray, bits: int, first: int = 0) -> numpy.ndarray:
    """Bucket of every (template = column, value) of ``values`` (rows: boundaries; columns:
    templates ``first`` on)."""
    with numpy.errstate(over="ignore"):
        h = (values + _TEMPLATES[first:first + values.shape[1]]) * _MIX
        h ^= h >> numpy.uint64(29)
        h *= _MIX2
    return (h >> numpy.uint64(64 - bits)).astype("intp")


def n_offsets(window: int) -> int:
    """How many offset weights a weight set has: one per offset inside the window, one per
    distance bucket and direction beyond it."""
    return 2 * window + 1 + 2 * (len(DISTANCE_BUCKETS) + 1)


def offset_index(offsets: numpy.ndarray, window: int) -> numpy.ndarray:
    """The offset weight of each candidate ``offsets`` tokens from the tagger's boundary."""
    size = numpy.abs(offsets)
    far = 2 * window + 1 + 2 * numpy.searchsorted(numpy.array(DISTANCE_BUCKETS), size) + (offsets > 0)
    return numpy.where(size <= window, offsets + window, far)


def subtree_edges(heads: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
    """The first and last token of every token's subtree (``heads``: each token's head, a
    root its own)."""
    n = len(heads)
    idx = numpy.arange(n)
    left, right = idx.copy(), idx.copy()
    node, who = idx.copy(), idx.copy()
    for _ in range(n):
        up = heads[node]
        moving = up != node
        if not moving.any():
            break
        node, who = up[moving], who[moving]
        numpy.minimum.at(left, node, who)
        numpy.maximum.at(right, node, who)
    return left, right


def _column_sets(tag_labels: tuple[str, ...], label: str) -> tuple[list[int], list[int], list[int]]:
    """The tagger's columns of ``label`` (any prefix), of outside and of the other roles."""
    inside = [i for i, t in enumerate(tag_labels) if t.partition("-")[2] == label]
    outside = [i for i, t in enumerate(tag_labels) if t == "O"]
    other = [i for i, t in enumerate(tag_labels) if t != "O" and t.partition("-")[2] != label]
    return inside, outside, other


@lru_cache(maxsize=8)
def _label_mix(tag_labels: tuple[str, ...], labels: tuple[str, ...]) -> numpy.ndarray:
    """(tagger columns, 3 per label) 0/1: which columns sum to each label's own, outside and
    other-role probabilities."""
    mix = numpy.zeros((len(tag_labels), 3 * len(labels)))
    for j, label in enumerate(labels):
        for c, cols in enumerate(_column_sets(tag_labels, label)):
            mix[cols, 3 * j + c] = 1.0
    return mix


@dataclass
class DocFeatures:
    """What the boundary features read of one doc, for every token (padding rows at both ends),
    and the grammar's candidate boundaries."""

    attrs: numpy.ndarray  # (n + 4, 5) uint64: LOWER, POS, TAG, DEP, the tagger's best tag
    reals: numpy.ndarray  # (n + 2, labels + syntax + quote features) float32
    left: numpy.ndarray  # (n,) each token's subtree: first token
    right: numpy.ndarray  # (n,) and last token
    ancestors: numpy.ndarray  # (ANCESTOR_DEPTH + 1, n): each token, its head, its head's head...
    kind: dict[str, numpy.ndarray]  # side -> (n + 1,) bit mask of the grammar kinds of each boundary
    dep: dict[str, numpy.ndarray]  # side -> (n + 1,) dependency label of the largest subtree the boundary is an edge of
    points: dict[str, numpy.ndarray]  # side -> the boundaries with a grammar kind, in order
    cums: dict[str, numpy.ndarray]  # label -> (n + 1, N_SPAN_FEATURES - 1) running sums of the span features
    subtrees: numpy.ndarray  # the spans of the subtrees, as start * (n + 1) + end, in order
    marks: numpy.ndarray  # (n + 1,) running count of quotation marks

    @classmethod
    def build(cls, doc: Doc, log_probs: numpy.ndarray, tag_labels: tuple[str, ...] = (),
              labels: Iterable[str] = ("CONTENT", "SOURCE")) -> "DocFeatures":
        """Read the base parse, the tagger's log-probabilities (columns: ``tag_labels``) and the
        features the tagger read (``doc.user_data``; zeros when absent)."""
        n = len(doc)
        attrs = numpy.full((n + 4, 5), _EDGE, dtype="uint64")
        if n:
            attrs[2:-2, :4] = doc.to_array([LOWER, POS, TAG, DEP]).astype("uint64")
            attrs[2:-2, 4] = log_probs.argmax(axis=1).astype("uint64")
        n_labels = log_probs.shape[1]
        reals = numpy.zeros((n + 2, n_labels + N_SYNTAX_FEATURES + N_QUOTE_FEATURES), dtype="float32")
        syntax = doc.user_data.get(SYNTAX_KEY)
        if syntax is None or numpy.shape(syntax) != (n, N_SYNTAX_FEATURES):
            syntax = numpy.zeros((n, N_SYNTAX_FEATURES), dtype="float32")
        quotes = doc.user_data.get(QUOTE_KEY)
        if quotes is None or numpy.shape(quotes) != (n, N_QUOTE_FEATURES):
            quotes = numpy.zeros((n, N_QUOTE_FEATURES), dtype="float32")
        if n:
            reals[1:-1, :n_labels] = numpy.maximum(log_probs, -20.0) / 10.0
            reals[1:-1, n_labels:n_labels + N_SYNTAX_FEATURES] = syntax
            reals[1:-1, n_labels + N_SYNTAX_FEATURES:] = quotes
        idx = numpy.arange(n)
        if n and doc.has_annotation("DEP"):
            arr = doc.to_array([HEAD, SENT_START, IS_SPACE]).astype("int64")
            heads, sent_start, space = idx + arr[:, 0], arr[:, 1] == 1, arr[:, 2] > 0
        else:
            heads, sent_start, space = idx, idx == 0, numpy.zeros(n, dtype=bool)
        deps = attrs[2:-2, 3]
        left, right = subtree_edges(heads)
        ancestors = numpy.empty((ANCESTOR_DEPTH + 1, n), dtype="int64")
        ancestors[0] = idx
        for d in range(ANCESTOR_DEPTH):
            ancestors[d + 1] = heads[ancestors[d]]
        # a boundary before a run of white space tokens: where a span ending there stops
        last_word = numpy.maximum.accumulate(numpy.where(space, -1, idx)) if n else idx
        trimmed = numpy.concatenate([[0], last_word + 1])  # boundary b -> b without the spaces before it
        kind = {side: numpy.zeros(n + 1, dtype="int64") for side in SIDES}
        strings = doc.vocab.strings
        clause = numpy.isin(deps, numpy.array([strings.add(d) for d in CLAUSE_DEPS], dtype="uint64"))
        kind["start"][left[clause]] |= _BIT["clause"]
        kind["end"][right[clause] + 1] |= _BIT["clause"]
        conj = deps == strings.add("conj")
        kind["end"][trimmed[left[conj]]] |= _BIT["clause"]  # the first conjunct ends before the next
        cc = numpy.flatnonzero(deps == strings.add("cc"))
        kind["end"][cc] |= _BIT["clause"]
        kind["start"][cc + 1] |= _BIT["clause"]
        starts = numpy.flatnonzero(sent_start)
        kind["start"][starts] |= _BIT["sentence"]
        kind["end"][trimmed[numpy.concatenate([starts, [n]])]] |= _BIT["sentence"]
        paragraphs = numpy.flatnonzero(quotes[:, 2] > 0)
        kind["start"][paragraphs] |= _BIT["paragraph"]
        kind["end"][trimmed[numpy.concatenate([paragraphs, [n]])]] |= _BIT["paragraph"]
        marks = numpy.flatnonzero(quotes[:, 1] > 0)
        for side in SIDES:
            kind[side][marks] |= _BIT["mark_after"]
            kind[side][marks + 1] |= _BIT["mark_before"]
        kind["start"][numpy.flatnonzero(syntax[:, 8] > 0)] |= _BIT["complement"]
        kind["end"][numpy.flatnonzero(syntax[:, 9] > 0) + 1] |= _BIT["complement"]
        # the dependency label of the largest subtree each boundary opens and closes
        size = right - left
        dep = {side: numpy.zeros(n + 1, dtype="uint64") for side in SIDES}
        for side, edge in (("start", left), ("end", right + 1)):
            order = numpy.lexsort((size, edge))
            dep[side][edge[order]] = deps[order]  # the last write, the largest subtree, wins
        points = {side: numpy.flatnonzero(kind[side]) for side in SIDES}
        # one running-sum table: the layout columns once, three probability columns per label
        labels = tuple(labels)
        table = numpy.zeros((n + 1, 4 + 3 * len(labels)))
        if n:
            table[1:, 0] = sent_start
            table[1:, 1] = quotes[:, 1]
            table[1:, 2] = quotes[:, 2]
            table[1:, 3] = syntax[:, 1]
            if len(tag_labels) == n_labels:
                table[1:, 4:] = numpy.exp(log_probs) @ _label_mix(tuple(tag_labels), labels)
        running = numpy.cumsum(table, axis=0)
        cums = {label: running[:, [4 + 3 * j, 5 + 3 * j, 6 + 3 * j, 0, 1, 2, 3]] for j, label in enumerate(labels)}
        subtrees = numpy.unique(left * (n + 1) + right + 1)
        marks_run = numpy.concatenate([[0], numpy.cumsum(quotes[:, 1] > 0)])
        return cls(attrs, reals, left, right, ancestors, kind, dep, points, cums, subtrees, marks_run)

    def boundary(self, bounds: numpy.ndarray, bits: int) -> tuple[numpy.ndarray, numpy.ndarray]:
        """Hashed feature indices (len(bounds), N_TOKEN_TEMPLATES) and real features of the
        tokens around the boundaries ``bounds`` (boundary b lies between token b - 1 and token b)."""
        left2, left = self.attrs[bounds], self.attrs[bounds + 1]  # padded row b + 2 is token b
        right, right2 = self.attrs[bounds + 2], self.attrs[bounds + 3]
        values = numpy.empty((len(bounds), N_TOKEN_TEMPLATES), dtype="uint64")
        values[:, 0:10:2] = left
        values[:, 1:10:2] = right
        with numpy.errstate(over="ignore"):
            values[:, 10] = left[:, 1] * _MIX2 + right[:, 1]  # part of speech, left and right
            values[:, 11] = left[:, 4] * _MIX2 + right[:, 4]  # the tagger's best tag, left and right
            values[:, 12] = left[:, 0] * _MIX2 + right[:, 1]  # left word, right part of speech
            values[:, 13] = left[:, 1] * _MIX2 + right[:, 0]  # left part of speech, right word
            values[:, 14] = left2[:, 0]  # the words two tokens out
            values[:, 15] = right2[:, 0]
            values[:, 16] = (left2[:, 1] * _MIX2 + left[:, 1]) * _MIX2 + right[:, 1]  # parts of speech, 3 tokens
            values[:, 17] = (left[:, 1] * _MIX2 + right[:, 1]) * _MIX2 + right2[:, 1]
        reals = numpy.hstack([self.reals[bounds], self.reals[bounds + 1]])
        return _hash(values, bits), reals


@dataclass
class Candidates:
    """The candidate boundaries of several (span, side) groups of one doc, group after group."""

    group_span: numpy.ndarray  # per group: the span's index
    group_side: numpy.ndarray  # per group: 0 start, 1 end
    sizes: numpy.ndarray  # per group: how many candidates
    bounds: numpy.ndarray  # per candidate: the boundary
    group: numpy.ndarray  # per candidate: its group
    decoded: numpy.ndarray  # per candidate: the tagger's boundary of its group
    subtree: numpy.ndarray  # per candidate: an edge of the subtree of a token at the edge or of a head above it
    other: numpy.ndarray  # per candidate: the span's decoded other edge


def candidate_table(feats: DocFeatures | None, spans: list[RoleSpan], keys: list[tuple[int, int]], n: int,
                    window: int, reach: int) -> Candidates:
    """The candidates of the groups ``keys`` ((span index, side 0/1) of ``spans``, in text
    order, not overlapping): the boundaries up to ``window`` either way of the decoded one and,
    up to ``reach`` away (with ``feats``), the grammar's; all of them keep the span at least one
    token long and clear of its decoded neighbours."""
    arr = numpy.array([(s, e) for _, s, e in spans], dtype="int64").reshape(-1, 2)
    prev_end = numpy.concatenate([[0], arr[:-1, 1]])
    next_start = numpy.concatenate([arr[1:, 0], [n]])
    k = numpy.array([a for a, _ in keys], dtype="int64")
    side = numpy.array([b for _, b in keys], dtype="int64")
    start, end = arr[k, 0], arr[k, 1]
    decoded = numpy.where(side == 0, start, end)
    lo = numpy.where(side == 0, prev_end[k], start + 1)
    hi = numpy.where(side == 0, end - 1, next_start[k])
    groups = numpy.arange(len(keys))
    # the window
    wlo, whi = numpy.maximum(lo, decoded - window), numpy.minimum(hi, decoded + window)
    parts_g, parts_b, parts_s = [], [], []
    wsize = numpy.maximum(whi - wlo + 1, 0)
    first = numpy.cumsum(wsize) - wsize
    parts_g.append(numpy.repeat(groups, wsize))
    parts_b.append(numpy.repeat(wlo - first, wsize) + numpy.arange(int(wsize.sum())))
    parts_s.append(numpy.zeros(int(wsize.sum()), dtype=bool))
    if feats is not None and n:
        glo, ghi = numpy.maximum(lo, decoded - reach), numpy.minimum(hi, decoded + reach)
        for s_id, side_name in enumerate(SIDES):
            mine = numpy.flatnonzero(side == s_id)
            if not len(mine):
                continue
            points = feats.points[side_name]
            a = numpy.searchsorted(points, glo[mine])
            b = numpy.searchsorted(points, ghi[mine], side="right")
            size = numpy.maximum(b - a, 0)
            first = numpy.cumsum(size) - size
            parts_g.append(numpy.repeat(mine, size))
            parts_b.append(points[numpy.repeat(a - first, size) + numpy.arange(int(size.sum()))])
            parts_s.append(numpy.zeros(int(size.sum()), dtype=bool))
            # the subtrees of the tokens at the edge and beside it, and of their heads
            near = decoded[mine][:, None] + (numpy.array([-1, 0, 1]) if s_id == 0 else numpy.array([-2, -1, 0]))
            near = numpy.clip(near, 0, n - 1)
            heads = feats.ancestors[:, near]  # (depth, groups, 3)
            edges = feats.left[heads] if s_id == 0 else feats.right[heads] + 1
            edges = edges.transpose(1, 0, 2).reshape(len(mine), -1)
            ok = (edges >= glo[mine][:, None]) & (edges <= ghi[mine][:, None])
            parts_g.append(numpy.repeat(mine, ok.sum(axis=1)))
            parts_b.append(edges[ok])
            parts_s.append(numpy.ones(int(ok.sum()), dtype=bool))
    g, b, s = (numpy.concatenate(p) for p in (parts_g, parts_b, parts_s))
    key = g * (n + 2) + b
    order = numpy.lexsort((~s, key))  # per (group, boundary): a subtree entry first
    key, g, b, s = key[order], g[order], b[order], s[order]
    keep = numpy.ones(len(key), dtype=bool)
    keep[1:] = key[1:] != key[:-1]
    g, b, s = g[keep], b[keep], s[keep]
    sizes = numpy.bincount(g, minlength=len(keys))
    other = numpy.where(side == 0, end, start)
    return Candidates(k, side, sizes, b, g, decoded[g], s, other[g])


def candidates(spans: list[RoleSpan], n: int, k: int, side: str, window: int,
               feats: DocFeatures | None = None, reach: int = REACH) -> numpy.ndarray:
    """The candidate boundaries of span ``k``'s ``side`` (see :func:`candidate_table`; without
    ``feats`` the window's only)."""
    return candidate_table(feats, spans, [(k, SIDES.index(side))], n, window, reach).bounds


@dataclass
class BoundaryModel:
    """Linear scores of candidate span boundaries, one weight set per label and side."""

    labels: tuple[str, ...] = ("CONTENT", "SOURCE")
    tag_labels: tuple[str, ...] = ()  # the tagger's labels, in its column order
    window: int = 3
    bits: int = 17
    weights: dict[str, numpy.ndarray] = field(default_factory=dict)  # "<label>:<side>" -> hashed weights
    real_weights: dict[str, numpy.ndarray] = field(default_factory=dict)
    offset_weights: dict[str, numpy.ndarray] = field(default_factory=dict)
    report: dict = field(default_factory=dict)
    reach: int = REACH  # grammar candidates up to this far (``window``: the window's only)
    _stacked: tuple | None = field(default=None, repr=False, compare=False)

    def with_reach(self, reach: int) -> "BoundaryModel":
        """The same weights with grammar candidates only up to ``reach`` tokens (``window``: the
        window's candidates only, as ``boundary_clauses = false`` runs it)."""
        return replace(self, reach=reach, _stacked=None)

    def n_reals(self) -> int:
        """Width of the real features of one candidate."""
        return 2 * (len(self.tag_labels) + N_SYNTAX_FEATURES + N_QUOTE_FEATURES) + 2 * N_SPAN_FEATURES \
            + len(WHOLE_FEATURES)

    def features(self, feats: DocFeatures, cand: Candidates, labels: list[str]) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
        """Hashed indices (candidates, N_TEMPLATES), real features (candidates, :meth:`n_reals`)
        and offset weight indices of the candidates ``cand`` (``labels``: each group's label)."""
        bounds, offsets = cand.bounds, cand.bounds - cand.decoded
        idx, reals = feats.boundary(bounds, self.bits)
        side = cand.group_side[cand.group]
        kind = numpy.where(side == 0, feats.kind["start"][bounds], feats.kind["end"][bounds])
        kind = kind | numpy.where(numpy.abs(offsets) <= self.window, _BIT["window"], 0) \
            | numpy.where(cand.subtree, _BIT["subtree"], 0)
        dep = numpy.where(side == 0, feats.dep["start"][bounds], feats.dep["end"][bounds])
        off = offset_index(offsets, self.window)
        kind64, off64 = kind.astype("uint64"), off.astype("uint64")
        values = numpy.empty((len(bounds), N_TEMPLATES - N_TOKEN_TEMPLATES), dtype="uint64")
        with numpy.errstate(over="ignore"):
            values[:, 0] = kind64
            values[:, 1] = kind64 * _MIX2 + off64
            values[:, 2] = dep * _MIX2 + off64
            values[:, 3] = dep * _MIX2 + kind64
        idx = numpy.hstack([idx, _hash(values, self.bits, N_TOKEN_TEMPLATES)])
        # what a move adds (widen) or removes (narrow): the tokens between the two boundaries
        lo, hi = numpy.minimum(bounds, cand.decoded), numpy.maximum(bounds, cand.decoded)
        length = hi - lo
        span = numpy.zeros((len(bounds), N_SPAN_FEATURES))
        names = list(feats.cums)
        code = numpy.array([names.index(lab) if lab in feats.cums else -1 for lab in labels], dtype="int64")
        group_label = code[cand.group] if len(code) else numpy.zeros(0, dtype="int64")
        for c, cums in enumerate(feats.cums.values()):
            rows = numpy.flatnonzero(group_label == c)
            if not len(rows):
                continue
            sums = cums[hi[rows]] - cums[lo[rows]]
            denom = numpy.maximum(length[rows], 1)[:, None]
            span[rows, :3] = sums[:, :3] / denom
            span[rows, 3:7] = sums[:, 3:7] > 0
        span[:, 7] = numpy.log1p(length) / 3.0
        widen = numpy.where(side == 0, bounds < cand.decoded, bounds > cand.decoded)
        narrow = (length > 0) & ~widen
        # the span the candidate makes with the other, decoded edge
        first = numpy.where(side == 0, bounds, cand.other)
        last = numpy.maximum(numpy.where(side == 0, cand.other, bounds), first)
        whole = numpy.zeros((len(bounds), len(WHOLE_FEATURES)))
        whole[:, 0] = numpy.isin(first * (len(feats.left) + 1) + last, feats.subtrees)
        sentence = next(iter(feats.cums.values()))[:, 3] if feats.cums else None
        if sentence is not None:
            whole[:, 1] = sentence[last] - sentence[numpy.minimum(first + 1, last)] > 0
        inner = feats.marks[last] - feats.marks[first]
        whole[:, 2] = (inner >= 2) & (feats.marks[numpy.minimum(first + 1, last)] - feats.marks[first] == 1) \
            & (feats.marks[last] - feats.marks[numpy.maximum(last - 1, first)] == 1)
        reals = numpy.hstack([reals, span * widen[:, None], span * narrow[:, None], whole]).astype("float32")
        return idx, reals, off

    def _packed(self) -> tuple[dict[str, int], numpy.ndarray, numpy.ndarray, numpy.ndarray]:
        """The weight sets stacked into arrays, one row per key (built once)."""
        if self._stacked is None or len(self._stacked[0]) != len(self.weights):
            keys = sorted(self.weights)
            self._stacked = ({k: i for i, k in enumerate(keys)},
                             numpy.stack([self.weights[k] for k in keys]).astype("float32"),
                             numpy.stack([self.real_weights[k] for k in keys]).astype("float32"),
                             numpy.stack([self.offset_weights[k] for k in keys]).astype("float32"))
        return self._stacked

    def adjust(self, doc: Doc, spans: list[RoleSpan], log_probs: numpy.ndarray) -> list[RoleSpan]:
        """``spans`` (in text order, not overlapping) with the start and end of every SOURCE
        and CONTENT span moved to its best-scoring candidate. Candidates keep clear of the
        decoded neighbours; two moves that would still cross (a span's end past the next span's
        new start, or its own start) are both left undone."""
        if not self.weights or not spans or not len(doc):
            return spans
        if log_probs.shape[1] != len(self.tag_labels):
            raise ValueError(f"boundary model: trained for a tagger of {len(self.tag_labels)} labels, "
                             f"this one has {log_probs.shape[1]}; retrain with python -m pipeline.nlp.attribution.train")
        keys, table, reals_w, offset_w = self._packed()
        groups = [(k, s) for s, side in enumerate(SIDES) for k, (label, _, _) in enumerate(spans)
                  if f"{label}:{side}" in keys]
        if not groups:
            return spans
        n = len(doc)
        feats = DocFeatures.build(doc, log_probs, self.tag_labels, self.labels)
        cand = candidate_table(feats, spans, groups, n, self.window, max(self.reach, self.window))
        labels = [spans[k][0] for k, _ in groups]
        kid_of_group = numpy.array([keys[f"{spans[k][0]}:{SIDES[s]}"] for k, s in groups])
        use = cand.sizes >= 2
        if not use.any():
            return spans
        idx, reals, off = self.features(feats, cand, labels)
        kid = kid_of_group[cand.group]
        scores = table[kid[:, None], idx].sum(axis=1) + (reals * reals_w[kid]).sum(axis=1) + offset_w[kid, off]
        starts = numpy.cumsum(cand.sizes) - cand.sizes
        nonempty = cand.sizes > 0
        best = numpy.full(len(groups), -numpy.inf)
        best[nonempty] = numpy.maximum.reduceat(scores, starts[nonempty])
        hits = numpy.flatnonzero(scores == best[cand.group])
        first_hit = hits[numpy.searchsorted(hits, starts[use])]  # each group's first best candidate
        new_start = [s for _, s, _ in spans]
        new_end = [e for _, _, e in spans]
        for g, b in zip(numpy.flatnonzero(use).tolist(), cand.bounds[first_hit].tolist()):
            k, s = groups[g]
            (new_start if s == 0 else new_end)[k] = b
        m = len(spans)
        for k in range(m):
            if new_start[k] >= new_end[k] or (k + 1 < m and new_end[k] > new_start[k + 1]):
                new_start[k], new_end[k] = spans[k][1], spans[k][2]
                if k + 1 < m and new_end[k] > new_start[k + 1]:
                    new_start[k + 1] = spans[k + 1][1]
        return [(lab, s, e) for (lab, _, _), s, e in zip(spans, new_start, new_end)]

    def to_disk(self, path: str | Path) -> None:
        """Write the weights (``weights.npz``) and settings (``boundary.json``) under ``path``."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        arrays = {}
        for key in self.weights:
            arrays[f"w|{key}"] = self.weights[key].astype("float32")
            arrays[f"r|{key}"] = self.real_weights[key].astype("float32")
            arrays[f"o|{key}"] = self.offset_weights[key].astype("float32")
        numpy.savez_compressed(path / "weights.npz", **arrays)
        meta = {"format": FORMAT, "labels": list(self.labels), "tag_labels": list(self.tag_labels),
                "window": self.window, "reach": self.reach, "bits": self.bits, "kinds": list(KINDS),
                "distance_buckets": list(DISTANCE_BUCKETS), "report": self.report}
        (path / "boundary.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def from_disk(cls, path: str | Path) -> "BoundaryModel":
        """Read what :meth:`to_disk` wrote; a clear error for a missing or other-format model."""
        path = Path(path)
        try:
            meta = json.loads((path / "boundary.json").read_text(encoding="utf-8"))
            arrays = numpy.load(path / "weights.npz")
        except (OSError, ValueError) as exc:
            raise ValueError(f"boundary model at {path}: cannot be read ({exc}); retrain it with "
                             f"python -m pipeline.nlp.attribution.train --boundary-only") from exc
        if meta.get("format") != FORMAT or meta.get("kinds") != list(KINDS) \
                or meta.get("distance_buckets") != list(DISTANCE_BUCKETS):
            raise ValueError(f"boundary model at {path}: format {meta.get('format')} (or other candidate kinds), "
                             f"this code reads format {FORMAT}; retrain it with "
                             f"python -m pipeline.nlp.attribution.train --boundary-only")
        model = cls(tuple(meta["labels"]), tuple(meta["tag_labels"]), meta["window"], meta["bits"],
                    report=meta.get("report", {}), reach=meta["reach"])
        for name in arrays.files:
            kind, key = name.split("|", 1)
            {"w": model.weights, "r": model.real_weights, "o": model.offset_weights}[kind][key] = arrays[name]
        expected = {"w": 1 << model.bits, "r": model.n_reals(), "o": n_offsets(model.window)}
        for kind, store in (("w", model.weights), ("r", model.real_weights), ("o", model.offset_weights)):
            for key, weights in store.items():
                if weights.shape != (expected[kind],):
                    raise ValueError(f"boundary model at {path}: weights {kind}|{key} have shape {weights.shape}, "
                                     f"expected ({expected[kind]},); retrain it with "
                                     f"python -m pipeline.nlp.attribution.train --boundary-only")
        return model


_WINDOW_ONLY: dict[int, tuple[BoundaryModel, BoundaryModel]] = {}


def window_only(model: BoundaryModel) -> BoundaryModel:
    """``model`` with the window's candidates only (made once per loaded model)."""
    hit = _WINDOW_ONLY.get(id(model))
    if hit is None or hit[0] is not model:
        hit = (model, model.with_reach(model.window))
        _WINDOW_ONLY[id(model)] = hit
    return hit[1]


@dataclass
class _Groups:
    idx: list[numpy.ndarray] = field(default_factory=list)
    reals: list[numpy.ndarray] = field(default_factory=list)
    offsets: list[numpy.ndarray] = field(default_factory=list)
    right: list[numpy.ndarray] = field(default_factory=list)  # per candidate: the gold boundary, punctuation aside
    sizes: list[int] = field(default_factory=list)


def same_words(doc: Doc, a: int, b: int) -> bool:
    """True when boundaries ``a`` and ``b`` differ by punctuation and white space only (the
    scorer compares the words of a content or source)."""
    lo, hi = min(a, b), max(a, b)
    return all(doc[i].is_punct or doc[i].is_space for i in range(lo, hi))


def matched_gold(pred: list[RoleSpan], gold: list[RoleSpan]) -> dict[int, tuple[int, int]]:
    """Predicted span index -> the gold span of its label it alone overlaps (and that overlaps
    no other predicted span of the label): the pairs whose boundaries can be learned."""
    out = {}
    for k, (label, s, e) in enumerate(pred):
        over = [(gs, ge) for lab, gs, ge in gold if lab == label and gs < e and s < ge]
        if len(over) != 1:
            continue
        gs, ge = over[0]
        if sum(1 for lab, ps, pe in pred if lab == label and ps < ge and gs < pe) == 1:
            out[k] = over[0]
    return out


def training_groups(model: BoundaryModel, docs: Iterable[Doc], preds: Iterable[tuple[list[RoleSpan], numpy.ndarray]],
                    golds: Iterable[list[RoleSpan]], cue_lemmas: frozenset[str],
                    strict: bool = True) -> tuple[dict[str, _Groups], dict[str, dict[str, int]]]:
    """One candidate group per (matched predicted span, side) whose gold boundary is among the
    candidates, by weight set (``cue_lemmas``: the tagger's cue words, for the parse features it
    read). ``strict``: only the gold boundary itself is right (else also the candidates that
    differ from it by punctuation only). Also, per weight set, how many matched edges the
    tagger got wrong and how many of those lie in the window, or among all candidates."""
    groups = {f"{label}:{side}": _Groups() for label in model.labels for side in SIDES}
    reach = {key: {"matched": 0, "decoded_wrong": 0, "wrong_in_window": 0, "wrong_in_candidates": 0} for key in groups}
    for doc, (spans, log_probs), gold in zip(docs, preds, golds):
        if not spans or not len(doc):
            continue
        matched = {k: g for k, g in matched_gold(spans, gold).items() if spans[k][0] in model.labels}
        if not matched:
            continue
        added = with_features(doc, cue_lemmas)  # what the tagger read, as at run time
        feats = DocFeatures.build(doc, log_probs, model.tag_labels, model.labels)
        for key in added:
            del doc.user_data[key]
        keys = [(k, s) for k in matched for s in (0, 1)]
        cand = candidate_table(feats, spans, keys, len(doc), model.window, max(model.reach, model.window))
        idx, reals, _ = model.features(feats, cand, [spans[k][0] for k, _ in keys])
        starts = numpy.cumsum(cand.sizes) - cand.sizes
        for g, (k, s) in enumerate(keys):
            label, target = spans[k][0], matched[k][s]
            decoded = spans[k][1 + s]
            rows = slice(starts[g], starts[g] + cand.sizes[g])
            bounds = cand.bounds[rows]
            right = bounds == target if strict else \
                numpy.array([same_words(doc, int(c), target) for c in bounds], dtype=bool)
            count = reach[f"{label}:{SIDES[s]}"]
            count["matched"] += 1
            if decoded != target:
                count["decoded_wrong"] += 1
                count["wrong_in_window"] += abs(decoded - target) <= model.window
                count["wrong_in_candidates"] += bool((bounds == target).any())
            if len(bounds) < 2 or not right.any():
                continue
            group = groups[f"{label}:{SIDES[s]}"]
            group.idx.append(idx[rows])
            group.reals.append(reals[rows])
            group.offsets.append(bounds - decoded)
            group.right.append(right)
            group.sizes.append(len(bounds))
    return groups, reach


def _fit_one(g: _Groups, n_buckets: int, n_reals: int, window: int, iterations: int, l2: float,
             learn_rate: float) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray, dict]:
    """Weights of one conditional logit by full-batch Adam on the mean negative log-likelihood
    of the right candidates (a group may have several: the gold boundary, punctuation aside)
    plus an L2 penalty."""
    idx = numpy.concatenate(g.idx)
    reals = numpy.concatenate(g.reals).astype("float64")
    offsets = offset_index(numpy.concatenate(g.offsets), window)
    n_off = n_offsets(window)
    sizes = numpy.array(g.sizes)
    starts = numpy.concatenate([[0], numpy.cumsum(sizes)[:-1]])
    right = numpy.concatenate(g.right).astype("float64")
    group_of = numpy.repeat(numpy.arange(len(sizes)), sizes)
    n_groups = len(sizes)
    params = [numpy.zeros(n_buckets), numpy.zeros(n_reals), numpy.zeros(n_off)]
    moments = [[numpy.zeros_like(p), numpy.zeros_like(p)] for p in params]
    flat_idx = idx.ravel()
    loss = 0.0
    for step in range(1, iterations + 1):
        w, v, o = params
        s = w[idx].sum(axis=1) + reals @ v + o[offsets]
        s = s - numpy.maximum.reduceat(s, starts)[group_of]
        e = numpy.exp(s)
        z = numpy.add.reduceat(e, starts)
        p = e / z[group_of]
        p_right = numpy.add.reduceat(p * right, starts)
        loss = float(-numpy.log(numpy.maximum(p_right, 1e-30)).mean())
        d = (p - p * right / numpy.maximum(p_right, 1e-30)[group_of]) / n_groups
        grads = [numpy.bincount(flat_idx, weights=numpy.repeat(d, idx.shape[1]), minlength=n_buckets) + l2 * w,
                 reals.T @ d + l2 * v, numpy.bincount(offsets, weights=d, minlength=n_off)]
        for param, grad, (m, u) in zip(params, grads, moments):
            m *= 0.9
            m += 0.1 * grad
            u *= 0.999
            u += 0.001 * grad * grad
            param -= learn_rate * (m / (1 - 0.9 ** step)) / (numpy.sqrt(u / (1 - 0.999 ** step)) + 1e-8)
    w, v, o = params
    s = w[idx].sum(axis=1) + reals @ v + o[offsets]
    chosen_right = sum(bool(r[int(numpy.argmax(s[a:a + n]))]) for a, n, r in zip(starts, sizes, g.right))
    decoded_right = sum(bool(r[off == 0].any()) for off, r in zip(g.offsets, g.right))
    stats = {"groups": n_groups, "candidates": int(sizes.sum()), "train_loss": round(loss, 4),
             "decoded_right": int(decoded_right), "chosen_right": int(chosen_right)}
    return w.astype("float32"), v.astype("float32"), o.astype("float32"), stats


def fit(docs: list[Doc], preds: list[tuple[list[RoleSpan], numpy.ndarray]], golds: list[list[RoleSpan]],
        tag_labels: Iterable[str], cue_lemmas: frozenset[str], labels: tuple[str, ...] = ("CONTENT", "SOURCE"), window: int = 3,
        bits: int = 17, iterations: int = 150, l2: float = 1e-4, learn_rate: float = 0.05,
        strict: bool = True, reach: int = REACH) -> BoundaryModel:
    """Train the boundary step on tagger predictions (``preds``: decoded spans and
    log-probabilities per doc, cross-validated) against the gold role spans (``cue_lemmas``,
    ``strict``: see :func:`training_groups`; ``reach``: how far the grammar's candidates may
    lie, ``window`` for the window's only)."""
    model = BoundaryModel(labels, tuple(tag_labels), window, bits, reach=reach)
    groups, coverage = training_groups(model, docs, preds, golds, cue_lemmas, strict)
    for key, g in groups.items():
        if not g.sizes:
            continue
        w, v, o, stats = _fit_one(g, 1 << bits, model.n_reals(), window, iterations, l2, learn_rate)
        model.weights[key], model.real_weights[key], model.offset_weights[key] = w, v, o
        model.report[key] = {**stats, **coverage[key]}
    return model
