"""The same flow on a Dask LocalCluster gives the same dataset as a local run."""
import pandas as pd
import pytest

from tests.flows.test_extract import BASE_ONLY
from pipeline.flows.extract import extract_corpus

TEXTS = {
    "a": "Budget vote delayed\nThe vote was delayed until Thursday, officials said.\n",
    "b": "Rail strike ends\nThe strike ended after 12 days, the union said.\n",
    "c": "Harbour reopens\nThe harbour reopened on Monday.\n",
    "d": "School opens\nA new school opened in the north of the city.\n",
}


@pytest.fixture
def on_dask(tmp_path, prefect_harness, write_corpus):
    """``on_dask(workers, out, **options)``: the four articles of ``TEXTS`` extracted into
    ``tmp_path / out`` on a local Dask cluster of ``workers`` workers; returns the run's summary."""
    src = write_corpus(TEXTS)

    def run(workers: int, out: str, **options):
        return extract_corpus(str(src), str(tmp_path / out), config_path=BASE_ONLY, task_runner=f"dask:{workers}",
                              **options)
    return run


def test_dask_runner_matches_local_run(tmp_path, on_dask):
    local = extract_corpus(str(tmp_path / "in"), str(tmp_path / "local"), config_path=BASE_ONLY)
    dask = on_dask(1, "dask")
    assert dask.processed == local.processed == 4 and dask.words == local.words > 0
    for table in ("articles", "claims"):
        a = pd.read_parquet(tmp_path / "local" / table).sort_values(table[:-1] + "_id" if table == "claims" else "article_id")
        b = pd.read_parquet(tmp_path / "dask" / table).sort_values(table[:-1] + "_id" if table == "claims" else "article_id")
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


def _articles(lengths):
    from pipeline.ingest.records import Article, article_id_for, content_hash_for

    return [Article(article_id=article_id_for(f"a{i}"), doc_id=f"a{i}", title=None, text="Word. " * n,
                    published=None, source=None, url=None, author=None, input_path="in.jsonl",
                    input_format="jsonl", record=i, content_hash=content_hash_for(None, "Word. " * n, None))
            for i, n in enumerate(lengths)]


def test_a_batch_is_cut_for_the_dask_threads_largest_slice_first():
    from pipeline.flows.extract import _task_slices

    batch = _articles([10] * 64)
    assert _task_slices(batch, "00003", None, 32) == [("00003", batch)]  # one machine: the batch is one task
    assert _task_slices(batch, "00003", 1, 32) == [("00003", batch)]  # one worker thread: nothing to balance
    tasks = _task_slices(batch, "00003", 2, 8)
    assert [part for part, _ in tasks] == [f"00003-{j}" for j in range(8)]
    assert [a for _, chunk in tasks for a in chunk] == batch  # every article once, in order
    sizes = [len(chunk) for _, chunk in tasks]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > sizes[-1]


def test_shared_api_keeps_a_configured_api_and_is_only_for_local_clusters(prefect_harness):
    from prefect.settings import PREFECT_API_URL

    from pipeline.flows.runners import parse_runner, shared_api

    configured = PREFECT_API_URL.value()
    assert configured
    with shared_api(parse_runner("dask:2")) as url:
        assert url == configured == PREFECT_API_URL.value()
    with shared_api(parse_runner("local")) as url, shared_api(parse_runner("dask:tcp://10.0.0.5:8786")) as other:
        assert url is None and other is None


def test_local_clusters_run_their_workers_without_the_profiler_and_keep_the_rest_of_the_config():
    import dask.config

    from pipeline.flows.runners import local_cluster_kwargs

    kwargs = local_cluster_kwargs(3)
    assert kwargs["n_workers"] == 3 and kwargs["threads_per_worker"] == 1 and kwargs["processes"]
    config = kwargs["config"]
    assert config["distributed"]["worker"]["profile"]["enabled"] is False
    assert config["distributed"]["admin"] == dask.config.get("distributed.admin")  # a whole config, not a patch


def test_local_cluster_workers_start_without_the_malloc_trim_threshold():
    import os

    import dask.config
    from distributed import Client

    from pipeline.flows.runners import local_cluster_kwargs, start_local_cluster

    assert "MALLOC_TRIM_THRESHOLD_" in dask.config.get("distributed.nanny.pre-spawn-environ")  # Dask's default
    with start_local_cluster(**local_cluster_kwargs(1)) as cluster, Client(cluster) as client:
        seen = list(client.run(lambda: (os.environ.get("MALLOC_TRIM_THRESHOLD_"), os.environ.get("OMP_NUM_THREADS"))).values())
    assert seen == [(None, "1")]  # the rest of Dask's variables still set
    assert "MALLOC_TRIM_THRESHOLD_" in dask.config.get("distributed.nanny.pre-spawn-environ")  # left as it was


def test_on_two_dask_workers_a_batch_is_cut_into_slices(tmp_path, on_dask):
    summary = on_dask(2, "out", batch_size=1)
    assert summary.processed == 4
    parts = sorted(p.name for p in (tmp_path / "out").rglob("articles/part-00000*.parquet"))
    assert len(parts) > 1 and all(p.startswith("part-00000-") for p in parts)
