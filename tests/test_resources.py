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


def test_a_data_file_that_cannot_be_read_is_named_with_what_it_holds(tmp_path):
    import pytest

    from pipeline.resources import read_data_file

    good = tmp_path / "words.toml"
    good.write_text('[words]\nall = ["a", "b"]\n', encoding="utf-8")
    assert read_data_file(good, "the words", lambda raw: set(raw["words"]["all"])) == {"a", "b"}
    for text in ('[words]\n', 'not = toml = at all'):
        good.write_text(text, encoding="utf-8")
        with pytest.raises(RuntimeError, match="cannot read the words in .*words.toml"):
            read_data_file(good, "the words", lambda raw: set(raw["words"]["all"]))
    with pytest.raises(RuntimeError, match="missing.toml"):
        read_data_file(tmp_path / "missing.toml", "the words", dict)
