"""Task runners for the extraction flow: one machine (threads) or a Dask cluster.

A runner spec is a short string so that it fits a command-line option or a deployment
parameter: ``local`` (default), ``dask`` (a temporary ``LocalCluster`` on this machine),
``dask:N`` (a ``LocalCluster`` with N worker processes) or ``dask:ADDRESS`` (an existing
cluster's scheduler, e.g. ``dask:tcp://10.0.0.5:8786``).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

ENV_VAR = "CLAIMS_TASK_RUNNER"


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
    # One thread per worker process: spaCy holds the GIL, so processes are what scale.
    return DaskTaskRunner(cluster_kwargs={"n_workers": spec.workers or 2, "threads_per_worker": 1,
                                          "processes": True, "dashboard_address": ":0"})
