"""The corpus-level tables of a dataset version: ``speakers``, ``quotes``, ``claims.speaker_id`` and
``claims.quote_id``, rebuilt from that version's ``claims`` and ``articles`` when it is published.

Nothing here reads an article's text: what the linking needs from the text was stored per
article when its rows were made (``pipeline.corpus.evidence``), so an incremental run that
carries unchanged articles over only re-reads some claims columns, recomputes the links
(``pipeline.corpus.link``, a fraction of a second for a thousand articles) and rewrites the claims
parts whose links changed: the new articles' parts, and the few whose speaker or quotation
changed with them (a quotation whose earliest copy is new, namesakes newly told apart).

A corpus of more claims than ``partition_claims`` (``[publish]`` in ``models/corpus.toml``) is
linked a partition at a time, so that memory does not grow with the corpus: each claims part is
read once and its rows (with their links now) are spilled, ``ROUTE_ROWS`` at a time, to
temporary Arrow files in the staged version, bucketed by a hash of their speaker family (the
unit no link crosses, ``pipeline.corpus.link.speaker_families``; buckets that one speaker id
spans are kept together, and the buckets are packed into partitions of about equal size). Each
partition is linked alone; its speakers and quotations rows, sorted as the tables are, are
merged into the two tables, and its links back into the claims parts' row order. The ids, rows
and row order are those of linking the corpus at once (the tests check it).
"""
from __future__ import annotations

import math
import os
import shutil
import zlib
from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.corpus.gender import gender_settings, load_corpus_config
from pipeline.corpus.groups import DisjointSets
from pipeline.corpus.link import CLAIM_COLUMNS, Linked, link_table, speaker_families
from pipeline.corpus.quotes import quote_signatures
from pipeline.corpus.speakers import load_role_fields
from pipeline.export.spill import Partitions, RowCursor, balanced, merge_runs, read_file, write_run
from pipeline.runtime import gc_paused
from pipeline.schema import CORPUS_TABLES, TABLES

LINK_COLUMNS = ["speaker_id", "quote_id"]
LINKING_DIR = ".linking"  # the temporary files of a partitioned publish, inside the staged version
# Speaker families are hashed to this many buckets per partition (at most MAX_BUCKETS files open).
BUCKETS_PER_PARTITION, MAX_BUCKETS = 4, 512
ROUTE_ROWS = 16384  # claims routed to the buckets at a time
_ROW = "_row"
_KEY = "_key"


def _read(path: Path, table: str, columns: list[str]) -> pa.Table:
    """Columns of one part file, or of every part of a table folder; columns an older part
    lacks read as nulls."""
    if path.is_dir():
        parts = [_read(p, table, columns) for p in sorted(path.glob("*.parquet"))]
        return pa.concat_tables(parts) if parts else _empty(table, columns)
    schema = TABLES[table]
    pf = pq.ParquetFile(path)
    names = set(pf.schema_arrow.names)
    have = [c for c in columns if c in names]
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


def _articles(version: Path) -> pa.Table:
    columns = ["article_id", "published", "source"]
    return _read(version / "articles", "articles", columns) if (version / "articles").is_dir() \
        else _empty("articles", columns)


def _claims_parts(version: Path) -> list[Path]:
    return sorted((version / "claims").glob("*.parquet")) if (version / "claims").is_dir() else []


def _joined(claims: pa.Table, articles: pa.Table) -> pa.Table:
    """The claims' linking columns with their article's ``published`` and ``source``."""
    at = pc.index_in(claims["article_id"], value_set=articles["article_id"])
    return claims.select(CLAIM_COLUMNS).append_column("published", pc.take(articles["published"], at)) \
        .append_column("source", pc.take(articles["source"], at))


def link_version(version: Path) -> tuple[Linked, list[Path], list[pa.Table]]:
    """The links of the claims of the dataset version in ``version`` (linked at once), its claims
    parts and the link columns each part holds now."""
    articles = _articles(version)
    parts = _claims_parts(version)
    tables = [_read(p, "claims", CLAIM_COLUMNS + LINK_COLUMNS) for p in parts]
    claims = pa.concat_tables(tables) if tables else _empty("claims", CLAIM_COLUMNS + LINK_COLUMNS)
    linked = link_table(_joined(_with_signatures(claims), articles))
    return linked, parts, [t.select(LINK_COLUMNS) for t in tables]


def partition_claims(path: Path | None = None) -> int:
    """The most claims a publish links at once (``[publish] partition_claims``)."""
    return int((load_corpus_config(path) if path else load_corpus_config())["publish"]["partition_claims"])


