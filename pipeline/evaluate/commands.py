"""Subcommand ``claims benchmark``: throughput, memory, nightly cost, readers and scaling."""
from __future__ import annotations

import argparse

from pipeline.arguments import positive_int


def cmd_benchmark(args: argparse.Namespace) -> int:
    """Measure words per second (raw spaCy vs the whole pipeline) and peak memory per corpus size."""
    from pipeline.evaluate.throughput import main_benchmark

    return main_benchmark(args)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``benchmark`` to the ``claims`` command."""
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
    bench.add_argument("--repeat", type=positive_int, default=1,
                       help="time raw spaCy and the pipeline this many times each, in turn, and keep the fastest "
                            "of each (default 1; 3 on a machine that is not quiet)")
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
