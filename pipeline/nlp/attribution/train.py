"""Train the attribution tagger on PolNeAR train (dev only picks the best epoch).

PolNeAR is univocal: every token is part of a source, a cue, a content or nothing, so the
three roles become the per-token tags (BIO, or BILUO) of SOURCE, CUE and CONTENT of a role
tagger whose network reads the base model's token vectors, tags and parse (``features.py``).
Each text is parsed once with the base pipeline (the same one ``claims run`` uses), then the tagger is
trained for up to ``--epochs`` epochs or ``--max-minutes`` minutes; after every epoch it is
scored on dev and the best epoch is kept in ``models/attribution/model`` with a training
report (``models/attribution/training.json``). With ``--members N`` N
taggers are trained so, each from its own seed, and kept as one ensemble whose probabilities are
averaged (``tagger.ensemble``). The tagger then gets its learned
boundary step (``boundary.py``, saved in ``model/boundary``), trained on 2-fold
cross-validated tagger predictions on train (``crossval.py``), whose error counts go to
``models/attribution/error_analysis.json``.

    OMP_NUM_THREADS=1 nice -n 10 python -m pipeline.nlp.attribution.train     # from scratch
    python -m pipeline.nlp.attribution.train --max-minutes 2 --out /tmp/attr     # a quick try
    python -m pipeline.nlp.attribution.train --boundary-only     # the boundary step of the shipped tagger
    python -m pipeline.nlp.attribution.train --join-only     # its joining step (join.py) alone
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy
import spacy
import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.training.batchers import minibatch_by_words
from spacy.util import load_config, load_model_from_config

from pipeline.nlp import MODELS_DIR, load_config as load_pipeline_config
from pipeline.nlp.attribution.features import QUOTE_KEY, SYNTAX_KEY
from pipeline.nlp.attribution.tagger import (
    CUE_LEMMAS_META, TAG_SCHEMES, ensemble, lexicon_cue_lemmas, role_pipe, role_tags, tagger_cue_lemmas,
    with_features,
)
from pipeline.nlp.attribution.tagger import role_spans as tagger_role_spans
from pipeline.normalize.gazetteer import cache_dir

LABELS: tuple[str, ...] = ("SOURCE", "CUE", "CONTENT")
ROLE_LABEL: dict[str, str] = {"source": "SOURCE", "cue": "CUE", "content": "CONTENT"}
BENCH_DIR = Path(__file__).resolve().parents[4] / "shared" / "benchmarks" / "polnear"
MODEL_DIR = MODELS_DIR / "attribution"
CONFIG_PATH = MODEL_DIR / "config.cfg"
CACHE_FORMAT = 1  # bump when what a cached parse holds changes
DEFAULT_MEMBERS = 1  # taggers in the shipped model (an ensemble of 2 measured better on one CV fold; not shipped yet)
MEMBER_SEED_STEP = 100  # ensemble member m is trained from seed + m * MEMBER_SEED_STEP
MAX_MINUTES = 45.0  # the tagger's training time at most (one thread; dev picks the best epoch before it)
BOUNDARY_WINDOW = 5  # candidate boundaries each side of the tagger's (3 measured lower on dev)
BOUNDARY_REACH = 30  # how far the boundary step's grammar candidates may lie (BOUNDARY_WINDOW: none beyond the window)
CONTEXTUAL_ARCHITECTURE = "claims.AttributionTok2Vec.v4"  # the network that reads doc._.contextual_vectors
CONTEXTUAL_META = "claims_contextual"  # the tagger's meta.json entry: the settings of the vectors it read
BOUNDARY_L2 = 1e-3  # its L2 penalty (chosen by 2-fold cross-validation on the train predictions)


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
    from pipeline.nlp.base_model import load_base_model
    import pipeline.nlp.attribution  # noqa: F401  (registers claims_paragraphs)

    config = load_pipeline_config()
    nlp = load_base_model(config["model"]["name"], config["model"].get("exclude"))
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("claims_paragraphs", before="parser")
    return nlp


def default_cache_dir() -> Path:
    """Where parsed corpora are kept between trainings: ``attribution/`` in the project's cache
    folder (``$CLAIMS_CACHE_DIR``, default ``~/.cache/claims-pipeline``), never in the repository."""
    return cache_dir() / "attribution"


def corpus_key(base: Language, bench_dir: Path, split: str) -> str:
    """What a cached parse of ``split`` depends on: the base model (name, version, components,
    spaCy version) and the bytes of the split's input and gold files."""
    digest = hashlib.sha256()
    meta = {"model": f"{base.meta.get('lang')}_{base.meta.get('name')}", "version": base.meta.get("version"),
            "pipes": base.pipe_names, "spacy": spacy.__version__, "cache_format": CACHE_FORMAT}
    digest.update(json.dumps(meta, sort_keys=True).encode("utf-8"))
    for name in (f"{split}.input.jsonl", f"{split}.gold.jsonl"):
        with open(bench_dir / name, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:20]