def build_corpus_tables(version: Path, partition_size: int | None = None) -> dict[str, int]:
    """Write ``speakers`` and ``quotes`` for the dataset version staged in ``version`` and set
    ``speaker_id``/``quote_id`` on its claims (rewriting only the parts whose links changed).

    Corpora of more than ``partition_size`` claims (default: :func:`partition_claims`) are
    linked a partition at a time, with the same result. Returns the rows written per table, the
    number of claims parts rewritten and the partitions linked."""
    version = Path(version)
    parts = _claims_parts(version)
    n = sum(pq.read_metadata(p).num_rows for p in parts)
    limit = partition_size or partition_claims()
    if n <= limit:
        with gc_paused():
            linked, parts, old = link_version(version)
        offsets = [0]
        for t in old:
            offsets.append(offsets[-1] + t.num_rows)
        rewritten = sum(_relink(part, t, linked.speaker_id[a:b], linked.quote_id[a:b])
                        for part, t, a, b in zip(parts, old, offsets, offsets[1:]))
        _clear_corpus_tables(version)
        return {"speakers": _write(version, "speakers", linked.speakers),
                "quotes": _write(version, "quotes", linked.quotes), "claims_parts_relinked": rewritten,
                "partitions": 1}
    tmp = version / LINKING_DIR
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        return _build_partitioned(version, parts, n, limit, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _relink(part: Path, old: pa.Table, speaker_id: pa.Array, quote_id: pa.Array) -> bool:
    """Set the links of one claims part when they changed (a new file); whether it was rewritten."""
    new = {"speaker_id": speaker_id, "quote_id": quote_id}
    if all(old[c].combine_chunks().equals(new[c]) for c in LINK_COLUMNS):
        return False
    full = pq.read_table(part, schema=TABLES["claims"])
    for c in LINK_COLUMNS:
        full = full.set_column(full.schema.get_field_index(c), TABLES["claims"].field(c), new[c])
    tmp = part.with_name(f".{part.name}.links.tmp")
    pq.write_table(full, tmp, compression="zstd")
    os.replace(tmp, part)  # a new file: a part hard-linked from the previous version stays as it was
    return True


def _clear_corpus_tables(version: Path) -> None:
    for table in CORPUS_TABLES:
        for old in (version / table).glob("*.parquet") if (version / table).is_dir() else ():
            old.unlink()


def _sort_key(table: str, rows: pa.Table) -> pa.Array:
    """A string that sorts the rows of ``speakers`` / ``quotes`` in the tables' order."""
    if table == "speakers":  # most claims first, then by id
        claims = pc.cast(pc.subtract(pa.scalar(10 ** 15, pa.int64()), rows["n_claims"]), pa.string())
        return pc.binary_join_element_wise(pc.utf8_lpad(claims, 16, "0"), rows["speaker_id"], "")
    days = pc.cast(pc.add(pc.cast(pc.cast(rows["first_published"], pa.int32()), pa.int64()), 10 ** 9), pa.string())
    dated = pc.binary_join_element_wise("0", pc.utf8_lpad(days, 11, "0"), "")  # undated last
    return pc.binary_join_element_wise(pc.fill_null(dated, "1"), rows["quote_id"], "")


def _bucket_groups(sizes: list[int], pairs: set[tuple[int, int]], count: int) -> list[list[int]]:
    """The buckets of each of ``count`` partitions: buckets joined by ``pairs`` stay together,
    and the groups are packed into partitions of about equal size."""
    sets = DisjointSets(len(sizes))
    for a, b in pairs:
        sets.join(a, b)
    members: dict[int, list[int]] = {}
    for b in range(len(sizes)):
        members.setdefault(sets.find(b), []).append(b)
    bins = balanced({f"{root:08d}": sum(sizes[b] for b in group) for root, group in members.items()}, count)
    out: list[list[int]] = [[] for _ in range(count)]
    for root, group in members.items():
        out[bins[f"{root:08d}"]].extend(group)
    return [sorted(group) for group in out]


def _bucket(families: list[str], n: int) -> list[int]:
    return [zlib.crc32(f.encode("utf-8")) % n for f in families]


def _chunks(parts: list[Path], part_rows: list[int], rows: int) -> Iterator[pa.Table]:
    """The linking columns of the claims of ``parts`` (and their links now), several parts at a
    time, about ``rows`` claims per table; appends each part's rows to ``part_rows``."""
    held: list[pa.Table] = []
    n = 0
    for part in parts:
        t = _with_signatures(_read(part, "claims", CLAIM_COLUMNS + LINK_COLUMNS))
        part_rows.append(t.num_rows)
        held.append(t)
        n += t.num_rows
        if n >= rows:
            yield pa.concat_tables(held)
            held, n = [], 0
    if held:
        yield pa.concat_tables(held)


def _build_partitioned(version: Path, parts: list[Path], n: int, limit: int, tmp: Path) -> dict[str, int]:
    """Link the claims of ``parts`` a partition of about ``limit`` claims at a time: each part is
    read once and its rows spilled to hash buckets of their speaker family (many more buckets
    than partitions, so that they pack evenly); buckets a speaker id spans are kept together."""
    fields, settings = load_role_fields(), gender_settings()
    quotes_cfg = load_corpus_config().get("quotes", {})
    count = math.ceil(n / limit)
    n_buckets = max(count, min(BUCKETS_PER_PARTITION * count, MAX_BUCKETS))
    batch_rows = max(256, limit // count)  # what each run holds in memory during the merges
    sizes, joined_buckets, part_rows = [0] * n_buckets, set(), []
    row = 0
    buckets: Partitions | None = None
    try:
        with gc_paused():
            for chunk in _chunks(parts, part_rows, ROUTE_ROWS):
                chunk = chunk.append_column(_ROW, pa.array(range(row, row + chunk.num_rows), pa.int64()))
                row += chunk.num_rows
                family, pairs = speaker_families(chunk)
                values = pc.unique(family)
                bucket = pc.take(pa.array(_bucket(values.to_pylist(), n_buckets), pa.int64()),
                                 pc.index_in(family, value_set=values))
                for b, c in zip(*(x.to_pylist() for x in pc.value_counts(bucket).flatten())):
                    sizes[b] += c
                joined_buckets.update(zip(_bucket([a for a, _ in pairs], n_buckets),
                                          _bucket([b for _, b in pairs], n_buckets)))
                if buckets is None:
                    buckets = Partitions(tmp, n_buckets, chunk.schema)
                buckets.write(chunk, bucket)
    finally:
        if buckets is not None:
            buckets.close()
    articles = _articles(version)
    runs: dict[str, list[Path]] = {"speakers": [], "quotes": [], "links": []}
    for i, group in enumerate(_bucket_groups(sizes, joined_buckets, count)):
        with gc_paused():
            claims = pa.concat_tables([read_file(buckets.paths[b]) for b in group]) if group else None
            for b in group:
                buckets.paths[b].unlink()
            if claims is None or not claims.num_rows:
                continue
            if len(group) > 1:  # back in the corpus's row order, which ties are broken by
                claims = claims.take(pc.sort_indices(claims[_ROW]))
            # the partition's articles first: a lookup among all of them per part would cost their number each time
            mine = articles.filter(pc.is_in(articles["article_id"], value_set=pc.unique(claims["article_id"])))
            linked = link_table(_joined(claims, mine), fields, settings, quotes_cfg)
        links = pa.table({_ROW: claims[_ROW], "speaker_id": linked.speaker_id, "quote_id": linked.quote_id,
                          "old_speaker_id": claims["speaker_id"], "old_quote_id": claims["quote_id"]})
        del claims, mine
        for table, rows in (("speakers", linked.speakers), ("quotes", linked.quotes), ("links", links)):
            if table != "links":
                rows = rows.append_column(_KEY, _sort_key(table, rows))
            runs[table].append(tmp / f"{table}-{i:05d}.arrow")
            write_run(runs[table][-1], rows, batch_rows)
        del linked, links
    written = {}
    for table in CORPUS_TABLES:
        written[table] = merge_runs(runs[table], _KEY, tmp / f"{table}.parquet", TABLES[table], limit)
    cursors = [RowCursor(p, _ROW) for p in runs["links"]]
    rewritten, start = 0, 0
    for part, rows in zip(parts, part_rows):
        end = start + rows
        got = [b for c in cursors for b in c.below(end)]
        got = pa.Table.from_batches(got) if got else None
        if got is None or got.num_rows != rows:
            raise RuntimeError(f"linking {version} in partitions lost claims of {part}: "
                               f"{got.num_rows if got else 0} links for {rows} rows; nothing was published, run again")
        got = got.take(pc.sort_indices(got[_ROW]))
        old = pa.table({c: got[f"old_{c}"] for c in LINK_COLUMNS})
        rewritten += _relink(part, old, got["speaker_id"].combine_chunks(), got["quote_id"].combine_chunks())
        start = end
    _clear_corpus_tables(version)
    for table in CORPUS_TABLES:
        (version / table).mkdir(parents=True, exist_ok=True)
        os.replace(tmp / f"{table}.parquet", version / table / "part-corpus.parquet")
    return {**written, "claims_parts_relinked": rewritten, "partitions": count}


def link_rows(rows: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The same links for rows held in memory (one text, as :func:`pipeline.extract` gives them):
    ``claims`` rows with ``speaker_id``/``quote_id`` set, and the ``speakers`` and ``quotes`` rows."""
    claims = pa.Table.from_pylist(rows["claims"], schema=TABLES["claims"])
    articles = pa.Table.from_pylist(rows["articles"], schema=TABLES["articles"])
    claims = _with_signatures(claims)
    linked = link_table(_joined(claims, articles))
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


__all__ = ["build_corpus_tables", "link_rows", "link_version", "partition_claims"]
