"""spaCy component ``claims_attribution_model``: attributions found by a trained tagger.

A small ``ner`` model of its own (CNN tok2vec, trained on PolNeAR by
``python -m pipeline.nlp.train_attribution``, shipped in ``models/attribution/model``) labels
SOURCE, CUE and CONTENT spans. Each content span is tied to the nearest cue in its paragraph,
contents sharing a cue become one claim, and the cue takes the nearest source (by default a
claim without a source is dropped: on PolNeAR dev it costs content recall but buys more
attribution precision). The component runs after the rule-based ``claims_attribution`` and
only ADDS claims: a model claim whose content overlaps a claim already in ``doc._.claims`` is
dropped. ``claims_speakers`` then
resolves ``speaker`` from ``speaker_mention``.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import minibatch

from pipeline.nlp import MODELS_DIR
from pipeline.nlp.extensions import register_extensions

DEFAULT_MODEL = MODELS_DIR / "attribution" / "model"
QUOTE_MARKS = "\"“”"
VERB_POS = ("VERB", "AUX")


@lru_cache(maxsize=2)
def load_tagger(path: str) -> Language:
    """The trained SOURCE/CUE/CONTENT tagger at ``path`` (loaded once per process)."""
    return spacy.load(path)


def _copy_tokens(tagger: Language, doc: Doc) -> Doc:
    """A Doc of the tagger's own vocab holding the same tokens as ``doc``."""
    return Doc(tagger.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])


def role_spans(tagger: Language, doc: Doc) -> list[tuple[str, int, int]]:
    """Run ``tagger`` over the tokens of ``doc``; return (label, start token, end token) spans."""
    sub = _copy_tokens(tagger, doc)
    for _, proc in tagger.pipeline:
        sub = proc(sub)
    return [(e.label_, e.start, e.end) for e in sub.ents]


def role_spans_batch(tagger: Language, docs: list[Doc], batch_size: int) -> list[list[tuple[str, int, int]]]:
    """``role_spans`` for many docs at once (the tagger's network runs on whole batches)."""
    subs = tagger.pipe((_copy_tokens(tagger, d) for d in docs), batch_size=batch_size)
    return [[(e.label_, e.start, e.end) for e in sub.ents] for sub in subs]


def paragraph_ids(doc: Doc) -> list[int]:
    """Paragraph number of every token; a blank line (two line breaks) starts a paragraph."""
    out, para = [], 0
    for tok in doc:
        out.append(para)
        if tok.text_with_ws.count("\n") >= 2 or (tok.is_space and tok.text.count("\n") >= 2):
            para += 1
    return out


def gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Tokens between two token spans (0 when they touch or overlap)."""
    return max(0, b[0] - a[1], a[0] - b[1])


def cue_head(span: Span) -> Token:
    """The token whose lemma names a cue: the span's verb nearest its root, else its root."""
    root = span.root
    if root.pos_ in VERB_POS:
        return root
    verbs = [t for t in span if t.pos_ in VERB_POS and t.dep_ != "aux"] or [t for t in span if t.pos_ in VERB_POS]
    return verbs[0] if verbs else root


def is_direct(text: str, start: int, end: int) -> bool:
    """True when the content at ``text[start:end]`` is inside (or holds) quotation marks."""
    inner = text[start:end]
    before = text[max(0, start - 2):start]
    after = text[end:end + 2]
    if any(m in before for m in QUOTE_MARKS) and any(m in after or m in inner[-2:] for m in QUOTE_MARKS):
        return True
    return inner[:1] in QUOTE_MARKS or sum(inner.count(m) for m in QUOTE_MARKS) >= 2


def group(spans: list[tuple[str, int, int]], para: list[int], max_cue_gap: int,
          max_source_gap: int) -> list[tuple[list[tuple[int, int]], tuple[int, int], tuple[int, int] | None]]:
    """Tie role spans into attributions: ([content spans], cue span, source span or None).

    Each content goes to the nearest cue within ``max_cue_gap`` tokens in the same
    paragraph; each cue that got content takes the nearest source within ``max_source_gap``.
    """
    cues = [(s, e) for lab, s, e in spans if lab == "CUE"]
    sources = [(s, e) for lab, s, e in spans if lab == "SOURCE"]
    by_cue: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for lab, s, e in spans:
        if lab != "CONTENT":
            continue
        near = [c for c in cues if para[c[0]] == para[s] or para[c[0]] == para[e - 1]]
        near = [c for c in near if gap(c, (s, e)) <= max_cue_gap]
        if not near:
            continue
        cue = min(near, key=lambda c: (gap(c, (s, e)), c[0] > s))
        by_cue.setdefault(cue, []).append((s, e))
    out = []
    for cue, contents in sorted(by_cue.items(), key=lambda kv: kv[1][0]):
        near = [src for src in sources if para[src[0]] == para[cue[0]] and gap(src, cue) <= max_source_gap]
        source = min(near, key=lambda src: (gap(src, cue), src[0] > cue[0])) if near else None
        out.append((sorted(contents), cue, source))
    return out