def parsed_split(base: Language, bench_dir: Path, split: str, cache: Path | None,
                 config_path: Path | None = None) -> tuple[list[Doc], list[list[tuple[int, int, str]]]]:
    """The base model's parse of one split (with ``doc.tensor``) and its gold role spans.

    With ``cache`` the parse is kept there, keyed by :func:`corpus_key`, and read back on the
    next run instead of parsing the split again. When the tagger of ``config_path`` reads
    contextual vectors (:func:`needs_contextual`) the docs get them too (:func:`attach_contextual`)."""
    path = cache / f"{split}-{corpus_key(base, bench_dir, split)}.msgpack" if cache else None
    if config_path is not None and needs_contextual(config_path):
        docs, golds = parsed_split(base, bench_dir, split, cache)
        return attach_contextual(docs, base, bench_dir, split, cache), golds
    if path is not None and path.exists():
        blobs = srsly.read_msgpack(path)
        return [Doc(base.vocab).from_bytes(b) for b in blobs["docs"]], [[tuple(s) for s in g] for g in blobs["gold"]]
    pairs = list(read_split(bench_dir, split))
    docs = list(base.pipe((r["text"] for r, _ in pairs), batch_size=16))
    golds = [role_spans(g) for _, g in pairs]
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        srsly.write_msgpack(tmp, {"docs": [d.to_bytes(exclude=["user_data"]) for d in docs], "gold": golds})
        tmp.replace(path)
    return docs, golds


def needs_contextual(config_path: Path) -> bool:
    """True when the tagger config's network reads ``doc._.contextual_vectors``
    (``claims.AttributionTok2Vec.v4``): training then needs the encoder's vectors of every doc."""
    return CONTEXTUAL_ARCHITECTURE in Path(config_path).read_text(encoding="utf-8")


def contextual_settings() -> dict[str, Any]:
    """How the vectors of a contextual tagger are made: the defaults of ``claims_contextual``
    (``pipeline/nlp/contextual.py``), which the accurate config runs with."""
    from pipeline.nlp import contextual

    return {"encoder": contextual.DEFAULT_ENCODER, "max_pieces": contextual.DEFAULT_MAX_PIECES,
            "overlap": contextual.DEFAULT_OVERLAP, "layer": contextual.DEFAULT_LAYER}


