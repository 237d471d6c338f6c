"""A learned joining step after the boundary step: which CONTENT pieces the tagger split are one.

The tagger often breaks one content into two spans: a word or two it tagged outside, a
quotation that runs over a sentence or paragraph break, a long clause whose middle it lost.
For every two CONTENT spans that follow each other with no other role span (CUE, SOURCE)
between them and at most ``max_gap`` tokens apart, this step scores a small logistic model
over the gap (its length, what lies in it: punctuation, a quotation mark, a sentence or
paragraph break, a conjunction, a verb, a listed cue word; whether both pieces lie in one
quotation; the pieces' lengths; the tagger's probabilities of CONTENT, of outside and of a
cue or source there) and, above ``threshold``, makes the two one span that holds the gap.
A content interrupted by its own cue or speaker (``"...," she said, "..."``) is not a
candidate: its pieces stay pieces of one claim (``model.py``).

It is trained (:func:`fit`) on the cross-validated tagger predictions on PolNeAR train
(``crossval.py``, after the boundary step as at run time): a pair is positive when one gold
content overlaps both pieces. It is saved beside the tagger (``models/attribution/model/join``,
:meth:`JoinModel.to_disk`) and retrained by ``python -m pipeline.nlp.attribution.train``
(``--join-only``: this step alone).
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy
from spacy.attrs import IS_PUNCT, ORTH, POS
from spacy.parts_of_speech import CCONJ, VERB
from spacy.tokens import Doc

from pipeline.nlp.attribution.features import N_QUOTE_FEATURES, N_SYNTAX_FEATURES, QUOTE_KEY, SYNTAX_KEY
from pipeline.nlp.attribution.tagger import RoleSpan

FORMAT = 1
GAP_BUCKETS = (0, 1, 2, 3, 5, 10)  # one-hot: gap length <= each, else longer
FEATURES = ("bias",) + tuple(f"gap<={b}" for b in GAP_BUCKETS) + (
    f"gap>{GAP_BUCKETS[-1]}", "gap/10", "punct", "comma", "sentence_mark", "quote_mark", "two_quote_marks",
    "paragraph_break", "sentence_break", "conjunction", "verb", "cue_word",
    "one_quotation", "left_in_quotation", "right_in_quotation", "left_length", "right_length",
    "gap_content_mean", "gap_content_min", "gap_outside_mean", "gap_role_max", "right_begin")
_SENTENCE_MARKS = (".", "!", "?", ";")
THRESHOLDS = (0.2, 0.3, 0.4, 0.5)  # the join thresholds :func:`choose_threshold` tries


def candidate_pairs(spans: list[RoleSpan], max_gap: int) -> list[tuple[int, int]]:
    """Indices (k, k + 1) of CONTENT spans that follow each other in ``spans`` (text order)
    with no other span between them and at most ``max_gap`` tokens apart."""
    return [(k, k + 1) for k in range(len(spans) - 1)
            if spans[k][0] == "CONTENT" and spans[k + 1][0] == "CONTENT"
            and spans[k + 1][1] - spans[k][2] <= max_gap]


def _label_columns(tag_labels: tuple[str, ...]) -> tuple[list[int], list[int], list[int], int]:
    content = [i for i, lab in enumerate(tag_labels) if lab.endswith("-CONTENT")]
    outside = [i for i, lab in enumerate(tag_labels) if lab == "O"]
    role = [i for i, lab in enumerate(tag_labels) if lab.endswith("-CUE") or lab.endswith("-SOURCE")]
    begin = next((i for i, lab in enumerate(tag_labels) if lab == "B-CONTENT"), -1)
    return content, outside, role, begin


def _segments(doc: Doc, spans: list[RoleSpan], pairs: list[tuple[int, int]],
              log_probs: numpy.ndarray) -> tuple[numpy.ndarray, ...]:
    """What :func:`pair_features_many` reads of one doc: the pairs' (left start, left end, right
    start, right end) and, for the tokens of each pair's segment (one token before its gap to
    the right piece's first token), in segment order: IS_PUNCT, POS, ORTH; the first two parse
    features; the quotation features; the tagger's log-probabilities."""
    n = len(doc)
    index = numpy.array([(spans[a][1], spans[a][2], spans[b][1], spans[b][2]) for a, b in pairs], dtype="int64")
    sizes = index[:, 2] - index[:, 1] + 2
    offsets = numpy.cumsum(sizes) - sizes
    tokens = numpy.repeat(index[:, 1] - 1 - offsets, sizes) + numpy.arange(int(sizes.sum()))
    syntax = doc.user_data.get(SYNTAX_KEY)
    syntax = syntax[tokens, :2] if syntax is not None and numpy.shape(syntax) == (n, N_SYNTAX_FEATURES) \
        else numpy.zeros((len(tokens), 2), dtype="float32")
    quotes = doc.user_data.get(QUOTE_KEY)
    quotes = quotes[tokens] if quotes is not None and numpy.shape(quotes) == (n, N_QUOTE_FEATURES) \
        else numpy.zeros((len(tokens), N_QUOTE_FEATURES), dtype="float32")
    return index, doc.to_array([IS_PUNCT, POS, ORTH])[tokens], syntax, quotes, log_probs[tokens]


