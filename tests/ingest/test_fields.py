"""Field mapping: --fields / [input] fields, and the crawler names recognized without them."""
import json

import pytest

from pipeline.cli import EXIT_USAGE, main
from pipeline.ingest import Article, Reject, read_corpus
from pipeline.ingest.fields import FieldMap, FieldMappingError, load_aliases, parse_fields
from pipeline.ingest.options import read_options

TEXT = "The clinic will open a second floor in June, the health board said on Friday."


def test_parse_fields_checks_each_pair():
    assert parse_fields("text=maintext, published=date_publish,id=url") == {
        "text": "maintext", "published": "date_publish", "id": "url"}
    assert parse_fields({"text": "body"}) == {"text": "body"}
    assert parse_fields(None) == {} and parse_fields("") == {}
    with pytest.raises(FieldMappingError, match="cannot map 'body': the fields that can be mapped are id, title"):
        parse_fields("body=text")
    with pytest.raises(FieldMappingError, match="is not OURS=THEIRS"):
        parse_fields("text:maintext")
    with pytest.raises(FieldMappingError, match="names no input field"):
        parse_fields("text=")


def test_aliases_fill_only_missing_fields_and_explicit_names_win():
    aliases = FieldMap()
    row = {"id": "1", "text": None, "maintext": TEXT, "content": "other", "authors": ["A", "B"]}
    assert aliases.apply(row) == {"id": "1", "text": TEXT, "content": "other", "author": "A, B"}
    assert aliases.apply({"id": "1", "text": TEXT, "maintext": "x"})["text"] == TEXT  # our own name first
    explicit = FieldMap(explicit={"text": "content", "id": "url"})
    got = explicit.apply({"content": TEXT, "maintext": "x", "url": "https://a.example/1"})
    assert (got["text"], got["id"], got["url"], got["maintext"]) == (TEXT, "https://a.example/1", "https://a.example/1", "x")
    assert explicit.apply(explicit.apply({"content": TEXT}))["text"] == TEXT  # mapping twice changes nothing
    assert set(load_aliases()) <= {"id", "title", "text", "published", "source", "url", "author"}


def test_jsonl_and_csv_are_mapped_too(tmp_path):
    (tmp_path / "a.jsonl").write_text(json.dumps({"key": "k1", "story": TEXT, "when": "2024-06-07"}) + "\n",
                                      encoding="utf-8")
    (tmp_path / "b.csv").write_text(f'key,story,when\nk2,"{TEXT}",2024-06-08\n', encoding="utf-8")
    assert all(isinstance(r, Reject) for r in read_corpus(tmp_path))  # nothing tells us where the text is
    got = [(r.doc_id, r.published, r.text) for r in read_corpus(tmp_path, read_options(fields="id=key,text=story,published=when"))]
    assert got == [("k1", "2024-06-07", TEXT), ("k2", "2024-06-08", TEXT)]


def test_news_please_jsonl_is_read_without_being_told(tmp_path):
    rec = {"maintext": TEXT, "title": "Clinic grows", "date_publish": "2024-06-07 09:00:00",
           "url": "https://health.example/2024/06/clinic", "source_domain": "health.example", "text": None}
    (tmp_path / "np.jsonl").write_text(json.dumps(rec) + "\n", encoding="utf-8")
    (art,) = read_corpus(tmp_path)
    assert isinstance(art, Article)
    assert (art.doc_id, art.published, art.source, art.title) == (rec["url"], "2024-06-07", "health.example", "Clinic grows")


def test_config_fields_and_the_flag_merge_field_by_field():
    config = {"input": {"fields": {"text": "body", "published": "pub"}}}
    options = read_options(config, "published=date")
    assert dict(options.fields.explicit) == {"text": "body", "published": "date"}
    assert dict(read_options({"input": {"fields": "id=guid"}}).fields.explicit) == {"id": "guid"}
    with pytest.raises(FieldMappingError):
        read_options({"input": {"fields": {"nonsense": "x"}}})


def test_bad_fields_flag_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    assert main(["run", str(tmp_path), "--out", str(tmp_path / "out"), "--fields", "words=maintext"]) == EXIT_USAGE
    assert "--fields: cannot map 'words'" in capsys.readouterr().err
