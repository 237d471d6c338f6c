"""Parquet input through pyarrow: one article a row, read by row groups; a wrong schema or a damaged file rejected clearly."""
import datetime as dt
import json

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.ingest import Article, Reject, read_corpus
from pipeline.ingest.options import read_options

TEXT = "The harbour reopened on Monday after a storm closed it for nine days, the port authority said."


def _table(n, **extra):
    cols = {"id": [f"h{i}" for i in range(n)], "title": ["Harbour reopens"] * n, "text": [TEXT] * n,
            "published": [dt.datetime(2024, 5, 6, 9, 30)] * n, **extra}
    return pa.table(cols)


def test_rows_across_row_groups_are_articles_numbered_in_the_file(tmp_path):
    path = tmp_path / "export.parquet"
    pq.write_table(_table(1000, section=["ports"] * 1000), path, row_group_size=300)
    assert pq.ParquetFile(path).num_row_groups == 4
    recs = list(read_corpus(path))
    assert all(isinstance(r, Article) for r in recs) and len(recs) == 1000
    assert [r.record for r in recs[:2]] == ["1", "2"] and recs[-1].record == "1000"
    first = recs[0]
    assert (first.doc_id, first.title, first.published, first.input_format) == ("h0", "Harbour reopens", "2024-05-06", "parquet")
    assert first.extra == {"section": "ports"}


def test_bad_rows_are_rejected_alone(tmp_path):
    path = tmp_path / "mixed.parquet"
    pq.write_table(pa.table({"id": ["a", None, "c", "d"], "text": [TEXT, TEXT, "  ", TEXT]}), path)
    got = [(type(r).__name__, r.record) for r in read_corpus(path)]
    assert got == [("Article", "1"), ("Reject", "2"), ("Reject", "3"), ("Article", "4")]


def test_wrong_schemas_are_rejected_with_the_columns_found(tmp_path):
    pq.write_table(pa.table({"id": ["a"], "body_html": ["<p>x</p>"]}), tmp_path / "a_no_text.parquet")
    pq.write_table(pa.table({"id": ["a"], "text": [42]}), tmp_path / "b_int_text.parquet")
    pq.write_table(pa.table({"headline": ["x"], "text": [TEXT]}), tmp_path / "c_no_id.parquet")
    reasons = {r.input_path.rsplit("/", 1)[-1]: r.reason for r in read_corpus(tmp_path)}
    assert "no article text column" in reasons["a_no_text.parquet"] and "'body_html'" in reasons["a_no_text.parquet"]
    assert "--fields text=COLUMN" in reasons["a_no_text.parquet"]
    assert "column 'text' holds int64, not text" in reasons["b_int_text.parquet"]
    assert "no id column" in reasons["c_no_id.parquet"]


def test_truncated_and_foreign_files_are_rejected(tmp_path):
    good = tmp_path / "good.parquet"
    pq.write_table(_table(50), good)
    data = good.read_bytes()
    (tmp_path / "cut.parquet").write_bytes(data[: len(data) // 2])
    (tmp_path / "fake.parquet").write_text("id,text\n1,hello\n")
    reasons = {r.input_path.rsplit("/", 1)[-1]: r.reason for r in read_corpus(tmp_path) if isinstance(r, Reject)}
    assert set(reasons) == {"cut.parquet", "fake.parquet"}
    assert all(r.startswith("not a readable parquet file") for r in reasons.values())


def test_crawler_columns_and_explicit_mapping(tmp_path):
    # CC-News style columns: recognized without being told; the url identifies the row.
    pq.write_table(pa.table({"title": ["Harbour reopens"], "text": [TEXT], "domain": ["port.example"],
                             "date": ["2024-05-06 09:30:00"], "url": ["https://port.example/news/1"]}),
                   tmp_path / "ccnews.parquet")
    (art,) = read_corpus(tmp_path / "ccnews.parquet")
    assert (art.doc_id, art.source, art.published) == ("https://port.example/news/1", "port.example", "2024-05-06")
    pq.write_table(pa.table({"key": ["k1"], "story": [TEXT], "when": ["2024-05-07"]}), tmp_path / "own.parquet")
    (rej,) = read_corpus(tmp_path / "own.parquet")
    assert isinstance(rej, Reject)
    (art,) = read_corpus(tmp_path / "own.parquet", read_options(fields="id=key,text=story,published=when"))
    assert (art.doc_id, art.published, art.text) == ("k1", "2024-05-07", TEXT)
    assert json.dumps(art.extra) == "{}"


def test_a_large_parquet_file_is_read_in_flat_memory(tmp_path):
    import tracemalloc

    from pipeline.ingest.parquet import read_parquet

    path = tmp_path / "large.parquet"
    n = 20_000
    long_text = TEXT * 20
    pq.write_table(pa.table({"id": [f"r{i}" for i in range(n)], "text": [long_text + str(i) for i in range(n)]}),
                   path, row_group_size=1000)
    tracemalloc.start()
    count = sum(isinstance(r, Article) for r in read_parquet(path))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == n
    assert peak < n * len(long_text) / 10, peak  # far below the ~38 MB of text in the file
