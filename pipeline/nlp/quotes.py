"""Direct quotations in plain text: pair quotation marks into character spans.

Pure functions over a string, used by the ``claims_attribution`` component. Straight (``"``)
and curly (``“ ”``) double quotes are paired within a paragraph (a line of the text). A
quotation left open at the end of a paragraph continues when the next paragraph opens with a
quotation mark, the newspaper convention for quotes running over several paragraphs; the
result is then one span from the first opening mark to the last closing mark.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

OPEN_MARKS = "“„«"
CLOSE_MARKS = "”»"
STRAIGHT = '"'
ALL_MARKS = OPEN_MARKS + CLOSE_MARKS + STRAIGHT
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")


@dataclass(frozen=True)
class Quote:
    """A quotation: ``text[start:end]`` runs from the opening to the closing mark (inclusive).

    ``paragraphs`` is how many paragraphs the quotation spans; ``closed`` is False when the
    quotation was never closed (it then ends at the end of its last paragraph).
    """

    start: int
    end: int
    paragraphs: int = 1
    closed: bool = True

    def inner(self, text: str) -> str:
        """The quoted words without the surrounding marks."""
        return text[self.start:self.end].strip(ALL_MARKS + "' \n")


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every non-blank line of ``text``, trailing whitespace excluded."""
    spans = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.rstrip()
        lead = len(stripped) - len(stripped.lstrip())
        if stripped.strip():
            spans.append((pos + lead, pos + len(stripped)))
        pos += len(line) + 1
    return spans


OPENING_CONTEXT = " \t\n([{—–-/"
CLOSING_CONTEXT = " \t\n)]}.,;:!?—–-/"


def _is_opener(text: str, i: int, start: int, end: int, depth: int) -> bool:
    """Whether the mark at ``text[i]`` opens a quotation: judged by what surrounds it (a space
    before, a letter after), by the glyph when the context says nothing, and for a bare
    straight mark by whether a quotation is open."""
    ch = text[i]
    prev = text[i - 1] if i > start else " "
    nxt = text[i + 1] if i + 1 < end else " "
    if nxt == "\x00":  # the second apostrophe of a '' mark
        nxt = text[i + 2] if i + 2 < end else " "
    opens_ctx = prev in OPENING_CONTEXT or prev in ALL_MARKS
    closes_ctx = nxt in CLOSING_CONTEXT or nxt in ALL_MARKS
    if opens_ctx and not closes_ctx:
        return True
    if closes_ctx and not opens_ctx:
        return False
    if ch in OPEN_MARKS:
        return True
    if ch in CLOSE_MARKS:
        return False
    return depth == 0


def _segments(text: str, start: int, end: int) -> tuple[list[tuple[int, int]], int | None]:
    """Closed quote spans inside one paragraph (nested ones included), and the offset of the
    outermost mark left open, if any. Marks pair by position whatever their glyph, so
    ``“We're going to build a wall," he said`` is one quotation."""
    spans: list[tuple[int, int]] = []
    stack: list[int] = []
    for i in range(start, end):
        ch = text[i]
        if ch not in ALL_MARKS:
            continue
        if ch == STRAIGHT and not stack:
            # A straight mark glued to the end of a word opens nothing (5'10", stray marks).
            prev = text[i - 1] if i > start else " "
            nxt = text[i + 2] if text[i + 1:i + 2] == "\x00" and i + 2 < end else (text[i + 1] if i + 1 < end else " ")
            if prev.isalnum() and (nxt.isspace() or nxt in ".,;:!?"):
                continue
        if _is_opener(text, i, start, end, len(stack)):
            stack.append(i)
        elif stack:
            spans.append((stack.pop(), i + 1))
    spans.sort()
    return spans, (stack[0] if stack else None)


def _scan(text: str, paragraphs: list[tuple[int, int]]) -> list[Quote]:
    """Quotations paragraph by paragraph, joining one left open to its continuation."""
    opening = STRAIGHT + OPEN_MARKS
    quotes: list[Quote] = []
    pending: Quote | None = None  # a quotation still open at the end of the previous paragraph
    for p_start, p_end in paragraphs:
        spans, open_at = _segments(text, p_start, p_end)
        if pending is not None:
            if text[p_start] in opening:
                # The continuation's opening mark starts no new quotation: the first span of
                # this paragraph (or its open tail) belongs to the pending one.
                if spans and spans[0][0] == p_start:
                    first_end = spans.pop(0)[1]
                    quotes.append(Quote(pending.start, first_end, pending.paragraphs + 1, True))
                    pending = None
                elif open_at == p_start:
                    pending = Quote(pending.start, p_end, pending.paragraphs + 1, False)
                    open_at = None
                else:
                    quotes.append(pending)
                    pending = None
            else:
                quotes.append(pending)
                pending = None
        quotes.extend(Quote(s, e) for s, e in spans)
        if open_at is not None:
            if pending is not None:
                quotes.append(pending)
            pending = Quote(open_at, p_end, 1, False)
    if pending is not None:
        quotes.append(pending)
    return quotes


def find_quotes(text: str) -> list[Quote]:
    """All double-quoted spans of ``text`` in order, multi-paragraph quotations merged.
    Quotations never closed are returned with ``closed=False``. Doubled apostrophes (``''``,
    as some archives type quotation marks) count as straight marks.

    The last texts' quotations are kept (the rules and the trained tagger both ask for them)."""
    return list(_find_quotes(text))


@lru_cache(maxsize=64)
def _find_quotes(text: str) -> tuple[Quote, ...]:
    paragraphs = paragraph_spans(text)
    scan = text.replace("''", '"\x00') if "''" in text else text
    quotes = _scan(scan, paragraphs)
    if scan is not text:
        # a closing '' ends one character after the mark that was scanned
        quotes = [Quote(q.start, q.end + 1, q.paragraphs, q.closed) if scan[q.end - 1:q.end + 1] == '"\x00' else q
                  for q in quotes]
    quotes.sort(key=lambda q: (q.start, -q.end))
    return tuple(quotes)


def word_count(text: str) -> int:
    """Number of words in ``text`` (letters and digits, contractions kept whole)."""
    return len(_WORD.findall(text))
