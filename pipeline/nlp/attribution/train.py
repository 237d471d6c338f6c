"""Train the attribution tagger on PolNeAR train (dev only picks the best epoch).

PolNeAR is univocal: every token is part of a source, a cue, a content or nothing, so the
three roles become the entity labels SOURCE, CUE and CONTENT of a spaCy ``ner`` whose
network reads the base model's token vectors, tags and parse (``features.py``). Each text is
parsed once with the base pipeline (the same one ``claims run`` uses), then the tagger is
trained for up to ``--epochs`` epochs or ``--max-minutes`` minutes; after every epoch it is
scored on dev and the best epoch is kept in ``models/attribution/model`` with a training
report (``models/attribution/training.json``).

    OMP_NUM_THREADS=1 nice -n 10 python -m pipeline.nlp.attribution.train     # from scratch
    python -m pipeline.nlp.attribution.train --max-minutes 2 --out /tmp/attr     # a quick try
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import time
from pathlib import Path
from typing import Any, Iterable, Iterator

import spacy
import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.training.batchers import minibatch_by_words
from spacy.util import load_config, load_model_from_config

from pipeline.nlp import MODELS_DIR, load_config as load_pipeline_config
from pipeline.nlp.attribution.tagger import CUE_LEMMAS_META, lexicon_cue_lemmas, tagger_cue_lemmas, tagger_doc

LABELS: tuple[str, ...] = ("SOURCE", "CUE", "CONTENT")
ROLE_LABEL: dict[str, str] = {"source": "SOURCE", "cue": "CUE", "content": "CONTENT"}
BENCH_DIR = Path(__file__).resolve().parents[4] / "shared" / "benchmarks" / "polnear"
MODEL_DIR = MODELS_DIR / "attribution"
CONFIG_PATH = MODEL_DIR / "config.cfg"


def read_split(bench_dir: Path, split: str) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Yield (input record, gold record) pairs of one PolNeAR split, joined on ``id``."""
    with open(bench_dir / f"{split}.gold.jsonl", encoding="utf-8") as fh:
        gold = {g["id"]: g for g in map(json.loads, filter(str.strip, fh))}
    with open(bench_dir / f"{split}.input.jsonl", encoding="utf-8") as fh:
        for line in filter(str.strip, fh):
            rec = json.loads(line)
            if rec["id"] in gold:
                yield rec, gold[rec["id"]]


def role_spans(gold: dict[str, Any]) -> list[tuple[int, int, str]]:
    """All (start, end, label) char spans of the gold attributions, in text order."""
    out = []
    for attr in gold["attributions"]:
        for role, label in ROLE_LABEL.items():
            for start, end in attr.get(role, {}).get("spans", []):
                out.append((start, end, label))
    return sorted(out)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def annotate(doc: Doc, spans: Iterable[tuple[int, int, str]]) -> Doc:
    """Set ``doc.ents`` from char spans, snapping to tokens and skipping overlaps."""
    ents: list[Span] = []
    taken: set[int] = set()
    for start, end, label in spans:
        start, end = _strip(doc.text, start, end)
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is None or not len(span) or taken.intersection(range(span.start, span.end)):
            continue
        taken.update(range(span.start, span.end))
        ents.append(span)
    doc.ents = sorted(ents, key=lambda s: s.start)
    return doc


def base_pipeline() -> Language:
    """The base model exactly as ``claims run`` builds it before our components."""
    from pipeline.nlp import _load_base_model
    import pipeline.nlp.attribution  # noqa: F401  (registers claims_paragraphs)

    config = load_pipeline_config()
    nlp = _load_base_model(config["model"]["name"], config["model"].get("exclude"))
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("claims_paragraphs", before="parser")
    return nlp


def parsed_split(base: Language, vocab, bench_dir: Path, split: str,  # noqa: ANN001
                 cache: Path | None, cue_lemmas: frozenset[str] | None = None) -> list[Example]:
    """Examples of one split: the base model's parse (as the tagger sees it, with ``cue_lemmas``
    as its cue words) and the gold roles. A cache holds the features of the cue words it was
    made with."""
    path = cache / f"{split}.msgpack" if cache else None
    if path is not None and path.exists():
        blobs = srsly.read_msgpack(path)
        preds = [Doc(vocab).from_bytes(b) for b in blobs["pred"]]
        golds = blobs["gold"]
    else:
        pairs = list(read_split(bench_dir, split))
        preds = [tagger_doc(vocab, d, cue_lemmas=cue_lemmas)
                 for d in base.pipe((r["text"] for r, _ in pairs), batch_size=16)]
        golds = [role_spans(g) for _, g in pairs]
        if path is not None:
            srsly.write_msgpack(path, {"pred": [d.to_bytes() for d in preds], "gold": golds})
    examples = []
    for pred, spans in zip(preds, golds):
        ref = annotate(Doc(vocab, words=[t.text for t in pred], spaces=[bool(t.whitespace_) for t in pred]),
                       [tuple(s) for s in spans])
        examples.append(Example(pred, ref))
    return examples


def _scores(nlp: Language, examples: list[Example]) -> dict[str, Any]:
    scores = nlp.evaluate(examples)
    return {"ents_f": scores["ents_f"], "ents_p": scores["ents_p"], "ents_r": scores["ents_r"],
            "per_type": scores["ents_per_type"]}


