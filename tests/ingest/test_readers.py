"""Readers on good input: every format, the seed's boilerplate cut, metadata and the fixture folder."""
import json
import types
from pathlib import Path

import pytest

from pipeline.ingest import Article, Reject, read_corpus
from pipeline.ingest.readers import read_jsonl
from pipeline.ingest.records import article_id_for
from pipeline.ingest.skips import Skipped

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "corpus" / "000_a296936b9495a481.txt"
MIXED = ROOT / "tests" / "fixtures" / "ingest" / "mixed"


def _one(path):
    recs = list(read_corpus(path))
    assert len(recs) == 1, recs
    return recs[0]


def test_seed_title_date_source_and_cut():
    art = _one(SEED)
    assert isinstance(art, Article)
    assert art.doc_id == "000_a296936b9495a481"
    assert art.article_id == article_id_for("000_a296936b9495a481") == _one(SEED).article_id
    assert art.title.startswith("Don't assume U.S. minds are made up")
    assert (art.published, art.source, art.input_format, art.record) == (
        "2023-03-22", "The Canadian Press", "txt", None)
    assert art.text.endswith("This report by The Canadian Press was first published March 22, 2023.")
    assert SEED.read_text(encoding="utf-8").startswith(art.text)  # only the tail is cut
    assert "IN DEPTH" not in art.text and "Lindsey Graham" not in art.text


def test_read_corpus_streams():
    assert isinstance(read_corpus(SEED), types.GeneratorType)


def test_fixture_folder_in_sorted_order():
    recs = list(read_corpus(MIXED))
    got = [(Path(r.input_path).name, r.record, type(r).__name__) for r in recs]
    assert got == [
        ("a_story.txt", None, "Article"),
        ("b_page.html", None, "Article"),
        ("c_rows.csv", "2", "Article"),
        ("c_rows.csv", "3", "Reject"),       # too few fields
        ("d_lines.jsonl", "1", "Article"),
        ("d_lines.jsonl", "2", "Reject"),    # malformed JSON
        ("d_lines.jsonl", "3", "Reject"),    # id of a_story.txt again
        ("d_lines.jsonl", "4", "Reject"),    # empty text
        ("e_notes.md", None, "Reject"),      # a format we do not read
        ("f_ignored.log", None, "Skipped"),  # not an input: skipped, but accounted for
    ]
    reasons = [r.reason for r in recs if isinstance(r, Reject)]
    assert "2 fields, the header has 7" in reasons[0]
    assert "malformed JSON on line 2" in reasons[1]
    assert "duplicate id 'a_story'" in reasons[2]
    assert "no article text" in reasons[3]
    assert "unsupported input format '.md'" in reasons[4]
    assert [r.reason for r in recs if isinstance(r, Skipped)] == ["'.log' is not an input format"]


def test_txt_cut_at_any_wire_sign_off_and_date_from_it():
    story = _one(MIXED / "a_story.txt")
    assert story.text.endswith("first published April 3, 2023.")
    assert "Ferry fares" not in story.text and "Read more" not in story.text
    assert (story.title, story.published, story.source) == (
        "Harbour bridge to close for repairs", "2023-04-03", "The Canadian Press")


def test_html_metadata_and_main_text_only():
    page = _one(MIXED / "b_page.html")
    assert page.title == "Library extends weekend hours"
    assert page.text.startswith("Library extends weekend hours\nThe Riverside public library")
    assert page.text.count("Library extends weekend hours") == 1
    assert (page.published, page.author, page.source) == ("2024-02-09", "Sam Okafor", "Riverside Gazette")
    for junk in ("tracking pixel", "color: red", "Home", "Copyright"):
        assert junk not in page.text


def test_csv_quoted_multiline_field_and_extra():
    art = next(r for r in read_corpus(MIXED / "c_rows.csv") if isinstance(r, Article))
    assert art.text == 'The town council approved its budget on Tuesday.\n"It is a careful budget," the mayor said.'
    assert (art.doc_id, art.published, art.source, art.url, art.extra) == (
        "c-1", "2023-11-14", "Town Herald", None, {"section": "local"})


def test_jsonl_fields_extra_and_text_as_given(tmp_path):
    p = tmp_path / "a.jsonl"
    rows = [{"id": "x1", "title": "T", "text": "  Body text here.  ", "published": "1998-08-07T10:00:00Z",
             "source": "AP", "url": None, "lang": "en", "tags": ["a", "b"]},
            {"id": 7, "title": None, "text": "Numeric id and no metadata.", "published": None, "source": None}]
    p.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    first, second = read_corpus(p)
    assert (first.doc_id, first.text, first.published, first.source, first.record) == (
        "x1", "  Body text here.  ", "1998-08-07", "AP", "1")
    assert first.extra == {"lang": "en", "tags": ["a", "b"]}
    assert (second.doc_id, second.title, second.published, second.source, second.record) == ("7", None, None, None, "2")


def test_content_hash_follows_title_text_and_date(tmp_path):
    def art(**row):
        p = tmp_path / "h.jsonl"
        p.write_text(json.dumps({"id": "h", "text": "Same body.", **row}), encoding="utf-8")
        return _one(p)
    base = art(title="A", published="2020-01-01")
    assert base.content_hash == art(title="A", published="2020-01-01T09:00:00Z", url="http://x").content_hash
    assert base.content_hash != art(title="B", published="2020-01-01").content_hash
    assert base.content_hash != art(title="A", published="2020-01-02").content_hash


BENCHMARKS = sorted((ROOT.parent / "shared" / "benchmarks").glob("*/*.input.jsonl"))


@pytest.mark.skipif(not BENCHMARKS, reason="shared benchmarks not beside the checkout")
def test_benchmark_inputs_load_with_text_as_given():
    for bench in BENCHMARKS:
        with bench.open(encoding="utf-8") as fh:
            first = json.loads(fh.readline())
        art = next(iter(read_jsonl(bench)))
        assert isinstance(art, Article) and art.text == first["text"], bench
