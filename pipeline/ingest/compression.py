"""Compressed inputs: gzip, zstandard and bz2, told by the file name and checked by the first bytes.

``story.jsonl.gz`` is a JSONL file compressed with gzip: the last suffix names the compression,
the one before it the format. The file's first bytes must agree with its name (a ``.gz`` file
that is not gzip data, or a ``.jsonl`` file that is, is rejected with what it really is), so a
misnamed file costs one clear reject, not a reject per line.

Everything is decompressed as a stream: memory stays flat however large the file. Damage
(a truncated file, corrupt data) raises :class:`CompressedDataError`, an ``OSError`` that says
how far the data could be read (bytes and lines of the decompressed stream), so the reader can
reject the record where it happened and keep every record before it.
"""
from __future__ import annotations

import bz2
import gzip
import io
import re
from pathlib import Path
from typing import BinaryIO

from pipeline.errors import InputError
from pipeline.ingest.files import open_regular

# Suffix -> compression, and each compression's magic bytes.
COMPRESSION_SUFFIXES = {".gz": "gzip", ".gzip": "gzip", ".zst": "zstd", ".zstd": "zstd", ".bz2": "bz2"}
MAGIC = {"gzip": re.compile(rb"\x1f\x8b"), "zstd": re.compile(rb"\x28\xb5\x2f\xfd"),
         "bz2": re.compile(rb"BZh[1-9](1AY&SY|\x17rE8P\x90)", re.DOTALL)}  # a block, or the end of an empty stream
_HEAD = 10
_CHUNK = 1 << 16
# Compressed bytes handed to the zstd decoder at a time: small, so one call's output stays small
# even for data that expands enormously (long runs of one byte).
_ZSTD_INPUT = 1 << 10


class CompressedDataError(InputError, OSError):
    """Compressed data that cannot be read to its end; ``lines`` complete lines were read before it."""

    def __init__(self, message: str, lines: int = 0, offset: int = 0) -> None:
        super().__init__(message)
        self.lines = lines
        self.offset = offset

    def __str__(self) -> str:
        return self.args[0]


class WrongCompression(InputError, OSError):
    """A file whose first bytes contradict the compression its name says."""

    def __str__(self) -> str:
        return self.args[0]


def compression_of(path: Path) -> str | None:
    """The compression a file's name says (``gzip``, ``zstd``, ``bz2``), else None."""
    return COMPRESSION_SUFFIXES.get(path.suffix.lower())


def format_of(path: Path) -> tuple[str, str | None]:
    """``(format suffix, compression)`` of a file: ``a.jsonl.gz`` -> ``(".jsonl", "gzip")``."""
    kind = compression_of(path)
    if kind is None:
        return path.suffix.lower(), None
    return Path(path.stem).suffix.lower(), kind


def logical_stem(path: Path) -> str:
    """The file's name without its format and compression suffixes: ``a.txt.gz`` -> ``a``."""
    return Path(path.stem).stem if compression_of(path) else path.stem


def sniff(head: bytes) -> str | None:
    """The compression whose magic bytes ``head`` starts with, else None."""
    for kind, magic in MAGIC.items():
        if magic.match(head):
            return kind
    return None


def check_magic(path: Path, head: bytes) -> None:
    """Raise :class:`WrongCompression` when ``head`` (the file's first bytes) contradicts its name."""
    named = compression_of(path)
    actual = sniff(head)
    if named == actual:
        return
    if named is None:
        raise WrongCompression(f"the file is {actual}-compressed but its name does not say so; "
                               f"rename it to {path.name}{_suffix_for(actual)}")
    if not head:
        raise WrongCompression(f"empty file: no {named} data")
    what = f"{actual}-compressed" if actual else "not compressed"
    raise WrongCompression(f"named {path.suffix} but the data is {what} (it starts with {head[:4]!r}); "
                           f"rename it to match its content")


def _suffix_for(kind: str | None) -> str:
    return {"gzip": ".gz", "zstd": ".zst", "bz2": ".bz2"}.get(kind or "", "")


class _Decompressing(io.RawIOBase):
    """The decompressed bytes of a compressed stream, with damage reported as CompressedDataError."""

    def __init__(self, raw: BinaryIO, kind: str, name: str) -> None:
        self._raw = raw
        self._kind = kind
        self._name = name
        self._pos = 0
        self._lines = 0
        self._pending = b""
        if kind == "gzip":
            self._stream: BinaryIO | None = gzip.GzipFile(fileobj=raw, mode="rb")
        elif kind == "bz2":
            self._stream = bz2.BZ2File(raw, mode="rb")
        else:
            import zstandard

            self._zstd = zstandard
            self._stream = None
            self._dobj = zstandard.ZstdDecompressor().decompressobj()
            self._fed = False

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True  # only to where we are (lets a BufferedReader rewind within its buffer)

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        target = offset if whence == io.SEEK_SET else self._pos + offset if whence == io.SEEK_CUR else None
        if target != self._pos:
            raise io.UnsupportedOperation("a compressed stream can only be read forward")
        return self._pos

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            data = self._read(len(buffer))
        except Exception as exc:  # noqa: BLE001 - zlib, bz2 and zstd each raise their own error types
            if isinstance(exc, OSError) and exc.errno is not None:
                raise  # a real I/O error of the file, not damaged data
            raise self._damaged(exc) from None
        n = len(data)
        buffer[:n] = data
        self._pos += n
        self._lines += data.count(b"\n")
        return n

    def _damaged(self, exc: BaseException) -> CompressedDataError:
        why = ("the file is truncated (the compressed data ends early)" if isinstance(exc, EOFError)
               else f"the compressed data is damaged ({type(exc).__name__}: {exc})")
        return CompressedDataError(f"{self._kind}: {why}, after {self._pos:,} bytes "
                                   f"({self._lines:,} complete lines) of decompressed data", self._lines, self._pos)

    def _read(self, size: int) -> bytes:
        if self._stream is not None:
            return self._stream.read(size)
        while not self._pending:
            chunk = self._raw.read(_ZSTD_INPUT)
            if not chunk:
                if self._fed and not self._dobj.eof:
                    raise EOFError("zstd frame not finished")
                return b""
            while chunk:
                if self._dobj.eof:  # a new frame follows the one just finished
                    self._dobj = self._zstd.ZstdDecompressor().decompressobj()
                self._fed = True
                self._pending += self._dobj.decompress(chunk)
                chunk = self._dobj.unused_data if self._dobj.eof else b""
        out, self._pending = self._pending[:size], self._pending[size:]
        return out

    def close(self) -> None:
        try:
            if self._stream is not None:
                self._stream.close()
        finally:
            self._raw.close()
            super().close()


def open_input(path: Path) -> BinaryIO:
    """A binary stream of the file's content, decompressed when its name says it is compressed.

    Raises :class:`WrongCompression` when the first bytes contradict the name, and (while
    reading) :class:`CompressedDataError` for a truncated or damaged compressed file.
    """
    raw = open_regular(path)
    try:
        head = raw.read(_HEAD)
        raw.seek(0)
        check_magic(path, head)
    except BaseException:
        raw.close()
        raise
    kind = compression_of(path)
    if kind is None:
        return raw
    return io.BufferedReader(_Decompressing(raw, kind, str(path)), buffer_size=_CHUNK)


def read_bounded(path: Path, max_bytes: int) -> bytes | None:
    """The whole decompressed content of ``path``, or None when it is over ``max_bytes``."""
    with open_input(path) as fh:
        data = fh.read(max_bytes + 1)
    return None if len(data) > max_bytes else data