def train(bench_dir: Path = BENCH_DIR, out_dir: Path = MODEL_DIR, config_path: Path = CONFIG_PATH,
          epochs: int = 30, max_minutes: float = 33.0, patience: int = 4, seed: int = 0,
          batch_words: int = 2000, cache: Path | None = None, init_model: Path | None = None) -> dict[str, Any]:
    """Train from scratch (or go on from ``init_model``, a model this function saved); keep
    the best dev epoch in ``out_dir/model``; return the report."""
    t0 = time.time()
    random.seed(seed)
    spacy.util.fix_random_seed(seed)
    if init_model is not None:
        nlp = spacy.load(init_model)
    else:
        nlp = load_model_from_config(load_config(config_path), auto_fill=True, validate=True)
    base = base_pipeline()
    for name in ("tagger", "parser"):
        if name in base.pipe_names:
            for label in base.get_pipe(name).labels:
                nlp.vocab.strings.add(label)
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
    # the cue words of the parse features go with the model (see tagger.tagger_cue_lemmas)
    cues = tagger_cue_lemmas(nlp) if init_model is not None else lexicon_cue_lemmas()
    nlp.meta[CUE_LEMMAS_META] = sorted(cues)
    train_ex = parsed_split(base, nlp.vocab, bench_dir, "train", cache, cues)
    dev_ex = parsed_split(base, nlp.vocab, bench_dir, "dev", cache, cues)
    parse_seconds = time.time() - t0
    optimizer = nlp.resume_training() if init_model is not None else nlp.initialize(lambda: train_ex)
    if init_model is not None:
        optimizer.learn_rate = load_config(config_path)["training"]["optimizer"]["learn_rate"]
    target = out_dir / "model"
    tmp_target = out_dir / "model.tmp"
    history: list[dict[str, Any]] = []
    best, best_epoch, stale = -1.0, 0, 0
    train_start = time.time()
    for epoch in range(1, epochs + 1):
        random.shuffle(train_ex)
        losses: dict[str, float] = {}
        for batch in minibatch_by_words(train_ex, size=batch_words):
            nlp.update(batch, drop=0.1, sgd=optimizer, losses=losses)
        with nlp.use_params(optimizer.averages) if optimizer.averages else _nullcontext():
            scores = _scores(nlp, dev_ex)
            if scores["ents_f"] > best:
                best, best_epoch, stale = scores["ents_f"], epoch, 0
                if tmp_target.exists():
                    shutil.rmtree(tmp_target)
                nlp.to_disk(tmp_target)
            else:
                stale += 1
        minutes = (time.time() - train_start) / 60
        history.append({"epoch": epoch, "loss": round(float(losses.get("ner", 0.0)), 1), "minutes": round(minutes, 2),
                        "dev_ents_f": round(float(scores["ents_f"]), 4),
                        "dev_per_type": {k: round(float(v["f"]), 4) for k, v in scores["per_type"].items()}})
        print(json.dumps(history[-1], default=float), flush=True)
        if stale >= patience or minutes * (epoch + 1) / epoch > max_minutes:
            break
    if target.exists():
        shutil.rmtree(target)
    shutil.move(str(tmp_target), str(target))
    best_scores = _scores(spacy.load(target), dev_ex)
    report = {
        "data": {"train": f"{bench_dir}/train ({len(train_ex)} articles, "
                          f"{sum(len(e.reference) for e in train_ex)} tokens)",
                 "dev": f"{bench_dir}/dev ({len(dev_ex)} articles), used only to pick the epoch"},
        "config": str(config_path.name), "seed": seed, "init_model": str(init_model) if init_model else None, "epochs_run": len(history), "best_epoch": best_epoch,
        "parse_seconds": round(parse_seconds, 1),
        "train_minutes": round((time.time() - train_start) / 60, 2),
        "dev_token_spans": {"f": round(best_scores["ents_f"], 4), "p": round(best_scores["ents_p"], 4),
                            "r": round(best_scores["ents_r"], 4),
                            "per_type": {k: {m: round(v[m], 4) for m in ("p", "r", "f")}
                                         for k, v in best_scores["per_type"].items()}},
        "history": history,
    }
    (out_dir / "training.json").write_text(json.dumps(report, indent=2, default=float) + "\n", encoding="utf-8")
    return report


class _nullcontext:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", type=Path, default=BENCH_DIR, help="the PolNeAR benchmark folder")
    ap.add_argument("--out", type=Path, default=MODEL_DIR, help="where model/ and training.json are written")
    ap.add_argument("--config", type=Path, default=CONFIG_PATH, help="the tagger's spaCy config")
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--max-minutes", type=float, default=33.0, help="stop before this much training time")
    ap.add_argument("--patience", type=int, default=4, help="epochs without a better dev score before stopping")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cache", type=Path, default=None, help="keep the parsed corpora here for the next run")
    ap.add_argument("--init-model", type=Path, default=None,
                    help="go on training this model (one this command saved) instead of starting from scratch")
    args = ap.parse_args(argv)
    report = train(args.bench, args.out, args.config, args.epochs, args.max_minutes, args.patience,
                   args.seed, cache=args.cache, init_model=args.init_model)
    print(json.dumps({k: report[k] for k in ("best_epoch", "train_minutes", "dev_token_spans")}, indent=2, default=float))


if __name__ == "__main__":
    main()
