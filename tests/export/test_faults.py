"""Faults a run must survive: SIGKILL half-way, a full or read-only disk, two runs at once."""
import errno
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from pipeline.export import dataset
from pipeline.export.dataset import DatasetLocked, DatasetWriteError, current_version
from pipeline.flows.extract import extract_corpus

BASE_ONLY = str(Path(__file__).resolve().parents[1] / "fixtures" / "base_only.toml")
TEXTS = {
    "a": "Budget vote delayed\nThe vote was delayed until Thursday, officials said.\n",
    "b": "Rail strike ends\nThe strike ended after 12 days, the union said.\n",
    "c": "Harbour reopens\nThe harbour reopened on Monday.\n",
    "d": "School opens\nA new school opened in the north of the city.\n",
    "e": "Road closed\nThe coast road will stay closed until spring, the county said.\n",
}


def _tables(out: Path) -> dict[str, pd.DataFrame]:
    got = {}
    for table, key in (("articles", "article_id"), ("claims", "claim_id"), ("figures", "figure_id"),
                       ("dates", "date_id"), ("places", "place_id")):
        got[table] = pd.read_parquet(out / table).sort_values(key).reset_index(drop=True)
    return got


def _assert_same_data(left: Path, right: Path) -> None:
    a, b = _tables(left), _tables(right)
    for table in a:
        pd.testing.assert_frame_equal(a[table], b[table], check_dtype=False)
    assert a["articles"]["article_id"].is_unique


KILLED_RUN = textwrap.dedent("""
    import sys, time
    import pipeline.stage.batch as batch

    original = batch.process_batch

    def slow(*args, **kwargs):  # write the batch's parts, then hang until killed
        result = original(*args, **kwargs)
        print("PART-WRITTEN", flush=True)
        time.sleep(120)
        return result

    batch.process_batch = slow
    from pipeline.flows.extract import extract_corpus
    extract_corpus(sys.argv[1], sys.argv[2], config_path=sys.argv[3], task_batch=1)
""")


def test_sigkill_mid_run_keeps_previous_dataset_and_rerun_matches_clean_run(tmp_path, write_corpus, prefect_harness):
    from prefect.settings import PREFECT_API_URL

    src = write_corpus(TEXTS, ["a", "b"])
    out = tmp_path / "out"
    extract_corpus(str(src), str(out), config_path=BASE_ONLY)
    before = current_version(out)
    previous = _tables(out)

    write_corpus(TEXTS, ["c", "d", "e"])
    (src / "a.txt").write_text(TEXTS["a"].replace("Thursday", "Friday"), encoding="utf-8")
    script = tmp_path / "killed_run.py"
    script.write_text(KILLED_RUN, encoding="utf-8")
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}
    proc = subprocess.Popen([sys.executable, str(script), str(src), str(out), BASE_ONLY], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        assert line.strip() == "PART-WRITTEN"
        assert list((out / ".versions").glob("*.tmp/articles/part-*.parquet")), "a part was staged"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()

    assert current_version(out) == before
    for table, frame in _tables(out).items():
        pd.testing.assert_frame_equal(frame, previous[table])

    rerun = extract_corpus(str(src), str(out), config_path=BASE_ONLY)
    assert (rerun.processed, rerun.unchanged) == (4, 1)
    assert not list((out / ".versions").glob("*.tmp"))
    clean = tmp_path / "clean"
    extract_corpus(str(src), str(clean), config_path=BASE_ONLY)
    _assert_same_data(out, clean)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_unwritable_output_is_a_clear_error_and_keeps_previous_dataset(tmp_path, write_corpus, prefect_harness,
                                                                       monkeypatch, code):
    src = write_corpus(TEXTS, ["a", "b"])
    out = tmp_path / "out"
    extract_corpus(str(src), str(out), config_path=BASE_ONLY)
    before, previous = current_version(out), _tables(out)
    write_corpus(TEXTS, ["c"])

    def failing_write(directory, table, rows, part):
        raise OSError(code, os.strerror(code), str(directory / table))

    monkeypatch.setattr(dataset, "write_part", failing_write)
    with pytest.raises(DatasetWriteError, match=os.strerror(code)) as info:
        extract_corpus(str(src), str(out), config_path=BASE_ONLY)
    assert "previous version is unchanged" in str(info.value)
    assert current_version(out) == before
    assert not list((out / ".versions").glob("*.tmp"))
    for table, frame in _tables(out).items():
        pd.testing.assert_frame_equal(frame, previous[table])


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_output_folder(tmp_path, write_corpus, prefect_harness):
    src = write_corpus(TEXTS, ["a"])
    out = tmp_path / "out"
    extract_corpus(str(src), str(out), config_path=BASE_ONLY)
    write_corpus(TEXTS, ["b"])
    os.chmod(out / ".versions", 0o555)
    try:
        with pytest.raises(DatasetWriteError):
            extract_corpus(str(src), str(out), config_path=BASE_ONLY)
    finally:
        os.chmod(out / ".versions", 0o755)
    assert len(pd.read_parquet(out / "articles")) == 1


HOLD_LOCK = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from pipeline.export.dataset import locked

    with locked(Path(sys.argv[1])):  # another process holds the lock for a moment, as a run would
        print("LOCKED", flush=True)
        time.sleep(float(sys.argv[2]))
""")


def test_second_run_on_same_output_is_refused_then_can_wait(tmp_path, write_corpus, prefect_harness):
    src = write_corpus(TEXTS, ["a"])
    out = tmp_path / "out"
    extract_corpus(str(src), str(out), config_path=BASE_ONLY)
    before = current_version(out)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(out), "4"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "LOCKED"
        with pytest.raises(DatasetLocked, match="--wait"):
            extract_corpus(str(src), str(out), config_path=BASE_ONLY)
        assert current_version(out) == before
        waited = extract_corpus(str(src), str(out), config_path=BASE_ONLY, wait=True)
        assert waited.unchanged == 1 and holder.poll() == 0
    finally:
        holder.kill()
        holder.wait()


def _small_disk(path: Path) -> bool:
    path.mkdir()
    if os.geteuid() != 0:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(path)], capture_output=True)
    return done.returncode == 0


def test_really_full_disk(tmp_path, write_corpus, prefect_harness):
    disk = tmp_path / "disk"
    if not _small_disk(disk):
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        src = write_corpus(TEXTS, ["a", "b"])
        out = disk / "out"
        extract_corpus(str(src), str(out), config_path=BASE_ONLY)
        before, previous = current_version(out), _tables(out)
        words = " ".join(os.urandom(200).hex() for _ in range(2000))  # ~800 kB that does not compress
        (src / "big.txt").write_text(f"Long report\n{words}.\n", encoding="utf-8")
        with pytest.raises(DatasetWriteError, match="No space left on device"):
            extract_corpus(str(src), str(out), config_path=BASE_ONLY)
        assert current_version(out) == before
        assert not list((out / ".versions").glob("*.tmp"))
        for table, frame in _tables(out).items():
            pd.testing.assert_frame_equal(frame, previous[table])
    finally:
        subprocess.run(["umount", str(disk)], check=False)
