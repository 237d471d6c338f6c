"""The on-disk dataset: versioned, atomically switched parquet tables.

Layout of an output directory ``OUT``::

    OUT/articles -> current/articles      (one symlink per table, made once)
    OUT/current  -> .versions/<run_id>    (switched atomically at the end of a run)
    OUT/.versions/<run_id>/<table>/part-*.parquet

Readers open ``OUT/<table>`` as a parquet dataset (pandas, DuckDB, polars, pyarrow). A run
writes a complete new version beside the old one (unchanged articles' parts are hard-linked,
not copied) and only then points ``current`` at it, so a run killed half-way leaves the previous
dataset whole. A lock file keeps two runs from writing the same ``OUT`` at once.
"""
from __future__ import annotations

import errno
import fcntl
import os
import shutil
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.schema import ARTICLE_TABLES, TABLES

VERSIONS = ".versions"
CURRENT = "current"
LOCK = ".lock"
KEEP_VERSIONS = 2
# Past this many parquet files in a table, the smallest carried ones are merged into one, so that
# years of small nightly runs do not leave thousands of files to open.
MAX_PARTS = 64


class DatasetLocked(RuntimeError):
    """Another run holds the output directory's lock."""


class DatasetWriteError(RuntimeError):
    """The output directory cannot be written (disk full, read-only, no permission).

    Raised before anything is published: the previous version stays current and whole.
    """


def new_run_id() -> str:
    """A sortable, unique run id: UTC timestamp plus a random suffix."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f") + "-" + uuid.uuid4().hex[:6]


def to_table(rows: list[dict[str, Any]], table: str) -> pa.Table:
    """An arrow table of ``rows`` with exactly the schema of ``table``."""
    schema = TABLES[table]
    return pa.Table.from_pylist([{n: r.get(n) for n in schema.names} for r in rows], schema=schema)


def write_part(directory: Path, table: str, rows: list[dict[str, Any]], part: str) -> int:
    """Write ``rows`` as one parquet part of ``table`` under ``directory``; returns the row count."""
    path = directory / table
    path.mkdir(parents=True, exist_ok=True)
    tmp = path / f".part-{part}.parquet.tmp"
    pq.write_table(to_table(rows, table), tmp, compression="zstd")
    os.replace(tmp, path / f"part-{part}.parquet")
    return len(rows)


def current_version(out: Path) -> Path | None:
    """The directory of the dataset's current version, or None for a new dataset."""
    link = out / CURRENT
    return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None


def read_table(out: Path, table: str, columns: list[str] | None = None) -> pa.Table:
    """Read one table of the current version (an empty table when there is none)."""
    version = current_version(out)
    if version is None or not (version / table).is_dir():
        return TABLES[table].empty_table().select(columns) if columns else TABLES[table].empty_table()
    return pq.read_table(version / table, columns=columns, schema=TABLES[table])


@contextmanager
def locked(out: Path, wait: bool = False, timeout: float = 3600.0) -> Iterator[None]:
    """Hold the output directory's exclusive lock; refuse (or wait) when another run has it."""
    out.mkdir(parents=True, exist_ok=True)
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
        yield
    finally:
        fh.close()


