"""WARC / WARC.gz input through warcio: HTML responses become articles, other records are skipped, damage costs one record."""
import io
import zlib

import zstandard
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.ingest import Article, Reject, read_corpus
from pipeline.ingest.readers import read_html
from pipeline.ingest.skips import Skipped

PARAS = ["Fares on the island ferry will rise by 4 percent in April, the transport board said on Monday.",
         "Board chair Ana Pereira said the fares had been held for three years while fuel costs climbed.",
         '"We cannot hold them any longer," Pereira told reporters at the harbour office.']


def page(title, paras=PARAS, date=None):
    meta = f'<meta property="article:published_time" content="{date}">' if date else ""
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>{meta}</head>"
            f"<body><article><h1>{title}</h1>{body}</article></body></html>").encode()


def response(w, url, payload, ctype="text/html; charset=utf-8", status="200 OK", date=None):
    headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
    warc_headers = {"WARC-Date": date} if date else None
    rec = w.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=headers,
                               warc_headers_dict=warc_headers)
    w.write_record(rec)
    return rec.rec_headers.get_header("WARC-Record-ID").strip("<>")


def crawl(gz=True, n=3):
    """A small crawl: warcinfo, a request, n HTML responses (the first with its own date), an image, a 404."""
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gz)
    offsets, ids = [], []
    w.write_record(w.create_warcinfo_record("crawl.warc", {"software": "test crawler"}))
    w.write_record(w.create_warc_record("https://news.example/a", "request",
                                        payload=io.BytesIO(b"GET /a HTTP/1.1\r\nHost: news.example\r\n\r\n")))
    for i in range(n):
        offsets.append(buf.tell())
        date = "2024-03-05T10:00:00" if i == 0 else None
        ids.append(response(w, f"https://news.example/story/{i}", page(f"Ferry fares to rise, part {i}", date=date),
                            date="2024-04-01T08:30:00Z"))
    response(w, "https://news.example/logo.png", b"\x89PNG\r\n\x1a\n....", ctype="image/png")
    response(w, "https://news.example/gone", page("Gone"), status="404 Not Found")
    return buf.getvalue(), offsets, ids


def test_html_responses_become_articles_and_the_rest_is_skipped_with_reasons(tmp_path):
    data, offsets, ids = crawl()
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(data)
    recs = list(read_corpus(path))
    arts = [r for r in recs if isinstance(r, Article)]
    assert [a.doc_id for a in arts] == ids and all(i.startswith("urn:uuid:") for i in ids)
    assert [a.record for a in arts] == [str(o) for o in offsets]
    assert [a.url for a in arts] == [f"https://news.example/story/{i}" for i in range(3)]
    assert [a.published for a in arts] == ["2024-03-05", "2024-04-01", "2024-04-01"]  # the page's date, else WARC-Date
    assert {a.input_format for a in arts} == {"warc"} and arts[0].title == "Ferry fares to rise, part 0"
    assert "held for three years" in arts[0].text
    skipped = sorted(r.reason for r in recs if isinstance(r, Skipped))
    assert skipped == ["HTTP status 404", "WARC request record", "WARC warcinfo record", "non-HTML payload (image/png)"]
    assert not [r for r in recs if isinstance(r, Reject)]


def test_a_page_in_a_warc_reads_as_the_same_page_in_an_html_file(tmp_path):
    data, _, _ = crawl(gz=False, n=1)
    (tmp_path / "crawl.warc").write_bytes(data)
    (tmp_path / "page.html").write_bytes(page("Ferry fares to rise, part 0", date="2024-03-05T10:00:00"))
    from_warc = next(r for r in read_corpus(tmp_path / "crawl.warc") if isinstance(r, Article))
    (from_file,) = read_html(tmp_path / "page.html")
    assert (from_warc.title, from_warc.text, from_warc.published) == (from_file.title, from_file.text, from_file.published)


def test_plain_gzip_and_zstd_warcs_give_the_same_articles(tmp_path):
    plain, _, _ = crawl(gz=False)
    (tmp_path / "a.warc").write_bytes(plain)
    gz = tmp_path / "gz"
    gz.mkdir()
    (gz / "a.warc.gz").write_bytes(crawl(gz=True)[0])
    zst = tmp_path / "zst"
    zst.mkdir()
    (zst / "a.warc.zst").write_bytes(zstandard.ZstdCompressor().compress(plain))

    def texts(path):
        return [(a.title, a.text, a.url) for a in read_corpus(path) if isinstance(a, Article)]

    assert len(texts(tmp_path / "a.warc")) == 3
    assert texts(tmp_path / "a.warc") == texts(gz) == texts(zst)


