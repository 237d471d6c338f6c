"""Issues 18 and 20, ingest side: no record lost or cut, every file accounted for, no hang, nothing unstorable."""
import csv
import json
import os
import threading
import tomllib
from pathlib import Path

import pyarrow as pa
import pytest

from pipeline.ingest import Article, Limits, Reject, read_corpus
from pipeline.ingest import readers
from pipeline.ingest.readers import read_csv, read_html, read_jsonl, read_txt
from pipeline.ingest.skips import Skipped
from pipeline.schema import TABLES

ROOT = Path(__file__).resolve().parents[2]
STORY = ("Ottawa budget passes\nThe budget passed on Tuesday, the finance minister said.\n"
         "\"We are pleased,\" she said.\n")


def _lines(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _within(seconds, fn):
    """``fn()``'s result, failing (not hanging) the test when it does not return in time."""
    box = {}

    def run():
        try:
            box["out"] = fn()
        except BaseException as exc:  # noqa: BLE001 - raised again in the test's thread
            box["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still running after {seconds} s"
    if "error" in box:
        raise box["error"]
    return box["out"]


def _storable(article):
    """The article as an ``articles`` row through arrow (what the parquet write does); raises if it cannot be."""
    row = {**article.__dict__, "extra": json.dumps(article.extra, ensure_ascii=False, allow_nan=False),
           "n_words": 1, "pipeline_version": "t", "model": "t", "published": None}
    return pa.Table.from_pylist([{n: row.get(n) for n in TABLES["articles"].names}], schema=TABLES["articles"])


# -- issue 18, item 1: a lone surrogate escape costs nothing after it --------------------------------------------

def test_lone_surrogate_escape_costs_no_later_record(tmp_path):
    p = _lines(tmp_path / "a.jsonl", [
        '{"id": "a", "text": "First story, the mayor said."}',
        '{"id": "b", "text": "Broken \\ud800 half of a pair, the mayor said."}',
        '{"id": "c\\udfff", "text": "An id no file system or table can hold."}',
        '{"id": "d", "text": "Last story, the mayor said."}',
    ])
    recs = list(read_corpus(p))
    assert [(r.record, type(r).__name__) for r in recs] == [
        ("1", "Article"), ("2", "Article"), ("3", "Reject"), ("4", "Article")]
    b = recs[1]
    assert b.text == "Broken \ufffd half of a pair, the mayor said."  # one for one: offsets unchanged
    assert "`text`" in b.ingest_notes and "U+FFFD" in b.ingest_notes
    assert "unusable id" in recs[2].reason and recs[2].reason.encode("utf-8")
    assert recs[0].ingest_notes is None and recs[3].doc_id == "d"


def test_a_surprise_on_one_record_costs_that_record_only(tmp_path, monkeypatch):
    p = _lines(tmp_path / "a.jsonl", ['{"id": "a", "text": "One."}', '{"id": "boom", "text": "Two."}',
                                      '{"id": "c", "text": "Three."}'])
    real = readers._from_fields

    def flaky(row, *args):
        if row["id"] == "boom":
            raise RuntimeError("unexpected")
        return real(row, *args)

    monkeypatch.setattr(readers, "_from_fields", flaky)
    recs = list(read_corpus(p))
    assert [type(r).__name__ for r in recs] == ["Article", "Reject", "Article"]
    assert recs[1].record == "2" and "RuntimeError: unexpected" in recs[1].reason


# -- issue 18, item 2: every string that leaves ingest can be stored ----------------------------------------------

def test_surrogates_in_metadata_and_extra_made_storable_and_noted(tmp_path):
    p = _lines(tmp_path / "m.jsonl", [json.dumps({
        "id": "m", "text": "The council met on Monday, the clerk said.", "title": "Council \ud800 meets",
        "source": "Daily \udc80 News", "url": "https://example.org/\ud83d", "author": "Jo \udfff Smith",
        "tags": ["ok", "bad \ud800"], "nested": {"k\udc00": "v"}})])
    (art,) = read_corpus(p)
    assert isinstance(art, Article)
    assert (art.source, art.author) == ("Daily \ufffd News", "Jo \ufffd Smith")
    assert art.url == "https://example.org/\ufffd" and art.title == "Council \ufffd meets"
    assert art.extra == {"tags": ["ok", "bad \ufffd"], "nested": {"k\ufffd": "v"}}
    for field in ("`title`", "`source`", "`url`", "`author`", "`extra.tags[1]`", "field name `extra.nested.k\ufffd`"):
        assert field in art.ingest_notes
    table = _storable(art)  # raised UnicodeEncodeError before
    assert table.column("ingest_notes")[0].as_py() == art.ingest_notes


def test_file_and_folder_names_that_are_not_utf8_rejected_storably(tmp_path):
    (tmp_path / os.fsdecode(b"caf\xe9.txt")).write_text(STORY, encoding="utf-8")  # Latin-1 names on a UTF-8 system
    (tmp_path / os.fsdecode(b"r\xe9sum\xe9")).mkdir()
    (tmp_path / os.fsdecode(b"r\xe9sum\xe9") / "inner.txt").write_text(STORY, encoding="utf-8")
    file_rec, folder_rec = read_corpus(tmp_path)
    assert isinstance(file_rec, Reject) and "not UTF-8; rename the file" in file_rec.reason
    assert file_rec.input_path.endswith("caf\\xe9.txt")
    assert isinstance(folder_rec, Reject) and "rename the folder" in folder_rec.reason
    assert folder_rec.input_path.endswith("r\\xe9sum\\xe9/inner.txt")
    for rec in (file_rec, folder_rec):
        for value in (rec.input_path, rec.reason):
            value.encode("utf-8")


# -- issue 18, item 12: pipes, devices and /dev/zero never hang or read without end ----------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_fifo_and_devices_rejected_without_hanging(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    os.mkfifo(tmp_path / "pipe.jsonl")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    (tmp_path / "zero.jsonl").symlink_to("/dev/zero")
    (tmp_path / "ok.txt").write_text(STORY, encoding="utf-8")
    recs = _within(30, lambda: list(read_corpus(tmp_path, follow_links=True)))
    by_name = {Path(r.input_path).name: r for r in recs}
    assert isinstance(by_name["ok.txt"], Article)
    for name in ("pipe.txt", "pipe.jsonl"):
        assert "not a regular file but a named pipe (FIFO)" in by_name[name].reason
    for name in ("zero.txt", "zero.jsonl"):
        assert "not a regular file but a character device" in by_name[name].reason
    # Without --follow-links the link to /dev/zero is not even looked at: it leads out of the input.
    recs = _within(30, lambda: list(read_corpus(tmp_path)))
    assert "outside the input folder" in {Path(r.input_path).name: r for r in recs}["zero.txt"].reason


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("reader", [read_txt, read_html, read_jsonl, read_csv])
def test_readers_called_directly_refuse_a_pipe(tmp_path, reader):
    os.mkfifo(tmp_path / "p")
    with pytest.raises(readers.NotRegularFile, match="named pipe"):
        _within(30, lambda: list(reader(tmp_path / "p", Limits())))


# -- issue 18, item 13: HTML time bounded ------------------------------------------------------------------------

def _page(n_paragraphs):
    return ("<html><head><title>Water rates rise</title></head><body><article>"
            + "<div><div><p>The city raised water rates on Monday, the council said today.</p></div></div>"
            * n_paragraphs + "</article></body></html>")


def test_big_html_page_skips_the_quadratic_fallback_and_huge_one_rejected_unparsed(tmp_path, monkeypatch):
    import trafilatura

    calls = []
    real = trafilatura.bare_extraction
    monkeypatch.setattr(trafilatura, "bare_extraction", lambda raw, **kw: calls.append(kw) or real(raw, **kw))
    limits = Limits(html_fallback_tags=100, max_html_tags=1000)
    (tmp_path / "small.html").write_text(_page(10), encoding="utf-8")     # 70 tags
    (tmp_path / "big.html").write_text(_page(50), encoding="utf-8")       # 310 tags
    (tmp_path / "huge.html").write_text(_page(200), encoding="utf-8")     # 1,210 tags
    recs = {r.doc_id: r for r in read_corpus(tmp_path, limits=limits)}
    assert isinstance(recs["small"], Article) and isinstance(recs["big"], Article)
    assert [kw["fast"] for kw in calls] == [True, False]  # big.html, small.html (sorted); huge never parsed
    assert recs["huge"].reason == "HTML page has 1,210 tags, over the limit of 1,000 (not a news article page)"
    assert Limits().html_fallback_tags == 10_000 and Limits().max_html_tags == 300_000


# -- issue 18, item 18: a plain install reads HTML -----------------------------------------------------------------

def test_html_path_imports_and_its_cleaner_is_declared(tmp_path):
    import lxml.html.clean  # noqa: F401 - lxml 6 keeps only a stub that imports lxml_html_clean
    import trafilatura  # noqa: F401

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    names = {d.split(">")[0].split("=")[0].split("[")[0].strip().lower().replace("-", "_") for d in deps}
    assert "lxml_html_clean" in names
    (tmp_path / "p.html").write_text(_page(3), encoding="utf-8")
    (art,) = read_corpus(tmp_path)
    assert isinstance(art, Article) and "water rates" in art.text


def test_html_without_its_libraries_says_what_to_install(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "trafilatura", None)  # import fails as it does without lxml_html_clean
    (tmp_path / "p.html").write_text(_page(3), encoding="utf-8")
    (rec,) = read_corpus(tmp_path)
    assert isinstance(rec, Reject) and "HTML support is not installed" in rec.reason
    assert "lxml_html_clean" in rec.reason


# -- issue 18, item 19: JSONL line limits count characters, not escape bytes --------------------------------------

def test_jsonl_limit_counts_characters_of_the_decoded_text(tmp_path):
    limits = Limits(max_article_chars=100_000)
    p = tmp_path / "esc.jsonl"
    p.write_text(json.dumps({"id": "e", "text": "é" * 100_000}) + "\n"           # 600 KB of \u00e9
                 + json.dumps({"id": "s", "text": "😀" * 50_000}) + "\n"           # 600 KB of surrogate pairs
                 + json.dumps({"id": "over", "text": "é" * 100_001}) + "\n", encoding="ascii")
    e, s, over = read_corpus(p, limits=limits)
    assert isinstance(e, Article) and len(e.text) == 100_000
    assert isinstance(s, Article) and s.text == "😀" * 50_000
    assert over.reason == "article text is 100,001 characters, over the limit of 100,000"


# -- issue 20, item 1: JSONL and CSV text kept as given ----------------------------------------------------------

@pytest.mark.parametrize("tail", ["Read more", "Related", "IN DEPTH",
                                  "This report by The Canadian Press was first published March 22, 2023."])
def test_jsonl_and_csv_text_is_never_cut(tmp_path, tail):
    text = ("The harbour authority said on Monday that repairs would start in May. " * 4
            + f"\n{tail}\nThe second half of the record, with its own claims, the mayor said.")
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "j", "text": text}) + "\n", encoding="utf-8")
    with open(tmp_path / "b.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["id", "text"], ["c", text]])
    (tmp_path / "page.txt").write_text("Harbour repairs\n" + text, encoding="utf-8")
    recs = {r.doc_id: r for r in read_corpus(tmp_path)}
    assert recs["j"].text == text and recs["c"].text == text
    assert "second half" not in recs["page"].text  # a .txt page still loses its furniture


# -- issue 20, item 2: the output folder inside the input is never read -------------------------------------------

def test_output_folder_inside_the_input_is_not_read(tmp_path):
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    out = tmp_path / "dataset"
    (out / "v1" / "claims").mkdir(parents=True)
    (out / "report.html").write_text("<html><body><article>" + "<p>The report says many things here.</p>" * 5
                                     + "</article></body></html>", encoding="utf-8")
    (out / "v1" / "claims" / "part.csv").write_text("id,text\nx,Row.\n", encoding="utf-8")
    assert len(list(read_corpus(tmp_path))) > 1  # without exclude it would be read
    rel = os.path.relpath(out)  # a relative --out names the same folder
    recs = list(read_corpus(tmp_path, exclude=[rel]))
    assert [(r.doc_id, type(r).__name__) for r in recs] == [("a", "Article")]


# -- issue 20, item 3: every file is accounted for ----------------------------------------------------------------

def test_hidden_extensionless_and_control_character_names_accounted_for(tmp_path):
    (tmp_path / ".draft.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref", encoding="utf-8")
    (tmp_path / "LICENSE").write_text("text", encoding="utf-8")
    (tmp_path / "line\nbreak.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "tab\tname.jsonl").write_text('{"id": "t", "text": "Tab."}\n', encoding="utf-8")
    (tmp_path / "ok.txt").write_text(STORY, encoding="utf-8")
    recs = list(read_corpus(tmp_path))
    by_name = {Path(r.input_path).name: r for r in recs}
    assert sorted(by_name) == sorted([".draft.txt", ".git", "LICENSE", "line\nbreak.txt", "tab\tname.jsonl", "ok.txt"])
    assert isinstance(by_name.pop("ok.txt"), Article)
    assert by_name[".draft.txt"] == Skipped(str(tmp_path / ".draft.txt"), None, "hidden file (its name starts with '.')")
    assert by_name[".git"] == Skipped(str(tmp_path / ".git"), None, "hidden folder (its name starts with '.')")
    assert isinstance(by_name["LICENSE"], Skipped) and by_name["LICENSE"].reason.startswith("no file extension")
    for name in ("line\nbreak.txt", "tab\tname.jsonl"):
        assert isinstance(by_name[name], Reject)
        assert "holds control characters" in by_name[name].reason and by_name[name].doc_id is None


# -- issue 20, item 8: CR line endings and unterminated CSV quotes ------------------------------------------------

def test_cr_only_line_endings(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(b'{"id": "j1", "text": "One."}\r{"id": "j2", "text": "Two."}\r')
    (tmp_path / "b.csv").write_bytes(b'id,text\rc1,One.\rc2,"Two\rlines."\rc3,Three.\r')
    recs = list(read_corpus(tmp_path))
    assert [(r.doc_id, r.record, r.text) for r in recs] == [
        ("j1", "1", "One."), ("j2", "2", "Two."), ("c1", "2", "One."), ("c2", "3", "Two\rlines."), ("c3", "4", "Three.")]


def test_unterminated_csv_quote_costs_its_own_row_only(tmp_path):
    p = tmp_path / "q.csv"
    p.write_text('id,text\nr1,"Alpha said so\nr2,Beta said no\nr3,"Gamma said ""yes"""\nr4,Delta\n'
                 'r5,"Open to the end\n', encoding="utf-8")
    recs = list(read_corpus(p))
    assert [(r.record, r.doc_id, type(r).__name__) for r in recs] == [
        ("2", "r1", "Reject"), ("3", "r2", "Article"), ("4", "r3", "Article"), ("5", "r4", "Article"),
        ("6", "r5", "Reject")]
    assert "quote that is not closed" in recs[0].reason and "lines 2-4" in recs[0].reason
    assert recs[2].text == 'Gamma said "yes"' and "end of data" in recs[4].reason


def test_stray_quote_on_one_line_and_quoted_multiline_fields_still_read(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text('id,text\nr1,"He said "hi" there"\nr2,"Para one.\r\nPara two."\nr3,Plain.\n', encoding="utf-8")
    assert [(r.doc_id, r.text) for r in read_corpus(p)] == [
        ("r1", 'He said hi" there"'), ("r2", "Para one.\r\nPara two."), ("r3", "Plain.")]


# -- issue 20, item 10: valid JSON and links out of the input ----------------------------------------------------

def test_non_finite_numbers_in_extra_written_as_valid_json(tmp_path):
    p = _lines(tmp_path / "n.jsonl", ['{"id": "n", "text": "Figures.", "score": Infinity, "low": -Infinity, '
                                      '"ratio": NaN, "big": 1e999, "ok": 2.5, "list": [NaN]}'])
    (art,) = read_corpus(p)
    assert art.extra == {"score": "Infinity", "low": "-Infinity", "ratio": "NaN", "big": "Infinity", "ok": 2.5,
                         "list": ["NaN"]}
    json.dumps(art.extra, allow_nan=False)
    assert "non-finite number in `extra.score`" in art.ingest_notes
    _storable(art)


def test_symlinks_out_of_the_input_followed_only_when_asked(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Secret plans\nThe plan was secret, the memo said.\n", encoding="utf-8")
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "real.txt").write_text(STORY, encoding="utf-8")
    (src / "leak.txt").symlink_to(outside / "secret.txt")
    (src / "leakdir").symlink_to(outside)
    (src / "alias.txt").symlink_to(src / "sub" / "real.txt")
    (src / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (src / "sub" / "loop").symlink_to(src)

    recs = list(read_corpus(src))
    by_path = {os.path.relpath(r.input_path, src): r for r in recs}
    assert isinstance(by_path["alias.txt"], Article)  # a link inside the input is read
    for name in ("leak.txt", "leakdir"):
        assert "outside the input folder; pass --follow-links to read it" in by_path[name].reason
    assert "does not exist" in by_path["gone.txt"].reason
    assert "inside the input folder" in by_path[os.path.join("sub", "loop")].reason
    assert not any(isinstance(r, Article) and "secret" in r.text for r in recs)

    followed = _within(30, lambda: list(read_corpus(src, follow_links=True)))
    texts = [r.text for r in followed if isinstance(r, Article)]
    assert sum("secret" in t for t in texts) == 2  # as leak.txt and as leakdir/secret.txt
    assert any("already read" in r.reason for r in followed if isinstance(r, (Reject, Skipped)))  # the loop ends


def test_cli_has_follow_links():
    from pipeline.cli import build_parser

    args = build_parser().parse_args(["run", "in", "--follow-links"])
    assert args.follow_links is True
    assert build_parser().parse_args(["run", "in"]).follow_links is False
