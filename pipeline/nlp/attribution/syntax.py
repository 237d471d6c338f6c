"""Syntax helpers of the attribution rules: speaker mentions, subjects, noun phrases.

Pure functions over spaCy tokens (the dependency parse and entity tags of the base model);
``speakers.py`` reuses :func:`mention_bounds` and :func:`entity_around`.
"""
from __future__ import annotations

from spacy.tokens import Doc, Span, Token

SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
# Right-hand dependents that end a speaker mention: "Kirsten Hillman, in Ottawa ..., said".
MENTION_STOP_DEPS = {"relcl", "acl", "appos", "punct", "advcl", "parataxis", "ccomp", "xcomp"}
# Left dependents of a noun that stay in its mention.
NOUN_MODIFIER_DEPS = {"det", "compound", "amod", "poss", "nummod", "case", "flat", "nmod",
                      "predet", "quantmod"}
SENTENCE_END = {".", "!", "?"}
DASHES = {"―", "—", "–", "--", "-"}
DASH_CHARS = "―—–"
# Characters cut off both ends of a content.
TRIM_CHARS = " \n\t,;:.—–-"


def is_agentless(verb: Token) -> bool:
    """True when ``verb`` names no one who does it: a passive without a "by" agent ("is
    expected to", "have been debated") or a verb with an expletive subject ("there are
    questions about"). Attributions of such cues have no source."""
    deps = {c.dep_ for c in verb.children}
    return "agent" not in deps and bool(deps & {"auxpass", "nsubjpass", "expl"})


def np_head(tok: Token) -> Token:
    """The noun a determiner/modifier belongs to ("the" in "the ambassador" -> "ambassador")."""
    seen = 0
    while tok.dep_ in NOUN_MODIFIER_DEPS and tok.head.i > tok.i and seen < 6:
        tok = tok.head
        seen += 1
    return tok


def entity_around(tok: Token) -> Span | None:
    """The named entity that contains ``tok``, found from the IOB tags (no scan of the doc)."""
    if not tok.ent_type_:
        return None
    doc = tok.doc
    start = tok.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = tok.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return Span(doc, start, end, label=tok.ent_type_)


def mention_bounds(head: Token) -> tuple[int, int]:
    """Token range ``[start, end)`` of the noun phrase headed by ``head``, cut before commas,
    relative clauses and appositions so that only the words naming the speaker remain."""
    start = head.left_edge.i
    # Left dependents of a subject are modifiers; a left clause would start with a verb.
    for left in head.lefts:
        if left.dep_ in MENTION_STOP_DEPS:
            start = max(start, left.right_edge.i + 1)
    end = head.i + 1
    for right in head.rights:
        if right.dep_ in MENTION_STOP_DEPS:
            break
        end = right.right_edge.i + 1
    doc = head.doc
    if head.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
        ent = entity_around(head)
        if ent is not None:
            start, end = min(start, ent.start), max(end, ent.end)
    # A mention never runs over a line break (the parser may join a headline to the lede).
    for k in range(head.i - 1, start - 1, -1):
        if "\n" in doc[k].text or "\n" in doc[k].whitespace_:
            start = k + 1
            break
    for k in range(head.i, end):
        if "\n" in doc[k].text or "\n" in doc[k].whitespace_:
            end = k if "\n" in doc[k].text else k + 1
            break
    while start < head.i and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end - 1 > head.i and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return start, end


def subject_of(verb: Token) -> Token | None:
    """The grammatical subject of ``verb``, borrowed from the governing verb for participles
    and coordinated verbs ("Trump attacked the plan, saying ...", "She smiled and said ...")."""
    for _ in range(3):
        subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS]
        if subjects:
            # "LONDON (Reuters) - Donald Trump said": a dateline parsed as a second subject
            # loses to the subject nearest the verb.
            return min(subjects, key=lambda c: (c.i > verb.i, abs(verb.i - c.i)))
        if verb.dep_ == "acl" and verb.head.pos_ in ("PROPN", "NOUN") and verb.tag_ == "VBG":
            return verb.head  # "footage of Hillary Clinton asking, ..."
        # "Kirsten Hillman, in Ottawa to prepare ..., said": the parser hangs the subject on
        # the inserted clause; take it back when that clause sits between subject and verb.
        for child in verb.lefts:
            if child.dep_ == "advcl":
                for sub in child.children:
                    if sub.dep_ in SUBJECT_DEPS and sub.i < child.i and sub.pos_ in ("PROPN", "NOUN") \
                            and sub.left_edge.i == child.left_edge.i:
                        return sub
        # "After saying her foot was swollen, she was whisked ...": gerund under a preposition
        if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.pos_ in ("VERB", "AUX") \
                and verb.head.head.i != verb.head.i:
            verb = verb.head.head
            continue
        if verb.dep_ == "xcomp" and verb.head.pos_ == "ADJ" and verb.head.dep_ == "acomp":
            verb = verb.head.head  # "Voters are more likely to say ...", "she was quick to note"
            continue
        if verb.dep_ == "xcomp":
            # object control: "prompting Premier Legault to ask ...", "urged him to say ..."
            obj = next((c for c in verb.head.children if c.dep_ in ("dobj", "dative") and c.i < verb.i), None)
            if obj is not None:
                return obj
        # "dep": a clause the parser could not label ("Majorities ... going to the polls say")
        if verb.dep_ in ("conj", "advcl", "xcomp", "dep") and verb.head.i != verb.i and verb.head.pos_ in ("VERB", "AUX"):
            participle = verb.tag_ == "VBG"
            verb = verb.head
            # "Trump told Newsmax that Romney had ..., adding, ...": the participle goes with
            # the reporting verb, not with the reported clause it was attached to.
            hops = 0
            while participle and verb.dep_ == "ccomp" and verb.head.pos_ in ("VERB", "AUX") \
                    and verb.head.i < verb.i and hops < 3:
                verb = verb.head
                hops += 1
        else:
            return None
    return None


def left_chunk(doc: Doc, verb: Token, floor: int) -> tuple[int, int] | None:
    """A noun phrase right before a verb the parser left without subject ("About 4 in 10
    say ..."), unless it is the object of a preposition."""
    k = verb.i - 1
    while k >= floor and doc[k].pos_ == "ADV":
        k -= 1
    end = k + 1
    while k >= floor and (doc[k].pos_ in ("NOUN", "PROPN", "NUM", "ADJ", "DET", "PRON")
                          or doc[k].dep_ in ("quantmod", "nummod", "compound", "poss", "case")):
        k -= 1
    start = k + 1
    if start >= end or not any(t.pos_ in ("NOUN", "PROPN", "NUM", "PRON") for t in doc[start:end]):
        return None
    if k >= floor and doc[k].pos_ == "ADP" and doc[k].lower_ != "about":
        return None
    return start, end

