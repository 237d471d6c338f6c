"""spaCy component ``claims_attribution``: direct quotations and reported speech, by rule.

Writes ``doc._.claims`` (see ``extensions.py``) with the content span, its cue (lemma) and the
speaker mention at the cue; ``claims_speakers`` later turns the mention into a full name.

Direct quotations are found by pairing quotation marks (``quotes.py``) and attaching each one
to a cue just after it (``"...," Hillman said``, ``"..." ― Sonya Herridge``) or just before it
(``Hillman said: "..."``, a paragraph ending in ``Cruz continued:``). A quotation split by its
cue is one claim; a quotation opening a paragraph with no cue of its own is a claim of the
previous quotation's speaker. Reported speech comes from the dependency parse: a reporting
verb with a clausal complement (``X said (that) ...``, ``..., says X``), a record/report verb
with its object (``CBP recorded 68,784 encounters``), verbs whose complements carry the content
(``vowed to ...``, ``called it "a disaster"``, ``endorsed Clinton``), nouns of saying with a
possessor (``Clinton's claim that ...``, ``his refusal to ...``), prepositional cues
(``according to X``), interview transcripts (``PENCE: ...``) and headlines (``content: Canada's envoy``).
The cue words live in ``models/lexicon/attribution.toml``, widened here by stance cues
(``STANCE_VERBS``) and narrowed by cues that mislead (``WEAK_CUES``). When the parse of the
words after a quotation is unusable, a surface pattern (quotation, name, verb) finds the cue.
"""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from pipeline.nlp.extensions import register_extensions
from pipeline.nlp.quotes import ALL_MARKS, Quote, find_quotes, paragraph_spans, word_count
from pipeline.resources import model_file

DEFAULT_LEXICON = model_file("lexicon", "attribution.toml")

SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
# Right-hand dependents that end a speaker mention: "Kirsten Hillman, in Ottawa ..., said".
MENTION_STOP_DEPS = {"relcl", "acl", "appos", "punct", "advcl", "parataxis", "ccomp", "xcomp"}
# Left dependents of a noun that stay in its mention.
NOUN_MODIFIER_DEPS = {"det", "compound", "amod", "poss", "nummod", "case", "flat", "nmod",
                      "predet", "quantmod"}
SENTENCE_END = {".", "!", "?"}
DASHES = {"―", "—", "–", "--", "-"}
DASH_CHARS = "―—–"
TRIM_CHARS = " \n\t,;:.—–-"
# Shipped cues that on PolNeAR train give more wrong claims than right ones.
WEAK_CUES = frozenset({"know", "see", "plan", "understand"})
# Cues that report even a quotation of a word or two ("chanted “USA! USA!”").
SHORT_QUOTE_CUES = frozenset({"say", "tell", "add", "write", "tweet", "ask", "reply", "respond",
                              "chant", "yell", "shout", "scream", "exclaim", "cry", "proclaim"})
SURFACE_PRONOUNS = {"he", "she", "they", "i", "we", "one"}
# Cues of stance rather than speech that PolNeAR annotates (beliefs, endorsements, criticism),
# frequent among its train cues, added to the shipped lexicon's complement verbs and
# verb + preposition pairs ("say" too, for its object: "said the same of Sanders").
STANCE_VERBS = frozenset({
    "seem", "appear", "express", "voice", "prefer", "name", "identify", "remember", "decry",
    "imply", "deem", "reference", "request", "promote", "focus", "hope", "view", "say",
})
STANCE_PREPS = frozenset({
    ("focus", "on"), ("apologize", "for"), ("plead", "for"), ("campaign", "for"),
    ("campaign", "against"), ("rail", "against"), ("hope", "for"), ("lobby", "for"),
    ("worry", "about"), ("complain", "about"),
})
# Nouns of saying, stance and intent whose possessor is the source and whose "that"/"to"
# clause or "of"/"for" object is the content ("Clinton's claim that ...", "his refusal to
# ...", "the senator's criticism of the plan"), frequent among PolNeAR's nominal cues. Not
# "support", "plan", "proposal", "message": their possessor is as often the target or an
# agent that PolNeAR does not count as a source ("Clinton's support among women").
NOMINAL_CUES = frozenset({
    "claim", "argument", "view", "accusation", "allegation", "assertion", "belief", "pledge",
    "promise", "vow", "refusal", "criticism", "critique", "call", "warning", "announcement",
    "insistence", "endorsement", "estimate", "suggestion", "demand", "charge", "contention",
    "stance", "opinion", "notion", "fear", "hope", "opposition", "praise", "denial", "admission",
    "threat", "complaint", "remark", "comment", "description", "recognition", "condemnation",
    "rejection", "dismissal", "request", "appeal", "plea", "commitment", "intention", "wish",
    "conclusion", "finding", "assessment", "acknowledgment", "insinuation", "implication",
    "characterization", "portrayal", "embrace", "explanation", "answer", "response", "reply",
    "question", "concern", "goal", "promotion",
})
# Stance verbs whose object may be a bare name ("endorsed Clinton", "preferred Trump").
TARGET_VERBS = frozenset({"support", "endorse", "oppose", "prefer", "praise", "attack", "blame",
                          "defend", "reject", "favor", "favour"})
# Prepositions whose object after a nominal cue is the content.
NOMINAL_PREPS = frozenset({"of", "for", "on", "against", "about"})


def load_lexicon(path: str | Path | None = None) -> dict[str, Any]:
    """Read the reporting-cue lexicon (TOML) into sets: speech, thought, object, colon verbs."""
    with open(path or DEFAULT_LEXICON, "rb") as fh:
        raw = tomllib.load(fh)
    lex = {key: frozenset(raw.get(key, ())) for key in
           ("speech_verbs", "thought_verbs", "object_verbs", "colon_verbs")}
    lex["thought_verbs"] = lex["thought_verbs"] - WEAK_CUES
    lex["clause_verbs"] = lex["speech_verbs"] | lex["thought_verbs"]
    lex["phrase_cues"] = [(tuple(w.lower() for w in p["words"]), p["cue"])
                          for p in raw.get("phrase_cues", ())]
    lex["phrase_starts"] = frozenset(words[0] for words, _ in lex["phrase_cues"])
    lex["complement_verbs"] = (frozenset(raw.get("complement_verbs", ())) | STANCE_VERBS
                               | frozenset(verb for verb, _ in STANCE_PREPS)) - WEAK_CUES
    lex["prep_cues"] = frozenset(tuple(p.split()) for p in raw.get("prep_cues", ())) | STANCE_PREPS
    lex["not_speakers"] = frozenset(w.lower() for w in raw.get("not_speakers", ()))
    return lex


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


