"""The Prefect flow ``extract_corpus``: read a corpus, extract claims in batches, publish the dataset.

The flow only orchestrates: every step is a task wrapping a library function from ingest, nlp or
export. Articles go through ``nlp.pipe`` a batch at a time (one task per batch, not per article).
Batch tasks write their own parquet parts and return only counts, so the same flow runs on one
machine (with ``n_process > 1``, in worker processes started once per run: ``pipeline.flows.workers``)
or on a Dask cluster (``task_runner="dask..."``, see ``pipeline.flows.runners``); at
most a few batches are in flight at once, so memory stays flat however large the corpus.
"""
from __future__ import annotations

import errno
import importlib
import json
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext

from pipeline import __version__
from pipeline.config import RunOptions, run_options
from pipeline.errors import ClaimsError
from pipeline.export.corpus_tables import build_corpus_tables
from pipeline.export.dataset import (DatasetWriteError, VersionWriter, clean_stale, current_version, locked,
                                     new_run_id, quarantine, read_table, recover_current)
from pipeline.export.incremental import Intake, RunPlan, batched, load_plan, relocated_rows, select_articles
from pipeline.export.rows import reject_rows
from pipeline.flows import workers
from pipeline.flows.progress import progress_bar
from pipeline.flows.runners import RunnerSpec, make_task_runner, parse_runner, shared_api
from pipeline.ingest import read_corpus
from pipeline.ingest.records import Article
from pipeline.nlp.annotate import model_identity
from pipeline.schema import ARTICLE_TABLES
from pipeline.stage import batch as batch_mod

_TASK = dict(cache_policy=NO_CACHE, persist_result=False)
# Errors that mean "the output cannot be written", reported as DatasetWriteError.
_WRITE_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT, errno.EFBIG}

# Runs of this process that published their version, by output folder (absolute path): how the
# caller learns that the data is safe when something fails after the switch (a dead API server,
# a signal).
PUBLISHED: dict[str, "RunSummary"] = {}


class InputVanished(ClaimsError, RuntimeError):
    """``--missing drop`` on an input that holds no record: most likely a feed mount that failed."""


# Modules a run imports on first use (Prefect's flow and task engines, the dataset readers).
RUN_MODULES = ("prefect.flow_engine", "prefect.task_engine", "pandas", "pyarrow.dataset", "pyarrow.parquet")


def preload() -> None:
    """Import what a run needs before it starts (``claims run`` does this while its Prefect
    server starts, taking half a second off a short run)."""
    for name in RUN_MODULES:
        importlib.import_module(name)


@dataclass
class RunSummary:
    """What a run did; also the row of the ``runs`` table.

    Every input record is counted once: ``seen == processed + unchanged + rejected``.
    """

    run_id: str
    input: str
    out: str
    seen: int = 0
    processed: int = 0
    unchanged: int = 0
    rejected: int = 0
    removed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # records that are not articles (e.g. WARC requests), by reason
    words: int = 0
    seconds: float = 0.0
    rows_written: dict[str, int] = field(default_factory=dict)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    worker_start_seconds: float = 0.0  # until the run's worker processes had loaded the pipeline (n_process > 1)
    worker_start_cpu_seconds: float = 0.0  # the CPU time they took for it, all together

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


@task(name="describe-model", **_TASK)
def describe_model(options: RunOptions) -> str:
    """Name the configured model (read from its metadata; the pipeline is not loaded)."""
    return model_identity(options.config)


@task(name="plan-run", **_TASK)
def plan_run(out: str, model: str, options: RunOptions) -> RunPlan:
    """Read the previous dataset's article hashes to decide what is new or changed."""
    return load_plan(Path(out), model, options.config)


@task(name="extract-batch", retries=0, **_TASK)
def extract_batch(articles: Sequence[Article], staging: str, part: str, options: RunOptions,
                  run_fingerprint: str, run_id: str = "") -> batch_mod.BatchResult:
    """Annotate one batch of articles and write its parquet parts: in the run's worker processes
    when it has them (a local run with ``n_process > 1``), else where the runner puts the task."""
    pool = workers.RUNNING.get(run_id)
    if pool is not None:
        return pool.run_batch(articles, staging, part, run_fingerprint)
    return batch_mod.process_batch(articles, Path(staging), part, options, run_fingerprint)


