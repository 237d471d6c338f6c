"""``claims run`` as users call it: a separate process with its own temporary Prefect server."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_ONLY = str(Path(__file__).resolve().parent / "fixtures" / "base_only.toml")


def _claims(args: list[str], home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_LOGGING_LEVEL="WARNING")
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, env=env,
                          timeout=300, check=False)


def test_run_then_rerun_with_nothing_new(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "vote.txt").write_text("Budget vote delayed\nThe vote was delayed until Thursday, officials said.\n",
                                  encoding="utf-8")
    out = tmp_path / "out"
    first = _claims(["run", str(src), "--out", str(out), "--config", BASE_ONLY, "--no-progress"], tmp_path / "home")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout.splitlines()[-1])["processed"] == 1
    assert "Error logging to API" not in first.stderr and "Traceback" not in first.stderr
    assert (out / "articles").exists()

    second = _claims(["run", str(src), "--out", str(out), "--config", BASE_ONLY, "--no-progress"], tmp_path / "home")
    assert second.returncode == 0, second.stderr
    summary = json.loads(second.stdout.splitlines()[-1])
    assert summary["processed"] == 0 and summary["unchanged"] == 1


def test_run_on_a_missing_input_is_a_usage_error(tmp_path):
    proc = _claims(["run", str(tmp_path / "nope"), "--out", str(tmp_path / "out")], tmp_path / "home")
    assert proc.returncode == 2 and "does not exist" in proc.stderr
