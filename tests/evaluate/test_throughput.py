"""The benchmark command's helpers and a tiny end-to-end benchmark on the base model."""
import json
from pathlib import Path

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
