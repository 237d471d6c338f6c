"""A temporary local Prefect API server, started before anything else so its start overlaps ours.

Without ``PREFECT_API_URL``, Prefect starts a temporary server the first time a flow needs one,
and waits for it (about 4 s here): in a nightly run with little new work that wait is most of
the run. ``early_server`` starts the same server (Prefect's API app under uvicorn, no UI) as the
very first step of a command, lets the command import its libraries and load its models while
the server boots on the other core, and points Prefect at it through ``PREFECT_API_URL``. When
``PREFECT_API_URL`` is already set, or ephemeral mode is off, it does nothing.

The server never outlives its run: it runs in its own session (a Ctrl-C meant for the run does
not cut it off from the run), the kernel sends it SIGTERM when the run's process dies, even by
``kill -9`` (``PR_SET_PDEATHSIG``), and it is restarted on the same port if it dies mid-run. Start-up
is serialized per ``PREFECT_HOME`` so that concurrent first runs do not migrate one new SQLite
database at once.
"""
from __future__ import annotations

import ctypes
import fcntl
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, ContextManager, Iterator

from pipeline.errors import ClaimsError

STARTUP_ENV = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
PR_SET_PDEATHSIG = 1
# How often the run checks that its server is alive, and how many times it restarts one.
WATCH_SECONDS = 0.5
MAX_RESTARTS = 3


class ServerStartError(ClaimsError, RuntimeError):
    """The temporary Prefect server did not come up."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wanted() -> bool:
    """Whether to start a server: no API configured, ephemeral mode allowed, and Prefect not
    imported yet (it reads ``PREFECT_API_URL`` once, at import)."""
    if os.environ.get("PREFECT_API_URL") or "prefect" in sys.modules:
        return False
    return os.environ.get("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", "true").lower() not in ("0", "false", "no")


def prefect_home() -> Path:
    """Prefect's home folder (its SQLite database lives there by default)."""
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()


def _prctl() -> Any:
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux: the run's own stop() is all there is
        return None


def _die_with_parent(parent: int):
    """A ``preexec_fn``: the child gets SIGTERM when ``parent`` dies (Linux), or exits at once if
    it already has. (prctl is looked up here, before the fork: nothing may take a lock after it.)"""
    prctl = _prctl()

    def setup() -> None:
        if prctl is not None:
            prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:
            os._exit(1)
    return setup


