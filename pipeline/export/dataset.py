"""The on-disk dataset: versioned, atomically switched parquet tables.

Layout of an output directory ``OUT``::

    OUT/articles -> current/articles      (one symlink per table, made once)
    OUT/current  -> .versions/<run_id>    (switched atomically at the end of a run)
    OUT/.versions/<run_id>/<table>/part-*.parquet

Readers open ``OUT/<table>`` as a parquet dataset (pandas, DuckDB, polars, pyarrow). A run
writes a complete new version beside the old one (unchanged articles' parts are hard-linked,
not copied) and only then points ``current`` at it, so a run killed half-way leaves the previous
dataset whole. A lock file keeps two runs from writing the same ``OUT`` at once.

To read several tables of one version while a run may publish, resolve ``current`` once
(:func:`snapshot`) and read every table from that folder (:func:`read_tables`); the previous
version stays on disk until a second later run publishes.
"""
from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.errors import ClaimsError, UsageError
from pipeline.export.lock import LOCK, DatasetLocked, locked  # noqa: F401 - part of this module's API
from pipeline.schema import ARTICLE_TABLES, TABLES

VERSIONS = ".versions"
DAMAGED = ".damaged"
CURRENT = "current"
KEEP_VERSIONS = 2
# Past this many parquet files in a table, the smallest carried ones are merged into one, so that
# years of small nightly runs do not leave thousands of files to open.
MAX_PARTS = 64


class DatasetDamaged(ClaimsError, RuntimeError):
    """The output directory holds something that is not a dataset this pipeline can continue."""


class DatasetWriteError(ClaimsError, RuntimeError):
    """The output directory cannot be written (disk full, read-only, no permission).

    Raised before anything is published: the previous version stays current and whole.
    """


def new_run_id() -> str:
    """A sortable, unique run id: UTC timestamp plus a random suffix."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f") + "-" + uuid.uuid4().hex[:6]


def to_table(rows: list[dict[str, Any]], table: str) -> pa.Table:
    """An arrow table of ``rows`` with exactly the schema of ``table``."""
    schema = TABLES[table]
    # column by column: about twice as fast as arrow's row-by-row from_pylist
    return pa.Table.from_pydict({n: [r.get(n) for r in rows] for n in schema.names}, schema=schema)


def write_part(directory: Path, table: str, rows: list[dict[str, Any]], part: str) -> int:
    """Write ``rows`` as one parquet part of ``table`` under ``directory``; returns the row count."""
    path = directory / table
    path.mkdir(exist_ok=True)  # never re-creates a staging folder that an aborted run removed
    tmp = path / f".part-{part}.parquet.tmp"
    pq.write_table(to_table(rows, table), tmp, compression="zstd")
    os.replace(tmp, path / f"part-{part}.parquet")
    return len(rows)


def current_version(out: Path) -> Path | None:
    """The directory of the dataset's current version, or None for a new dataset."""
    link = out / CURRENT
    return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None


class DatasetNotFound(UsageError, FileNotFoundError):
    """The directory holds no dataset (the message says how to make one)."""


@dataclass(frozen=True)
class Dataset:
    """A dataset directory and the folder its tables are read from (its current version)."""

    root: Path
    version: Path

    @property
    def version_name(self) -> str:
        return self.version.name if self.version != self.root else "-"

    def table_dir(self, table: str) -> Path:
        return self.version / table


def open_dataset(path: str | Path) -> Dataset:
    """Locate the dataset in ``path``; raise DatasetNotFound with a hint when there is none."""
    root = Path(path)
    hint = f"run `claims run INPUT --out {root}` first to make one"
    if not root.exists():
        raise DatasetNotFound(f"no dataset at {root}: the directory does not exist; {hint}")
    if not root.is_dir():
        raise DatasetNotFound(f"no dataset at {root}: it is a file, not a dataset directory; {hint}")
    current = root / CURRENT
    if current.is_symlink() or current.is_dir():
        if current.is_dir():
            return Dataset(root, current.resolve())
        raise DatasetNotFound(f"the dataset at {root} is broken: {current} points nowhere; {hint}")
    # A plain folder of table directories (a copied dataset) works too.
    if any((root / t).is_dir() for t in ("articles", "claims")):
        return Dataset(root, root)
    if any((root / VERSIONS).glob("*.tmp")):
        raise DatasetNotFound(f"no dataset at {root} yet: its first run has not finished (or died); wait for it, "
                              f"or {hint}")
    raise DatasetNotFound(f"no dataset at {root}: no {CURRENT}/, articles/ or claims/ in it; {hint}")


def snapshot(out: Path | str) -> Path:
    """The folder of the current version, resolved once: read every table from it
    (``snapshot(out) / "claims"``) to see one consistent version while a run publishes.

    The folder stays on disk until a second later run publishes (two versions are kept).
    """
    return open_dataset(out).version


def read_tables(out: Path | str, tables: tuple[str, ...] | list[str] | None = None) -> dict[str, pa.Table]:
    """Several tables (default: all) read from one version of the dataset (see :func:`snapshot`)."""
    version = snapshot(out)
    return {t: pq.read_table(version / t, schema=TABLES[t]) for t in (tables or TABLES)}


