"""The parquet reader: one article a row, read with pyarrow a row group at a time (in small batches).

Columns are named as in JSONL (``id``, ``text``, ...) or mapped (see :mod:`pipeline.ingest.fields`);
every other column is kept in ``extra``. ``record`` is the row's 1-based number in the file. A
file whose schema cannot hold articles (no text column, a text column that is not text, no id)
is rejected whole with the columns it has; a row group that cannot be decoded is rejected with
its row range, and the file goes on with the next one.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from pipeline.ingest.compression import logical_stem
from pipeline.ingest.fields import field_map
from pipeline.ingest.readers import DEFAULT_LIMITS, Limits, Record, _from_fields
from pipeline.ingest.records import Reject

BATCH_ROWS = 256  # rows converted to Python at a time


def read_parquet(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[Record]:
    """Articles of a parquet file, row group by row group."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        yield Reject(str(path), None, logical_stem(path), f"not a readable parquet file: {exc}")
        return
    problem = _schema_problem(pf.schema_arrow, limits)
    if problem:
        yield Reject(str(path), None, logical_stem(path), problem)
        return
    first = 1
    for group in range(pf.num_row_groups):
        n_rows = pf.metadata.row_group(group).num_rows
        row = first
        try:
            for batch in pf.iter_batches(batch_size=BATCH_ROWS, row_groups=[group], use_threads=False):
                for values in batch.to_pylist():
                    yield _from_fields(values, path, str(row), "parquet", limits)
                    row += 1
        except (pa.ArrowException, OSError, ValueError) as exc:
            last = first + n_rows - 1
            yield Reject(str(path), str(row), None,
                         f"row group {group} (rows {row:,} to {last:,}) cannot be read: {exc}; its rows are skipped")
        first += n_rows


def _schema_problem(schema, limits: Limits) -> str | None:
    """Why a parquet schema cannot hold articles, or None."""
    import pyarrow as pa

    names = list(schema.names)
    fields = field_map(limits)
    renamed = fields.rename_columns(names)
    has = f"the file's columns are {names[:20]}"
    if "text" not in renamed:
        return f"no article text column: looked for {fields.describe('text')}; {has} (map one with --fields text=COLUMN)"
    source = names[renamed.index("text")]
    kind = schema.field(source).type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind)
            or pa.types.is_dictionary(kind) and pa.types.is_string(kind.value_type)):
        return f"column {source!r} holds {kind}, not text; {has}"
    if not fields.finds("id", renamed):
        return f"no id column: looked for {fields.describe('id')}; {has} (map one with --fields id=COLUMN)"
    return None
