"""Fit the place-resolution weights on LGL and TR-News together, and check them across the two.

    python -m pipeline.evaluate.places_fit                  # fit on both fit halves, report all
    python -m pipeline.evaluate.places_fit --report-only    # the shipped weights, no fitting
    python -m pipeline.evaluate.places_fit --write          # also write the fitted weights

Each corpus is split in two halves by a hash of the document id (``half``): ``fit`` for error
analysis and fitting, ``check`` for measuring, never looked at while fitting. Recognition runs
once (the configured pipeline up to ``claims_places``); the resolution, a pure function of the
mentions and the weights, is then replayed for every weight setting. Fitting is coordinate
ascent over the weights in ``models/gazetteer/resolution.toml``: a step is kept only when it
raises the mean accuracy within 161 km of the two corpora's fit halves and lowers neither.
The report gives accuracy per corpus and half for the shipped and the fitted weights, and the
leave-one-corpus-out figures: weights fitted on one corpus's fit half alone, measured on the
other corpus's check half.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any, Iterable

from pipeline.normalize.places import DEFAULT_WEIGHTS, WEIGHTS_FILE, Weights, resolve_all

BENCHMARKS = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks" / "geo"
CORPORA = {"lgl": "lgl", "tr-news": "tr-news"}
RADIUS_KM = 161.0
# Coordinate ascent: each weight is tried at these multiples of its current value (and the
# boolean-like shares at these values).
STEPS = (0.5, 0.75, 1.5, 2.0)
SHARES = (0.0, 0.25, 0.5, 1.0)
TUNED = ("same_country_bonus", "mentioned_country_bonus", "mentioned_subdivision_bonus", "foreign_penalty",
         "alias_penalty", "coherence_bonus", "coherence_cap", "coherence_spread", "prior_country",
         "prior_subdivision", "prior_capital", "prior_region", "prior_county")


def half(doc_id: str) -> str:
    """``"fit"`` or ``"check"``: the half of its corpus a document belongs to (stable, by hash)."""
    return "fit" if hashlib.sha1(doc_id.encode("utf-8")).digest()[0] % 2 == 0 else "check"


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def _read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def prepare(corpus: str, directory: Path = BENCHMARKS, config_path: str | None = None,
            limit: int | None = None) -> list[dict[str, Any]]:
    """Recognize the places of every document of ``corpus`` once: per document its id, half,
    doc, mentions, source and gold toponyms."""
    from pipeline.nlp import load_pipeline
    from pipeline.nlp.extensions import make_doc
    from pipeline.normalize.gazetteer import load_gazetteer

    nlp = load_pipeline(config_path)
    after = nlp.pipe_names[nlp.pipe_names.index("claims_places") + 1:]
    component = nlp.get_pipe("claims_places")
    gaz = load_gazetteer()
    gold = {g["id"]: g["toponyms"] for g in _read_jsonl(directory / f"{CORPORA[corpus]}.gold.jsonl")}
    docs = _read_jsonl(directory / f"{CORPORA[corpus]}.input.jsonl")[:limit]
    out = []
    with nlp.select_pipes(disable=after):
        for rec in docs:
            doc = nlp(make_doc(nlp, rec["text"], article_id=rec["id"], published=rec.get("published"),
                               source=rec.get("source")))
            out.append({"id": rec["id"], "half": half(rec["id"]), "doc": doc, "source": rec.get("source"),
                        "mentions": component.mentions(doc, gaz), "gold": gold.get(rec["id"], []),
                        "component": component})
    return out


def accuracy(items: Iterable[dict[str, Any]], weights: Weights) -> tuple[int, int]:
    """(resolved right, gold toponyms recognized) over ``items`` with ``weights``, as the
    benchmark scorer counts them (span overlap; same GeoNames id or within 161 km)."""
    from pipeline.normalize.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    right = total = 0
    for it in items:
        resolved = resolve_all(gaz, it["mentions"], None, it["source"], weights)
        places = it["component"].finish(it["doc"], it["mentions"], resolved)
        for t in it["gold"]:
            if t.get("lat") is None:
                continue
            hit = next((p for p in places if p["start"] < t["span"][1] and t["span"][0] < p["end"]), None)
            if hit is None:
                continue
            total += 1
            if (t.get("geonameid") and hit.get("geonameid") == t["geonameid"]) or (
                    hit.get("lat") is not None and _km((t["lat"], t["lon"]), (hit["lat"], hit["lon"])) <= RADIUS_KM):
                right += 1
    return right, total


def _rate(counts: tuple[int, int]) -> float:
    return counts[0] / counts[1] if counts[1] else 0.0


def _get(weights: Weights, name: str) -> float:
    return weights.feature_prior.get(name[len("prior_"):], 0.0) if name.startswith("prior_") else getattr(weights, name)


def fit(corpora: dict[str, list[dict[str, Any]]], start: Weights, rounds: int = 2,
        log: Any = None, steps: tuple[float, ...] = STEPS) -> Weights:
    """Coordinate ascent on the fit halves of ``corpora``: keep a step only when the mean
    accuracy rises and no corpus's accuracy falls."""
    fit_items = {name: [it for it in items if it["half"] == "fit"] for name, items in corpora.items()}

    def scores(w: Weights) -> dict[str, float]:
        return {name: _rate(accuracy(items, w)) for name, items in fit_items.items()}

    best, best_scores = start, scores(start)
    for _ in range(rounds):
        improved = False
        for name in ("unevidenced_coherence", *TUNED):
            current = _get(best, name)
            trials = SHARES if name == "unevidenced_coherence" else [round(current * f, 4) for f in steps]
            for value in trials:
                if value == current:
                    continue
                cand = best.replace(**{name: value})
                got = scores(cand)
                mean_gain = sum(got.values()) - sum(best_scores.values())
                if mean_gain > 1e-9 and all(got[k] >= best_scores[k] - 1e-9 for k in got):
                    best, best_scores, improved = cand, got, True
                    if log:
                        print(f"  {name} = {value}: " + ", ".join(f"{k} {v:.4f}" for k, v in got.items()),
                              file=log, flush=True)
        if not improved:
            break
    return best


