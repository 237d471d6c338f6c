"""The corpus-level tables of a dataset version: ``speakers``, ``quotes``, ``claims.speaker_id`` and
``claims.quote_id``, rebuilt from that version's ``claims`` and ``articles`` when it is published.

Nothing here reads an article's text: what the merging needs from the text was stored per
article when its rows were made (``pipeline.corpus.evidence``), so an incremental run that
carries unchanged articles over only re-reads the claims columns, recomputes the links (well
under a second for a thousand articles) and rewrites the claims parts whose links changed (the
new articles' parts, and the few whose speaker or quotation gained a member that moved them).
"""
from __future__ import annotations

import os
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.corpus.evidence import is_surname_only
from pipeline.corpus.first_names import first_names
from pipeline.corpus.gender import decide, gender_settings, load_corpus_config, name_reading
from pipeline.corpus.quotes import Quote, link_quotes, quote_signature
from pipeline.corpus.records import ClaimRef, Speaker
from pipeline.corpus.speakers import PRONOUNS, fold, link_speakers, person_name
from pipeline.export.dataset import write_part
from pipeline.schema import TABLES

CLAIM_COLUMNS = ["claim_id", "article_id", "claim_index", "claim_type", "content", "speaker", "speaker_type",
                 "speaker_role", "speaker_mention", "speaker_full_name", "speaker_female_cues",
                 "speaker_male_cues", "quote_key", "quote_sketch", "speaker_id", "quote_id"]


def _read(path: Path, table: str, columns: list[str]) -> pa.Table:
    """Columns of one part (or table folder); columns an older part lacks read as nulls."""
    schema = TABLES[table]
    return pq.read_table(path, columns=columns, schema=pa.schema([schema.field(c) for c in columns]))


def claim_refs(claims: pa.Table, published: dict[str, date | None], sources: dict[str, str | None]) -> list[ClaimRef]:
    """``ClaimRef`` records of a claims table (its ``CLAIM_COLUMNS``) joined to article dates and sources."""
    cols = {c: claims.column(c).to_pylist() for c in CLAIM_COLUMNS[:-2]}
    out = []
    for cid, aid, idx, ctype, content, speaker, stype, role, mention, full, fc, mc, qkey, sketch in zip(*cols.values()):
        if qkey is None:  # a part written before claims carried their signature
            qkey, sketch = quote_signature(content)
        out.append(ClaimRef(cid, aid, idx, ctype, content, speaker or "", stype, role, mention, full, fc, mc,
                            qkey, sketch, published.get(aid), sources.get(aid)))
    return out


def _counted(counter: Counter[str], key: str) -> list[dict[str, Any]]:
    return [{key: k, "count": n} for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]


def _naming_mention(mention: str | None) -> str | None:
    """A mention that is a name ("Mr. Trump", "Trump's" -> "Trump"), not a pronoun or a role."""
    if not mention:
        return None
    m = mention.strip().removesuffix("'s").removesuffix("’s").strip()
    if fold(m) in PRONOUNS:
        return None
    return m if (is_surname_only(m) or person_name(m) is not None) else None


def speaker_rows(speakers: list[Speaker], quote_of: dict[str, str]) -> list[dict[str, Any]]:
    """Rows of the ``speakers`` table, gender decided for persons."""
    settings = gender_settings()
    firsts = {}
    for s in speakers:
        if s.speaker_type == "person" and s.scope == "corpus":
            key = person_name(s.name)
            if key:
                firsts[s.speaker_id] = key[0]
    readings = first_names().lookup(firsts.values()) if firsts else {}
    rows = []
    for s in speakers:
        names: Counter[str] = Counter()
        roles: Counter[str] = Counter()
        per_article: dict[str, tuple[int, int]] = {}
        dates = []
        for c in s.claims:
            display = c.speaker_full_name or c.speaker
            names[display] += 1
            mention = _naming_mention(c.speaker_mention)
            if mention and mention != display:
                names[mention] += 1
            if c.speaker_role:
                roles[c.speaker_role] += 1
            f, m = c.female_cues or 0, c.male_cues or 0
            prev = per_article.get(c.article_id, (0, 0))
            per_article[c.article_id] = (max(prev[0], f), max(prev[1], m))
            if c.published:
                dates.append(c.published)
        female = sum(f for f, _ in per_article.values())
        male = sum(m for _, m in per_article.values())
        gender = source = None
        if s.speaker_type == "person":
            by_name = name_reading(readings.get(firsts.get(s.speaker_id, "")), settings)
            gender, source = decide(female, male, by_name if s.scope == "corpus" else None, settings)
        rows.append({
            "speaker_id": s.speaker_id, "name": s.name, "speaker_type": s.speaker_type, "scope": s.scope,
            "article_id": s.article_id, "names": _counted(names, "name"), "roles": _counted(roles, "role"),
            "gender": gender, "gender_source": source, "female_cues": female, "male_cues": male,
            "n_claims": len(s.claims), "n_articles": len(per_article),
            "n_quotes": len({quote_of[c.claim_id] for c in s.claims if c.claim_id in quote_of}),
            "first_published": min(dates) if dates else None, "last_published": max(dates) if dates else None,
        })
    rows.sort(key=lambda r: (-r["n_claims"], r["speaker_id"]))
    return rows


