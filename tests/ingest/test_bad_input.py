"""Bad input never stops a run: each problem becomes a Reject naming it, and the rest is still read."""
import codecs
import json
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pipeline.ingest import Article, Limits, Reject, read_corpus
from pipeline.ingest import readers
from pipeline.ingest.readers import read_csv, read_html, read_jsonl, read_txt
from pipeline.ingest.skips import Skipped

STORY = ("Ottawa budget passes\nThe budget passed on Tuesday, the finance minister said.\n"
         "\"We are pleased,\" she said.\n")


def _one(path, **kw):
    recs = list(read_corpus(path, **kw))
    assert len(recs) == 1, recs
    return recs[0]


def _jsonl(path, rows):
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("content, reason", [
    (b"", "no article text"),
    (b"   \n\t\n\r\n", "no article text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary content (NUL bytes)"),
    (bytes(range(1, 32)) * 40, "binary content (control characters)"),
    (codecs.BOM_UTF16_LE + b"\x00\xd8", "invalid utf-16 after its byte-order mark"),
])
def test_empty_binary_and_broken_txt_rejected(tmp_path, content, reason):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    rec = _one(p)
    assert isinstance(rec, Reject) and reason in rec.reason
    assert (rec.input_path, rec.doc_id) == (str(p), "bad")


def test_encodings_bom_legacy_and_damaged_utf8(tmp_path):
    (tmp_path / "u16.txt").write_bytes(codecs.BOM_UTF16_LE + STORY.encode("utf-16-le"))
    (tmp_path / "u8sig.txt").write_bytes(codecs.BOM_UTF8 + STORY.encode("utf-8"))
    (tmp_path / "latin.txt").write_bytes("Café reopens\nThe café in Montréal reopened “today”.\n".encode("cp1252"))
    (tmp_path / "damaged.txt").write_bytes("Zoë’s café\nMontréal, Québec: ".encode("utf-8") + b"\xff" + " fin.".encode("utf-8"))
    recs = {r.doc_id: r for r in read_corpus(tmp_path)}
    assert recs["u16"].text == STORY and recs["u8sig"].text == STORY
    assert recs["latin"].text.startswith("Café reopens\nThe café in Montréal reopened “today”.")
    assert recs["damaged"].text.startswith("Zoë’s café\nMontréal, Québec: \ufffd fin.")  # one bad byte costs one char


def test_html_declared_charset_used(tmp_path):
    p = tmp_path / "old.html"
    p.write_bytes(("<html><head><meta http-equiv='Content-Type' content='text/html; charset=iso-8859-1'>"
                   "<title>Fête d'été</title></head><body><article>"
                   + "<p>La fête d'été a attiré des milliers de visiteurs à Montréal samedi, selon la ville.</p>" * 3
                   + "</article></body></html>").encode("latin-1"))
    art = _one(p)
    assert isinstance(art, Article) and "Montréal" in art.text and "\ufffd" not in art.text


def test_html_scripts_ignored_and_page_without_article_rejected(tmp_path):
    (tmp_path / "page.html").write_text(
        "<html><head><title>Port strike ends</title><script>alert('x')</script></head><body>"
        "<iframe src='http://example.invalid'></iframe><article><h1>Port strike ends</h1>"
        + "<p>The port strike ended on Friday after nine days, the union said in a statement to reporters.</p>" * 4
        + "</article></body></html>", encoding="utf-8")
    (tmp_path / "nested.html").write_text("<html><body>" + "<div>" * 2000 + "</div>" * 2000 + "</body></html>", encoding="utf-8")
    (tmp_path / "nav.html").write_text("<html><head><script>var a=1;</script></head><body><nav><a href='/'>Home</a>"
                                       "</nav></body></html>", encoding="utf-8")
    (tmp_path / "binary.htm").write_bytes(b"\x00\x01\x02GIF89a" * 50)
    recs = {r.doc_id: r for r in read_corpus(tmp_path)}
    assert isinstance(recs["page"], Article) and "alert" not in recs["page"].text
    assert "port strike ended" in recs["page"].text.lower()
    assert recs["nested"].reason == "no article text found in the HTML page"
    assert recs["nav"].reason == "no article text found in the HTML page (only 1 words of page text)"
    assert "binary" in recs["binary"].reason


def test_malformed_jsonl_lines_rejected_with_line_numbers(tmp_path):
    p = tmp_path / "b.jsonl"
    p.write_bytes(b'{"id": "a", "text": "One."}\n{"id": "b", "text": \n\n{"id": "c", "text": "Three."}\n[1, 2]\n'
                  b'{"id": "d", "text": "bin\x00ary"}\n' + b"[" * 100_000 + b"\n" + b'{"id": "e", "text": "Last."}')
    recs = list(read_corpus(p))
    assert [r.doc_id for r in recs if isinstance(r, Article)] == ["a", "c", "e"]
    rejects = [r for r in recs if isinstance(r, Reject)]
    assert [r.record for r in rejects] == ["2", "5", "6", "7"]
    assert rejects[0].reason == "malformed JSON on line 2, column 20: Expecting value"
    assert "not an object" in rejects[1].reason and "binary" in rejects[2].reason
    assert "nested too deeply" in rejects[3].reason or "malformed JSON" in rejects[3].reason
    assert all(r.input_path == str(p) for r in rejects)


