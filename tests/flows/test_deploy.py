"""The nightly deployment, the runner specs and the serve/benchmark subcommands (nothing blocks)."""
import pytest

from pipeline.cli import build_parser
from pipeline.flows import deploy
from pipeline.flows.runners import RunnerSpec, parse_runner


def test_deployment_has_the_cron_schedule_and_absolute_parameters(tmp_path):
    d = deploy.build_deployment("corpus", str(tmp_path / "out"), cron="15 3 * * 1-5", timezone="Europe/Paris",
                                missing="drop")
    (schedule,) = d.schedules
    assert schedule.schedule.cron == "15 3 * * 1-5" and schedule.schedule.timezone == "Europe/Paris"
    assert schedule.active
    assert d.name == "nightly" and d.concurrency_limit == 1
    assert d.parameters["out_dir"] == str(tmp_path / "out")
    assert d.parameters["input_path"].startswith("/") and d.parameters["missing"] == "drop"
    assert d.parameters["wait"] is True


def test_default_schedule_is_nightly(tmp_path):
    (schedule,) = deploy.build_deployment("corpus", str(tmp_path)).schedules
    assert schedule.schedule.cron == deploy.DEFAULT_CRON == "0 2 * * *"
    assert schedule.schedule.timezone == "UTC"


def test_serve_command_serves_the_built_deployment(tmp_path, monkeypatch):
    served = []
    monkeypatch.setattr(deploy, "serve_deployment", lambda d, port=None: served.append(d))
    args = build_parser().parse_args(["serve", str(tmp_path), "--out", str(tmp_path / "o"), "--cron", "0 4 * * *"])
    assert args.func(args) == 0
    assert served[0].schedules[0].schedule.cron == "0 4 * * *"


def test_serve_command_refuses_a_missing_input(tmp_path):
    args = build_parser().parse_args(["serve", str(tmp_path / "nope")])
    assert args.func(args) == 2


def test_serve_uses_a_configured_api_without_starting_a_server(monkeypatch):
    import prefect
    from prefect.settings import PREFECT_API_URL, temporary_settings

    calls = []
    monkeypatch.setattr(prefect, "serve", lambda *d: calls.append(d))
    monkeypatch.setattr(deploy, "local_server", lambda *a, **k: pytest.fail("must not start a server"))
    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        deploy.serve_deployment("DEPLOYMENT")
    assert calls == [("DEPLOYMENT",)]


@pytest.mark.parametrize("spec, expected", [
    (None, RunnerSpec("local")), ("local", RunnerSpec("local")), ("dask", RunnerSpec("dask")),
    ("dask:3", RunnerSpec("dask", workers=3)),
    ("dask:tcp://10.0.0.5:8786", RunnerSpec("dask", address="tcp://10.0.0.5:8786")),
])
def test_runner_specs(spec, expected, monkeypatch):
    monkeypatch.delenv("CLAIMS_TASK_RUNNER", raising=False)
    assert parse_runner(spec) == expected


def test_runner_spec_from_environment_and_errors(monkeypatch):
    monkeypatch.setenv("CLAIMS_TASK_RUNNER", "dask:2")
    assert parse_runner(None) == RunnerSpec("dask", workers=2)
    with pytest.raises(ValueError, match="unknown task runner"):
        parse_runner("spark")


def test_prefect_yaml_deploys_the_flow_nightly():
    from pathlib import Path

    import yaml
    from prefect.flows import load_flow_from_entrypoint

    root = Path(__file__).resolve().parents[2]
    spec = yaml.safe_load((root / "prefect.yaml").read_text())
    (dep,) = spec["deployments"]
    assert dep["schedules"][0]["cron"] == "0 2 * * *"
    flow = load_flow_from_entrypoint(str(root / dep["entrypoint"]))
    assert flow.name == "extract_corpus"
    assert set(dep["parameters"]) <= set(flow.parameters.properties)


def test_the_serve_server_is_the_run_launcher_with_its_scheduler_and_goes_at_exit(tmp_path, monkeypatch):
    import urllib.request

    from pipeline.flows.server import TemporaryServer

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "home"))
    started = []
    real = TemporaryServer.start

    def spy(self):
        started.append(self.scheduling)
        real(self)

    monkeypatch.setattr(TemporaryServer, "start", spy)
    with deploy.local_server(timeout=180) as url:
        with urllib.request.urlopen(f"{url}/health", timeout=10) as resp:
            assert resp.status == 200
    assert started == [True]
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{url}/health", timeout=2)