def attach_contextual(docs: list[Doc], base: Language, bench_dir: Path, split: str, cache: Path | None,
                      settings: dict[str, Any] | None = None, log: bool = True) -> list[Doc]:
    """Set ``doc._.contextual_vectors`` of the parsed docs of ``split`` as ``claims_contextual``
    sets them at run time. With ``cache`` they are kept there in float16 (keyed by the corpus,
    the settings and the encoder's version) and read back on the next run instead of encoding
    the split again (a few thousand tokens a second on one thread)."""
    from importlib import metadata

    from pipeline.nlp import contextual

    settings = settings or contextual_settings()
    contextual.register_extension()
    try:
        version = metadata.version(settings["encoder"].replace("_", "-"))
    except metadata.PackageNotFoundError:
        version = None
    digest = hashlib.sha256(json.dumps([corpus_key(base, bench_dir, split), settings, version],
                                       sort_keys=True).encode("utf-8")).hexdigest()[:20]
    path = cache / f"{split}-contextual-{digest}.npy" if cache else None
    lengths = [len(d) for d in docs]
    if path is not None and path.exists():
        table = numpy.load(path)
    else:
        enc = contextual.load_encoder(settings["encoder"])
        contextual.set_threads(0)
        parts, t0, done = [], time.time(), 0
        for i in range(0, len(docs), 16):
            batch = docs[i:i + 16]
            parts.extend(v.astype("float16") for v in contextual.doc_vectors(
                enc, batch, settings["max_pieces"], settings["overlap"], layer=settings["layer"]))
            done += sum(len(d) for d in batch)
            if log and (i // 16) % 10 == 0:
                print(f"contextual vectors of {split}: {i + len(batch)}/{len(docs)} docs, {done} tokens, "
                      f"{time.time() - t0:.0f} s", flush=True)
        table = numpy.concatenate(parts) if parts else numpy.zeros((0, enc.width), dtype="float16")
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp.npy")
            numpy.save(tmp, table)
            tmp.replace(path)
    if table.shape[0] != sum(lengths):
        raise ValueError(f"contextual vectors of {split} at {path}: {table.shape[0]} rows for {sum(lengths)} "
                         f"tokens; delete the file and train again")
    start = 0
    for doc, n in zip(docs, lengths):
        doc._.set(contextual.EXTENSION, table[start:start + n].astype("float32"))
        start += n
    return docs


def examples(nlp: Language, docs: list[Doc], golds: list[list[tuple[int, int, str]]],
             cue_lemmas: frozenset[str], scheme: str = "BIO") -> list[Example]:
    """Training examples: the base parse as the tagger reads it (with its parse and quotation
    features) and the gold roles (as entities, for scoring, and as tags of ``scheme``)."""
    out = []
    for doc, spans in zip(docs, golds):
        with_features(doc, cue_lemmas)
        ref = annotate(Doc(nlp.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc]), spans)
        for tok, tag in zip(ref, role_tags(len(ref), [(e.label_, e.start, e.end) for e in ref.ents], scheme)):
            tok.tag_ = tag
        out.append(Example(doc, ref))
    return out


def span_scores(nlp: Language, examples: list[Example]) -> dict[str, Any]:
    """Exact-match precision, recall and F1 of the tagger's role spans against the gold ones,
    overall and per label (as spaCy scores entities)."""
    found = tagger_role_spans(nlp, [eg.predicted for eg in examples])
    counts: dict[str, list[int]] = {label: [0, 0, 0] for label in LABELS}  # true pos, predicted, gold
    for eg, spans in zip(examples, found):
        gold = {(e.label_, e.start, e.end) for e in eg.reference.ents}
        for span in spans:
            counts.setdefault(span[0], [0, 0, 0])[1] += 1
            counts[span[0]][0] += span in gold
        for label, _, _ in gold:
            counts.setdefault(label, [0, 0, 0])[2] += 1

    def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
        p, r = tp / n_pred if n_pred else 0.0, tp / n_gold if n_gold else 0.0
        return {"p": p, "r": r, "f": 2 * p * r / (p + r) if p + r else 0.0}

    total = prf(*(sum(c[k] for c in counts.values()) for k in range(3)))
    return {"ents_f": total["f"], "ents_p": total["p"], "ents_r": total["r"],
            "per_type": {label: prf(*c) for label, c in counts.items()}}



