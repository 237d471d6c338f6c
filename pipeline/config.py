"""The run configuration: ``models/pipeline.toml`` (or a config extending it) read once per run.

:func:`load_config` parses a config file (following ``extends``) and keeps the result per file, so
a process reads each file once. :func:`run_options` turns a config and the command line's
overrides into one :class:`RunOptions`, which the flow, the batch stage, the worker processes and
the benchmark are handed instead of reading the file again. Every default lives in
``models/pipeline.toml``: a key a user's config leaves out takes its value from there.
"""
from __future__ import annotations

import copy
import os
import threading
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

from pipeline.errors import UsageError
from pipeline.ingest.fields import FieldMappingError
from pipeline.ingest.options import ReadOptions, read_options
from pipeline.resources import models_dir

DEFAULT_CONFIG = models_dir() / "pipeline.toml"
# The ``[run]`` keys that must be whole numbers of at least 1.
_COUNTS = ("batch_size", "n_process", "task_batch")
_MISSING = ("keep", "drop")

_cache: dict[tuple[str, int, int], dict[str, Any]] = {}
_cache_lock = threading.Lock()


class ConfigError(UsageError, ValueError):
    """A config file or a run option holds a value the pipeline cannot use."""


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _read(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            config = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} does not exist; pass --config with a TOML file such as "
                          f"{DEFAULT_CONFIG}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    parent = config.pop("extends", None)
    return _merge(_read(path.parent / parent), config) if parent else config


def load_config(path: Path | str | None = None) -> dict[str, Any]:
    """The pipeline config (TOML) at ``path``; defaults to ``models/pipeline.toml``.

    A config may name another with ``extends = "file.toml"`` (relative to itself): its tables
    are read first and this file's values override theirs. Each file is parsed once per process
    (again only if it changed); the caller gets its own copy.
    """
    path = Path(path or DEFAULT_CONFIG)
    try:
        stat = os.stat(path)
        key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = None
    with _cache_lock:
        config = _cache.get(key) if key else None
        if config is None:
            config = _read(path)
            if key:
                _cache[key] = config
    return copy.deepcopy(config)


@dataclass(frozen=True)
class RunOptions:
    """How one run goes: the parsed config and every setting taken from it or the command line."""

    config_path: str | None
    config: Mapping[str, Any] = field(repr=False, compare=False)
    batch_size: int
    n_process: int
    task_batch: int
    missing: str = "keep"
    follow_links: bool = False
    read: ReadOptions = field(default_factory=ReadOptions)

    def single_process(self) -> "RunOptions":
        """These options for one worker process of a run (``n_process`` 1)."""
        return replace(self, n_process=1)


def run_options(config_path: Path | str | None = None, *, batch_size: int | None = None,
                n_process: int | None = None, task_batch: int | None = None, missing: str = "keep",
                follow_links: bool = False, fields: str | None = None) -> RunOptions:
    """The options of a run: the config at ``config_path`` with the given overrides (None: the config's).

    ``[run]`` keys the config leaves out come from ``models/pipeline.toml``. Raises
    :class:`ConfigError` for a count that is not a whole number of at least 1, an unknown
    ``missing`` or a field mapping (``--fields``, ``[input] fields``) that cannot be understood.
    """
    config = load_config(config_path)
    defaults = load_config(DEFAULT_CONFIG).get("run", {})
    run = {**defaults, **config.get("run", {})}
    given = {"batch_size": batch_size, "n_process": n_process, "task_batch": task_batch}
    counts = {name: given[name] if given[name] is not None else run.get(name) for name in _COUNTS}
    where = f"the config {config_path or DEFAULT_CONFIG}"
    for name, value in counts.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(f"{name} must be a whole number of at least 1, not {value!r} "
                              f"(from {'the command line' if given[name] is not None else where + ' [run]'})")
    if missing not in _MISSING:
        raise ConfigError(f"missing must be 'keep' or 'drop', not {missing!r}")
    try:
        read = read_options(config, fields)
    except FieldMappingError as exc:
        source = "--fields" if fields else f"[input] fields in {where}"
        raise ConfigError(f"{source}: {exc}") from exc
    return RunOptions(config_path=str(config_path) if config_path else None, config=config, missing=missing,
                      follow_links=follow_links, read=read, **counts)
