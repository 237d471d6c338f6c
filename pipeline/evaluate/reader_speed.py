"""``claims benchmark --readers``: how fast the readers deliver articles, against how fast the NLP stage takes them.

The benchmark's articles are written as a ``.jsonl.gz`` (one JSON record a line) and as a
``.warc.gz`` (each article an HTML page in a gzip-member HTTP response, as CC-News stores them),
repeated under new ids until each file holds at least ``min_articles``. Each file is read with
:func:`pipeline.ingest.read_corpus`, timed from the first read to the last article. The NLP stage
is ``nlp.pipe`` of the configured pipeline (loaded and warmed before the clock starts) over the
articles' texts, with the run's batch size and process count. The ratio of the two rates says
whether reading could ever limit a run (the target is at least 10).
"""
from __future__ import annotations

import gzip
import html
import io
import json
import time
from pathlib import Path
from typing import Any, Iterator

from pipeline.ingest import read_corpus
from pipeline.ingest.records import Article


def _copies(articles: list[Article], n: int) -> Iterator[tuple[str, Article]]:
    for i in range(n):
        a = articles[i % len(articles)]
        yield f"{a.doc_id}~{i // len(articles)}", a


def write_jsonl_gz(articles: list[Article], n: int, path: Path) -> None:
    """``n`` articles (cycling through ``articles`` under new ids) as a gzip-compressed JSONL file."""
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for doc_id, a in _copies(articles, n):
            fh.write(json.dumps({"id": doc_id, "title": a.title, "text": a.text, "published": a.published,
                                 "source": a.source, "url": a.url}, ensure_ascii=False) + "\n")


def article_page(a: Article) -> bytes:
    """An article as a plain news page: its title, then one paragraph a line of its text."""
    lines = [line for line in a.text.splitlines() if line.strip()]
    title = a.title or (lines[0] if lines else "")
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines[1:] if line.strip() != title)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
            f"<body><article><h1>{html.escape(title)}</h1>{body}</article></body></html>").encode("utf-8")


def write_warc_gz(articles: list[Article], n: int, path: Path) -> None:
    """``n`` articles as HTML responses of a ``.warc.gz`` (one gzip member a record, a request before each)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "claims benchmark"}))
        for i, (_, a) in enumerate(_copies(articles, n)):
            url = f"https://bench.example/{i}"
            w.write_record(w.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(article_page(a)),
                                                http_headers=headers))


def time_reading(path: Path) -> dict[str, float]:
    """Articles read from ``path`` and the seconds it took."""
    t0 = time.perf_counter()
    n = sum(1 for r in read_corpus(path) if isinstance(r, Article))
    seconds = time.perf_counter() - t0
    return {"articles": n, "seconds": seconds, "articles_per_second": n / seconds, "mb": path.stat().st_size / 1e6}


def time_nlp(articles: list[Article], config_path: str | None, batch_size: int, n_process: int) -> dict[str, float]:
    """Articles/s of the configured pipeline's ``nlp.pipe`` (warmed up first)."""
    from pipeline.nlp import load_pipeline

    nlp = load_pipeline(config_path)
    list(nlp.pipe([articles[0].text]))
    t0 = time.perf_counter()
    n = sum(1 for _ in nlp.pipe((a.text for a in articles), batch_size=batch_size, n_process=n_process))
    seconds = time.perf_counter() - t0
    return {"articles": n, "seconds": seconds, "articles_per_second": n / seconds}


def measure_readers(articles: list[Article], config_path: str | None, batch_size: int, n_process: int,
                    workdir: Path, min_articles: int = 2000) -> dict[str, Any]:
    """Reading rates from a .jsonl.gz and a .warc.gz, the NLP stage's rate, and their ratios."""
    n = max(min_articles, len(articles))
    jsonl, warc = workdir / "bench.jsonl.gz", workdir / "bench.warc.gz"
    write_jsonl_gz(articles, n, jsonl)
    write_warc_gz(articles, n, warc)
    report: dict[str, Any] = {"jsonl_gz": time_reading(jsonl), "warc_gz": time_reading(warc),
                              "nlp": time_nlp(articles, config_path, batch_size, n_process)}
    nlp_rate = report["nlp"]["articles_per_second"]
    for kind in ("jsonl_gz", "warc_gz"):
        report[kind] = {k: round(v, 2) for k, v in report[kind].items()}
        report[f"{kind}_vs_nlp"] = round(report[kind]["articles_per_second"] / nlp_rate, 1)
    report["nlp"] = {k: round(v, 2) for k, v in report["nlp"].items()}
    return report


def print_readers(report: dict[str, Any]) -> None:
    """The reader benchmark as lines of the ``claims benchmark`` table."""
    nlp = report["nlp"]
    for kind, label in (("jsonl_gz", ".jsonl.gz"), ("warc_gz", ".warc.gz")):
        r = report[kind]
        print(f"read {label:<11} {r['articles_per_second']:>9,.0f} articles/s  ({r['articles']:,.0f} articles, "
              f"{r['mb']:.1f} MB, in {r['seconds']:.1f} s) = {report[f'{kind}_vs_nlp']:,.1f}x the NLP stage")
    print(f"NLP stage        {nlp['articles_per_second']:>9,.1f} articles/s  ({nlp['articles']:,.0f} articles "
          f"in {nlp['seconds']:.1f} s)")