def fit(nlp: Language, optimizer: Any, train_ex: list[Example], dev_ex: list[Example], target: Path,
        epochs: int, max_minutes: float, patience: int, batch_words: int = 2000,
        log: bool = True) -> tuple[list[dict[str, Any]], int]:
    """Train ``nlp`` on ``train_ex`` epoch by epoch, score it on ``dev_ex`` after each, keep the
    best epoch's model in ``target``; stop after ``epochs``, ``patience`` epochs without a better
    dev score, or before ``max_minutes``. Return the per-epoch history and the best epoch."""
    pipe_name = nlp.pipe_names[0]
    tmp_target = target.with_name(target.name + ".tmp")
    history: list[dict[str, Any]] = []
    best, best_epoch, stale = -1.0, 0, 0
    train_start = time.time()
    for epoch in range(1, epochs + 1):
        random.shuffle(train_ex)
        losses: dict[str, float] = {}
        for batch in minibatch_by_words(train_ex, size=batch_words):
            nlp.update(batch, drop=0.1, sgd=optimizer, losses=losses)
        with nlp.use_params(optimizer.averages) if optimizer.averages else _nullcontext():
            scores = span_scores(nlp, dev_ex)
            if scores["ents_f"] > best:
                best, best_epoch, stale = scores["ents_f"], epoch, 0
                if tmp_target.exists():
                    shutil.rmtree(tmp_target)
                nlp.to_disk(tmp_target)
            else:
                stale += 1
        minutes = (time.time() - train_start) / 60
        history.append({"epoch": epoch, "loss": round(float(losses.get(pipe_name, 0.0)), 1), "minutes": round(minutes, 2),
                        "dev_ents_f": round(float(scores["ents_f"]), 4),
                        "dev_per_type": {k: round(float(v["f"]), 4) for k, v in scores["per_type"].items()}})
        if log:
            print(json.dumps(history[-1], default=float), flush=True)
        if stale >= patience or minutes * (epoch + 1) / epoch > max_minutes:
            break
    if target.exists():
        shutil.rmtree(target)
    shutil.move(str(tmp_target), str(target))
    return history, best_epoch


def train(bench_dir: Path = BENCH_DIR, out_dir: Path = MODEL_DIR, config_path: Path = CONFIG_PATH,
          epochs: int = 30, max_minutes: float = MAX_MINUTES, patience: int = 4, seed: int = 0,
          batch_words: int = 2000, cache: Path | None = None, init_model: Path | None = None,
          scheme: str = "BIO", boundary_folds: int = 2, members: int = DEFAULT_MEMBERS) -> dict[str, Any]:
    """Train from scratch (or go on from ``init_model``, a model this function saved); keep
    the best dev epoch in ``out_dir/model``; return the report. ``cache``: where the parsed
    corpora are kept between runs (None: parse them every time); ``scheme``: the tags of a
    per-token role tagger (BIO or BILUO); ``boundary_folds``: the folds of the cross-validated
    predictions the learned boundary step is trained on (0: no boundary step); ``members``: an
    ensemble of this many taggers, member m trained the same way from seed ``seed + m *
    MEMBER_SEED_STEP``, whose probabilities are averaged (:func:`tagger.ensemble`). The learned
    steps after the tagger are trained on the cross-validated predictions of the first member."""
    t0 = time.time()
    random.seed(seed)
    spacy.util.fix_random_seed(seed)
    if init_model is not None:
        nlp = spacy.load(init_model)
    else:
        nlp = load_model_from_config(load_config(config_path), auto_fill=True, validate=True)
    role_pipe(nlp)  # a model of another kind is reported before any parsing
    base = base_pipeline()
    for name in ("tagger", "parser"):
        if name in base.pipe_names:
            for label in base.get_pipe(name).labels:
                nlp.vocab.strings.add(label)
    # the cue words of the parse features go with the model (see tagger.tagger_cue_lemmas)
    cues = tagger_cue_lemmas(nlp) if init_model is not None else lexicon_cue_lemmas()
    nlp.meta[CUE_LEMMAS_META] = sorted(cues)
    contextual = contextual_settings() if needs_contextual(config_path) else None
    if contextual is not None:  # how the vectors it reads were made, for whoever runs it
        nlp.meta[CONTEXTUAL_META] = contextual
    train_ex = examples(nlp, *parsed_split(base, bench_dir, "train", cache, config_path), cues, scheme)
    dev_ex = examples(nlp, *parsed_split(base, bench_dir, "dev", cache, config_path), cues, scheme)
    parse_seconds = time.time() - t0
    optimizer = nlp.resume_training() if init_model is not None else nlp.initialize(lambda: train_ex)
    if init_model is not None:
        optimizer.learn_rate = load_config(config_path)["training"]["optimizer"]["learn_rate"]
    pipe_name = nlp.pipe_names[0]
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "model"
    train_start = time.time()
    history, best_epoch = fit(nlp, optimizer, train_ex, dev_ex, target, epochs, max_minutes, patience, batch_words)
    member_reports = []
    for m in range(1, members):
        with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
            member = train(bench_dir, Path(tmp), config_path, epochs, max_minutes, patience,
                           seed + m * MEMBER_SEED_STEP, batch_words, cache, None, scheme, boundary_folds=0, members=1)
            member_reports.append({k: member[k] for k in ("seed", "epochs_run", "best_epoch", "train_minutes",
                                                          "dev_token_spans", "history")})
            combined = ensemble([spacy.load(target), spacy.load(Path(tmp) / "model")])
            shutil.rmtree(target)
            combined.to_disk(target)
    best_scores = span_scores(spacy.load(target), dev_ex)
    report = {
        "data": {"train": f"{bench_dir}/train ({len(train_ex)} articles, "
                          f"{sum(len(e.reference) for e in train_ex)} tokens)",
                 "dev": f"{bench_dir}/dev ({len(dev_ex)} articles), used only to pick the epoch"},
        "config": str(config_path.name), "component": pipe_name, "seed": seed, "contextual": contextual,
        "tag_scheme": scheme,
        "init_model": str(init_model) if init_model else None,
        "limits": {"epochs": epochs, "max_minutes": max_minutes, "patience": patience},
        "epochs_run": len(history), "best_epoch": best_epoch,
        "parse_seconds": round(parse_seconds, 1), "parse_cache": str(cache) if cache is not None else None,
        "train_minutes": round((time.time() - train_start) / 60, 2),
        "dev_token_spans": {"f": round(best_scores["ents_f"], 4), "p": round(best_scores["ents_p"], 4),
                            "r": round(best_scores["ents_r"], 4),
                            "per_type": {k: {m: round(v[m], 4) for m in ("p", "r", "f")}
                                         for k, v in best_scores["per_type"].items()}},
        "history": history,
    }
    if member_reports:
        report["members"] = member_reports
        report["train_minutes"] = round(report["train_minutes"] + sum(m["train_minutes"] for m in member_reports), 2)
        report["first_member_dev_f"] = history[best_epoch - 1]["dev_ents_f"] if best_epoch else None
    if boundary_folds:
        report["boundary"] = train_boundary(bench_dir, out_dir, config_path, boundary_folds, cache, seed,
                                            epochs, patience)
        report["join"] = train_join(bench_dir, out_dir, config_path, boundary_folds, cache, seed, epochs, patience)
        report["link"] = train_link(bench_dir, out_dir, config_path, boundary_folds, cache, seed, epochs, patience)
    (out_dir / "training.json").write_text(json.dumps(report, indent=2, default=float) + "\n", encoding="utf-8")
    return report


