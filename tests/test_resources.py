"""The shipped data folder and the one cache folder every layer uses."""
from pathlib import Path

from pipeline.resources import cache_dir, model_file


def test_the_cache_folder_follows_claims_cache_dir_then_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("CLAIMS_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("CLAIMS_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "claims-pipeline"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir() == Path.home() / ".cache" / "claims-pipeline"


def test_model_files_resolve_inside_the_shipped_folder():
    assert model_file("pipeline.toml").is_file()
