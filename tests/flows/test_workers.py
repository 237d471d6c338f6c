"""A local run on several processes: workers started once per run, same rows, failures cost only their articles."""
import os
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd

from pipeline.config import run_options
from pipeline.flows import workers
from pipeline.flows.extract import extract_corpus
from pipeline.ingest import read_corpus
from pipeline.ingest.records import Article
from pipeline.schema import ARTICLE_TABLES, TABLES
from pipeline.stage import batch as batch_mod
from tests.flows.test_extract import BASE_ONLY

TEXTS = {
    "a": "Budget vote delayed\nThe vote was delayed until Thursday, officials said.\n",
    "b": "Rail strike ends\nThe strike ended after 12 days, the union said.\n",
    "c": "Harbour reopens\nThe harbour reopened on Monday after a storm closed it.\n",
    "d": "School opens\nA new school opened in the north of the city, the council said.\n",
    "e": "Bridge repaired\nThe bridge was repaired in three weeks.\n",
}
FAIL_MARK = "storm"


def failing_job(articles, staging, part, *args):
    """(Runs in a worker.) Raise for a slice holding the marked article, else process it."""
    if any(FAIL_MARK in a.text for a in articles):
        raise RuntimeError("the component broke")
    return batch_mod.process_batch(articles, staging, part, *args)


def dying_job(articles, staging, part, *args):
    """(Runs in a worker.) Write a part, then kill the worker for the marked slice."""
    result = batch_mod.process_batch(articles, staging, part, *args)
    if any(FAIL_MARK in a.text for a in articles):
        os._exit(9)
    return result


def _options():
    """Two worker processes, batches of 8, the base-only config of the flow tests."""
    return run_options(BASE_ONLY, n_process=2, batch_size=8)


def _articles(write_corpus: Callable[..., Path], n: int = 4) -> list[Article]:
    """The first ``n`` of TEXTS, written by the ``write_corpus`` fixture and read back as articles."""
    src = write_corpus(TEXTS, list(TEXTS)[:n])
    return sorted((a for a in read_corpus(str(src)) if isinstance(a, Article)), key=lambda a: a.doc_id)


