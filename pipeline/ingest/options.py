"""The readers' options: the size caps of ``Limits`` plus the field mapping, from the config and the command line."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from pipeline.ingest.fields import FieldMap, parse_fields
from pipeline.ingest.readers import Limits


@dataclass(frozen=True)
class ReadOptions(Limits):
    """What the readers are told: the size caps and the field mapping."""

    fields: FieldMap = field(default_factory=FieldMap)


def read_options(config: Mapping[str, Any] | None = None, fields: str | None = None) -> ReadOptions:
    """The readers' options from the config's ``[input]`` table and a ``--fields`` value (which wins field by field).

    Raises ``FieldMappingError`` for a mapping that cannot be understood.
    """
    configured = parse_fields(((config or {}).get("input") or {}).get("fields"))
    return ReadOptions(fields=FieldMap(explicit={**configured, **parse_fields(fields)}))
