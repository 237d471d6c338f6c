"""Runs that must lose nothing: a broken `current`, failing articles, rejected or vanished input,
lost or damaged parts, rejects across runs, and what decides that an article is unchanged."""
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.stage import batch as batch_mod
from pipeline.export.dataset import current_version
from pipeline.flows.extract import InputVanished, extract_corpus

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CONFIG = str(FIXTURES / "quotes_only.toml")
TEXTS = {
    "a": "Budget vote delayed\n\"We need more time,\" the minister said on Thursday.\n",
    "b": "Rail strike ends\n\"The strike is over,\" the union said after 12 days.\n",
    "c": "Harbour reopens\n\"Ships can come in again,\" the harbour master said on Monday.\n",
}


def _read(out: Path, table: str) -> pd.DataFrame:
    return pd.read_parquet(out / table)


def _docs(out: Path) -> list[str]:
    return sorted(_read(out, "articles")["doc_id"])


def _tables(out: Path) -> dict[str, pd.DataFrame]:
    keys = {"articles": "article_id", "claims": "claim_id", "figures": "figure_id", "dates": "date_id",
            "places": "place_id"}
    return {t: _read(out, t).sort_values(k).reset_index(drop=True).drop(columns=["fingerprint"], errors="ignore")
            for t, k in keys.items()}


def _assert_same(left: Path, right: Path) -> None:
    a, b = _tables(left), _tables(right)
    for table in a:
        pd.testing.assert_frame_equal(a[table].drop(columns=["input_path"], errors="ignore"),
                                      b[table].drop(columns=["input_path"], errors="ignore"), check_dtype=False)


@pytest.mark.parametrize("how", ["missing", "dangling"])
def test_a_missing_or_dangling_current_is_restored_not_restarted(tmp_path, prefect_harness, how, write_corpus):
    src = write_corpus(TEXTS)
    out = tmp_path / "out"
    extract_corpus(str(src), str(out), config_path=CONFIG)
    (src / "c.txt").unlink()  # kept by --missing keep, so only the old version knows it
    extract_corpus(str(src), str(out), config_path=CONFIG)
    if how == "missing":
        (out / "current").unlink()
    else:
        shutil.rmtree(current_version(out))  # lost: the one before it is the newest whole version
    summary = extract_corpus(str(src), str(out), config_path=CONFIG)
    assert summary.processed == 0 and summary.unchanged == 2
    assert _docs(out) == ["a", "b", "c"]
    assert len(_read(out, "runs")) == (3 if how == "missing" else 2)


def _failing_nlp(monkeypatch, doc_id: str) -> None:
    original = batch_mod.annotate

    def annotate(nlp, articles, **kwargs):
        for article, doc, error in original(nlp, articles, **kwargs):
            if article.doc_id == doc_id:
                doc, error = None, "the NLP stage failed on this article (injected)"
            yield article, doc, error

    monkeypatch.setattr(batch_mod, "annotate", annotate)


@pytest.mark.parametrize("missing", ["keep", "drop"])
def test_an_article_that_now_fails_nlp_keeps_its_last_good_rows(tmp_path, prefect_harness, monkeypatch, missing, write_corpus):
    src = write_corpus(TEXTS)
    out = tmp_path / "out"
    extract_corpus(str(src), str(out), config_path=CONFIG)
    before = _tables(out)
    (src / "b.txt").write_text(TEXTS["b"].replace("12 days", "13 days"), encoding="utf-8")
    _failing_nlp(monkeypatch, "b")
    summary = extract_corpus(str(src), str(out), config_path=CONFIG, missing=missing)
    assert summary.rejected == 1 and summary.rejects[0]["doc_id"] == "b"
    after = _tables(out)
    for table in before:
        pd.testing.assert_frame_equal(after[table], before[table])
    monkeypatch.undo()
    again = extract_corpus(str(src), str(out), config_path=CONFIG)  # retried once it works
    assert again.processed == 1 and "13 days" in _read(out, "articles").set_index("doc_id").loc["b", "text"]


def test_drop_keeps_articles_whose_file_is_rejected_this_run(tmp_path, prefect_harness, write_corpus):
    src = write_corpus(TEXTS)
    (src / "feed.jsonl").write_text(json.dumps({"id": "j1", "title": "Ferry", "text": "The ferry resumed service."}) + "\n"
                                    + json.dumps({"id": "j2", "title": "Bridge", "text": "The bridge reopened."}) + "\n",
                                    encoding="utf-8")
    out = tmp_path / "out"
    extract_corpus(str(src), str(out), config_path=CONFIG)
    assert _docs(out) == ["a", "b", "c", "j1", "j2"]
    (src / "b.txt").write_bytes(b"\x00\x01\x02binary\xff\xfe" * 50)  # unreadable now
    (src / "feed.jsonl").write_bytes(b"\xff\xfe\x00{not json at all\x00\n")
    (src / "c.txt").unlink()  # really gone
    summary = extract_corpus(str(src), str(out), config_path=CONFIG, missing="drop")
    assert summary.rejected >= 2 and summary.removed == 1
    assert _docs(out) == ["a", "b", "j1", "j2"]


def test_drop_on_an_empty_input_refuses_to_erase_the_dataset(tmp_path, prefect_harness, write_corpus):
    src = write_corpus(TEXTS)
    out = tmp_path / "out"
    extract_corpus(str(src), str(out), config_path=CONFIG)
    before = current_version(out)
    for f in src.iterdir():
        f.unlink()
    with pytest.raises(InputVanished, match="holds no record.*Nothing was published"):
        extract_corpus(str(src), str(out), config_path=CONFIG, missing="drop")
    assert current_version(out) == before and _docs(out) == ["a", "b", "c"]
    kept = extract_corpus(str(src), str(out), config_path=CONFIG)  # keep: nothing to lose
    assert kept.seen == 0 and _docs(out) == ["a", "b", "c"]


