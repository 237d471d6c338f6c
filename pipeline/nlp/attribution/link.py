"""A learned linking step: which cue a content belongs to.

``model.py`` ties the tagger's spans into claims by rule: a content goes to the nearest cue in
its paragraph. Where the rule has a choice (two or more cues near a content) this step makes it
instead, by a conditional logit over the candidate cues: features of each as seen from the
content, from the parse and the positions (distance, side, same sentence, whether one heads
the other's clause, the cue's dependency label and part of speech, the cues between them) and
whether the rule would take it. (The same choice of a cue's source span among the tagger's
SOURCE spans, with its own features, measured no better than the rule on held-out train
articles: 3,461 right of 3,754 against 3,460.)

It is trained (:func:`fit`) on the cross-validated tagger predictions on PolNeAR train
(``crossval.py``, after the boundary and joining steps as at run time) against the gold
attributions: a content's right cue is the one overlapping the gold cue of the gold attribution
whose content it overlaps. It is saved beside the tagger (``models/attribution/model/link``,
:meth:`LinkModel.to_disk`) and retrained by ``python -m pipeline.nlp.attribution.train
--link-only``.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import numpy
from spacy.tokens import Doc, Token

from pipeline.nlp.attribution.model import cue_head, gap, near_cues, paragraph_ids, rule_cue

FORMAT = 1
Span2 = tuple[int, int]
CUE_FEATURES = ("rule_choice", "gap/10", "touching", "cue_before", "content_under_cue", "content_head_is_cue",
                "same_sentence", "cue_under_content", "cue_has_subject", "cue_root", "cue_complement",
                "cue_modifier", "cue_nominal", "cues_between/2")


def _is_ancestor(tok: Token, of: Token) -> bool:
    return any(t.i == tok.i for t in of.ancestors)


def _between(spans: list[Span2], a: Span2, b: Span2) -> int:
    lo, hi = min(a[1], b[1]), max(a[0], b[0])
    return sum(1 for s, _ in spans if lo <= s < hi)


def cue_features(doc: Doc, content: Span2, cands: list[Span2], rule: Span2, cues: list[Span2]) -> numpy.ndarray:
    """Features (columns: :data:`CUE_FEATURES`) of each candidate cue of one content."""
    root = doc[content[0]:content[1]].root
    sent = doc[content[0]].sent.start
    out = numpy.zeros((len(cands), len(CUE_FEATURES)), dtype="float32")
    for row, cue in enumerate(cands):
        head = cue_head(doc[cue[0]:cue[1]])
        d = gap(cue, content)
        out[row] = (cue == rule, d / 10.0, d == 0, cue[0] < content[0], _is_ancestor(head, root),
                    root.head.i == head.i, doc[cue[0]].sent.start == sent, _is_ancestor(root, head),
                    any(c.dep_ in ("nsubj", "nsubjpass") for c in head.children), head.dep_ == "ROOT",
                    head.dep_ in ("ccomp", "xcomp"), head.dep_ in ("relcl", "acl", "advcl"),
                    head.pos_ in ("NOUN", "PROPN"), _between(cues, cue, content) / 2.0)
    return out


@dataclass
class LinkModel:
    """The weights of the choice of a content's cue."""

    weights: numpy.ndarray = field(default_factory=lambda: numpy.zeros(len(CUE_FEATURES), dtype="float32"))
    report: dict = field(default_factory=dict)

    def choose_cue(self, doc: Doc, content: Span2, cands: list[Span2], rule: Span2, cues: list[Span2]) -> Span2:
        """The cue of ``cands`` the content belongs to."""
        scores = cue_features(doc, content, cands, rule, cues) @ self.weights
        return cands[int(numpy.argmax(scores))]

    def to_disk(self, path: str | Path) -> None:
        """Write the weights (``link.json``) under ``path``."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        meta = {"format": FORMAT, "features": list(CUE_FEATURES),
                "weights": [round(float(w), 6) for w in self.weights], "report": self.report}
        (path / "link.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def from_disk(cls, path: str | Path) -> "LinkModel":
        """Read what :meth:`to_disk` wrote; a clear error for a missing or other-format model."""
        path = Path(path)
        hint = "retrain it with python -m pipeline.nlp.attribution.train --link-only"
        try:
            meta = json.loads((path / "link.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValueError(f"link model at {path}: cannot be read ({exc}); {hint}") from exc
        if meta.get("format") != FORMAT or meta.get("features") != list(CUE_FEATURES):
            raise ValueError(f"link model at {path}: format {meta.get('format')} or other features; {hint}")
        return cls(numpy.asarray(meta["weights"], dtype="float32"), meta.get("report", {}))


def fit_choice(groups: list[tuple[numpy.ndarray, int]], l2: float = 1e-3, iterations: int = 300,
               rate: float = 0.5) -> numpy.ndarray:
    """Weights of a conditional logit (one choice among each group's rows; ``groups``: the
    candidates' features and the index of the right one) by gradient descent with an L2 penalty."""
    x = numpy.concatenate([g for g, _ in groups]).astype("float64")
    sizes = numpy.array([len(g) for g, _ in groups])
    starts = numpy.cumsum(sizes) - sizes
    seg = numpy.repeat(numpy.arange(len(groups)), sizes)
    target = numpy.zeros(len(x))
    target[starts + numpy.array([y for _, y in groups])] = 1.0
    w = numpy.zeros(x.shape[1])
    for _ in range(iterations):
        s = x @ w
        s -= numpy.maximum.reduceat(s, starts)[seg]
        p = numpy.exp(s)
        p /= numpy.add.reduceat(p, starts)[seg]
        w -= rate * (x.T @ (p - target) / len(groups) + l2 * w)
    return w.astype("float32")


def training_groups(docs: Iterable[Doc], preds: Iterable[list[tuple[str, int, int]]],
                    attributions: Iterable[list[dict[str, Any]]],
                    max_cue_gap: int = 12) -> list[tuple[int, numpy.ndarray, int]]:
    """The cue choices the linking meets in the tagger's spans (``preds``, per doc; the same
    candidates as at run time, ``model.group``), with the right candidate by the gold
    ``attributions``: (doc number, features, right index) per choice."""
    from pipeline.nlp.attribution.crossval import char_tokens  # (training only)

    groups = []
    for n, (doc, spans, attrs) in enumerate(zip(docs, preds, attributions)):
        if not len(doc):
            continue
        para = paragraph_ids(doc)
        gold = []
        for a in attrs:
            cue = char_tokens(doc, a.get("cue", {}).get("spans", []))
            contents = char_tokens(doc, a.get("content", {}).get("spans", []))
            if cue and contents:
                gold.append(((cue[0][0], cue[-1][1]), contents))
        cues = [(s, e) for lab, s, e in spans if lab == "CUE"]
        for lab, s, e in spans:
            if lab != "CONTENT":
                continue
            near = near_cues(cues, (s, e), para, max_cue_gap)
            owner = next((g for g in gold if any(a < e and s < b for a, b in g[1])), None)
            if len(near) < 2 or owner is None:
                continue
            right = next((i for i, c in enumerate(near) if c[0] < owner[0][1] and owner[0][0] < c[1]), None)
            if right is not None:
                groups.append((n, cue_features(doc, (s, e), near, rule_cue(near, (s, e)), cues), right))
    return groups


def fit(docs: list[Doc], preds: list[list[tuple[str, int, int]]], attributions: list[list[dict[str, Any]]],
        folds: int = 2, seed: int = 0) -> LinkModel:
    """Train the cue choice on the tagger's spans of ``docs`` (cross-validated, after the boundary
    and joining steps) against the gold ``attributions``; the report gives how many choices are
    right on held-out docs (``folds`` parts, each scored by weights fitted on the others), the
    learned choice's and the rule's."""
    groups = training_groups(docs, preds, attributions)
    if not groups:
        return LinkModel(report={"choices": 0})
    order = list(range(len(docs)))
    random.Random(seed).shuffle(order)
    fold = {i: rank % folds for rank, i in enumerate(order)}
    right = rule = 0
    for k in range(folds):
        train = [(x, y) for n, x, y in groups if fold[n] != k]
        w = fit_choice(train) if train else numpy.zeros(len(CUE_FEATURES), dtype="float32")
        for n, x, y in groups:
            if fold[n] == k:
                right += int(numpy.argmax(x @ w)) == y
                rule += bool(x[y, 0] > 0)  # column 0: the rule's own choice
    model = LinkModel(fit_choice([(x, y) for _, x, y in groups]))
    model.report = {"choices": len(groups), "held_out_right": right, "rule_right": rule,
                    "weights": {f: round(float(w), 3) for f, w in zip(CUE_FEATURES, model.weights)}}
    return model
