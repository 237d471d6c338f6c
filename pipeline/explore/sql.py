"""SQL over a dataset with DuckDB: one view per table plus views joining claims to their spans.

``connect(DIR)`` opens an in-memory DuckDB database whose views read the parquet parts of the
dataset's current version, so queries see one consistent version even while a run publishes a
new one.
"""
from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from pipeline.export.dataset import Dataset, DatasetNotFound, open_dataset  # noqa: F401 - the explore API
from pipeline.schema import TABLES

FORMATS = ("table", "csv", "json", "jsonl")

# Columns of a claim repeated on every row of the claim_* views, ahead of the span's own columns.
_CLAIM_COLUMNS = ("claim_id", "article_id", "claim_index", "claim_type", "speaker", "speaker_type",
                  "speaker_role", "cue", "content")
_SPAN_TABLES = {"figures": "figure", "dates": "date", "places": "place"}

JOIN_VIEWS: dict[str, str] = {
    f"claim_{table}": f"One row per {singular} inside a claim: the claim's speaker, cue and content, the "
                      f"article's published date and source, then the {singular}'s columns "
                      f"(`start`/`end` are the {singular}'s offsets)."
    for table, singular in _SPAN_TABLES.items()
}

JOIN_VIEWS["claim_speakers"] = ("One row per claim with its speaker across the corpus: the claim's columns, the "
                                "article's published date and source, then the speaker's `speaker_id`, "
                                "`speaker_name` (canonical), `gender`, `scope` and corpus-wide `speaker_claims`, "
                                "`speaker_articles` (null speaker columns when the claim names no speaker).")
JOIN_VIEWS["claim_quotes"] = ("One row per claim with its quotation across the corpus: the claim's columns, the "
                              "article's published date and source, the speaker's `speaker_name` and `gender`, then "
                              "the quote's `quote_id`, `quote_text` (earliest wording), `first_article_id`, "
                              "`first_published`, `quote_articles`, `quote_sources` and `is_first` (this claim is "
                              "the earliest copy).")


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _span_view(table: str) -> str:
    own = [f"s.{n}" if n != "end" else 's."end"' for n in TABLES[table].names if n not in ("article_id", "claim_id")]
    claim = ", ".join(f"c.{n}" for n in _CLAIM_COLUMNS)
    return (f"SELECT {claim}, a.published, a.source, {', '.join(own)} "
            f"FROM claims c JOIN {table} s ON s.claim_id = c.claim_id "
            f"LEFT JOIN articles a ON a.article_id = c.article_id")


def connect(path: "str | Path | Dataset") -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the dataset's tables and join views defined."""
    ds = path if isinstance(path, Dataset) else open_dataset(path)
    con = duckdb.connect(":memory:")
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    for table, schema in TABLES.items():
        folder = ds.table_dir(table)
        if folder.is_dir() and any(folder.glob("*.parquet")):
            con.execute(f'CREATE VIEW "{table}" AS SELECT * FROM read_parquet('
                        f'{_quote(folder / "*.parquet")}, union_by_name = true)')
        else:
            # An older or partial dataset: the table reads as empty, with its columns.
            con.register(f"_empty_{table}", schema.empty_table())
            con.execute(f'CREATE VIEW "{table}" AS SELECT * FROM "_empty_{table}"')
    for table in _SPAN_TABLES:
        con.execute(f"CREATE VIEW claim_{table} AS {_span_view(table)}")
    claim = ", ".join(f"c.{n}" for n in _CLAIM_COLUMNS)
    con.execute(f"CREATE VIEW claim_speakers AS SELECT {claim}, a.published, a.source, c.speaker_id, "
                "s.name AS speaker_name, s.gender, s.scope, s.n_claims AS speaker_claims, "
                "s.n_articles AS speaker_articles FROM claims c LEFT JOIN speakers s ON s.speaker_id = c.speaker_id "
                "LEFT JOIN articles a ON a.article_id = c.article_id")
    con.execute(f"CREATE VIEW claim_quotes AS SELECT {claim}, a.published, a.source, c.speaker_id, "
                "s.name AS speaker_name, s.gender, c.quote_id, q.text AS quote_text, q.first_article_id, "
                "q.first_published, q.n_articles AS quote_articles, q.n_sources AS quote_sources, "
                "(q.first_claim_id = c.claim_id) AS is_first FROM claims c "
                "LEFT JOIN quotes q ON q.quote_id = c.quote_id LEFT JOIN speakers s ON s.speaker_id = c.speaker_id "
                "LEFT JOIN articles a ON a.article_id = c.article_id")
    return con


def describe_views(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int, list[str]]]:
    """(view, rows, columns) for every table and join view, in a fixed order."""
    out = []
    for view in [*TABLES, *JOIN_VIEWS]:
        cur = con.execute(f'SELECT * FROM "{view}" LIMIT 0')
        columns = [d[0] for d in cur.description]
        rows = con.execute(f'SELECT count(*) FROM "{view}"').fetchone()[0]
        out.append((view, rows, columns))
    return out


@dataclass
class Result:
    """The columns and rows of a query's last statement."""

    columns: list[str]
    rows: list[tuple[Any, ...]]


def run_query(con: duckdb.DuckDBPyConnection, sql: str) -> Result:
    """Run one or more SQL statements; the result is that of the last one."""
    statements = con.extract_statements(sql)
    if not statements:
        raise duckdb.ParserException("no SQL statement given")
    cur = None
    for statement in statements:
        cur = con.execute(statement)
    if cur is None or cur.description is None:
        return Result([], [])
    return Result([d[0] for d in cur.description], cur.fetchall())


def _plain(value: Any) -> Any:
    """A JSON-friendly version of one cell."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def format_csv(result: Result) -> str:
    """The result as CSV with a header row (dates in ISO 8601, nulls empty)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow(["" if v is None else json.dumps(_plain(v)) if isinstance(v, (list, dict)) else _plain(v)
                         for v in row])
    return buf.getvalue()


def format_json(result: Result, lines: bool = False) -> str:
    """The result as a JSON array of objects, or one object per line when ``lines``."""
    records = [{c: _plain(v) for c, v in zip(result.columns, row)} for row in result.rows]
    if lines:
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"
