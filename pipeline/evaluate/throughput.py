"""``claims benchmark``: words per second of raw spaCy vs the whole pipeline, and peak memory.

Speed: the configured base model alone (``nlp.pipe`` over the article texts, the same batch size
and process count) and then a full ``extract_corpus`` run over the same articles, in this
process tree, one after the other; the ratio of the two is what orchestration and our components
cost. Model loading and the Prefect server start are excluded from both (a warm-up run first).

Nightly: a full ``claims run`` over the articles and then, with a fraction of new articles
added (1 % by default), a second ``claims run`` that processes only those, each timed from
process start to exit (imports, Prefect server and model loading included); the second's share
of the first is what a nightly refresh costs.

Memory: for each size, a child process runs the whole flow over the articles repeated (with new
ids) up to that many, and reports its peak resident memory (``getrusage``), so the sizes do not
share a high-water mark.
"""
from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterable, Iterator

from pipeline.ingest import read_corpus
from pipeline.ingest.records import Article


def load_articles(input_path: str, limit: int | None = None) -> list[Article]:
    """The articles under ``input_path`` (rejects skipped), at most ``limit`` of them."""
    arts = (a for a in read_corpus(input_path) if isinstance(a, Article))
    return list(itertools.islice(arts, limit) if limit else arts)


def word_count(doc: Any) -> int:
    """Words as the dataset counts them (``articles.n_words``): tokens that are not punctuation or space."""
    return sum(1 for t in doc if not (t.is_punct or t.is_space))


def write_jsonl(articles: Iterable[Article], path: Path) -> int:
    """Write articles as a JSONL input file (``id, title, text, published, source, url``)."""
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for a in articles:
            fh.write(json.dumps({"id": a.doc_id, "title": a.title, "text": a.text, "published": a.published,
                                 "source": a.source, "url": a.url}, ensure_ascii=False) + "\n")
            n += 1
    return n


def repeated(articles: list[Article], size: int, max_chars: int | None = None) -> Iterator[Article]:
    """``size`` articles cycling through ``articles``, each copy with its own id (so all are new)."""
    for i in range(size):
        a = articles[i % len(articles)]
        copy = i // len(articles)
        doc_id = a.doc_id if copy == 0 else f"{a.doc_id}~{copy}"
        text = a.text[:max_chars] if max_chars else a.text
        yield Article(**{**a.__dict__, "doc_id": doc_id, "text": text})


def raw_spacy(articles: list[Article], config_path: str | None, batch_size: int, n_process: int) -> dict[str, float]:
    """Words/s of the configured base model alone (loaded before the clock starts)."""
    from pipeline.nlp import _load_base_model, load_config

    model = load_config(config_path)["model"]
    nlp = _load_base_model(model["name"], model.get("exclude"))
    list(nlp.pipe([articles[0].text[:2000]]))
    t0 = time.perf_counter()
    words = sum(word_count(d) for d in nlp.pipe((a.text for a in articles), batch_size=batch_size, n_process=n_process))
    seconds = time.perf_counter() - t0
    return {"words": words, "seconds": seconds, "words_per_second": words / seconds}


def whole_pipeline(jsonl: Path, config_path: str | None, batch_size: int, n_process: int,
                   workdir: Path) -> dict[str, float]:
    """Words/s of a full ``extract_corpus`` run over ``jsonl`` (after a warm-up run of one article)."""
    from pipeline.flows.extract import extract_corpus

    warm = workdir / "warm.jsonl"
    with open(jsonl, encoding="utf-8") as src:
        warm.write_text(src.readline(), encoding="utf-8")
    extract_corpus(str(warm), str(workdir / "warm-out"), config_path=config_path, batch_size=batch_size,
                   n_process=n_process)
    t0 = time.perf_counter()
    summary = extract_corpus(str(jsonl), str(workdir / "out"), config_path=config_path, batch_size=batch_size,
                             n_process=n_process)
    seconds = time.perf_counter() - t0
    return {"words": summary.words, "seconds": seconds, "words_per_second": summary.words / seconds,
            "flow_seconds": summary.seconds, "articles": summary.processed}


