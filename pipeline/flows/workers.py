"""Worker processes for a local run with ``n_process > 1``: started once per run, pipeline loaded once.

:class:`BatchPool` is a ``ProcessPoolExecutor`` (``spawn`` context) whose workers load the
configured pipeline when they start. Each batch task hands its articles to the pool cut into
contiguous slices, a few per worker, largest first (:func:`slice_shares`); a worker annotates its slice, builds the
rows and writes the parquet parts itself (:func:`pipeline.stage.batch.process_batch`), so only
counts (a ``BatchResult``) come back to the main process.

Guarantees kept from the in-process path:

- a slice that fails in a worker costs only its own articles: an exception rejects them with the
  reason; a worker that dies (killed, out of memory) is replaced and the slice retried once, alone,
  and rejected if it fails again; the parts a failed slice may have written are removed;
- a disk or permission error writing the parts fails the run, as it does in-process;
- a stop (``batch.STOP``, set by SIGINT/SIGTERM) reaches the workers, which stop after the article
  in hand and write nothing more; workers ignore SIGINT themselves (Ctrl-C reaches the whole
  process group) and exit if the main process dies, so they never outlive the run.
"""
from __future__ import annotations

import atexit
import itertools
import math
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from pipeline.config import RunOptions
from pipeline.ingest.records import Article, Reject
from pipeline.schema import TABLES
from pipeline.stage import batch as batch_mod

# Pools of the runs in this process, by run id: the batch task finds its run's pool here (on a Dask
# worker there is none and the batch runs in that worker's own process).
RUNNING: dict[str, "BatchPool"] = {}
# Seconds a stopping pool gives its workers to finish the article in hand before they are killed.
STOP_GRACE = 30.0

_worker_stop: Any = None


def _watch(stop: Any, parent: int) -> None:
    """(Worker thread.) Pass the run's stop on to ``batch.STOP``; leave if the main process died."""
    while not stop.wait(0.5):
        if os.getppid() != parent:
            os._exit(1)
    batch_mod.STOP.set()


