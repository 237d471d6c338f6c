"""Process-wide settings scoped to one step are restored after it, also when it fails."""
import gc

import pyarrow as pa
import pytest

from pipeline.runtime import arrow_system_memory, gc_paused


def test_arrow_allocates_from_the_system_pool_inside_the_block_only():
    before = pa.default_memory_pool().backend_name
    with arrow_system_memory():
        assert pa.default_memory_pool().backend_name == "system"
        table = pa.table({"n": list(range(1000))})
    assert pa.default_memory_pool().backend_name == before
    assert table["n"][999].as_py() == 999  # buffers made inside stay valid after it


def test_settings_come_back_after_an_error():
    before = pa.default_memory_pool().backend_name
    with pytest.raises(RuntimeError), arrow_system_memory(), gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("a failed step")
    assert gc.isenabled() and pa.default_memory_pool().backend_name == before
