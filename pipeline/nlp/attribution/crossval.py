"""Cross-validated predictions of the attribution tagger on PolNeAR train, and their errors.

The train split is cut into ``folds`` parts by article; for each part a tagger is trained
(same config and training loop as ``train.py``, dev only to pick its epoch) on the other
parts and run on it. Every train article so gets the predictions of a tagger that never saw
it: the data of the error analysis (:func:`error_counts`, written to
``models/attribution/error_analysis.json``) and of the learned boundary step
(``boundary.py``), which must learn the tagger's real errors, not those on its own training
data. The predictions are cached next to the parsed corpora.

    OMP_NUM_THREADS=1 nice -n 10 python -m pipeline.nlp.attribution.crossval     # 2 folds
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy
import spacy
import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import load_config, load_model_from_config

from pipeline.nlp.attribution.lexicon import Lexicon, load_lexicon
from pipeline.nlp.attribution.model import cue_head
from pipeline.nlp.attribution.tagger import CUE_LEMMAS_META, RoleSpan, lexicon_cue_lemmas, role_scores
from pipeline.nlp.quotes import ALL_MARKS
from pipeline.nlp.attribution.train import (
    BENCH_DIR, CONFIG_PATH, MODEL_DIR, base_pipeline, corpus_key, default_cache_dir, examples, fit, parsed_split,
    read_split,
)

Prediction = tuple[list[RoleSpan], numpy.ndarray]  # decoded spans, per-token log-probabilities
REPORT_PATH = MODEL_DIR / "error_analysis.json"
FOLD_MAX_MINUTES = 20.0  # training time of one fold's tagger at most (half the data of the full one)
TOP = 15  # words listed per boundary-error kind
COUNTS = ("gold", "predicted", "exact", "missed", "spurious", "split", "merged", "quotations", "split_quotations",
          "merged_quotations", "one_to_one_wrong", "punct_only",
          "start_only", "end_only", "both_ends", "start_within_window", "end_within_window")


def fold_of(n_docs: int, folds: int, seed: int = 0) -> list[int]:
    """The fold of each of ``n_docs`` articles: a seeded shuffle dealt round-robin."""
    order = list(range(n_docs))
    random.Random(seed).shuffle(order)
    out = [0] * n_docs
    for rank, i in enumerate(order):
        out[i] = rank % folds
    return out


def new_tagger(config_path: Path, base: Language, cues: frozenset[str]) -> Language:
    """An untrained tagger from ``config_path`` that knows the base model's tag and
    dependency labels and carries the cue words of its parse features."""
    nlp = load_model_from_config(load_config(config_path), auto_fill=True, validate=True)
    for name in ("tagger", "parser"):
        if name in base.pipe_names:
            for label in base.get_pipe(name).labels:
                nlp.vocab.strings.add(label)
    nlp.meta[CUE_LEMMAS_META] = sorted(cues)
    return nlp


def cross_predict(bench_dir: Path = BENCH_DIR, config_path: Path = CONFIG_PATH, folds: int = 2,
                  epochs: int = 30, max_minutes: float = FOLD_MAX_MINUTES, patience: int = 4, seed: int = 0,
                  cache: Path | None = None, work_dir: Path | None = None,
                  log: bool = True) -> tuple[list[Doc], list[list[tuple[int, int, str]]], list[Prediction], dict[str, Any]]:
    """Out-of-fold tagger predictions for every article of the train split.

    Returns the parsed train docs, their gold (start, end, label) char spans, one (spans,
    log-probabilities) per doc, and what was run
    (folds, best epoch and minutes per fold). With ``cache`` the predictions are kept there,
    keyed by the corpus, the tagger config and the fold settings."""
    base = base_pipeline()
    docs, golds = parsed_split(base, bench_dir, "train", cache, config_path)
    dev_docs, dev_golds = parsed_split(base, bench_dir, "dev", cache, config_path)
    digest = hashlib.sha256(json.dumps([corpus_key(base, bench_dir, "train"), folds, epochs, patience, seed,
                                        max_minutes]).encode("utf-8"))
    digest.update(config_path.read_bytes())
    path = cache / f"crossval-{digest.hexdigest()[:20]}.msgpack" if cache else None
    if path is not None and path.exists():
        blob = srsly.read_msgpack(path)
        preds = [([tuple(s) for s in spans], numpy.asarray(lp, dtype="float32").reshape(n, -1))
                 for spans, lp, n in blob["preds"]]
        return docs, golds, preds, blob["runs"]
    work_dir = work_dir or (cache or Path("/tmp")) / "crossval-models"
    cues = lexicon_cue_lemmas()
    fold = fold_of(len(docs), folds, seed)
    preds: list[Prediction | None] = [None] * len(docs)
    runs: dict[str, Any] = {"folds": folds, "seed": seed, "per_fold": []}
    for k in range(folds):
        t0 = time.time()
        random.seed(seed + k)
        spacy.util.fix_random_seed(seed + k)
        nlp = new_tagger(config_path, base, cues)
        train_idx = [i for i in range(len(docs)) if fold[i] != k]
        held_idx = [i for i in range(len(docs)) if fold[i] == k]
        train_ex = examples(nlp, [docs[i] for i in train_idx], [golds[i] for i in train_idx], cues)
        dev_ex = examples(nlp, dev_docs, dev_golds, cues)
        optimizer = nlp.initialize(lambda: train_ex)
        target = work_dir / f"fold{k}"
        target.parent.mkdir(parents=True, exist_ok=True)
        history, best_epoch = fit(nlp, optimizer, train_ex, dev_ex, target, epochs, max_minutes, patience, log=log)
        tagger = spacy.load(target, vocab=docs[0].vocab) if docs else spacy.load(target)
        for i, pred in zip(held_idx, role_scores(tagger, [docs[i] for i in held_idx])):
            preds[i] = pred
        runs["per_fold"].append({"fold": k, "train_articles": len(train_idx), "held_out_articles": len(held_idx),
                                 "epochs_run": len(history), "best_epoch": best_epoch,
                                 "dev_ents_f": history[best_epoch - 1]["dev_ents_f"] if best_epoch else None,
                                 "minutes": round((time.time() - t0) / 60, 2)})
    done = [p for p in preds if p is not None]
    if path is not None:
        tmp = path.with_suffix(".tmp")
        srsly.write_msgpack(tmp, {"runs": runs, "preds": [(list(map(list, s)), lp.astype("float32").ravel().tolist(),
                                                           int(lp.shape[0])) for s, lp in done]})
        tmp.replace(path)
    return docs, golds, done, runs


def gold_token_spans(doc: Doc, gold: list[tuple[int, int, str]]) -> list[RoleSpan]:
    """The gold role spans of a doc as the tagger is trained on them (token spans)."""
    from pipeline.nlp.attribution.train import annotate

    ref = annotate(Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc]), gold)
    return [(e.label_, e.start, e.end) for e in ref.ents]


def cue_kind(doc: Doc, start: int, end: int, lex: Lexicon) -> str:
    """``speech``, ``thought`` or ``stance`` for a listed cue, ``unlisted`` for a cue no
    lexicon list holds."""
    lemma = cue_head(doc[start:end]).lemma_.lower()
    listed = lemma in lex.cue_classes or lemma in lex.clause_verbs or lemma in lex.complement_verbs \
        or lemma in lex.object_verbs or lemma in lex.nominal_cues
    return lex.cue_class(lemma) if listed else "unlisted"


def punct_only(doc: Doc, a: tuple[int, int], b: tuple[int, int]) -> bool:
    """True when token spans ``a`` and ``b`` differ by punctuation and white space only."""
    diff = set(range(*a)) ^ set(range(*b))
    return all(doc[i].is_punct or doc[i].is_space for i in diff)


def _has_mark(doc: Doc, span: tuple[int, int]) -> bool:
    return any(t.text in ALL_MARKS for t in doc[span[0]:span[1]])


def _tok(doc: Doc, i: int) -> tuple[str, str]:
    return doc[i].lower_, doc[i].pos_


def error_counts(docs: list[Doc], golds: list[list[RoleSpan]], preds: list[list[RoleSpan]],
                 attributions: list[list[dict[str, Any]]], lex: Lexicon, window: int = 3) -> dict[str, Any]:
    """Counts of the tagger's errors against the gold role spans, per label (CONTENT, SOURCE,
    CUE): exact, missed, spurious, split (one gold span found as several), merged (several gold
    spans found as one; ``split_quotations``, ``merged_quotations``: the same for gold spans
    holding a quotation mark), and for a one-to-one overlap the start and end errors by direction
    (``start_late``: the span starts after the gold one), by size, and by the first word (lower
    form) and part of speech the prediction left out or added; ``punct_only``: one-to-one
    overlaps that differ by punctuation only (which the scorer does not count). ``within_window``: boundary
    errors of at most ``window`` tokens. Per gold attribution (``attributions``: the gold
    records' ``attributions``): contents missed by the class of their cue, and the attributions
    without a source."""
    out: dict[str, Any] = {}
    for label in ("CONTENT", "SOURCE", "CUE"):
        c: Counter = Counter()
        words: dict[str, Counter] = {k: Counter() for k in ("start_late", "start_early", "end_early", "end_late")}
        pos: dict[str, Counter] = {k: Counter() for k in words}
        size: dict[str, Counter] = {k: Counter() for k in words}
        for doc, gold, pred in zip(docs, golds, preds):
            g = [(s, e) for lab, s, e in gold if lab == label]
            p = [(s, e) for lab, s, e in pred if lab == label]
            c["gold"] += len(g)
            c["predicted"] += len(p)
            exact = set(g) & set(p)
            c["exact"] += len(exact)
            over_g = {gs: [ps for ps in p if ps[0] < gs[1] and gs[0] < ps[1]] for gs in g}
            over_p = {ps: [gs for gs in g if ps[0] < gs[1] and gs[0] < ps[1]] for ps in p}
            c["missed"] += sum(not v for v in over_g.values())
            c["spurious"] += sum(not v for v in over_p.values())
            c["split"] += sum(len(v) > 1 for v in over_g.values())
            c["merged"] += sum(len(v) > 1 for v in over_p.values())
            quoted = {span for span in g if _has_mark(doc, span)}
            c["quotations"] += len(quoted)
            c["split_quotations"] += sum(len(over_g[span]) > 1 for span in quoted)
            c["merged_quotations"] += sum(len(v) > 1 and any(gs in quoted for gs in v) for v in over_p.values())
            for gs, ps_list in over_g.items():
                if len(ps_list) != 1 or len(over_p[ps_list[0]]) != 1 or ps_list[0] == gs:
                    continue
                ps = ps_list[0]
                c["one_to_one_wrong"] += 1
                if punct_only(doc, ps, gs):
                    c["punct_only"] += 1  # the scorer compares words: no error there
                    continue
                # each edge off the gold one: which way, by how many tokens, at which word
                for edge, side, later, earlier in ((0, "start", "start_late", "start_early"),
                                                   (1, "end", "end_late", "end_early")):
                    if ps[edge] == gs[edge]:
                        continue
                    kind = later if ps[edge] > gs[edge] else earlier
                    first = min(ps[edge], gs[edge])
                    n = abs(ps[edge] - gs[edge])
                    words[kind][_tok(doc, first)[0]] += 1
                    pos[kind][_tok(doc, first)[1]] += 1
                    size[kind][str(n) if n <= window else f">{window}"] += 1
                    c[f"{side}_within_window"] += n <= window
                c["start_only" if ps[1] == gs[1] else "end_only" if ps[0] == gs[0] else "both_ends"] += 1
        row: dict[str, Any] = {key: c[key] for key in COUNTS}
        row["exact_recall"] = round(c["exact"] / c["gold"], 4) if c["gold"] else None
        row["exact_precision"] = round(c["exact"] / c["predicted"], 4) if c["predicted"] else None
        row["boundaries"] = {k: {"count": sum(size[k].values()), "by_size": dict(size[k].most_common()),
                                 "by_pos": dict(pos[k].most_common()), "by_word": dict(words[k].most_common(TOP))}
                             for k in words}
        out[label] = row
    missed_by_class: Counter = Counter()
    gold_by_class: Counter = Counter()
    no_source = Counter()
    for doc, attrs, pred in zip(docs, attributions, preds):
        contents = [(s, e) for lab, s, e in pred if lab == "CONTENT"]
        for attr in attrs:
            tok = char_tokens(doc, attr.get("content", {}).get("spans", []))
            cue = char_tokens(doc, attr.get("cue", {}).get("spans", []))
            if not tok:
                continue
            kind = cue_kind(doc, cue[0][0], cue[0][1], lex) if cue else "no cue"
            found = any(s < ge and gs < e for s, e in contents for gs, ge in tok)
            gold_by_class[kind] += 1
            missed_by_class[kind] += not found
            if not attr.get("source", {}).get("spans"):
                no_source["gold"] += 1
                no_source["content_found"] += found
    out["content_missed_by_cue_class"] = {k: {"gold": gold_by_class[k], "missed": missed_by_class[k]}
                                          for k, _ in gold_by_class.most_common()}
    out["no_source_attributions"] = dict(no_source)
    return out


def char_tokens(doc: Doc, spans: list[list[int]]) -> list[tuple[int, int]]:
    """The token spans of gold char spans (each widened to whole tokens; none left empty)."""
    out = []
    for start, end in spans:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and len(span):
            out.append((span.start, span.end))
    return out


def analyse(bench_dir: Path = BENCH_DIR, folds: int = 2, cache: Path | None = None,
            out_path: Path = REPORT_PATH, **kwargs: Any) -> dict[str, Any]:
    """Run (or read from ``cache``) the cross-validated predictions and write their error counts
    to ``out_path``."""
    t0 = time.time()
    docs, base_spans, preds, runs = cross_predict(bench_dir, folds=folds, cache=cache, **kwargs)
    golds_raw = [g for _, g in read_split(bench_dir, "train")]
    golds = [gold_token_spans(doc, g) for doc, g in zip(docs, base_spans)]
    report = {"data": f"{bench_dir}/train ({len(docs)} articles), {folds}-fold cross-validation: each fold's "
                      f"predictions come from a tagger trained on the other folds",
              "runs": runs, "minutes": round((time.time() - t0) / 60, 2),
              "tagger": error_counts(docs, golds, [p[0] for p in preds],
                                     [g["attributions"] for g in golds_raw], load_lexicon())}
    out_path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", type=Path, default=BENCH_DIR)
    ap.add_argument("--folds", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--max-minutes", type=float, default=FOLD_MAX_MINUTES, help="training time per fold at most")
    ap.add_argument("--cache", type=Path, default=default_cache_dir())
    ap.add_argument("--out", type=Path, default=REPORT_PATH)
    args = ap.parse_args(argv)
    report = analyse(args.bench, args.folds, args.cache, args.out, epochs=args.epochs, max_minutes=args.max_minutes)
    print(json.dumps(report["runs"], indent=2))


if __name__ == "__main__":
    main()