def boundary_scores(docs: list[Doc], golds: list[list[tuple[str, int, int]]],
                    preds: list[list[tuple[str, int, int]]]) -> dict[str, dict[str, float]]:
    """Per label (SOURCE, CONTENT): the share of gold spans found exactly, and found up to
    punctuation at the edges (the scorer compares words), with the precision of the same."""
    from pipeline.nlp.attribution.boundary import same_words

    out = {}
    for label in ("SOURCE", "CONTENT"):
        n_gold = n_pred = exact = words = 0
        for doc, gold, pred in zip(docs, golds, preds):
            g = [(s, e) for lab, s, e in gold if lab == label]
            p = [(s, e) for lab, s, e in pred if lab == label]
            n_gold, n_pred = n_gold + len(g), n_pred + len(p)
            exact += len(set(g) & set(p))
            words += sum(any(same_words(doc, ps, gs) and same_words(doc, pe, ge) for gs, ge in g) for ps, pe in p)
        out[label] = {"exact_r": round(exact / n_gold, 4) if n_gold else 0.0,
                      "exact_p": round(exact / n_pred, 4) if n_pred else 0.0,
                      "words_r": round(words / n_gold, 4) if n_gold else 0.0,
                      "words_p": round(words / n_pred, 4) if n_pred else 0.0}
    return out