def pair_features_many(items: list[tuple[Doc, list[RoleSpan], list[tuple[int, int]], numpy.ndarray]],
                       tag_labels: tuple[str, ...]) -> numpy.ndarray:
    """The features (columns: :data:`FEATURES`) of the candidate pairs of several docs (each
    item: doc, spans, pairs, log-probabilities; rows: the pairs of every item in turn), computed
    together. The parse and quotation features are read from ``doc.user_data`` (as the tagger
    put them; zeros when absent)."""
    items = [item for item in items if item[2]]
    if not items:
        return numpy.zeros((0, len(FEATURES)), dtype="float32")
    parts = [_segments(doc, spans, pairs, log_probs) for doc, spans, pairs, log_probs in items]
    index, arr, syntax, quotes, log_probs = (numpy.concatenate(column) for column in zip(*parts))
    left_start, ends, starts, right_end = index.T  # a gap is tokens [ends, starts)
    lengths = starts - ends
    sizes = lengths + 2
    offsets = numpy.cumsum(sizes) - sizes  # each segment's first row
    strings = items[0][0].vocab.strings
    probs = numpy.exp(log_probs)
    content_cols, outside_cols, role_cols, begin = _label_columns(tag_labels)
    # running totals over the segments' rows give each gap's counts
    flags = numpy.zeros((len(arr) + 1, 12))
    flags[1:, 0] = arr[:, 0] > 0
    flags[1:, 1] = arr[:, 2] == strings.add(",")
    flags[1:, 2] = numpy.isin(arr[:, 2], [strings.add(m) for m in _SENTENCE_MARKS])
    flags[1:, 3] = quotes[:, 1] > 0
    flags[1:, 4] = arr[:, 1] == CCONJ
    flags[1:, 5] = arr[:, 1] == VERB
    flags[1:, 6] = syntax[:, 1] > 0
    flags[1:, 7] = quotes[:, 2] > 0
    flags[1:, 8] = syntax[:, 0] > 0
    flags[1:, 9] = quotes[:, 0] > 0
    p_content = probs[:, content_cols].sum(axis=1)
    p_role = probs[:, role_cols].sum(axis=1)
    flags[1:, 10] = p_content
    flags[1:, 11] = probs[:, outside_cols].sum(axis=1)
    totals = numpy.cumsum(flags, axis=0)
    gap_lo, gap_hi = offsets + 1, offsets + 1 + lengths  # the gap's rows in the segments
    gap = totals[gap_hi] - totals[gap_lo]
    through = totals[gap_hi + 1] - totals[gap_lo]  # the gap and the right piece's first token
    col = {name: i for i, name in enumerate(FEATURES)}
    out = numpy.zeros((len(index), len(FEATURES)), dtype="float32")
    out[:, col["bias"]] = 1.0
    out[numpy.arange(len(index)), 1 + numpy.searchsorted(numpy.array(GAP_BUCKETS), lengths)] = 1.0
    out[:, col["gap/10"]] = lengths / 10.0
    for name, k in (("punct", 0), ("comma", 1), ("sentence_mark", 2), ("quote_mark", 3), ("conjunction", 4),
                    ("verb", 5), ("cue_word", 6)):
        out[:, col[name]] = gap[:, k] > 0
    out[:, col["two_quote_marks"]] = gap[:, 3] >= 2
    out[:, col["paragraph_break"]] = through[:, 7] > 0
    out[:, col["sentence_break"]] = through[:, 8] > 0
    out[:, col["left_in_quotation"]] = quotes[offsets, 0]
    out[:, col["right_in_quotation"]] = quotes[gap_hi, 0]
    out[:, col["one_quotation"]] = totals[offsets + sizes, 9] - totals[offsets, 9] == sizes
    out[:, col["left_length"]] = numpy.log1p(ends - left_start) / 3.0
    out[:, col["right_length"]] = numpy.log1p(right_end - starts) / 3.0
    out[:, col["right_begin"]] = probs[gap_hi, begin] if begin >= 0 else 0.0
    has_gap = lengths > 0
    gap_len = numpy.maximum(lengths, 1)
    out[:, col["gap_content_mean"]] = numpy.where(has_gap, gap[:, 10] / gap_len, 0.0)
    out[:, col["gap_outside_mean"]] = numpy.where(has_gap, gap[:, 11] / gap_len, 0.0)
    if has_gap.any():
        lo, hi = gap_lo[has_gap], gap_hi[has_gap]
        out[has_gap, col["gap_content_min"]] = _reduce(numpy.minimum, p_content, lo, hi)
        out[has_gap, col["gap_role_max"]] = _reduce(numpy.maximum, p_role, lo, hi)
    return out


