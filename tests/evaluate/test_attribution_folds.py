"""Tests of the cross-validated claims run's pieces: the fold files, configs and models."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.config import DEFAULT_CONFIG, load_config
from pipeline.evaluate import attribution_folds as folds
from pipeline.nlp.attribution.crossval import fold_of

TEXTS = ["Kirsten Hillman said the deal closes a loophole.", "Officials expect talks to resume next week.",
         "The mayor said the bridge will open in May.", "Analysts warned that prices could rise.",
         "She told reporters the vote was close."]


def bench(tmp_path: Path) -> Path:
    d = tmp_path / "polnear"
    d.mkdir()
    ids = [f"cp_2023-03-2{i}_story" for i in range(len(TEXTS))]
    (d / "train.input.jsonl").write_text(
        "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in zip(ids, TEXTS)), encoding="utf-8")
    # the last article has no gold record: it is not part of the split
    (d / "train.gold.jsonl").write_text(
        "".join(json.dumps({"id": i, "attributions": []}) + "\n" for i in ids[:-1]), encoding="utf-8")
    return d


def test_folds_hold_every_gold_article_once_in_the_crossval_deal(tmp_path: Path) -> None:
    paths = folds.write_folds(bench(tmp_path), 2, 0, tmp_path)
    deal = fold_of(4, 2, 0)
    seen = []
    for k, (inp, gold) in enumerate(paths):
        ids = [json.loads(line)["id"] for line in inp.read_text(encoding="utf-8").splitlines()]
        assert ids == [json.loads(line)["id"] for line in gold.read_text(encoding="utf-8").splitlines()]
        assert ids == [f"cp_2023-03-2{i}_story" for i in range(4) if deal[i] == k]
        seen += ids
    assert sorted(seen) == [f"cp_2023-03-2{i}_story" for i in range(4)]


def test_fold_config_changes_only_the_attribution_model(tmp_path: Path) -> None:
    model = tmp_path / "model0"
    model.mkdir()
    config = load_config(folds.fold_config(model, DEFAULT_CONFIG, tmp_path / "fold0.toml"))
    shipped = load_config(DEFAULT_CONFIG)
    assert config["components"]["claims_attribution"]["model"] == str(model.resolve())
    assert config["components"]["claims_attribution"]["order"] == shipped["components"]["claims_attribution"]["order"]
    assert config["pipeline"] == shipped["pipeline"]


def test_fold_model_adds_the_shipped_steps(tmp_path: Path) -> None:
    tagger, shipped = tmp_path / "fold0", tmp_path / "shipped"
    (tagger / "tagger").mkdir(parents=True)
    (tagger / "config.cfg").write_text("[nlp]\n", encoding="utf-8")
    for step in folds.STEPS:
        (shipped / step).mkdir(parents=True)
        (shipped / step / "weights.npy").write_bytes(b"w")
    target = folds.fold_model(tagger, shipped, tmp_path / "model0")
    assert (target / "config.cfg").exists() and (target / "tagger").is_dir()
    assert all((target / step / "weights.npy").exists() for step in folds.STEPS)


def test_fold_model_without_a_fold_tagger_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="pipeline.nlp.attribution.crossval"):
        folds.fold_model(tmp_path / "nothing", tmp_path, tmp_path / "model0")
