"""``claims benchmark``: words per second of raw spaCy vs the whole pipeline, and peak memory.

Speed: for each process count (``--n-process 1,2``), the configured base model alone
(``nlp.pipe`` over the article texts, the same batch size and process count) and then a full
``extract_corpus`` run over the same articles, in this process tree, one after the other; the
ratio of the two is what orchestration and our components cost, the speed-up over the first count
is compared with raw spaCy's own, and the main process's share of the run's CPU time is the serial
share an Amdahl projection for 16 cores is made from. Each side's CPU seconds (all its
processes) and how busy its cores were (CPU over processes times wall time) tell a speed-up
lost to work that grows with the processes from one lost to waiting or idle workers. Model
loading and the Prefect server start are excluded from both (a warm-up run first; the run's
worker processes' start is reported apart). ``--task-runner dask:N`` runs the pipeline on a local Dask cluster of N workers instead
(started, and the pipeline loaded in each worker, before the clock starts).

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
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from pipeline.export.rows import word_count
from pipeline.ingest import read_corpus
from pipeline.ingest.records import Article
from pipeline.runtime import prefect_defaults


def load_articles(input_path: str, limit: int | None = None) -> list[Article]:
    """The articles under ``input_path`` (rejects skipped), at most ``limit`` of them."""
    arts = (a for a in read_corpus(input_path) if isinstance(a, Article))
    return list(itertools.islice(arts, limit) if limit else arts)


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
    from pipeline.nlp import load_config
    from pipeline.nlp.base_model import load_base_model

    model = load_config(config_path)["model"]
    nlp = load_base_model(model["name"], model.get("exclude"))
    list(nlp.pipe([articles[0].text[:2000]]))
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    words = sum(word_count(d) for d in nlp.pipe((a.text for a in articles), batch_size=batch_size, n_process=n_process))
    seconds = time.perf_counter() - t0
    cpu = sum(b - a for a, b in zip(cpu0, cpu_seconds()))
    return {"words": words, "seconds": seconds, "words_per_second": words / seconds, "cpu_seconds": cpu,
            "busy": busy_share(cpu, n_process, seconds)}


def busy_share(cpu: float, n_process: int, seconds: float) -> float:
    """How busy ``n_process`` cores were over ``seconds`` of wall time that used ``cpu`` CPU
    seconds in all (1.0: every core all the time; lower: waiting, or workers out of work)."""
    return cpu / (n_process * seconds) if seconds > 0 else 0.0


def _usage_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def cpu_seconds() -> tuple[float, float]:
    """CPU seconds (user + system) of this process and of its finished, waited-for children."""
    return _usage_seconds(resource.RUSAGE_SELF), _usage_seconds(resource.RUSAGE_CHILDREN)


def whole_pipeline(jsonl: Path, config_path: str | None, batch_size: int, n_process: int,
                   workdir: Path, task_runner: str | None = None, task_batch: int | None = None,
                   attempt: int = 0, worker_cpu: Callable[[], float] | None = None) -> dict[str, float]:
    """Words/s of a full ``extract_corpus`` run over ``jsonl`` (with a freshly loaded pipeline,
    after a warm-up run of one article), and the main process's share of the run's CPU time.

    ``seconds`` leaves out the start of the run's worker processes (``worker_start_seconds``,
    their pipeline loading, as model loading is left out at one process); ``seconds_with_start``
    keeps it. CPU time counts this process and the worker processes (finished by the end of the
    run, less what they took to start and load the pipeline; or, with ``worker_cpu``, what that
    returns: the CPU seconds of workers that outlive the run), not the Prefect server started by
    the warm-up run. ``busy``: that CPU time over ``n_process`` times ``seconds``.
    """
    from pipeline.flows.extract import extract_corpus
    from pipeline.nlp import unload_pipelines

    # every attempt starts from a freshly loaded pipeline, as raw spaCy's does from a freshly
    # loaded model: an attempt after another one would find the vocabulary and the lemmatizer's
    # cache filled by it, which neither raw spaCy nor a new worker process has
    unload_pipelines()
    warm = workdir / "warm.jsonl"
    with open(jsonl, encoding="utf-8") as src:
        warm.write_text(src.readline(), encoding="utf-8")
    out = workdir / f"out-{task_runner or 'local'}-{n_process}-{attempt}".replace(":", "_")  # new: all articles processed
    extract_corpus(str(warm), str(out) + "-warm", config_path=config_path, batch_size=batch_size,
                   n_process=n_process, task_runner=task_runner)
    w0 = worker_cpu() if worker_cpu else 0.0
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    summary = extract_corpus(str(jsonl), str(out), config_path=config_path, batch_size=batch_size,
                             n_process=n_process, task_runner=task_runner, task_batch=task_batch)
    wall = time.perf_counter() - t0
    main_cpu, child_cpu = (b - a for a, b in zip(cpu0, cpu_seconds()))
    child_cpu -= summary.worker_start_cpu_seconds  # their start is left out, as their start's seconds are
    if worker_cpu:
        child_cpu += worker_cpu() - w0
    seconds = wall - summary.worker_start_seconds
    return {"words": summary.words, "seconds": seconds, "words_per_second": summary.words / seconds,
            "cpu_seconds": main_cpu + child_cpu, "busy": busy_share(main_cpu + child_cpu, n_process, seconds),
            "seconds_with_start": wall, "worker_start_seconds": summary.worker_start_seconds,
            "flow_seconds": summary.seconds, "articles": summary.processed,
            "main_cpu_seconds": main_cpu, "worker_cpu_seconds": child_cpu,
            "main_cpu_share": main_cpu / (main_cpu + child_cpu) if main_cpu + child_cpu else 1.0}


def _process_cpu_seconds() -> float:
    """CPU seconds (user + system) of the calling process (run in every Dask worker)."""
    return _usage_seconds(resource.RUSAGE_SELF)


@contextmanager
def warm_dask_cluster(n_workers: int, config_path: str | None) -> Iterator[tuple[str, Callable[[], float], float]]:
    """A local Dask cluster of ``n_workers`` one-thread worker processes (as ``dask:N`` starts
    them: :func:`pipeline.flows.runners.start_local_cluster`), each with the pipeline loaded and
    warmed up (as the local worker processes are before their run is timed).

    Yields its runner spec (``dask:ADDRESS``), a function giving the CPU seconds its workers have
    used so far, and the seconds the cluster took to start and load the pipeline."""
    from distributed import Client

    from pipeline.flows.runners import local_cluster_kwargs, start_local_cluster
    from pipeline.nlp import warm_up

    t0 = time.perf_counter()
    with start_local_cluster(**local_cluster_kwargs(n_workers)) as cluster, Client(cluster) as client:
        client.run(warm_up, config_path)
        start = time.perf_counter() - t0
        yield (f"dask:{cluster.scheduler_address}", lambda: sum(client.run(_process_cpu_seconds).values()),
               start)


def amdahl(serial_share: float, cores: int) -> float:
    """Amdahl's projected speed-up on ``cores`` when ``serial_share`` of the work does not parallelize."""
    return 1.0 / (serial_share + (1.0 - serial_share) / cores)


