"""Quotations counted once: one quote id for the same words by the same speaker in every article.

Two claims are one quotation when their speakers are compatible and their words are the same
after ``normalize_quote`` (quote marks, dashes, case, spacing and punctuation), or nearly the same
as wire copies edit them: a word-level similarity (``difflib`` ratio over the normalized words) of
at least ``similarity`` for quotations of ``min_words`` words or more (``models/corpus.toml``; the
README says how the threshold was measured). Speakers are compatible when they are the same
speaker, or when one is a surname alone kept to its article ("Trump") and the other a person of
the corpus with that surname; a quotation never joins two corpus speakers.

Each claim's signature (``quote_signature``: a hash of its normalized words and a MinHash sketch
of its word 3-grams in 6 bands of 2) is computed once, with the article's rows, and stored in
``claims.quote_key`` / ``claims.quote_sketch``; near-identical candidates are the claims of one
speaker sharing a band, and only those are compared word by word. Pure functions.
"""
from __future__ import annotations

import random
import re
import unicodedata
import zlib
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Iterable, Sequence

import numpy

from pipeline.corpus.groups import DisjointSets
from pipeline.corpus.ids import stable_id

_PUNCT = re.compile(r"[^\w\s']+")
# A band value shared by more wordings than this is no evidence of copying (a stock phrase).
MAX_BUCKET = 100
_MERSENNE = (1 << 61) - 1
BANDS, ROWS = 6, 2
SIGNATURE_CHUNK = 256  # contents whose 3-grams are hashed in one pass
_rng = random.Random(20240917)  # fixed: sketches must be the same in every run and process
_HASHES = [(_rng.randrange(1, _MERSENNE), _rng.randrange(0, _MERSENNE)) for _ in range(BANDS * ROWS)]
_A_HI = numpy.array([a >> 32 for a, _ in _HASHES], dtype=numpy.uint64)
_A_LO = numpy.array([a & 0xFFFFFFFF for a, _ in _HASHES], dtype=numpy.uint64)
_B = numpy.array([b for _, b in _HASHES], dtype=numpy.uint64)
_P, _LOW29 = numpy.uint64(_MERSENNE), numpy.uint64((1 << 29) - 1)
_29, _32, _61 = numpy.uint64(29), numpy.uint64(32), numpy.uint64(61)


def normalize_quote(text: str) -> str:
    """The words of a quotation for comparison: Unicode-normalized (NFKC), quote marks and
    punctuation dropped, apostrophes made straight and kept inside words, lower case."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'").casefold()
    return " ".join(w for w in (w.strip("'") for w in _PUNCT.sub(" ", text).split()) if w)


def quote_signature(content: str) -> tuple[str, list[int] | None]:
    """``(key, sketch)`` of a claim's content: ``key`` hashes its normalized words (equal keys =
    the same words); ``sketch`` holds ``BANDS`` MinHash band values of its word 3-grams (None
    under three words)."""
    return quote_signatures([content])[0]


def quote_signatures(contents: Sequence[str]) -> list[tuple[str, list[int] | None]]:
    """:func:`quote_signature` of each of ``contents`` (one article's claims), the MinHash
    values of the 3-grams of up to ``SIGNATURE_CHUNK`` contents computed together (so that a
    long list, such as an old dataset's claims, holds one chunk's hash table at a time)."""
    return [sig for i in range(0, len(contents), SIGNATURE_CHUNK)
            for sig in _signatures(contents[i:i + SIGNATURE_CHUNK])]


def _signatures(contents: Sequence[str]) -> list[tuple[str, list[int] | None]]:
    keys, grams, counts = [], [], []
    for content in contents:
        norm = normalize_quote(content)
        keys.append(stable_id("words", norm))
        words = norm.split()
        n = len(words) - 2 if len(words) >= 3 else 0
        grams.extend(zlib.crc32(" ".join(words[k:k + 3]).encode("utf-8")) for k in range(n))
        counts.append(n)
    sketches: list[list[int] | None] = [None] * len(contents)
    if grams:
        hashed = _universal_hashes(numpy.array(grams, dtype=numpy.uint64))
        sized = [i for i, n in enumerate(counts) if n]
        starts = numpy.cumsum([0] + [counts[i] for i in sized[:-1]])
        mins = numpy.minimum.reduceat(hashed, starts, axis=1)  # (hashes, claims)
        # each band's value carries its band number in its top bits: equal values = the same band
        bands = (mins[0::ROWS] * numpy.uint64(0x9E3779B97F4A7C15) + mins[1::ROWS]) & numpy.uint64((1 << 59) - 1)
        bands |= (numpy.arange(BANDS, dtype=numpy.uint64) << numpy.uint64(59))[:, None]
        for i, sketch in zip(sized, bands.T.tolist()):
            sketches[i] = sketch
    return list(zip(keys, sketches))


def _mod_mersenne(y: numpy.ndarray) -> numpy.ndarray:
    """``y`` (any uint64) modulo 2**61 - 1."""
    y = (y & _P) + (y >> _61)
    return numpy.where(y >= _P, y - _P, y)


def _universal_hashes(x: numpy.ndarray) -> numpy.ndarray:
    """``(a * x + b) % (2**61 - 1)`` for every hash ``(a, b)`` (rows) and value of ``x`` (columns,
    each below 2**32), exactly, in 64-bit arithmetic: ``a`` is split into its high 29 and low 32
    bits, and a product's multiple of 2**61 folds back as 1."""
    lo = _mod_mersenne(_A_LO[:, None] * x[None, :])  # each product below 2**64
    hi = _A_HI[:, None] * x[None, :]  # below 2**61; times 2**32 it is hi's top bits + its low 29 << 32
    hi = _mod_mersenne((hi >> _29) + ((hi & _LOW29) << _32))
    return _mod_mersenne(lo + hi + _B[:, None])


def similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Word-level similarity of two normalized quotations (2 * matched words / total words)."""
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


@dataclass(slots=True, eq=False)
class Wording:
    """One distinct wording by one speaker (claims with the same words and the same speaker key):
    ``owner`` is the speaker id when that speaker merges across articles, ``name`` the speaker
    key (the speaker id, or ``name:`` and the name of a speaker kept to its article)."""

    owner: str | None
    name: str
    words: list[str] | None = None


def merge_wordings(wordings: list[Wording], pairs: Iterable[tuple[int, int]]) -> list[int]:
    """Union the wordings of ``pairs`` (in order) where their speakers are compatible; returns the
    representative (lowest index) of each wording's quotation. A quotation never joins two corpus
    speakers, nor two different names kept to their articles; a name kept to its article (a
    surname alone) joins a corpus speaker."""
    sets = DisjointSets(len(wordings))
    owner = [w.owner for w in wordings]
    names = [{w.name} for w in wordings]
    for i, j in pairs:
        ri, rj = sets.find(i), sets.find(j)
        if ri == rj:
            continue
        oi, oj = owner[ri], owner[rj]
        if (oi and oj and oi != oj) or (not oi and not oj and names[ri] != names[rj]):
            continue
        lo, hi = sets.join(ri, rj)
        owner[lo] = oi or oj
        names[lo] |= names[hi]
    return [sets.find(i) for i in range(len(wordings))]


def near_identical(a: Sequence[str], b: Sequence[str], threshold: float, min_words: int) -> bool:
    """Whether two normalized wordings are the same quotation as edited by a copy desk."""
    short, total = min(len(a), len(b)), len(a) + len(b)
    if short < min_words or 2 * short / total < threshold:
        return False
    return similarity(a, b) >= threshold
