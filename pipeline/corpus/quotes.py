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
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher
from typing import Callable, Iterable, Sequence

from pipeline.corpus.ids import stable_id
from pipeline.corpus.records import ClaimRef, Speaker

_PUNCT = re.compile(r"[^\w\s']+")
_FAR_FUTURE = date.max
# A band value shared by more wordings than this is no evidence of copying (a stock phrase).
MAX_BUCKET = 100
_MERSENNE = (1 << 61) - 1
BANDS, ROWS = 6, 2
_rng = random.Random(20240917)  # fixed: sketches must be the same in every run and process
_HASHES = [(_rng.randrange(1, _MERSENNE), _rng.randrange(0, _MERSENNE)) for _ in range(BANDS * ROWS)]


def normalize_quote(text: str) -> str:
    """The words of a quotation for comparison: Unicode-normalized (NFKC), quote marks and
    punctuation dropped, apostrophes made straight and kept inside words, lower case."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'").casefold()
    return " ".join(w for w in (w.strip("'") for w in _PUNCT.sub(" ", text).split()) if w)


def quote_signature(content: str) -> tuple[str, list[int] | None]:
    """``(key, sketch)`` of a claim's content: ``key`` hashes its normalized words (equal keys =
    the same words); ``sketch`` holds ``BANDS`` MinHash band values of its word 3-grams (None
    under three words)."""
    norm = normalize_quote(content)
    key = stable_id("words", norm)
    words = norm.split()
    if len(words) < 3:
        return key, None
    bases = {zlib.crc32(" ".join(words[k:k + 3]).encode("utf-8")) for k in range(len(words) - 2)}
    mins = [min((a * x + b) % _MERSENNE for x in bases) for a, b in _HASHES]
    sketch = [((mins[i] * 0x9E3779B97F4A7C15 + mins[i + 1]) & 0x7FFFFFFFFFFFFFFF) for i in range(0, len(mins), ROWS)]
    return key, sketch


def similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Word-level similarity of two normalized quotations (2 * matched words / total words)."""
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


@dataclass(slots=True, eq=False)
class _Item:
    """One distinct wording by one speaker."""

    key: str
    sketch: list[int] | None
    corpus_speaker: str | None  # speaker id when the speaker merges across articles
    speaker_key: str            # the speaker id, or the name kept to an article
    claims: list[ClaimRef]
    parent: int = -1


@dataclass(slots=True, eq=False)
class Quote:
    """One quotation: its id, its speaker and the claims that carry it, earliest first."""

    quote_id: str
    speaker_id: str | None
    claims: list[ClaimRef]
    wordings: int


def _earliest(c: ClaimRef) -> tuple:
    return (c.published or _FAR_FUTURE, c.article_id, c.claim_index)


def link_quotes(claims: Iterable[ClaimRef], speaker_of: dict[str, str], speakers: dict[str, Speaker],
                words_of: Callable[[ClaimRef], list[str]] | None = None, threshold: float = 0.8,
                min_words: int = 6) -> tuple[dict[str, str], list[Quote]]:
    """Group claims into quotations: returns ``claim_id -> quote_id`` and the quotations.

    ``speaker_of`` maps claim ids to speaker ids and ``speakers`` speaker ids to speakers (as
    :func:`pipeline.corpus.speakers.link_speakers` returns them). Claims carry their signature
    (``quote_key``, ``quote_sketch``); ``words_of`` gives a claim's normalized words for the
    word-by-word comparison of candidates (default: normalize its content).
    """
    words_of = words_of or (lambda c: normalize_quote(c.content).split())
    items: list[_Item] = []
    index: dict[tuple[str, str, str], int] = {}
    for c in claims:
        sid = speaker_of.get(c.claim_id)
        sp = speakers.get(sid) if sid else None
        family = sp.family if sp is not None else ""
        corpus = sid if sp is not None and sp.scope == "corpus" else None
        skey = corpus or ("name:" + family)
        k = (family, c.quote_key or "", skey)
        i = index.get(k)
        if i is None:
            i = index[k] = len(items)
            items.append(_Item(c.quote_key or "", c.quote_sketch, corpus, skey, [], len(items)))
        items[i].claims.append(c)

    owner = [it.corpus_speaker for it in items]
    names = [{it.speaker_key} for it in items]

    def find(i: int) -> int:
        while items[i].parent != i:
            items[i].parent = items[items[i].parent].parent
            i = items[i].parent
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri == rj:
            return
        oi, oj = owner[ri], owner[rj]
        if oi and oj and oi != oj:
            return  # two speakers of the corpus: never one quotation
        if not oi and not oj and names[ri] != names[rj]:
            return  # two different names kept to their articles ("officials", "Smith")
        lo, hi = min(ri, rj), max(ri, rj)
        items[hi].parent = lo
        owner[lo] = oi or oj
        names[lo] |= names[hi]

    # the same words in one family: the corpus speaker first, so that surname-only copies join it
    same: dict[tuple[str, str], list[int]] = defaultdict(list)
    for (family, key, _), i in index.items():
        same[(family, key)].append(i)
    for idx in same.values():
        if len(idx) > 1:
            idx.sort(key=lambda i: (items[i].corpus_speaker is None, i))
            for j in idx[1:]:
                union(idx[0], j)

    # near-identical wordings: candidates share a sketch band inside their family
    bands: dict[tuple[str, int, int], list[int]] = defaultdict(list)
    for (family, _, _), i in index.items():
        sketch = items[i].sketch
        if sketch:
            for b, value in enumerate(sketch):
                bands[(family, b, value)].append(i)
    words: dict[int, list[str]] = {}
    tried: set[tuple[int, int]] = set()
    for members in bands.values():
        if len(members) < 2 or len(members) > MAX_BUCKET:
            continue
        for x, i in enumerate(members):
            for j in members[x + 1:]:
                if items[i].key == items[j].key or (i, j) in tried:
                    continue
                tried.add((i, j))
                wi = words.get(i) or words.setdefault(i, words_of(items[i].claims[0]))
                wj = words.get(j) or words.setdefault(j, words_of(items[j].claims[0]))
                short, total = min(len(wi), len(wj)), len(wi) + len(wj)
                if short < min_words or 2 * short / total < threshold:
                    continue
                if similarity(wi, wj) >= threshold:
                    union(i, j)

    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(items)):
        groups[find(i)].append(i)
    quotes = []
    for root, members in groups.items():
        tagged = sorted(((c, m) for m in members for c in items[m].claims), key=lambda cm: _earliest(cm[0]))
        first, first_item = tagged[0][0], items[tagged[0][1]]
        speaker_id = owner[root] or speaker_of.get(first.claim_id)
        qid = stable_id("quote", owner[root] or first_item.speaker_key, first_item.key)
        quotes.append(Quote(qid, speaker_id, [c for c, _ in tagged], len({items[m].key for m in members})))
    links = {c.claim_id: q.quote_id for q in quotes for c in q.claims}
    return links, quotes
