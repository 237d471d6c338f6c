"""Which reader reads which file: the formats beyond txt/html/jsonl/csv, and compression of any of them.

A file's format is the suffix before its compression suffix (``a.jsonl.gz`` is JSONL, gzip).
Line- and record-oriented readers (JSONL, CSV, JSON, WARC) read the decompressed stream as it
comes; a compressed whole-file article (``.txt.gz``, ``.html.gz``, at most
``Limits.max_file_bytes`` once decompressed) is decompressed to a temporary file and read by
the same reader as the plain file, so it gives the same article (its ``doc_id`` is the name
without both suffixes). Damage to the compressed data costs the record where it happened and
what follows; every record before it is kept.
"""
from __future__ import annotations

import dataclasses
import tempfile
from functools import partial
from pathlib import Path
from typing import Callable, Iterator, Mapping

from pipeline.ingest.compression import CompressedDataError, WrongCompression, format_of, logical_stem, read_bounded
from pipeline.ingest.json_records import read_json
from pipeline.ingest.parquet import read_parquet
from pipeline.ingest.readers import Limits, Record
from pipeline.ingest.records import Reject
from pipeline.ingest.warc import read_warc

Reader = Callable[[Path, Limits], Iterator[Record]]

FORMAT_READERS: dict[str, Reader] = {".json": read_json, ".parquet": read_parquet, ".warc": read_warc}
WHOLE_FILE = frozenset({".txt", ".text", ".html", ".htm", ".xhtml"})
# Readers whose records are numbered by line of the (decompressed) file.
LINE_NUMBERED = frozenset({".jsonl", ".ndjson"})
COMPRESSED_NAMES = (".gz", ".zst", ".bz2")


def reader_for(file: Path, readers: Mapping[str, Reader]) -> Reader | None:
    """The reader of ``file`` (``readers`` first, then the formats of this module), or None."""
    suffix, compression = format_of(file)
    reader = readers.get(suffix) or FORMAT_READERS.get(suffix)
    if reader is None:
        return None
    if compression is None:
        return reader
    return partial(read_compressed, inner=reader, suffix=suffix)


def supported(readers: Mapping[str, Reader]) -> str:
    """The formats we read, for messages: ``.csv, .html, ... (each also .gz, .zst or .bz2)``."""
    names = sorted({*readers, *FORMAT_READERS})
    return f"{', '.join(names)} (each also compressed: {', '.join(COMPRESSED_NAMES)})"


def read_compressed(path: Path, limits: Limits, *, inner: Reader, suffix: str) -> Iterator[Record]:
    """The records of a compressed file, read by ``inner`` (the reader of the format inside)."""
    stem = logical_stem(path)
    if suffix == ".parquet":
        yield Reject(str(path), None, stem, "a compressed parquet file cannot be read by row groups; parquet "
                                            "compresses its own pages: decompress the file and read the .parquet")
        return
    last: str | None = None
    try:
        if suffix in WHOLE_FILE:
            yield from _whole_file(path, limits, inner, suffix, stem)
            return
        for rec in inner(path, limits):
            last = rec.record or last
            yield rec
    except WrongCompression as exc:
        yield Reject(str(path), None, stem, str(exc))
    except CompressedDataError as exc:
        if suffix in LINE_NUMBERED:
            record = str(exc.lines + 1)
        else:
            record = str(int(last) + 1) if last and last.isdigit() else None
        lost = f"record {record} and everything after it" if record else "the file"
        yield Reject(str(path), record, None if record else stem, f"{exc}: {lost} could not be read")


def _whole_file(path: Path, limits: Limits, inner: Reader, suffix: str, stem: str) -> Iterator[Record]:
    data = read_bounded(path, limits.max_file_bytes)
    if data is None:
        yield Reject(str(path), None, stem, f"decompressed, the file is over the limit of {limits.max_file_bytes:,} bytes")
        return
    with tempfile.TemporaryDirectory(prefix="claims-unpacked-") as tmp:
        plain = Path(tmp) / f"{stem}{suffix}"
        plain.write_bytes(data)
        del data
        for rec in inner(plain, limits):
            yield dataclasses.replace(rec, input_path=str(path))
