"""Turn one batch of articles into dataset parts: annotate with spaCy, build rows, write parquet."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from pipeline.export.dataset import write_part
from pipeline.export.rows import Rows, article_rows, empty_rows
from pipeline.ingest.records import Article, Reject
from pipeline.nlp import load_pipeline
from pipeline.nlp.annotate import annotate, model_name


@dataclass
class BatchResult:
    """What one batch produced: rows written per table, words analysed, and rejected articles."""

    rows: dict[str, int] = field(default_factory=dict)
    articles: int = 0
    words: int = 0
    rejects: list[Reject] = field(default_factory=list)


def extract_rows(articles: Sequence[Article], config_path: str | None = None, batch_size: int = 32,
                 n_process: int = 1) -> tuple[Rows, BatchResult]:
    """Annotate ``articles`` and return their rows for every article table."""
    nlp = load_pipeline(config_path)
    model = model_name(nlp)
    rows, result = empty_rows(), BatchResult()
    for article, doc, error in annotate(nlp, articles, batch_size=batch_size, n_process=n_process):
        if doc is None:
            result.rejects.append(Reject(article.input_path, article.record, article.doc_id, error or "NLP failed"))
            continue
        for table, table_rows in article_rows(article, doc, model).items():
            rows[table].extend(table_rows)
        result.articles += 1
        result.words += rows["articles"][-1]["n_words"]
    return rows, result


def process_batch(articles: Sequence[Article], staging: Path, part: str, config_path: str | None = None,
                  batch_size: int = 32, n_process: int = 1) -> BatchResult:
    """Annotate a batch and write its rows as parquet parts named ``part`` under ``staging``."""
    rows, result = extract_rows(articles, config_path, batch_size, n_process)
    result.rows = {table: write_part(staging, table, r, part) for table, r in rows.items()}
    return result


def reject_rows(rejects: Sequence[Reject], run_id: str) -> list[dict[str, Any]]:
    """Rows of the ``rejects`` table."""
    return [{"input_path": r.input_path, "record": r.record, "doc_id": r.doc_id,
             "reason": r.reason, "run_id": run_id} for r in rejects]
