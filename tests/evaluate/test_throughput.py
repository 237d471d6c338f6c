"""The benchmark command's helpers and a tiny end-to-end benchmark on the base model."""
import json
from pathlib import Path

import pytest

from pipeline.cli import build_parser
from pipeline.evaluate.throughput import load_articles, repeated, word_count, write_jsonl
from pipeline.ingest.records import Article

BASE_ONLY = str(Path(__file__).resolve().parents[1] / "fixtures" / "base_only.toml")
TEXTS = ["Budget vote delayed\nThe vote was delayed until Thursday, officials said.\n",
         "Rail strike ends\nThe strike ended after 12 days, the union said.\n"]


def _input(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    for i, text in enumerate(TEXTS):
        (src / f"art{i}.txt").write_text(text, encoding="utf-8")
    return src


def test_repeated_articles_cycle_with_new_ids(tmp_path):
    arts = load_articles(str(_input(tmp_path)))
    copies = list(repeated(arts, 5, max_chars=10))
    assert [a.doc_id for a in copies] == ["art0", "art1", "art0~1", "art1~1", "art0~2"]
    assert all(len(a.text) <= 10 for a in copies)
    jsonl = tmp_path / "copies.jsonl"
    assert write_jsonl(copies, jsonl) == 5
    back = load_articles(str(jsonl))
    assert len({a.article_id for a in back}) == 5 and all(isinstance(a, Article) for a in back)


def test_word_count_skips_punctuation_and_space():
    import spacy

    nlp = spacy.blank("en")
    assert word_count(nlp("The vote, officials said.\n")) == 4


def test_benchmark_command_reports_both_speeds_and_their_ratio(tmp_path, prefect_harness, capsys):
    args = build_parser().parse_args(["benchmark", str(_input(tmp_path)), "--config", BASE_ONLY, "--sizes", "",
                                      "--json"])
    assert args.func(args) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["articles"] == 2
    assert report["raw_spacy"]["words"] == report["pipeline"]["words"] > 10
    assert report["ratio"] > 0
    assert "memory" not in report


def test_nightly_measurement_times_full_unchanged_and_new_runs(tmp_path):
    from pipeline.evaluate.throughput import measure_nightly

    arts = load_articles(str(_input(tmp_path)))
    work = tmp_path / "work"
    work.mkdir()
    report = measure_nightly(arts, work, 0.5, BASE_ONLY, 1, pause=0)
    assert report["full"]["processed"] == 2
    assert report["nothing_new"]["processed"] == 0 and report["nothing_new"]["unchanged"] == 2
    assert report["new_articles"] == 1
    assert report["nightly"]["processed"] == 1 and report["nightly"]["unchanged"] == 2
    assert 0 < report["nightly_share"] == round(report["nightly"]["seconds"] / report["full"]["seconds"], 4)


def test_amdahl_projection_and_process_counts():
    from pipeline.evaluate.throughput import amdahl, parse_counts

    assert amdahl(0.0, 16) == 16 and amdahl(1.0, 16) == 1
    assert round(amdahl(0.03, 16), 2) == 11.03
    assert parse_counts("1,2") == [1, 2] and parse_counts(2) == [2]
    for bad in ("", "0,2", "x"):
        try:
            parse_counts(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} was accepted")


def test_repeat_times_each_side_that_often_and_keeps_the_fastest(tmp_path, prefect_harness, capsys, monkeypatch):
    import pipeline.nlp as nlp_module

    built = []
    real_build = nlp_module.build_pipeline
    monkeypatch.setattr(nlp_module, "build_pipeline", lambda cfg: built.append(1) or real_build(cfg))
    args = build_parser().parse_args(["benchmark", str(_input(tmp_path)), "--config", BASE_ONLY, "--sizes", "",
                                      "--repeat", "2", "--json"])
    assert args.func(args) == 0
    [run] = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["speed"]["runs"]
    tried = run["attempts"]
    assert len(tried["raw_spacy"]) == len(tried["pipeline"]) == 2
    assert min(tried["pipeline"]) > 0  # each attempt writes a new dataset: none finds its articles unchanged
    assert run["raw_spacy"]["words_per_second"] == pytest.approx(max(tried["raw_spacy"]), abs=0.1)
    assert run["pipeline"]["words_per_second"] == pytest.approx(max(tried["pipeline"]), abs=0.1)
    assert run["pipeline"]["articles"] == len(TEXTS)  # the fastest attempt processed every article, none skipped as unchanged
    # each attempt's pipeline against the raw run just before it, and the median of the two
    pairs = [p / r for r, p in zip(tried["raw_spacy"], tried["pipeline"])]
    assert run["paired_ratios"] == [pytest.approx(x, abs=0.002) for x in pairs]
    assert run["paired_ratio_median"] == pytest.approx(sum(pairs) / 2, abs=0.002)
    # each attempt loads the pipeline afresh (as raw spaCy loads its model), none reuses a warm one
    assert len(built) == 2


def test_benchmark_on_one_and_two_processes_reports_speed_up_and_main_share(tmp_path, prefect_harness, capsys):
    args = build_parser().parse_args(["benchmark", str(_input(tmp_path)), "--config", BASE_ONLY, "--sizes", "",
                                      "--n-process", "1,2", "--json"])
    assert args.func(args) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    one, two = report["speed"]["runs"]
    assert (one["n_process"], two["n_process"]) == (1, 2)
    assert one["raw_speedup"] == one["pipeline_speedup"] == 1.0
    for run in (one, two):
        p = run["pipeline"]
        assert run["raw_spacy"]["words"] == p["words"] > 10
        # the ratio of the unrounded speeds, against the rounded ones reported beside it
        assert run["ratio"] == pytest.approx(p["words_per_second"] / run["raw_spacy"]["words_per_second"], abs=0.002)
        assert 0 < p["main_cpu_share"] <= 1
        # one attempt: its pair is the ratio itself
        assert run["paired_ratios"] == [pytest.approx(run["ratio"], abs=0.002)]
        assert run["paired_ratio_median"] == run["paired_ratios"][0]
        # CPU seconds of every process of each side, and how busy its cores were over the timed run
        assert p["cpu_seconds"] == pytest.approx(p["main_cpu_seconds"] + p["worker_cpu_seconds"], abs=0.11)
        for side in (p, run["raw_spacy"]):
            assert side["cpu_seconds"] > 0
            # seconds and CPU seconds are reported to the millisecond, the share to 1e-4
            cpu, wall, n = side["cpu_seconds"], side["seconds"], run["n_process"]
            assert (cpu - 5e-4) / (n * (wall + 5e-4)) - 1e-4 <= side["busy"] <= (cpu + 5e-4) / (n * (wall - 5e-4)) + 1e-4
    # one process: all the work is in the main process; two: the workers' CPU time is counted
    assert one["pipeline"]["worker_cpu_seconds"] < 0.5 * one["pipeline"]["main_cpu_seconds"]
    assert two["pipeline"]["worker_cpu_seconds"] > 0 and two["pipeline"]["worker_start_seconds"] > 0
    assert two["pipeline"]["main_cpu_share"] < one["pipeline"]["main_cpu_share"]
    assert abs(two["speedup_vs_raw"] - two["pipeline_speedup"] / two["raw_speedup"]) < 0.01 * two["speedup_vs_raw"]
    projection = report["speed"]["projection"]
    assert projection["serial_share"] == two["pipeline"]["main_cpu_share"]
    assert projection["amdahl_speedup"] == round(1 / (projection["serial_share"]
                                                      + (1 - projection["serial_share"]) / 16), 2)


def test_dask_benchmark_times_a_warm_cluster_and_counts_its_workers_cpu(tmp_path, prefect_harness, capsys):
    args = build_parser().parse_args(["benchmark", str(_input(tmp_path)), "--config", BASE_ONLY, "--sizes", "",
                                      "--n-process", "1", "--task-runner", "dask:1", "--json"])
    assert args.func(args) == 0
    [run] = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["speed"]["runs"]
    p = run["pipeline"]
    assert run["task_runner"] == "dask:1" and p["articles"] == len(TEXTS) and p["words"] == run["raw_spacy"]["words"]
    # the cluster's start and pipeline loading are reported apart, not timed
    assert p["worker_start_seconds"] > 0 and p["seconds_with_start"] > p["seconds"]
    # the batch ran in the Dask worker, which outlives the run: its CPU time is asked of it
    assert p["worker_cpu_seconds"] > 0 and p["main_cpu_share"] < 1
