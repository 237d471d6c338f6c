"""Test-wide setup: Prefect runs offline against a temporary home, with analytics off; shared
fixtures for the tests that run the flow."""
import os
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Mapping

import pytest

os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="claims-prefect-"))
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


@pytest.fixture(scope="session")
def prefect_harness():
    """A temporary local Prefect server shared by every test that runs a flow."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def edited_copy(tmp_path) -> Callable[[Path, str, str], Path]:
    """``edited_copy(path, old, new)``: a copy of the file at ``path`` (e.g. a shipped lexicon),
    with the same name, in ``tmp_path``, ``old`` replaced by ``new``; returns the copy's path.
    ``old`` must occur in the file, so that an edit cannot miss."""
    def edit(path: Path, old: str, new: str) -> Path:
        text = Path(path).read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {path}"
        copy = tmp_path / Path(path).name
        copy.write_text(text.replace(old, new), encoding="utf-8")
        return copy
    return edit


@pytest.fixture
def write_corpus(tmp_path) -> Callable[..., Path]:
    """``write_corpus(texts, names=None)``: the texts called ``names`` (all by default) of
    ``texts`` (name -> text) written as ``<name>.txt`` into ``tmp_path / "in"``; returns that
    folder. A later call adds to the same folder, as new input arriving between runs."""
    def write(texts: Mapping[str, str], names: Iterable[str] | None = None) -> Path:
        src = tmp_path / "in"
        src.mkdir(exist_ok=True)
        for name in texts if names is None else names:
            (src / f"{name}.txt").write_text(texts[name], encoding="utf-8")
        return src
    return write


TINY_BENCHMARK_TEXTS = ("The minister said the border deal would be signed soon.",
                        "\"We are not there yet,\" Hillman told reporters on Wednesday.")


@pytest.fixture
def tiny_benchmark(tmp_path) -> tuple[Path, tuple[str, ...]]:
    """A PolNeAR-shaped benchmark of two one-sentence articles, the same in ``train`` and
    ``dev`` (``<split>.input.jsonl``, ``<split>.gold.jsonl`` with each one's source, cue and
    content), in ``tmp_path``; returns that folder and the two texts."""
    import json

    for split in ("train", "dev"):
        with open(tmp_path / f"{split}.input.jsonl", "w", encoding="utf-8") as fi, \
                open(tmp_path / f"{split}.gold.jsonl", "w", encoding="utf-8") as fg:
            for i, text in enumerate(TINY_BENCHMARK_TEXTS):
                fi.write(json.dumps({"id": f"{split}{i}", "text": text}) + "\n")
                cue = text.index("said") if "said" in text else text.index("told")
                src = (0, 12) if i == 0 else (text.index("Hillman"), text.index("Hillman") + 7)
                content = (cue + 5, len(text) - 1) if i == 0 else (0, text.index(",") + 2)
                fg.write(json.dumps({"id": f"{split}{i}", "attributions": [
                    {"source": {"spans": [list(src)]}, "cue": {"spans": [[cue, cue + 4]]},
                     "content": {"spans": [list(content)]}}]}) + "\n")
    return tmp_path, TINY_BENCHMARK_TEXTS