def memory_child(jsonl: str, size: int, config_path: str | None, n_process: int, max_chars: int | None) -> dict:
    """(Runs in a child process.) A full run over ``size`` articles; returns time and peak memory."""
    from pipeline.flows.extract import extract_corpus

    with tempfile.TemporaryDirectory(prefix="claims-bench-") as tmp:
        corpus = Path(tmp) / f"corpus-{size}.jsonl"
        write_jsonl(repeated(load_articles(jsonl), size, max_chars), corpus)
        t0 = time.perf_counter()
        summary = extract_corpus(str(corpus), str(Path(tmp) / "out"), config_path=config_path, n_process=n_process)
        seconds = time.perf_counter() - t0
    return {"size": size, "processed": summary.processed, "words": summary.words, "seconds": round(seconds, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "children_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)}


def measure_memory(jsonl: Path, sizes: list[int], config_path: str | None, n_process: int,
                   max_chars: int | None) -> list[dict]:
    """Run :func:`memory_child` in a fresh process per size; their reports, in order."""
    reports = []
    for size in sizes:
        cmd = [sys.executable, "-m", "pipeline.evaluate.throughput", "--memory-child", str(jsonl), str(size),
               "--n-process", str(n_process)]
        if config_path:
            cmd += ["--config", config_path]
        if max_chars:
            cmd += ["--memory-chars", str(max_chars)]
        env = {**os.environ, "PREFECT_LOGGING_LEVEL": "WARNING"}
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"memory run at {size} articles failed:\n{proc.stderr[-3000:]}")
        reports.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return reports


def timed_cli_run(corpus: Path, out: Path, config_path: str | None, n_process: int) -> dict[str, Any]:
    """Wall time of one ``claims run`` in a child process, and its run summary."""
    cmd = [sys.executable, "-m", "pipeline.cli", "run", str(corpus), "--out", str(out), "--no-progress",
           "--n-process", str(n_process)]
    if config_path:
        cmd += ["--config", config_path]
    env = {**os.environ, "PREFECT_LOGGING_LEVEL": "WARNING"}
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - t0
    if proc.returncode not in (0, 3):
        raise RuntimeError(f"claims run exited with {proc.returncode}:\n{proc.stderr[-3000:]}")
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"seconds": round(seconds, 2), "processed": summary["processed"], "unchanged": summary["unchanged"],
            "words": summary["words"]}


