"""Claims from the trained tagger's SOURCE / CUE / CONTENT spans.

Each content span is tied to the nearest cue in its paragraph, contents sharing a cue become
one claim when the cue or its source stands between them (its pieces in ``content_spans``; with
``split_contents`` the others are claims of their own; pieces at most ``max_piece_gap`` tokens apart with
no cue or source between them are one piece: PolNeAR's contents break only at their own
attribution; farther pieces the tagger split are joined before, by the learned step of
``join.py``), and the cue takes the source span holding its
grammatical subject, else the nearest source span, else (``syntax_source``) the subject's own
noun phrase. A claim without a source is dropped unless its cue is agentless (a passive or an
expletive subject: "is expected to", "there are questions about"; with ``agentless_claims``) or
``require_source`` is off. With
``fronted_pieces`` the words of the content's clause that stand before an attribution
interrupting it ("Loyalty, he noted, has long been ...", "which he said had harmed ...") are
its first piece (:func:`fronted_piece`). The claim's cue is the lemma of
the cue span's verb; its type is ``direct`` when every piece is a quotation.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy
from spacy.attrs import IDX
from spacy.tokens import Doc, Span, Token

from pipeline.nlp.attribution.features import paragraph_openers
from pipeline.nlp.attribution.lexicon import Lexicon
from pipeline.nlp.attribution.records import Claim
from pipeline.nlp.attribution.syntax import DASHES, is_agentless, mention_bounds, subject_of
from pipeline.nlp.attribution.tagger import RoleSpan
from pipeline.nlp.quotes import ALL_MARKS

if TYPE_CHECKING:
    from pipeline.nlp.attribution.link import LinkModel

VERB_POS = ("VERB", "AUX")
Group = tuple[list[tuple[int, int]], tuple[int, int], "tuple[int, int] | None"]


@dataclass(frozen=True)
class LinkOptions:
    """How the tagger's spans are tied into claims."""

    max_cue_gap: int = 12
    max_source_gap: int = 8
    min_content_tokens: int = 2
    require_source: bool = True
    agentless_claims: bool = True
    syntax_source: bool = True
    max_piece_gap: int = 2
    fronted_pieces: bool = True
    split_contents: bool = True


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


def near_cues(cues: list[tuple[int, int]], content: tuple[int, int], para: list[int],
              max_gap: int) -> list[tuple[int, int]]:
    """The cues a content may belong to: in its paragraph, at most ``max_gap`` tokens away."""
    s, e = content
    return [c for c in cues if (para[c[0]] == para[s] or para[c[0]] == para[e - 1]) and gap(c, content) <= max_gap]


def rule_cue(near: list[tuple[int, int]], content: tuple[int, int]) -> tuple[int, int]:
    """The rule's cue of a content among ``near``: the nearest, the one before it on a tie."""
    return min(near, key=lambda c: (gap(c, content), c[0] > content[0]))


def rule_source(sources: list[tuple[int, int]], cue: tuple[int, int], para: list[int], subject: int | None,
                max_gap: int) -> tuple[int, int] | None:
    """The rule's source span of a cue: the one holding its grammatical subject, else the
    nearest in its paragraph within ``max_gap`` tokens (the one before it on a tie)."""
    holding = [src for src in sources if subject is not None and src[0] <= subject < src[1]]
    near = holding or [src for src in sources if para[src[0]] == para[cue[0]] and gap(src, cue) <= max_gap]
    return min(near, key=lambda src: (gap(src, cue), src[0] > cue[0])) if near else None


def group(spans: list[RoleSpan], para: list[int], opts: LinkOptions,
          subjects: dict[tuple[int, int], int] | None = None, doc: Doc | None = None,
          link: LinkModel | None = None) -> list[Group]:
    """Tie role spans into attributions: ([content spans], cue span, source span or None).

    Each content goes to the nearest cue within ``max_cue_gap`` tokens in its paragraph; each
    cue that got content takes the source span holding its grammatical subject (``subjects``:
    cue span -> subject token), else the nearest source within ``max_source_gap``. With a
    learned ``link`` step (and the ``doc``) the choice between two or more cues is the step's
    (``link.py``).
    """
    cues = [(s, e) for lab, s, e in spans if lab == "CUE"]
    sources = [(s, e) for lab, s, e in spans if lab == "SOURCE"]
    learned = link is not None and doc is not None
    by_cue: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for lab, s, e in spans:
        if lab != "CONTENT":
            continue
        near = near_cues(cues, (s, e), para, opts.max_cue_gap)
        if not near:
            continue
        cue = rule_cue(near, (s, e))
        if learned and len(near) > 1:
            cue = link.choose_cue(doc, (s, e), near, cue, cues)
        by_cue.setdefault(cue, []).append((s, e))
    return [(sorted(contents), cue, rule_source(sources, cue, para, (subjects or {}).get(cue), opts.max_source_gap))
            for cue, contents in sorted(by_cue.items(), key=lambda kv: kv[1][0])]