@task(name="carry-over", **_TASK)
def carry_over(writer: VersionWriter, drop: set[str], plan: RunPlan) -> dict[str, int]:
    """Bring unchanged articles' rows forward from the previous version, leaving damaged parts
    (and, when an articles part was lost, rows whose article is unknown) behind."""
    keep_only = set(plan.previous) if plan.articles_lost else None
    skip = set(plan.damaged)
    carried = writer.carry_over(drop, tables=tuple(t for t in ARTICLE_TABLES if t != "articles"), skip=skip,
                                keep_only=keep_only)
    # Articles read from another file or format this time keep their rows; their articles row says where from.
    carried.update(writer.carry_over(drop | set(plan.moved), tables=("articles",), skip=skip, keep_only=keep_only))
    moved = relocated_rows(current_version(writer.out), plan.moved, skip)
    if moved:
        writer.write({"articles": moved}, part="moved")
        carried["articles"] += len(moved)
    return carried


@task(name="publish", **_TASK)
def publish(writer: VersionWriter, summary: RunSummary, started: datetime, model: str,
            damaged: dict[Path, str]) -> str:
    """Write the run's rejects and runs rows, then switch the dataset to the new version."""
    writer.write({"rejects": summary.rejects}, part=f"run-{summary.run_id}")
    writer.carry_over(set(), tables=("rejects", "runs"), skip=set(damaged))
    build_corpus_tables(writer.staging)  # speakers, quotes, claims.speaker_id/quote_id
    writer.write({"runs": [{
        "run_id": summary.run_id, "started": started, "finished": datetime.now(timezone.utc),
        "input": summary.input, "seen": summary.seen, "processed": summary.processed,
        "unchanged": summary.unchanged, "rejected": summary.rejected, "removed": summary.removed,
        "skipped": json.dumps(summary.skipped, sort_keys=True),
        "rows_written": json.dumps(summary.rows_written), "pipeline_version": __version__,
        "model": model,
    }]}, part=f"run-{summary.run_id}")
    return str(writer.publish())


def _dask_threads(spec: RunnerSpec) -> int | None:
    """The worker threads of the run's Dask cluster (None: not on Dask, or the cluster does not say)."""
    runner = getattr(FlowRunContext.get(), "task_runner", None)
    if spec.kind != "dask" or runner is None:
        return None
    try:
        # ``client`` connects on first use (the first submit would): before it, ``_client`` is None
        return sum(runner.client.nthreads().values()) or None
    except Exception:  # noqa: BLE001 - the caller falls back to the spec's guess
        return None


def _in_flight(spec: RunnerSpec, n_process: int, threads: int | None = None) -> int:
    """Tasks to keep submitted at once: two per Dask worker thread when the cluster says how many;
    two on one machine with worker processes (one being collected while the next keeps them busy)."""
    if spec.kind == "local":
        return 2 if n_process > 1 else 1
    return max(2, 2 * threads) if threads else spec.in_flight


def _task_slices(articles: Sequence[Article], part: str, threads: int | None,
                 batch_size: int) -> list[tuple[str, list[Article]]]:
    """A batch's tasks: the batch itself (part ``part``) on one machine or one Dask worker thread;
    on several threads, contiguous slices cut by text length, largest first (parts ``part-j``), as
    the local worker processes cut it (:func:`pipeline.flows.workers.slices`), so the thread
    that runs out of work at the end of a run waits only for a small slice."""
    if not threads or threads < 2 or len(articles) < 2:
        return [(part, list(articles))]
    n_slices = workers.slice_count(len(articles), threads, batch_size)
    cut = workers.slices(articles, workers.slice_shares(n_slices, threads))
    return [(f"{part}-{j}", chunk) for j, chunk in enumerate(cut)]


def _write_error(exc: BaseException, out: Path) -> DatasetWriteError | None:
    """A clear DatasetWriteError for a disk-full / read-only / permission error, else None."""
    if isinstance(exc, OSError) and exc.errno in _WRITE_ERRNOS:
        return DatasetWriteError(
            f"cannot write the dataset in {out}: {exc.strerror or exc} ({getattr(exc, 'filename', '') or out}); "
            "nothing was published and the previous version is unchanged")
    return None


