"""The library way in: the configured spaCy pipeline, and one text's rows, without Prefect.

    import pipeline
    nlp = pipeline.load()
    doc = nlp("Hillman said the deal would cost $2 million.")
    rows = pipeline.extract("Hillman said ...", published="2023-03-22")
    rows["claims"][0]["speaker"]

``extract`` gives the rows of each article table exactly as ``claims run`` would store them
for the same record (same columns, same ids): a JSONL record with that ``id`` and ``text``
becomes the same rows in the dataset.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from spacy.language import Language

from pipeline.errors import ClaimsError
from pipeline.ingest.records import Reject

Rows = dict[str, list[dict[str, Any]]]


class ExtractError(ClaimsError, ValueError):
    """The text given to :func:`extract` cannot be analysed (empty, too long, or the NLP failed)."""


def load(config: str | Path | None = None) -> Language:
    """The configured spaCy pipeline (``models/pipeline.toml`` unless ``config`` names another).

    Loaded once per process and config; every component of ours is a registered spaCy factory,
    so the result can be used, extended or saved like any ``spacy.load`` pipeline.
    """
    from pipeline.nlp import load_pipeline

    return load_pipeline(config)


def text_id(text: str) -> str:
    """The ``doc_id`` given to a text passed without one: derived from the text alone."""
    return "text-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def extract(text: str, *, doc_id: str | None = None, title: str | None = None,
            published: Any = None, source: str | None = None, url: str | None = None,
            author: str | None = None, config: str | Path | None = None) -> Rows:
    """The rows of every article table (``articles``, ``claims``, ``figures``, ``dates``,
    ``places``) and of the corpus tables (``speakers``, ``quotes``) for one text, as
    ``claims run`` writes them for a corpus of one JSONL record with these fields.

    Raises :class:`ExtractError` when the text is rejected (empty, over the size limit) or the
    pipeline fails on it.
    """
    from pipeline.export.corpus_tables import link_rows
    from pipeline.export.rows import article_rows
    from pipeline.ingest.readers import make_article
    from pipeline.nlp.annotate import annotate, model_name

    article = make_article(doc_id=doc_id or text_id(text), text=text, title=title, published=published,
                           source=source, url=url, author=author, input_path="<text>",
                           input_format="jsonl", record=None)
    if isinstance(article, Reject):
        raise ExtractError(f"text {article.doc_id!r} cannot be analysed: {article.reason}")
    nlp = load(config)
    [(_, doc, error)] = list(annotate(nlp, [article], batch_size=1))
    if doc is None:
        raise ExtractError(f"text {article.doc_id!r}: {error}")
    return link_rows(article_rows(article, doc, model_name(nlp)))
