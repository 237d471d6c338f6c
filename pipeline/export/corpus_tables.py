"""The corpus-level tables of a dataset version: ``speakers``, ``quotes``, ``claims.speaker_id`` and
``claims.quote_id``, rebuilt from that version's ``claims`` and ``articles`` when it is published.

Nothing here reads an article's text: what the linking needs from the text was stored per
article when its rows were made (``pipeline.corpus.evidence``), so an incremental run that
carries unchanged articles over only re-reads some claims columns, recomputes the links
(``pipeline.corpus.link``, a fraction of a second for a thousand articles) and rewrites the claims
parts whose links changed: the new articles' parts, and the few whose speaker or quotation
changed with them (a quotation whose earliest copy is new, namesakes newly told apart).
"""
from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.corpus.link import CLAIM_COLUMNS, Linked, link_table
from pipeline.corpus.quotes import quote_signatures
from pipeline.runtime import gc_paused
from pipeline.schema import CORPUS_TABLES, TABLES

LINK_COLUMNS = ["speaker_id", "quote_id"]


def _read(path: Path, table: str, columns: list[str]) -> pa.Table:
    """Columns of one part file, or of every part of a table folder; columns an older part
    lacks read as nulls."""
    if path.is_dir():
        parts = [_read(p, table, columns) for p in sorted(path.glob("*.parquet"))]
        return pa.concat_tables(parts) if parts else _empty(table, columns)
    schema = TABLES[table]
    pf = pq.ParquetFile(path)
    have = [c for c in columns if c in pf.schema_arrow.names]
    data = pf.read(columns=have, use_threads=False)
    arrays = [data[c] if c in have else pa.nulls(data.num_rows, schema.field(c).type) for c in columns]
    return pa.Table.from_arrays(arrays, schema=pa.schema([schema.field(c) for c in columns]))


def _empty(table: str, columns: list[str]) -> pa.Table:
    schema = TABLES[table]
    return pa.schema([schema.field(c) for c in columns]).empty_table()


def _with_signatures(claims: pa.Table) -> pa.Table:
    """Claims of parts written before claims carried their quotation signature get one."""
    missing = pc.is_null(claims["quote_key"])
    if not pc.any(missing).as_py():
        return claims
    keys, sketches = claims["quote_key"].to_pylist(), claims["quote_sketch"].to_pylist()
    contents = claims["content"].to_pylist()
    rows = [i for i, key in enumerate(keys) if key is None]
    for i, (key, sketch) in zip(rows, quote_signatures([contents[i] or "" for i in rows])):
        keys[i], sketches[i] = key, sketch
    claims = claims.set_column(claims.schema.get_field_index("quote_key"), "quote_key", pa.array(keys, pa.string()))
    return claims.set_column(claims.schema.get_field_index("quote_sketch"), "quote_sketch",
                             pa.array(sketches, pa.list_(pa.int64())))


def link_version(version: Path) -> tuple[Linked, list[Path], list[pa.Table]]:
    """The links of the claims of the dataset version in ``version``, its claims parts and the
    link columns each part holds now."""
    columns = ["article_id", "published", "source"]
    articles = _read(version / "articles", "articles", columns) if (version / "articles").is_dir() \
        else _empty("articles", columns)
    parts = sorted((version / "claims").glob("*.parquet")) if (version / "claims").is_dir() else []
    tables = [_read(p, "claims", CLAIM_COLUMNS + LINK_COLUMNS) for p in parts]
    claims = pa.concat_tables(tables) if tables else _empty("claims", CLAIM_COLUMNS + LINK_COLUMNS)
    claims = _with_signatures(claims)
    at = pc.index_in(claims["article_id"], value_set=articles["article_id"])
    joined = claims.select(CLAIM_COLUMNS).append_column("published", pc.take(articles["published"], at)) \
        .append_column("source", pc.take(articles["source"], at))
    linked = link_table(joined)
    return linked, parts, tables


def build_corpus_tables(version: Path) -> dict[str, int]:
    """Write ``speakers`` and ``quotes`` for the dataset version staged in ``version`` and set
    ``speaker_id``/``quote_id`` on its claims (rewriting only the parts whose links changed).
    Returns the rows written per table and the number of claims parts rewritten."""
    version = Path(version)
    with gc_paused():
        linked, parts, tables = link_version(version)
    rewritten, offset = 0, 0
    for part, t in zip(parts, tables):
        n = t.num_rows
        new = {"speaker_id": linked.speaker_id[offset:offset + n], "quote_id": linked.quote_id[offset:offset + n]}
        offset += n
        if all(t[c].combine_chunks().equals(new[c]) for c in LINK_COLUMNS):
            continue
        full = pq.read_table(part, schema=TABLES["claims"])
        for c in LINK_COLUMNS:
            full = full.set_column(full.schema.get_field_index(c), TABLES["claims"].field(c), new[c])
        tmp = part.with_name(f".{part.name}.links.tmp")
        pq.write_table(full, tmp, compression="zstd")
        os.replace(tmp, part)  # a new file: a part hard-linked from the previous version stays as it was
        rewritten += 1
    for table in CORPUS_TABLES:
        for old in (version / table).glob("*.parquet") if (version / table).is_dir() else ():
            old.unlink()
    return {"speakers": _write(version, "speakers", linked.speakers),
            "quotes": _write(version, "quotes", linked.quotes), "claims_parts_relinked": rewritten}


def link_rows(rows: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The same links for rows held in memory (one text, as :func:`pipeline.extract` gives them):
    ``claims`` rows with ``speaker_id``/``quote_id`` set, and the ``speakers`` and ``quotes`` rows."""
    claims = pa.Table.from_pylist(rows["claims"], schema=TABLES["claims"])
    articles = pa.Table.from_pylist(rows["articles"], schema=TABLES["articles"])
    claims = _with_signatures(claims)
    at = pc.index_in(claims["article_id"], value_set=articles["article_id"])
    joined = claims.select(CLAIM_COLUMNS).append_column("published", pc.take(articles["published"], at)) \
        .append_column("source", pc.take(articles["source"], at))
    linked = link_table(joined)
    for c in LINK_COLUMNS:
        claims = claims.set_column(claims.schema.get_field_index(c), TABLES["claims"].field(c), getattr(linked, c))
    return {**rows, "claims": claims.to_pylist(), "speakers": linked.speakers.cast(TABLES["speakers"]).to_pylist(),
            "quotes": linked.quotes.cast(TABLES["quotes"]).to_pylist()}


def _write(version: Path, table: str, data: pa.Table) -> int:
    path = version / table
    path.mkdir(parents=True, exist_ok=True)
    tmp = path / ".part-corpus.parquet.tmp"
    pq.write_table(data.cast(TABLES[table]), tmp, compression="zstd")
    os.replace(tmp, path / "part-corpus.parquet")
    return data.num_rows


__all__ = ["build_corpus_tables", "link_rows", "link_version"]
