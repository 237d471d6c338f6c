"""Regular-expression alternations built from the word lists of ``models/lexicon/*.toml``.

Every lexicon-driven pattern of the normalizers and the dates component joins its words the
same few ways; they are built here so that each reads the same from its data.
"""
from __future__ import annotations

import re
from typing import Iterable


def literal(words: Iterable[str]) -> str:
    """An alternation of ``words`` taken literally, in the lexicon's order."""
    return "|".join(re.escape(w) for w in words)


def longest_first(words: Iterable[str]) -> str:
    """:func:`literal`, longest word first (so a word is tried before its prefix)."""
    return literal(sorted(words, key=len, reverse=True))


def spaced(words: Iterable[str]) -> str:
    """:func:`literal`, with any run of white space between the words of a phrase."""
    return "|".join(r"\s+".join(re.escape(part) for part in w.split()) for w in words)


def optionally_spaced(words: Iterable[str]) -> str:
    """:func:`literal`, with one white-space character or none between the words of a phrase
    ("per cent" also matches "percent" and "per\\ncent")."""
    return "|".join(r"\s?".join(re.escape(part) for part in w.split()) for w in words)


def hyphen_or_spaced(words: Iterable[str]) -> str:
    """:func:`literal`, with one white-space character or a hyphen between the words of a phrase
    ("percentage point" also matches "percentage-point")."""
    return "|".join(r"[\s-]".join(re.escape(part) for part in w.split()) for w in words)
