"""Compressed inputs: gzip, zstandard and bz2 of each format, checked by magic bytes, damage costing one record."""
import bz2
import gzip
import json
import tracemalloc

import zstandard

from pipeline.ingest import Article, Limits, Reject, read_corpus
from pipeline.ingest.compression import CompressedDataError, format_of, logical_stem, open_input

STORY = ("Ferry fares to rise in spring\n"
         "Fares on the island ferry will rise by 4 percent in April, the transport board said on Monday.\n"
         '"We held them for three years," said board chair Ana Pereira.\n')
COMPRESS = {".gz": gzip.compress, ".zst": lambda b: zstandard.ZstdCompressor().compress(b), ".bz2": bz2.compress}


def _jsonl(n, prefix="r"):
    return "".join(json.dumps({"id": f"{prefix}{i}", "title": "Ferry fares", "text": STORY}) + "\n"
                   for i in range(n)).encode()


def _summary(recs):
    return [(type(r).__name__, r.record, getattr(r, "doc_id", None), getattr(r, "text", None)) for r in recs]


def test_names_give_format_and_compression(tmp_path):
    assert format_of(tmp_path / "a.jsonl.gz") == (".jsonl", "gzip")
    assert format_of(tmp_path / "a.CSV.ZST") == (".csv", "zstd")
    assert format_of(tmp_path / "a.txt") == (".txt", None)
    assert logical_stem(tmp_path / "story.txt.bz2") == "story"


