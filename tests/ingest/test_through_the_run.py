"""Ingest's guarantees hold through a whole run: what ingest lets through is written, its own output is not read."""
import json
from pathlib import Path

import pandas as pd

from pipeline.flows.extract import extract_corpus

BASE_ONLY = str(Path(__file__).resolve().parents[1] / "fixtures" / "base_only.toml")


def _strict(value):
    raise ValueError(f"not JSON: {value}")


def test_unstorable_strings_written_and_dataset_inside_input_not_read(tmp_path, prefect_harness):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Ferry resumes\nThe ferry resumed service on Friday, the operator said.\n",
                               encoding="utf-8")
    (src / "b.jsonl").write_text(
        '{"id": "b", "text": "The mayor \\ud800 said the bridge reopens in May.", "author": "Lee \\udc00 Park", '
        '"source": "Gazette \\udfff", "url": "https://example.org/\\ud83d", "score": Infinity}\n'
        '{"id": "c", "text": "The council said the vote was close."}\n', encoding="utf-8")
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("Private notes\nThe notes were private, the owner said.\n", encoding="utf-8")
    (src / "link.txt").symlink_to(outside)
    out = src / "dataset"  # the output inside the input, as a relative name would put it too

    first = extract_corpus(str(src), str(out), config_path=BASE_ONLY)
    assert (first.processed, first.rejected) == (3, 0)  # a, b, c; the link out of the input is skipped
    [(why, n)] = first.skipped.items()
    assert n == 1 and "--follow-links" in why
    runs = pd.read_parquet(out / "runs")
    assert json.loads(runs["skipped"].iloc[0]) == {why: 1}
    arts = pd.read_parquet(out / "articles").set_index("doc_id")
    assert sorted(arts.index) == ["a", "b", "c"]
    b = arts.loc["b"]
    assert (b["author"], b["source"]) == ("Lee \ufffd Park", "Gazette \ufffd")
    assert b["text"] == "The mayor \ufffd said the bridge reopens in May."
    assert json.loads(b["extra"], parse_constant=_strict) == {"score": "Infinity"}
    assert "`author`" in b["ingest_notes"] and "`extra.score`" in b["ingest_notes"]
    assert pd.isna(arts.loc["a", "ingest_notes"])

    (out / "report.html").write_text("<html><body><article>" + "<p>The report lists every claim made.</p>" * 6
                                     + "</article></body></html>", encoding="utf-8")
    again = extract_corpus(str(src), str(out), config_path=BASE_ONLY)
    assert (again.seen, again.processed, again.unchanged) == (3, 0, 3)  # nothing under dataset/ was read
    assert sum(again.skipped.values()) == 1  # the link, still skipped

    followed = extract_corpus(str(src), str(out), config_path=BASE_ONLY, follow_links=True)
    assert (followed.processed, followed.rejected) == (1, 0)
    assert "link" in set(pd.read_parquet(out / "articles")["doc_id"])
