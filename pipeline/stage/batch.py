"""The batch stage: annotate a batch of articles with spaCy, build their rows, write their parquet parts.

Runs wherever the batch runs: in the flow's process, in a worker of a local run's
:class:`pipeline.flows.workers.BatchPool`, or on a Dask worker; only a :class:`BatchResult` of
counts goes back to the flow.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from pipeline.config import RunOptions, run_options
from pipeline.errors import ClaimsError
from pipeline.export import dataset
from pipeline.export.incremental import article_fingerprint
from pipeline.export.rows import Rows, article_rows, empty_rows
from pipeline.ingest.records import Article, Reject
from pipeline.nlp import load_pipeline
from pipeline.nlp.annotate import annotate, model_name

# Set (by a signal handler) to stop the batches of this process after the article in hand.
STOP = threading.Event()


class BatchInterrupted(ClaimsError, RuntimeError):
    """A batch stopped early because the run was asked to stop (``STOP`` was set)."""


@dataclass
class BatchResult:
    """What one batch produced: rows written per table, words analysed, the articles written
    and rejected articles."""

    rows: dict[str, int] = field(default_factory=dict)
    articles: int = 0
    words: int = 0
    rejects: list[Reject] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    interrupted: bool = False


def extract_rows(articles: Sequence[Article], options: RunOptions | None = None,
                 run_fingerprint: str = "") -> tuple[Rows, BatchResult]:
    """Annotate ``articles`` and return their rows for every article table; each article row
    gets its fingerprint for a run whose fingerprint is ``run_fingerprint``. ``options``
    defaults to those of ``models/pipeline.toml``."""
    options = options or run_options()
    nlp = load_pipeline(options.config_path)
    model = model_name(nlp)
    rows, result = empty_rows(), BatchResult()
    for article, doc, error in annotate(nlp, articles, batch_size=options.batch_size, n_process=options.n_process):
        if STOP.is_set():
            result.interrupted = True
            break
        if doc is None:
            result.rejects.append(Reject(article.input_path, article.record, article.doc_id, error or "NLP failed"))
            continue
        try:
            built = article_rows(article, doc, model)
        except Exception as exc:  # noqa: BLE001 - the article is rejected, the batch goes on
            result.rejects.append(Reject(article.input_path, article.record, article.doc_id,
                                         f"building its rows failed: {type(exc).__name__}: {exc}"))
            continue
        for table, table_rows in built.items():
            rows[table].extend(table_rows)
        rows["articles"][-1]["fingerprint"] = article_fingerprint(article, run_fingerprint)
        result.article_ids.append(article.article_id)
        result.articles += 1
        result.words += rows["articles"][-1]["n_words"]
    return rows, result


def process_batch(articles: Sequence[Article], staging: Path, part: str, options: RunOptions,
                  run_fingerprint: str = "") -> BatchResult:
    """Annotate a batch and write its rows as parquet parts named ``part`` under ``staging``."""
    rows, result = extract_rows(articles, options, run_fingerprint)
    if result.interrupted:  # the run is stopping: write nothing more into its staging folder
        return result
    result.rows = {table: dataset.write_part(staging, table, r, part) for table, r in rows.items()}
    return result
