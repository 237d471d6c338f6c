"""Turn one batch of articles into dataset parts: annotate with spaCy, build rows, write parquet.

Runs wherever the batch runs: in the flow's process, in a worker of a local run's
:class:`pipeline.flows.workers.BatchPool`, or on a Dask worker; only a :class:`BatchResult` of
counts goes back to the flow.
"""
from __future__ import annotations

import importlib.util
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from pipeline.errors import ClaimsError
from pipeline.export import dataset
from pipeline.export.incremental import article_fingerprint
from pipeline.export.rows import Rows, article_rows, empty_rows
from pipeline.ingest.records import Article, Reject
from pipeline.nlp import load_config, load_pipeline
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


def extract_rows(articles: Sequence[Article], config_path: str | None = None, batch_size: int = 32,
                 n_process: int = 1, run_fingerprint: str = "") -> tuple[Rows, BatchResult]:
    """Annotate ``articles`` and return their rows for every article table; each article row
    gets its fingerprint for a run whose fingerprint is ``run_fingerprint``."""
    nlp = load_pipeline(config_path)
    model = model_name(nlp)
    rows, result = empty_rows(), BatchResult()
    for article, doc, error in annotate(nlp, articles, batch_size=batch_size, n_process=n_process):
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


def process_batch(articles: Sequence[Article], staging: Path, part: str, config_path: str | None = None,
                  batch_size: int = 32, n_process: int = 1, run_fingerprint: str = "") -> BatchResult:
    """Annotate a batch and write its rows as parquet parts named ``part`` under ``staging``."""
    rows, result = extract_rows(articles, config_path, batch_size, n_process, run_fingerprint)
    if result.interrupted:  # the run is stopping: write nothing more into its staging folder
        return result
    result.rows = {table: dataset.write_part(staging, table, r, part) for table, r in rows.items()}
    return result


def model_identity(config_path: str | None = None) -> str:
    """The configured model's name as :func:`model_name` gives it, read from its ``meta.json``.

    Avoids loading spaCy (seconds) just to decide that nothing changed; falls back to loading
    the pipeline when the metadata cannot be found.
    """
    name = load_config(config_path)["model"]["name"]
    meta_path = Path(name) / "meta.json"
    if not meta_path.is_file():
        spec = importlib.util.find_spec(name) if not Path(name).exists() else None
        locations = list(spec.submodule_search_locations or []) if spec else []
        meta_path = Path(locations[0]) / "meta.json" if locations else meta_path
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        return f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}-{meta.get('version', '0')}"
    return model_name(load_pipeline(config_path))


def reject_rows(rejects: Sequence[Reject], run_id: str) -> list[dict[str, Any]]:
    """Rows of the ``rejects`` table."""
    return [{"input_path": r.input_path, "record": r.record, "doc_id": r.doc_id,
             "reason": r.reason, "run_id": run_id} for r in rejects]
