"""Direct quotations: pair each quotation with the cue just after or just before it.

``"...," Hillman said`` / ``"..." ― Sonya Herridge`` (cue after), ``Hillman said: "..."`` / a
paragraph ending in ``Cruz continued:`` (cue before). A quotation split by its cue is one claim
whose content is the quoted pieces only (``content_spans``); a quotation opening a paragraph
with no cue of its own is a claim of the previous quotation's speaker. When the parse of the
words after a quotation is unusable, a surface pattern (quotation, name, verb) finds the cue.
"""
from __future__ import annotations

from spacy.tokens import Doc, Token

from pipeline.nlp.attribution.base import RuleSet
from pipeline.nlp.attribution.records import Claim
from pipeline.nlp.attribution.syntax import (DASH_CHARS, DASHES, SENTENCE_END, mention_bounds, np_head,
                                             subject_of)
from pipeline.nlp.quotes import ALL_MARKS, Quote, word_count


class DirectQuotes(RuleSet):
    """The direct-quotation rules for one document."""

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
        if first.tag_.startswith("VB") and first.tag_ != "VBG" and first.lemma_.lower() in self.lex.speech_verbs:
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
        while window_end < limit and window_end - i < 30 and not in_quote[window_end] >= self.opts.min_quote_words:
            if doc[window_end].text in SENTENCE_END:
                break
            window_end += 1
        for j in range(i, window_end):
            tok = doc[j]
            if self.is_cue(tok, self.lex.speech_verbs) or self.is_cue(tok, self.lex.colon_verbs) \
                    or self._manner_cue(doc, tok, i, last_inner):
                if any(c.dep_ == "ccomp" and c.i > tok.i and not in_quote[c.i] for c in tok.children):
                    # "…," Ryan said the shootings demand ...: the verb reports its own clause
                    # (a quoted one after it is the rest of the interrupted quotation)
                    return None
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
        verbs = []
        for j in range(last - 1, max(lo, last - 30) - 1, -1):
            tok = doc[j]
            if in_quote[j] or tok.text in SENTENCE_END:
                break
            if tok.pos_ == "VERB" and tok.dep_ not in ("amod", "compound", "aux"):
                verbs.append(tok)
        # the verb of saying nearest the colon introduces the quotation ("X reported after the
        # FBI abandoned the scene:"); without one, the verb nearest the colon does
        speech = [t for t in verbs if t.lemma_.lower() in self.lex.speech_verbs]
        if verbs:
            tok = speech[0] if speech else verbs[0]
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
        if name.text.lower() in self.lex.not_speakers:
            return None
        for prefix in self.lex.source_prefixes:
            if name.text.lower().startswith(prefix + " "):
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
            if not (self.is_cue(tok, self.lex.speech_verbs) or self.is_cue(tok, self.lex.colon_verbs)
                    or (colon and tok.pos_ == "VERB" and tok.dep_ not in ("amod", "compound", "aux")) or manner):
                continue
            if not self._only_cue_material(doc, tok, j + 1, q_start_tok) and not colon:
                return None
            if tok.lemma_.lower() in self.lex.colon_verbs and tok.lemma_.lower() not in self.lex.speech_verbs:
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
                      used_cues: set[int]) -> list[Claim]:
        """Claims for every quotation that has a cue or continues the previous speaker. A
        quotation interrupted by its cue is one claim whose pieces are the quoted parts."""
        claims: list[Claim] = []
        text = self.text
        spans = []
        for q in quotes:
            span = doc.char_span(q.start, q.end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            spans.append((q, span))
        consumed: set[int] = set()
        prev: Claim | None = None
        prev_para = -10
        for n, (q, span) in enumerate(spans):
            if n in consumed:
                continue
            inner = q.inner(text)
            long_enough = word_count(inner) >= self.opts.min_quote_words
            para = para_of_tok[span.start]
            p_lo, p_hi = para_tok_bounds[para]
            last_para = para_of_tok[span.end - 1]
            l_lo, l_hi = para_tok_bounds[last_para]
            found = self._trailing_cue(doc, span.end, l_hi, in_quote, text[q.start:q.end])
            end_char = q.end
            joined: tuple[int, int] | None = None  # the second piece of a quotation split by its cue
            cue_tok = speaker = None
            second: tuple[int, int] | None = None
            if found is not None:
                cue_tok, speaker, window_end = found
                # "…," Hillman said. "…": the second part joins the first when it has no cue.
                nxt = n + 1
                # a short title in the cue clause ("told NBC's “Today” on Monday") is no continuation
                while nxt < len(spans) and spans[nxt][1].start < window_end \
                        and word_count(spans[nxt][0].inner(text)) < self.opts.min_quote_words:
                    nxt += 1
                if nxt < len(spans):
                    q2, span2 = spans[nxt]
                    after_cue = doc[cue_tok.i + 1:span2.start]
                    q2_end_para = para_tok_bounds[para_of_tok[span2.end - 1]][1]
                    stands_alone = span2.end >= q2_end_para or q2.inner(text)[-1:] in (".", "?", "!") \
                        or doc[span2.end].text in SENTENCE_END or not self.opts.strict_merge
                    if (para_of_tok[span2.start] == last_para and stands_alone
                            and span2.start - cue_tok.i <= 40
                            and not any(in_quote[k] >= self.opts.min_quote_words for k in range(cue_tok.i + 1, span2.start))
                            and not any(t.pos_ == "VERB" and t.lemma_.lower() in self.lex.speech_verbs
                                        for t in after_cue)
                            and self._trailing_cue(doc, span2.end, para_tok_bounds[para_of_tok[span2.end - 1]][1],
                                                   in_quote, text[q2.start:q2.end]) is None):
                        consumed.add(nxt)
                        long_enough = word_count(inner + " " + q2.inner(text)) >= self.opts.min_quote_words
                        # A long cue clause in between would swamp the content: keep two claims.
                        if self.opts.merge_continuations and word_count(text[q.end:q2.start]) <= self.opts.max_merge_gap:
                            end_char = q2.end
                            joined = (q2.start, q2.end)
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
                if (starts_para and long_enough and prev is not None and prev.claim_type == "direct"
                        and para - prev_para <= 1):
                    if self.opts.merge_paragraphs:
                        claims[-1] = prev = prev.with_pieces(text, prev.content_spans + [(q.start, q.end)])
                    else:
                        prev = prev.with_pieces(text, [(q.start, q.end)])
                        claims.append(prev)
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
            if not long_enough and cue_tok.lemma_.lower() not in self.lex.short_quote_cues:
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
            pieces = [(s_trim, q.end)] + ([joined] if joined is not None else [])
            claim = self._claim(doc, s_trim, q.end, cue_lemma, cue_tok, speaker,
                                self._kind_of(doc, pieces)).with_pieces(text, pieces)
            claims.append(claim)
            if second is not None:
                claim = claim.with_pieces(text, [second])
                claims.append(claim)
            prev, prev_para = claim, para_of_tok[doc.char_span(q.start, end_char, alignment_mode="expand").end - 1]
        return claims