def split_at_attribution(contents: list[tuple[int, int]],
                         own: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """The contents of one cue as claims: pieces stay one content only when their own cue or
    source (``own``) stands between them ("...," she said, "..."); pieces with none between them
    are contents of their own, which the joining step judged apart."""
    out: list[list[tuple[int, int]]] = []
    for start, end in sorted(contents):
        if out and any(out[-1][-1][1] <= s and e <= start for s, e in own):
            out[-1].append((start, end))
        else:
            out.append([(start, end)])
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


def is_finite(verb: Token) -> bool:
    """True when ``verb`` heads a finite clause: a tensed verb, or one with a tensed auxiliary
    ("has long been", "would recover"); not an infinitive ("to vote on") or a noun phrase."""
    if verb.pos_ not in VERB_POS:
        return False
    return "Fin" in verb.morph.get("VerbForm") or any(
        c.dep_ in ("aux", "auxpass") and "Fin" in c.morph.get("VerbForm") for c in verb.children)


def fronted_piece(doc: Doc, contents: list[tuple[int, int]], marks: list[tuple[int, int]],
                  taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Content pieces with the words of the content's own clause that stand before its
    interrupting attribution: "The question, she said, is not so cut and dried" and "which the
    campaign says includes 2.7 million donors" are contents of two pieces ("The question" / "is
    not ...", "which" / "includes ..."). The first piece's clause (its syntactic root's subtree)
    is finite and reaches left past the attribution (``marks``: the claim's cue and source
    spans, which must end just before the piece, punctuation and adverbs aside); its words
    there, outside the cue's own subtree, up to the attribution and in the same sentence, become
    a piece before it, unless they overlap a role span of the tagger's (``taken``)."""
    if not contents or not marks:
        return contents
    s0, e0 = contents[0]
    left_edge = min(s for s, _ in marks)
    if max(e for _, e in marks) > s0 or left_edge == 0:
        return contents
    covered = {i for s, e in marks for i in range(s, e)}
    if any(i not in covered and not (doc[i].is_punct or doc[i].is_space or doc[i].pos_ == "ADV")
           for i in range(left_edge, s0)):
        return contents
    root = doc[s0:e0].root
    if not is_finite(root):
        return contents
    clause = {t.i for t in root.subtree}
    inside_cue = {t.i for s, e in marks for t in doc[s:e]}
    for s, e in marks:  # the attribution's own words: its heads' subtrees, less a clause under them
        under = {t.i for t in doc[s:e].root.subtree}
        inside_cue.update(under - clause if root.i in under else under)
    left = sorted(i for i in clause if i < left_edge and i not in inside_cue)
    if not left:
        return contents
    start, end = left[0], left[-1] + 1
    while start < end and (doc[start].is_punct or doc[start].is_space) and doc[start].text not in ALL_MARKS:
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space) and doc[end - 1].text not in ALL_MARKS:
        end -= 1
    if start >= end or any(not (doc[i].is_punct or doc[i].is_space) for i in range(end, left_edge)) \
            or doc[start].sent.start != doc[s0].sent.start \
            or any(i in inside_cue for i in range(start, end)) \
            or any(s < end and start < e for s, e in taken):
        return contents
    return [(start, end)] + contents


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


def model_claims(doc: Doc, text: str, spans: list[RoleSpan], lex: Lexicon, opts: LinkOptions,
                 link: LinkModel | None = None) -> list[Claim]:
    """The claims of one parsed doc from its tagger spans (a content's cue chosen by the learned
    ``link`` step where there is a choice, when given)."""
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
    for contents, cue, group_source in group(spans, paragraph_ids(doc, text), opts, subjects, doc, link):
        contents = close_gaps(contents, marks, opts.max_piece_gap)
        own = [cue] + ([group_source] if group_source is not None else [])
        cue_span = doc[cue[0]:cue[1]]
        head = cue_head(cue_span)
        lemma = head.lemma_.lower() or cue_span.text.lower()
        if cue_span.text.lower() == "according to" or (head.lower_ == "according" and len(cue_span) > 1):
            lemma = "according to"
        for contents in (split_at_attribution(contents, own) if opts.split_contents else [contents]):
            source = group_source
            if sum(e - s for s, e in contents) < opts.min_content_tokens:
                continue
            if source is None and opts.syntax_source and cue in subjects:
                # no SOURCE span: the cue's subject, when it lies outside the content
                m_start, m_end = mention_bounds(doc[subjects[cue]])
                if not any(s < m_end and m_start < e for s, e in contents) \
                        and doc[subjects[cue]].lower_ not in lex.not_speakers:
                    source = (m_start, m_end)
            if source is None and opts.require_source \
                    and not (opts.agentless_claims and is_agentless(head)):
                continue
            if opts.fronted_pieces:
                claim_marks = [cue] + ([source] if source is not None else [])
                others = [(s, e) for _, s, e in spans if (s, e) not in claim_marks and (s, e) not in contents]
                contents = fronted_piece(doc, contents, claim_marks, others)
            if source is not None:
                source = without_dateline(doc, *source)
            pieces = [(doc[s].idx, doc[e - 1].idx + len(doc[e - 1])) for s, e in contents]
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
