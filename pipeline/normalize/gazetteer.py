"""The offline gazetteer: countries, subdivisions, US counties, populated places and regions.

Built once by ``python -m pipeline.normalize.build_gazetteer`` into
``models/gazetteer/places.tsv.gz`` and loaded lazily, once per process, by ``load_gazetteer``.
Parsing the file takes about 2 s, so the parsed tables are also kept in a cache file
(``$CLAIMS_CACHE_DIR``, default ``~/.cache/claims-pipeline``) named by the file's digest, which
loads in a quarter of a second; a missing, stale or unreadable cache is rebuilt from the file.
Entries are returned as plain dicts with the keys of a place record (``name, feature, country_code,
subdivision_code, geonameid, lat, lon``) plus ``population``; they are looked up by a
normalized name (``name_key``).
"""
from __future__ import annotations

import gzip
import hashlib
import os
import pickle
import re
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.resources import cache_dir, model_file, read_data_file
from pipeline.runtime import gc_paused

GAZETTEER_FILE = model_file("gazetteer", "places.tsv.gz")

WORDS_FILE = model_file("lexicon", "gazetteer.toml")


@dataclass(frozen=True)
class GazetteerWords:
    """The ``[names]`` words of ``models/lexicon/gazetteer.toml``: ``generic`` name a kind of
    place or a direction rather than a place ("Central", "Lakes")."""

    generic: frozenset[str]


@lru_cache(maxsize=4)
def gazetteer_words(path: Path | str = WORDS_FILE) -> GazetteerWords:
    """The words of place names the gazetteer reads, once per process."""
    return read_data_file(path, "the gazetteer words",
                          lambda raw: GazetteerWords(frozenset(raw["names"]["generic_words"])))

_PUNCT = re.compile(r"[.\u2019'`]")
_SPACE = re.compile(r"[\s\-\u2010-\u2015]+")


@lru_cache(maxsize=1 << 16)
def name_key(text: str) -> str:
    """Normalize a place name for lookup: 'the U.S.' -> 'us', 'Québec' -> 'quebec'."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = _SPACE.sub(" ", _PUNCT.sub("", text.lower())).strip()
    if text.startswith("the "):
        text = text[4:]
    return text


def is_generic(key: str) -> bool:
    """Whether a normalized name is made only of generic words ("far north", "central")."""
    generic = gazetteer_words().generic
    return all(w in generic for w in key.split())


ENTRY_KEYS = ("name", "feature", "country_code", "subdivision_code", "geonameid", "lat", "lon",
              "population")


@dataclass
class Gazetteer:
    """Entries and a name index over them."""

    # Rows as tuples in ENTRY_KEYS order (dicts for 240,000 places would double the memory).
    entries: list[tuple] = field(default_factory=list)
    index: dict[str, list[int]] = field(default_factory=dict)
    # Demonym key -> (country_code or region name, subdivision_code or None).
    demonyms: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    countries: dict[str, int] = field(default_factory=dict)
    subdivisions: dict[str, int] = field(default_factory=dict)
    # Entries already looked up, by key (read-only for callers; not saved in the cache file).
    _found: dict[str, list[dict[str, Any]]] = field(default_factory=dict, repr=False)

    def recognizable(self, key: str, min_population: int) -> bool:
        """Whether a normalized name is safe to tag on its own: a country, subdivision,
        continent or region, or a populated place of at least ``min_population`` under its
        own name (not a foreign alias)."""
        if is_generic(key):
            return False
        for i in self.index.get(key, ()):
            e = self.entry(i)
            if e["feature"] in ("country", "subdivision", "continent", "region"):
                return True
            if e["population"] >= min_population and e["feature"] in ("city", "capital") \
                    and name_key(e["name"]) == key:
                return True
        return key in self.demonyms

    def entry(self, i: int) -> dict[str, Any]:
        """Entry ``i`` as a dict."""
        return dict(zip(ENTRY_KEYS, self.entries[i]))

    def lookup(self, text: str) -> list[dict[str, Any]]:
        """All entries whose name or alias normalizes like ``text`` (a shared list: do not change it)."""
        key = name_key(text)
        found = self._found.get(key)
        if found is None:
            if len(self._found) > 100_000:
                self._found.clear()
            found = self._found[key] = [self.entry(i) for i in self.index.get(key, [])]
        return found

    def country(self, code: str | None) -> dict[str, Any] | None:
        """The country entry for an ISO alpha-2 code."""
        i = self.countries.get(code or "")
        return None if i is None else self.entry(i)

    def subdivision(self, code: str | None) -> dict[str, Any] | None:
        """The subdivision entry for an ISO 3166-2 code."""
        i = self.subdivisions.get(code or "")
        return None if i is None else self.entry(i)

    def demonym(self, text: str) -> dict[str, Any] | None:
        """The country (or subdivision) entry a demonym ('Canadian', 'Quebecers') refers to."""
        hit = self.demonyms.get(name_key(text))
        if hit is None:
            return None
        if hit[1]:
            return self.subdivision(hit[1]) or self.country(hit[0])
        if len(hit[0]) > 2:
            regions = [e for e in self.lookup(hit[0]) if e["feature"] in ("continent", "region")]
            return regions[0] if regions else None
        return self.country(hit[0])


def read_gazetteer(path: Path | str = GAZETTEER_FILE) -> Gazetteer:
    """Parse the gazetteer file into a ``Gazetteer``."""
    with gc_paused():
        return _parse(path)


def _parse(path: Path | str) -> Gazetteer:
    gaz = Gazetteer()
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            gid, name, feature, cc, sub, lat, lon, pop, aliases = line.rstrip("\n").split("\t")
            if feature == "demonym":
                # A region's adjective names its region in the aliases column instead.
                gaz.demonyms[name_key(name)] = (cc or aliases, sub or None)
                continue
            i = len(gaz.entries)
            gaz.entries.append((
                name, sys.intern(feature), sys.intern(cc) if cc else None,
                sys.intern(sub) if sub else None, int(gid) if gid else None,
                float(lat), float(lon), int(pop),
            ))
            keys = {name_key(name)}
            if aliases:
                keys.update(name_key(a) for a in aliases.split("|"))
            for key in keys:
                if key:
                    gaz.index.setdefault(key, []).append(i)
            if feature == "country":
                gaz.countries[cc] = i
            elif feature == "subdivision":
                gaz.subdivisions[sub] = i
    return gaz


CACHE_FORMAT = 1


def _cache_file(path: Path, directory: Path) -> Path:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:20]
    return directory / f"gazetteer-{CACHE_FORMAT}-{digest}.pickle"


def cached_gazetteer(path: Path | str = GAZETTEER_FILE, directory: Path | str | None = None) -> Gazetteer:
    """The gazetteer in ``path``, from its cache file when there is a valid one.

    The cache is written atomically after a parse; if it cannot be written (read-only home,
    full disk) the parsed gazetteer is still returned.
    """
    path = Path(path)
    target = _cache_file(path, Path(directory) if directory else cache_dir())
    try:
        with open(target, "rb") as fh, gc_paused():
            tables = pickle.load(fh)
        return Gazetteer(*tables)
    except (OSError, EOFError, pickle.UnpicklingError, TypeError, ValueError, AttributeError):
        pass
    gaz = read_gazetteer(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump((gaz.entries, gaz.index, gaz.demonyms, gaz.countries, gaz.subdivisions), fh,
                            protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError:
        pass
    return gaz


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The shipped gazetteer, loaded once per process (from its cache when possible)."""
    return cached_gazetteer(GAZETTEER_FILE)
