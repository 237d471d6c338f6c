"""The ``claims`` command line.

Exit codes are :class:`pipeline.errors.ExitCode`: 0 success; 1 the run failed; 2 wrong usage or
input path; 3 the run finished but rejected some input records (see the dataset's ``rejects``
table); 4 another run holds the output directory's lock; 130 / 143 stopped by SIGINT (Ctrl-C) /
SIGTERM. A :class:`pipeline.errors.ClaimsError` that reaches :func:`main` is printed with its
command's name and ends the command with the error's exit code: that is the one place errors
become exit codes.
"""
from __future__ import annotations

import argparse
import atexit
import importlib
import os
import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from pipeline.config import RunOptions
    from pipeline.flows.runners import RunnerSpec

from pipeline.arguments import positive_int
from pipeline.errors import ClaimsError, ExitCode
from pipeline.runtime import prefect_defaults

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_REJECTS, EXIT_LOCKED = (ExitCode.OK, ExitCode.FAILED, ExitCode.USAGE,
                                                             ExitCode.REJECTS, ExitCode.LOCKED)

# Modules that add subcommands: each defines ``register(subparsers) -> None`` and sets
# ``func`` on its parser (a callable taking the parsed args and returning an exit code).
COMMAND_MODULES: tuple[str, ...] = (
    "pipeline.flows.commands",
    "pipeline.evaluate.commands",
    "pipeline.explore.commands",
)


def out_problem(out: Path) -> str | None:
    """Why ``out`` cannot be a dataset directory (a file, or a path under a file), or None."""
    if out.exists() and not out.is_dir():
        return f"--out {str(out)!r} is a file, not a folder; give a folder for the dataset"
    for parent in out.parents:
        if parent.exists():
            if not parent.is_dir():
                return f"--out {str(out)!r} is under {str(parent)!r}, which is a file; give a folder for the dataset"
            break
    return None


