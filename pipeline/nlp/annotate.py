"""Run the spaCy pipeline over a batch of articles, isolating the ones that make it fail."""
from __future__ import annotations

import importlib.util
import json
import logging
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.ingest.records import Article
from pipeline.nlp.extensions import make_doc

log = logging.getLogger(__name__)


def model_name(nlp: Language) -> str:
    """``lang_name-version`` of the spaCy model under the pipeline, e.g. ``en_core_web_sm-3.8.0``."""
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}-{meta.get('version', '0')}"


def model_identity(config: Mapping[str, Any]) -> str:
    """The name :func:`model_name` gives the model ``config`` names, read from its ``meta.json``.

    Avoids loading spaCy (seconds) just to decide that nothing changed; falls back to loading
    the model when its metadata cannot be found.
    """
    name = config["model"]["name"]
    meta_path = Path(name) / "meta.json"
    if not meta_path.is_file():
        spec = importlib.util.find_spec(name) if not Path(name).exists() else None
        locations = list(spec.submodule_search_locations or []) if spec else []
        meta_path = Path(locations[0]) / "meta.json" if locations else meta_path
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        return f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}-{meta.get('version', '0')}"
    from pipeline.nlp.base_model import load_base_model

    return model_name(load_base_model(name, config["model"].get("exclude")))


def _doc_for(nlp: Language, article: Article) -> Doc:
    return make_doc(nlp, article.text, article_id=article.article_id,
                    published=article.published, source=article.source)


def annotate(nlp: Language, articles: Sequence[Article], *, batch_size: int,
             n_process: int = 1) -> Iterator[tuple[Article, Doc | None, str | None]]:
    """Yield ``(article, doc, None)`` per article, or ``(article, None, reason)`` when it failed.

    The batch goes through ``nlp.pipe`` in one pass; if that raises, the articles are run one
    at a time so that a single bad article is reported and the others still come through.
    """
    try:
        docs = list(nlp.pipe((_doc_for(nlp, a) for a in articles),
                             batch_size=batch_size, n_process=n_process))
    except Exception as exc:  # noqa: BLE001 - any component failure is isolated below
        log.warning("batch of %d articles failed (%s); retrying one by one", len(articles), exc)
        for article in articles:
            try:
                yield article, nlp(_doc_for(nlp, article)), None
            except Exception as one:  # noqa: BLE001
                yield article, None, f"NLP failed: {type(one).__name__}: {one}"
        return
    for article, doc in zip(articles, docs):
        yield article, doc, None
