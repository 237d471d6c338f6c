"""Claims of PolNeAR train by cross-validation: the error analysis at the level the scorer counts.

``crossval.py`` trains one tagger per fold of the train split (each on the other folds) and
analyses their spans. This runs the whole pipeline (``claims run``) on each fold's held-out
articles with that fold's tagger, so every train article gets claims from a tagger that never
saw it, and reports the scorer's figures and :func:`~pipeline.evaluate.attribution.error_classes`
over all folds. Error analysis is done here, on train; dev stays for measuring.

The fold taggers are read from the cross-validation's work directory (run
``python -m pipeline.nlp.attribution.crossval`` first). The learned boundary and joining steps
are the shipped ones: they were fitted on these same out-of-fold predictions, so their share of
the figures is slightly optimistic.

    python -m pipeline.evaluate.attribution_folds OUT_DIR [--json]
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

from pipeline.config import DEFAULT_CONFIG
from pipeline.evaluate.attribution import error_rows, format_error_rows, read_table
from pipeline.nlp.attribution.crossval import fold_of
from pipeline.nlp.attribution.component import DEFAULT_MODEL
from pipeline.nlp.attribution.train import BENCH_DIR, default_cache_dir, read_split
from pipeline.runtime import prefect_defaults

STEPS = ("boundary", "join")  # the shipped steps put beside each fold tagger


def write_folds(bench_dir: Path, folds: int, seed: int, out: Path) -> list[tuple[Path, Path]]:
    """The input and gold JSONL of each fold's held-out train articles, cut as ``crossval.py``
    cuts them (same order, same seeded deal)."""
    pairs = list(read_split(bench_dir, "train"))
    fold = fold_of(len(pairs), folds, seed)
    paths = []
    for k in range(folds):
        inp, gold = out / f"fold{k}.input.jsonl", out / f"fold{k}.gold.jsonl"
        with open(inp, "w", encoding="utf-8") as fi, open(gold, "w", encoding="utf-8") as fg:
            for (rec, g), f in zip(pairs, fold):
                if f == k:
                    fi.write(json.dumps(rec, ensure_ascii=False) + "\n")
                    fg.write(json.dumps(g, ensure_ascii=False) + "\n")
        paths.append((inp, gold))
    return paths


def fold_model(tagger_dir: Path, shipped: Path, target: Path) -> Path:
    """A model directory of the fold tagger at ``tagger_dir`` with the shipped learned steps."""
    if not (tagger_dir / "config.cfg").exists():
        raise FileNotFoundError(f"no fold tagger at {tagger_dir}: run `python -m pipeline.nlp.attribution.crossval` "
                                "first (it trains and keeps one tagger per fold)")
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(tagger_dir, target)
    for step in STEPS:
        if (shipped / step).exists():
            shutil.copytree(shipped / step, target / step)
    return target


def fold_config(model_dir: Path, base_config: Path, path: Path) -> Path:
    """A pipeline config that is ``base_config`` with the attribution model at ``model_dir``."""
    path.write_text(f"extends = {json.dumps(str(base_config.resolve()))}\n\n"
                    f"[components.claims_attribution]\nmodel = {json.dumps(str(model_dir.resolve()))}\n",
                    encoding="utf-8")
    return path


def run_folds(out: Path, bench_dir: Path = BENCH_DIR, folds: int = 2, seed: int = 0,
              models_dir: Path | None = None, base_config: Path = DEFAULT_CONFIG) -> list[tuple[Path, Path]]:
    """Run the pipeline on every fold's held-out articles with its fold tagger; the (dataset,
    gold) of each fold."""
    from pipeline.flows.extract import extract_corpus

    models_dir = models_dir or default_cache_dir() / "crossval-models"
    out.mkdir(parents=True, exist_ok=True)
    done = []
    for k, (inp, gold) in enumerate(write_folds(bench_dir, folds, seed, out)):
        model = fold_model(models_dir / f"fold{k}", DEFAULT_MODEL, out / f"model{k}")
        config = fold_config(model, base_config, out / f"fold{k}.toml")
        dataset = out / f"dataset{k}"
        extract_corpus(str(inp), str(dataset), config_path=str(config))
        done.append((dataset, gold))
    return done


def scores(datasets: list[tuple[Path, Path]]) -> dict[str, Any]:
    """The scorer's attribution figures over all folds together: recall and precision of claims
    with the right content and speaker."""
    rows = error_rows([d for d, _ in datasets], [g for _, g in datasets])
    gold = next(r for r in rows if r["group"] == "gold:all")
    claims = next(r for r in rows if r["group"] == "claims:all")
    recall = gold["found"] / gold["total"] if gold["total"] else 0.0
    precision = claims["right"] / claims["total"] if claims["total"] else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    n_articles = sum(len(read_table(d, "articles")) for d, _ in datasets)
    return {"articles": n_articles, "gold": gold["total"], "predicted": claims["total"],
            "attribution_p": round(precision, 3), "attribution_r": round(recall, 3), "attribution_f1": round(f1, 3),
            "classes": rows}


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: run the folds into OUT_DIR and print the error classes."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path, help="working directory (fold inputs, models, datasets)")
    ap.add_argument("--bench", type=Path, default=BENCH_DIR)
    ap.add_argument("--folds", type=int, default=2)
    ap.add_argument("--models", type=Path, default=None, help="the fold taggers (default: the crossval cache)")
    ap.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="pipeline config the folds extend")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    prefect_defaults("WARNING")
    result = scores(run_folds(args.out, args.bench, args.folds, models_dir=args.models, base_config=args.config))
    if args.json:
        print(json.dumps(result))
    else:
        print({k: v for k, v in result.items() if k != "classes"})
        print(format_error_rows(result["classes"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
