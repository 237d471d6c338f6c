"""``claims run`` as users call it: a separate process with its own temporary Prefect server."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

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


QUOTES = str(Path(__file__).resolve().parent / "fixtures" / "quotes_only.toml")


def _env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_LOGGING_LEVEL="WARNING")
    return env


def _many(root: Path, n: int = 300) -> Path:
    src = root / "in"
    src.mkdir(exist_ok=True)
    with open(src / "feed.jsonl", "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"r{i}", "title": f"Report {i}",
                                 "text": f"\"We counted {i} boats,\" the harbour master said on Monday."}) + "\n")
    return src


def _children(pid: int) -> list[int]:
    kids = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids += [int(k) for k in (task / "children").read_text().split()]
        except OSError:
            pass
    return kids


def _gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def started():
    """Processes a test starts; killed at its end whatever happened."""
    procs: list[int] = []
    yield procs
    for pid in procs:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def _start_run(tmp_path: Path, out: Path, started: list[int]) -> tuple[subprocess.Popen, int]:
    """A `claims run` over many small records, returned once its batches are being written,
    with the pid of its Prefect server."""
    src = _many(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "run", str(src), "--out", str(out), "--config",
                             QUOTES, "--no-progress", "--task-batch", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(tmp_path / "home"),
                            start_new_session=True)
    started.append(proc.pid)
    deadline = time.monotonic() + 240
    while not list((out / ".versions").glob("*.tmp/articles/part-0000[3-9].parquet")):
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.1)
    servers = [k for k in _children(proc.pid) if "uvicorn" in Path(f"/proc/{k}/cmdline").read_text()]
    assert len(servers) == 1
    started.append(servers[0])
    return proc, servers[0]


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_the_run_at_once_and_says_nothing_was_published(tmp_path, started, sig, code):
    out = tmp_path / "out"
    proc, server = _start_run(tmp_path, out, started)
    t0 = time.monotonic()
    os.killpg(proc.pid, sig)  # Ctrl-C in a terminal signals the whole group
    _, err = proc.communicate(timeout=60)
    assert time.monotonic() - t0 < 15, "stopped promptly"
    assert proc.returncode == code, err
    assert "nothing was published" in err and "Traceback" not in err
    assert not list((out / ".versions").glob("*")) and not (out / "current").exists()
    assert _gone(server, 10)


def test_kill_9_of_the_run_takes_its_prefect_server_along(tmp_path, started):
    proc, server = _start_run(tmp_path, tmp_path / "out", started)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _gone(server, 15), "the temporary Prefect server outlived its run"


def test_a_prefect_server_dying_mid_run_does_not_fail_the_run(tmp_path, started):
    out = tmp_path / "out"
    proc, server = _start_run(tmp_path, out, started)
    os.kill(server, signal.SIGKILL)
    stdout, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert json.loads(stdout.splitlines()[-1])["processed"] == 300
    assert len(pd.read_parquet(out / "articles")) == 300


def test_out_naming_a_file_is_a_usage_error(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Title\nBody text.\n", encoding="utf-8")
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    for out in (afile, afile / "sub"):
        proc = _claims(["run", str(src), "--out", str(out), "--config", BASE_ONLY], tmp_path / "home")
        assert proc.returncode == 2, proc.stderr
        assert "--out" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("args", [["--task-batch", "0"], ["--task-batch", "-3"], ["--batch-size", "-1"],
                                  ["--n-process", "0"], ["--n-process", "-1"], ["--batch-size", "x"]])
def test_out_of_range_numbers_are_usage_errors(tmp_path, args):
    proc = _claims(["run", str(tmp_path), "--out", str(tmp_path / "out"), *args], tmp_path / "home")
    assert proc.returncode == 2 and args[0] in proc.stderr, proc.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("config, says", [
    ("[run]\nbatch_size = 0\n", "batch_size must be a whole number of at least 1, not 0 (from the config"),
    ("[run\n", "is not valid TOML"),
    (None, "does not exist"),
])
def test_a_bad_config_is_a_usage_error_naming_the_file(tmp_path, config, says):
    path = tmp_path / "own.toml"
    if config is not None:
        path.write_text(config, encoding="utf-8")
    proc = _claims(["run", str(tmp_path), "--out", str(tmp_path / "out"), "--config", str(path)], tmp_path / "home")
    assert proc.returncode == 2 and says in proc.stderr and str(path) in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "out").exists()


def test_a_locked_output_is_refused_before_anything_slow(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Title\nBody text.\n", encoding="utf-8")
    out = tmp_path / "out"
    hold = ("import sys, time\nfrom pathlib import Path\nfrom pipeline.export.dataset import locked\n"
            "with locked(Path(sys.argv[1])):\n    print('LOCKED', flush=True)\n    time.sleep(60)\n")
    holder = subprocess.Popen([sys.executable, "-c", hold, str(out)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "LOCKED"
        t0 = time.monotonic()
        proc = _claims(["run", str(src), "--out", str(out), "--config", BASE_ONLY], tmp_path / "home")
        assert proc.returncode == 4 and "--wait" in proc.stderr
        assert time.monotonic() - t0 < 5
        assert not (tmp_path / "home" / "prefect.db").exists(), "no Prefect server was started"
    finally:
        holder.kill()
        holder.wait()
