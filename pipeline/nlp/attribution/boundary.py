"""A learned boundary step after the attribution tagger: where a SOURCE or CONTENT span starts and ends.

The tagger often finds the right span but one or two words off at an edge (a leading "that"
left out, a trailing word run on). For every SOURCE and CONTENT span the tagger decodes, this
step looks at the ``window`` boundaries on each side of its start (and, apart, of its end) and
takes the most probable one under a small linear model (a conditional logit over the
candidate boundaries). A boundary lies between a left and a right token; it is described by
hashed features of both (lower form, part of speech, fine tag, dependency label, the
tagger's best tag and pairs of these), the tagger's log-probabilities at both, the parse and
quotation features the tagger reads (first or last token of a cue's complement, quotation
mark, paragraph start, ...) and the offset from the tagger's own boundary.

It is trained (``fit``) on cross-validated tagger predictions on PolNeAR train
(``crossval.py``): each article's spans come from a tagger that never saw it, so the step
learns the tagger's real errors. It is saved beside the tagger (``models/attribution/boundary``,
:meth:`BoundaryModel.to_disk`) and retrained by ``python -m pipeline.nlp.attribution.train``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy
from spacy.attrs import DEP, LOWER, POS, TAG
from spacy.tokens import Doc

from pipeline.nlp.attribution.features import N_QUOTE_FEATURES, N_SYNTAX_FEATURES, QUOTE_KEY, SYNTAX_KEY
from pipeline.nlp.attribution.tagger import RoleSpan, with_features

SIDES = ("start", "end")
N_TEMPLATES = 18
_MIX = numpy.uint64(0x9E3779B97F4A7C15)
_MIX2 = numpy.uint64(0xC2B2AE3D27D4EB4F)
_EDGE = numpy.uint64(0x5BD1E9955BD1E995)  # the attribute value of the missing token beyond a doc's edge
FORMAT = 2


_TEMPLATES = (numpy.arange(N_TEMPLATES, dtype="uint64") + numpy.uint64(1)) * _MIX2


def _hash(values: numpy.ndarray, bits: int) -> numpy.ndarray:
    """Bucket of every (template = column, value) of ``values`` (rows: boundaries)."""
    with numpy.errstate(over="ignore"):
        h = (values + _TEMPLATES) * _MIX
        h ^= h >> numpy.uint64(29)
        h *= _MIX2
    return (h >> numpy.uint64(64 - bits)).astype("intp")


@dataclass
class DocFeatures:
    """What the boundary features read of one doc, for every token (padding rows at both ends)."""

    attrs: numpy.ndarray  # (n + 4, 5) uint64: LOWER, POS, TAG, DEP, the tagger's best tag
    reals: numpy.ndarray  # (n + 2, labels + syntax + quote features) float32

    @classmethod
    def build(cls, doc: Doc, log_probs: numpy.ndarray) -> "DocFeatures":
        """Read the base parse, the tagger's log-probabilities and the features the tagger read
        (``doc.user_data``; zeros when absent)."""
        n = len(doc)
        attrs = numpy.full((n + 4, 5), _EDGE, dtype="uint64")
        if n:
            attrs[2:-2, :4] = doc.to_array([LOWER, POS, TAG, DEP]).astype("uint64")
            attrs[2:-2, 4] = log_probs.argmax(axis=1).astype("uint64")
        n_labels = log_probs.shape[1]
        reals = numpy.zeros((n + 2, n_labels + N_SYNTAX_FEATURES + N_QUOTE_FEATURES), dtype="float32")
        if n:
            reals[1:-1, :n_labels] = numpy.maximum(log_probs, -20.0) / 10.0
            syntax = doc.user_data.get(SYNTAX_KEY)
            if syntax is not None and numpy.shape(syntax) == (n, N_SYNTAX_FEATURES):
                reals[1:-1, n_labels:n_labels + N_SYNTAX_FEATURES] = syntax
            quotes = doc.user_data.get(QUOTE_KEY)
            if quotes is not None and numpy.shape(quotes) == (n, N_QUOTE_FEATURES):
                reals[1:-1, n_labels + N_SYNTAX_FEATURES:] = quotes
        return cls(attrs, reals)

    def boundary(self, bounds: numpy.ndarray, bits: int) -> tuple[numpy.ndarray, numpy.ndarray]:
        """Hashed feature indices (len(bounds), N_TEMPLATES) and real features of the boundaries
        ``bounds`` (boundary b lies between token b - 1 and token b)."""
        left2, left = self.attrs[bounds], self.attrs[bounds + 1]  # padded row b + 2 is token b
        right, right2 = self.attrs[bounds + 2], self.attrs[bounds + 3]
        values = numpy.empty((len(bounds), N_TEMPLATES), dtype="uint64")
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


def candidates(spans: list[RoleSpan], n: int, k: int, side: str, window: int) -> numpy.ndarray:
    """The candidate boundaries of span ``k``'s ``side``: up to ``window`` boundaries either way
    of the decoded one that keep the span at least one token long and off its neighbours."""
    _, start, end = spans[k]
    lo_limit = spans[k - 1][2] if k else 0
    hi_limit = spans[k + 1][1] if k + 1 < len(spans) else n
    if side == "start":
        lo, hi = max(lo_limit, start - window), min(end - 1, start + window)
    else:
        lo, hi = max(start + 1, end - window), min(hi_limit, end + window)
    return numpy.arange(lo, hi + 1)


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
    _stacked: tuple | None = field(default=None, repr=False, compare=False)

    def n_reals(self) -> int:
        """Width of the real features of one boundary."""
        return 2 * (len(self.tag_labels) + N_SYNTAX_FEATURES + N_QUOTE_FEATURES)

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
        n = len(doc)
        arr = numpy.array([(s, e) for _, s, e in spans], dtype="int64")
        prev_end = numpy.concatenate([[0], arr[:-1, 1]])
        next_start = numpy.concatenate([arr[1:, 0], [n]])
        w = self.window
        # one group of candidates per (span, side): starts, then ends
        lo = numpy.concatenate([numpy.maximum(prev_end, arr[:, 0] - w), numpy.maximum(arr[:, 0] + 1, arr[:, 1] - w)])
        hi = numpy.concatenate([numpy.minimum(arr[:, 1] - 1, arr[:, 0] + w), numpy.minimum(next_start, arr[:, 1] + w)])
        decoded = numpy.concatenate([arr[:, 0], arr[:, 1]])
        keys, table, reals_w, offset_w = self._packed()
        key_id = numpy.array([keys.get(f"{label}:{side}", -1) for side in SIDES for label, _, _ in spans])
        use = numpy.flatnonzero((key_id >= 0) & (hi > lo))
        if not len(use):
            return spans
        sizes = hi[use] - lo[use] + 1
        group_of = numpy.repeat(numpy.arange(len(use)), sizes)
        starts = numpy.concatenate([[0], numpy.cumsum(sizes)[:-1]])
        bounds = lo[use][group_of] + numpy.arange(len(group_of)) - starts[group_of]
        kid = key_id[use][group_of]
        offsets = bounds - decoded[use][group_of] + w
        idx, reals = DocFeatures.build(doc, log_probs).boundary(bounds, self.bits)
        scores = table[kid[:, None], idx].sum(axis=1) + (reals * reals_w[kid]).sum(axis=1) + offset_w[kid, offsets]
        hits = numpy.flatnonzero(scores == numpy.maximum.reduceat(scores, starts)[group_of])
        chosen = decoded.copy()
        chosen[use] = bounds[hits[numpy.searchsorted(hits, starts)]]  # each group's first best candidate
        m = len(spans)
        new_start, new_end = chosen[:m].tolist(), chosen[m:].tolist()
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
                "window": self.window, "bits": self.bits, "report": self.report}
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
                             f"python -m pipeline.nlp.attribution.train") from exc
        if meta.get("format") != FORMAT:
            raise ValueError(f"boundary model at {path}: format {meta.get('format')}, expected {FORMAT}; "
                             f"retrain it with python -m pipeline.nlp.attribution.train")
        model = cls(tuple(meta["labels"]), tuple(meta["tag_labels"]), meta["window"], meta["bits"],
                    report=meta.get("report", {}))
        for name in arrays.files:
            kind, key = name.split("|", 1)
            {"w": model.weights, "r": model.real_weights, "o": model.offset_weights}[kind][key] = arrays[name]
        return model


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
                    strict: bool = True) -> dict[str, _Groups]:
    """One candidate group per (matched predicted span, side) whose gold boundary is among the
    candidates, by weight set (``cue_lemmas``: the tagger's cue words, for the parse features it
    read). ``strict``: only the gold boundary itself is right (else also
    the candidates that differ from it by punctuation only)."""
    groups = {f"{label}:{side}": _Groups() for label in model.labels for side in SIDES}
    for doc, (spans, log_probs), gold in zip(docs, preds, golds):
        if not spans or not len(doc):
            continue
        added = with_features(doc, cue_lemmas)  # what the tagger read, as at run time
        feats = DocFeatures.build(doc, log_probs)
        for key in added:
            del doc.user_data[key]
        for k, (gs, ge) in matched_gold(spans, gold).items():
            label, start, end = spans[k]
            if label not in model.labels:
                continue
            for side, decoded, target in (("start", start, gs), ("end", end, ge)):
                cand = candidates(spans, len(doc), k, side, model.window)
                right = cand == target if strict else \
                    numpy.array([same_words(doc, int(c), target) for c in cand], dtype=bool)
                if len(cand) < 2 or not right.any():
                    continue
                idx, reals = feats.boundary(cand, model.bits)
                g = groups[f"{label}:{side}"]
                g.idx.append(idx)
                g.reals.append(reals)
                g.offsets.append(cand - decoded)
                g.right.append(right)
                g.sizes.append(len(cand))
    return groups


def _fit_one(g: _Groups, n_buckets: int, n_reals: int, window: int, iterations: int, l2: float,
             learn_rate: float) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray, dict]:
    """Weights of one conditional logit by full-batch Adam on the mean negative log-likelihood
    of the right candidates (a group may have several: the gold boundary, punctuation aside)
    plus an L2 penalty."""
    idx = numpy.concatenate(g.idx)
    reals = numpy.concatenate(g.reals).astype("float64")
    offsets = numpy.concatenate(g.offsets) + window
    sizes = numpy.array(g.sizes)
    starts = numpy.concatenate([[0], numpy.cumsum(sizes)[:-1]])
    right = numpy.concatenate(g.right).astype("float64")
    group_of = numpy.repeat(numpy.arange(len(sizes)), sizes)
    n_groups = len(sizes)
    params = [numpy.zeros(n_buckets), numpy.zeros(n_reals), numpy.zeros(2 * window + 1)]
    moments = [[numpy.zeros_like(p), numpy.zeros_like(p)] for p in params]
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
        grads = [numpy.bincount(idx.ravel(), weights=numpy.repeat(d, idx.shape[1]), minlength=n_buckets) + l2 * w,
                 reals.T @ d + l2 * v, numpy.bincount(offsets, weights=d, minlength=2 * window + 1)]
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
    stats = {"groups": n_groups, "train_loss": round(loss, 4),
             "decoded_right": int(decoded_right), "chosen_right": int(chosen_right)}
    return w.astype("float32"), v.astype("float32"), o.astype("float32"), stats


def fit(docs: list[Doc], preds: list[tuple[list[RoleSpan], numpy.ndarray]], golds: list[list[RoleSpan]],
        tag_labels: Iterable[str], cue_lemmas: frozenset[str], labels: tuple[str, ...] = ("CONTENT", "SOURCE"), window: int = 3,
        bits: int = 17, iterations: int = 150, l2: float = 1e-4, learn_rate: float = 0.05,
        strict: bool = True) -> BoundaryModel:
    """Train the boundary step on tagger predictions (``preds``: decoded spans and
    log-probabilities per doc, cross-validated) against the gold role spans (``cue_lemmas``,
    ``strict``: see :func:`training_groups`)."""
    model = BoundaryModel(labels, tuple(tag_labels), window, bits)
    for key, g in training_groups(model, docs, preds, golds, cue_lemmas, strict).items():
        if not g.sizes:
            continue
        w, v, o, stats = _fit_one(g, 1 << bits, model.n_reals(), window, iterations, l2, learn_rate)
        model.weights[key], model.real_weights[key], model.offset_weights[key] = w, v, o
        model.report[key] = stats
    return model