def _exit_now() -> None:
    """(Worker, last at exit.) Leave without tearing the interpreter down: freeing the loaded
    pipeline object by object takes seconds, and nothing is left to do (every slice's parts
    are written and its result sent; multiprocessing has flushed its queues before ``atexit``)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):
            pass
    os._exit(0)


def _start_worker(config_path: str | None, stop: Any, parent: int, loaded: Any, start_cpu: Any) -> None:
    """(Worker initializer.) Exit without teardown, ignore Ctrl-C, watch for the run's stop, load
    the pipeline once and note when it was loaded (``loaded``: the latest time any worker was ready)
    and the CPU seconds it took (added to ``start_cpu``)."""
    atexit.register(_exit_now)  # first registered, so it runs after every other exit handler
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch, args=(stop, parent), name="claims-stop-watch", daemon=True).start()
    from pipeline.nlp import warm_up

    warm_up(config_path)
    with loaded.get_lock():
        loaded.value = max(loaded.value, time.time())
    with start_cpu.get_lock():
        start_cpu.value += time.process_time()


def slice_shares(n_slices: int, n_process: int) -> list[float]:
    """The share of a batch's text each of its ``n_slices`` slices gets, largest first.

    Cut by factoring: round after round, each of the ``n_process`` workers gets a slice of half
    the text left divided among them, and the last round shares out the rest (2 workers, 8
    slices: 1/4, 1/4, 1/8, 1/8, 1/16 four times). The workers take the next slice as they become
    free, so the one left without work at the end waits for one of the smallest slices only.
    """
    n_process = max(1, n_process)
    rounds = max(1, math.ceil(n_slices / n_process))
    shares, left = [], 1.0
    for r in range(rounds):
        share = left / (n_process if r == rounds - 1 else 2 * n_process)
        shares.extend([share] * n_process)
        left -= share * n_process
    return shares[:n_slices] if n_slices >= n_process else [1.0 / n_slices] * n_slices


def slices(articles: Sequence[Article], shares: Sequence[float]) -> list[list[Article]]:
    """``articles`` cut into at most ``len(shares)`` contiguous slices holding about those
    shares of the total text length (``[0.5, 0.5]``: two halves).

    Each cut falls at the article boundary nearest to its share of the text (before an article
    that would carry the slice further past it than the slice stops short of it), so a long
    article does not make its slice the one every other worker waits for.
    """
    n = max(1, min(len(shares), len(articles)))
    total = sum(len(a.text) for a in articles) or 1
    scale = sum(shares[:n]) or 1.0
    bounds = list(itertools.accumulate(total * s / scale for s in shares[:n]))
    out: list[list[Article]] = [[]]
    done = 0
    for a in articles:
        boundary = bounds[len(out) - 1]
        if out[-1] and len(out) < n and (done >= boundary or boundary - done < done + len(a.text) - boundary):
            out.append([])
        out[-1].append(a)
        done += len(a.text)
    return out


def slice_count(n_articles: int, n_process: int, batch_size: int) -> int:
    """How many slices a batch of ``n_articles`` is cut into for ``n_process`` workers.

    The same number for every worker (a multiple of ``n_process``), up to four each (rounds of
    :func:`slice_shares`), and no more than give a slice ``batch_size`` articles on average
    unless the batch is too small to give every worker one.
    """
    per_worker = min(4, max(1, math.ceil(n_articles / (batch_size * n_process))))
    return n_process * per_worker


def discard_parts(staging: Path, part: str) -> None:
    """Remove whatever a failed slice wrote under ``staging`` as ``part`` (finished or not)."""
    for table in TABLES:
        for name in (f"part-{part}.parquet", f".part-{part}.parquet.tmp"):
            (staging / table / name).unlink(missing_ok=True)


def merge(results: Sequence[batch_mod.BatchResult]) -> batch_mod.BatchResult:
    """One ``BatchResult`` for the slices of a batch."""
    total = batch_mod.BatchResult()
    for r in results:
        for table, n in r.rows.items():
            total.rows[table] = total.rows.get(table, 0) + n
        total.articles += r.articles
        total.words += r.words
        total.rejects.extend(r.rejects)
        total.article_ids.extend(r.article_ids)
        total.interrupted = total.interrupted or r.interrupted
    return total


class BatchPool:
    """Worker processes for one run: ``options.n_process`` of them, each loading the run's pipeline once.

    ``job`` is what a worker runs per slice (``process_batch``'s signature); ``starts`` counts the
    process pools started (one, unless a worker died and the pool was replaced).
    """

    def __init__(self, options: RunOptions,
                 job: Callable[..., batch_mod.BatchResult] = batch_mod.process_batch) -> None:
        self.n_process = options.n_process
        self.options = options
        self.job = job
        self.starts = 0
        self.processes: list[Any] = []  # the last executor's worker processes, once closed
        self._context = multiprocessing.get_context("spawn")
        self._stop = self._context.Event()
        self._loaded = self._context.Value("d", 0.0)
        self._start_cpu = self._context.Value("d", 0.0)
        self._created = time.time()
        self._lock = threading.Lock()
        self._retry_lock = threading.Lock()
        self._executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        self.starts += 1
        return ProcessPoolExecutor(max_workers=self.n_process, mp_context=self._context,
                                   initializer=_start_worker, initargs=(self.options.config_path, self._stop, os.getpid(), self._loaded,
                                             self._start_cpu))

    @property
    def start_seconds(self) -> float:
        """Seconds from the pool's creation until its last worker had loaded the pipeline (0 before)."""
        return max(0.0, self._loaded.value - self._created) if self._loaded.value else 0.0

    @property
    def start_cpu_seconds(self) -> float:
        """CPU seconds the workers started so far took to start and load the pipeline, all together."""
        return self._start_cpu.value

    def _replace(self, broken: ProcessPoolExecutor) -> ProcessPoolExecutor:
        """A working executor in place of ``broken`` (replaced once, whichever slice sees it first)."""
        with self._lock:
            if self._executor is broken:
                broken.shutdown(wait=False, cancel_futures=True)
                self._executor = self._start()
            return self._executor

    def _wait(self, future: Future) -> batch_mod.BatchResult:
        """The slice's result, passing a stop of the run on to the workers while waiting."""
        while True:
            if batch_mod.STOP.is_set():
                self._stop.set()
            try:
                return future.result(timeout=0.2)
            except TimeoutError:
                continue

    def _outcome(self, future: Future, chunk: list[Article], staging: Path, part: str) -> batch_mod.BatchResult:
        """The slice's result; its articles rejected when it failed in the worker (its parts removed).

        ``BrokenProcessPool`` (a worker died) and ``OSError`` (the disk) are left to the caller.
        """
        try:
            return self._wait(future)
        except (BrokenProcessPool, OSError):
            discard_parts(staging, part)
            raise
        except Exception as exc:  # noqa: BLE001 - the slice's articles are rejected, the run goes on
            discard_parts(staging, part)
            return self._rejected(chunk, f"batch failed in a worker process: {type(exc).__name__}: {exc}")

    def _run_slice(self, executor: ProcessPoolExecutor, future: Future, chunk: list[Article],
                   args: tuple) -> batch_mod.BatchResult:
        staging, part = Path(args[0]), args[1]
        try:
            return self._outcome(future, chunk, staging, part)
        except BrokenProcessPool:
            if batch_mod.STOP.is_set():
                return batch_mod.BatchResult(interrupted=True)
        with self._retry_lock:  # alone, so that only the slice that kills a worker is rejected
            executor = self._replace(executor)
            try:
                return self._outcome(executor.submit(self.job, chunk, *args), chunk, staging, part)
            except BrokenProcessPool:
                self._replace(executor)
                return self._rejected(chunk, "a worker process died while processing this batch "
                                             f"of {len(chunk)} articles (twice); check the articles' size")

    @staticmethod
    def _rejected(chunk: Sequence[Article], reason: str) -> batch_mod.BatchResult:
        return batch_mod.BatchResult(rejects=[Reject(a.input_path, a.record, a.doc_id, reason) for a in chunk])

    def run_batch(self, articles: Sequence[Article], staging: str, part: str,
                  run_fingerprint: str) -> batch_mod.BatchResult:
        """Process one batch in the workers, in slices written as parts ``{part}-{j}``; its merged counts."""
        jobs = []
        n_slices = slice_count(len(articles), self.n_process, self.options.batch_size)
        in_worker = self.options.single_process()
        for j, chunk in enumerate(slices(articles, slice_shares(n_slices, self.n_process))):
            args = (Path(staging), f"{part}-{j}", in_worker, run_fingerprint)
            executor = self._executor
            try:
                future = executor.submit(self.job, chunk, *args)
            except BrokenProcessPool:
                executor = self._replace(executor)
                future = executor.submit(self.job, chunk, *args)
            jobs.append((executor, future, chunk, args))
        results, error = [], None
        for job in jobs:  # every slice is waited for, so that none writes after a failure is reported
            try:
                results.append(self._run_slice(*job))
            except BaseException as exc:  # noqa: BLE001 - re-raised once the other slices are done
                error = error or exc
        if error is not None:
            raise error
        return merge(results)

    def close(self) -> None:
        """Stop the workers (after the article in hand when the run stops) and wait for them to exit."""
        executor = self._executor
        if batch_mod.STOP.is_set():
            self._stop.set()
        processes = list((getattr(executor, "_processes", None) or {}).values())
        self.processes = processes
        executor.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + STOP_GRACE
        for proc in processes:
            proc.join(max(0.0, deadline - time.monotonic()))
            if proc.is_alive():
                proc.kill()
                proc.join()
        executor.shutdown(wait=True)


@contextmanager
def worker_pool(run_id: str, options: RunOptions, local: bool) -> Iterator[BatchPool | None]:
    """A :class:`BatchPool` for the run ``run_id`` when it runs locally on several processes, else None."""
    if not local or options.n_process < 2:
        yield None
        return
    pool = BatchPool(options)
    RUNNING[run_id] = pool
    try:
        yield pool
    finally:
        RUNNING.pop(run_id, None)
        pool.close()