def train_boundary(bench_dir: Path = BENCH_DIR, out_dir: Path = MODEL_DIR, config_path: Path = CONFIG_PATH,
                   folds: int = 2, cache: Path | None = None, seed: int = 0, epochs: int = 30,
                   patience: int = 4) -> dict[str, Any]:
    """Train the learned boundary step (``boundary.py``) of the tagger in ``out_dir/model`` on
    ``folds``-fold cross-validated tagger predictions on train, save it in
    ``out_dir/model/boundary``, write the error counts of those predictions to
    ``out_dir/error_analysis.json`` and return a report with the step's effect on dev. The fold
    taggers are trained as :func:`train` trains (``epochs``, ``patience``, dev picks the epoch)."""
    from pipeline.nlp.attribution import boundary, crossval
    from pipeline.nlp.attribution.tagger import BOUNDARY_DIR, role_scores

    t0 = time.time()
    docs, gold_chars, preds, runs = crossval.cross_predict(bench_dir, config_path, folds=folds, epochs=epochs,
                                                           patience=patience, seed=seed, cache=cache)
    golds = [crossval.gold_token_spans(d, g) for d, g in zip(docs, gold_chars)]
    cv_minutes = (time.time() - t0) / 60
    attributions = [g["attributions"] for _, g in read_split(bench_dir, "train")]
    from pipeline.nlp.attribution.lexicon import load_lexicon

    analysis = {"data": f"{bench_dir}/train ({len(docs)} articles), {folds}-fold cross-validation: each "
                        f"article's spans come from a tagger trained on the other folds",
                "runs": runs, "tagger": crossval.error_counts(docs, golds, [p[0] for p in preds], attributions,
                                                             load_lexicon())}
    tagger = spacy.load(out_dir / "model", vocab=docs[0].vocab)
    t1 = time.time()
    model = boundary.fit(docs, preds, golds, role_pipe(tagger).labels, tagger_cue_lemmas(tagger),
                         window=BOUNDARY_WINDOW, reach=BOUNDARY_REACH, l2=BOUNDARY_L2)
    fit_seconds = time.time() - t1
    dev_docs, dev_chars = parsed_split(base_pipeline(), bench_dir, "dev", cache, config_path)
    dev_golds = [crossval.gold_token_spans(d, g) for d, g in zip(dev_docs, dev_chars)]
    dev_preds = [spans for spans, _ in role_scores(tagger, dev_docs)]
    adjusted = [spans for spans, _ in role_scores(tagger, dev_docs, boundary=model)]
    window_only = [spans for spans, _ in role_scores(tagger, dev_docs, boundary=boundary.window_only(model))]
    model.report = {"trained_on": analysis["data"], "fit_seconds": round(fit_seconds, 1), "reach": model.reach,
                    "crossval_minutes": round(cv_minutes, 2), "groups": model.report,
                    "dev_tagger": boundary_scores(dev_docs, dev_golds, dev_preds),
                    "dev_with_boundary": boundary_scores(dev_docs, dev_golds, adjusted),
                    "dev_window_candidates_only": boundary_scores(dev_docs, dev_golds, window_only)}
    model.to_disk(out_dir / "model" / BOUNDARY_DIR)
    (out_dir / "error_analysis.json").write_text(json.dumps(analysis, indent=2) + "\n", encoding="utf-8")
    return model.report


def steps_input(bench_dir: Path, out_dir: Path, config_path: Path, folds: int, cache: Path | None, seed: int,
                epochs: int, patience: int, joined: bool = False,
                ) -> tuple[list[Doc], list[list[tuple[int, int, str]]], Language, list[tuple[list, numpy.ndarray]]]:
    """What the learned steps after the boundary step are trained on: the ``folds``-fold
    cross-validated tagger predictions on train (read from ``cache`` when :func:`train_boundary`
    made them) as those steps see them at run time. Returns the parsed docs (carrying the parse
    and quotation features the tagger read; :func:`drop_features` takes them off), their gold
    char spans, the tagger of ``out_dir/model`` and per doc its spans after the boundary step
    (``joined``: and after the joining step) with the tagger's log-probabilities."""
    from pipeline.nlp.attribution import crossval
    from pipeline.nlp.attribution.tagger import load_boundary, load_join

    docs, gold_chars, preds, _ = crossval.cross_predict(bench_dir, config_path, folds=folds, epochs=epochs,
                                                        patience=patience, seed=seed, cache=cache)
    tagger = spacy.load(out_dir / "model", vocab=docs[0].vocab)
    cues = tagger_cue_lemmas(tagger)
    boundary = load_boundary(str(out_dir / "model"))
    adjusted = []
    for doc, (spans, log_probs) in zip(docs, preds):
        with_features(doc, cues)  # what the tagger read, as at run time
        if boundary is not None and spans:
            spans = boundary.adjust(doc, spans, log_probs)
        adjusted.append((spans, log_probs))
    joiner = load_join(str(out_dir / "model")) if joined else None
    if joiner is not None:
        spans = joiner.join_many(docs, [s for s, _ in adjusted], [lp for _, lp in adjusted])
        adjusted = [(doc_spans, lp) for doc_spans, (_, lp) in zip(spans, adjusted)]
    return docs, gold_chars, tagger, adjusted


