"""Where the shipped data lives (the ``claims_models`` package, ``models/`` in the repository) and
where derived files are cached.

Every file the pipeline ships (configs, lexicons, gazetteer, trained models) is found here
through :mod:`importlib.resources`, so an installed wheel works as well as a checkout.
"""
from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable, TypeVar

T = TypeVar("T")

DATA_PACKAGE = "claims_models"


@lru_cache(maxsize=1)
def models_dir() -> Path:
    """The folder of the installed ``claims_models`` package, as a filesystem path.

    spaCy loads models from directories, so the package must be installed unzipped (pip always
    does this for wheels); a zipped install is reported instead of failing later.
    """
    root = resources.files(DATA_PACKAGE)
    path = Path(str(root))
    if not path.is_dir():
        raise RuntimeError(f"the data package {DATA_PACKAGE!r} is not a folder on disk ({root}); "
                           "install the claims-pipeline wheel unzipped (pip does) and try again")
    return path


def model_file(*parts: str) -> Path:
    """A path under the shipped ``models/`` folder, e.g. ``model_file("lexicon", "speakers.toml")``."""
    return models_dir().joinpath(*parts)


def cache_dir() -> Path:
    """Where derived files are cached: ``$CLAIMS_CACHE_DIR``, else ``$XDG_CACHE_HOME`` or
    ``~/.cache``, under ``claims-pipeline``."""
    env = os.environ.get("CLAIMS_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "claims-pipeline"


def read_data_file(path: Path | str, what: str, build: Callable[[dict[str, Any]], T]) -> T:
    """``build`` applied to the TOML data file at ``path`` (a lexicon of ``models/``); a file
    that is missing, not TOML, or lacks what ``build`` reads is reported as ``what`` it holds."""
    try:
        with open(path, "rb") as fh:
            return build(tomllib.load(fh))
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError) as exc:
        raise RuntimeError(f"cannot read {what} in {path}: {exc!r}; restore the file from the "
                           "repository (or the installed package)") from exc
