"""The output directory's lock: one run writes a dataset at a time.

Kept apart from the dataset code (no pyarrow) so that ``claims run`` can take the lock as its
very first step, before anything slow starts.
"""
from __future__ import annotations

import errno
import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from pipeline.errors import ClaimsError, ExitCode

LOCK = ".lock"


class DatasetLocked(ClaimsError, RuntimeError):
    """Another run holds the output directory's lock."""

    exit_code = ExitCode.LOCKED


# Locks this process holds: pid:path -> [open lock file, depth]. ``locked`` is re-entrant within a
# process, so the command line can take the lock before anything slow and the flow take it again.
_HELD: dict[str, list] = {}


@contextmanager
def locked(out: Path, wait: bool = False, timeout: float = 3600.0) -> Iterator[None]:
    """Hold the output directory's exclusive lock; refuse (or wait) when another run has it."""
    out.mkdir(parents=True, exist_ok=True)
    key = f"{os.getpid()}:{os.path.realpath(out)}"  # a forked child does not inherit the lock
    if key in _HELD:
        _HELD[key][1] += 1
        try:
            yield
        finally:
            _HELD[key][1] -= 1
        return
    fh = open(out / LOCK, "a+")
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if not wait or time.monotonic() > deadline:
                    raise DatasetLocked(
                        f"another run is writing {out} (lock {out / LOCK}); wait for it to finish "
                        "or pass --wait") from None
                time.sleep(0.5)
        _HELD[key] = [fh, 1]
        yield
    finally:
        if _HELD.get(key, [None])[0] is fh:
            del _HELD[key]
        fh.close()
