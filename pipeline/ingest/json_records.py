"""The ``.json`` reader: one article object per file (as news crawlers write them), or a JSON array of articles.

(A ``.json`` file that is really JSON Lines, one object a line, is read by the JSONL reader.)

A single object is read whole (it is one article, so ``Limits.max_file_bytes`` bounds it); its
id is its ``id`` (or a recognized alias, see :mod:`pipeline.ingest.fields`), else the file name.
An array is streamed item by item with ``ijson``, so memory stays flat however long the array:
each item is one record (``record`` is its 1-based position) and a bad item is rejected alone.
JSON that breaks the array's syntax stops the file there (nothing after it can be located),
with a reject naming the item; every item before it is kept. An item larger than
``Limits.max_line_bytes`` is rejected the same way, before it is held in memory whole.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, BinaryIO, Iterator

from pipeline.ingest.compression import logical_stem, open_input
from pipeline.ingest.fields import map_fields
from pipeline.ingest.readers import DEFAULT_LIMITS, Limits, Record, _from_fields, read_jsonl
from pipeline.ingest.records import Reject
from pipeline.ingest.text import UndecodableInput, decode_bytes

_BOM = b"\xef\xbb\xbf"
_PEEK = 4096


class ItemTooLarge(Exception):
    """More bytes than the limit were read without the current array item ending."""


class _Budget:
    """A file wrapper that fails a read once more than ``limit`` bytes went by since :meth:`reset`."""

    def __init__(self, fh: BinaryIO, limit: int) -> None:
        self._fh = fh
        self._limit = limit
        self._since = 0
        self.offset = 0

    def reset(self) -> None:
        self._since = 0

    def read(self, size: int = -1) -> bytes:
        data = self._fh.read(size)
        self._since += len(data)
        self.offset += len(data)
        if self._since > self._limit:
            raise ItemTooLarge
        return data


def _first_char(fh: BinaryIO) -> tuple[bytes, bytes]:
    """``(first non-space byte, bytes read)``: the bytes are replayed before the rest of the stream."""
    head = fh.read(_PEEK)
    start = len(_BOM) if head.startswith(_BOM) else 0
    body = head[start:]
    stripped = body.lstrip()
    return stripped[:1], body


class _Replay:
    """``head`` and then the rest of ``fh``, as one stream."""

    def __init__(self, head: bytes, fh: BinaryIO) -> None:
        self._head = head
        self._fh = fh

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size is None or size < 0:
                out, self._head = self._head + self._fh.read(), b""
                return out
            out, self._head = self._head[:size], self._head[size:]
            return out
        return self._fh.read(size)


def read_json(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[Record]:
    """Articles of a ``.json`` file (compressed or not): one object, or an array of objects.

    A ``.json`` file of one object a line (JSON Lines, as many dataset tools write under that
    name) is read as the JSONL file it is.
    """
    with open_input(path) as fh:
        first, head = _first_char(fh)
        if first == b"{":
            stream = _Replay(head, fh)
            data = _first_lines(stream, limits.max_file_bytes + 1)
            if not _json_lines(data):
                data += stream.read(limits.max_file_bytes + 1 - len(data))
                yield _one_object(path, data, limits)
                return
        elif first == b"[":
            yield from _array(path, _Replay(head, fh), limits)
            return
        elif not first:
            yield Reject(str(path), None, logical_stem(path), "empty JSON file")
            return
        else:
            yield Reject(str(path), None, logical_stem(path),
                         f"not a JSON article: the file starts with {head.lstrip()[:20]!r}, not an object or an array")
            return
    yield from read_jsonl(path, limits)


def _first_lines(stream: Any, limit: int) -> bytes:
    """The start of the stream up to past its first line (some of the second one too), at most ``limit`` bytes."""
    data = b""
    while len(data) < limit:
        piece = stream.read(min(_PEEK * 16, limit - len(data)))
        if not piece:
            break
        data += piece
        first, newline, rest = data.lstrip().partition(b"\n")
        if newline and rest.strip():
            break
    return data


def _json_lines(data: bytes) -> bool:
    """Whether ``data`` (a file's start) is JSON Lines: a whole object on the first line and another line after it."""
    first, _, rest = data.removeprefix(_BOM).lstrip().partition(b"\n")
    if not rest.strip():
        return False
    try:
        return isinstance(json.loads(first), dict)
    except (ValueError, RecursionError):
        return False


def _one_object(path: Path, data: bytes, limits: Limits) -> Record:
    stem = logical_stem(path)
    if len(data) > limits.max_file_bytes:
        return Reject(str(path), None, stem, f"file is over the limit of {limits.max_file_bytes:,} bytes")
    try:
        text, _ = decode_bytes(data)
    except UndecodableInput as exc:
        return Reject(str(path), None, stem, f"cannot read as text: {exc}")
    try:
        row = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":
            return Reject(str(path), None, stem, f"more than one JSON value (line {exc.lineno}, column {exc.colno}): "
                                                 "a .json file holds one article object or an array of them")
        return Reject(str(path), None, stem, f"malformed JSON on line {exc.lineno}, column {exc.colno}: {exc.msg}")
    except RecursionError:
        return Reject(str(path), None, stem, "malformed JSON: nested too deeply")
    row = map_fields(row, limits)
    if row.get("id") is None or (isinstance(row.get("id"), str) and not row["id"].strip()):
        row["id"] = stem  # one article a file: the file names it, as for .txt
    return _from_fields(row, path, None, "json", limits)


def _array(path: Path, fh: Any, limits: Limits) -> Iterator[Record]:
    import ijson  # imported here: only JSON arrays need it

    budget = _Budget(fh, limits.max_line_bytes)
    n = 0
    items = ijson.items(budget, "item", use_float=True)
    while True:
        record = str(n + 1)
        try:
            item = next(items)
        except StopIteration:
            return
        except ItemTooLarge:
            yield Reject(str(path), record, None, f"array item {n + 1} is over the size limit of "
                                                  f"{limits.max_line_bytes:,} bytes; the rest of the file is not read")
            return
        except (ijson.JSONError, UnicodeDecodeError, ValueError) as exc:
            yield Reject(str(path), record, None, f"malformed JSON in array item {n + 1} (near byte {budget.offset:,}): "
                                                  f"{exc}; the rest of the file is not read")
            return
        n += 1
        budget.reset()
        if not isinstance(item, dict):
            yield Reject(str(path), record, None, f"array item {n} is a JSON {_json_type(item)}, not an object")
            continue
        yield _from_fields(item, path, record, "json", limits)


def _json_type(value: Any) -> str:
    return {list: "array", str: "string", bool: "boolean", type(None): "null"}.get(type(value), "number")
