"""Subcommands ``claims serve`` (nightly deployment) and ``claims benchmark`` (throughput, memory)."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the extraction flow on a cron schedule until interrupted."""
    if not Path(args.input).exists():
        print(f"claims serve: input {args.input!r} does not exist", file=sys.stderr)
        return 2
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from pipeline.flows.deploy import build_deployment, serve_deployment
    from pipeline.flows.runners import ENV_VAR, parse_runner

    try:
        parse_runner(args.task_runner)
        deployment = build_deployment(args.input, args.out, cron=args.cron, timezone=args.timezone,
                                      name=args.name, config_path=args.config, missing=args.missing,
                                      task_runner=args.task_runner, n_process=args.n_process)
    except ValueError as exc:
        print(f"claims serve: {exc}", file=sys.stderr)
        return 2
    if args.task_runner:
        os.environ[ENV_VAR] = args.task_runner
    print(f"claims serve: deployment 'extract_corpus/{args.name}' runs on '{args.cron}' "
          f"({args.timezone or 'UTC'}); Ctrl-C to stop", file=sys.stderr)
    serve_deployment(deployment, port=args.port)
    return 0


def cmd_benchmark(args: argparse.Namespace) -> int:
    """Measure words per second (raw spaCy vs the whole pipeline) and peak memory per corpus size."""
    from pipeline.evaluate.throughput import main_benchmark

    return main_benchmark(args)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``serve`` and ``benchmark`` to the ``claims`` command."""
    from pipeline.cli import positive_int

    serve = subparsers.add_parser(
        "serve", help="run the extraction nightly (a Prefect deployment with a cron schedule)",
        description="Serve the extraction flow as a Prefect deployment that runs on a cron schedule. Each run "
                    "is incremental. Without PREFECT_API_URL, a local Prefect server (SQLite) is started for "
                    "as long as this command runs.")
    serve.add_argument("input", help="file or folder to read at each run")
    serve.add_argument("--out", default="outputs/dataset", help="dataset directory (default: outputs/dataset)")
    serve.add_argument("--cron", default="0 2 * * *", help="cron schedule (default: '0 2 * * *', 02:00 nightly)")
    serve.add_argument("--timezone", default=None, help="time zone of the schedule (default: UTC)")
    serve.add_argument("--name", default="nightly", help="deployment name (default: nightly)")
    serve.add_argument("--config", default=None, help="pipeline config TOML (default: models/pipeline.toml)")
    serve.add_argument("--missing", choices=("keep", "drop"), default="keep",
                       help="what to do with articles that disappeared from the input (default: keep)")
    serve.add_argument("--task-runner", default=None,
                       help="local (default), dask, dask:N (local cluster of N workers) or dask:ADDRESS")
    serve.add_argument("--n-process", type=positive_int, default=None, help="spaCy worker processes per batch")
    serve.add_argument("--port", type=positive_int, default=None, help="port of the local Prefect server (default: any free)")
    serve.set_defaults(func=cmd_serve)

    bench = subparsers.add_parser(
        "benchmark", help="words per second of raw spaCy vs the whole pipeline, and peak memory by corpus size",
        description="Run raw nlp.pipe of the configured base model and then the whole pipeline over the same "
                    "articles, in one process tree; print words/s of each and their ratio; then the peak memory "
                    "of a full run at each --sizes (articles repeated to reach the size).")
    bench.add_argument("input", help="file or folder of articles (e.g. a benchmark .input.jsonl)")
    bench.add_argument("--config", default=None, help="pipeline config TOML (default: models/pipeline.toml)")
    bench.add_argument("--n-process", default="1",
                       help="process counts to measure, comma-separated, e.g. 1,2 (default 1); the nightly, "
                            "reader and memory tests use the first")
    bench.add_argument("--task-runner", default=None,
                       help="dask:N to time the pipeline on a local Dask cluster (as many one-process workers as "
                            "each --n-process count; N is added to the counts); default: local worker processes")
    bench.add_argument("--batch-size", type=int, default=None, help="nlp.pipe batch size (default: config)")
    bench.add_argument("--limit", type=int, default=None, help="use only the first N articles for the speed test")
    bench.add_argument("--sizes", default="1000,10000",
                       help="corpus sizes for the memory test, comma-separated; empty to skip (default 1000,10000)")
    bench.add_argument("--memory-chars", type=int, default=None,
                       help="cut each article to this many characters in the memory test (quicker; default: whole)")
    bench.add_argument("--skip-speed", action="store_true", help="skip the words-per-second test")
    bench.add_argument("--nightly", action="store_true",
                       help="also time a full `claims run` and a re-run with --nightly-fraction new articles")
    bench.add_argument("--nightly-fraction", type=float, default=0.01,
                       help="share of new articles in the nightly test (default 0.01)")
    bench.add_argument("--scaling", action="store_true",
                       help="only time the NLP of one generated article per --scaling-sizes (news text and a "
                            "run of numbers) and report how the time per character grows with length")
    bench.add_argument("--scaling-sizes", default="10000,30000,100000,300000,1000000",
                       help="article lengths in characters for --scaling (default 10 KB to 1 MB)")
    bench.add_argument("--readers", action="store_true",
                       help="also time the readers alone (.jsonl.gz and .warc.gz) against the NLP stage, in articles/s")
    bench.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    bench.set_defaults(func=cmd_benchmark)