class Stopped(KeyboardInterrupt):
    """The run was asked to stop by a signal (SIGINT or SIGTERM)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGINT and SIGTERM stop the run: running batches stop after the article in hand and a
    ``Stopped`` is raised in the main thread (once; a second signal only waits for it)."""
    def handler(signum: int, frame: object) -> None:
        batch = sys.modules.get("pipeline.stage.batch")
        if batch is not None:
            batch.STOP.set()
        if not getattr(handler, "fired", False):
            handler.fired = True
            raise Stopped(signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _stopped_message(stop: Stopped, out: Path) -> str:
    """What a signal left published, in words."""
    extract = sys.modules.get("pipeline.flows.extract")
    summary = extract.PUBLISHED.get(str(out.resolve())) if extract else None
    if summary is not None:
        return (f"claims run: stopped by {signal.Signals(stop.signum).name} after run {summary.run_id} was published: "
                f"{out} is whole and current")
    dataset = sys.modules.get("pipeline.export.dataset")
    version = dataset.current_version(out) if dataset else None
    kept = f"{out} still holds version {version.name}" if version else f"{out} holds no version yet"
    return f"claims run: stopped by {signal.Signals(stop.signum).name}: nothing was published; {kept}, unchanged"


def cmd_run(args: argparse.Namespace) -> int:
    """Run the extraction flow over a corpus."""
    if not Path(args.input).exists():
        print(f"claims run: input {args.input!r} does not exist (give a file or folder of .txt, .html, .jsonl, .csv, "
              ".json, .parquet or .warc, any of them compressed)", file=sys.stderr)
        return EXIT_USAGE
    from pipeline.config import run_options

    # Read once here, to refuse a bad config before anything slow; the flow reads it from the cache.
    options = run_options(args.config, batch_size=args.batch_size, n_process=args.n_process,
                          task_batch=args.task_batch, missing=args.missing, follow_links=args.follow_links,
                          fields=args.fields)
    out = Path(args.out)
    problem = out_problem(out)
    if problem:
        print(f"claims run: {problem}", file=sys.stderr)
        return EXIT_USAGE
    prefect_defaults()
    from pipeline.export.lock import locked
    from pipeline.flows.runners import parse_runner

    try:
        spec = parse_runner(args.task_runner)
    except ValueError as exc:
        print(f"claims run: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        with stop_on_signals(), locked(out, wait=args.wait):  # refuse a locked output before anything slow
            return _run(args, spec, options)
    except PermissionError as exc:
        print(f"claims run: cannot write the dataset in {out}: {exc.strerror} ({exc.filename})", file=sys.stderr)
        return EXIT_FAILED
    except Stopped as stop:
        print(_stopped_message(stop, out), file=sys.stderr)
        return 128 + stop.signum


def _run(args: argparse.Namespace, spec: "RunnerSpec", options: "RunOptions") -> int:
    """``claims run`` once the output's lock is held."""
    from pipeline.flows.server import early_server

    # The Prefect server boots in its own process while this one imports Prefect and, for a
    # local run, loads the pipeline in a thread: most of a small nightly run's start-up overlaps.
    with early_server(wait_on_stop=not _EXITING_AFTER) as server:
        if spec.kind == "local" and options.n_process == 1:  # else the run's worker processes load it
            from pipeline.nlp import warm_up_in_background

            warm_up_in_background(args.config)
        from pipeline.flows.extract import extract_corpus, preload, summary_json

        preload()
        server.ready()
        with server.run_settings():
            summary = extract_corpus(
                input_path=str(args.input), out_dir=str(args.out), config_path=args.config,
                batch_size=args.batch_size, n_process=args.n_process, task_batch=args.task_batch,
                missing=args.missing, wait=args.wait, progress=not args.no_progress,
                task_runner=args.task_runner, follow_links=args.follow_links,
                fields=args.fields)
    print(summary_json(summary))
    return EXIT_REJECTS if summary.rejected else EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    """Print the data dictionary."""
    from pipeline.schema import data_dictionary_markdown

    print(data_dictionary_markdown())
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="claims", description="Extract who said what (and the figures, dates and places involved) from news articles.",
        epilog=ExitCode.describe() + " A stopped run leaves nothing half-written.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="extract claims from a corpus into a parquet dataset",
                         description="Extract claims from a file or folder (.txt, .html, .jsonl, .csv, .json, .parquet, .warc; also .gz, .zst, .bz2) into a parquet "
                                     "dataset. Only new or changed articles are processed on a re-run.")
    run.add_argument("input", nargs="?", default="corpus", help="file or folder to read (default: corpus)")
    run.add_argument("--out", default="outputs/dataset", help="dataset directory (default: outputs/dataset)")
    run.add_argument("--config", default=None, help="pipeline config TOML (default: models/pipeline.toml)")
    run.add_argument("--batch-size", type=positive_int, default=None, help="documents per nlp.pipe batch")
    run.add_argument("--n-process", type=positive_int, default=None, help="spaCy worker processes")
    run.add_argument("--task-batch", type=positive_int, default=None, help="articles per Prefect task")
    run.add_argument("--missing", choices=("keep", "drop"), default="keep",
                     help="what to do with articles that disappeared from the input (default: keep)")
    run.add_argument("--wait", action="store_true", help="wait for another run on the same output instead of refusing")
    run.add_argument("--task-runner", default=None,
                     help="where batches run: local (default), dask, dask:N (local cluster of N workers) or "
                          "dask:ADDRESS (an existing cluster); also $CLAIMS_TASK_RUNNER")
    run.add_argument("--fields", default=None, metavar="OURS=THEIRS,...",
                     help="input field names for ours, e.g. text=maintext,published=date_publish,id=url "
                          "(over [input] fields in the config; common crawler names are recognized without it)")
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    run.add_argument("--follow-links", action="store_true",
                     help="also read files that symbolic links in the input lead to outside it (default: skipped)")
    run.set_defaults(func=cmd_run)

    schema = sub.add_parser("schema", help="print the dataset's data dictionary (Markdown)")
    schema.set_defaults(func=cmd_schema)
    for module in COMMAND_MODULES:
        importlib.import_module(module).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``claims`` console script: runs the subcommand, and turns a
    :class:`ClaimsError` into its message on stderr and its exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ClaimsError as exc:
        print(f"claims {args.command}: {exc}", file=sys.stderr)
        return int(exc.exit_code)


# Set by console_main: the process ends as soon as the command returns.
_EXITING_AFTER = False


def console_main() -> None:
    """Entry point of the ``claims`` console script.

    After a normal return, runs the exit handlers, flushes and leaves with ``os._exit``: every
    output is written and closed by then, and letting the interpreter free a loaded spaCy
    model and gazetteer object by object would add most of a second to each run.
    """
    global _EXITING_AFTER
    _EXITING_AFTER = True
    code = main()
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    console_main()