def _run_locked(input_path: str, out: Path, options: RunOptions, progress: bool, in_flight: int,
                summary: RunSummary, started: datetime, t0: float, logger: Any,
                threads: int | None = None) -> RunSummary:
    """The body of a run, with the output's lock held: stage a new version, then publish it."""
    lost, restored = recover_current(out)
    if restored is not None:
        logger.warning("%s/current was missing or pointed at a missing version (%s); it points again at the "
                       "newest complete version, %s", out, lost, restored.name)
    for stale in clean_stale(out):
        logger.info("removed the unfinished version %s left by an interrupted run", stale.name)
    model = describe_model(options)
    plan = plan_run(str(out), model, options)
    if plan.damaged:
        quarantine(out, plan.damaged)
        for part, why in plan.damaged.items():
            logger.warning("damaged part %s: %s; it is left out of the new version (a copy is kept in %s) and "
                           "the articles it may have held are processed again", part, why, out / ".damaged")
    intake = Intake()
    writer = VersionWriter(out, summary.run_id)
    pending: deque = deque()
    written: set[str] = set()

    def collect(advance: Any) -> None:
        n_articles, future = pending[0]
        result = future.result()
        pending.popleft()  # only now: a signal while waiting must still find it to wait for
        if result.interrupted:
            raise batch_mod.BatchInterrupted("the run was asked to stop; nothing of it was published")
        summary.processed += result.articles
        summary.words += result.words
        intake.rejects.extend(result.rejects)
        written.update(result.article_ids)
        for table, n in result.rows.items():
            summary.rows_written[table] = summary.rows_written.get(table, 0) + n
        advance(n_articles, result.words)

    try:
        with progress_bar(progress) as advance:
            articles = select_articles(read_corpus(input_path, options.read, exclude=[out],
                                                   follow_links=options.follow_links),
                                       plan, intake)
            for i, batch in enumerate(batched(articles, options.task_batch)):
                for part, chunk in _task_slices(batch, f"{i:05d}", threads, options.batch_size):
                    pending.append((len(chunk), extract_batch.submit(
                        chunk, str(writer.staging), part, options, plan.fingerprint, summary.run_id)))
                    while len(pending) >= in_flight:
                        collect(advance)
            while pending:
                collect(advance)
        removed: set[str] = set()
        if options.missing == "drop":
            if intake.seen == 0 and plan.previous:
                raise InputVanished(
                    f"the input {input_path} holds no record this time; with --missing drop that would remove all "
                    f"{len(plan.previous)} articles of {out}. Nothing was published. Check the input (a feed "
                    "mount that failed?), or run once with --missing keep")
            # An article still in the input but rejected this run (unreadable file, failed record) stays.
            removed = plan.missing() - plan.rejected(intake.rejects)
        # Every article written this run replaces all its earlier rows (also rows left without their
        # article row); an article that failed this time keeps the rows of its last good run.
        carry_over(writer, written | removed, plan)
        summary.seen, summary.unchanged, summary.skipped = intake.seen, intake.unchanged, intake.skipped
        summary.rejected, summary.removed = len(intake.rejects), len(removed)
        summary.rejects = reject_rows(intake.rejects, summary.run_id)
        summary.seconds = time.monotonic() - t0
        publish(writer, summary, started, model, plan.damaged)
    except BaseException:
        for _, future in pending:  # let running batches finish (or stop) before their folder goes
            future.wait()
        if writer.published:
            PUBLISHED[str(out.resolve())] = summary
        writer.abort()
        raise
    PUBLISHED[str(out.resolve())] = summary
    return summary