def read_table(out: Path, table: str, columns: list[str] | None = None) -> pa.Table:
    """Read one table of the current version (an empty table when there is none)."""
    version = current_version(out)
    if version is None or not (version / table).is_dir():
        return TABLES[table].empty_table().select(columns) if columns else TABLES[table].empty_table()
    return pq.read_table(version / table, columns=columns, schema=TABLES[table])


def key_columns(table: str) -> tuple[str, ...]:
    """The columns a part of ``table`` must have to be joined to the rest: its id and article id."""
    names = TABLES[table].names
    return tuple(dict.fromkeys([names[0], *(["article_id"] if "article_id" in names else [])]))


def part_problem(part: Path, table: str) -> str | None:
    """Why ``part`` cannot be carried as a part of ``table`` (unreadable, foreign schema), or None."""
    try:
        schema = pq.read_schema(part)
    except Exception as exc:  # noqa: BLE001 - any reading error means the file is damaged
        return f"unreadable parquet file ({exc})"
    expected = TABLES[table]
    missing = [c for c in key_columns(table) if c not in schema.names]
    if missing:
        return f"foreign schema: no {', '.join(missing)} column"
    for name in schema.names:
        if name in expected.names and not schema.field(name).type.equals(expected.field(name).type):
            return (f"foreign schema: column {name} is {schema.field(name).type}, "
                    f"expected {expected.field(name).type}")
    return None


def damaged_parts(version: Path | None) -> dict[Path, str]:
    """Every part of ``version`` that cannot be carried forward, with the reason."""
    bad: dict[Path, str] = {}
    if version is None:
        return bad
    for table in TABLES:
        for part in sorted((version / table).glob("*.parquet")) if (version / table).is_dir() else []:
            problem = part_problem(part, table)
            if problem:
                bad[part] = problem
    return bad


def read_parts(directory: Path, table: str, columns: list[str], skip: set[Path] | frozenset = frozenset()) -> pa.Table:
    """``columns`` of every part of ``directory`` except ``skip``, one part at a time."""
    schema = TABLES[table]
    pieces = [pq.read_table(p, columns=columns, schema=schema)
              for p in sorted(directory.glob("*.parquet")) if p not in skip] if directory.is_dir() else []
    return pa.concat_tables(pieces) if pieces else schema.empty_table().select(columns)


def quarantine(out: Path, parts: dict[Path, str]) -> list[Path]:
    """Keep a copy (hard link) of each damaged part under ``OUT/.damaged/`` before pruning can
    remove it; returns where they went."""
    kept = []
    for part in parts:
        dst = out / DAMAGED / f"{part.parent.parent.name}-{part.parent.name}-{part.name}"
        if dst.exists():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        _link_or_copy(part, dst)
        kept.append(dst)
    return kept


def recover_current(out: Path) -> tuple[Path | None, Path | None]:
    """Re-point a missing or dangling ``current`` at the newest complete version, if any.

    Returns ``(what current pointed at, the version now current)``; ``(None, None)`` when
    ``current`` was fine or there is no version to go back to (a new dataset).
    """
    link = out / CURRENT
    if current_version(out) is not None:
        return None, None
    if link.exists() and not link.is_symlink():
        raise DatasetDamaged(f"{link} is a {'folder' if link.is_dir() else 'file'}, not the symlink to the "
                             f"current version; move it away (it may hold data) and run again")
    lost = Path(os.readlink(link)) if link.is_symlink() else None
    versions = [p for p in (out / VERSIONS).iterdir()
                if p.is_dir() and not p.name.endswith(".tmp")] if (out / VERSIONS).is_dir() else []
    if not versions:
        return None, None

    def finished(version: Path) -> tuple:
        try:
            runs = pq.read_table(version / "runs", columns=["finished"], schema=TABLES["runs"])
            last = pc.max(runs.column("finished")).as_py()
        except Exception:  # noqa: BLE001 - an unreadable version is the last choice
            last = None
        return (last is not None, last or datetime.min.replace(tzinfo=timezone.utc), version.name)

    best = max(versions, key=finished)
    tmp_link = out / f".{CURRENT}.recover"
    if tmp_link.is_symlink():
        tmp_link.unlink()
    os.symlink(os.path.join(VERSIONS, best.name), tmp_link)
    os.replace(tmp_link, link)
    return lost or link, best


