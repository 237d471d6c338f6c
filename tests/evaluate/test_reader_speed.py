"""The reader benchmark: the files it writes read back as the same articles, and its report is whole."""
from pathlib import Path

from pipeline.cli import build_parser
from pipeline.evaluate.reader_speed import measure_readers, write_jsonl_gz, write_warc_gz
from pipeline.ingest import read_corpus
from pipeline.ingest.records import Article

BASE_ONLY = str(Path(__file__).resolve().parents[1] / "fixtures" / "base_only.toml")
TEXTS = ["Budget vote delayed\nThe vote on the city budget was delayed until Thursday, officials said.\n"
         "The council will meet again next week to discuss the plan for the new bus depot.\n",
         "Rail strike ends\nThe rail strike ended after 12 days, the union said on Sunday evening.\n"
         "Trains will run a reduced timetable on Monday while crews return to work across the region.\n"]


def _articles(tmp_path: Path) -> list[Article]:
    src = tmp_path / "in"
    src.mkdir()
    for i, text in enumerate(TEXTS):
        (src / f"art{i}.txt").write_text(text, encoding="utf-8")
    return [a for a in read_corpus(src) if isinstance(a, Article)]


def test_benchmark_files_read_back_as_the_articles(tmp_path):
    arts = _articles(tmp_path)
    write_jsonl_gz(arts, 5, tmp_path / "b.jsonl.gz")
    write_warc_gz(arts, 5, tmp_path / "b.warc.gz")
    from_jsonl = [a for a in read_corpus(tmp_path / "b.jsonl.gz") if isinstance(a, Article)]
    from_warc = [a for a in read_corpus(tmp_path / "b.warc.gz") if isinstance(a, Article)]
    assert [a.doc_id for a in from_jsonl] == ["art0~0", "art1~0", "art0~1", "art1~1", "art0~2"]
    assert [a.text for a in from_jsonl[:2]] == [a.text for a in arts]
    assert len(from_warc) == 5 and from_warc[1].title == "Rail strike ends"
    assert "reduced timetable on Monday" in from_warc[1].text


def test_measure_readers_reports_rates_and_ratios(tmp_path):
    report = measure_readers(_articles(tmp_path), BASE_ONLY, 8, 1, tmp_path, min_articles=20)
    assert report["jsonl_gz"]["articles"] == report["warc_gz"]["articles"] == 20
    assert report["nlp"]["articles"] == 2
    for kind in ("jsonl_gz", "warc_gz"):
        assert report[f"{kind}_vs_nlp"] > 0 and report[kind]["articles_per_second"] > 0


def test_benchmark_has_a_readers_flag():
    args = build_parser().parse_args(["benchmark", "corpus", "--readers"])
    assert args.readers is True
