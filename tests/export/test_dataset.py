"""The versioned dataset: atomic publish, carry-over of unchanged articles, the lock."""
import os

import pandas as pd
import pytest

from pipeline.export.dataset import (DatasetLocked, VersionWriter, clean_stale, current_version, locked,
                                     new_run_id, read_table)


def _claim(aid, i):
    return {"claim_id": f"{aid}-{i}", "article_id": aid, "claim_index": i, "claim_type": "direct",
            "content": f"claim {i} of {aid}", "start": i, "end": i + 5, "speaker": "Kirsten Hillman", "cue": "say"}


def _publish(out, rows):
    w = VersionWriter(out, new_run_id())
    w.carry_over({r["article_id"] for r in rows.get("claims", [])})
    w.write(rows, "00000")
    return w.publish()


def test_publish_makes_every_table_readable(tmp_path):
    _publish(tmp_path, {"claims": [_claim("a", 0), _claim("a", 1)]})
    assert len(pd.read_parquet(tmp_path / "claims")) == 2
    for table in ("articles", "figures", "dates", "places", "rejects", "runs"):
        assert pd.read_parquet(tmp_path / table).empty


def test_carry_over_replaces_changed_articles_only(tmp_path):
    _publish(tmp_path, {"claims": [_claim("a", 0), _claim("b", 0), _claim("b", 1)]})
    _publish(tmp_path, {"claims": [_claim("b", 7)]})
    got = pd.read_parquet(tmp_path / "claims").sort_values("claim_id")
    assert got["claim_id"].tolist() == ["a-0", "b-7"]


def test_unfinished_version_leaves_previous_dataset(tmp_path):
    first = _publish(tmp_path, {"claims": [_claim("a", 0)]})
    w = VersionWriter(tmp_path, new_run_id())
    w.write({"claims": [_claim("z", 0)]}, "00000")  # dies before publish
    assert current_version(tmp_path) == first
    assert pd.read_parquet(tmp_path / "claims")["claim_id"].tolist() == ["a-0"]
    assert clean_stale(tmp_path) == [w.staging]
    assert not w.staging.exists()


def test_read_table_of_new_dataset_is_empty(tmp_path):
    assert read_table(tmp_path, "articles").num_rows == 0


def test_second_writer_is_refused(tmp_path):
    with locked(tmp_path):
        pid = os.fork()
        if pid == 0:  # a second process must be refused while we hold the lock
            try:
                with locked(tmp_path):
                    os._exit(1)
            except DatasetLocked:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0


def test_many_small_parts_are_compacted_without_losing_rows(tmp_path, monkeypatch):
    from pipeline.export import dataset

    monkeypatch.setattr(dataset, "MAX_PARTS", 4)
    for i in range(7):  # seven nightly runs, one new article each
        _publish(tmp_path, {"claims": [_claim(f"n{i}", 0)]})
    claims_dir = current_version(tmp_path) / "claims"
    assert len(list(claims_dir.glob("*.parquet"))) <= 5
    assert sorted(pd.read_parquet(tmp_path / "claims")["claim_id"]) == [f"n{i}-0" for i in range(7)]