class VersionWriter:
    """Builds one new version of the dataset and publishes it atomically."""

    def __init__(self, out: Path, run_id: str) -> None:
        self.out = out
        self.run_id = run_id
        self.staging = out / VERSIONS / f"{run_id}.tmp"
        self.final = out / VERSIONS / run_id
        self.published = False
        self.staging.mkdir(parents=True, exist_ok=False)

    def write(self, rows: dict[str, list[dict[str, Any]]], part: str) -> dict[str, int]:
        """Write one batch's rows (every table in ``rows``) as parts named ``part``."""
        return {table: write_part(self.staging, table, r, part) for table, r in rows.items()}

    def carry_over(self, drop_article_ids: set[str], tables: tuple[str, ...] = ARTICLE_TABLES,
                   skip: set[Path] | frozenset = frozenset(),
                   keep_only: set[str] | None = None) -> dict[str, int]:
        """Bring the previous version's rows forward, without the articles in ``drop_article_ids``.

        Parts that hold none of those articles are hard-linked; the others are rewritten
        filtered. Parts in ``skip`` (damaged) are left behind. With ``keep_only``, rows of
        articles outside it are left behind too (rows whose article row was lost). Returns the
        rows carried per table.
        """
        previous = current_version(self.out)
        carried = {t: 0 for t in tables}
        if previous is None:
            return carried
        drop = pa.array(sorted(drop_article_ids), type=pa.string())
        keep = pa.array(sorted(keep_only), type=pa.string()) if keep_only is not None else None
        for table in tables:
            src_dir = previous / table
            if not src_dir.is_dir():
                continue
            dst_dir = self.staging / table
            dst_dir.mkdir(parents=True, exist_ok=True)
            for part in sorted(src_dir.glob("*.parquet")):
                if part in skip:
                    continue
                try:
                    carried[table] += self._carry_part(part, table, previous, dst_dir, drop, keep)
                except (pa.ArrowException, ValueError) as exc:
                    raise DatasetDamaged(
                        f"cannot read {part} ({exc}): the part is damaged inside; move it out of {src_dir} "
                        "and run again (the articles it held are then processed again)") from exc
            compact(dst_dir, table, self.run_id)
        return carried

    def _carry_part(self, part: Path, table: str, previous: Path, dst_dir: Path, drop: pa.Array,
                    keep: pa.Array | None) -> int:
        """Carry one part into ``dst_dir`` (linked, or rewritten filtered); returns its rows carried."""
        schema = TABLES[table]
        dst = dst_dir / (part.name if part.name.startswith("prev-") else f"prev-{previous.name}-{part.name}")
        mask = None
        if "article_id" in schema.names and (len(drop) or keep is not None):
            ids = pq.read_table(part, columns=["article_id"]).column("article_id")
            mask = pc.invert(pc.is_in(ids, value_set=drop)) if len(drop) else None
            if keep is not None:
                inside = pc.is_in(ids, value_set=keep)
                mask = inside if mask is None else pc.and_(mask, inside)
            if mask is not None and pc.all(mask).as_py() is not False:
                mask = None  # nothing to leave behind: link the part as it is
        meta = pq.ParquetFile(part)
        if mask is not None or not meta.schema_arrow.equals(schema, check_metadata=False):
            t = pq.read_table(part, schema=schema)  # filtered, or an older schema brought up to date
            if mask is not None:
                t = t.filter(mask)
            if t.num_rows:
                pq.write_table(t, dst, compression="zstd")
            return t.num_rows
        _link_or_copy(part, dst)
        return meta.metadata.num_rows

    def ensure_tables(self) -> None:
        """Give every table at least one (possibly empty) part so each reads with its schema."""
        for table in TABLES:
            d = self.staging / table
            if not d.is_dir() or not any(d.glob("*.parquet")):
                write_part(self.staging, table, [], "empty")

    def publish(self) -> Path:
        """Make the staged version the current one, atomically; prune old versions.

        Everything that can fail (the missing parts, the per-table links, the version's final
        name) happens before ``current`` is switched; if any of it fails, the version is taken
        back to its staging name (removed by :meth:`abort`) and nothing was published.
        """
        self.ensure_tables()
        _fsync_tree(self.staging)
        previous = current_version(self.out)
        for table in TABLES:  # dangling until the first version is current
            link = self.out / table
            if not link.is_symlink() and not link.exists():
                os.symlink(os.path.join(CURRENT, table), link)
        tmp_link = self.out / f".{CURRENT}.{self.run_id}"
        os.replace(self.staging, self.final)
        try:
            os.symlink(os.path.join(VERSIONS, self.run_id), tmp_link)
            os.replace(tmp_link, self.out / CURRENT)
        except BaseException:
            if tmp_link.is_symlink():
                tmp_link.unlink()
            try:
                os.replace(self.final, self.staging)
            except OSError:
                shutil.rmtree(self.final, ignore_errors=True)
            raise
        self.published = True
        _fsync_dir(self.out)
        _prune(self.out, keep={self.final.resolve(), previous})
        return self.final

    def abort(self) -> None:
        """Throw the staged version away (never a published one)."""
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


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass  # the switch itself is atomic; this only makes it durable sooner


def _prune(out: Path, keep: set[Path | None]) -> None:
    """Remove every finished version but those in ``keep`` (the new and the previous current).

    Decided by what was current, not by the names' order, so a clock set back (a run id that
    sorts first) or a relative ``out`` never removes the version just published.
    """
    current = current_version(out)
    keep = {p for p in keep if p is not None} | ({current} if current else set())
    for old in (out / VERSIONS).iterdir():
        if old.is_dir() and not old.name.endswith(".tmp") and old.resolve() not in keep:
            shutil.rmtree(old, ignore_errors=True)
