"""The extract_corpus flow: a full run, an incremental re-run, changed and removed articles."""
import json
from pathlib import Path

import pandas as pd

from pipeline.flows.extract import extract_corpus

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BASE_ONLY = str(FIXTURES / "base_only.toml")


def test_run_then_incremental_rerun(tmp_path, prefect_harness, write_corpus):
    src = write_corpus({
        "a": "Budget vote delayed\nThe vote was delayed until Thursday, officials said.\n",
        "b": "Rail strike ends\nThe strike ended after 12 days, the union said.\n",
        "c": "Harbour reopens\nThe harbour reopened on Monday.\n",
    })
    out = tmp_path / "out"
    first = extract_corpus(str(src), str(out), config_path=BASE_ONLY)
    assert (first.seen, first.processed, first.unchanged, first.rejected) == (3, 3, 0, 0)
    arts = pd.read_parquet(out / "articles")
    assert sorted(arts["doc_id"]) == ["a", "b", "c"]
    assert arts["n_words"].gt(0).all()

    again = extract_corpus(str(src), str(out), config_path=BASE_ONLY)
    assert (again.processed, again.unchanged) == (0, 3)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "articles").sort_values("doc_id").reset_index(drop=True),
                                  arts.sort_values("doc_id").reset_index(drop=True))

    (src / "b.txt").write_text("Rail strike ends\nThe strike ended after 13 days, the union said.\n", encoding="utf-8")
    (src / "c.txt").unlink()
    third = extract_corpus(str(src), str(out), config_path=BASE_ONLY, missing="drop")
    assert (third.processed, third.unchanged, third.removed) == (1, 1, 1)
    arts = pd.read_parquet(out / "articles")
    assert sorted(arts["doc_id"]) == ["a", "b"]
    assert "13 days" in arts.set_index("doc_id").loc["b", "text"]

    runs = pd.read_parquet(out / "runs").sort_values("started")
    assert runs["processed"].tolist() == [3, 0, 1]
    assert json.loads(runs["rows_written"].iloc[0])["articles"] == 3


def test_every_record_is_processed_or_rejected_once(tmp_path, prefect_harness, write_corpus):
    src = write_corpus({
        "good": "Ferry service resumes\nThe ferry resumed service on Friday, the operator said.\n",
        "blank": "   \n\n",
    })
    out = tmp_path / "out"
    summary = extract_corpus(str(src), str(out), config_path=BASE_ONLY)
    assert summary.seen == summary.processed + summary.unchanged + summary.rejected == 2
    assert summary.rejected == 1 and summary.rejects[0]["doc_id"] == "blank"
    rejects = pd.read_parquet(out / "rejects")
    assert rejects["input_path"].str.endswith("blank.txt").tolist() == [True]
    assert rejects["run_id"].tolist() == [summary.run_id]
    assert rejects["reason"].str.len().gt(0).all()

    again = extract_corpus(str(src), str(out), config_path=BASE_ONLY)
    assert (again.processed, again.unchanged, again.rejected) == (0, 1, 1)
    runs = pd.read_parquet(out / "runs").sort_values("started")
    assert runs["rejected"].tolist() == [1, 1]
    assert runs["model"].str.startswith("en_").all() and runs["pipeline_version"].notna().all()
    assert json.loads(runs["rows_written"].iloc[1]) == {}


def test_a_changed_article_replaces_its_rows(tmp_path, prefect_harness, write_corpus):
    import hashlib

    src = write_corpus({"a": "Mayor speaks\n\"We will rebuild the bridge,\" the mayor said on Monday.\n"})
    out = tmp_path / "out"
    extract_corpus(str(src), str(out), config_path=BASE_ONLY)
    (src / "a.txt").write_text("Mayor speaks\n\"We will rebuild the bridge soon,\" the mayor said.\n", encoding="utf-8")
    extract_corpus(str(src), str(out), config_path=BASE_ONLY)
    arts = pd.read_parquet(out / "articles")
    assert arts["article_id"].is_unique and len(arts) == 1
    assert arts["article_id"].iloc[0] == hashlib.sha256(b"article:a").hexdigest()[:16]
    assert "soon" in arts["text"].iloc[0]
