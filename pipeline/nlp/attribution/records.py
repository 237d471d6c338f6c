"""The one record type of an attribution, produced by the rules and the trained model alike.

Components keep plain dicts on the Doc (``doc._.claims``, see ``extensions.py``) so that docs
survive multiprocessing; a :class:`Claim` becomes one with :meth:`Claim.as_dict`.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any


@dataclass
class Claim:
    """Who said what: the content (its pieces as said), the cue and the speaker mention.

    ``content_spans`` are the character ``(start, end)`` pieces of the content in text order
    (several when a quotation is interrupted by its cue); ``start``/``end`` are their outer
    bounds and ``content`` the pieces joined by one space. ``origin`` says what found it
    ("rules" or "model").
    """

    content_spans: list[tuple[int, int]]
    content: str
    claim_type: str
    cue: str | None = None
    cue_class: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    speaker_mention: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker: str | None = None
    speaker_role: str | None = None
    speaker_type: str | None = None
    origin: str = "rules"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def start(self) -> int:
        """Start of the first piece."""
        return self.content_spans[0][0]

    @property
    def end(self) -> int:
        """End of the last piece."""
        return self.content_spans[-1][1]

    @classmethod
    def from_pieces(cls, text: str, pieces: list[tuple[int, int]], **fields: Any) -> "Claim":
        """A claim whose content is ``text``'s ``pieces`` joined by one space."""
        pieces = sorted((int(s), int(e)) for s, e in pieces if e > s)
        return cls(content_spans=pieces, content=" ".join(text[s:e] for s, e in pieces), **fields)

    def with_pieces(self, text: str, pieces: list[tuple[int, int]]) -> "Claim":
        """A copy of this claim over other content pieces."""
        pieces = sorted((int(s), int(e)) for s, e in pieces if e > s)
        return replace(self, content_spans=pieces, content=" ".join(text[s:e] for s, e in pieces))

    def overlaps(self, other: "Claim") -> bool:
        """True when the two contents share a character."""
        return any(s < e2 and s2 < e for s, e in self.content_spans for s2, e2 in other.content_spans)

    def reports(self, other: "Claim") -> bool:
        """True when ``other`` is an attribution inside this one's content: its cue lies in this
        content and this cue outside its content (``who say they fear a tide``: the fearing is
        what was said)."""
        if other.cue_start is None or self.cue_start is None:
            return False
        inside = any(s <= other.cue_start and other.cue_end <= e for s, e in self.content_spans)
        return inside and not any(s < self.cue_end and self.cue_start < e for s, e in other.content_spans)

    def as_dict(self) -> dict[str, Any]:
        """The plain-dict form kept in ``doc._.claims`` (offsets as ints, spans as lists)."""
        out = {name: getattr(self, name) for name in _DICT_FIELDS}
        out["content_spans"] = [[s, e] for s, e in self.content_spans]
        out["start"], out["end"] = self.start, self.end
        return out


# What ``as_dict`` keeps: every field but ``extra`` (scalars, shared as they are; the pieces copied).
_DICT_FIELDS = tuple(f.name for f in fields(Claim) if f.name != "extra")
