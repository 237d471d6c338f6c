"""Layout rules: interview transcripts, headlines, and paragraph-aware sentence starts.

``PENCE: ...`` / ``Rep. Smith: ...`` paragraphs are transcript turns (verbatim speech);
``Content: Canada's envoy`` or ``Sanders: content`` as the first line is a headline claim.
``claims_paragraphs`` starts a sentence after every line break before the parser runs.
"""
from __future__ import annotations

from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.nlp.attribution.base import RuleSet
from pipeline.nlp.attribution.records import Claim
from pipeline.nlp.quotes import ALL_MARKS


class LayoutRules(RuleSet):
    """Transcript and headline rules for one document."""

    def transcript_claims(self, doc: Doc, para_tok_bounds: list[tuple[int, int]],
                          used_cues: set[int]) -> list[Claim]:
        """Interview transcripts and Q&A: a paragraph ``PENCE: ...`` or ``Rep. Smith: ...``."""
        claims = []
        for lo, hi in para_tok_bounds[1:]:
            start = lo
            while start < hi and (doc[start].text in ALL_MARKS or doc[start].is_space):
                start += 1
            colon = next((k for k in range(start, min(start + 5, hi)) if doc[k].text == ":"), None)
            if colon is None or colon == start or colon in used_cues or hi - colon < 4:
                continue
            name = doc[start:colon]
            if not all(t.pos_ == "PROPN" or ((t.is_upper or t.is_title) and t.is_alpha and t.pos_ == "NOUN")
                       or t.text in (".", "'s") for t in name) or name.text.lower() in self.lex.not_speakers:
                continue
            s, e = self._trim(doc, colon + 1, hi)
            if e <= s:
                continue
            # a transcript turn is verbatim speech
            claim = self._claim(doc, s, e, ":", doc[colon], (start, colon), "direct")
            claims.append(claim)
        return claims

    def headline_claim(self, doc: Doc, para_tok_bounds: list[tuple[int, int]]) -> Claim | None:
        """``Content: Canada's envoy`` / ``Speaker: content`` as the first line of the text."""
        if not para_tok_bounds:
            return None
        lo, hi = para_tok_bounds[0]
        line = doc[lo:hi]
        if len(line) > 40 or sum(t.text == ":" for t in line) != 1:
            return None
        colon = next(t for t in line if t.text == ":")
        left, right = doc[lo:colon.i], doc[colon.i + 1:hi]
        if len(left) == 0 or len(right) == 0:
            return None

        def names(span: Span) -> bool:
            return 1 <= len(span) <= 6 and any(t.pos_ in ("PROPN", "NOUN") for t in span) \
                and not any(t.pos_ in ("VERB", "AUX") for t in span) and span[0].text[:1].isupper()

        # "Sanders: Clinton needs to ..." (speaker first) or "...: Canada's envoy" (speaker last)
        if names(left) and len(right) >= 3 and left.text.lower() not in self.lex.not_speakers:
            content, speaker = right, left
        elif names(right) and len(left) >= 4:
            content, speaker = left, right
        else:
            return None
        s, e = self._trim(doc, content.start, content.end)
        sp = doc[speaker.start:speaker.end]
        while len(sp) and (sp[0].is_punct or sp[0].is_space):
            sp = sp[1:]
        claim = self._claim(doc, s, e, ":", colon, (sp.start, sp.end) if len(sp) else None,
                            self._kind(doc, s, e))
        return claim


@Language.component("claims_paragraphs", assigns=["token.is_sent_start"])
def mark_paragraphs(doc: Doc) -> Doc:
    """Start a sentence after every line break. Placed before the parser, this keeps the
    parser from joining a headline or a paragraph to the next one (it respects preset
    sentence starts)."""
    # Written as one array: setting ``Token.is_sent_start`` checks the whole doc each time.
    starts = doc.to_array([SENT_START]).astype("int64")
    changed = False
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if not tok.is_space and ("\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text)):
            starts[tok.i] = 1
            # Without this the small parser tends to split off the first word ("President").
            if tok.i + 1 < len(doc):
                starts[tok.i + 1] = -1
            changed = True
    if changed:
        doc.from_array([SENT_START], starts.astype("uint64"))
    return doc
