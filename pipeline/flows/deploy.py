"""Scheduled runs: the extraction flow as a Prefect deployment with a cron schedule.

``claims serve`` builds the deployment here and serves it from the current process. Prefect's
scheduler lives in its API server, and the temporary server Prefect starts on its own for single
runs does not schedule anything; so when no ``PREFECT_API_URL`` is configured, ``serve`` starts
a local ``prefect server`` (SQLite under ``PREFECT_HOME``, nothing else to install) for as long
as it serves.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from prefect.schedules import Cron

from pipeline.flows.extract import extract_corpus_flow
from pipeline.flows.runners import make_task_runner, parse_runner
from pipeline.flows.server import TemporaryServer

DEFAULT_CRON = "0 2 * * *"
DEFAULT_NAME = "nightly"


def build_deployment(input_path: str, out_dir: str, cron: str = DEFAULT_CRON, timezone: str | None = None,
                     name: str = DEFAULT_NAME, config_path: str | None = None, missing: str = "keep",
                     task_runner: str | None = None, n_process: int | None = None,
                     paused: bool = False) -> Any:
    """The ``extract_corpus`` flow as a deployment that runs on ``cron`` (nothing is contacted yet).

    Paths are made absolute so that scheduled runs do not depend on the working directory. At
    most one scheduled run goes at a time (and the dataset's lock refuses overlapping runs).
    """
    spec = parse_runner(task_runner)
    parameters: dict[str, Any] = {
        "input_path": str(Path(input_path).resolve()), "out_dir": str(Path(out_dir).resolve()),
        "missing": missing, "wait": True, "task_runner": task_runner,
    }
    if config_path:
        parameters["config_path"] = str(Path(config_path).resolve())
    if n_process:
        parameters["n_process"] = n_process
    runnable = extract_corpus_flow.with_options(task_runner=make_task_runner(spec))
    return runnable.to_deployment(
        name=name, schedule=Cron(cron, timezone=timezone or "UTC"), parameters=parameters, paused=paused,
        concurrency_limit=1, tags=["claims"],
        description=f"Extract claims from {parameters['input_path']} into {parameters['out_dir']} ({cron}).")


@contextmanager
def local_server(port: int | None = None, timeout: float = 120.0) -> Iterator[str]:
    """A local Prefect server with its scheduler, on localhost for the duration; yields its API URL.

    The same launcher as a single run's temporary server (:class:`TemporaryServer`), running the
    whole server: it stops with this process however that ends.
    """
    server = TemporaryServer(port, scheduling=True)
    server.start()
    try:
        server.wait(timeout)
        yield server.api_url
    finally:
        server.stop()


def serve_deployment(deployment: Any, port: int | None = None) -> None:
    """Serve ``deployment`` until interrupted, against the configured API or a local server."""
    from prefect import serve
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if PREFECT_API_URL.value():
        serve(deployment)
        return
    with local_server(port) as url, temporary_settings({PREFECT_API_URL: url}):
        print(f"claims serve: local Prefect server at {url.removesuffix('/api')} (SQLite in PREFECT_HOME)",
              file=sys.stderr)
        serve(deployment)


# The flow that `prefect.yaml` deploys to work pools: its task runner comes from
# $CLAIMS_TASK_RUNNER (local, dask, dask:N or dask:ADDRESS) in the worker's environment.
nightly_flow = extract_corpus_flow.with_options(task_runner=make_task_runner(parse_runner(None)))