_DIGITS = {"main_cpu_share": 4, "busy": 4, "cpu_seconds": 3, "seconds": 3}  # decimals of the speed report's figures (others: 1)


def parse_counts(text: str | int) -> list[int]:
    """``"1,2"`` -> ``[1, 2]`` (process counts for the benchmark; each at least 1)."""
    counts = [int(x) for x in str(text).split(",") if x.strip()]
    if not counts or any(c < 1 for c in counts):
        raise ValueError(f"--n-process takes process counts of at least 1, e.g. 1,2; not {text!r}")
    return counts


def measure_speed(articles: list[Article], jsonl: Path, config_path: str | None, batch_size: int,
                  counts: list[int], workdir: Path, task_runner: str | None = None,
                  project_cores: int = 16, repeat: int = 1) -> dict[str, Any]:
    """Raw spaCy and pipeline words/s at each process count; ratio, speed-up over the first count,
    main-process CPU share, and an Amdahl projection for ``project_cores`` from the share measured
    at the largest count (a projection, not a measurement).

    With ``repeat`` > 1, raw spaCy and the pipeline are timed that many times each, one after
    the other in turn, and the fastest run of each is kept (as ``timeit`` keeps the best: the
    slower runs measure what else the machine was doing); ``attempts`` lists every run's words/s.
    On a machine whose speed drifts, the ratio of each attempt's pipeline to the raw run just
    before it (``paired_ratios``) compares runs made in the same state; their median is the
    steadier figure.

    With a Dask ``task_runner`` (``dask:N``, N added to the counts), each count means that many
    Dask workers of one process each on this machine; the flow cuts each batch into tasks for
    them as it does on any cluster. Each attempt gets a new local cluster whose workers have
    loaded the pipeline before the clock starts (:func:`warm_dask_cluster`; its start is reported
    apart, as the local worker processes' is) and one Prefect server shared by the flow and the
    workers (:func:`pipeline.flows.runners.shared_api`); with ``dask:ADDRESS`` the given cluster
    is used as it is.
    """
    from pipeline.flows.runners import parse_runner, shared_api

    spec = parse_runner(task_runner)
    if spec.kind == "dask" and spec.workers and spec.workers not in counts:
        counts = sorted({*counts, spec.workers})
    runs = []
    for n in counts:
        runner, n_process, task_batch = None, n, None
        if spec.kind == "dask":
            runner = task_runner if spec.address else f"dask:{n}"
            n_process = 1
        raws, fulls = [], []
        for attempt in range(max(1, repeat)):
            raws.append(raw_spacy(articles, config_path, batch_size, n))
            if spec.kind == "dask" and not spec.address:
                # one Prefect server for the flow and the workers, as a run on a cluster of its own has
                with shared_api(spec), warm_dask_cluster(n, config_path) as (address, worker_cpu, start):
                    full = whole_pipeline(jsonl, config_path, batch_size, n_process, workdir, address, task_batch,
                                          attempt, worker_cpu)
                full.update(worker_start_seconds=start, seconds_with_start=full["seconds"] + start)
                fulls.append(full)
                continue
            fulls.append(whole_pipeline(jsonl, config_path, batch_size, n_process, workdir, runner, task_batch,
                                        attempt))
        raw = max(raws, key=lambda r: r["words_per_second"])
        full = max(fulls, key=lambda r: r["words_per_second"])
        paired = [f["words_per_second"] / r["words_per_second"] for r, f in zip(raws, fulls)]
        runs.append({"n_process": n, "task_runner": runner or "local",
                     "attempts": {"raw_spacy": [round(r["words_per_second"], 1) for r in raws],
                                  "pipeline": [round(r["words_per_second"], 1) for r in fulls]},
                     "raw_spacy": {k: round(v, _DIGITS.get(k, 1)) for k, v in raw.items()},
                     "pipeline": {k: round(v, _DIGITS.get(k, 1)) for k, v in full.items()},
                     "ratio": round(full["words_per_second"] / raw["words_per_second"], 3),
                     "paired_ratios": [round(x, 3) for x in paired],
                     "paired_ratio_median": round(statistics.median(paired), 3)})
    base = runs[0]
    for r in runs:
        raw_up = r["raw_spacy"]["words_per_second"] / base["raw_spacy"]["words_per_second"]
        pipe_up = r["pipeline"]["words_per_second"] / base["pipeline"]["words_per_second"]
        r["raw_speedup"], r["pipeline_speedup"] = round(raw_up, 3), round(pipe_up, 3)
        r["speedup_vs_raw"] = round(pipe_up / raw_up, 3)
    report: dict[str, Any] = {"runs": runs}
    parallel = [r for r in runs if r["n_process"] > 1]
    if parallel:
        share = parallel[-1]["pipeline"]["main_cpu_share"]
        report["projection"] = {"cores": project_cores, "serial_share": share,
                                "amdahl_speedup": round(amdahl(share, project_cores), 2)}
    return report


