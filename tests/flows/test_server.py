"""The temporary Prefect server that ``claims run`` starts before anything else."""
from __future__ import annotations

import os
import socket

import pytest

from pipeline.flows import server as server_mod
from pipeline.flows.server import ServerStartError, TemporaryServer, early_server


def test_no_server_when_an_api_is_configured_or_prefect_is_loaded(monkeypatch):
    import prefect  # noqa: F401 - the test process has it loaded, as a library user might

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    assert not server_mod.wanted()
    with early_server() as handle:
        assert handle.ready() is None
        assert "PREFECT_API_URL" not in os.environ


def test_wanted_follows_the_environment(monkeypatch):
    monkeypatch.setattr(server_mod.sys, "modules", {k: v for k, v in server_mod.sys.modules.items()
                                                    if k != "prefect"})
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", "true")
    assert server_mod.wanted()
    monkeypatch.setenv("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", "false")
    assert not server_mod.wanted()
    monkeypatch.setenv("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", "true")
    monkeypatch.setenv("PREFECT_API_URL", "http://prefect.example:4200/api")
    assert not server_mod.wanted()


def test_server_answers_and_stops():
    srv = TemporaryServer()
    srv.start()
    try:
        srv.wait(timeout=120)
        with socket.create_connection(("127.0.0.1", srv.port), timeout=2):
            pass
    finally:
        srv.stop()
    assert srv.process is None
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", srv.port), timeout=2).close()


def test_a_server_that_cannot_bind_is_reported():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        srv = TemporaryServer(port=busy.getsockname()[1])
        srv.start()
        try:
            with pytest.raises(ServerStartError, match="exited during start-up"):
                srv.wait(timeout=120)
        finally:
            srv.stop()


def test_servers_started_at_once_on_a_new_prefect_home_all_come_up(tmp_path):
    import subprocess
    import sys

    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "new-home")}  # no database yet: each would migrate it
    script = ("from pipeline.flows.server import TemporaryServer\n"
              "srv = TemporaryServer()\nsrv.start()\ntry:\n    srv.wait(timeout=120)\nfinally:\n    srv.stop()\n")
    procs = [subprocess.Popen([sys.executable, "-c", script], env=env, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, errors


def test_the_server_goes_when_its_run_is_killed(tmp_path):
    import subprocess
    import sys
    import time

    script = ("import sys, time\nfrom pipeline.flows.server import TemporaryServer\n"
              "srv = TemporaryServer()\nsrv.start()\nprint(srv.process.pid, flush=True)\ntime.sleep(60)\n")
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
            state = open(f"/proc/{child}/stat").read().split(")")[-1].split()[0]
            if state == "Z":
                break
        except OSError:
            break
        time.sleep(0.2)
    else:
        os.kill(child, 9)
        raise AssertionError("the Prefect server outlived the process that started it")
