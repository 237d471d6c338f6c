"""Reported speech, read from the dependency parse.

A reporting verb with a clausal complement (``X said (that) ...``, ``..., says X``), a
record/report verb with its object (``CBP recorded 68,784 encounters``), verbs whose
complements carry the content (``vowed to ...``, ``called it "a disaster"``, ``endorsed
Clinton``), passives with an agent (``was attacked by Sanders``), nouns of saying with a
possessor (``Clinton's claim that ...``, ``his refusal to ...``) and prepositional cues
(``according to X``).
"""
from __future__ import annotations

from spacy.tokens import Doc, Token

from pipeline.nlp.attribution.base import RuleSet
from pipeline.nlp.attribution.records import Claim
from pipeline.nlp.attribution.syntax import SENTENCE_END, left_chunk, subject_of
from pipeline.nlp.quotes import word_count


class ReportedSpeech(RuleSet):
    """The reported-speech rules for one document."""

    def reported_claims(self, doc: Doc, in_quote: list[int], used_cues: set[int],
                        para_of_tok: list[int], para_tok_bounds: list[tuple[int, int]]) -> list[Claim]:
        """Claims from the parse: clausal complements, objects of record verbs, nominal cues,
        phrase cues."""
        claims: list[Claim] = []
        lex = self.lex
        for tok in doc:
            if tok.i in used_cues or (in_quote[tok.i] and not self.opts.nested_in_quotes):
                continue
            lemma = tok.lemma_.lower()
            bounds = para_tok_bounds[para_of_tok[tok.i]] if para_tok_bounds else (0, len(doc))
            if tok.pos_ in ("VERB", "AUX") and tok.dep_ != "aux":
                claim = None
                if lemma in lex.clause_verbs:
                    claim = self._clause_claim(doc, tok, bounds)
                if claim is None and self.opts.object_claims and lemma in lex.object_verbs:
                    claim = self._object_claim(doc, tok, bounds)
                if claim is None and lemma in lex.complement_verbs:
                    claim = self._complement_claim(doc, tok, bounds)
                if claim is None and tok.tag_ == "VBN" and (lemma in lex.complement_verbs or lemma in lex.clause_verbs
                                                            or lemma in lex.object_verbs):
                    claim = self._passive_claim(doc, tok, bounds, in_quote)
                if claim is not None:
                    used_cues.add(tok.i)
                    claims.append(claim)
                    continue
            if tok.pos_ == "NOUN" and tok.lemma_.lower() in self.lex.nominal_cues and not in_quote[tok.i]:
                claim = self._nominal_claim(doc, tok, bounds, in_quote)
                if claim is not None:
                    used_cues.add(tok.i)
                    claims.append(claim)
                    continue
            if tok.lower_ in lex.phrase_starts:
                for words, cue in lex.phrase_cues:
                    if tok.lower_ == words[0]:
                        claim = self._phrase_claim(doc, tok, words, cue, bounds)
                        if claim is not None:
                            claims.append(claim)
                            break
        return claims

    def _clause_claim(self, doc: Doc, verb: Token, bounds: tuple[int, int]) -> Claim | None:
        comp = next((c for c in verb.children if c.dep_ == "ccomp"), None)
        subj = subject_of(verb)
        lemma = verb.lemma_.lower()
        if subj is None and lemma not in self.lex.speech_verbs:
            return None  # "Don't assume ...": thoughts need a thinker
        if comp is None and lemma in self.lex.speech_verbs:
            # "He said legalizing it could put ...": a gerund subject misread as the complement
            comp = next((c for c in verb.rights if c.dep_ == "xcomp" and c.tag_ == "VBG" and c.i == verb.i + 1
                         and any(g.dep_ == "ccomp" and g.i > c.i for g in c.children)), None)
        if comp is None and verb.dep_ == "advcl" and subj is not None and lemma in self.lex.speech_verbs \
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
                    and lemma in self.lex.speech_verbs:
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
            if self.opts.content_first_sentence and verb.dep_ == "ROOT":
                # "CONTENT, the source added.": everything before the cue clause, even parts the
                # parser hung elsewhere ("Clinton had told ..., but the NYPD overruled ...")
                lo = min(lo, max(verb.sent.start, bounds[0]))
        else:
            lo = max(lo, verb.i + 1)
            if self.opts.trailing_clauses:
                # "X said that claim smacked of hypocrisy, because ...": a reason or contrast
                # clause the parser attached to the cue still belongs to what was said
                for right in verb.rights:
                    if right.i > hi and right.dep_ == "advcl" and right.right_edge.i < bounds[1] \
                            and any(c.dep_ == "mark" and c.lower_ in self.lex.trailing_marks
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

    def _object_claim(self, doc: Doc, verb: Token, bounds: tuple[int, int]) -> Claim | None:
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

    def _as_claim(self, doc: Doc, verb: Token, subj: Token, bounds: tuple[int, int]) -> Claim | None:
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
        if e <= s or word_count(self.text[s:e]) < 3:
            return None
        return self._claim(doc, s, e, verb.lemma_.lower(), verb, self._mention(subj), self._kind(doc, s, e))

    def _passive_claim(self, doc: Doc, verb: Token, bounds: tuple[int, int],
                       in_quote: list[int]) -> Claim | None:
        """``Clinton has been attacked by Sanders``, ``the meeting was first reported by
        Politico``: the passive subject is the content, the agent the speaker."""
        subj = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        if subj is None or agent is None or subj.i > verb.i or subj.lower_ in self.lex.not_speakers:
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

    def _complement_claim(self, doc: Doc, verb: Token, bounds: tuple[int, int]) -> Claim | None:
        """``Trump vowed to punish ...``, ``she called the plan "a disaster"``, ``X called for
        Y``: the verb's complements after it are the content."""
        subj = subject_of(verb)
        if subj is None or subj.lower_ in self.lex.not_speakers:
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
        if first.dep_ == "prep" and (verb.lemma_.lower(), first.lower_) not in self.lex.prep_cues:
            return None
        # "calling for the United States to take ...": the parser reads "for" as a clause mark
        for_clause = first.dep_ == "advcl" and doc[first.left_edge.i].lower_ == "for" \
            and (verb.lemma_.lower(), "for") in self.lex.prep_cues
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

    def _named_target(self, doc: Doc, verb: Token, lo: int, hi: int) -> bool:
        """A one-word content that is still a stance: a person or party supported, endorsed or
        attacked by name ("who endorsed Clinton", "preferred Trump")."""
        if verb.lemma_.lower() not in self.lex.target_verbs:
            return False
        words = [t for t in doc[lo:hi] if not t.is_punct and not t.is_space]
        return len(words) == 1 and words[0].pos_ == "PROPN" and words[0].ent_type_ in ("PERSON", "ORG", "NORP")

    def _nominal_claim(self, doc: Doc, noun: Token, bounds: tuple[int, int],
                       in_quote: list[int]) -> Claim | None:
        """``Clinton's claim that ...``, ``his refusal to ...``, ``Kerry's announcement of ...``:
        a nominal cue with a possessor (the speaker) and a clause or object after it."""
        poss = next((c for c in noun.lefts if c.dep_ == "poss"), None)
        if poss is None or in_quote[poss.i] or poss.lower_ in self.lex.not_speakers \
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
            elif right.dep_ == "prep" and right.lower_ in self.lex.nominal_preps:
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

    def _phrase_claim(self, doc: Doc, tok: Token, words: tuple[str, ...], cue: str,
                      bounds: tuple[int, int]) -> Claim | None:
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
        if e <= s or word_count(self.text[s:e]) < 3:
            return None
        cue_span = doc[tok.i:tok.i + n]
        claim = self._claim(doc, s, e, cue, tok, self._mention(obj), self._kind(doc, s, e))
        claim.cue_end = cue_span.end_char
        return claim