def print_speed(report: dict[str, Any]) -> None:
    """The speed report as a table."""
    print(f"{'processes':>9} {'runner':>8} {'raw words/s':>12} {'pipeline':>10} {'ratio':>6} "
          f"{'raw x':>6} {'pipe x':>6} {'main CPU':>8} {'start s':>7} {'raw CPU s':>9} {'pipe CPU s':>10} "
          f"{'raw busy':>8} {'pipe busy':>9}")
    for r in report["runs"]:
        p, raw = r["pipeline"], r["raw_spacy"]
        print(f"{r['n_process']:>9} {r['task_runner']:>8} {raw['words_per_second']:>12,.0f} "
              f"{p['words_per_second']:>10,.0f} {r['ratio']:>6.2f} {r['raw_speedup']:>6.2f} "
              f"{r['pipeline_speedup']:>6.2f} {100 * p['main_cpu_share']:>7.1f}% {p['worker_start_seconds']:>7.1f} "
              f"{raw['cpu_seconds']:>9.1f} {p['cpu_seconds']:>10.1f} {100 * raw['busy']:>7.0f}% {100 * p['busy']:>8.0f}%")
    for r in report["runs"]:
        tried = r.get("attempts", {})
        if len(tried.get("pipeline", [])) > 1:
            print(f"{r['n_process']:>9} process(es), every attempt (the fastest is kept): raw "
                  + ", ".join(f"{w:,.0f}" for w in tried["raw_spacy"]) + "; pipeline "
                  + ", ".join(f"{w:,.0f}" for w in tried["pipeline"])
                  + "; ratio of each pair " + ", ".join(f"{x:.2f}" for x in r["paired_ratios"])
                  + f" (median {r['paired_ratio_median']:.2f})")
    if "projection" in report:
        pr = report["projection"]
        print(f"projection (Amdahl, not measured): {pr['cores']} cores -> {pr['amdahl_speedup']:.1f}x "
              f"from a serial (main-process) share of {100 * pr['serial_share']:.1f}%")


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
    prefect_defaults("WARNING")
    from pipeline.config import run_options

    batch_size = run_options(args.config, batch_size=args.batch_size).batch_size
    articles = load_articles(args.input, args.limit)
    if not articles:
        print(f"claims benchmark: no articles in {args.input}", file=sys.stderr)
        return 2
    try:
        counts = parse_counts(args.n_process)
    except ValueError as exc:
        print(f"claims benchmark: {exc}", file=sys.stderr)
        return 2
    n_process = counts[0]  # for the nightly, reader and memory measurements
    report: dict[str, Any] = {"input": args.input, "articles": len(articles), "n_process": counts,
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
                                                n_process)
        if not args.skip_speed:
            speed = measure_speed(articles, jsonl, args.config, batch_size, counts, Path(tmp),
                                  getattr(args, "task_runner", None), repeat=getattr(args, "repeat", 1))
            report.update({k: speed["runs"][0][k] for k in ("raw_spacy", "pipeline", "ratio")})
            report["speed"] = speed
        if getattr(args, "readers", False):
            from pipeline.evaluate.reader_speed import measure_readers

            report["readers"] = measure_readers(articles, args.config, batch_size, n_process, Path(tmp))
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        if sizes:
            mem = measure_memory(Path(args.input).resolve() if args.limit is None else jsonl, sizes, args.config,
                                 n_process, args.memory_chars)
            report["memory"] = mem
            report["memory_growth"] = round(mem[-1]["peak_rss_mb"] / mem[0]["peak_rss_mb"], 3)
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"{report['articles']} articles, n_process={','.join(map(str, counts))}, batch_size={batch_size}")
    if "speed" in report:
        print_speed(report["speed"])
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
