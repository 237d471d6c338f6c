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


def test_relative_out_and_a_clock_set_back_keep_the_published_version(tmp_path, monkeypatch):
    from pathlib import Path

    monkeypatch.chdir(tmp_path)
    out = Path("out")  # relative, as in the README
    for i, run_id in enumerate(["20300101T000000000000-aaaaaa", "20200101T000000000000-bbbbbb",
                                "20100101T000000000000-cccccc"]):  # each night's clock earlier than the last
        w = VersionWriter(out, run_id)
        w.carry_over(set())
        w.write({"claims": [_claim(f"n{i}", 0)]}, "00000")
        w.publish()
        assert current_version(out).name == run_id
        assert sorted(pd.read_parquet(out / "claims")["claim_id"]) == [f"n{j}-0" for j in range(i + 1)]
    assert sorted(p.name for p in (out / ".versions").iterdir()) == ["20100101T000000000000-cccccc",
                                                                      "20200101T000000000000-bbbbbb"]


@pytest.mark.parametrize("first_run", [False, True])
def test_disk_full_at_the_end_of_publish_publishes_nothing_and_leaves_nothing(tmp_path, monkeypatch, first_run):
    import errno

    from pipeline.export import dataset

    before = None if first_run else _publish(tmp_path, {"claims": [_claim("a", 0)]})
    real_symlink = os.symlink

    def full_disk_symlink(target, link, *args, **kwargs):
        if first_run or str(target).startswith(dataset.VERSIONS):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(link))
        return real_symlink(target, link, *args, **kwargs)

    monkeypatch.setattr(dataset.os, "symlink", full_disk_symlink)
    w = VersionWriter(tmp_path, new_run_id())
    w.carry_over(set())
    w.write({"claims": [_claim("b", 0)]}, "00000")
    with pytest.raises(OSError, match="No space left"):
        w.publish()
    w.abort()
    monkeypatch.undo()
    assert current_version(tmp_path) == before
    assert [p.name for p in (tmp_path / ".versions").iterdir()] == ([] if first_run else [before.name])
    if not first_run:
        assert pd.read_parquet(tmp_path / "claims")["claim_id"].tolist() == ["a-0"]
        for i in range(2):  # later runs never count the failed one as a version to keep
            _publish(tmp_path, {"claims": [_claim(f"c{i}", 0)]})
        assert sorted(pd.read_parquet(tmp_path / "claims")["claim_id"]) == ["a-0", "c0-0", "c1-0"]
    else:
        assert not (tmp_path / "current").exists()


def test_one_version_is_read_consistently_while_a_run_publishes(tmp_path):
    from pipeline.export.dataset import read_tables, snapshot

    _publish(tmp_path, {"claims": [_claim("a", 0)], "articles": []})
    pinned = snapshot(tmp_path)
    _publish(tmp_path, {"claims": [_claim("b", 0)]})  # a run publishes between the two reads
    assert pd.read_parquet(pinned / "claims")["claim_id"].tolist() == ["a-0"]
    tables = read_tables(tmp_path, ["claims", "runs"])
    assert sorted(tables["claims"].column("claim_id").to_pylist()) == ["a-0", "b-0"]
    with pytest.raises(FileNotFoundError, match="claims run"):
        snapshot(tmp_path / "nothing-here")


def test_damaged_and_foreign_parts_are_told_apart_from_older_schemas(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipeline.export.dataset import part_problem, write_part

    write_part(tmp_path, "claims", [_claim("a", 0)], "good")
    good = tmp_path / "claims" / "part-good.parquet"
    assert part_problem(good, "claims") is None
    older = tmp_path / "older.parquet"  # written before a column was added: still carried
    pq.write_table(pq.read_table(good).drop(["cue_end"]), older)
    assert part_problem(older, "claims") is None
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(good.read_bytes()[:100])
    assert "unreadable" in part_problem(cut, "claims")
    foreign = tmp_path / "foreign.parquet"
    pq.write_table(pa.table({"id": [1]}), foreign)
    assert "no claim_id, article_id" in part_problem(foreign, "claims")
    wrong = tmp_path / "wrong.parquet"
    pq.write_table(pa.table({"claim_id": [1], "article_id": ["a"]}), wrong)
    assert "claim_id is int64" in part_problem(wrong, "claims")
