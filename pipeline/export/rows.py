"""Table rows from an annotated Doc: the bridge between spaCy's extensions and the schema.

Each function here is pure: an article record and its processed Doc in, plain row dicts out,
keyed by table name, with the columns of ``pipeline.schema``.
"""
from __future__ import annotations

import bisect
import hashlib
import json
from datetime import date
from typing import Any, Iterable

from spacy.attrs import IS_PUNCT, IS_SPACE
from spacy.tokens import Doc

from pipeline import __version__
from pipeline.corpus.evidence import link_claims
from pipeline.ingest.records import Article, Reject
from pipeline.schema import TABLES

Rows = dict[str, list[dict[str, Any]]]


def stable_id(*parts: object) -> str:
    """A 16-hex-digit id derived from its parts: the same inputs give the same id on every run."""
    raw = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


def word_count(doc: Doc) -> int:
    """Words as ``articles.n_words`` counts them: tokens that are neither punctuation nor space."""
    if not len(doc):
        return 0
    flags = doc.to_array([IS_PUNCT, IS_SPACE])
    return int((flags.sum(axis=1) == 0).sum())


def empty_rows() -> Rows:
    """A rows dict with an empty list for every article table."""
    return {"articles": [], "claims": [], "figures": [], "dates": [], "places": []}


def _iso_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


class _ClaimIndex:
    """Finds the claim whose content span holds a given span (claims sorted by start)."""

    def __init__(self, claims: list[dict[str, Any]]) -> None:
        self._claims = sorted(claims, key=lambda c: (c["start"], -c["end"]))
        self._starts = [c["start"] for c in self._claims]

    def claim_for(self, start: int, end: int) -> str | None:
        i = bisect.bisect_right(self._starts, start)
        # Claims rarely nest; scan back a little for the tightest one that contains the span.
        best: dict[str, Any] | None = None
        for c in reversed(self._claims[max(0, i - 8):i]):
            if c["start"] <= start and end <= c["end"]:
                if best is None or (c["end"] - c["start"]) < (best["end"] - best["start"]):
                    best = c
        return best["claim_id"] if best else None


def _pick(record: dict[str, Any], table: str) -> dict[str, Any]:
    """Keep exactly the schema's columns of ``table`` (missing ones as None)."""
    return {name: record.get(name) for name in TABLES[table].names}


def _spans(items: Iterable[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return sorted(items or [], key=lambda r: (r["start"], r["end"]))


def article_rows(article: Article, doc: Doc, model: str) -> Rows:
    """All table rows for one processed article."""
    aid = article.article_id
    rows = empty_rows()
    rows["articles"].append(_pick({
        **article.__dict__,
        "published": _iso_date(article.published),
        "country": doc._.country,
        "n_words": word_count(doc),
        "extra": json.dumps(article.extra, ensure_ascii=False, default=str) if article.extra else None,
        "pipeline_version": __version__,
        "model": model,
    }, "articles"))

    claims = []
    for i, c in enumerate(_spans(doc._.claims)):
        claims.append({**c, "claim_id": stable_id(aid, "claim", c["start"], c["end"]),
                       "article_id": aid, "claim_index": i,
                       "speaker": c.get("speaker") or c.get("speaker_mention") or "",
                       "cue": c.get("cue") or "",
                       "content_spans": [[int(s), int(e)] for s, e in c.get("content_spans") or [(c["start"], c["end"])]]})
    link_claims(doc, claims)  # full names of surname-only speakers, gender cues (for the speakers table)
    rows["claims"] = [_pick(c, "claims") for c in claims]
    index = _ClaimIndex(claims)

    for table, key, extension in (("figures", "figure_id", doc._.figures),
                                  ("dates", "date_id", doc._.dates),
                                  ("places", "place_id", doc._.places)):
        for r in _spans(extension):
            rec = {**r, key: stable_id(aid, table, r["start"], r["end"]), "article_id": aid,
                   "claim_id": index.claim_for(r["start"], r["end"])}
            if table == "dates":
                rec["date_start"] = _iso_date(r.get("date_start"))
                rec["date_end"] = _iso_date(r.get("date_end"))
            rows[table].append(_pick(rec, table))
    return rows


def reject_rows(rejects: Iterable[Reject], run_id: str) -> list[dict[str, Any]]:
    """Rows of the ``rejects`` table."""
    return [{"input_path": r.input_path, "record": r.record, "doc_id": r.doc_id,
             "reason": r.reason, "run_id": run_id} for r in rejects]
