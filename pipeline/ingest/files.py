"""Opening input files safely: regular files only, and never a wait on a pipe or a device.

Named pipes, devices and sockets are refused (``NotRegularFile``): reading one could block or
never end. The check runs on the open descriptor, so a file swapped for a pipe or ``/dev/zero``
after the folder was listed is caught too.
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from pipeline.errors import InputError


class NotRegularFile(InputError, OSError):
    """The path is a named pipe, a device or a socket: opening or reading it could block or never end."""


def file_kind(mode: int) -> str | None:
    """What a non-regular file is (for a message), or None for a regular file."""
    for test, kind in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return kind
    return None if stat.S_ISREG(mode) else "not a regular file"


def not_regular_reason(kind: str) -> str:
    return f"not a regular file but {kind}; such files are never read (reading could wait or run forever)"


def open_regular(path: Path) -> BinaryIO:
    """Open an input file for reading in binary, refusing (``NotRegularFile``) what is not a regular file.

    Opened without blocking, so a named pipe with no writer cannot hang the run, and checked
    on the open descriptor, so a file swapped for a pipe or ``/dev/zero`` after listing is caught.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                 | getattr(os, "O_BINARY", 0))
    try:
        kind = file_kind(os.fstat(fd).st_mode)
        if kind is not None:
            raise NotRegularFile(errno.EINVAL, not_regular_reason(kind), str(path))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
