"""The plain records the corpus-level functions read and return."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(slots=True, eq=False)
class ClaimRef:
    """What the corpus tables need of one claim (a row of ``claims`` joined to its article)."""

    claim_id: str
    article_id: str
    claim_index: int
    claim_type: str
    content: str
    speaker: str
    speaker_type: str | None = None
    speaker_role: str | None = None
    speaker_mention: str | None = None
    speaker_full_name: str | None = None
    female_cues: int | None = None
    male_cues: int | None = None
    quote_key: str | None = None
    quote_sketch: list[int] | None = None
    published: date | None = None
    source: str | None = None


@dataclass(slots=True, eq=False)
class Speaker:
    """One speaker across the corpus, before it becomes a row of ``speakers``."""

    speaker_id: str
    name: str
    speaker_type: str | None
    scope: str
    article_id: str | None = None
    claims: list[ClaimRef] = field(default_factory=list)
    # Family used to match its quotations with surname-only speakers: the surname of a person,
    # the normalized name of anything else.
    family: str = ""
