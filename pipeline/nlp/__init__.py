"""spaCy stage: the pipeline loader; our components are spaCy factories found through entry points."""
from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.language import Language

from pipeline.config import load_config
from pipeline.nlp.base_model import load_base_model, swap_components
from pipeline.nlp.extensions import make_doc, register_extensions
from pipeline.resources import models_dir

MODELS_DIR = models_dir()

__all__ = ["load_config", "load_pipeline", "make_doc", "register_extensions", "MODELS_DIR"]


@lru_cache(maxsize=4)
def _cached_pipeline(config_path: str | None) -> Language:
    return build_pipeline(load_config(config_path))


def build_pipeline(config: dict[str, Any]) -> Language:
    """Build the full pipeline from a config dict: base model plus our components in order."""
    register_extensions()
    nlp = load_base_model(config["model"]["name"], config["model"].get("exclude"))
    swap_components(nlp, config["model"].get("swap", {}))
    comp_cfg = config.get("components", {})
    placement = config["pipeline"].get("placement", {})
    for name in config["pipeline"]["components"]:
        where = placement.get(name, {})
        if any(anchor not in nlp.pipe_names for anchor in (where.get("before"), where.get("after")) if anchor):
            where = {}  # the base model lacks the anchor (e.g. no parser): add it at the end
        nlp.add_pipe(name, config=comp_cfg.get(name, {}), **where)
    return nlp


_LOAD_LOCK = threading.Lock()
# One short sentence, of an article with a publication date, that reaches every lazily loaded
# resource (gazetteer, unit lexicon, the date parser and its time-zone patterns).
WARM_UP_TEXT = ("Prime Minister Justin Trudeau said on Tuesday that more than 39,000 claims, "
                "up 5 per cent, were filed in Toronto since Oct. 5, 2019.")
WARM_UP_PUBLISHED = "2020-03-01"


def load_pipeline(config_path: Path | str | None = None) -> Language:
    """The configured pipeline, loaded once per process and config file (thread-safe)."""
    with _LOAD_LOCK:
        return _cached_pipeline(str(config_path) if config_path else None)


def unload_pipelines() -> None:
    """Forget the pipelines loaded in this process: the next :func:`load_pipeline` builds its
    pipeline again, with an empty vocabulary and empty caches (as a new worker process has)."""
    with _LOAD_LOCK:
        _cached_pipeline.cache_clear()


def warm_up(config_path: Path | str | None = None) -> None:
    """Load the pipeline and everything its components load on first use."""
    nlp = load_pipeline(config_path)
    nlp(make_doc(nlp, WARM_UP_TEXT, published=WARM_UP_PUBLISHED))


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
