"""spaCy stage: our components (registered with @Language.factory) and the pipeline loader."""
from __future__ import annotations

import importlib
import threading
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

from pipeline.nlp.extensions import make_doc, register_extensions

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
DEFAULT_CONFIG = MODELS_DIR / "pipeline.toml"

# Our factories and the module whose import registers each.
FACTORY_MODULES: dict[str, str] = {
    "claims_places": "pipeline.nlp.places",
    "claims_dates": "pipeline.nlp.dates",
    "claims_figures": "pipeline.nlp.figures",
    "claims_attribution": "pipeline.nlp.attribution",
    "claims_speakers": "pipeline.nlp.speakers",
}

__all__ = ["load_config", "load_pipeline", "make_doc", "register_extensions", "MODELS_DIR"]


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def load_config(path: Path | str | None = None) -> dict[str, Any]:
    """Read the pipeline config (TOML); defaults to ``models/pipeline.toml``.

    A config may name another with ``extends = "file.toml"`` (relative to itself): its tables
    are read first and this file's values override theirs.
    """
    path = Path(path or DEFAULT_CONFIG)
    with open(path, "rb") as fh:
        config = tomllib.load(fh)
    parent = config.pop("extends", None)
    return _merge(load_config(path.parent / parent), config) if parent else config


def _load_base_model(name: str, disable: list[str] | None = None) -> Language:
    """Load a spaCy model from an importable package with ``load()`` or from a directory."""
    if Path(name).exists():
        return spacy.load(name, exclude=disable or [])
    module = importlib.import_module(name)
    return module.load(exclude=disable or [])


def register_components(names: list[str]) -> None:
    """Import the modules of the named components so their factories are registered with spaCy."""
    register_extensions()
    for name in names:
        if name in FACTORY_MODULES:
            importlib.import_module(FACTORY_MODULES[name])


@lru_cache(maxsize=4)
def _cached_pipeline(config_path: str | None) -> Language:
    return build_pipeline(load_config(config_path))


def build_pipeline(config: dict[str, Any]) -> Language:
    """Build the full pipeline from a config dict: base model plus our components in order."""
    register_components(config["pipeline"]["components"])
    nlp = _load_base_model(config["model"]["name"], config["model"].get("exclude"))
    comp_cfg = config.get("components", {})
    for name in config["pipeline"]["components"]:
        nlp.add_pipe(name, config=comp_cfg.get(name, {}))
    return nlp


_LOAD_LOCK = threading.Lock()
# One short sentence that reaches every lazily loaded resource (gazetteer, unit lexicon, date parser).
WARM_UP_TEXT = ("Prime Minister Justin Trudeau said on Tuesday that more than 39,000 claims, "
                "up 5 per cent, were filed in Toronto.")


def load_pipeline(config_path: Path | str | None = None) -> Language:
    """The configured pipeline, loaded once per process and config file (thread-safe)."""
    with _LOAD_LOCK:
        return _cached_pipeline(str(config_path) if config_path else None)


def warm_up(config_path: Path | str | None = None) -> None:
    """Load the pipeline and everything its components load on first use."""
    load_pipeline(config_path)(WARM_UP_TEXT)


def warm_up_in_background(config_path: Path | str | None = None) -> threading.Thread:
    """Start :func:`warm_up` in a daemon thread, so loading overlaps other start-up work.

    A failure there is left for the run itself to meet and report.
    """
    def target() -> None:
        try:
            warm_up(config_path)
        except Exception:  # noqa: BLE001 - the run loads the same pipeline and reports errors
            pass

    thread = threading.Thread(target=target, name="claims-warm-up", daemon=True)
    thread.start()
    return thread
