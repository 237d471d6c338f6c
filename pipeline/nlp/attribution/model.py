"""Claims from the trained tagger's SOURCE / CUE / CONTENT spans.

Each content span is tied to the nearest cue in its paragraph, contents sharing a cue become
one claim (its pieces in ``content_spans``; pieces at most ``max_piece_gap`` tokens apart with
no cue or source between them are one piece: PolNeAR's contents break only at their own
attribution; farther pieces the tagger split are joined before, by the learned step of
``join.py``), and the cue takes the source span holding its
grammatical subject, else the nearest source span, else (``syntax_source``) the subject's own
noun phrase. A claim without a source is dropped unless ``require_source`` is off. The claim's cue is the lemma of
the cue span's verb; its type is ``direct`` when every piece is a quotation.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy
from spacy.attrs import IDX
from spacy.tokens import Doc, Span, Token

from pipeline.nlp.attribution.features import paragraph_openers
from pipeline.nlp.attribution.lexicon import Lexicon
from pipeline.nlp.attribution.records import Claim
from pipeline.nlp.attribution.syntax import DASHES, mention_bounds, subject_of
from pipeline.nlp.attribution.tagger import RoleSpan
from pipeline.nlp.quotes import ALL_MARKS

VERB_POS = ("VERB", "AUX")
Group = tuple[list[tuple[int, int]], tuple[int, int], "tuple[int, int] | None"]


@dataclass(frozen=True)
class LinkOptions:
    """How the tagger's spans are tied into claims."""

    max_cue_gap: int = 12
    max_source_gap: int = 8
    min_content_tokens: int = 2
    require_source: bool = True
    syntax_source: bool = True
    max_piece_gap: int = 2


def paragraph_ids(doc: Doc, text: str | None = None) -> list[int]:
    """Paragraph number of every token; a line break starts a paragraph (the token after a
    token whose text or trailing whitespace holds one opens the next). ``text``: ``doc.text``,
    when the caller has it."""
    if not len(doc):
        return []
    text = doc.text if text is None else text
    return (numpy.cumsum(paragraph_openers(doc.to_array(IDX).astype("int64"), text)) - 1).tolist()


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


def is_quotation(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` is a quotation: marks at both ends, or just outside."""
    inner = text[start:end].strip()
    if len(inner) > 2 and inner[0] in ALL_MARKS and inner[-1] in ALL_MARKS:
        return True
    before, after = text[max(0, start - 2):start], text[end:end + 2]
    return any(m in before for m in ALL_MARKS) and (any(m in after for m in ALL_MARKS) or inner[-1:] in ALL_MARKS)


def group(spans: list[RoleSpan], para: list[int], opts: LinkOptions,
          subjects: dict[tuple[int, int], int] | None = None) -> list[Group]:
    """Tie role spans into attributions: ([content spans], cue span, source span or None).

    Each content goes to the nearest cue within ``max_cue_gap`` tokens in its paragraph; each
    cue that got content takes the source span holding its grammatical subject (``subjects``:
    cue span -> subject token), else the nearest source within ``max_source_gap``.
    """
    cues = [(s, e) for lab, s, e in spans if lab == "CUE"]
    sources = [(s, e) for lab, s, e in spans if lab == "SOURCE"]
    by_cue: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for lab, s, e in spans:
        if lab != "CONTENT":
            continue
        near = [c for c in cues if (para[c[0]] == para[s] or para[c[0]] == para[e - 1])
                and gap(c, (s, e)) <= opts.max_cue_gap]
        if not near:
            continue
        cue = min(near, key=lambda c: (gap(c, (s, e)), c[0] > s))
        by_cue.setdefault(cue, []).append((s, e))
    out: list[Group] = []
    for cue, contents in sorted(by_cue.items(), key=lambda kv: kv[1][0]):
        subj = (subjects or {}).get(cue)
        holding = [src for src in sources if subj is not None and src[0] <= subj < src[1]]
        near = holding or [src for src in sources
                           if para[src[0]] == para[cue[0]] and gap(src, cue) <= opts.max_source_gap]
        source = min(near, key=lambda src: (gap(src, cue), src[0] > cue[0])) if near else None
        out.append((sorted(contents), cue, source))
    return out


def close_gaps(contents: list[tuple[int, int]], marks: list[tuple[int, int]], max_gap: int) -> list[tuple[int, int]]:
    """Content pieces of one cue, with the pieces that only ``max_gap`` tokens or fewer apart
    and no cue or source span (``marks``) between them joined into one: a content is
    interrupted by its attribution, not by a word the tagger left out."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(contents):
        if out and start - out[-1][1] <= max_gap \
                and not any(s < start and out[-1][1] < e for s, e in marks):
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def without_dateline(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Token span ``[start, end)`` without a leading dateline: ``OTTAWA - Kirsten Hillman``
    gives ``Kirsten Hillman`` (upper-case words, then a dash, then the mention)."""
    for k in range(start, end - 1):
        if doc[k].text in DASHES:
            head = doc[start:k]
            if len(head) and any(t.is_alpha for t in head) \
                    and all(t.is_punct or (t.is_alpha and t.is_upper) for t in head):
                return k + 1, end
            break
    return start, end


def model_claims(doc: Doc, text: str, spans: list[RoleSpan], lex: Lexicon, opts: LinkOptions) -> list[Claim]:
    """The claims of one parsed doc from its tagger spans."""
    if not len(doc):
        return []
    subjects: dict[tuple[int, int], int] = {}
    for lab, s, e in spans:
        if lab == "CUE":
            subj = subject_of(cue_head(doc[s:e]))
            if subj is not None:
                subjects[(s, e)] = subj.i
    out = []
    marks = [(s, e) for lab, s, e in spans if lab in ("CUE", "SOURCE")]
    for contents, cue, source in group(spans, paragraph_ids(doc, text), opts, subjects):
        contents = close_gaps(contents, marks, opts.max_piece_gap)
        if sum(e - s for s, e in contents) < opts.min_content_tokens:
            continue
        if source is None and opts.syntax_source and cue in subjects:
            # no SOURCE span: the cue's subject, when it lies outside the content
            m_start, m_end = mention_bounds(doc[subjects[cue]])
            if not any(s < m_end and m_start < e for s, e in contents) \
                    and doc[subjects[cue]].lower_ not in lex.not_speakers:
                source = (m_start, m_end)
        if source is None and opts.require_source:
            continue
        if source is not None:
            source = without_dateline(doc, *source)
        pieces = [(doc[s].idx, doc[e - 1].idx + len(doc[e - 1])) for s, e in contents]
        cue_span = doc[cue[0]:cue[1]]
        head = cue_head(cue_span)
        lemma = head.lemma_.lower() or cue_span.text.lower()
        if cue_span.text.lower() == "according to" or (head.lower_ == "according" and len(cue_span) > 1):
            lemma = "according to"
        src = doc[source[0]:source[1]] if source is not None else None
        out.append(Claim.from_pieces(
            text, pieces,
            claim_type="direct" if all(is_quotation(text, s, e) for s, e in pieces) else "indirect",
            cue=lemma, cue_class=lex.cue_class(lemma), cue_start=cue_span.start_char, cue_end=cue_span.end_char,
            speaker_mention=src.text if src is not None else None,
            speaker_start=src.start_char if src is not None else None,
            speaker_end=src.end_char if src is not None else None,
            origin="model",
        ))
    return out
