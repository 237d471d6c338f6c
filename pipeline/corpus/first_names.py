"""The offline first-name resource: how often a first name belongs to women, from ``nomquamgender``.

``nomquamgender`` (PyPI, MIT; Van Buskirk, Clauset and Larremore, 2023) ships name-gender data
aggregated from 36 sources of many countries: for each name the number of people and p(female).
Parsing its 22 MB JSON takes seconds, so the single-word names are copied once into an SQLite
file in the cache folder (``$CLAIMS_CACHE_DIR``, default ``~/.cache/claims-pipeline``), named
by the package version; a lookup then opens it in a millisecond. A missing or unreadable cache
is rebuilt; when the cache folder cannot be written the data is read straight from the package.
"""
from __future__ import annotations

import importlib.metadata
import json
import os
import re
import sqlite3
import tempfile
import threading
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from pipeline.resources import cache_dir

PACKAGE = "nomquamgender"
CACHE_FORMAT = 1
_NAME = re.compile(r"^[^\W\d_]+(?:[-'][^\W\d_]+)*$")


def _cache_path(directory: Path) -> Path:
    version = importlib.metadata.version(PACKAGE)
    return directory / f"first-names-{PACKAGE}-{version}-{CACHE_FORMAT}.sqlite"


def _read_package() -> dict[str, tuple[float, int]]:
    """name -> (p_female, number of people) for every single-word name of the resource."""
    # located through the distribution's metadata: importing the package would parse the file too
    path = Path(importlib.metadata.distribution(PACKAGE).locate_file(f"{PACKAGE}/name_data.json"))
    with open(path, encoding="utf-8") as fh:
        raw = json.load(fh)
    out = {}
    for name, entry in raw.items():
        if _NAME.match(name):
            # entry: [number of sources, number of people, p(female), ...]
            out[name] = (float(entry[2]), int(entry[1]))
    return out


def _build(target: Path) -> None:
    data = _read_package()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".first-names-", suffix=".tmp")
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        con.execute("CREATE TABLE names (name TEXT PRIMARY KEY, p_female REAL, people INTEGER) WITHOUT ROWID")
        con.executemany("INSERT INTO names VALUES (?, ?, ?)", ((n, p, k) for n, (p, k) in data.items()))
        con.commit()
        con.close()
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class FirstNames:
    """Look up first names in the resource (from the SQLite cache, built on first use)."""

    def __init__(self, directory: Path | str | None = None) -> None:
        self._path = _cache_path(Path(directory) if directory else cache_dir())
        self._con: sqlite3.Connection | None = None
        self._memory: dict[str, tuple[float, int]] | None = None
        self._seen: dict[str, tuple[float, int] | None] = {}
        # one connection for the process, used by whichever thread runs a task, one at a time
        self._lock = threading.Lock()

    def _open(self) -> None:
        if self._con is not None or self._memory is not None:
            return
        for attempt in range(2):
            try:
                if not self._path.is_file():
                    _build(self._path)
                con = sqlite3.connect(f"file:{self._path}?mode=ro", uri=True, check_same_thread=False)
                con.execute("SELECT count(*) FROM names WHERE name = 'x'").fetchone()
                self._con = con
                return
            except (OSError, sqlite3.Error):
                if attempt == 0:
                    try:
                        self._path.unlink()  # an unreadable cache: rebuild it once
                    except OSError:
                        pass
        self._memory = _read_package()  # no writable cache folder: read the package itself

    def lookup(self, names: Iterable[str]) -> dict[str, tuple[float, int]]:
        """``name -> (p_female, people)`` for the given first names found in the resource
        (names are compared in lower case)."""
        wanted = sorted({n.casefold() for n in names if n})
        if not wanted:
            return {}
        with self._lock:
            new = [n for n in wanted if n not in self._seen]
            if new:
                self._open()
                found = self._query(new)
                for n in new:
                    self._seen[n] = found.get(n)
            return {n: self._seen[n] for n in wanted if self._seen[n] is not None}

    def _query(self, names: list[str]) -> dict[str, tuple[float, int]]:
        if self._memory is not None:
            return {n: self._memory[n] for n in names if n in self._memory}
        assert self._con is not None
        out: dict[str, tuple[float, int]] = {}
        for k in range(0, len(names), 500):
            chunk = names[k:k + 500]
            rows = self._con.execute(
                f"SELECT name, p_female, people FROM names WHERE name IN ({','.join('?' * len(chunk))})", chunk)
            out.update({n: (p, c) for n, p, c in rows})
        return out


@lru_cache(maxsize=1)
def first_names() -> FirstNames:
    """The process-wide first-name resource."""
    return FirstNames()
