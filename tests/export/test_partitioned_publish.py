"""A publish that links its claims a partition at a time writes the tables of a publish that links
them at once (ids, rows, row order), leaves no temporary file, and publishes nothing when it fails."""
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.export import corpus_tables
from pipeline.export.dataset import current_version, write_part
from pipeline.flows.extract import extract_corpus

TEXTS = {
    "senate": "Senate passes bridge bill\nSenator John Smith, a Republican from Ohio, said on Monday that the bridge "
              "bill would pass. \"We will fund every bridge in this state before the winter comes,\" Smith said. "
              "Jane Doe, a professor of law at Ohio State, said the plan was legal. \"The statute gives the state "
              "that power without any doubt at all,\" Doe said.\n",
    "copy": "Bridge bill clears Senate\n\"We will fund every bridge in this state before the winter comes,\" Senator "
            "John Smith told reporters on Monday. The Pentagon said no troops would be involved.\n",
    "farm": "Milk prices fall\nJohn Smith, a dairy farmer in Vermont, said prices had fallen by half. \"We cannot "
            "keep the herd at these prices for another year,\" Smith said. Jane Doe, a professor of law, said "
            "farmers could sue. \"The statute gives the state that power without any doubt at all,\" Doe told "
            "the meeting.\n",
    "later": "Smith repeats pledge\n\"We will fund every bridge in the state before winter comes,\" Smith said again "
             "on Friday, according to his office. The Pentagon said it had not been consulted.\n",
}
CORPUS = ("speakers", "quotes", "claims")


def _read(out: Path) -> dict:
    return {t: pq.read_table(out / t) for t in CORPUS}


def _assert_identical(left: dict, right: dict) -> None:
    for table in CORPUS:
        assert left[table].num_rows > 0
        assert left[table].equals(right[table]), table


class Partitioned:
    """Publishes link ``size`` claims at a time while it is set (else the configured number);
    ``counts`` holds what each partitioned publish returned."""

    def __init__(self) -> None:
        self.size: int | None = None
        self.counts: list[dict] = []


@pytest.fixture
def partitioned(monkeypatch):
    state = Partitioned()
    configured, build = corpus_tables.partition_claims, corpus_tables._build_partitioned

    def spy(*args, **kwargs):
        state.counts.append(build(*args, **kwargs))
        return state.counts[-1]

    monkeypatch.setattr(corpus_tables, "partition_claims", lambda path=None: state.size or configured())
    monkeypatch.setattr(corpus_tables, "_build_partitioned", spy)
    return state


def _run(src: Path, out: Path, partitioned: Partitioned, size: int | None) -> None:
    partitioned.size = size
    extract_corpus(str(src), str(out))


def test_a_run_published_in_partitions_equals_one_published_at_once(tmp_path, write_corpus, prefect_harness,
                                                                    partitioned):
    once, parted = tmp_path / "once", tmp_path / "parted"
    src = write_corpus(TEXTS, ["senate", "copy", "farm"])
    _run(src, once, partitioned, None)
    assert not partitioned.counts
    _run(src, parted, partitioned, 2)
    assert partitioned.counts and partitioned.counts[-1]["partitions"] >= 3
    _assert_identical(_read(once), _read(parted))
    speakers = _read(parted)["speakers"].to_pylist()
    assert [s["name"] for s in speakers].count("John Smith") == 2          # the namesakes
    assert any(s["name"] == "Jane Doe" and s["n_articles"] == 2 for s in speakers)
    # a later article: its quote joins the earlier copies, carried parts are relinked alike
    write_corpus(TEXTS, ["later"])
    _run(src, once, partitioned, None)
    _run(src, parted, partitioned, 2)
    assert len(partitioned.counts) == 2
    _assert_identical(_read(once), _read(parted))
    quotes = _read(parted)["quotes"].to_pylist()
    assert max(q["n_articles"] for q in quotes) == 3 and max(q["n_wordings"] for q in quotes) == 2
    assert not list(parted.rglob(corpus_tables.LINKING_DIR)) and not list(parted.rglob("*.arrow"))


