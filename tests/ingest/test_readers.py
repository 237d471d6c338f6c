"""Readers: every format, the seed's boilerplate cut, and bad input turned into rejects."""
import codecs
import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from pipeline.ingest import Article, Reject, read_corpus
from pipeline.ingest.readers import MAX_FILE_BYTES, read_jsonl
from pipeline.ingest.text import cut_boilerplate, decode_bytes, normalize_date, sign_off

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "corpus" / "000_a296936b9495a481.txt"
STORY = ("Ottawa budget passes\nThe budget passed on Tuesday, the finance minister said.\n"
         "\"We are pleased,\" she said.\n")


def _one(path):
    recs = list(read_corpus(path))
    assert len(recs) == 1, recs
    return recs[0]


def test_seed_title_date_source_and_cut():
    art = _one(SEED)
    assert isinstance(art, Article)
    assert art.doc_id == "000_a296936b9495a481"
    assert art.title.startswith("Don't assume U.S. minds are made up")
    assert (art.published, art.source) == ("2023-03-22", "The Canadian Press")
    assert art.text.endswith("This report by The Canadian Press was first published March 22, 2023.")
    assert "Lindsey Graham" not in art.text
    assert art.article_id == _one(SEED).article_id  # stable


def test_cut_at_section_heading_without_sign_off():
    text = "Headline\n" + "The council met on Monday and approved the plan. " * 6 + "\nRelated Stories\nOther story teaser\n"
    assert cut_boilerplate(text).endswith("approved the plan.")


def test_jsonl_fields_extra_and_text_as_given(tmp_path):
    p = tmp_path / "a.jsonl"
    rows = [{"id": "x1", "title": "T", "text": "  Body text here.  ", "published": "1998-08-07T10:00:00Z",
             "source": "AP", "url": None, "lang": "en"}]
    p.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    art = _one(p)
    assert (art.doc_id, art.text, art.published, art.source, art.record) == ("x1", "  Body text here.  ", "1998-08-07", "AP", "1")
    assert art.extra == {"lang": "en"}


def test_malformed_jsonl_line_rejected_others_kept(tmp_path):
    p = tmp_path / "b.jsonl"
    p.write_text('{"id": "a", "text": "One."}\n{"id": "b", "text": \n{"id": "c", "text": "Three."}\n[1, 2]\n', encoding="utf-8")
    recs = list(read_corpus(p))
    assert [r.doc_id for r in recs if isinstance(r, Article)] == ["a", "c"]
    rejects = [r for r in recs if isinstance(r, Reject)]
    assert [r.record for r in rejects] == ["2", "4"]
    assert "malformed JSON" in rejects[0].reason and rejects[0].input_path == str(p)


def test_csv_missing_and_extra_columns(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text('id,title,text,section\nr1,Title,"Text, with comma.",politics\nr2,Short\nr3,T,Body.,x,extra\n', encoding="utf-8")
    recs = list(read_corpus(p))
    assert isinstance(recs[0], Article) and recs[0].extra == {"section": "politics"}
    assert [(r.record, "fields" in r.reason) for r in recs[1:]] == [("3", True), ("4", True)]


def test_duplicate_and_unsafe_ids(tmp_path):
    p = tmp_path / "d.jsonl"
    p.write_text("\n".join(json.dumps(r) for r in [
        {"id": "same", "text": "First."}, {"id": "same", "text": "Second."},
        {"id": "../../etc/passwd", "text": "Bad id."}, {"id": "a/b", "text": "Bad id."}]), encoding="utf-8")
    recs = list(read_corpus(p))
    assert isinstance(recs[0], Article)
    assert all(isinstance(r, Reject) for r in recs[1:])
    assert "duplicate id" in recs[1].reason and "unusable id" in recs[2].reason


@pytest.mark.parametrize("content, reason", [
    (b"", "no article text"),
    (b"   \n\t\n", "no article text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
])
def test_empty_and_binary_txt_rejected(tmp_path, content, reason):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    rec = _one(p)
    assert isinstance(rec, Reject) and reason in rec.reason and rec.input_path == str(p)


def test_encodings_utf16_bom_latin1_and_invalid_utf8(tmp_path):
    (tmp_path / "u16.txt").write_bytes(codecs.BOM_UTF16_LE + STORY.encode("utf-16-le"))
    (tmp_path / "latin.txt").write_bytes("Café reopens\nThe café in Montréal reopened.\n".encode("latin-1"))
    (tmp_path / "broken.txt").write_bytes(b"Title\nValid text then a bad byte \xff\xfe here.\n")
    recs = {r.doc_id: r for r in read_corpus(tmp_path)}
    assert recs["u16"].text.startswith("Ottawa budget passes")
    assert "Montréal" in recs["latin"].text
    assert isinstance(recs["broken"], Article)


def test_huge_file_rejected_without_reading(tmp_path):
    p = tmp_path / "huge.txt"
    with open(p, "wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used
    rec = _one(p)
    assert isinstance(rec, Reject) and "over the limit" in rec.reason


def test_html_scripts_ignored_and_empty_page_rejected(tmp_path):
    (tmp_path / "page.html").write_text(
        "<html><head><title>Port strike ends</title><script>alert('x')</script></head><body>"
        "<iframe src='http://example.invalid'></iframe><article><h1>Port strike ends</h1>"
        + "<p>The port strike ended on Friday after nine days, the union said in a statement to reporters.</p>" * 4
        + "</article></body></html>", encoding="utf-8")
    (tmp_path / "empty.html").write_text("<html><body>" + "<div>" * 2000 + "</div>" * 2000 + "</body></html>", encoding="utf-8")
    recs = {r.doc_id: r for r in read_corpus(tmp_path)}
    assert isinstance(recs["page"], Article) and "alert" not in recs["page"].text
    assert "port strike ended" in recs["page"].text.lower()
    assert isinstance(recs["empty"], Reject)


def test_benchmark_inputs_load_as_given():
    bench = ROOT.parent / "shared" / "benchmarks" / "newsquant" / "newsquant.input.jsonl"
    if not bench.exists():
        pytest.skip("shared benchmarks not beside the checkout")
    first = json.loads(bench.open(encoding="utf-8").readline())
    art = next(iter(read_jsonl(bench)))
    assert art.text == first["text"]


@pytest.mark.parametrize("value, iso", [("2023-03-22", "2023-03-22"), ("1998-08-07T10:00:00Z", "1998-08-07"),
                                        ("March 22, 2023", "2023-03-22"), ("19980807", "1998-08-07"),
                                        ("not a date", None), (None, None)])
def test_normalize_date(value, iso):
    assert normalize_date(value) == iso


def test_sign_off():
    assert sign_off("Text.\nThis report by The Canadian Press was first published March 22, 2023.") == (
        "The Canadian Press", "2023-03-22")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_decode_never_raises_unexpectedly(data):
    try:
        text, enc = decode_bytes(data)
        assert isinstance(text, str)
    except ValueError:
        pass


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.binary(max_size=200), st.text(max_size=200)), max_size=8))
def test_jsonl_reader_yields_only_records(tmp_path_factory, lines):
    p = tmp_path_factory.mktemp("fuzz") / "f.jsonl"
    p.write_bytes(b"\n".join(l if isinstance(l, bytes) else l.encode("utf-8", "surrogatepass") for l in lines))
    for rec in read_corpus(p):
        assert isinstance(rec, (Article, Reject))