def pair_features(doc: Doc, spans: list[RoleSpan], pairs: list[tuple[int, int]], log_probs: numpy.ndarray,
                  tag_labels: tuple[str, ...]) -> numpy.ndarray:
    """The features of the candidate pairs of one doc (see :func:`pair_features_many`)."""
    return pair_features_many([(doc, spans, pairs, log_probs)], tag_labels)


def _reduce(ufunc: numpy.ufunc, values: numpy.ndarray, lo: numpy.ndarray, hi: numpy.ndarray) -> numpy.ndarray:
    """``ufunc`` over ``values[lo[k]:hi[k]]`` for each k (non-empty, in order, not overlapping,
    every ``hi`` inside ``values``)."""
    bounds = numpy.empty(2 * len(lo), dtype="int64")
    bounds[0::2], bounds[1::2] = lo, hi
    return ufunc.reduceat(values, bounds)[0::2]


def _joined(spans: list[RoleSpan], joined: set[int]) -> list[RoleSpan]:
    """``spans`` with span k and k + 1 made one for every k in ``joined``."""
    out: list[RoleSpan] = []
    open_join = False
    for k, (label, start, end) in enumerate(spans):
        if open_join:
            out[-1] = (label, out[-1][1], end)
        else:
            out.append((label, start, end))
        open_join = k in joined
    return out


