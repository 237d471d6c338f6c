"""SQL views over the dataset, output formats, and the `claims sql` command."""
import csv
import io
import json
import shutil

import pytest

from pipeline.cli import main
from pipeline.explore.sql import DatasetNotFound, connect, format_csv, format_json, open_dataset, run_query


def test_every_table_and_join_view_reads(dataset):
    con = connect(dataset)
    counts = {v: con.execute(f"SELECT count(*) FROM {v}").fetchone()[0]
              for v in ("articles", "claims", "figures", "dates", "places", "rejects", "runs", "speakers", "quotes",
                        "claim_figures", "claim_dates", "claim_places", "claim_speakers", "claim_quotes")}
    assert counts == {"articles": 2, "claims": 4, "figures": 2, "dates": 2, "places": 3, "rejects": 1, "runs": 1,
                      "speakers": 3, "quotes": 4, "claim_figures": 2, "claim_dates": 1, "claim_places": 2,
                      "claim_speakers": 4, "claim_quotes": 4}


def test_claim_figures_carries_the_claim_speaker_and_article_date(dataset):
    con = connect(dataset)
    rows = con.execute("SELECT speaker, cue, surface, value, currency, published, start "
                       "FROM claim_figures ORDER BY value DESC").fetchall()
    speaker, cue, surface, value, currency, published, start = rows[0]
    assert (speaker, cue, surface, value, currency) == ("Canada", "agree", "$26.9 million", 26.9e6, "CAD")
    assert published.isoformat() == "2023-03-22"
    text = con.execute("SELECT text FROM articles WHERE article_id = 'a-seed'").fetchone()[0]
    assert text[start:start + len(surface)] == surface  # start is the figure's own offset


def test_claim_dates_keeps_the_date_interval_columns(dataset):
    con = connect(dataset)
    row = con.execute("SELECT speaker, surface, date_start, date_end, granularity FROM claim_dates").fetchone()
    assert row[0] == "Canada" and row[1] == "2022" and str(row[2]) == "2022-01-01" and row[4] == "year"


def test_claims_join_their_speakers_and_quotes(dataset):
    con = connect(dataset)
    rows = con.execute("SELECT speaker, speaker_name, scope, speaker_claims, speaker_articles FROM claim_speakers "
                       "WHERE speaker = 'Kirsten Hillman'").fetchall()
    assert rows == [("Kirsten Hillman", "Kirsten Hillman", "corpus", 2, 1)] * 2
    assert con.execute("SELECT count(*) FROM claim_speakers").fetchone()[0] == 4
    quotes = con.execute("SELECT quote_id, quote_text, quote_articles, is_first, speaker_name FROM claim_quotes "
                         "ORDER BY claim_index, article_id").fetchall()
    assert len(quotes) == 4 and len({q[0] for q in quotes}) == 4 and all(q[2] == 1 and q[3] for q in quotes)
    top = con.execute("SELECT s.name, count(DISTINCT c.quote_id) FROM claims c JOIN speakers s USING (speaker_id) "
                      "GROUP BY 1 ORDER BY 2 DESC LIMIT 1").fetchone()
    assert top == ("Kirsten Hillman", 2)


def test_several_statements_give_the_last_result(dataset):
    result = run_query(connect(dataset), "CREATE TEMP TABLE t AS SELECT 2 AS x; SELECT x * 21 AS y FROM t")
    assert result.columns == ["y"] and result.rows == [(42,)]


def test_csv_and_json_outputs_parse_back(dataset):
    result = run_query(connect(dataset), "SELECT doc_id, published, n_words FROM articles ORDER BY doc_id")
    rows = list(csv.DictReader(io.StringIO(format_csv(result))))
    assert [r["doc_id"] for r in rows] == ["000_seed", "evil<1>"] and rows[0]["published"] == "2023-03-22"
    records = json.loads(format_json(result))
    assert set(records[1]) == {"doc_id", "published", "n_words"}
    assert (records[1]["doc_id"], records[1]["published"]) == ("evil<1>", "2023-06-02")
    assert isinstance(records[1]["n_words"], int)
    lines = format_json(result, lines=True).splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["doc_id"] == "000_seed"


def test_missing_dataset_says_to_run_claims_run(tmp_path):
    with pytest.raises(DatasetNotFound, match="claims run"):
        open_dataset(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetNotFound, match="claims run"):
        open_dataset(tmp_path / "empty")
    (tmp_path / "starting" / ".versions" / "r1.tmp").mkdir(parents=True)
    with pytest.raises(DatasetNotFound, match="not finished"):
        open_dataset(tmp_path / "starting")


def test_a_copied_folder_of_tables_works_and_missing_tables_read_empty(dataset, tmp_path):
    copy = tmp_path / "copy"
    copy.mkdir()
    for table in ("articles", "claims"):
        shutil.copytree(dataset / table, copy / table)
    con = connect(copy)
    assert con.execute("SELECT count(*) FROM claims").fetchone()[0] == 4
    assert con.execute("SELECT count(*) FROM claim_figures").fetchone()[0] == 0


def test_cli_prints_json_and_csv(dataset, capsys):
    assert main(["sql", str(dataset), "SELECT speaker, count(*) AS n FROM claims GROUP BY 1 ORDER BY n DESC, 1",
                 "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0] == {"speaker": "Kirsten Hillman", "n": 2}
    assert main(["sql", str(dataset), "SELECT surface FROM claim_places ORDER BY 1", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["surface", "Latin America", "Paris"]


def test_cli_table_output_and_view_listing(dataset, capsys):
    assert main(["sql", str(dataset), "SELECT doc_id FROM articles ORDER BY 1"]) == 0
    out = capsys.readouterr().out
    assert "000_seed" in out and "evil<1>" in out and "2 rows" in out
    assert main(["sql", str(dataset)]) == 0
    out = capsys.readouterr().out
    assert "claim_figures" in out and "speaker" in out


def test_cli_errors_exit_2_with_a_hint(dataset, tmp_path, capsys):
    assert main(["sql", str(tmp_path / "none"), "SELECT 1"]) == 2
    assert "claims run" in capsys.readouterr().err
    assert main(["sql", str(dataset), "SELECT nope FROM claims"]) == 2
    err = capsys.readouterr().err
    assert "nope" in err and "claim_figures" in err


def test_cli_writes_to_a_file(dataset, tmp_path, capsys):
    target = tmp_path / "out.jsonl"
    assert main(["sql", str(dataset), "SELECT claim_id FROM claims", "--format", "jsonl", "-o", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert len(target.read_text().splitlines()) == 4
