"""Temporary Arrow files of a publish that links its claims a partition at a time.

Rows are routed to one of N bucket files (``Partitions``); a table sorted by a key column is
kept as a run file of small batches (``write_run``); runs are merged into one sorted parquet file
(``merge_runs``) and row-numbered results back into row order (``RowCursor``), each holding one
batch per file, so what is in memory does not grow with the rows spilled.
"""
from __future__ import annotations

import heapq
from pathlib import Path
from typing import Iterator

import numpy
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

_OPTIONS = pa.ipc.IpcWriteOptions(compression=None)


class Partitions:
    """N uncompressed Arrow IPC files under ``directory`` (spilled rows are read back once, soon:
    compressing their many small batches cost more time than the disk it saved) that rows are
    appended to by number."""

    def __init__(self, directory: Path, n: int, schema: pa.Schema) -> None:
        self.paths = [directory / f"bucket-{i:05d}.arrow" for i in range(n)]
        self._sinks = [pa.OSFile(str(p), "wb") for p in self.paths]
        self._writers = [pa.ipc.new_file(s, schema, options=_OPTIONS) for s in self._sinks]

    def write(self, table: pa.Table, partition: pa.Array) -> None:
        """Append each row of ``table`` to the file of its ``partition`` (int64), in row order,
        as one batch per file."""
        order = pc.sort_indices(partition)  # stable: rows keep their order inside a partition
        table, partition = table.take(order).combine_chunks(), partition.take(order)
        values, counts = (c.to_pylist() for c in pc.value_counts(partition).flatten())
        start = 0
        for p, n in sorted(zip(values, counts)):
            self._writers[p].write_table(table.slice(start, n))
            start += n

    def close(self) -> None:
        for writer, sink in zip(self._writers, self._sinks):
            writer.close()
            sink.close()


def read_file(path: Path) -> pa.Table:
    """The whole table of one IPC file."""
    with pa.OSFile(str(path), "rb") as source:
        return pa.ipc.open_file(source).read_all()


def write_run(path: Path, table: pa.Table, batch_rows: int) -> None:
    """``table`` as an IPC file of batches of at most ``batch_rows`` rows."""
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema, options=_OPTIONS) as writer:
        for batch in table.to_batches(max_chunksize=max(1, batch_rows)):
            writer.write_batch(batch)


def _batches(path: Path) -> Iterator[pa.RecordBatch]:
    with pa.OSFile(str(path), "rb") as source:
        reader = pa.ipc.open_file(source)
        for i in range(reader.num_record_batches):
            batch = reader.get_batch(i)
            if batch.num_rows:
                yield batch


class RowCursor:
    """Reads a run sorted by an int64 row-number column a batch at a time."""

    def __init__(self, path: Path, column: str = "_row") -> None:
        self._batches = _batches(path)
        self._column = column
        self._buffer: pa.RecordBatch | None = None
        self._rows = numpy.empty(0, numpy.int64)

    def below(self, end: int) -> list[pa.RecordBatch]:
        """The next rows whose row number is below ``end``."""
        out = []
        while True:
            if self._buffer is None or not self._buffer.num_rows:
                self._buffer = next(self._batches, None)
                if self._buffer is None:
                    return out
                self._rows = self._buffer[self._column].to_numpy()
            n = int(numpy.searchsorted(self._rows, end))
            if n:
                out.append(self._buffer.slice(0, n))
                self._buffer, self._rows = self._buffer.slice(n), self._rows[n:]
            if self._buffer.num_rows:
                return out


def merge_runs(paths: list[Path], key: str, out: Path, schema: pa.Schema, group_rows: int) -> int:
    """Merge runs each sorted by the string column ``key`` (unique across runs) into one parquet
    file at ``out`` with ``schema`` (``key`` left out), in row groups of about ``group_rows``;
    returns the rows written. Holds one batch of each run and one row group."""
    streams = [_batches(p) for p in paths]
    buffers: list[pa.RecordBatch | None] = [next(s, None) for s in streams]
    pending: list[pa.Table] = []
    held = written = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        while any(b is not None for b in buffers):
            # every row at or below the smallest last key of the buffers is in a buffer now
            live = [b for b in buffers if b is not None]
            bound = min(b[key][-1].as_py() for b in live)
            taken = []
            for i, b in enumerate(buffers):
                if b is None:
                    continue
                n = pc.sum(pc.less_equal(b[key], bound)).as_py() or 0
                if n:
                    taken.append(b.slice(0, n))
                rest = b.slice(n)
                buffers[i] = rest if rest.num_rows else next(streams[i], None)
            chunk = pa.Table.from_batches(taken)
            chunk = chunk.take(pc.sort_indices(chunk[key])).drop_columns([key])
            pending.append(chunk.cast(schema))
            held += chunk.num_rows
            if held >= group_rows:
                written += _flush(writer, pending)
                pending, held = [], 0
        written += _flush(writer, pending)
    return written


def _flush(writer: pq.ParquetWriter, pending: list[pa.Table]) -> int:
    if not pending:
        return 0
    table = pa.concat_tables(pending).combine_chunks()
    writer.write_table(table)
    return table.num_rows


def balanced(sizes: dict[str, int], n: int) -> dict[str, int]:
    """Each item of ``sizes`` given one of ``n`` bins, largest first into the lightest bin (ties:
    by name, then the lowest bin), so the bins hold about equal totals."""
    heap = [(0, b) for b in range(n)]
    out = {}
    for name, size in sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0])):
        load, b = heapq.heappop(heap)
        out[name] = b
        heapq.heappush(heap, (load + size, b))
    return out


__all__ = ["Partitions", "RowCursor", "balanced", "merge_runs", "read_file", "write_run"]