def quote_rows(quotes: list[Quote], names: dict[str, str]) -> list[dict[str, Any]]:
    """Rows of the ``quotes`` table."""
    rows = []
    for q in quotes:
        first = q.claims[0]
        dates = [c.published for c in q.claims if c.published]
        rows.append({
            "quote_id": q.quote_id, "speaker_id": q.speaker_id, "speaker": names.get(q.speaker_id or "", ""),
            "text": first.content, "claim_type": first.claim_type, "first_claim_id": first.claim_id,
            "first_article_id": first.article_id, "first_published": first.published,
            "last_published": max(dates) if dates else None, "n_claims": len(q.claims),
            "n_articles": len({c.article_id for c in q.claims}),
            "n_sources": len({c.source for c in q.claims}), "n_wordings": q.wordings,
        })
    rows.sort(key=lambda r: (r["first_published"] or date.max, r["quote_id"]))
    return rows


def link_corpus(claims: list[ClaimRef]) -> tuple[dict[str, str], dict[str, str], list[dict[str, Any]], list[dict[str, Any]]]:
    """Speaker and quote links of every claim and the rows of both tables (pure, no I/O)."""
    speaker_of, speakers = link_speakers(claims)
    by_id = {s.speaker_id: s for s in speakers}
    cfg = load_corpus_config().get("quotes", {})
    quote_of, quotes = link_quotes(claims, speaker_of, by_id, threshold=cfg.get("similarity", 0.8),
                                   min_words=cfg.get("min_words", 6))
    return (speaker_of, quote_of, speaker_rows(speakers, quote_of),
            quote_rows(quotes, {s.speaker_id: s.name for s in speakers}))


def build_corpus_tables(version: Path) -> dict[str, int]:
    """Write ``speakers`` and ``quotes`` for the dataset version staged in ``version`` and set
    ``speaker_id``/``quote_id`` on its claims (rewriting only the parts whose links changed).
    Returns the rows written per table."""
    version = Path(version)
    articles = _read(version / "articles", "articles", ["article_id", "published", "source"]) \
        if (version / "articles").is_dir() else TABLES["articles"].empty_table()
    aids = articles.column("article_id").to_pylist()
    published = dict(zip(aids, articles.column("published").to_pylist()))
    sources = dict(zip(aids, articles.column("source").to_pylist()))

    parts = sorted((version / "claims").glob("*.parquet")) if (version / "claims").is_dir() else []
    tables = [_read(p, "claims", CLAIM_COLUMNS) for p in parts]
    claims = [c for t in tables for c in claim_refs(t, published, sources)]
    speaker_of, quote_of, speakers, quotes = link_corpus(claims)

    rewritten = 0
    for part, t in zip(parts, tables):
        ids = t.column("claim_id").to_pylist()
        new_speakers = [speaker_of.get(i) for i in ids]
        new_quotes = [quote_of.get(i) for i in ids]
        if new_speakers == t.column("speaker_id").to_pylist() and new_quotes == t.column("quote_id").to_pylist():
            continue
        full = pq.read_table(part, schema=TABLES["claims"])
        full = full.set_column(full.schema.get_field_index("speaker_id"), TABLES["claims"].field("speaker_id"),
                               pa.array(new_speakers, pa.string()))
        full = full.set_column(full.schema.get_field_index("quote_id"), TABLES["claims"].field("quote_id"),
                               pa.array(new_quotes, pa.string()))
        tmp = part.with_name(f".{part.name}.links.tmp")
        pq.write_table(full, tmp, compression="zstd")
        os.replace(tmp, part)  # a new file: a part hard-linked from the previous version stays as it was
        rewritten += 1
    for table in ("speakers", "quotes"):
        for old in (version / table).glob("*.parquet") if (version / table).is_dir() else ():
            old.unlink()
    return {"speakers": write_part(version, "speakers", speakers, "corpus"),
            "quotes": write_part(version, "quotes", quotes, "corpus"),
            "claims_parts_relinked": rewritten}


__all__ = ["build_corpus_tables", "link_corpus", "claim_refs", "speaker_rows", "quote_rows"]
