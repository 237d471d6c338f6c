"""Process-wide settings changed for the length of one step and restored after it.

``gc_paused``: the cyclic garbage collector off while many objects are built (the gazetteer's
tuples, a publish's links); in a process holding a spaCy pipeline each collection walks all of it.
``arrow_system_memory``: Arrow allocates from the C library's allocator instead of its default
(mimalloc), which keeps the pages of freed buffers; the linking at publish builds and frees many
short-lived tables, and under mimalloc the process's peak memory grew with the corpus by more than
the tables themselves (measured in ``claims benchmark --sizes``; see the README's memory section).
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

import pyarrow as pa


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


@contextmanager
def arrow_system_memory() -> Iterator[None]:
    """Make the C library's allocator Arrow's default pool inside the block (buffers allocated
    there are freed to it whenever they are released, also after the block)."""
    previous = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(previous)