@pytest.mark.parametrize("row, reason", [
    ({"id": "e1", "text": ""}, "no article text"),
    ({"id": "e2", "text": "  \n "}, "no article text"),
    ({"id": "e3", "title": "Only a title"}, "no article text"),
    ({"id": "e4", "text": None}, "no article text"),
    ({"id": "e5", "text": 42}, "`text` is a int, not a string"),
    ({"text": "No id at all."}, "no id"),
    ({"id": "", "text": "Empty id."}, "no id"),
    ({"id": "../../etc/passwd", "text": "Climbs out."}, "unusable id"),
    ({"id": "a/b", "text": "Slash."}, "unusable id"),
    ({"id": "a\\b", "text": "Backslash."}, "unusable id"),
    ({"id": "..", "text": "Dots."}, "unusable id"),
    ({"id": "tab\there", "text": "Control character."}, "unusable id"),
    ({"id": {"x": 1}, "text": "Object id."}, "unusable id"),
])
def test_bad_records_rejected(tmp_path, row, reason):
    p = _jsonl(tmp_path / "r.jsonl", [row, {"id": "good", "text": "Kept."}])
    bad, good = read_corpus(p)
    assert isinstance(bad, Reject) and reason in bad.reason and bad.record == "1"
    assert isinstance(good, Article) and good.doc_id == "good"


def test_duplicate_ids_first_wins_across_files(tmp_path):
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    _jsonl(tmp_path / "b.jsonl", [{"id": "a", "text": "Same id as a.txt."}, {"id": "x", "text": "First x."},
                                  {"id": "x", "text": "Second x."}])
    recs = list(read_corpus(tmp_path))
    assert [type(r).__name__ for r in recs] == ["Article", "Reject", "Article", "Reject"]
    assert recs[0].text == STORY and recs[2].text == "First x."
    assert recs[1].reason == "duplicate id 'a': an earlier record has it" and recs[3].record == "3"


def test_csv_bad_rows_rejected_others_kept(tmp_path):
    p = tmp_path / "c.csv"
    p.write_bytes(codecs.BOM_UTF8 + b'id,title,text\nr1,T,"Text, with comma."\nr2,Short\nr3,T,Body.,extra\n\n'
                  b'r4,T,"Caf\xe9 in cp1252."\nr5,T,\nr6,T,"Last row."\n')
    recs = list(read_corpus(p))
    got = [(r.record, r.doc_id, type(r).__name__) for r in recs]
    assert got == [("2", "r1", "Article"), ("3", "r2", "Reject"), ("4", "r3", "Reject"),
                   ("6", "r4", "Article"), ("7", "r5", "Reject"), ("8", "r6", "Article")]
    assert recs[1].reason == "CSV row 3 has 2 fields, the header has 3"
    assert recs[3].text == "Café in cp1252."


@pytest.mark.parametrize("content, reason", [
    (b"", "empty CSV file"),
    (b"name,body\nx,y\n", "header lacks `id` and/or `text`"),
])
def test_csv_without_usable_header_rejected(tmp_path, content, reason):
    p = tmp_path / "h.csv"
    p.write_bytes(content)
    rec = _one(p)
    assert isinstance(rec, Reject) and reason in rec.reason


