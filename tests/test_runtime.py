"""Process-wide settings: the garbage collector paused for one step, Arrow's allocator."""
import gc
import os
import subprocess
import sys

import pytest

from pipeline.runtime import gc_paused

POOL = "import pipeline, pyarrow; print(pyarrow.default_memory_pool().backend_name)"


def test_the_collector_comes_back_after_an_error():
    with pytest.raises(RuntimeError), gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("a failed step")
    assert gc.isenabled()


def _pool(env_pool: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if env_pool:
        env["ARROW_DEFAULT_MEMORY_POOL"] = env_pool
    return subprocess.run([sys.executable, "-c", POOL], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_arrow_allocates_from_the_system_allocator_unless_the_environment_chooses():
    assert _pool(None) == "system"
    assert _pool("mimalloc") == "mimalloc"
