"""Process-wide settings changed for the length of one step and restored after it.

``gc_paused``: the cyclic garbage collector off while many objects are built (the gazetteer's
tuples, a publish's links); in a process holding a spaCy pipeline each collection walks all of it.
"""
from __future__ import annotations

import gc
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
