"""Claim records for the corpus tests, linked the way a publish links them."""
from __future__ import annotations

from datetime import date
from itertools import count

from pipeline.corpus.link import link_table, records_table

_ids = count()


def claim(article: str, speaker: str, kind: str | None = "person", role: str | None = None,
          full: str | None = None, content: str | None = None, published: date | None = None,
          mention: str | None = None, source: str | None = None, female: int | None = None,
          male: int | None = None) -> dict:
    """One claim record (what ``claims`` holds, with the article's date and source)."""
    n = next(_ids)
    return {"claim_id": f"c{n:05d}", "article_id": article, "claim_index": n, "claim_type": "direct",
            "content": content or f"statement number {n}", "speaker": speaker, "speaker_type": kind,
            "speaker_role": role, "speaker_mention": mention or speaker, "speaker_full_name": full,
            "speaker_female_cues": female, "speaker_male_cues": male, "published": published, "source": source}


def link(records: list[dict]):
    """``(speaker ids, quote ids, speakers rows, quotes rows)`` of the records, in their order."""
    linked = link_table(records_table(records))
    return (linked.speaker_id.to_pylist(), linked.quote_id.to_pylist(), linked.speakers.to_pylist(),
            linked.quotes.to_pylist())