def drop_features(docs: Iterable[Doc]) -> None:
    """Take off the parse and quotation features :func:`steps_input` put on the docs."""
    for doc in docs:
        for key in (SYNTAX_KEY, QUOTE_KEY):
            doc.user_data.pop(key, None)


def train_join(bench_dir: Path = BENCH_DIR, out_dir: Path = MODEL_DIR, config_path: Path = CONFIG_PATH,
               folds: int = 2, cache: Path | None = None, seed: int = 0, epochs: int = 30,
               patience: int = 4) -> dict[str, Any]:
    """Train the learned joining step (``join.py``) of the tagger in ``out_dir/model`` on the
    cross-validated tagger predictions on train after its boundary step (:func:`steps_input`);
    save it in ``out_dir/model/join`` and return a report with its effect on dev spans."""
    from pipeline.nlp.attribution import crossval, join
    from pipeline.nlp.attribution.tagger import JOIN_DIR, load_boundary, role_scores

    t0 = time.time()
    docs, gold_chars, tagger, adjusted = steps_input(bench_dir, out_dir, config_path, folds, cache, seed, epochs,
                                                     patience)
    golds = [crossval.gold_token_spans(d, g) for d, g in zip(docs, gold_chars)]
    t1 = time.time()
    # threshold by cross-validation on train
    model = join.fit(docs, adjusted, golds, tuple(role_pipe(tagger).labels), threshold=None)
    fit_seconds = time.time() - t1
    drop_features(docs)
    boundary = load_boundary(str(out_dir / "model"))
    dev_docs, dev_chars = parsed_split(base_pipeline(), bench_dir, "dev", cache, config_path)
    dev_golds = [crossval.gold_token_spans(d, g) for d, g in zip(dev_docs, dev_chars)]
    before = [spans for spans, _ in role_scores(tagger, dev_docs, boundary=boundary)]
    after = [spans for spans, _ in role_scores(tagger, dev_docs, boundary=boundary, join=model)]
    model.report = {"trained_on": f"{bench_dir}/train ({len(docs)} articles), {folds}-fold cross-validated "
                                  f"tagger predictions after the boundary step",
                    "fit_seconds": round(fit_seconds, 1), "minutes": round((time.time() - t0) / 60, 2),
                    "train": model.report,
                    "dev_before": boundary_scores(dev_docs, dev_golds, before),
                    "dev_with_join": boundary_scores(dev_docs, dev_golds, after)}
    model.to_disk(out_dir / "model" / JOIN_DIR)
    return model.report