class VersionWriter:
    """Builds one new version of the dataset and publishes it atomically."""

    def __init__(self, out: Path, run_id: str) -> None:
        self.out = out
        self.run_id = run_id
        self.staging = out / VERSIONS / f"{run_id}.tmp"
        self.final = out / VERSIONS / run_id
        self.staging.mkdir(parents=True, exist_ok=False)

    def write(self, rows: dict[str, list[dict[str, Any]]], part: str) -> dict[str, int]:
        """Write one batch's rows (every table in ``rows``) as parts named ``part``."""
        return {table: write_part(self.staging, table, r, part) for table, r in rows.items()}

    def carry_over(self, drop_article_ids: set[str], tables: tuple[str, ...] = ARTICLE_TABLES) -> dict[str, int]:
        """Bring the previous version's rows forward, without the articles in ``drop_article_ids``.

        Parts that hold none of those articles are hard-linked; the others are rewritten
        filtered. Returns the rows carried per table.
        """
        previous = current_version(self.out)
        carried = {t: 0 for t in tables}
        if previous is None:
            return carried
        for table in tables:
            src_dir = previous / table
            if not src_dir.is_dir():
                continue
            dst_dir = self.staging / table
            dst_dir.mkdir(parents=True, exist_ok=True)
            for part in sorted(src_dir.glob("*.parquet")):
                dst = dst_dir / f"prev-{previous.name}-{part.name}" if not part.name.startswith("prev-") else dst_dir / part.name
                if "article_id" in TABLES[table].names and drop_article_ids:
                    ids = pq.read_table(part, columns=["article_id"]).column("article_id").to_pylist()
                    if any(i in drop_article_ids for i in ids):
                        t = pq.read_table(part, schema=TABLES[table])
                        keep = [i not in drop_article_ids for i in ids]
                        t = t.filter(pa.array(keep, type=pa.bool_()))
                        if t.num_rows:
                            pq.write_table(t, dst, compression="zstd")
                        carried[table] += t.num_rows
                        continue
                _link_or_copy(part, dst)
                carried[table] += pq.ParquetFile(part).metadata.num_rows
            compact(dst_dir, table, self.run_id)
        return carried

    def ensure_tables(self) -> None:
        """Give every table at least one (possibly empty) part so each reads with its schema."""
        for table in TABLES:
            d = self.staging / table
            if not d.is_dir() or not any(d.glob("*.parquet")):
                write_part(self.staging, table, [], "empty")

    def publish(self) -> Path:
        """Make the staged version the current one, atomically; prune old versions."""
        self.ensure_tables()
        _fsync_tree(self.staging)
        os.replace(self.staging, self.final)
        tmp_link = self.out / f".{CURRENT}.{self.run_id}"
        os.symlink(os.path.join(VERSIONS, self.run_id), tmp_link)
        os.replace(tmp_link, self.out / CURRENT)
        for table in TABLES:
            link = self.out / table
            if not link.is_symlink() and not link.exists():
                os.symlink(os.path.join(CURRENT, table), link)
        _prune(self.out)
        return self.final

    def abort(self) -> None:
        """Throw the staged version away."""
        shutil.rmtree(self.staging, ignore_errors=True)


def compact(directory: Path, table: str, run_id: str, max_parts: int | None = None) -> int:
    """Merge the smallest parts of ``directory`` into one when it holds more than ``max_parts``.

    Reads one part at a time (memory stays that of one part); returns how many were merged.
    """
    max_parts = max_parts or MAX_PARTS
    parts = sorted(directory.glob("*part-*.parquet"), key=lambda p: p.stat().st_size)
    if len(parts) <= max_parts:
        return 0
    merge = parts[: len(parts) - max_parts // 2 + 1]
    tmp = directory / f".compact-{run_id}.parquet.tmp"
    with pq.ParquetWriter(tmp, TABLES[table], compression="zstd") as writer:
        for part in merge:
            writer.write_table(pq.read_table(part, schema=TABLES[table]))
    os.replace(tmp, directory / f"part-compact-{run_id}.parquet")
    for part in merge:
        part.unlink()
    return len(merge)


def clean_stale(out: Path) -> list[Path]:
    """Remove staging folders (and half-made links) left by runs that died; returns the folders."""
    removed = []
    for d in sorted((out / VERSIONS).glob("*.tmp")) if (out / VERSIONS).is_dir() else []:
        shutil.rmtree(d, ignore_errors=True)
        removed.append(d)
    for link in out.glob(f".{CURRENT}.*") if out.is_dir() else []:
        if link.is_symlink():
            link.unlink()
    return removed


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _fsync_tree(root: Path) -> None:
    for path in root.rglob("*.parquet"):
        with open(path, "rb") as fh:
            os.fsync(fh.fileno())


def _prune(out: Path) -> None:
    versions = sorted(p for p in (out / VERSIONS).iterdir() if p.is_dir() and not p.name.endswith(".tmp"))
    current = current_version(out)
    for old in versions[:-KEEP_VERSIONS]:
        if old != current:
            shutil.rmtree(old, ignore_errors=True)