class TemporaryServer:
    """Prefect's API app in a uvicorn subprocess on a free local port."""

    def __init__(self, port: int | None = None, scheduling: bool = False) -> None:
        """A server on ``port`` (default: a free one). ``scheduling`` runs the whole Prefect
        server (``prefect server start``: scheduler and other services, for ``claims serve``)
        instead of the API app alone, which is all a single run needs."""
        self.port = port or free_port()
        self.scheduling = scheduling
        self.process: subprocess.Popen | None = None
        self.log_path: Path | None = None
        self.restarts = 0
        self._start_lock: Any = None
        self._stopping = threading.Event()
        self._guard = threading.Lock()  # one of start, restart or stop at a time

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self) -> None:
        """Launch the server process (returns at once; see :meth:`wait`).

        Waits first while another run's server on the same ``PREFECT_HOME`` is starting (and
        perhaps creating or migrating the database); the lock is released in :meth:`wait`.
        """
        home = prefect_home()
        try:
            home.mkdir(parents=True, exist_ok=True)
            self._start_lock = open(home / ".claims-server-start.lock", "a+")
            fcntl.flock(self._start_lock, fcntl.LOCK_EX)
        except OSError:  # a read-only home: Prefect will say so itself
            self._release_start_lock()
        self._launch()

    def _release_start_lock(self) -> None:
        if self._start_lock is not None:
            self._start_lock.close()
            self._start_lock = None

    def _launch(self) -> None:
        spec = importlib.util.find_spec("prefect")
        if spec is None or not spec.submodule_search_locations:
            raise ServerStartError("prefect is not installed")
        app_dir = str(Path(list(spec.submodule_search_locations)[0]).parent)
        # The server's own messages (start-up errors, its shutdown) go to a log beside its database,
        # not into the run's output; a start-up failure quotes it.
        log = self._open_log()
        # As Prefect's own temporary server, plus: block types are not re-registered at each
        # start (no flow of ours uses blocks; a full Prefect server registers them itself).
        if self.scheduling:
            env = {**os.environ, "PREFECT_UI_ENABLED": "false", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
            command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                       "--port", str(self.port)]
        else:
            env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                   "PREFECT__SERVER_FINAL": "1", "PREFECT_API_BLOCKS_REGISTER_ON_START": "false"}
            command = [sys.executable, "-m", "uvicorn", "--app-dir", app_dir, "--factory",
                       "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
                       "--log-level", "error", "--lifespan", "on"]
        self.process = subprocess.Popen(
            command,
            env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=_die_with_parent(os.getpid()))
        if log is not subprocess.DEVNULL:
            log.close()

    def wait(self, timeout: float) -> None:
        """Block until the server answers its health check, or raise ``ServerStartError``."""
        try:
            self._wait(timeout)
        finally:
            self._release_start_lock()

    def _open_log(self) -> Any:
        try:
            self.log_path = prefect_home() / f"claims-server-{os.getpid()}.log"
            return open(self.log_path, "a", encoding="utf-8")
        except OSError:
            self.log_path = None
            return subprocess.DEVNULL

    def log_tail(self, lines: int = 12) -> str:
        """The last lines the server wrote, for an error message."""
        try:
            text = Path(self.log_path).read_text(encoding="utf-8", errors="replace") if self.log_path else ""
        except OSError:
            return ""
        tail = [line for line in text.splitlines() if line.strip()][-lines:]
        return ("; its log (" + str(self.log_path) + ") ends:\n" + "\n".join(tail)) if tail else ""

    def _wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                code = None if self.process is None else self.process.returncode
                raise ServerStartError(f"the temporary Prefect server exited during start-up (code {code})"
                                       + self.log_tail())
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.05)
        raise ServerStartError(f"the temporary Prefect server did not answer within {timeout:.0f} s")

    def stop(self, wait: bool = True) -> None:
        """Terminate the server process (killed if it does not stop within 5 s); with
        ``wait=False``, only ask it to stop (for a caller that exits right away)."""
        with self._guard:
            self._stopping.set()
        self._release_start_lock()
        if self.log_path is not None:
            self.log_path.unlink(missing_ok=True)  # the process keeps its open file; nothing stays behind
        if self.process is None:
            return
        self.process.terminate()
        if not wait:
            self.process = None
            return
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def watch(self, timeout: float) -> None:
        """Restart the server (same port, same database) whenever it dies before :meth:`stop`,
        up to ``MAX_RESTARTS`` times, from a daemon thread: the run's Prefect client retries
        its calls and carries on."""
        def loop() -> None:
            while not self._stopping.wait(WATCH_SECONDS):
                process = self.process
                if process is None or process.poll() is None or self._stopping.is_set():
                    continue
                if self.restarts >= MAX_RESTARTS:
                    return
                self.restarts += 1
                print(f"claims: the temporary Prefect server exited (code {process.returncode}) during the run; "
                      f"restarting it on port {self.port}", file=sys.stderr, flush=True)
                try:
                    with self._guard:
                        if self._stopping.is_set():
                            return
                        self._launch()
                    self._wait(timeout)
                except (OSError, ServerStartError) as exc:
                    print(f"claims: could not restart the Prefect server: {exc}", file=sys.stderr, flush=True)

        threading.Thread(target=loop, name="prefect-server-watch", daemon=True).start()


@contextmanager
def early_server(timeout: float | None = None, wait_on_stop: bool = True) -> Iterator["Handle"]:
    """Start a temporary server now and point Prefect at it; stop it on exit (without waiting
    for it to finish when ``wait_on_stop`` is False).

    Call this before Prefect is imported (Prefect reads its settings once, at import), and call
    the yielded handle's ``ready()`` before the first flow runs. When no server is wanted the
    handle does nothing and Prefect behaves as configured.
    """
    server = TemporaryServer() if wanted() else None
    if server is not None:
        server.start()
        os.environ["PREFECT_API_URL"] = server.api_url
    handle = Handle(server, timeout if timeout is not None else float(os.environ.get(STARTUP_ENV, "120")))
    try:
        yield handle
    finally:
        if server is not None:
            drain_prefect()
            os.environ.pop("PREFECT_API_URL", None)
            server.stop(wait=wait_on_stop)


def drain_prefect(timeout: float = 5.0) -> None:
    """Send Prefect's queued logs and events to the server before it goes away."""
    if "prefect" not in sys.modules:
        return
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        try:
            worker.drain_all(timeout=timeout)
        except Exception:  # noqa: BLE001 - best effort at shutdown; the run's result is already safe
            pass


class Handle:
    """What :func:`early_server` yields."""

    def run_settings(self) -> ContextManager[Any]:
        """Prefect settings for flows run against this server: no flow-run heartbeats, since
        nothing outlives the run to watch them (and stopping the heartbeat thread costs up to a
        second per run). Without a server of ours, Prefect's settings are left as they are."""
        if self.server is None:
            return nullcontext()
        from prefect.settings import (
            PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
            temporary_settings,
        )

        return temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})

    def __init__(self, server: TemporaryServer | None, timeout: float) -> None:
        self.server = server
        self.timeout = timeout
        self.checked = False

    def ready(self) -> str | None:
        """Wait until the server answers; its API URL, or None when none was started."""
        if self.server is None:
            return None
        if not self.checked:
            self.server.wait(self.timeout)
            self.server.watch(self.timeout)
            self.checked = True
        return self.server.api_url