def report(corpora: dict[str, list[dict[str, Any]]], weights: Weights) -> dict[str, dict[str, float]]:
    """Accuracy per corpus on its fit half, its check half and all of it."""
    out = {}
    for name, items in corpora.items():
        row = {}
        for part in ("fit", "check"):
            row[part] = round(_rate(accuracy([it for it in items if it["half"] == part], weights)), 4)
        row["all"] = round(_rate(accuracy(items, weights)), 4)
        out[name] = row
    return out


def write_weights(weights: Weights, path: Path = WEIGHTS_FILE) -> None:
    """Write fitted weights into ``path``, keeping its comments (each ``key = value`` line)."""
    values = {**{k: v for k, v in asdict(weights).items() if k != "feature_prior"},
              **weights.feature_prior}
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        key = line.split("=", 1)[0].strip()
        if "=" in line and not line.lstrip().startswith("#") and key in values:
            value, comment = values[key], line.split("#", 1)[1] if "#" in line else None
            text = f"{key} = {value!r}" if not isinstance(value, int) else f"{key} = {value}"
            line = f"{text:<34} # {comment.strip()}" if comment else text
        lines.append(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m pipeline.evaluate.places_fit")
    parser.add_argument("--config", default=None)
    parser.add_argument("--limit", type=int, default=None, help="first N documents of each corpus")
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument("--write", action="store_true", help="write the fitted weights to the shipped file")
    parser.add_argument("--steps", default=",".join(map(str, STEPS)),
                        help="multiples of each weight to try (default %(default)s); finer ones refine a fit")
    parser.add_argument("--no-loco", action="store_true", help="skip the leave-one-corpus-out fits")
    args = parser.parse_args(argv)
    corpora = {name: prepare(name, config_path=args.config, limit=args.limit) for name in CORPORA}
    result: dict[str, Any] = {"shipped": report(corpora, DEFAULT_WEIGHTS)}
    print(json.dumps(result), flush=True)
    if not args.report_only:
        steps = tuple(float(x) for x in args.steps.split(","))
        both = fit(corpora, DEFAULT_WEIGHTS, log=sys.stderr, steps=steps)
        result["fitted_on_both"] = report(corpora, both)
        # leave one corpus out: fit on one corpus's fit half, measure on the other's check half
        loco = {}
        for held, other in () if args.no_loco else (("lgl", "tr-news"), ("tr-news", "lgl")):
            alone = fit({other: corpora[other]}, DEFAULT_WEIGHTS, rounds=1, steps=steps)
            loco[f"fit_{other}_check_{held}"] = report({held: corpora[held]}, alone)[held]["check"]
        result["leave_one_corpus_out"] = loco
        result["weights"] = {k: v for k, v in asdict(both).items()}
        if args.write:
            write_weights(both)
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