class AttributionModel:
    """Adds the tagger's attributions that the rules did not find to ``doc._.claims``."""

    def __init__(self, model_path: str, max_cue_gap: int = 12, max_source_gap: int = 8,
                 min_content_tokens: int = 2, require_source: bool = True) -> None:
        self.model_path = model_path
        self.max_cue_gap = max_cue_gap
        self.max_source_gap = max_source_gap
        self.min_content_tokens = min_content_tokens
        self.require_source = require_source

    @property
    def tagger(self) -> Language:
        """The trained tagger (loaded on first use)."""
        return load_tagger(self.model_path)

    def claims(self, doc: Doc, spans: list[tuple[str, int, int]] | None = None) -> list[dict[str, Any]]:
        """The model's claims for ``doc`` (``spans``: the tagger's output when already computed),
        before merging with other components' claims."""
        if not len(doc):
            return []
        if spans is None:
            spans = role_spans(self.tagger, doc)
        text = doc.text
        para = paragraph_ids(doc)
        out = []
        for contents, cue, source in group(spans, para,
                                           self.max_cue_gap, self.max_source_gap):
            if sum(e - s for s, e in contents) < self.min_content_tokens:
                continue
            if source is None and self.require_source:
                continue
            pieces = [doc[s:e] for s, e in contents]
            start, end = pieces[0].start_char, pieces[-1].end_char
            content = " ".join(p.text for p in pieces)
            cue_span = doc[cue[0]:cue[1]]
            src = doc[source[0]:source[1]] if source is not None else None
            out.append({
                "start": start, "end": end, "content": content,
                "claim_type": "direct" if all(is_direct(text, p.start_char, p.end_char) for p in pieces) else "indirect",
                "cue": cue_head(cue_span).lemma_.lower() or cue_span.text.lower(),
                "cue_start": cue_span.start_char, "cue_end": cue_span.end_char,
                "speaker_mention": src.text if src is not None else None,
                "speaker_start": src.start_char if src is not None else None,
                "speaker_end": src.end_char if src is not None else None,
                "speaker": None, "speaker_role": None, "speaker_type": None,
            })
        return out

    def _merge(self, doc: Doc, found: list[dict[str, Any]]) -> Doc:
        existing = list(doc._.claims or [])
        taken = [(c["start"], c["end"]) for c in existing]
        added = [c for c in found if not any(c["start"] < e and s < c["end"] for s, e in taken)]
        doc._.claims = sorted(existing + added, key=lambda c: (c["start"], c["claim_type"] != "direct"))
        return doc

    def __call__(self, doc: Doc) -> Doc:
        return self._merge(doc, self.claims(doc))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 32) -> Iterator[Doc]:
        """Process a stream of docs, running the tagger a batch at a time."""
        for batch in minibatch(docs, size=batch_size):
            for doc, spans in zip(batch, role_spans_batch(self.tagger, batch, batch_size)):
                yield self._merge(doc, self.claims(doc, spans))


@Language.factory(
    "claims_attribution_model",
    default_config={"model": "", "max_cue_gap": 12, "max_source_gap": 8, "min_content_tokens": 2,
                    "require_source": True},
    requires=["doc._.claims"],
    assigns=["doc._.claims"],
)
def make_attribution_model(nlp: Language, name: str, model: str, max_cue_gap: int, max_source_gap: int,
                           min_content_tokens: int, require_source: bool) -> AttributionModel:
    """Build the component; ``model`` "" means the shipped ``models/attribution/model``."""
    register_extensions()
    return AttributionModel(model or str(DEFAULT_MODEL), max_cue_gap=max_cue_gap,
                            max_source_gap=max_source_gap, min_content_tokens=min_content_tokens,
                            require_source=require_source)
