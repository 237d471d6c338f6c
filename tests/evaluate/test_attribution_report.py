"""Tests of the attribution benchmark breakdown on a tiny hand-made dataset."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from pipeline.evaluate import attribution as ev

GOLD = [
    {"id": "cp_2023-03-22_border", "attributions": [
        {"source": {"text": "Kirsten Hillman"}, "cue": {"text": "said"},
         "content": {"text": "the agreement closes a loophole at Roxham Road"}},
        {"source": {"text": "she"}, "cue": {"text": "said"},
         "content": {"text": "“We will keep working with our partners.”"}},
    ]},
    {"id": "wire_2023-03-23_talks", "attributions": [
        {"source": {"text": "officials"}, "cue": {"text": "expect"},
         "content": {"text": "talks to resume next week in Ottawa"}},
    ]},
]


def write_dataset(tmp_path: Path) -> Path:
    out = tmp_path / "ds"
    out.mkdir()
    pd.DataFrame({"article_id": ["a1", "a2"], "doc_id": ["cp_2023-03-22_border", "wire_2023-03-23_talks"]}
                 ).to_parquet(out / "articles.parquet")
    pd.DataFrame([
        {"article_id": "a1", "content": "the agreement closes a loophole at Roxham Road",
         "speaker_mention": "Hillman", "speaker": "Kirsten Hillman", "claim_type": "indirect"},
        {"article_id": "a1", "content": "We will keep working with our partners.",
         "speaker_mention": "she", "speaker": "Marco Mendicino", "claim_type": "direct"},
        {"article_id": "a2", "content": "the weather was cold", "speaker_mention": "officials",
         "speaker": None, "claim_type": None},
    ]).to_parquet(out / "claims.parquet")
    return out


def test_speaker_kind() -> None:
    assert ev.speaker_kind("she") == "pronoun"
    assert ev.speaker_kind("Donald Trump") == "name"
    assert ev.speaker_kind("the Trump campaign") == "name"
    assert ev.speaker_kind("officials") == "other"
    assert ev.speaker_kind(None) == "none"


def test_overlap_f1() -> None:
    assert ev.overlap_f1("a b c d", "a b c d") == 1.0
    assert ev.overlap_f1("a b c d", "x y") == 0.0
    assert abs(ev.overlap_f1("a b c d", "a b") - 2 / 3) < 1e-9


def test_report_groups(tmp_path: Path) -> None:
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text("\n".join(json.dumps(g) for g in GOLD), encoding="utf-8")
    rows = {(r["dimension"], r["group"]): r for r in ev.report(write_dataset(tmp_path), gold_path)}
    total = rows[("all", "all")]
    assert (total["gold"], total["predicted"]) == (3, 3)
    assert total["content_r"] == round(2 / 3, 3) and total["content_p"] == round(2 / 3, 3)
    # "she" shares a word with the gold source, so the direct quote counts as attributed
    assert total["attribution_r"] == round(2 / 3, 3)
    assert rows[("publisher", "cp")]["content_r"] == 1.0
    assert rows[("publisher", "wire")]["content_r"] == 0.0
    assert rows[("publisher", "wire")]["content_p"] == 0.0
    assert rows[("type", "direct")]["gold"] == 1 and rows[("type", "direct")]["attribution_r"] == 1.0
    assert rows[("speaker", "pronoun")]["attribution_r"] == 1.0
    assert rows[("speaker", "other")]["content_r"] == 0.0
    text = ev.format_rows(list(rows.values()))
    assert "publisher" in text and "wire" in text


def test_main_prints_json(tmp_path: Path, capsys) -> None:
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text("\n".join(json.dumps(g) for g in GOLD), encoding="utf-8")
    assert ev.main([str(write_dataset(tmp_path)), str(gold_path), "--json"]) == 0
    first = json.loads(capsys.readouterr().out.splitlines()[0])
    assert first["dimension"] == "all" and first["gold"] == 3


# A third article for the error classes, with character offsets on both sides.
TEXT = ("Kirsten Hillman said the agreement closes a loophole at Roxham Road. "
        "Marco Mendicino said the talks went well. Minister Anand expects a vote soon.")


def offsets(part: str) -> list[int]:
    start = TEXT.index(part)
    return [start, start + len(part)]


ERROR_GOLD = {"id": "cp_2023-03-24_vote", "attributions": [
    {"source": {"text": "Kirsten Hillman"}, "content": {"text": "the agreement closes a loophole at Roxham Road",
                                                        "spans": [offsets("the agreement closes a loophole at Roxham Road")]}},
    {"source": {"text": "Marco Mendicino"}, "content": {"text": "the talks went well",
                                                        "spans": [offsets("the talks went well")]}},
    {"source": {"text": "Minister Anand"}, "content": {"text": "a vote soon", "spans": [offsets("a vote soon")]}},
    {"source": {"text": "Hillman"}, "content": {"text": "Roxham Road is closed",
                                                "spans": [offsets("Kirsten Hillman")]}},
]}


def claim(content: str, mention: str, start: int, end: int, claim_type: str = "indirect") -> dict:
    return {"content": content, "speaker_mention": mention, "speaker": mention, "start": start, "end": end,
            "claim_type": claim_type}


def test_error_classes_say_what_became_of_each_attribution() -> None:
    found = offsets("the agreement closes a loophole at Roxham Road")
    wrong = offsets("the talks went well")
    vote = offsets("Minister Anand expects a vote soon")
    claims = [
        claim(TEXT[found[0]:found[1]], "Kirsten Hillman", *found),         # right
        claim(TEXT[wrong[0]:wrong[1]], "Kirsten Hillman", *wrong),         # content right, speaker wrong
        claim(TEXT[vote[0]:vote[1]] + " and more words here", "Anand", vote[0], vote[1]),  # too long: partial
        claim("the weather was cold", "officials", 500, 520),              # touches no gold: spurious
    ]
    classes = ev.error_classes([ERROR_GOLD], {ERROR_GOLD["id"]: claims})
    assert classes["gold:indirect:name"] == {"found": 1, "speaker_wrong": 1, "partial": 1, "missed": 1}
    assert classes["claims:indirect"] == {"right": 1, "speaker_wrong": 1, "partial": 1, "spurious": 1}


def test_error_classes_without_offsets_count_no_partial() -> None:
    claims = [claim("the weather was cold", "officials", None, None)]
    classes = ev.error_classes([ERROR_GOLD], {ERROR_GOLD["id"]: claims})
    assert classes["gold:indirect:name"] == {"missed": 4}
    assert classes["claims:indirect"] == {"spurious": 1}


def test_error_rows_from_a_dataset(tmp_path: Path, capsys) -> None:
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text("\n".join(json.dumps(g) for g in GOLD), encoding="utf-8")
    rows = {r["group"]: r for r in ev.error_rows(write_dataset(tmp_path), gold_path)}
    assert rows["gold:all"]["total"] == 3 and rows["gold:all"]["found"] == 2
    # the weather claim has no offsets in this dataset: it cannot be told partial, so it is missed
    assert rows["gold:all"]["missed"] == 1 and rows["gold:all"]["missed_share"] == round(1 / 3, 3)
    assert rows["claims:all"] == {**rows["claims:all"], "total": 3, "right": 2, "spurious": 1}
    assert ev.main([str(tmp_path / "ds"), str(gold_path), "--errors"]) == 0
    assert "speaker_wrong" in capsys.readouterr().out
