"""Train the attribution tagger behind ``claims_attribution_model`` on PolNeAR.

PolNeAR is univocal: every token is part of a source, a cue, a content or nothing, so the
three roles become the entity labels SOURCE, CUE and CONTENT of a spaCy ``ner`` component
with a small CNN tok2vec of its own. This module turns the converted PolNeAR files
(``*.input.jsonl`` text + ``*.gold.jsonl`` char spans) into DocBins, cut into paragraph-sized
chunks for shuffling, then runs ``spacy train`` with ``models/attribution/config.cfg`` and
keeps the best model under ``models/attribution/model``.

    python -m pipeline.nlp.train_attribution            # rebuild models/attribution/model
    python -m pipeline.nlp.train_attribution --max-steps 500 --out /tmp/attr   # a quick try
"""
from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span

from pipeline.nlp import MODELS_DIR

LABELS: tuple[str, ...] = ("SOURCE", "CUE", "CONTENT")
ROLE_LABEL: dict[str, str] = {"source": "SOURCE", "cue": "CUE", "content": "CONTENT"}
BENCH_DIR = Path("/work/shared/benchmarks/polnear")
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


def chunks(doc: Doc, min_tokens: int = 60) -> Iterator[Doc]:
    """Cut a doc at line breaks that no entity crosses, into chunks of ``min_tokens`` or more."""
    inside = [False] * len(doc)
    for ent in doc.ents:
        for i in range(ent.start, ent.end - 1):
            inside[i] = True
    start = 0
    for tok in doc:
        if "\n" in tok.text_with_ws and not inside[tok.i] and tok.i + 1 - start >= min_tokens:
            yield doc[start:tok.i + 1].as_doc()
            start = tok.i + 1
    if start < len(doc):
        yield doc[start:].as_doc()


def build_docbin(nlp: Language, bench_dir: Path, split: str, split_chunks: bool) -> DocBin:
    """Tokenise one split with ``nlp``'s tokenizer and label its role spans."""
    db = DocBin(store_user_data=False)
    for rec, gold in read_split(bench_dir, split):
        doc = annotate(nlp.make_doc(rec["text"]), role_spans(gold))
        for part in (chunks(doc) if split_chunks else [doc]):
            db.add(part)
    return db


def train(bench_dir: Path = BENCH_DIR, out_dir: Path = MODEL_DIR, max_steps: int | None = None,
          config_path: Path = CONFIG_PATH, workdir: Path | None = None) -> Path:
    """Build the corpora, train, and copy the best model to ``out_dir/model``; return that path.

    ``workdir`` keeps the corpora and spaCy's checkpoints (model-best is saved at every
    evaluation that improves), so a run stopped early still leaves a usable model there.
    """
    from spacy.cli.train import train as spacy_train

    tok = spacy.blank("en")
    with tempfile.TemporaryDirectory(prefix="attr_train_") as tmp:
        tmp_path = Path(workdir or tmp)
        tmp_path.mkdir(parents=True, exist_ok=True)
        build_docbin(tok, bench_dir, "train", True).to_disk(tmp_path / "train.spacy")
        build_docbin(tok, bench_dir, "dev", False).to_disk(tmp_path / "dev.spacy")
        overrides: dict[str, Any] = {"paths.train": str(tmp_path / "train.spacy"),
                                     "paths.dev": str(tmp_path / "dev.spacy")}
        if max_steps is not None:
            overrides["training.max_steps"] = max_steps
        spacy_train(config_path, tmp_path / "output", overrides=overrides)
        target = out_dir / "model"
        if target.exists():
            shutil.rmtree(target)
        out_dir.mkdir(parents=True, exist_ok=True)
        shutil.copytree(tmp_path / "output" / "model-best", target)
    return target


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", type=Path, default=BENCH_DIR, help="the PolNeAR benchmark folder")
    ap.add_argument("--out", type=Path, default=MODEL_DIR, help="where model/ is written")
    ap.add_argument("--config", type=Path, default=CONFIG_PATH)
    ap.add_argument("--max-steps", type=int, default=None, help="override training.max_steps")
    ap.add_argument("--workdir", type=Path, default=None, help="keep corpora and checkpoints here")
    args = ap.parse_args(argv)
    print(train(args.bench, args.out, args.max_steps, args.config, args.workdir))


if __name__ == "__main__":
    main()