def _claim(n: int, article: str, speaker: str, content: str, kind: str | None = "person", role: str | None = None):
    return {"claim_id": f"c{n:03d}", "article_id": article, "claim_index": n, "claim_type": "direct",
            "content": content, "start": 0, "end": len(content), "speaker": speaker, "speaker_type": kind,
            "speaker_role": role, "speaker_mention": speaker or None, "cue": "said", "content_spans": []}


def _version(root: Path) -> Path:
    """A staged version written row by row: parts that split articles and families apart."""
    from datetime import date
    articles = [{"article_id": a, "doc_id": a, "published": d, "source": s, "text": "", "n_words": 0,
                 "input_path": "in.jsonl", "input_format": "jsonl", "content_hash": a, "pipeline_version": "0",
                 "model": "test"}
                for a, d, s in (("a1", date(2024, 3, 1), "AP"), ("a2", date(2024, 3, 2), "Reuters"),
                                ("a3", None, "AP"), ("a4", date(2024, 3, 9), "CBC"))]
    shared = "We will pass the infrastructure bill before the summer recess, whatever the cost."
    claims = [
        [_claim(0, "a1", "John Smith", shared, role="Senator"), _claim(1, "a1", "", "Turnout was the highest in years."),
         _claim(2, "a1", "Jane Doe", "The statute allows it without doubt.", role="professor of law")],
        [_claim(3, "a2", "Smith", shared), _claim(4, "a2", "the Pentagon", "No troops will move.", kind="organization"),
         _claim(5, "a3", "John Smith", "Milk prices fell by half this spring.", role="a dairy farmer")],
        [_claim(6, "a3", "", "Turnout was the highest in years."), _claim(7, "a4", "Smith's", "The hearing goes ahead."),
         _claim(8, "a4", "Smith", "We will pass the infrastructure bill before the summer recess whatever it costs."),
         _claim(9, "a4", "Pentagon", "No troops will move.", kind="organization"),
         _claim(10, "a4", "Jane Doe", "The statute allows it without doubt.")],
    ]
    version = root / "version"
    version.mkdir(parents=True)
    write_part(version, "articles", articles, "00000")
    for i, rows in enumerate(claims):
        write_part(version, "claims", rows, f"{i:05d}")
    return version


@pytest.mark.parametrize("size", [1, 3, 5])
def test_a_version_linked_in_partitions_of_any_size_equals_it_linked_at_once(tmp_path, size):
    once, parted = _version(tmp_path / "once"), _version(tmp_path / "parted")
    counts_once = corpus_tables.build_corpus_tables(once, partition_size=1000)
    counts = corpus_tables.build_corpus_tables(parted, partition_size=size)
    assert counts_once["partitions"] == 1 and counts["partitions"] == -(-11 // size)
    assert {k: v for k, v in counts.items() if k != "partitions"} == \
        {k: v for k, v in counts_once.items() if k != "partitions"}
    _assert_identical(_read(once), _read(parted))
    sid = {r["claim_id"]: r["speaker_id"] for r in _read(parted)["claims"].to_pylist()}
    assert sid["c007"] == sid["c008"]  # "Smith's" and "Smith" of one article: one speaker across two families
    assert sorted(p.name for p in parted.iterdir()) == ["articles", "claims", "quotes", "speakers"]


def test_a_failure_while_linking_partitions_publishes_nothing(tmp_path, write_corpus, prefect_harness, partitioned,
                                                              monkeypatch):
    out = tmp_path / "out"
    src = write_corpus(TEXTS, ["senate", "copy"])
    _run(src, out, partitioned, 2)
    before, tables = current_version(out), _read(out)
    write_corpus(TEXTS, ["farm"])
    link, calls = corpus_tables.link_table, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise MemoryError("linking the second partition")
        return link(*args, **kwargs)

    monkeypatch.setattr(corpus_tables, "link_table", failing)
    with pytest.raises(MemoryError):
        extract_corpus(str(src), str(out))
    assert len(calls) == 2
    assert current_version(out) == before
    assert not list((out / ".versions").glob("*.tmp")) and not list(out.rglob("*.arrow"))
    _assert_identical(tables, _read(out))