def _sorted(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    return frame.sort_values(key).reset_index(drop=True)


def test_slices_are_contiguous_and_balanced_by_length(tmp_path, write_corpus):
    first = _articles(write_corpus, 1)[0]
    halves = [0.5, 0.5]
    arts = [replace(first, doc_id=str(i), text="x" * n) for i, n in enumerate([100, 100, 100, 100, 400])]
    parts = workers.slices(arts, halves)
    assert [a for p in parts for a in p] == arts
    assert [len(p) for p in parts] == [4, 1]
    assert workers.slices(arts[:1], [0.25] * 4) == [arts[:1]]
    # a cut falls at the nearest article boundary: after 100 + 100 the slice stops 125 short of the
    # middle (325), the 450 would carry it 325 past, so the long article starts the second slice
    cut = [replace(first, doc_id=str(i), text="x" * n) for i, n in enumerate([100, 100, 450])]
    assert [len(p) for p in workers.slices(cut, halves)] == [2, 1]
    uneven = [replace(first, doc_id=str(i), text="x" * n) for i, n in enumerate([300, 30, 30, 300, 30, 30])]
    assert [sum(len(a.text) for a in p) for p in workers.slices(uneven, halves)] == [360, 360]
    # shares, not counts: sixteen articles of 100 cut as 1/4, 1/4, 1/8, 1/8, 1/16 x 4
    even = [replace(first, doc_id=str(i), text="x" * 100) for i in range(16)]
    assert [len(p) for p in workers.slices(even, workers.slice_shares(8, 2))] == [4, 4, 2, 2, 1, 1, 1, 1]


def test_slices_shrink_round_by_round_so_the_last_wait_is_short():
    assert workers.slice_shares(8, 2) == [0.25, 0.25, 0.125, 0.125, 0.0625, 0.0625, 0.0625, 0.0625]
    assert workers.slice_shares(2, 2) == [0.5, 0.5]
    assert workers.slice_shares(4, 2) == [0.25] * 4  # two rounds: the last shares out the rest
    for n_slices, n_process in ((8, 2), (12, 3), (4, 1), (16, 4)):
        shares = workers.slice_shares(n_slices, n_process)
        assert len(shares) == n_slices and abs(sum(shares) - 1) < 1e-9
        assert shares == sorted(shares, reverse=True)
        assert shares[-1] <= shares[0] / 2 or n_slices <= 2 * n_process


def test_every_worker_gets_the_same_number_of_slices():
    assert workers.slice_count(200, 2, 32) == 8  # not 7: one worker would do 4 while the other waits
    assert workers.slice_count(72, 2, 32) == 4
    assert workers.slice_count(10, 2, 32) == 2
    assert workers.slice_count(5000, 3, 32) == 12
    assert all(workers.slice_count(n, p, 32) % p == 0 for n in range(1, 600, 7) for p in (1, 2, 3, 4))


def test_two_processes_give_the_rows_of_one_and_start_once_per_run(tmp_path, prefect_harness, monkeypatch, write_corpus):
    src = write_corpus(TEXTS)
    one = extract_corpus(str(src), str(tmp_path / "one"), config_path=BASE_ONLY, n_process=1)
    pools = []
    real = workers.BatchPool.__init__

    def counting(self, *args, **kwargs):
        real(self, *args, **kwargs)
        pools.append(self)

    monkeypatch.setattr(workers.BatchPool, "__init__", counting)
    # task_batch=2: three batch tasks, all served by the same two worker processes
    two = extract_corpus(str(src), str(tmp_path / "two"), config_path=BASE_ONLY, n_process=2, task_batch=2)
    assert len(pools) == 1 and pools[0].starts == 1
    # the two workers' start (loading the pipeline) is timed and its CPU counted, once each
    assert two.worker_start_seconds > 0 and one.worker_start_seconds == 0
    assert pools[0].start_cpu_seconds == two.worker_start_cpu_seconds > 0 == one.worker_start_cpu_seconds
    assert not workers.RUNNING
    assert len(pools[0].processes) == 2 and all(not p.is_alive() for p in pools[0].processes)
    assert (two.processed, two.words, two.rows_written) == (one.processed, one.words, one.rows_written)
    for table in ARTICLE_TABLES:
        key = TABLES[table].names[0]
        a = pd.read_parquet(tmp_path / "one" / table)
        b = pd.read_parquet(tmp_path / "two" / table)
        pd.testing.assert_frame_equal(_sorted(a, key), _sorted(b, key))


@contextmanager
def _pool(tmp_path: Path, **kwargs) -> Iterator[tuple[workers.BatchPool, Path]]:
    """A two-worker pool (closed afterwards) and an empty staging folder for its parts."""
    staging = tmp_path / "staging"
    staging.mkdir()
    pool = workers.BatchPool(_options(), **kwargs)
    try:
        yield pool, staging
    finally:
        pool.close()


def test_a_slice_failing_in_a_worker_rejects_only_its_articles(tmp_path, write_corpus):
    with _pool(tmp_path, job=failing_job) as (pool, staging):
        arts = _articles(write_corpus, 4)
        result = pool.run_batch(arts, str(staging), "00000", "")
    # slices by length: [a, b] and [c, d]; the second holds the failing article
    rejected = sorted(r.doc_id for r in result.rejects)
    assert rejected == ["c", "d"] and result.article_ids == [arts[0].article_id, arts[1].article_id]
    assert all("batch failed in a worker process: RuntimeError: the component broke" in r.reason
               for r in result.rejects)
    assert sorted(p.name for p in (staging / "articles").iterdir()) == ["part-00000-0.parquet"]


def test_a_worker_that_dies_is_replaced_and_only_its_slice_is_lost(tmp_path, write_corpus):
    with _pool(tmp_path, job=dying_job) as (pool, staging):
        arts = _articles(write_corpus, 4)
        result = pool.run_batch(arts, str(staging), "00000", "")
        assert pool.starts >= 2
        after = pool.run_batch(arts[:2], str(staging), "00001", "")  # the replaced pool still works
    assert sorted(r.doc_id for r in result.rejects) == ["c", "d"]
    assert result.article_ids == [arts[0].article_id, arts[1].article_id]
    assert "worker process died" in result.rejects[0].reason
    assert after.article_ids == [arts[0].article_id, arts[1].article_id] and not after.rejects
    # what the dying slice wrote before it died is gone
    assert sorted(p.name for p in (staging / "articles").iterdir()) == [
        "part-00000-0.parquet", "part-00001-0.parquet", "part-00001-1.parquet"]


def test_a_stop_reaches_the_workers(tmp_path, monkeypatch, write_corpus):
    monkeypatch.setattr(batch_mod, "STOP", batch_mod.threading.Event())
    with _pool(tmp_path) as (pool, staging):
        batch_mod.STOP.set()
        result = pool.run_batch(_articles(write_corpus, 4), str(staging), "00000", "")
    assert result.interrupted and not result.article_ids
    assert not any(Path(staging).rglob("*.parquet"))
