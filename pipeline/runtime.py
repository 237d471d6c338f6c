"""Process-wide settings: for the length of one step, or the defaults a command starts with.

``gc_paused``: the cyclic garbage collector off while many objects are built (the gazetteer's
tuples, a publish's links); in a process holding a spaCy pipeline each collection walks all of it.
``prefect_defaults``: how every command of ours runs Prefect unless the environment says otherwise.
"""
from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector inside the block."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def prefect_defaults(logging_level: str = "INFO") -> None:
    """Run Prefect offline and quiet unless the environment chooses otherwise: a temporary local
    server, no analytics, logs from ``logging_level`` up."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", "true")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", logging_level)
    # A loaded machine can take longer than the default 20 s to start the temporary server.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
