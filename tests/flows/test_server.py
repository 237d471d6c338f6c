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
