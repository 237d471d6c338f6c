"""Where the shipped data lives: the ``claims_models`` package (``models/`` in the repository).

Every file the pipeline ships (configs, lexicons, gazetteer, trained models) is found here
through :mod:`importlib.resources`, so an installed wheel works as well as a checkout.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

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
