"""The place-weight fitting tool: halves, replayed resolution, coordinate ascent, weights file."""
import json
from pathlib import Path

from pipeline.evaluate.places_fit import accuracy, fit, half, prepare, write_weights
from pipeline.normalize.places import DEFAULT_WEIGHTS, WEIGHTS_FILE, load_weights

TEXTS = {
    "a1": ("Police in Paris, Texas, said the driver came from Lamar County.",
           [{"span": [10, 15], "surface": "Paris", "geonameid": 4717560, "lat": 33.66, "lon": -95.56}]),
    "a2": ("The Eurostar train from London reached Paris on time.",
           [{"span": [24, 30], "surface": "London", "geonameid": 2643743, "lat": 51.51, "lon": -0.13},
            {"span": [39, 44], "surface": "Paris", "geonameid": 2988507, "lat": 48.85, "lon": 2.35}]),
}


def test_halves_are_stable_and_both_used() -> None:
    ids = [f"doc-{i}" for i in range(200)]
    halves = [half(i) for i in ids]
    assert halves == [half(i) for i in ids]
    assert 60 < halves.count("fit") < 140


def test_replayed_resolution_is_scored_like_the_benchmark(tmp_path: Path) -> None:
    with open(tmp_path / "lgl.input.jsonl", "w", encoding="utf-8") as fh, \
            open(tmp_path / "lgl.gold.jsonl", "w", encoding="utf-8") as gh:
        for doc_id, (text, toponyms) in TEXTS.items():
            fh.write(json.dumps({"id": doc_id, "text": text, "title": "", "published": "2024-06-03"}) + "\n")
            gh.write(json.dumps({"id": doc_id, "toponyms": toponyms}) + "\n")
    items = prepare("lgl", directory=tmp_path)
    assert [it["id"] for it in items] == ["a1", "a2"]
    assert accuracy(items, DEFAULT_WEIGHTS) == (3, 3)
    # a model that rewards the article's country heavily and no priors still runs
    worse = DEFAULT_WEIGHTS.replace(prior_capital=-20.0)
    right, total = accuracy(items, worse)
    assert total == 3 and right < 3
    # ascent from the worse weights does not accept a step that lowers accuracy
    for it in items:
        it["half"] = "fit"
    best = fit({"lgl": items}, worse, rounds=1)
    assert accuracy(items, best)[0] >= right


def test_weights_file_round_trip(tmp_path: Path) -> None:
    copy = tmp_path / "resolution.toml"
    copy.write_text(WEIGHTS_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    changed = DEFAULT_WEIGHTS.replace(coherence_bonus=7.5, prior_subdivision=3.0)
    write_weights(changed, copy)
    back = load_weights(copy)
    assert back == changed
    assert "# per unit of support" in copy.read_text(encoding="utf-8")  # comments kept