def _set_length(record: bytes, delta: int) -> bytes:
    start = record.index(b"Content-Length: ")
    end = record.index(b"\r\n", start)
    return record[:start] + b"Content-Length: %d" % (int(record[start + 16:end]) + delta) + record[end:]


def test_a_record_with_a_bad_length_is_rejected_and_the_next_ones_are_read(tmp_path):
    plain, offsets, ids = crawl(gz=False)
    for delta in (-25, +25, +400):
        bad = plain[:offsets[1]] + _set_length(plain[offsets[1]:offsets[2]], delta) + plain[offsets[2]:]
        path = tmp_path / f"bad{delta}.warc"
        path.write_bytes(bad)
        recs = list(read_corpus(path))
        rejects = [r for r in recs if isinstance(r, Reject)]
        assert len(rejects) == 1 and rejects[0].record == str(offsets[1]), (delta, rejects)
        assert "Content-Length" in rejects[0].reason and f"offset {offsets[1]:,}" in rejects[0].reason
        assert [a.doc_id for a in recs if isinstance(a, Article)] == [ids[0], ids[2]], delta
        assert len([r for r in recs if isinstance(r, Skipped)]) == 4


def test_bad_length_in_a_gzip_member_and_a_corrupt_member_cost_one_record(tmp_path):
    plain, poffs, ids = crawl(gz=False)
    gz, goffs, gz_ids = crawl(gz=True)
    member = _set_length(plain[poffs[1]:poffs[2]], +25)
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    member = packer.compress(member) + packer.flush()
    (tmp_path / "a.warc.gz").write_bytes(gz[:goffs[1]] + member + gz[goffs[2]:])
    corrupt = bytearray(gz)
    corrupt[goffs[1] + 40] ^= 0xFF
    (tmp_path / "b.warc.gz").write_bytes(bytes(corrupt))
    next_member = {"a.warc.gz": goffs[1] + len(member), "b.warc.gz": goffs[2]}
    for name, after in next_member.items():
        recs = list(read_corpus(tmp_path / name))
        rejects = [r for r in recs if isinstance(r, Reject)]
        assert [r.record for r in rejects] == [str(goffs[1])], (name, rejects)
        arts = [r for r in recs if isinstance(r, Article)]
        assert [a.record for a in arts] == [str(goffs[0]), str(after)], name


def test_a_truncated_warc_gz_keeps_the_records_before(tmp_path):
    gz, offsets, ids = crawl(gz=True)
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(gz[:offsets[2] + 60])
    recs = list(read_corpus(path))
    assert [a.doc_id for a in recs if isinstance(a, Article)] == ids[:2]
    (reject,) = [r for r in recs if isinstance(r, Reject)]
    assert reject.record == str(offsets[2]) and "truncated" in reject.reason


def test_not_a_warc_and_a_misnamed_one(tmp_path):
    (tmp_path / "notes.warc").write_bytes(b"just some text\nnot a web archive\n")
    (tmp_path / "plain.warc.gz").write_bytes(crawl(gz=False)[0])
    reasons = {r.input_path.rsplit("/", 1)[-1]: r.reason for r in read_corpus(tmp_path) if isinstance(r, Reject)}
    assert "WARC record at offset 0 is damaged" in reasons["notes.warc"]
    assert "named .gz but the data is not compressed" in reasons["plain.warc.gz"]


def test_the_http_charset_decodes_a_page_that_declares_none(tmp_path):
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    name = "\u041c\u0430\u0440\u0438\u044f \u0418\u0432\u0430\u043d\u043e\u0432\u0430"  # Cyrillic, in windows-1251 bytes
    page_1251 = ("<html><head><title>Cafe reopens</title></head><body><article><p>The cafe on the square reopened "
                 f"on Friday, its owner {name} said, after a year of repairs to the roof and the kitchen.</p>"
                 "</article></body></html>").encode("cp1251")
    response(w, "https://news.example/cafe", page_1251, ctype="text/html; charset=windows-1251")
    (tmp_path / "cyr.warc.gz").write_bytes(buf.getvalue())
    (art,) = read_corpus(tmp_path)
    assert name in art.text


def test_a_long_warc_is_read_in_flat_memory(tmp_path):
    import tracemalloc

    from pipeline.ingest.warc import read_warc

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    for i in range(300):
        response(w, f"https://news.example/{i}", page(f"Ferry fares, day {i}", PARAS * 20))
    path = tmp_path / "long.warc.gz"
    path.write_bytes(buf.getvalue())
    tracemalloc.start()
    n = 0
    for rec in read_warc(path):
        n += isinstance(rec, Article)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert n == 300
    assert peak < 6_000_000, peak  # the pages hold ~2 MB of text in all; one at a time is held
