"""Task runners for the extraction flow: one machine (threads) or a Dask cluster.

A runner spec is a short string so that it fits a command-line option or a deployment
parameter: ``local`` (default), ``dask`` (a temporary ``LocalCluster`` on this machine),
``dask:N`` (a ``LocalCluster`` with N worker processes) or ``dask:ADDRESS`` (an existing
cluster's scheduler, e.g. ``dask:tcp://10.0.0.5:8786``).
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

ENV_VAR = "CLAIMS_TASK_RUNNER"
# Dask config for the workers of the clusters we start: no statistical profiler (it samples every
# thread's stack 100 times a second, about 5 % of a worker's CPU beside spaCy, for a dashboard
# nobody looks at during a batch run).
WORKER_CONFIG = {"distributed": {"worker": {"profile": {"enabled": False}}}}
# Variables Dask's nannies set for their worker processes that ours go without: glibc's malloc
# trim threshold of 64 KiB hands freed memory back to the system at once, and spaCy frees and
# allocates its batch arrays all the time, so the memory came back as page faults (100 PolNeAR
# articles in one process: 2.4 s of system time without it, 7.4 s with it, 15 times the faults).
NOT_INHERITED = ("MALLOC_TRIM_THRESHOLD_",)


def local_cluster_kwargs(n_workers: int) -> dict[str, Any]:
    """``LocalCluster`` arguments for ``n_workers`` worker processes of one thread each (spaCy
    holds the GIL, so processes are what scale), without the workers' profiler."""
    import dask.config
    import distributed  # noqa: F401 - its defaults join dask's config when it is imported

    # a Nanny's ``config`` is the whole config its worker gets, not an update of it
    return {"n_workers": n_workers, "threads_per_worker": 1, "processes": True, "dashboard_address": ":0",
            "config": dask.config.merge(dask.config.config, WORKER_CONFIG)}


def start_local_cluster(**kwargs: Any) -> Any:
    """A ``distributed.LocalCluster`` (``kwargs`` as :func:`local_cluster_kwargs` gives them)
    whose worker processes start without the variables of ``NOT_INHERITED``."""
    import dask.config
    from distributed import LocalCluster

    environ = {k: v for k, v in dask.config.get("distributed.nanny.pre-spawn-environ", {}).items()
               if k not in NOT_INHERITED}
    # a nanny reads the variables when it is made, in the cluster's constructor
    with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
        return LocalCluster(**kwargs)


@dataclass(frozen=True)
class RunnerSpec:
    """A parsed runner spec: the kind, a scheduler address or a local worker count."""

    kind: str = "local"
    address: str | None = None
    workers: int | None = None

    @property
    def in_flight(self) -> int:
        """How many batch tasks to keep submitted at once (memory stays bounded by this)."""
        if self.kind == "local":
            return 1  # 2 with worker processes, see pipeline.flows.extract._in_flight
        return 2 * (self.workers or 2)


def parse_runner(spec: str | None) -> RunnerSpec:
    """Parse ``local``, ``dask``, ``dask:N`` or ``dask:ADDRESS`` (None: $CLAIMS_TASK_RUNNER or local)."""
    spec = (spec or os.environ.get(ENV_VAR) or "local").strip()
    kind, _, rest = spec.partition(":")
    if kind in ("local", "thread", "threads") and not rest:
        return RunnerSpec("local")
    if kind == "dask":
        if not rest:
            return RunnerSpec("dask")
        if rest.isdigit() and int(rest) > 0:
            return RunnerSpec("dask", workers=int(rest))
        return RunnerSpec("dask", address=rest)
    raise ValueError(f"unknown task runner {spec!r}: use local, dask, dask:N or dask:ADDRESS")


def make_task_runner(spec: RunnerSpec) -> Any:
    """The Prefect task runner for ``spec`` (prefect-dask is imported only when asked for)."""
    from prefect.task_runners import ThreadPoolTaskRunner

    if spec.kind == "local":
        # Two threads: with worker processes, one batch is collected while the next keeps them busy.
        return ThreadPoolTaskRunner(max_workers=2)
    from prefect_dask import DaskTaskRunner

    if spec.address:
        return DaskTaskRunner(address=spec.address)
    return DaskTaskRunner(cluster_class=start_local_cluster,
                          cluster_kwargs=local_cluster_kwargs(spec.workers or 2))


@contextmanager
def shared_api(spec: RunnerSpec) -> Iterator[str | None]:
    """One Prefect API for the flow and the workers of a temporary local cluster (``dask``, ``dask:N``).

    Without ``PREFECT_API_URL`` Prefect starts an ephemeral server inside each process that needs
    one: every Dask worker would start its own on its first task (seconds of start, a server's
    CPU beside each worker, task runs recorded apart from their flow). Here a temporary server is
    started once and its URL set in the settings (sent to the workers with every task) and in the
    environment (inherited by the workers the cluster spawns). Yields the API URL (None when the
    runner is not such a cluster, or ephemeral mode is off); an API already configured is kept.
    A cluster given by address keeps the workers' own configuration: a server on this machine's
    loopback address could not be reached from theirs.
    """
    if spec.kind != "dask" or spec.address:
        yield None
        return
    from prefect.settings import (PREFECT_API_URL, PREFECT_SERVER_ALLOW_EPHEMERAL_MODE, temporary_settings)

    if PREFECT_API_URL.value() or not PREFECT_SERVER_ALLOW_EPHEMERAL_MODE.value():
        yield PREFECT_API_URL.value() or None
        return
    from pipeline.flows.server import STARTUP_ENV, Handle, TemporaryServer, drain_prefect

    server = TemporaryServer()
    server.start()
    before = os.environ.get("PREFECT_API_URL")
    try:
        handle = Handle(server, float(os.environ.get(STARTUP_ENV, "120")))
        url = handle.ready()
        os.environ["PREFECT_API_URL"] = url
        with handle.run_settings(), temporary_settings(updates={PREFECT_API_URL: url}):
            yield url
            drain_prefect()
    finally:
        if before is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = before
        server.stop()
