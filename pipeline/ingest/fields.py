"""Field mapping: which field of an input record holds each article field (``text``, ``published``...).

Records are read with our own field names (``id, title, text, published, source, url, author``).
A record named otherwise is mapped in two ways:

- explicitly, with ``--fields text=maintext,published=date_publish,id=url`` on the command line
  or ``fields`` under ``[input]`` in the config (a string of that form or a table
  ``{text = "maintext"}``); the command line wins field by field;
- without being told, for the names common crawlers and dataset exports use (news-please's
  ``maintext``, ``date_publish``, ``source_domain``...), listed in ``models/ingest/field_names.toml``:
  an alias fills a field only when the record has no value under our own name.

A mapped source field is renamed, not copied (it does not reappear in ``extra``), unless it is
itself one of our fields (``id=url`` keeps ``url`` too). List values of ``author`` and ``source``
(news-please's ``authors``) are joined with ", ".
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from pipeline.errors import UsageError
from pipeline.resources import model_file

# Our fields of an article record, in the order the readers document them.
ARTICLE_FIELDS = ("id", "title", "text", "published", "source", "url", "author")
KNOWN_FIELDS = ARTICLE_FIELDS
FIELD_NAMES_FILE = model_file("ingest", "field_names.toml")
_JOINED = ("author", "source")


class FieldMappingError(UsageError, ValueError):
    """A ``--fields`` / ``[input] fields`` value that cannot be understood."""


@lru_cache(maxsize=4)
def load_aliases(path: Path = FIELD_NAMES_FILE) -> dict[str, tuple[str, ...]]:
    """Our field -> the other names it is recognized under, in order (from the data file)."""
    with open(path, "rb") as fh:
        table = tomllib.load(fh).get("aliases", {})
    unknown = set(table) - set(KNOWN_FIELDS)
    if unknown:
        raise FieldMappingError(f"{path}: aliases for unknown fields {sorted(unknown)}; fields are {list(KNOWN_FIELDS)}")
    return {name: tuple(names) for name, names in table.items()}


def parse_fields(spec: str | Mapping[str, str] | None) -> dict[str, str]:
    """``"text=maintext,id=url"`` (or a mapping) -> ``{"text": "maintext", "id": "url"}``, checked.

    Raises :class:`FieldMappingError` naming the bad part and the fields that can be mapped.
    """
    if not spec:
        return {}
    if isinstance(spec, Mapping):
        pairs = [(str(k), v) for k, v in spec.items()]
    else:
        pairs = []
        for part in str(spec).split(","):
            if not part.strip():
                continue
            ours, sep, theirs = part.partition("=")
            if not sep:
                raise FieldMappingError(f"field mapping {part.strip()!r} is not OURS=THEIRS "
                                        "(e.g. text=maintext,published=date_publish,id=url)")
            pairs.append((ours, theirs))
    mapping: dict[str, str] = {}
    for ours, theirs in pairs:
        ours = ours.strip()
        if ours not in KNOWN_FIELDS:
            raise FieldMappingError(f"cannot map {ours!r}: the fields that can be mapped are {', '.join(KNOWN_FIELDS)}")
        if not isinstance(theirs, str) or not theirs.strip():
            raise FieldMappingError(f"field mapping for {ours!r} names no input field")
        mapping[ours] = theirs.strip()
    return mapping


@dataclass(frozen=True)
class FieldMap:
    """How to find our fields in a record: explicit names first, then the known aliases."""

    explicit: Mapping[str, str] = field(default_factory=dict)
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=load_aliases)

    def apply(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """The record with our field names (unmapped fields kept as they are)."""
        out = dict(row)
        for ours, theirs in self.explicit.items():
            if theirs in row:
                out[ours] = row[theirs]
                if theirs not in KNOWN_FIELDS and theirs != ours:
                    out.pop(theirs, None)
        for ours, names in self.aliases.items():
            if ours in self.explicit or not _empty(out.get(ours)):
                continue
            for name in names:
                if name in out and not _empty(out[name]):
                    out[ours] = out[name]
                    if name not in KNOWN_FIELDS:
                        del out[name]
                    break
        for ours in _JOINED:
            value = out.get(ours)
            if isinstance(value, (list, tuple)):
                out[ours] = ", ".join(str(v).strip() for v in value if v is not None and str(v).strip()) or None
        return out

    def rename_columns(self, columns: list[str]) -> list[str]:
        """Column names (of a CSV header or a parquet schema) with ours in place of theirs.

        The first present alias of a missing field is renamed; a column that an explicit
        mapping displaces keeps its place under ``<name> (unmapped)``.
        """
        out = list(columns)
        for ours, theirs in self.explicit.items():
            if theirs not in out or theirs == ours:
                continue
            if ours in out:
                out[out.index(ours)] = f"{ours} (unmapped)"
            if theirs in KNOWN_FIELDS:
                continue  # id=url: the row-level mapping copies it
            out[out.index(theirs)] = ours
        for ours, names in self.aliases.items():
            if ours in out or ours in self.explicit:
                continue
            for name in names:
                if name in out and name not in KNOWN_FIELDS:
                    out[out.index(name)] = ours
                    break
        return out

    def finds(self, ours: str, columns: list[str]) -> bool:
        """Whether records with these columns (already renamed) can have a value for ``ours``."""
        if ours in columns:
            return True
        if ours in self.explicit:
            return self.explicit[ours] in columns
        return any(name in columns for name in self.aliases.get(ours, ()))

    def describe(self, ours: str) -> str:
        """Where ``ours`` is looked for, for messages: ``maintext`` or ``text (or maintext, content...)``."""
        if ours in self.explicit:
            return repr(self.explicit[ours])
        names = self.aliases.get(ours, ())
        return f"{ours!r}" + (f" (or {', '.join(names[:4])}{'...' if len(names) > 4 else ''})" if names else "")


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def field_map(limits: Any) -> FieldMap:
    """The field mapping a reader was given (the aliases only when it was given plain ``Limits``)."""
    return getattr(limits, "fields", None) or _default_map()


@lru_cache(maxsize=1)
def _default_map() -> FieldMap:
    return FieldMap()


def map_fields(row: Mapping[str, Any], limits: Any) -> dict[str, Any]:
    """The record with our field names, as the reader's options say."""
    return field_map(limits).apply(row)