class Attribution:
    """Rule-based attribution, one Doc at a time. Holds the lexicon and options, and while a
    document is processed its text (``Doc.text`` is rebuilt on every access)."""

    def __init__(self, lexicon: dict[str, Any], min_quote_words: int = 4,
                 merge_continuations: bool = True, merge_paragraphs: bool = False,
                 max_merge_gap: int = 25, strict_merge: bool = True,
                 nested_in_quotes: bool = False,
                 object_claims: bool = True, headline_claims: bool = True,
                 content_first_sentence: bool = True, trailing_clauses: bool = True) -> None:
        self.lex = lexicon
        self.min_quote_words = min_quote_words
        self.merge_continuations = merge_continuations
        self.merge_paragraphs = merge_paragraphs
        self.max_merge_gap = max_merge_gap
        self.strict_merge = strict_merge
        self.nested_in_quotes = nested_in_quotes
        self.object_claims = object_claims
        self.headline_claims = headline_claims
        self.content_first_sentence = content_first_sentence
        self.trailing_clauses = trailing_clauses
        self._text = ""  # the text of the document being processed

    # ------------------------------------------------------------------ helpers
    def is_cue(self, tok: Token, verbs: frozenset[str]) -> bool:
        """True when ``tok`` is a verb (not an auxiliary) whose lemma is in ``verbs``."""
        return tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in verbs and tok.dep_ != "aux"

    def _claim(self, doc: Doc, start: int, end: int, cue: str, cue_tok: Token | None,
               speaker: tuple[int, int] | None, claim_type: str) -> dict[str, Any]:
        text = self._text
        if speaker is not None:
            s_start, s_end = doc[speaker[0]].idx, doc[speaker[1] - 1].idx + len(doc[speaker[1] - 1])
        else:
            s_start = s_end = None
        return {
            "start": start, "end": end, "content": text[start:end], "claim_type": claim_type,
            "cue": cue,
            "cue_start": cue_tok.idx if cue_tok is not None else None,
            "cue_end": cue_tok.idx + len(cue_tok) if cue_tok is not None else None,
            "speaker_mention": text[s_start:s_end] if s_start is not None else None,
            "speaker_start": s_start, "speaker_end": s_end,
            "speaker": None, "speaker_role": None, "speaker_type": None,
        }

    def _trim(self, doc: Doc, start: int, end: int) -> tuple[int, int]:
        """Character span of tokens ``[start, end)`` without edge punctuation; quotation marks
        are kept only when the span holds both the opening and the closing one."""
        text = self._text
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

    # ------------------------------------------------------------------ direct quotations
    def _trailing_cue(self, doc: Doc, q_end_tok: int, limit: int, in_quote: list[int],
                      quote_text: str) -> tuple[Token, tuple[int, int] | None, int] | None:
        """Cue right after a quotation: ``"...," Hillman said`` / ``"...?" asked Hillman``.
        Returns the cue, the speaker mention and the token where the cue clause ends; the
        surface pattern stands in when the parse of the cue clause is unusable."""
        found = self._parsed_trailing_cue(doc, q_end_tok, limit, in_quote, quote_text)
        if found is not None and found[1] is not None:
            return found
        surface = self._surface_trailing_cue(doc, q_end_tok, limit, quote_text)
        return surface if surface is not None else found

    def _name_run(self, doc: Doc, k: int, limit: int) -> tuple[int, int] | None:
        """A speaker by its surface: a pronoun, or up to six capitalized words and nouns
        ("Texas delegate Bill Eastland", "the senator") ending in a noun or name."""
        if k >= limit:
            return None
        if doc[k].lower_ in SURFACE_PRONOUNS:
            return k, k + 1
        j = k + 1 if doc[k].lower_ in ("the", "a", "an") else k
        end = j
        while end < limit and end - j < 6 and doc[end].is_alpha and (
                doc[end].pos_ in ("PROPN", "NOUN") or doc[end].is_title) and doc[end].pos_ not in ("VERB", "AUX"):
            end += 1
        if end == j or doc[end - 1].pos_ not in ("PROPN", "NOUN") \
                or not any(t.pos_ == "PROPN" or t.is_title for t in doc[k:end]) and j == k:
            return None
        if doc[k:end].text.lower() in self.lex["not_speakers"]:
            return None
        return k, end

    def _surface_trailing_cue(self, doc: Doc, q_end_tok: int, limit: int,
                              quote_text: str) -> tuple[Token, tuple[int, int], int] | None:
        """``"…," Trump barked`` / ``"…," said Kristen Day`` / ``"…," read one`` read from the
        words alone: a quotation ending in , ! or ? followed by a name (an apposition between
        commas allowed) and a verb, or by a speech verb and a name."""
        if quote_text.rstrip(ALL_MARKS + " ")[-1:] not in (",", "!", "?", "—"):
            return None
        i = q_end_tok
        while i < limit and (doc[i].is_space or doc[i].text in ALL_MARKS):
            i += 1
        if i >= limit:
            return None
        end = i
        while end < limit and end - i < 30 and doc[end].text not in SENTENCE_END:
            end += 1
        first = doc[i]
        if first.tag_.startswith("VB") and first.tag_ != "VBG" and first.lemma_.lower() in self.lex["speech_verbs"]:
            name = self._name_run(doc, i + 1, end)
            if name is not None or first.lemma_.lower() == "read":
                return first, name if name is not None else (i + 1, i + 2), end
            return None
        name = self._name_run(doc, i, end)
        if name is None:
            return None
        j = name[1]
        if j < end and doc[j].text == ",":
            k = j + 1
            while k < end and k - j < 20 and doc[k].text != ",":
                k += 1
            if k < end and doc[k].text == ",":
                j = k + 1
        while j < end and doc[j].pos_ == "ADV":
            j += 1
        # the tagger often takes a past tense right after a quotation for a participle
        if j < end and doc[j].tag_ in ("VBD", "VBZ", "VBN") and doc[j].pos_ == "VERB" \
                and not any(c.dep_ == "ccomp" and c.i > j for c in doc[j].children):
            return doc[j], name, end
        return None

    def _parsed_trailing_cue(self, doc: Doc, q_end_tok: int, limit: int, in_quote: list[int],
                             quote_text: str) -> tuple[Token, tuple[int, int] | None, int] | None:
        """The cue after a quotation read from the parse."""
        last_inner = quote_text.rstrip(ALL_MARKS + " ")[-1:]
        i = q_end_tok
        while i < limit and doc[i].is_space:
            i += 1
        if i >= limit:
            return None
        dash = i if doc[i].text in DASHES else (i - 1 if doc[i - 1].text[-1:] in DASH_CHARS else None)
        name = dash + 1 if dash is not None else limit
        while name < limit and doc[name].is_space:
            name += 1
        if dash is not None and name < limit and (
                doc[name].pos_ == "PROPN" or doc[name].ent_type_ == "PERSON"
                or (doc[name].is_title and not doc[name].is_stop)):
            # "…” ― Sonya Herridge": a byline-style attribution after the quotation
            s_start, s_end = mention_bounds(np_head(doc[name]))
            s_start, s_end = max(s_start, name), min(max(s_end, name + 1), limit)
            while s_end > s_start + 1 and doc[s_end - 1].is_space:
                s_end -= 1
            return doc[dash], (s_start, s_end), s_end
        if last_inner == "." and not doc[i].is_lower and doc[i].lower_ not in ("he", "she", "they"):
            return None
        window_end = i
        # The cue clause runs to the end of the sentence; short quotations inside it (a
        # campaign pin's "Ted Cruz") do not end it, a long one does.
        while window_end < limit and window_end - i < 30 and not in_quote[window_end] >= self.min_quote_words:
            if doc[window_end].text in SENTENCE_END:
                break
            window_end += 1
        for j in range(i, window_end):
            tok = doc[j]
            if self.is_cue(tok, self.lex["speech_verbs"]) or self.is_cue(tok, self.lex["colon_verbs"]) \
                    or self._manner_cue(doc, tok, i, last_inner):
                if any(c.dep_ == "ccomp" and c.i > tok.i for c in tok.children):
                    return None  # "…," Ryan said the shootings demand ...: the verb reports its own clause
                subj = subject_of(tok)
                # Verbs met on the way must belong to the speaker's description
                # ("Bill Eastland, wearing a cowboy hat, said"; "Tim Hess, who introduced ...").
                for k in range(i, j):
                    t = doc[k]
                    if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("amod", "compound") and not (
                            subj is not None and subj.left_edge.i <= k <= subj.right_edge.i):
                        return None
                speaker = self._speaker_near(doc, tok, i, window_end, in_quote)
                if speaker is None and j - i > 3:
                    continue
                return tok, speaker, window_end
        return None

    @staticmethod
    def _manner_cue(doc: Doc, tok: Token, q_end: int, last_inner: str) -> bool:
        """``"This is fantastic!" beamed Hartley`` / ``"...," Hartley laughed``: any verb right
        after a quotation that ends in , ! or ? and its speaker (verb then name, or name then
        verb) reports it."""
        if tok.pos_ != "VERB" or last_inner not in (",", "!", "?", "—") or tok.tag_ not in ("VBD", "VBZ", "VBP"):
            return False
        subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        if subj is None:
            return False
        if tok.i == q_end:
            return subj.i > tok.i and subj.left_edge.i == tok.i + 1
        return subj.left_edge.i == q_end and subj.i < tok.i and \
            all(t.pos_ not in ("VERB", "AUX") or subj.left_edge.i <= t.i <= subj.right_edge.i for t in doc[q_end:tok.i])

    def _colon_paragraph_cue(self, doc: Doc, para: int, para_tok_bounds: list[tuple[int, int]],
                             in_quote: list[int]) -> tuple[Token, tuple[int, int] | None] | None:
        """``Cruz called them on it:`` closing the paragraph before a quotation."""
        if para == 0:
            return None
        lo, hi = para_tok_bounds[para - 1]
        last = hi - 1
        while last > lo and doc[last].is_space:
            last -= 1
        if doc[last].text != ":":
            return None
        for j in range(last - 1, max(lo, last - 30) - 1, -1):
            tok = doc[j]
            if in_quote[j] or tok.text in SENTENCE_END:
                break
            if tok.pos_ == "VERB" and tok.dep_ not in ("amod", "compound", "aux"):
                return tok, self._speaker_near(doc, tok, lo, last, in_quote, trailing=False)
        # "Pew Research:" / "More from Blumenthal and Cohen:" as a paragraph of its own
        if last - lo <= 6 and any(t.pos_ == "PROPN" for t in doc[lo:last]):
            return doc[last], (lo, last)
        return None

    def _colon_name_cue(self, doc: Doc, q_start: int, floor: int) -> tuple[Token, tuple[int, int]] | None:
        """``- Pew Research: "..."``: a short name and a colon right before the quotation."""
        colon = q_start - 1
        if colon <= floor or doc[colon].text != ":":
            return None
        k = colon - 1
        while k >= floor and colon - k <= 7 and doc[k].text not in SENTENCE_END | DASHES | {":", ";"}:
            k -= 1
        start = k + 1
        name = doc[start:colon]
        if not (1 <= len(name) <= 6) or not name[0].text[:1].isupper() \
                or any(t.pos_ in ("VERB", "AUX") for t in name) or not any(t.pos_ in ("PROPN", "NOUN") for t in name):
            return None
        if name.text.lower() in self.lex["not_speakers"]:
            return None
        for prefix in ("more from ", "from ", "via "):
            if name.text.lower().startswith(prefix):
                start += len(prefix.split())
        return doc[colon], (start, colon)

    def _leading_cue(self, doc: Doc, q_start_tok: int, floor: int,
                     in_quote: list[int]) -> tuple[Token, tuple[int, int] | None] | None:
        """Cue right before a quotation: ``Hillman said: "..."``, ``she told reporters, "..."``."""
        lo = q_start_tok - 1
        while lo >= floor and q_start_tok - lo < 30 and not in_quote[lo] and doc[lo].text not in SENTENCE_END:
            lo -= 1
        lo += 1
        colon = q_start_tok - 1 >= lo and doc[q_start_tok - 1].text == ":"
        for j in range(q_start_tok - 1, lo - 1, -1):
            tok = doc[j]
            # Before a colon any verb introduces the quotation ("Article 33 affirms: ..."), and
            # so does a verb with its subject right before ", "..." ("Hillary shot back, ...").
            manner = tok.pos_ == "VERB" and tok.tag_ in ("VBD", "VBZ", "VBP") and doc[q_start_tok - 1].text == "," \
                and all(t.dep_ in ("prt", "advmod", "punct") for t in doc[j + 1:q_start_tok]) \
                and any(c.dep_ == "nsubj" for c in tok.children)
            if not (self.is_cue(tok, self.lex["speech_verbs"]) or self.is_cue(tok, self.lex["colon_verbs"])
                    or (colon and tok.pos_ == "VERB" and tok.dep_ not in ("amod", "compound", "aux")) or manner):
                continue
            if not self._only_cue_material(doc, tok, j + 1, q_start_tok) and not colon:
                return None
            if tok.lemma_.lower() in self.lex["colon_verbs"] and tok.lemma_.lower() not in self.lex["speech_verbs"]:
                if doc[q_start_tok - 1].text != ":":
                    return None
            if tok.lower_ == "according" and tok.i + 2 < q_start_tok and doc[tok.i + 1].lower_ == "to":
                # "According to HuffPo: “...”": the source is the object of "to"
                obj = next((c for c in doc[tok.i + 1].children if c.dep_ == "pobj"), doc[tok.i + 2])
                return tok, self._mention(obj)
            return tok, self._speaker_near(doc, tok, lo, q_start_tok, in_quote, trailing=False)
        return None

    @staticmethod
    def _only_cue_material(doc: Doc, cue: Token, lo: int, hi: int) -> bool:
        """True when tokens ``[lo, hi)`` between a cue and its quotation are punctuation,
        "that", or phrases hanging off the cue (``told reporters``, ``said in a statement``)."""
        if hi - lo > 12:
            return False
        for k in range(lo, hi):
            tok = doc[k]
            if tok.is_punct or tok.is_space or tok.lower_ in ("that", "this", "simply", "only"):
                continue
            if tok.pos_ in ("VERB", "AUX") and tok.dep_ not in ("amod", "compound"):
                return False
            node, hops = tok, 0
            while node.head.i != node.i and node.head.i != cue.i and hops < 6:
                node = node.head
                hops += 1
            if node.head.i != cue.i or node.dep_ in ("ccomp", "xcomp", "advcl", "conj"):
                return False
            if node.dep_ in ("nsubj", "nsubjpass") and node.i > cue.i and node.pos_ not in ("PROPN", "PRON", "NOUN"):
                return False
        return True

    def direct_claims(self, doc: Doc, quotes: list[Quote], in_quote: list[int],
                      para_of_tok: list[int], para_tok_bounds: list[tuple[int, int]],
                      used_cues: set[int]) -> list[dict[str, Any]]:
        """Claims for every quotation that has a cue or continues the previous speaker."""
        claims: list[dict[str, Any]] = []
        text = self._text
        spans = []
        for q in quotes:
            span = doc.char_span(q.start, q.end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            spans.append((q, span))
        consumed: set[int] = set()
        prev: dict[str, Any] | None = None
        prev_para = -10
        for n, (q, span) in enumerate(spans):
            if n in consumed:
                continue
            inner = q.inner(text)
            long_enough = word_count(inner) >= self.min_quote_words
            para = para_of_tok[span.start]
            p_lo, p_hi = para_tok_bounds[para]
            last_para = para_of_tok[span.end - 1]
            l_lo, l_hi = para_tok_bounds[last_para]
            found = self._trailing_cue(doc, span.end, l_hi, in_quote, text[q.start:q.end])
            end_char = q.end
            cue_tok = speaker = None
            second: tuple[int, int] | None = None
            if found is not None:
                cue_tok, speaker, window_end = found
                # "…," Hillman said. "…": the second part joins the first when it has no cue.
                nxt = n + 1
                # a short title in the cue clause ("told NBC's “Today” on Monday") is no continuation
                while nxt < len(spans) and spans[nxt][1].start < window_end \
                        and word_count(spans[nxt][0].inner(text)) < self.min_quote_words:
                    nxt += 1
                if nxt < len(spans):
                    q2, span2 = spans[nxt]
                    between = doc[window_end:span2.start]
                    after_cue = doc[cue_tok.i + 1:span2.start]
                    q2_end_para = para_tok_bounds[para_of_tok[span2.end - 1]][1]
                    stands_alone = span2.end >= q2_end_para or q2.inner(text)[-1:] in (".", "?", "!") \
                        or doc[span2.end].text in SENTENCE_END or not self.strict_merge
                    if (para_of_tok[span2.start] == last_para and stands_alone
                            and span2.start - cue_tok.i <= 40
                            and not any(in_quote[k] >= self.min_quote_words for k in range(cue_tok.i + 1, span2.start))
                            and not any(t.pos_ == "VERB" and t.lemma_.lower() in self.lex["speech_verbs"]
                                        for t in after_cue)
                            and self._trailing_cue(doc, span2.end, para_tok_bounds[para_of_tok[span2.end - 1]][1],
                                                   in_quote, text[q2.start:q2.end]) is None):
                        consumed.add(nxt)
                        long_enough = word_count(inner + " " + q2.inner(text)) >= self.min_quote_words
                        # A long cue clause in between would swamp the content: keep two claims.
                        if self.merge_continuations and word_count(text[q.end:q2.start]) <= self.max_merge_gap:
                            end_char = q2.end
                        else:
                            second = (q2.start, q2.end)
            else:
                # "Pollsters agree - Carl Bialik: “...”": a name right before the colon speaks,
                # not a verb earlier in the line
                lead = self._colon_name_cue(doc, span.start, p_lo) if long_enough else None
                if lead is None:
                    lead = self._leading_cue(doc, span.start, p_lo, in_quote)
                # he said "budget reforms" would pay for it: a quoted phrase inside a clause
                if lead is not None and span.end < l_hi and not (doc[span.end].is_punct or doc[span.end].is_space):
                    lead = None
                if lead is None and span.start == p_lo and long_enough:
                    lead = self._colon_paragraph_cue(doc, para, para_tok_bounds, in_quote)
                if lead is None and long_enough:
                    lead = self._colon_name_cue(doc, span.start, p_lo)
                if lead is not None:
                    cue_tok, speaker = lead
            if cue_tok is not None and cue_tok.i in used_cues:
                cue_tok = None
            if cue_tok is None:
                starts_para = span.start == p_lo
                if (starts_para and long_enough and prev is not None and prev["claim_type"] == "direct"
                        and para - prev_para <= 1):
                    if self.merge_paragraphs:
                        prev["end"] = q.end
                        prev["content"] = text[prev["start"]:q.end]
                    else:
                        cont = dict(prev)
                        cont.update(start=q.start, end=q.end, content=text[q.start:q.end])
                        claims.append(cont)
                        prev = cont
                    prev_para = last_para
                continue
            start_char = q.start
            if found is not None:
                # `the plan "will never work," he said`: the quotation ends a sentence that
                # began before it; the content is the whole sentence.
                k = span.start - 1
                while k >= p_lo and not in_quote[k] and doc[k].text not in SENTENCE_END and doc[k].text != ":" \
                        and span.start - k < 40:
                    k -= 1
                lead_words = doc[k + 1:span.start]
                if any(not (t.is_punct or t.is_space) for t in lead_words):
                    if not long_enough:
                        continue  # a title or name in quotes: On "Face the Nation," Ryan said ...
                    start_char = lead_words[0].idx
            if not long_enough and cue_tok.lemma_.lower() not in SHORT_QUOTE_CUES:
                continue
            if not long_enough and word_count(inner) < 2:
                continue
            used_cues.add(cue_tok.i)
            cue_lemma = cue_tok.lemma_.lower() if cue_tok.text[-1:] not in DASH_CHARS + ":" else cue_tok.text[-1]
            if cue_tok.lower_ == "according":
                cue_lemma = "according to"
            s_trim, _ = self._trim(doc, doc.char_span(start_char, end_char, alignment_mode="expand").start,
                                   doc.char_span(start_char, end_char, alignment_mode="expand").end) \
                if start_char != q.start else (start_char, end_char)
            claim = self._claim(doc, s_trim, end_char, cue_lemma, cue_tok, speaker,
                                self._kind(doc, s_trim, end_char))
            claims.append(claim)
            if second is not None:
                claim = dict(claim, start=second[0], end=second[1], content=text[second[0]:second[1]])
                claims.append(claim)
            prev, prev_para = claim, para_of_tok[doc.char_span(q.start, end_char, alignment_mode="expand").end - 1]
        return claims

    # ------------------------------------------------------------------ reported speech
    def reported_claims(self, doc: Doc, in_quote: list[int], used_cues: set[int],
                        para_of_tok: list[int], para_tok_bounds: list[tuple[int, int]]) -> list[dict[str, Any]]:
        """Claims from the parse: clausal complements, objects of record verbs, nominal cues,
        phrase cues."""
        claims: list[dict[str, Any]] = []
        lex = self.lex
        for tok in doc:
            if tok.i in used_cues or (in_quote[tok.i] and not self.nested_in_quotes):
                continue
            lemma = tok.lemma_.lower()
            bounds = para_tok_bounds[para_of_tok[tok.i]] if para_tok_bounds else (0, len(doc))
            if tok.pos_ in ("VERB", "AUX") and tok.dep_ != "aux":
                claim = None
                if lemma in lex["clause_verbs"]:
                    claim = self._clause_claim(doc, tok, bounds)
                if claim is None and self.object_claims and lemma in lex["object_verbs"]:
                    claim = self._object_claim(doc, tok, bounds)
                if claim is None and lemma in lex["complement_verbs"]:
                    claim = self._complement_claim(doc, tok, bounds)
                if claim is None and tok.tag_ == "VBN" and (lemma in lex["complement_verbs"] or lemma in lex["clause_verbs"]
                                                            or lemma in lex["object_verbs"]):
                    claim = self._passive_claim(doc, tok, bounds, in_quote)
                if claim is not None:
                    used_cues.add(tok.i)
                    claims.append(claim)
                    continue
            if tok.pos_ == "NOUN" and tok.lemma_.lower() in NOMINAL_CUES and not in_quote[tok.i]:
                claim = self._nominal_claim(doc, tok, bounds, in_quote)
                if claim is not None:
                    used_cues.add(tok.i)
                    claims.append(claim)
                    continue
            if tok.lower_ in lex["phrase_starts"]:
                for words, cue in lex["phrase_cues"]:
                    if tok.lower_ == words[0]:
                        claim = self._phrase_claim(doc, tok, words, cue, bounds)
                        if claim is not None:
                            claims.append(claim)
                            break
        return claims

    def _clause_claim(self, doc: Doc, verb: Token, bounds: tuple[int, int]) -> dict[str, Any] | None:
        comp = next((c for c in verb.children if c.dep_ == "ccomp"), None)
        subj = subject_of(verb)
        lemma = verb.lemma_.lower()
        if subj is None and lemma not in self.lex["speech_verbs"]:
            return None  # "Don't assume ...": thoughts need a thinker
        if comp is None and lemma in self.lex["speech_verbs"]:
            # "He said legalizing it could put ...": a gerund subject misread as the complement
            comp = next((c for c in verb.rights if c.dep_ == "xcomp" and c.tag_ == "VBG" and c.i == verb.i + 1
                         and any(g.dep_ == "ccomp" and g.i > c.i for g in c.children)), None)
        if comp is None and verb.dep_ == "advcl" and subj is not None and lemma in self.lex["speech_verbs"] \
                and any(c.dep_ == "mark" and c.lower_ == "as" and c.i < subj.i for c in verb.children):
            return self._as_claim(doc, verb, subj, bounds)
        if comp is None:
            # "The plan will fail, he said": the cue hangs off the clause it reports.
            # "Acts of protest, Mr. Obama said, are acts of patriotism": a cue set off by commas
            # inside the clause; the content is the whole clause around it.
            # "Voters, Clinton suggested, don't ...": the parser may give the cue the clause's
            # own subject as well; the cue clause then starts at the nearer subject.
            cue_lo = verb.left_edge.i
            if subj is not None and subj.left_edge.i > cue_lo and doc[subj.left_edge.i - 1].text == ",":
                cue_lo = subj.left_edge.i
            if verb.dep_ in ("parataxis", "ccomp", "advcl") and subj is not None and subj.i < verb.i \
                    and cue_lo > 0 and (doc[cue_lo].text in (",", "—", "–")
                                        or doc[cue_lo - 1].text in (",", "—", "–")) \
                    and lemma in self.lex["speech_verbs"]:
                head = verb.head
                lo = max(head.left_edge.i, bounds[0])
                hi = min(head.right_edge.i + 1, bounds[1])
                if verb.right_edge.i + 1 >= hi or doc[verb.right_edge.i + 1].text in SENTENCE_END:
                    hi = cue_lo
                if hi - lo < 3 or lo >= cue_lo:
                    return None
                s, e = self._trim(doc, lo, hi)
                return self._claim(doc, s, e, verb.lemma_.lower(), verb, self._mention(subj), self._kind(doc, s, e))
            return None
        same_side = [c for c in verb.children if c.dep_ == "ccomp" and (c.i < verb.i) == (comp.i < verb.i)] or [comp]
        lo = max(min(c.left_edge.i for c in same_side), bounds[0])
        hi = min(max(c.right_edge.i for c in same_side) + 1, bounds[1])
        if comp.i < verb.i:
            hi = min(hi, verb.left_edge.i if verb.left_edge.i > lo else verb.i)
            if subj is not None and lo <= subj.i < hi:
                hi = min(hi, subj.left_edge.i)
            if self.content_first_sentence and verb.dep_ == "ROOT":
                # "CONTENT, the source added.": everything before the cue clause, even parts the
                # parser hung elsewhere ("Clinton had told ..., but the NYPD overruled ...")
                lo = min(lo, max(verb.sent.start, bounds[0]))
        else:
            lo = max(lo, verb.i + 1)
            if self.trailing_clauses:
                # "X said that claim smacked of hypocrisy, because ...": a reason or contrast
                # clause the parser attached to the cue still belongs to what was said
                for right in verb.rights:
                    if right.i > hi and right.dep_ == "advcl" and right.right_edge.i < bounds[1] \
                            and any(c.dep_ == "mark" and c.lower_ in ("because", "since", "although", "though", "but", "while", "if", "unless")
                                    for c in right.children):
                        hi = right.right_edge.i + 1
                    # "X said he had offers, but “the offers were ...”": a contrast clause with
                    # its own subject, hung on the cue by the parser
                    elif right.i > hi and right.dep_ == "conj" and right.right_edge.i < bounds[1] \
                            and any(c.dep_ in ("nsubj", "nsubjpass") for c in right.children) \
                            and any(c.dep_ == "cc" and c.lower_ == "but" and hi <= c.i < right.i for c in verb.rights):
                        hi = right.right_edge.i + 1
        if hi - lo < 2 or word_count(doc[lo:hi].text) < 2:
            return None
        s, e = self._trim(doc, lo, hi)
        if e <= s:
            return None
        speaker = self._mention(subj) if subj is not None and not (s <= subj.idx < e) else None
        if subj is None:
            speaker = left_chunk(doc, verb, bounds[0])
            if speaker is None and comp.i < verb.i:
                # "…, reports USA Today": the parser leaves the inverted subject unlabelled
                speaker = self._name_run(doc, verb.i + 1, bounds[1])
        return self._claim(doc, s, e, verb.lemma_.lower(), verb, speaker, self._kind(doc, s, e))

    def _object_claim(self, doc: Doc, verb: Token, bounds: tuple[int, int]) -> dict[str, Any] | None:
        obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
        subj = subject_of(verb)
        if obj is None or subj is None or obj.i < verb.i or subj.lower_ in ("it", "this", "that"):
            return None
        hi = obj.right_edge.i + 1
        for right in verb.rights:
            if right.i <= obj.i:
                continue
            if right.dep_ in ("conj", "cc", "punct", "advcl", "parataxis", "ccomp"):
                break
            hi = right.right_edge.i + 1
        lo, hi = verb.i + 1, min(hi, bounds[1])
        if word_count(doc[lo:hi].text) < 2:
            return None
        s, e = self._trim(doc, lo, hi)
        return self._claim(doc, s, e, verb.lemma_.lower(), verb, self._mention(subj), self._kind(doc, s, e))

    def _as_claim(self, doc: Doc, verb: Token, subj: Token, bounds: tuple[int, int]) -> dict[str, Any] | None:
        """``As Breitbart News reported, CONTENT`` / ``CONTENT, as the Post noted``: the clause
        the "as" clause modifies is the content."""
        head = verb.head
        as_lo, as_hi = verb.left_edge.i, verb.right_edge.i + 1
        if as_lo < head.i:
            lo, hi = as_hi, head.right_edge.i + 1
        else:
            lo, hi = head.left_edge.i, as_lo
        lo, hi = max(lo, bounds[0]), min(hi, bounds[1])
        if hi - lo < 3:
            return None
        s, e = self._trim(doc, lo, hi)
        if e <= s or word_count(self._text[s:e]) < 3:
            return None
        return self._claim(doc, s, e, verb.lemma_.lower(), verb, self._mention(subj), self._kind(doc, s, e))

    def _passive_claim(self, doc: Doc, verb: Token, bounds: tuple[int, int],
                       in_quote: list[int]) -> dict[str, Any] | None:
        """``Clinton has been attacked by Sanders``, ``the meeting was first reported by
        Politico``: the passive subject is the content, the agent the speaker."""
        subj = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        if subj is None or agent is None or subj.i > verb.i or subj.lower_ in self.lex["not_speakers"]:
            return None
        source = next((c for c in agent.children if c.dep_ == "pobj"), None)
        if source is None or in_quote[source.i] or source.pos_ not in ("PROPN", "NOUN", "PRON", "NUM"):
            return None
        lo, hi = max(subj.left_edge.i, bounds[0]), min(subj.right_edge.i + 1, bounds[1])
        if hi <= lo:
            return None
        s, e = self._trim(doc, lo, hi)
        if e <= s:
            return None
        return self._claim(doc, s, e, verb.lemma_.lower(), verb, self._mention(source), self._kind(doc, s, e))

    def _complement_claim(self, doc: Doc, verb: Token, bounds: tuple[int, int]) -> dict[str, Any] | None:
        """``Trump vowed to punish ...``, ``she called the plan "a disaster"``, ``X called for
        Y``: the verb's complements after it are the content."""
        subj = subject_of(verb)
        if subj is None or subj.lower_ in self.lex["not_speakers"]:
            return None
        rights = [c for c in verb.rights]
        if not rights:
            return None
        hi = None
        for right in rights:
            if right.dep_ in ("conj", "cc", "punct", "parataxis", "mark") or right.is_space:
                break
            if right.dep_ in ("nsubj", "nsubjpass", "expl") and right.lower_ not in ("same", "so"):
                return None  # a question or inversion, not a complement ("said the same of" is one)
            hi = right.right_edge.i + 1
        if hi is None:
            return None
        first = rights[0]
        if first.dep_ == "prep" and (verb.lemma_.lower(), first.lower_) not in self.lex["prep_cues"]:
            return None
        # "calling for the United States to take ...": the parser reads "for" as a clause mark
        for_clause = first.dep_ == "advcl" and doc[first.left_edge.i].lower_ == "for" \
            and (verb.lemma_.lower(), "for") in self.lex["prep_cues"]
        if first.dep_ not in ("dobj", "xcomp", "prep", "dative", "oprd", "ccomp", "attr", "advmod", "prt") \
                and not for_clause and not (first.dep_ == "nsubj" and first.lower_ in ("same", "so")):
            return None
        lo, hi = verb.i + 1, min(hi, bounds[1])
        if first.dep_ in ("prt", "prep") and first.i == verb.i + 1:
            lo = first.i + 1  # "called for a ban": the ban is what was called for
        target = first if first.dep_ == "dobj" else next((c for c in first.children if c.dep_ == "pobj"), None) \
            if first.dep_ == "prep" else None
        if target is not None:
            # "praised Ben Carson, a neurosurgeon who ...": the apposition only describes
            appos = next((c for c in target.rights if c.dep_ == "appos" and doc[c.left_edge.i - 1].text == ","), None)
            if appos is not None and appos.left_edge.i - 1 > lo:
                hi = min(hi, appos.left_edge.i - 1)
        if hi - lo < 1 or (word_count(doc[lo:hi].text) < 2 and not self._named_target(doc, verb, lo, hi)):
            return None
        s, e = self._trim(doc, lo, hi)
        if e <= s:
            return None
        return self._claim(doc, s, e, verb.lemma_.lower(), verb, self._mention(subj), self._kind(doc, s, e))

    @staticmethod
    def _named_target(doc: Doc, verb: Token, lo: int, hi: int) -> bool:
        """A one-word content that is still a stance: a person or party supported, endorsed or
        attacked by name ("who endorsed Clinton", "preferred Trump")."""
        if verb.lemma_.lower() not in TARGET_VERBS:
            return False
        words = [t for t in doc[lo:hi] if not t.is_punct and not t.is_space]
        return len(words) == 1 and words[0].pos_ == "PROPN" and words[0].ent_type_ in ("PERSON", "ORG", "NORP")

    def _nominal_claim(self, doc: Doc, noun: Token, bounds: tuple[int, int],
                       in_quote: list[int]) -> dict[str, Any] | None:
        """``Clinton's claim that ...``, ``his refusal to ...``, ``Kerry's announcement of ...``:
        a nominal cue with a possessor (the speaker) and a clause or object after it."""
        poss = next((c for c in noun.lefts if c.dep_ == "poss"), None)
        if poss is None or in_quote[poss.i] or poss.lower_ in self.lex["not_speakers"] \
                or poss.pos_ not in ("PROPN", "NOUN", "PRON"):
            return None
        lo = hi = None
        for right in noun.rights:
            if right.dep_ in ("acl", "ccomp"):
                mark = next((c for c in right.children if c.dep_ == "mark" and c.lower_ == "that"), None)
                to = next((c for c in right.children if c.dep_ == "aux" and c.lower_ == "to"
                           and c.i == right.left_edge.i), None)
                if mark is not None and mark.i == right.left_edge.i:
                    lo, hi = mark.i + 1, right.right_edge.i + 1
                elif to is not None:
                    lo, hi = to.i, right.right_edge.i + 1
            elif right.dep_ == "prep" and right.lower_ in NOMINAL_PREPS:
                obj = next((c for c in right.children if c.dep_ in ("pobj", "pcomp")), None)
                if obj is not None:
                    lo, hi = right.i + 1, right.right_edge.i + 1
            if lo is not None or right.dep_ in ("punct", "cc", "conj", "relcl"):
                break
        if lo is None:
            return None
        lo, hi = max(lo, bounds[0]), min(hi, bounds[1])
        if hi - lo < 2 or word_count(doc[lo:hi].text) < 2:
            return None
        s, e = self._trim(doc, lo, hi)
        if e <= s:
            return None
        # the mention keeps its "'s", as PolNeAR's sources do ("Cruz’s")
        return self._claim(doc, s, e, noun.lemma_.lower(), noun, self._mention(poss), self._kind(doc, s, e))

    def transcript_claims(self, doc: Doc, para_tok_bounds: list[tuple[int, int]],
                          used_cues: set[int]) -> list[dict[str, Any]]:
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
                       or t.text in (".", "'s") for t in name) or name.text.lower() in self.lex["not_speakers"]:
                continue
            s, e = self._trim(doc, colon + 1, hi)
            if e <= s:
                continue
            # a transcript turn is verbatim speech
            claim = self._claim(doc, s, e, ":", doc[colon], (start, colon), "direct")
            claims.append(claim)
        return claims

    def _phrase_claim(self, doc: Doc, tok: Token, words: tuple[str, ...], cue: str,
                      bounds: tuple[int, int]) -> dict[str, Any] | None:
        n = len(words)
        if tok.i + n > len(doc) or tuple(t.lower_ for t in doc[tok.i:tok.i + n]) != words:
            return None
        last = doc[tok.i + n - 1]
        obj = next((c for c in last.children if c.dep_ == "pobj"), None)
        if obj is None:
            return None
        phrase_lo, phrase_hi = tok.i, max(obj.right_edge.i, last.i) + 1
        sent = tok.sent
        before = (max(sent.start, bounds[0]), phrase_lo)
        after = (phrase_hi, min(sent.end, bounds[1]))
        lo, hi = before if before[1] - before[0] >= after[1] - after[0] else after
        if hi - lo < 3:
            return None
        s, e = self._trim(doc, lo, hi)
        if e <= s or word_count(self._text[s:e]) < 3:
            return None
        cue_span = doc[tok.i:tok.i + n]
        claim = self._claim(doc, s, e, cue, tok, self._mention(obj), self._kind(doc, s, e))
        claim["cue_end"] = cue_span.end_char
        return claim

    def _kind(self, doc: Doc, start: int, end: int) -> str:
        """"direct" when the content is a quotation from mark to mark (possibly split by its
        cue), else "indirect"."""
        text = self._text[start:end].strip()
        if len(text) > 2 and (text[0] in ALL_MARKS or text.startswith("''")) \
                and (text[-1] in ALL_MARKS or text.endswith("''")):
            return "direct"
        return "indirect"

    # ------------------------------------------------------------------ headlines
    def headline_claim(self, doc: Doc, para_tok_bounds: list[tuple[int, int]]) -> dict[str, Any] | None:
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
        if names(left) and len(right) >= 3 and left.text.lower() not in self.lex["not_speakers"]:
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

    # ------------------------------------------------------------------ entry point
    def __call__(self, doc: Doc) -> Doc:
        # Doc.text rebuilds the string on every access: read it once per document.
        self._text = text = doc.text
        quotes = find_quotes(text)
        # in_quote[i]: how many words the closed quotation holding token i has (0: none)
        in_quote: list[int] = [0] * len(doc)
        for q in quotes:
            span = doc.char_span(q.start, q.end, alignment_mode="expand") if q.closed else None
            if span is not None:
                n_words = max(1, word_count(q.inner(text)))
                for i in range(span.start, span.end):
                    in_quote[i] = max(in_quote[i], n_words)
        para_tok_bounds: list[tuple[int, int]] = []
        para_of_tok = [0] * len(doc)
        for p_start, p_end in paragraph_spans(text):
            span = doc.char_span(p_start, p_end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            para_tok_bounds.append((span.start, span.end))
        for n, (lo, hi) in enumerate(para_tok_bounds):
            for i in range(lo, hi):
                para_of_tok[i] = n
            # whitespace tokens between paragraphs belong to the paragraph before them
            nxt = para_tok_bounds[n + 1][0] if n + 1 < len(para_tok_bounds) else len(doc)
            for i in range(hi, nxt):
                para_of_tok[i] = n
        used_cues: set[int] = set()
        claims: list[dict[str, Any]] = []
        transcript = self.transcript_claims(doc, para_tok_bounds, used_cues)
        if para_tok_bounds:
            for claim in self.direct_claims(doc, quotes, in_quote, para_of_tok, para_tok_bounds, used_cues):
                # a block excerpt that holds an interview transcript gives way to its turns
                if not any(claim["start"] <= t["start"] < claim["end"] for t in transcript):
                    claims.append(claim)
        direct_spans = [(c["start"], c["end"]) for c in claims]
        for claim in self.reported_claims(doc, in_quote, used_cues, para_of_tok, para_tok_bounds):
            # A clause inside a quotation already extracted is part of that claim.
            if any(s <= claim["start"] and claim["end"] <= e for s, e in direct_spans) and not self.nested_in_quotes:
                continue
            claims.append(claim)
        taken = [(c["start"], c["end"]) for c in claims]
        for claim in transcript:
            if not any(s <= claim["start"] < e for s, e in taken):
                claims.append(claim)
        if self.headline_claims:
            head = self.headline_claim(doc, para_tok_bounds)
            if head is not None and not any(c["start"] < head["end"] and head["start"] < c["end"] for c in claims):
                claims.append(head)
        claims.sort(key=lambda c: (c["start"], c["claim_type"] != "direct"))
        doc._.claims = claims
        return doc


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


@Language.factory(
    "claims_attribution",
    default_config={"lexicon": "", "min_quote_words": 4, "merge_continuations": True,
                    "merge_paragraphs": False, "max_merge_gap": 25, "strict_merge": True,
                    "nested_in_quotes": False, "object_claims": True, "headline_claims": True,
                    "content_first_sentence": True, "trailing_clauses": True},
    requires=["doc.sents", "token.dep", "token.head", "token.lemma", "doc.ents"],
    assigns=["doc._.claims"],
)
def make_attribution(nlp: Language, name: str, lexicon: str, min_quote_words: int,
                     merge_continuations: bool, merge_paragraphs: bool, max_merge_gap: int,
                     strict_merge: bool, nested_in_quotes: bool,
                     object_claims: bool,
                     headline_claims: bool, content_first_sentence: bool,
                     trailing_clauses: bool) -> Attribution:
    """Build the rule-based attribution component (lexicon path "" = the shipped one).

    The rules read the parse; put ``claims_paragraphs`` before the parser (as
    ``models/pipeline.toml`` does) so the parser does not join a headline or a paragraph to the
    next one."""
    register_extensions()
    return Attribution(load_lexicon(lexicon or None), min_quote_words=min_quote_words,
                       merge_continuations=merge_continuations, merge_paragraphs=merge_paragraphs,
                       max_merge_gap=max_merge_gap, strict_merge=strict_merge,
                       nested_in_quotes=nested_in_quotes,
                       object_claims=object_claims, headline_claims=headline_claims,
                       content_first_sentence=content_first_sentence, trailing_clauses=trailing_clauses)