@flow(name="extract_corpus", log_prints=False)
def extract_corpus_flow(input_path: str, out_dir: str = "outputs/dataset", config_path: str | None = None,
                        batch_size: int | None = None, n_process: int | None = None,
                        task_batch: int | None = None, missing: str = "keep", wait: bool = False,
                        progress: bool = False, task_runner: str | None = None,
                        follow_links: bool = False, fields: str | None = None) -> RunSummary:
    """Extract claims, figures, dates and places from every article under ``input_path``.

    Only articles that are new or changed since the last run into ``out_dir`` are processed;
    ``missing`` says what happens to articles that disappeared from the input (``keep`` or
    ``drop``). The new dataset version replaces the old one atomically at the end.
    ``task_runner`` only sets how many batches are kept in flight; the runner itself is chosen
    by :func:`extract_corpus` (or the deployment). The dataset's own folder is never read as
    input; symbolic links out of ``input_path`` are followed only with ``follow_links``.
    ``fields`` maps input field names (``text=maintext,id=url``) over the config's
    ``[input] fields``.
    """
    logger = get_run_logger()
    options = run_options(config_path, batch_size=batch_size, n_process=n_process, task_batch=task_batch,
                          missing=missing, follow_links=follow_links, fields=fields)
    spec = parse_runner(task_runner)
    threads = _dask_threads(spec)
    in_flight = _in_flight(spec, options.n_process, threads)
    out = Path(out_dir)
    started = datetime.now(timezone.utc)
    t0 = time.monotonic()
    summary = RunSummary(run_id=new_run_id(), input=str(input_path), out=str(out))

    try:
        with locked(out, wait=wait), workers.worker_pool(summary.run_id, options,
                                                         local=spec.kind == "local") as pool:
            summary = _run_locked(input_path, out, options, progress, in_flight, summary, started, t0, logger,
                                  threads)
            summary.worker_start_seconds = pool.start_seconds if pool else 0.0
            summary.worker_start_cpu_seconds = pool.start_cpu_seconds if pool else 0.0
    except OSError as exc:
        clear = _write_error(exc, out)
        if clear is None:
            raise
        raise clear from exc

    for r in summary.rejects:
        logger.warning("rejected %s%s: %s", r["input_path"], f" record {r['record']}" if r["record"] else "", r["reason"])
    logger.info(
        "run %s: %d seen, %d processed, %d unchanged, %d rejected, %d removed; %d words in %.1f s (%.0f words/s)",
        summary.run_id, summary.seen, summary.processed, summary.unchanged, summary.rejected,
        summary.removed, summary.words, summary.seconds, summary.words_per_second)
    for reason, n in sorted(summary.skipped.items()):
        logger.info("skipped %d input records that are not articles: %s", n, reason)
    return summary


def extract_corpus(input_path: str, out_dir: str = "outputs/dataset", config_path: str | None = None,
                   batch_size: int | None = None, n_process: int | None = None,
                   task_batch: int | None = None, missing: str = "keep", wait: bool = False,
                   progress: bool = False, task_runner: str | None = None,
                   follow_links: bool = False, fields: str | None = None) -> RunSummary:
    """Run the ``extract_corpus`` flow with the task runner named by ``task_runner``.

    ``task_runner``: ``local`` (default; threads in this process, spaCy ``n_process`` for the
    cores), ``dask`` / ``dask:N`` (a temporary local Dask cluster) or ``dask:ADDRESS`` (an
    existing cluster); when None, ``$CLAIMS_TASK_RUNNER`` or ``local``.
    """
    spec = parse_runner(task_runner)
    runnable = extract_corpus_flow.with_options(task_runner=make_task_runner(spec))
    key = str(Path(out_dir).resolve())
    PUBLISHED.pop(key, None)
    try:
        with shared_api(spec):
            return runnable(input_path=input_path, out_dir=out_dir, config_path=config_path, batch_size=batch_size,
                            n_process=n_process, task_batch=task_batch, missing=missing, wait=wait,
                            progress=progress, task_runner=task_runner, follow_links=follow_links,
                            fields=fields)
    except Exception as exc:
        summary = PUBLISHED.get(key)
        if summary is None:
            raise
        # The dataset is whole and current; only Prefect's own record of the run is incomplete.
        import logging

        logging.getLogger("claims").warning(
            "run %s published its version of %s, but Prefect failed afterwards (%s: %s); the run's record in "
            "Prefect may be incomplete", summary.run_id, out_dir, type(exc).__name__, exc)
        return summary


def summary_json(summary: RunSummary) -> str:
    """The run summary as one JSON line."""
    d = asdict(summary)
    d["words_per_second"] = round(summary.words_per_second, 1)
    d["rejects"] = d["rejects"][:50]
    return json.dumps(d, default=str)


__all__ = ["extract_corpus", "extract_corpus_flow", "RunSummary", "summary_json", "read_table"]