@dataclass
class JoinModel:
    """Logistic scores of joining two CONTENT pieces, with the tagger's labels it reads."""

    tag_labels: tuple[str, ...] = ()
    max_gap: int = 20
    threshold: float = 0.5
    weights: numpy.ndarray = field(default_factory=lambda: numpy.zeros(len(FEATURES), dtype="float32"))
    report: dict = field(default_factory=dict)

    def probabilities(self, features: numpy.ndarray) -> numpy.ndarray:
        """The probability that each pair is one content."""
        return 1.0 / (1.0 + numpy.exp(-(features @ self.weights)))

    def join(self, doc: Doc, spans: list[RoleSpan], log_probs: numpy.ndarray) -> list[RoleSpan]:
        """``spans`` with every candidate pair scored above ``threshold`` made one CONTENT
        span (a run of such pairs becomes one span)."""
        return self.join_many([doc], [spans], [log_probs])[0]

    def join_many(self, docs: list[Doc], spans: list[list[RoleSpan]],
                  log_probs: list[numpy.ndarray]) -> list[list[RoleSpan]]:
        """:meth:`join` for several docs, their pairs scored together."""
        pairs = [candidate_pairs(doc_spans, self.max_gap) for doc_spans in spans]
        if not any(pairs):
            return spans
        for doc_pairs, lp in zip(pairs, log_probs):
            if doc_pairs and lp.shape[1] != len(self.tag_labels):
                raise ValueError(f"join model: trained for a tagger of {len(self.tag_labels)} labels, this one has "
                                 f"{lp.shape[1]}; retrain with python -m pipeline.nlp.attribution.train --join-only")
        features = pair_features_many(list(zip(docs, spans, pairs, log_probs)), self.tag_labels)
        keep = (self.probabilities(features) > self.threshold).tolist()
        out = []
        row = 0
        for doc_spans, doc_pairs in zip(spans, pairs):
            joined = {a for (a, _), ok in zip(doc_pairs, keep[row:row + len(doc_pairs)]) if ok}
            row += len(doc_pairs)
            out.append(_joined(doc_spans, joined) if joined else doc_spans)
        return out

    def to_disk(self, path: str | Path) -> None:
        """Write the weights and settings (``join.json``) under ``path``."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        meta = {"format": FORMAT, "features": list(FEATURES), "tag_labels": list(self.tag_labels),
                "max_gap": self.max_gap, "threshold": self.threshold,
                "weights": [round(float(w), 6) for w in self.weights], "report": self.report}
        (path / "join.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def from_disk(cls, path: str | Path) -> "JoinModel":
        """Read what :meth:`to_disk` wrote; a clear error for a missing or other-format model."""
        path = Path(path)
        try:
            meta = json.loads((path / "join.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValueError(f"join model at {path}: cannot be read ({exc}); retrain it with "
                             f"python -m pipeline.nlp.attribution.train --join-only") from exc
        if meta.get("format") != FORMAT or meta.get("features") != list(FEATURES):
            raise ValueError(f"join model at {path}: format {meta.get('format')} with other features, expected "
                             f"format {FORMAT}; retrain it with python -m pipeline.nlp.attribution.train --join-only")
        return cls(tuple(meta["tag_labels"]), meta["max_gap"], meta["threshold"],
                   numpy.asarray(meta["weights"], dtype="float32"), meta.get("report", {}))


def pair_labels(spans: list[RoleSpan], pairs: list[tuple[int, int]], gold: list[RoleSpan]) -> numpy.ndarray:
    """1 for a pair whose two pieces one gold CONTENT span overlaps, else 0."""
    contents = [(s, e) for lab, s, e in gold if lab == "CONTENT"]
    out = numpy.zeros(len(pairs), dtype="float32")
    for row, (a, b) in enumerate(pairs):
        _, s1, e1 = spans[a]
        _, s2, e2 = spans[b]
        out[row] = any(gs < e1 and s1 < ge and gs < e2 and s2 < ge for gs, ge in contents)
    return out


def fit_logistic(x: numpy.ndarray, y: numpy.ndarray, l2: float = 1e-3, iterations: int = 25) -> numpy.ndarray:
    """Weights of an L2-penalised logistic regression by Newton's method (the bias, column 0,
    is not penalised)."""
    w = numpy.zeros(x.shape[1])
    x64 = x.astype("float64")
    penalty = numpy.full(x.shape[1], l2 * len(y))
    penalty[0] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + numpy.exp(-(x64 @ w)))
        grad = x64.T @ (p - y) + penalty * w
        hess = (x64 * (p * (1 - p))[:, None]).T @ x64 + numpy.diag(penalty + 1e-9)
        step = numpy.linalg.solve(hess, grad)
        w -= step
        if numpy.abs(step).max() < 1e-6:
            break
    return w.astype("float32")


def content_f1(golds: Iterable[list[RoleSpan]], preds: Iterable[list[RoleSpan]]) -> tuple[float, float]:
    """Two F1 figures of the predicted CONTENT token spans, as the scorer counts contents: a
    span that equals a gold one (exact), and a span whose token overlap F1 with a gold one is
    at least 0.5 (overlap; gold contents with such a span count as found)."""
    tp = soft_p = soft_g = n_pred = n_gold = 0
    for gold, pred in zip(golds, preds):
        g = [(s, e) for lab, s, e in gold if lab == "CONTENT"]
        p = [(s, e) for lab, s, e in pred if lab == "CONTENT"]
        g_set = set(g)
        tp += sum(span in g_set for span in p)
        n_pred, n_gold = n_pred + len(p), n_gold + len(g)
        close = {(a, b) for a in range(len(g)) for b in range(len(p))
                 if 4 * max(0, min(g[a][1], p[b][1]) - max(g[a][0], p[b][0]))
                 >= 2 * ((g[a][1] - g[a][0]) + (p[b][1] - p[b][0]))}
        soft_g += len({a for a, _ in close})
        soft_p += len({b for _, b in close})
    exact = 2 * tp / (n_pred + n_gold) if n_pred + n_gold else 0.0
    p_soft, r_soft = soft_p / n_pred if n_pred else 0.0, soft_g / n_gold if n_gold else 0.0
    return exact, 2 * p_soft * r_soft / (p_soft + r_soft) if p_soft + r_soft else 0.0


def choose_threshold(docs: list[Doc], preds: list[tuple[list[RoleSpan], numpy.ndarray]], golds: list[list[RoleSpan]],
                     tag_labels: Iterable[str], thresholds: Iterable[float] = THRESHOLDS, folds: int = 2,
                     max_gap: int = 20, l2: float = 1e-3, seed: int = 1) -> tuple[float, dict[str, float]]:
    """The threshold of ``thresholds`` whose joins give the best sum of the two content F1
    figures (:func:`content_f1`, exact and overlap) when each of ``folds`` parts of the training
    docs is joined by a model fitted on the others (and that sum per threshold, "none": without
    joining)."""
    order = list(range(len(docs)))
    random.Random(seed).shuffle(order)
    fold = {i: rank % folds for rank, i in enumerate(order)}
    tag_labels = tuple(tag_labels)
    models = []
    for k in range(folds):
        rest = [i for i in range(len(docs)) if fold[i] != k]
        models.append(fit([docs[i] for i in rest], [preds[i] for i in rest], [golds[i] for i in rest], tag_labels,
                          max_gap, l2=l2))
    scores = {"none": round(sum(content_f1(golds, [p[0] for p in preds])), 4)}
    for threshold in thresholds:
        joined = []
        for i, (spans, log_probs) in enumerate(preds):
            model = models[fold[i]]
            model.threshold = threshold
            usable = log_probs.shape[1] == len(tag_labels) and model.report.get("pairs")
            joined.append(model.join(docs[i], spans, log_probs) if usable else spans)
        scores[str(threshold)] = round(sum(content_f1(golds, joined)), 4)
    best = max(thresholds, key=lambda t: scores[str(t)])
    return best, scores


def fit(docs: Iterable[Doc], preds: Iterable[tuple[list[RoleSpan], numpy.ndarray]], golds: Iterable[list[RoleSpan]],
        tag_labels: Iterable[str], max_gap: int = 20, threshold: float | None = 0.5, l2: float = 1e-3) -> JoinModel:
    """Train the joining step on tagger predictions (``preds``: spans after the boundary step
    and log-probabilities per doc, cross-validated; the docs carry the parse and quotation
    features the tagger read) against the gold role spans. ``threshold`` None: chosen by
    :func:`choose_threshold` on the same docs."""
    docs, preds, golds = list(docs), list(preds), list(golds)
    chosen: dict[str, float] = {}
    if threshold is None and len(docs) >= 2:
        threshold, chosen = choose_threshold(docs, preds, golds, tag_labels, max_gap=max_gap, l2=l2)
    model = JoinModel(tuple(tag_labels), max_gap, 0.5 if threshold is None else threshold)
    xs, ys = [], []
    for doc, (spans, log_probs), gold in zip(docs, preds, golds):
        pairs = candidate_pairs(spans, max_gap)
        # (a fold tagger trained on few articles may know fewer labels than the final one)
        if pairs and log_probs.shape[1] == len(model.tag_labels):
            xs.append(pair_features(doc, spans, pairs, log_probs, model.tag_labels))
            ys.append(pair_labels(spans, pairs, gold))
    if not xs:
        model.threshold = 1.0  # nothing learned: never join
        model.report = {"pairs": 0}
        return model
    x, y = numpy.concatenate(xs), numpy.concatenate(ys)
    model.weights = fit_logistic(x, y, l2)
    joined = model.probabilities(x) > model.threshold
    model.report = {"pairs": int(len(y)), "positive": int(y.sum()), "joined": int(joined.sum()),
                    "threshold": model.threshold, "threshold_cv_content_f1": chosen,
                    "joined_right": int((joined & (y > 0)).sum()), "train_accuracy": round(float((joined == (y > 0)).mean()), 4),
                    "weights": {name: round(float(w), 3) for name, w in zip(FEATURES, model.weights)}}
    return model