def train_link(bench_dir: Path = BENCH_DIR, out_dir: Path = MODEL_DIR, config_path: Path = CONFIG_PATH,
               folds: int = 2, cache: Path | None = None, seed: int = 0, epochs: int = 30,
               patience: int = 4) -> dict[str, Any]:
    """Train the learned linking step (``link.py``) of the tagger in ``out_dir/model`` on the
    cross-validated tagger predictions on train after its boundary and joining steps
    (:func:`steps_input`); save it in ``out_dir/model/link`` and return its report."""
    from pipeline.nlp.attribution import link
    from pipeline.nlp.attribution.tagger import LINK_DIR

    t0 = time.time()
    docs, _, _, adjusted = steps_input(bench_dir, out_dir, config_path, folds, cache, seed, epochs, patience,
                                       joined=True)
    attributions = [gold["attributions"] for _, gold in read_split(bench_dir, "train")]
    model = link.fit(docs, [spans for spans, _ in adjusted], attributions, seed=seed)
    drop_features(docs)
    model.report = {"trained_on": f"{bench_dir}/train ({len(docs)} articles), {folds}-fold cross-validated "
                                  f"tagger predictions after the boundary and joining steps",
                    "minutes": round((time.time() - t0) / 60, 2), "train": model.report}
    model.to_disk(out_dir / "model" / LINK_DIR)
    return model.report


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
    ap.add_argument("--max-minutes", type=float, default=MAX_MINUTES, help="stop before this much training time")
    ap.add_argument("--patience", type=int, default=4, help="epochs without a better dev score before stopping")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--members", type=int, default=DEFAULT_MEMBERS,
                    help="taggers in the ensemble, each from its own seed (default: %(default)s, as shipped)")
    ap.add_argument("--cache", type=Path, default=default_cache_dir(),
                    help="keep the parsed corpora here for the next run (default: %(default)s)")
    ap.add_argument("--no-cache", action="store_true", help="parse the corpora again and keep nothing")
    ap.add_argument("--tags", choices=TAG_SCHEMES, default="BIO",
                    help="tag scheme of a per-token role tagger (BILUO measured lower on PolNeAR dev)")
    ap.add_argument("--init-model", type=Path, default=None,
                    help="go on training this model (one this command saved) instead of starting from scratch")
    ap.add_argument("--boundary-folds", type=int, default=2,
                    help="train the learned boundary step on this many folds of cross-validated predictions (0: none)")
    ap.add_argument("--boundary-only", action="store_true",
                    help="keep the trained tagger in --out and (re)train only its boundary step")
    ap.add_argument("--join-only", action="store_true",
                    help="keep the trained tagger and its boundary step in --out and (re)train the joining and linking steps")
    ap.add_argument("--link-only", action="store_true",
                    help="keep the trained tagger and its boundary and joining steps in --out and (re)train only the linking step")
    args = ap.parse_args(argv)
    cache = None if args.no_cache else args.cache
    if args.link_only:
        report_path = args.out / "training.json"
        report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else {}
        report["link"] = train_link(args.bench, args.out, args.config, args.boundary_folds or 2, cache, args.seed)
        report_path.write_text(json.dumps(report, indent=2, default=float) + "\n", encoding="utf-8")
        print(json.dumps(report["link"], indent=2, default=float))
        return
    if args.join_only:
        report_path = args.out / "training.json"
        report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else {}
        report["join"] = train_join(args.bench, args.out, args.config, args.boundary_folds or 2, cache, args.seed)
        report["link"] = train_link(args.bench, args.out, args.config, args.boundary_folds or 2, cache, args.seed)
        report_path.write_text(json.dumps(report, indent=2, default=float) + "\n", encoding="utf-8")
        print(json.dumps(report["join"], indent=2, default=float))
        return
    if args.boundary_only:
        report_path = args.out / "training.json"
        report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else {}
        report["boundary"] = train_boundary(args.bench, args.out, args.config, args.boundary_folds or 2, cache, args.seed)
        report["join"] = train_join(args.bench, args.out, args.config, args.boundary_folds or 2, cache, args.seed)
        report["link"] = train_link(args.bench, args.out, args.config, args.boundary_folds or 2, cache, args.seed)
        report_path.write_text(json.dumps(report, indent=2, default=float) + "\n", encoding="utf-8")
        print(json.dumps(report["boundary"], indent=2, default=float))
        return
    report = train(args.bench, args.out, args.config, args.epochs, args.max_minutes, args.patience,
                   args.seed, cache=None if args.no_cache else args.cache, init_model=args.init_model,
                   scheme=args.tags, boundary_folds=args.boundary_folds, members=args.members)
    print(json.dumps({k: report[k] for k in ("best_epoch", "train_minutes", "dev_token_spans")}, indent=2, default=float))


if __name__ == "__main__":
    main()
