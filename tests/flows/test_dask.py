"""The same flow on a Dask LocalCluster gives the same dataset as a local run."""
import pandas as pd

from tests.flows.test_extract import BASE_ONLY, _corpus
from pipeline.flows.extract import extract_corpus


def test_dask_runner_matches_local_run(tmp_path, prefect_harness):
    src = _corpus(tmp_path, {
        "a": "Budget vote delayed\nThe vote was delayed until Thursday, officials said.\n",
        "b": "Rail strike ends\nThe strike ended after 12 days, the union said.\n",
        "c": "Harbour reopens\nThe harbour reopened on Monday.\n",
        "d": "School opens\nA new school opened in the north of the city.\n",
    })
    local = extract_corpus(str(src), str(tmp_path / "local"), config_path=BASE_ONLY)
    dask = extract_corpus(str(src), str(tmp_path / "dask"), config_path=BASE_ONLY, task_runner="dask:1")
    assert dask.processed == local.processed == 4 and dask.words == local.words > 0
    for table in ("articles", "claims"):
        a = pd.read_parquet(tmp_path / "local" / table).sort_values(table[:-1] + "_id" if table == "claims" else "article_id")
        b = pd.read_parquet(tmp_path / "dask" / table).sort_values(table[:-1] + "_id" if table == "claims" else "article_id")
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))
