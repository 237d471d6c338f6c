"""Runs over the new input formats: the same story in four formats gives the same claims; identity survives re-export."""
import gzip
import html
import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import zstandard
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.flows.extract import extract_corpus
from pipeline.ingest.readers import read_txt

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "corpus" / "000_a296936b9495a481.txt"
BASE_ONLY = str(ROOT / "tests" / "fixtures" / "base_only.toml")


def seed_copies(folder: Path) -> None:
    """The seed story as .txt, as an HTML response in a .warc.gz, in a .jsonl.zst and in a parquet file."""
    text = SEED.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip()]
    title = lines[0]
    shutil.copy(SEED, folder / "seed.txt")
    page = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>%s</title></head><body><article><h1>%s</h1>%s"
            "</article></body></html>" % (html.escape(title), html.escape(title),
                                          "".join(f"<p>{html.escape(p)}</p>" for p in lines[1:]))).encode()
    with open(folder / "crawl.warc.gz", "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        w.write_record(w.create_warcinfo_record("crawl.warc.gz", {"software": "test"}))
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record("https://news.example/envoy", "response", payload=io.BytesIO(page),
                                            http_headers=headers))
    # A record holds the story as a crawler extracts it, without the site's teasers (a record's text
    # is analysed as given, so it is the .txt file's story, which the .txt reader cuts from the teasers).
    story = next(read_txt(SEED)).text
    row = {"id": "seed-jsonl", "title": title, "text": story}
    (folder / "dump.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress((json.dumps(row) + "\n").encode()))
    pq.write_table(pa.table({"id": ["seed-parquet"], "title": [title], "text": [story]}), folder / "export.parquet")


def test_the_seed_in_four_formats_gives_the_same_claims(tmp_path, prefect_harness):
    src = tmp_path / "in"
    src.mkdir()
    seed_copies(src)
    out = tmp_path / "out"
    summary = extract_corpus(str(src), str(out))
    assert (summary.seen, summary.processed, summary.rejected) == (4, 4, 0)
    assert summary.skipped == {"WARC warcinfo record": 1}
    arts = pd.read_parquet(out / "articles")
    assert sorted(arts["input_format"]) == ["jsonl", "parquet", "txt", "warc"]
    claims = pd.read_parquet(out / "claims").merge(arts[["article_id", "input_format"]], on="article_id")
    per_format = {fmt: sorted(zip(g["content"], g["speaker"].fillna(""), g["cue"], g["claim_type"]))
                  for fmt, g in claims.groupby("input_format")}
    assert len(per_format["txt"]) >= 15
    for fmt in ("warc", "jsonl", "parquet"):
        assert per_format[fmt] == per_format["txt"], fmt


def test_identity_survives_recompression_and_re_export(tmp_path, prefect_harness):
    rows = [{"id": f"n{i}", "title": f"Dam repairs, part {i}", "published": "2024-07-0%d" % (i + 1),
             "text": f"Repairs to the dam will take {i + 2} months, the water board said on Tuesday."} for i in range(3)]
    first = tmp_path / "v1"
    first.mkdir()
    (first / "news.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    assert extract_corpus(str(first), str(out), config_path=BASE_ONLY).processed == 3
    ids = set(pd.read_parquet(out / "articles")["article_id"])
    for name, write in (
        ("gz", lambda d: (d / "news.jsonl.gz").write_bytes(gzip.compress((first / "news.jsonl").read_bytes()))),
        ("parquet", lambda d: pq.write_table(pa.Table.from_pylist(rows), d / "news.parquet")),
        ("json", lambda d: (d / "news.json.bz2").write_bytes(__import__("bz2").compress(json.dumps(rows).encode()))),
    ):
        again = tmp_path / name
        again.mkdir()
        write(again)
        summary = extract_corpus(str(again), str(out), config_path=BASE_ONLY)
        assert (summary.seen, summary.processed, summary.unchanged) == (3, 0, 3), name
        assert set(pd.read_parquet(out / "articles")["article_id"]) == ids, name


def test_fields_from_the_flag_and_from_the_config(tmp_path, prefect_harness):
    src = tmp_path / "in"
    src.mkdir()
    (src / "own.jsonl").write_text(json.dumps({"key": "k1", "story": "The ferry resumed on Monday, the operator said.",
                                               "when": "2024-08-05"}) + "\n", encoding="utf-8")
    unmapped = extract_corpus(str(src), str(tmp_path / "out0"), config_path=BASE_ONLY)
    assert (unmapped.processed, unmapped.rejected) == (0, 1)
    flagged = extract_corpus(str(src), str(tmp_path / "out1"), config_path=BASE_ONLY, fields="id=key,text=story,published=when")
    assert (flagged.processed, flagged.rejected) == (1, 0)
    config = tmp_path / "mapped.toml"
    config.write_text(f'extends = "{BASE_ONLY}"\n\n[input]\nfields = {{ id = "key", text = "story" }}\n', encoding="utf-8")
    configured = extract_corpus(str(src), str(tmp_path / "out2"), config_path=str(config), fields="published=when")
    assert configured.processed == 1
    arts = pd.read_parquet(tmp_path / "out2" / "articles")
    assert arts["doc_id"].tolist() == ["k1"] and str(arts["published"].iloc[0]) == "2024-08-05"