def measure_nightly(articles: list[Article], workdir: Path, fraction: float, config_path: str | None,
                    n_process: int, pause: float = 5.0) -> dict[str, Any]:
    """A full run, a re-run with nothing new, and a run with ``fraction`` new articles; their wall times.

    ``pause`` seconds pass between runs, as between two nightly runs: a run's temporary Prefect
    server is still shutting down for a moment after the command returns.
    """
    corpus = workdir / "nightly.jsonl"
    out = workdir / "nightly-out"
    write_jsonl(articles, corpus)
    full = timed_cli_run(corpus, out, config_path, n_process)
    time.sleep(pause)
    unchanged = timed_cli_run(corpus, out, config_path, n_process)
    time.sleep(pause)
    n_new = max(1, math.ceil(fraction * len(articles)))
    # New articles: the corpus's own, spread over it, under new ids (as costly as any other).
    step = max(1, len(articles) // n_new)
    fresh = [Article(**{**a.__dict__, "doc_id": f"{a.doc_id}~new"}) for a in articles[::step][:n_new]]
    write_jsonl(articles + fresh, corpus)
    nightly = timed_cli_run(corpus, out, config_path, n_process)
    return {"full": full, "nothing_new": unchanged, "new_articles": n_new, "nightly": nightly,
            "nightly_share": round(nightly["seconds"] / full["seconds"], 4)}


def main_benchmark(args: argparse.Namespace) -> int:
    """The ``claims benchmark`` command."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from pipeline.nlp import load_config

    batch_size = args.batch_size or load_config(args.config).get("run", {}).get("batch_size", 32)
    articles = load_articles(args.input, args.limit)
    if not articles:
        print(f"claims benchmark: no articles in {args.input}", file=sys.stderr)
        return 2
    report: dict[str, Any] = {"input": args.input, "articles": len(articles), "n_process": args.n_process,
                              "batch_size": batch_size}
    if getattr(args, "scaling", False):
        from pipeline.evaluate.scaling import measure_scaling, print_scaling

        sizes = [int(s) for s in args.scaling_sizes.split(",") if s.strip()]
        report["scaling"] = measure_scaling(articles, sizes, args.config)
        if args.json:
            print(json.dumps(report))
        else:
            print_scaling(report["scaling"])
        return 0
    with tempfile.TemporaryDirectory(prefix="claims-bench-") as tmp:
        jsonl = Path(tmp) / "input.jsonl"
        write_jsonl(articles, jsonl)
        # First, while no Prefect server of this process runs beside the timed commands.
        if args.nightly:
            every = load_articles(args.input) if args.limit else articles  # --limit is for the speed test
            report["nightly"] = measure_nightly(every, Path(tmp), args.nightly_fraction, args.config,
                                                args.n_process)
        if not args.skip_speed:
            raw = raw_spacy(articles, args.config, batch_size, args.n_process)
            full = whole_pipeline(jsonl, args.config, batch_size, args.n_process, Path(tmp))
            report["raw_spacy"] = {k: round(v, 1) for k, v in raw.items()}
            report["pipeline"] = {k: round(v, 1) for k, v in full.items()}
            report["ratio"] = round(full["words_per_second"] / raw["words_per_second"], 3)
        if getattr(args, "readers", False):
            from pipeline.evaluate.reader_speed import measure_readers

            report["readers"] = measure_readers(articles, args.config, batch_size, args.n_process, Path(tmp))
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        if sizes:
            mem = measure_memory(Path(args.input).resolve() if args.limit is None else jsonl, sizes, args.config,
                                 args.n_process, args.memory_chars)
            report["memory"] = mem
            report["memory_growth"] = round(mem[-1]["peak_rss_mb"] / mem[0]["peak_rss_mb"], 3)
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"{report['articles']} articles, n_process={args.n_process}, batch_size={batch_size}")
    if "ratio" in report:
        r, p = report["raw_spacy"], report["pipeline"]
        print(f"raw nlp.pipe     {r['words_per_second']:>9,.0f} words/s  ({r['words']:,.0f} words in {r['seconds']:.1f} s)")
        print(f"whole pipeline   {p['words_per_second']:>9,.0f} words/s  ({p['words']:,.0f} words in {p['seconds']:.1f} s)")
        print(f"ratio            {report['ratio']:.2f}")
    if "readers" in report:
        from pipeline.evaluate.reader_speed import print_readers

        print_readers(report["readers"])
    for m in report.get("memory", []):
        print(f"{m['size']:>6} articles: peak RSS {m['peak_rss_mb']:,.0f} MB (children {m['children_peak_rss_mb']:,.0f} MB), "
              f"{m['words']:,} words in {m['seconds']} s")
    if "nightly" in report:
        n = report["nightly"]
        print(f"full run         {n['full']['seconds']:>9.1f} s  ({n['full']['processed']} articles, wall clock of `claims run`)")
        print(f"nothing new      {n['nothing_new']['seconds']:>9.1f} s")
        print(f"{n['new_articles']} new articles  {n['nightly']['seconds']:>9.1f} s  "
              f"= {100 * n['nightly_share']:.1f} % of the full run")
    if "memory_growth" in report:
        print(f"memory growth    {report['memory_growth']:.2f}x from {report['memory'][0]['size']} "
              f"to {report['memory'][-1]['size']} articles")
    return 0


def _child_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pipeline.evaluate.throughput")
    parser.add_argument("--memory-child", nargs=2, metavar=("JSONL", "SIZE"), required=True)
    parser.add_argument("--config", default=None)
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument("--memory-chars", type=int, default=None)
    args = parser.parse_args(argv)
    print(json.dumps(memory_child(args.memory_child[0], int(args.memory_child[1]), args.config, args.n_process,
                                  args.memory_chars)))
    return 0


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:]))