def test_each_compression_of_each_format_reads_as_the_plain_file(tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    files = {"s.txt": STORY.encode(), "l.jsonl": _jsonl(3),
             "c.csv": b'id,title,text\nc1,Ferry,"' + STORY.replace('"', '""').encode() + b'"\n',
             "p.html": (b"<html><head><title>Ferry fares to rise in spring</title></head><body><article>"
                        b"<p>Fares on the island ferry will rise by 4 percent in April, the transport board said.</p>"
                        b"<p>The board chair said the fares had been held for three years.</p></article></body></html>")}
    for name, data in files.items():
        (plain / name).write_bytes(data)
    expected = _summary(read_corpus(plain))
    assert all(kind == "Article" for kind, *_ in expected)
    for suffix, compress in COMPRESS.items():
        packed = tmp_path / suffix.strip(".")
        packed.mkdir()
        for name, data in files.items():
            (packed / f"{name}{suffix}").write_bytes(compress(data))
        recs = list(read_corpus(packed))
        assert _summary(recs) == expected, suffix
        assert all(r.input_path.endswith(suffix) for r in recs)


def test_truncated_gzip_keeps_every_record_before_the_damage(tmp_path):
    data = gzip.compress(_jsonl(3000))
    path = tmp_path / "dump.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    recs = list(read_corpus(path))
    arts = [r for r in recs if isinstance(r, Article)]
    assert len(arts) > 500 and [a.record for a in arts] == [str(i) for i in range(1, len(arts) + 1)]
    last = recs[-1]
    assert isinstance(last, Reject) and last.record == str(len(arts) + 1)
    assert "gzip: the file is truncated" in last.reason and "and everything after it" in last.reason
    assert last.input_path == str(path)


def test_truncated_zstd_and_bz2_and_corrupt_gzip_are_rejected_where_they_break(tmp_path):
    z = zstandard.ZstdCompressor().compress(_jsonl(3000, "a"))
    (tmp_path / "a.jsonl.zst").write_bytes(z[: len(z) * 2 // 3])
    b = bz2.compress(_jsonl(3000, "b"), compresslevel=1)
    (tmp_path / "b.jsonl.bz2").write_bytes(b[: len(b) - 50])
    g = bytearray(gzip.compress(_jsonl(3000, "d")))
    g[len(g) // 2] ^= 0xFF
    (tmp_path / "c.csv.gz").write_bytes(b"")  # empty: not gzip data at all
    (tmp_path / "d.jsonl.gz").write_bytes(bytes(g))
    by_file = {}
    for r in read_corpus(tmp_path):
        by_file.setdefault(r.input_path.rsplit("/", 1)[-1], []).append(r)
    for name, what in (("a.jsonl.zst", "zstd: the file is truncated"), ("b.jsonl.bz2", "bz2: the file is truncated"),
                       ("d.jsonl.gz", "gzip: the compressed data is damaged")):
        recs = by_file[name]
        assert isinstance(recs[-1], Reject) and what in recs[-1].reason, (name, recs[-1])
        assert recs[-1].record == str(len(recs))
        kept = sum(isinstance(r, Article) for r in recs[:-1])
        if name == "d.jsonl.gz":  # corrupt data may decode to a few garbled lines before zlib notices
            assert kept > 1000, kept
        else:
            assert kept == len(recs) - 1 > 1000, name
    assert by_file["c.csv.gz"][0].reason == "empty file: no gzip data"


def test_magic_bytes_must_agree_with_the_name(tmp_path):
    (tmp_path / "plain.jsonl.gz").write_bytes(_jsonl(1))
    (tmp_path / "packed.jsonl").write_bytes(gzip.compress(_jsonl(1, "p")))
    (tmp_path / "other.jsonl.bz2").write_bytes(gzip.compress(_jsonl(1, "o")))
    reasons = {r.input_path.rsplit("/", 1)[-1]: r.reason for r in read_corpus(tmp_path)}
    assert "named .gz but the data is not compressed" in reasons["plain.jsonl.gz"]
    assert "gzip-compressed but its name does not say so; rename it to packed.jsonl.gz" in reasons["packed.jsonl"]
    assert "named .bz2 but the data is gzip-compressed" in reasons["other.jsonl.bz2"]


def test_compressed_whole_file_over_the_limit_is_rejected_without_reading_it_all(tmp_path):
    bomb = tmp_path / "bomb.txt.gz"
    bomb.write_bytes(gzip.compress(b"word " * 2_000_000))  # 10 MB of text from ~10 KB
    limits = Limits(max_file_bytes=1_000_000)
    tracemalloc.start()
    (rec,) = read_corpus(bomb, limits)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert isinstance(rec, Reject) and "decompressed, the file is over the limit of 1,000,000 bytes" in rec.reason
    assert peak < 6_000_000, peak  # bounded by the limit, not by the 10 MB inside


def test_large_compressed_jsonl_streams_in_flat_memory(tmp_path):
    path = tmp_path / "big.jsonl.zst"
    cctx = zstandard.ZstdCompressor()
    with open(path, "wb") as fh, cctx.stream_writer(fh) as w:
        for i in range(40):
            w.write(_jsonl(1000, f"b{i}-"))  # ~11 MB decompressed in all
    tracemalloc.start()
    n = 0
    for rec in read_corpus(path):
        n += isinstance(rec, Article)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert n == 40_000
    assert peak < 8_000_000, peak


def test_open_input_reports_damage_with_position(tmp_path):
    path = tmp_path / "a.jsonl.gz"
    data = gzip.compress(_jsonl(2000))
    path.write_bytes(data[:-100])
    try:
        with open_input(path) as fh:
            while fh.read(4096):
                pass
    except CompressedDataError as exc:
        assert exc.lines > 1000 and exc.offset > 0
    else:
        raise AssertionError("truncation not detected")


def test_compressed_parquet_and_unknown_inner_formats_are_rejected(tmp_path):
    (tmp_path / "t.parquet.gz").write_bytes(gzip.compress(b"PAR1"))
    (tmp_path / "logs.tar.gz").write_bytes(gzip.compress(b"x"))
    reasons = {r.input_path.rsplit("/", 1)[-1]: r.reason for r in read_corpus(tmp_path)}
    assert "a compressed parquet file cannot be read by row groups" in reasons["t.parquet.gz"]
    assert reasons["logs.tar.gz"].startswith("unsupported input format '.tar.gz'")
    assert ".jsonl" in reasons["logs.tar.gz"] and ".warc" in reasons["logs.tar.gz"]
