"""The per-document context of the attribution rules, built once per Doc.

``Doc.text`` is rebuilt on every access and the quotation and paragraph maps are needed by
every rule family, so they are computed here once and handed to the rules.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc

from pipeline.nlp.quotes import Quote, find_quotes, paragraph_spans, word_count


@dataclass
class DocContext:
    """One document as the rules read it.

    ``in_quote[i]``: how many words the closed quotation holding token ``i`` has (0: none);
    ``para_tok_bounds``: token ``[start, end)`` of every paragraph (non-blank line);
    ``para_of_tok[i]``: the paragraph of token ``i`` (whitespace between paragraphs belongs to
    the one before); ``used_cues``: tokens already taken as the cue of a claim.
    """

    doc: Doc
    text: str
    quotes: list[Quote]
    in_quote: list[int]
    para_tok_bounds: list[tuple[int, int]]
    para_of_tok: list[int]
    used_cues: set[int] = field(default_factory=set)

    @classmethod
    def build(cls, doc: Doc, text: str | None = None) -> "DocContext":
        """Read the quotations and paragraphs of ``doc`` (``text``: ``doc.text``, when known)."""
        text = doc.text if text is None else text
        quotes = find_quotes(text)
        in_quote = [0] * len(doc)
        for q in quotes:
            span = doc.char_span(q.start, q.end, alignment_mode="expand") if q.closed else None
            if span is not None:
                n_words = max(1, word_count(q.inner(text)))
                for i in range(span.start, span.end):
                    in_quote[i] = max(in_quote[i], n_words)
        para_tok_bounds: list[tuple[int, int]] = []
        for p_start, p_end in paragraph_spans(text):
            span = doc.char_span(p_start, p_end, alignment_mode="expand")
            if span is not None and len(span):
                para_tok_bounds.append((span.start, span.end))
        para_of_tok = [0] * len(doc)
        for n, (lo, hi) in enumerate(para_tok_bounds):
            nxt = para_tok_bounds[n + 1][0] if n + 1 < len(para_tok_bounds) else len(doc)
            for i in range(lo, max(hi, nxt)):
                para_of_tok[i] = n
        return cls(doc, text, quotes, in_quote, para_tok_bounds, para_of_tok)