def test_a_lost_articles_part_is_rebuilt_without_duplicating_rows(tmp_path, prefect_harness, write_corpus):
    src = write_corpus(TEXTS)
    out = tmp_path / "out"
    extract_corpus(str(src), str(out), config_path=CONFIG)
    for part in (current_version(out) / "articles").glob("*.parquet"):
        part.unlink()
    summary = extract_corpus(str(src), str(out), config_path=CONFIG)
    assert summary.processed == 3
    claims = _read(out, "claims")
    assert claims["claim_id"].is_unique and len(claims) == 3
    clean = tmp_path / "clean"
    extract_corpus(str(src), str(clean), config_path=CONFIG)
    _assert_same(out, clean)


@pytest.mark.parametrize("damage", ["truncated", "foreign"])
def test_a_damaged_part_is_named_and_repaired(tmp_path, prefect_harness, caplog, damage, write_corpus):
    src = write_corpus(TEXTS)
    out = tmp_path / "out"
    extract_corpus(str(src), str(out), config_path=CONFIG)
    claims_dir = current_version(out) / "claims"
    part = next(p for p in sorted(claims_dir.glob("*.parquet")) if pq.ParquetFile(p).metadata.num_rows)
    if damage == "truncated":
        data = part.read_bytes()
        part.unlink()  # a new inode: the hard-linked copy in the other version stays whole
        part.write_bytes(data[: len(data) // 2])
    else:
        pq.write_table(pa.table({"id": ["x1"], "text": ["a stray file"]}), claims_dir / "part-stray.parquet")
        part = claims_dir / "part-stray.parquet"
    extract_corpus(str(src), str(out), config_path=CONFIG)
    assert str(part) in caplog.text and ("unreadable" in caplog.text or "foreign schema" in caplog.text)
    claims = _read(out, "claims")
    assert claims["claim_id"].notna().all() and claims["claim_id"].is_unique and len(claims) == 3
    assert list((out / ".damaged").glob("*")), "a copy of the damaged part is kept"
    clean = tmp_path / "clean"
    extract_corpus(str(src), str(clean), config_path=CONFIG)
    _assert_same(out, clean)
    again = extract_corpus(str(src), str(out), config_path=CONFIG)
    assert again.processed == 0


def test_rejects_keep_the_history_of_every_run(tmp_path, prefect_harness, write_corpus):
    src = write_corpus(TEXTS, ["a"])
    (src / "blank.txt").write_text("  \n", encoding="utf-8")
    out = tmp_path / "out"
    first = extract_corpus(str(src), str(out), config_path=CONFIG)
    (src / "empty.txt").write_text("", encoding="utf-8")
    second = extract_corpus(str(src), str(out), config_path=CONFIG)
    rejects = _read(out, "rejects")
    runs = _read(out, "runs")
    assert sorted(rejects["run_id"]) == sorted([first.run_id, second.run_id, second.run_id])
    counts = rejects.groupby("run_id").size()
    for run_id, rejected in zip(runs["run_id"], runs["rejected"]):
        assert counts.get(run_id, 0) == rejected


def test_corrected_fields_and_a_new_config_are_processed_again_and_moved_files_relocated(tmp_path, prefect_harness):
    src = tmp_path / "in"
    src.mkdir()
    record = {"id": "r1", "title": "Vote", "text": "The vote was delayed, officials said.", "source": "Wire"}
    (src / "feed.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    extract_corpus(str(src), str(out), config_path=CONFIG)
    for field, value in (("source", "The Daily"), ("url", "https://example.org/vote"), ("author", "A. Writer")):
        record[field] = value
        (src / "feed.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
        assert extract_corpus(str(src), str(out), config_path=CONFIG).processed == 1
        assert _read(out, "articles")[field].tolist() == [value]
    (src / "sub").mkdir()
    os.replace(src / "feed.jsonl", src / "sub" / "feed.jsonl")
    claims_before = _read(out, "claims")
    moved = extract_corpus(str(src), str(out), config_path=CONFIG)
    assert (moved.processed, moved.unchanged) == (0, 1)  # a moved file is not analysed again...
    assert _read(out, "articles")["input_path"].tolist() == [str(src / "sub" / "feed.jsonl")]  # ...but says where it is
    pd.testing.assert_frame_equal(_read(out, "claims"), claims_before)
    assert extract_corpus(str(src), str(out), config_path=CONFIG).processed == 0
    other = tmp_path / "other.toml"
    shutil.copy(CONFIG, other)
    with open(other, "a", encoding="utf-8") as fh:
        fh.write("\n# same components, another setting\n[components.extra_setting]\nvalue = 1\n")
    assert extract_corpus(str(src), str(out), config_path=str(other)).processed == 1


def test_a_failure_after_the_switch_still_reports_the_published_run(tmp_path, prefect_harness, monkeypatch, write_corpus):
    import logging

    from pipeline.flows import extract as extract_mod

    class AfterPublish(logging.LoggerAdapter):
        def info(self, msg, *args, **kwargs):  # the run's last step, after publishing: fails as a dead API would
            if str(msg).startswith("run %s"):
                raise ConnectionError("the Prefect API went away")
            return super().info(msg, *args, **kwargs)

    real = extract_mod.get_run_logger
    monkeypatch.setattr(extract_mod, "get_run_logger", lambda: AfterPublish(real().logger, {}))
    src = write_corpus(TEXTS)
    out = tmp_path / "out"
    summary = extract_corpus(str(src), str(out), config_path=CONFIG)
    assert summary.processed == 3 and _docs(out) == ["a", "b", "c"]
    assert current_version(out).name == summary.run_id