def test_utf16_jsonl_and_csv(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(codecs.BOM_UTF16_LE + (json.dumps({"id": "u1", "text": "Zürich votes."}, ensure_ascii=False)
                                                              + "\n").encode("utf-16-le"))
    (tmp_path / "b.csv").write_bytes(codecs.BOM_UTF16_BE + 'id,text\nu2,"Søren said, ""yes""."\n'.encode("utf-16-be"))
    recs = list(read_corpus(tmp_path))
    assert [(r.doc_id, r.text) for r in recs] == [("u1", "Zürich votes."), ("u2", 'Søren said, "yes".')]


def test_article_size_cap_is_configurable(tmp_path, monkeypatch):
    p = _jsonl(tmp_path / "big.jsonl", [{"id": "big", "text": "word " * 300}, {"id": "small", "text": "Fine."}])
    big, small = read_corpus(p, limits=Limits(max_article_chars=1000))
    assert isinstance(big, Reject) and big.reason == "article text is 1,500 characters, over the limit of 1,000"
    assert isinstance(small, Article)
    monkeypatch.setenv("CLAIMS_MAX_ARTICLE_CHARS", "100")
    assert isinstance(next(read_corpus(p)), Reject)
    assert all(isinstance(r, Article) for r in read_corpus(p, limits=Limits(max_article_chars=10_000)))


def test_huge_txt_rejected_without_reading(tmp_path):
    p = tmp_path / "huge.txt"
    with open(p, "wb") as fh:
        fh.truncate(50_000_000)  # sparse: 50 MB of NULs, no disk used
    rec = _one(p)
    assert isinstance(rec, Reject) and rec.reason == "file is 50,000,000 bytes, over the limit of 20,000,000"


def test_huge_jsonl_and_csv_lines_read_in_bounded_memory(tmp_path):
    limits = Limits(max_article_chars=10_000)
    blob = "x" * 20_000_000
    _jsonl(tmp_path / "a.jsonl", [{"id": "huge", "text": blob}, {"id": "after", "text": "Still read."}])
    (tmp_path / "b.csv").write_text(f'id,text\nhuge2,"{blob}\nmore"\nafter2,Still read.\n', encoding="utf-8")
    del blob
    tracemalloc.start()
    recs = list(read_corpus(tmp_path, limits=limits))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 5_000_000, peak
    assert [(r.record, type(r).__name__) for r in recs] == [("1", "Reject"), ("2", "Article"),
                                                            ("2", "Reject"), ("3", "Article")]
    assert "line 1 is over the size limit" in recs[0].reason
    assert "CSV row 2 has a line over the size limit" in recs[2].reason


def test_unknown_extensions_skipped_or_reported_and_missing_path(tmp_path):
    for name in ("notes.md", "feed.xml", "scan.pdf", "photo.jpg", "run.log", "README"):
        (tmp_path / name).write_text("something", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(STORY, encoding="utf-8")
    recs = list(read_corpus(tmp_path))
    assert all(isinstance(r, (Reject, Skipped)) for r in recs)
    unsupported = sorted(r.doc_id for r in recs if isinstance(r, Reject) and r.reason.startswith("unsupported input format"))
    assert unsupported == ["feed", "notes", "scan"]
    skipped = {Path(r.input_path).name: r.reason for r in recs if isinstance(r, Skipped)}
    assert sorted(skipped) == [".hidden.txt", "README", "photo.jpg", "run.log"]  # every file accounted for
    assert "hidden file" in skipped[".hidden.txt"] and "no file extension" in skipped["README"]
    assert "'.log' is not an input format" in skipped["run.log"]
    missing = _one(tmp_path / "nope")
    assert isinstance(missing, Reject) and missing.reason == "no such file or folder"


def test_unreadable_file_rejected_and_run_goes_on(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "b.txt").write_text(STORY, encoding="utf-8")

    def failing(path, limits):
        if path.name == "a.txt":
            raise PermissionError(13, "Permission denied")
        yield from read_txt(path, limits)

    monkeypatch.setitem(readers.READERS, ".txt", failing)
    first, second = read_corpus(tmp_path)
    assert isinstance(first, Reject) and first.reason == "cannot read file: Permission denied"
    assert isinstance(second, Article) and second.doc_id == "b"


def test_reader_bug_costs_one_file_only(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"id": "b", "text": "Kept."}', encoding="utf-8")

    def broken(path, limits):
        raise KeyError("surprise")
        yield

    monkeypatch.setitem(readers.READERS, ".txt", broken)
    first, second = read_corpus(tmp_path)
    assert isinstance(first, Reject) and first.reason == "reading failed: KeyError: 'surprise'"
    assert isinstance(second, Article) and second.doc_id == "b"


_FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
_chunks = st.lists(st.one_of(st.binary(max_size=120), st.text(max_size=120).map(lambda t: t.encode("utf-8", "replace")),
                             st.sampled_from([b'{"id": "a", "text": "x"}', b'id,text', b'"', b"\r\n", b"\n", b",",
                                              b"<p>", b"</p>", b"<article>", b"\xef\xbb\xbf", b"\xff\xfe",
                                              b"This report by X was first published May 1, 2020."])),
                   max_size=12).map(b"".join)


@pytest.mark.parametrize("suffix, reader", [(".txt", read_txt), (".jsonl", read_jsonl), (".csv", read_csv),
                                            (".html", read_html)])
@_FUZZ
@given(data=_chunks)
def test_fuzz_readers_only_yield_records(tmp_path, suffix, reader, data):
    p = tmp_path / f"fuzz{suffix}"
    p.write_bytes(data)
    for rec in reader(p, Limits(max_article_chars=500)):
        assert isinstance(rec, (Article, Reject))
        if isinstance(rec, Article):
            assert rec.text.strip() and len(rec.text) <= 500
        else:
            assert rec.reason and rec.input_path == str(p)
