"""What the attribution rule families share: options, the claim builder, speaker lookup.

A rule family (``direct.py``, ``reported.py``, ``layout.py``) is a :class:`RuleSet` made for
one document: it reads the document's :class:`DocContext` and the lexicon, and keeps no state
on the spaCy component.
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from pipeline.nlp.attribution.context import DocContext
from pipeline.nlp.attribution.lexicon import Lexicon
from pipeline.nlp.attribution.records import Claim
from pipeline.nlp.attribution.syntax import TRIM_CHARS, mention_bounds, np_head, subject_of
from pipeline.nlp.quotes import ALL_MARKS


@dataclass(frozen=True)
class RuleOptions:
    """Switches and thresholds of the rules (the component's config; see ``component.py``)."""

    min_quote_words: int = 4
    merge_continuations: bool = True
    merge_paragraphs: bool = False
    max_merge_gap: int = 25
    strict_merge: bool = True
    nested_in_quotes: bool = False
    object_claims: bool = True
    headline_claims: bool = True
    content_first_sentence: bool = True
    trailing_clauses: bool = True


class RuleSet:
    """Base of the rule families: one instance per document."""

    def __init__(self, ctx: DocContext, lex: Lexicon, options: RuleOptions) -> None:
        self.ctx = ctx
        self.text = ctx.text
        self.lex = lex
        self.opts = options

    def is_cue(self, tok: Token, verbs: frozenset[str]) -> bool:
        """True when ``tok`` is a verb (not an auxiliary) whose lemma is in ``verbs``."""
        return tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in verbs and tok.dep_ != "aux"

    def _claim(self, doc: Doc, start: int, end: int, cue: str, cue_tok: Token | None,
               speaker: tuple[int, int] | None, claim_type: str) -> Claim:
        """A claim over ``text[start:end]`` with its cue token and speaker token range."""
        text = self.text
        if speaker is not None:
            s_start, s_end = doc[speaker[0]].idx, doc[speaker[1] - 1].idx + len(doc[speaker[1] - 1])
        else:
            s_start = s_end = None
        return Claim(
            content_spans=[(start, end)], content=text[start:end], claim_type=claim_type,
            cue=cue, cue_class=self.lex.cue_class(cue),
            cue_start=cue_tok.idx if cue_tok is not None else None,
            cue_end=cue_tok.idx + len(cue_tok) if cue_tok is not None else None,
            speaker_mention=text[s_start:s_end] if s_start is not None else None,
            speaker_start=s_start, speaker_end=s_end,
        )

    def _trim(self, doc: Doc, start: int, end: int) -> tuple[int, int]:
        """Character span of tokens ``[start, end)`` without edge punctuation; quotation marks
        are kept only when the span holds both the opening and the closing one."""
        text = self.text
        s, e = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
        while s < e and text[s] in TRIM_CHARS:
            s += 1
        while e > s and text[e - 1] in TRIM_CHARS:
            e -= 1
        inner = text[s:e]
        n_marks = sum(inner.count(m) for m in ALL_MARKS)
        if n_marks % 2 == 1:
            if inner and inner[0] in ALL_MARKS:
                s += 1
            elif inner and inner[-1] in ALL_MARKS:
                e -= 1
            while s < e and text[s] in TRIM_CHARS:
                s += 1
            while e > s and text[e - 1] in TRIM_CHARS:
                e -= 1
        return s, e

    def _speaker_near(self, doc: Doc, cue: Token, lo: int, hi: int,
                      in_quote: list[int], trailing: bool = True) -> tuple[int, int] | None:
        """Speaker mention of ``cue``: its subject, else a noun right after or before it,
        within tokens ``[lo, hi)`` and outside quotations."""
        subj = subject_of(cue)
        if subj is not None and not in_quote[subj.i] and (lo <= subj.i < hi or not trailing):
            return self._mention(subj)
        # No usable subject: the noun phrase opening the window ("…," Flynn, an aide, said)
        # or the one right after the cue ("…," said Hillman).
        # the word before the cue, past commas ("…, Jake Sullivan, said:")
        before = cue.i - 1
        while before > lo and doc[before].text == ",":
            before -= 1
        for i in ((lo, cue.i + 1, before) if trailing else (before, cue.i + 1)):
            if i == cue.i or not (lo <= i < hi) or in_quote[i]:
                continue
            tok = doc[i]
            if tok.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL") or tok.pos_ not in ("PROPN", "PRON", "NOUN", "DET", "ADJ"):
                continue
            head = np_head(tok)
            if i == cue.i + 1 and head.head.i == cue.i and head.dep_ in ("dobj", "dative") and subj is not None:
                continue  # the addressee ("…," telling reporters): the cue's subject speaks
            if head.pos_ in ("PROPN", "PRON", "NOUN") and not in_quote[head.i] and lo <= head.i < hi:
                return self._mention(head)
        if subj is not None and not in_quote[subj.i]:
            return self._mention(subj)
        return None

    @staticmethod
    def _mention(head: Token) -> tuple[int, int]:
        if head.pos_ == "PRON":
            return head.i, head.i + 1
        if head.pos_ == "NOUN" and not head.ent_type_:
            # "With 50 days until the election, Minyon Moore, ..., called": a person the parser
            # hung as an apposition on a subject that is no person
            person = next((c for c in head.rights if c.dep_ == "appos" and c.ent_type_ == "PERSON"), None)
            if person is not None and not any(c.dep_ in ("poss", "compound", "amod") for c in head.children):
                return mention_bounds(person)
        return mention_bounds(head)

    def _name_run(self, doc: Doc, k: int, limit: int) -> tuple[int, int] | None:
        """A speaker by its surface: a pronoun, or up to six capitalized words and nouns
        ("Texas delegate Bill Eastland", "the senator") ending in a noun or name."""
        if k >= limit:
            return None
        if doc[k].lower_ in self.lex.surface_pronouns:
            return k, k + 1
        j = k + 1 if doc[k].lower_ in ("the", "a", "an") else k
        end = j
        while end < limit and end - j < 6 and doc[end].is_alpha and (
                doc[end].pos_ in ("PROPN", "NOUN") or doc[end].is_title) and doc[end].pos_ not in ("VERB", "AUX"):
            end += 1
        if end == j or doc[end - 1].pos_ not in ("PROPN", "NOUN") \
                or not any(t.pos_ == "PROPN" or t.is_title for t in doc[k:end]) and j == k:
            return None
        if doc[k:end].text.lower() in self.lex.not_speakers:
            return None
        return k, end

    def _kind(self, doc: Doc, start: int, end: int) -> str:
        """"direct" when the content is a quotation from mark to mark (possibly split by its
        cue), else "indirect"."""
        text = self.text[start:end].strip()
        if len(text) > 2 and (text[0] in ALL_MARKS or text.startswith("''")) \
                and (text[-1] in ALL_MARKS or text.endswith("''")):
            return "direct"
        return "indirect"

    def _kind_of(self, doc: Doc, pieces: list[tuple[int, int]]) -> str:
        """"direct" when every piece of a content is a quotation from mark to mark."""
        return "direct" if all(self._kind(doc, s, e) == "direct" for s, e in pieces) else "indirect"
