"""Cutting article text into pieces by the spans that cover them (claims, speakers, cues, figures...).

Spans may overlap or nest (a figure inside a claim's content); ``segments`` returns flat pieces,
each with the set of span kinds covering it, so HTML and terminal renderers never have to nest
markup.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

KINDS = ("content", "speaker", "cue", "figure", "date", "place")

_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+|\n+")


@dataclass(frozen=True)
class Mark:
    """A span of ``kind`` over ``[start, end)`` of the article text."""

    start: int
    end: int
    kind: str


def segments(text: str, marks: Iterable[Mark], lo: int = 0, hi: int | None = None,
             breaks: Iterable[int] = ()) -> list[tuple[str, frozenset[str]]]:
    """``text[lo:hi]`` as consecutive ``(piece, kinds)``; ``kinds`` holds every mark covering the piece.

    Neighbouring pieces with the same kinds are merged, except at the offsets in ``breaks``.
    """
    hi = len(text) if hi is None else min(hi, len(text))
    lo = max(0, min(lo, hi))
    inside = [m for m in marks if m.start < hi and m.end > lo and m.end > m.start]
    keep = {b for b in breaks if lo < b < hi}
    cuts = {lo, hi} | keep
    for m in inside:
        cuts.add(max(lo, m.start))
        cuts.add(min(hi, m.end))
    points = sorted(cuts)
    out: list[tuple[str, frozenset[str]]] = []
    for a, b in zip(points, points[1:]):
        kinds = frozenset(m.kind for m in inside if m.start <= a and b <= m.end)
        if out and out[-1][1] == kinds and a not in keep:
            out[-1] = (out[-1][0] + text[a:b], kinds)
        else:
            out.append((text[a:b], kinds))
    return out


def context_window(text: str, lo: int, hi: int, reach: int = 240) -> tuple[int, int]:
    """Widen ``[lo, hi)`` to the sentences around it, going at most ``reach`` characters each way."""
    lo, hi = max(0, lo), min(len(text), hi)
    start = floor = max(0, lo - reach)
    for m in _SENTENCE_END.finditer(text, floor, lo):
        start = m.end()
    end = min(len(text), hi + reach)
    # Searching from hi - 1 keeps a span that already ends its sentence ("...that.") as it is.
    m = _SENTENCE_END.search(text, max(lo, hi - 1), end)
    if m:
        end = m.start() + len(m.group().rstrip())
    return start, end


def cut_marks(text: str, lo: int, hi: int) -> tuple[bool, bool]:
    """Whether ``text[lo:hi]`` starts, and ends, in the middle of a sentence (to show an ellipsis)."""
    left = lo > 0 and text[lo - 1] != "\n" and not any(m.end() == lo for m in _SENTENCE_END.finditer(text, max(0, lo - 8), lo))
    right = hi < len(text) and not re.search(r"[.!?][\"'”’)\]]*$", text[max(lo, hi - 4):hi]) and text[hi] != "\n"
    return left, right
