"""spaCy component ``claims_figures``: the figures (quantities) of an article.

For each sentence holding a digit or a number word it hands the sentence text, its tokens and
named entities (as plain dicts) and the article context to
``pipeline.normalize.quantities.normalize_sentence`` and stores the figures, with offsets into
``doc.text``, in ``doc._.figures``.
"""
from __future__ import annotations

import bisect

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp.docview import doc_ents, doc_text
from pipeline.nlp.extensions import register_extensions
from pipeline.normalize.quantities import has_number, normalize_sentence

# The unit of a bare number: a plain count with no unit or counted noun.
BARE_NUMBER = "dimensionless"


class FiguresComponent:
    """Writes ``doc._.figures``; ``skip_labels`` are entity labels never taken as figures."""

    def __init__(self, nlp: Language, name: str, skip_labels: list[str]) -> None:
        register_extensions()
        self.name = name
        self.skip_labels = frozenset(skip_labels)

    def __call__(self, doc: Doc) -> Doc:
        context = {"country": doc._.country, "source": doc._.source}
        figures: list[dict] = []
        # sent.ents is rebuilt on every access in spaCy: the doc's entities are read once.
        full_text = doc_text(doc)
        entities = [(e.start_char, e.end_char, e.label_) for e in doc_ents(doc)]
        ent_starts = [s for s, _, _ in entities]
        for sent in doc.sents:
            base, stop = sent.start_char, sent.end_char
            text = full_text[base:stop]
            if not has_number(text):
                continue
            tokens = [{"start": t.idx - base, "end": t.idx - base + len(t.text), "text": t.text,
                       "lemma": t.lemma_, "pos": t.pos_} for t in sent]
            # doc.ents are sorted and never overlap: the sentence's are one run of them
            ents = [{"start": s - base, "end": e - base, "label": label}
                    for s, e, label in entities[bisect.bisect_left(ent_starts, base):
                                                bisect.bisect_left(ent_starts, stop)] if e <= stop]
            skip = [(e["start"], e["end"]) for e in ents if e["label"] in self.skip_labels]
            for fig in normalize_sentence(text, tokens, ents, context):
                if any(s <= fig["start"] < e for s, e in skip):
                    continue
                fig["start"] += base
                fig["end"] += base
                fig["surface"] = full_text[fig["start"]:fig["end"]]
                if fig["unit"] is None:
                    fig["unit"], fig["unit_dimension"] = BARE_NUMBER, BARE_NUMBER
                figures.append(fig)
        doc._.figures = figures
        return doc


@Language.factory("claims_figures", default_config={"skip_labels": []}, requires=["doc.ents"],
                  assigns=["doc._.figures"])
def make_figures(nlp: Language, name: str, skip_labels: list[str]) -> FiguresComponent:
    """Build the ``claims_figures`` component."""
    return FiguresComponent(nlp, name, skip_labels)
