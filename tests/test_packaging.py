"""The project as users install it: a wheel carries models/, runs outside any checkout, and
gives the same rows as the editable install; spaCy finds our components through entry points."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import tomllib
import zipfile
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "corpus"
ARTICLE_TABLES = ("articles", "claims", "figures", "dates", "places")
# Columns that depend on where and when a run happened, not on what it extracted.
RUN_COLUMNS = {"input_path", "run_id", "processed_at"}


def _pyproject() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)


def test_every_code_package_and_models_folder_is_listed():
    listed = set(_pyproject()["tool"]["setuptools"]["packages"])
    code = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "pipeline").rglob("__init__.py")}
    models = ROOT / "models"
    data = {".".join(("claims_models", *d.relative_to(models).parts))
            for d in [models, *models.rglob("*")] if d.is_dir() and d.name != "__pycache__"}
    missing = sorted((code | data) - listed)
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {missing}"


def test_models_are_found_through_the_data_package():
    from pipeline.resources import model_file, models_dir

    assert (models_dir() / "pipeline.toml").is_file()
    assert model_file("lexicon", "speakers.toml").is_file()


def test_no_module_finds_shipped_data_by_its_place_in_the_checkout():
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "pipeline").rglob("*.py")
                 if '/ "models"' in path.read_text(encoding="utf-8")]
    assert not offenders, f"use pipeline.resources.model_file(...) in {offenders}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The project's wheel, built from this checkout without network access."""
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "-w", str(out), str(ROOT)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Warning" not in proc.stderr, proc.stderr
    [path] = out.glob("claims_pipeline-*.whl")
    return path


def test_wheel_holds_every_model_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {"claims_models/" + str(p.relative_to(ROOT / "models")) for p in (ROOT / "models").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    assert shipped <= names, sorted(shipped - names)
    assert "spacy_factories" in zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith("entry_points.txt"))).decode()


@pytest.fixture(scope="module")
def wheel_env(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment outside the checkout with the wheel installed.

    The dependencies are this environment's (a path entry to its site-packages), so the test
    needs no network; the project itself comes only from the wheel.
    """
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
                           "--no-deps", "--no-index", str(wheel)], capture_output=True, text=True, timeout=600)
    if "no such option: --python" in proc.stderr:  # pip < 22.3: install with the target's site dir
        proc = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index",
                               "--target", str(site), str(wheel)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return venv


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PYTHONPATH")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_LOGGING_LEVEL="WARNING")
    return env


def _claims(python: Path, args: list[str], cwd: Path, home: Path) -> subprocess.CompletedProcess:
    code = "import sys; from pipeline.cli import console_main; sys.argv[0] = 'claims'; console_main()"
    return subprocess.run([str(python), "-c", code, *args], capture_output=True, text=True, cwd=cwd,
                          env=_env(home), timeout=600)


def _table(out: Path, table: str) -> pd.DataFrame:
    df = pd.read_parquet(out / table)
    df = df.drop(columns=[c for c in df.columns if c in RUN_COLUMNS])
    return df.sort_values(list(df.columns[:2])).reset_index(drop=True)


def test_the_wheel_runs_outside_the_checkout_and_gives_the_same_rows(wheel_env, tmp_path):
    python = wheel_env / "bin" / "python"
    where = subprocess.run([str(python), "-c", "import pipeline, claims_models; print(pipeline.__file__); "
                            "print(claims_models.__file__)"], capture_output=True, text=True, cwd=tmp_path,
                           env=_env(tmp_path / "home"), timeout=120)
    assert where.returncode == 0, where.stderr
    assert all(str(wheel_env) in line for line in where.stdout.split()), where.stdout

    seed = tmp_path / "input"
    shutil.copytree(SEED, seed)
    elsewhere = tmp_path / "somewhere"
    elsewhere.mkdir()
    wheel_run = _claims(python, ["run", str(seed), "--out", str(tmp_path / "from_wheel"), "--no-progress"],
                        elsewhere, tmp_path / "home1")
    assert wheel_run.returncode == 0, wheel_run.stderr
    editable = _claims(Path(sys.executable), ["run", str(seed), "--out", str(tmp_path / "editable"),
                                              "--no-progress"], ROOT, tmp_path / "home2")
    assert editable.returncode == 0, editable.stderr
    for table in ARTICLE_TABLES:
        pd.testing.assert_frame_equal(_table(tmp_path / "from_wheel", table), _table(tmp_path / "editable", table))
    assert len(_table(tmp_path / "from_wheel", "claims")) > 5


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_flow_runs_on_a_dask_cluster_of_the_installed_wheel(wheel_env, tmp_path):
    bindir = wheel_env / "bin"
    python = bindir / "python"
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = _env(tmp_path / "home")
    cwd = tmp_path / "cluster"
    cwd.mkdir()
    start = "from distributed.cli.{0} import main; import sys; sys.argv[0] = '{0}'; sys.exit(main())"
    scheduler = subprocess.Popen([str(python), "-c", start.format("dask_scheduler"), "--host", "127.0.0.1",
                                  "--port", str(port), "--dashboard-address", ":0", "--no-show"],
                                 cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = None
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.3)
        worker = subprocess.Popen([str(python), "-c", start.format("dask_worker"), address, "--nworkers", "1",
                                   "--nthreads", "1", "--dashboard-address", ":0", "--no-nanny"],
                                  cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seed = tmp_path / "input"
        shutil.copytree(SEED, seed)
        run = _claims(python, ["run", str(seed), "--out", str(tmp_path / "out"), "--no-progress",
                               "--task-runner", f"dask:{address}"], cwd, tmp_path / "home")
        assert run.returncode == 0, run.stderr
        assert len(pd.read_parquet(tmp_path / "out" / "claims")) > 5
    finally:
        for proc in (worker, scheduler):
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
