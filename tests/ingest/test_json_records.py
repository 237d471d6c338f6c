"""`.json` input: one article object a file (news-please style), or a JSON array of articles, streamed."""
import gzip
import json
import tracemalloc

from pipeline.ingest import Article, Limits, Reject, read_corpus
from pipeline.ingest.json_records import read_json

TEXT = "The council approved the new library on Wednesday by nine votes to two, the clerk said."
NEWS_PLEASE = {"authors": ["Ravi Menon", "Jo Hale"], "date_download": "2024-02-02 10:00:00",
               "date_publish": "2024-02-01 18:05:00", "description": "Vote on library", "language": "en",
               "maintext": TEXT, "source_domain": "town.example", "text": None, "title": "Library approved",
               "url": "https://town.example/news/library-approved"}


def test_one_news_please_article_a_file(tmp_path):
    (tmp_path / "a1b2.json").write_text(json.dumps(NEWS_PLEASE), encoding="utf-8")
    (art,) = read_corpus(tmp_path)
    assert isinstance(art, Article)
    assert (art.doc_id, art.title, art.text, art.published) == (NEWS_PLEASE["url"], "Library approved", TEXT, "2024-02-01")
    assert (art.source, art.author, art.url) == ("town.example", "Ravi Menon, Jo Hale", NEWS_PLEASE["url"])
    assert art.extra["language"] == "en" and "maintext" not in art.extra and art.record is None


def test_an_object_without_id_or_url_is_named_by_its_file(tmp_path):
    (tmp_path / "story-17.json.gz").write_bytes(gzip.compress(json.dumps({"title": "T", "text": TEXT}).encode()))
    (art,) = read_corpus(tmp_path)
    assert art.doc_id == "story-17" and art.input_format == "json"


def test_an_array_of_articles_with_a_bad_item(tmp_path):
    items = [{"id": "a", "text": TEXT}, "not an article", {"id": "c", "body": TEXT}, {"id": "d"}]
    (tmp_path / "batch.json").write_text(json.dumps(items, indent=2), encoding="utf-8")
    got = [(type(r).__name__, r.record, getattr(r, "reason", "")) for r in read_corpus(tmp_path)]
    assert [g[:2] for g in got] == [("Article", "1"), ("Reject", "2"), ("Article", "3"), ("Reject", "4")]
    assert got[1][2] == "array item 2 is a JSON string, not an object"


def test_broken_json_keeps_what_came_before_and_names_the_item(tmp_path):
    text = json.dumps([{"id": f"x{i}", "text": TEXT} for i in range(5)])
    (tmp_path / "cut.json").write_text(text[: len(text) - 60], encoding="utf-8")
    (tmp_path / "two.json").write_text('{"id": "a", "text": "x"} {"id": "b", "text": "y"}\n', encoding="utf-8")
    (tmp_path / "word.json").write_text("hello", encoding="utf-8")
    recs = list(read_corpus(tmp_path))
    cut = [r for r in recs if r.input_path.endswith("cut.json")]
    assert [type(r).__name__ for r in cut] == ["Article"] * 4 + ["Reject"]
    assert cut[-1].record == "5" and "malformed JSON in array item 5" in cut[-1].reason
    reasons = {r.input_path.rsplit("/", 1)[-1]: r.reason for r in recs if isinstance(r, Reject)}
    assert "holds one article object or an array of them" in reasons["two.json"]
    assert "not an object or an array" in reasons["word.json"]


def test_a_long_array_streams_and_a_huge_item_is_stopped(tmp_path):
    path = tmp_path / "many.json"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("[")
        for i in range(20000):
            fh.write(("," if i else "") + json.dumps({"id": f"m{i}", "title": "Library", "text": TEXT * 3}))
        fh.write("]")
    tracemalloc.start()
    n = sum(isinstance(r, Article) for r in read_json(path))  # (read_corpus also keeps each id, for duplicates)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert n == 20000 and path.stat().st_size > 5_000_000
    assert peak < 1_500_000, peak
    big = tmp_path / "big.json"
    big.write_text(json.dumps([{"id": "ok", "text": TEXT}, {"id": "huge", "text": "word " * 100_000}]), encoding="utf-8")
    limits = Limits(max_article_chars=10_000)
    recs = list(read_corpus(big, limits))
    assert [type(r).__name__ for r in recs] == ["Article", "Reject"]
    assert "array item 2 is over the size limit" in recs[1].reason


def test_json_lines_named_json_is_read_line_by_line(tmp_path):
    lines = "".join(json.dumps({"id": f"l{i}", "text": TEXT}) + "\n" for i in range(3)) + "{broken\n"
    (tmp_path / "export.json.gz").write_bytes(gzip.compress(lines.encode()))
    got = [(type(r).__name__, r.record) for r in read_corpus(tmp_path)]
    assert got == [("Article", "1"), ("Article", "2"), ("Article", "3"), ("Reject", "4")]
