"""Subcommand ``claims serve``: the extraction flow as a nightly Prefect deployment."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipeline.arguments import positive_int
from pipeline.runtime import prefect_defaults


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the extraction flow on a cron schedule until interrupted."""
    if not Path(args.input).exists():
        print(f"claims serve: input {args.input!r} does not exist", file=sys.stderr)
        return 2
    prefect_defaults()
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


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``serve`` to the ``claims`` command."""
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
