"""What a run must do: which input articles are new, changed or unchanged since the last run.

An article is unchanged when its ``content_hash`` (title, text, date) and its ``fingerprint``
(every other field of the record, where it was read from, the pipeline version, the model and
the config) are those of the current dataset; anything else is processed again.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline import __version__
from pipeline.export.dataset import current_version, damaged_parts, read_parts
from pipeline.ingest.records import Article, Reject, article_id_for
from pipeline.schema import ARTICLE_TABLES, TABLES
from pipeline.ingest.skips import Skipped

MISSING_POLICIES = ("keep", "drop")


def run_fingerprint(model: str, config: dict[str, Any] | None = None) -> str:
    """What, besides the article, decides its rows: pipeline version, model and pipeline config.

    The ``[run]`` table (batch sizes, processes) changes how fast, not what, and is left out.
    """
    relevant = {k: v for k, v in (config or {}).items() if k != "run"}
    digest = hashlib.sha256(json.dumps(relevant, sort_keys=True, default=str).encode("utf-8")).hexdigest()[:16]
    return f"{__version__}|{model}|{digest}"


Location = tuple[str, str, "str | None"]


def location_of(article: Article) -> Location:
    """Where ``article`` was read from: its input file (absolute), format and record."""
    return os.path.abspath(article.input_path), article.input_format, article.record


def article_fingerprint(article: Article, run_fp: str) -> str:
    """The ``articles.fingerprint`` of ``article`` in a run whose fingerprint is ``run_fp``:
    a hash of its fields other than title, text and date, and of the run's fingerprint.

    Where the record was read from (file, format, line) is not part of it: the same record
    re-compressed, re-exported or moved is the same article (see :func:`location_of`)."""
    parts = [run_fp, article.source, article.url, article.author,
             json.dumps(article.extra, sort_keys=True, ensure_ascii=False, default=str) if article.extra else ""]
    raw = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class RunPlan:
    """The previous dataset's articles (id -> content hash and fingerprint) and this run's choices.

    ``paths`` holds each previous article's input file; ``damaged`` the parts of the previous
    version that cannot be carried forward (with the reason) and ``reprocess`` the articles
    whose rows may have been in them, processed again whatever their hash says.
    """

    previous: dict[str, tuple[str, str]] = field(default_factory=dict)
    fingerprint: str = ""
    paths: dict[str, str] = field(default_factory=dict)
    damaged: dict[Path, str] = field(default_factory=dict)
    reprocess: set[str] = field(default_factory=set)
    articles_lost: bool = False
    seen: set[str] = field(default_factory=set)
    to_replace: set[str] = field(default_factory=set)
    locations: dict[str, Location] = field(default_factory=dict)
    moved: dict[str, Location] = field(default_factory=dict)

    def classify(self, article: Article) -> str:
        """``new``, ``changed`` or ``unchanged``; records the article as seen in this run."""
        self.seen.add(article.article_id)
        before = self.previous.get(article.article_id)
        if before is None:
            return "new"
        if (article.article_id in self.reprocess
                or before != (article.content_hash, article_fingerprint(article, self.fingerprint))):
            self.to_replace.add(article.article_id)
            return "changed"
        where = location_of(article)
        if self.locations.get(article.article_id, where) != where:
            # Read from another file or format (moved, re-compressed, re-exported): its rows stand,
            # only its articles row is rewritten with where it now comes from.
            self.moved[article.article_id] = where
        return "unchanged"

    def missing(self) -> set[str]:
        """Articles of the previous dataset that this run's input no longer holds."""
        return set(self.previous) - self.seen

    def rejected(self, rejects: list[Reject]) -> set[str]:
        """Previous articles that this run's rejects may stand for: the reject's id, or every
        article of a file that was rejected or failed to read (whole or in part)."""
        paths = {os.path.abspath(r.input_path) for r in rejects}
        ids = {article_id_for(r.doc_id) for r in rejects if r.doc_id}
        return {a for a in self.previous if a in ids or self.paths.get(a) in paths}


def fingerprint(model: str) -> str:
    """The run fingerprint for ``model`` with no config (see :func:`run_fingerprint`)."""
    return run_fingerprint(model)


def load_plan(out: Path, model: str, config: dict[str, Any] | None = None) -> RunPlan:
    """The plan for a run into ``out``, from the current version's articles table.

    Damaged or foreign parts are left out of the plan: the articles of a lost ``articles``
    part count as new, those that may have had rows in another lost part are processed again.
    """
    version = current_version(out)
    damaged = damaged_parts(version)
    plan = RunPlan(fingerprint=run_fingerprint(model, config), damaged=damaged)
    if version is None:
        return plan
    skip = set(damaged)
    arts = read_parts(version / "articles", "articles",
                      ["article_id", "content_hash", "fingerprint", "input_path", "input_format", "record"], skip)
    for aid, h, fp, path, fmt, record in zip(*(arts.column(c).to_pylist() for c in arts.column_names)):
        plan.previous[aid] = (h, fp)
        plan.paths[aid] = os.path.abspath(path)
        plan.locations[aid] = (os.path.abspath(path), fmt, record)
    plan.articles_lost = any(p.parent.name == "articles" for p in damaged)
    for table in {p.parent.name for p in damaged} & (set(ARTICLE_TABLES) - {"articles"}):
        present = set(read_parts(version / table, table, ["article_id"], skip).column("article_id").to_pylist())
        plan.reprocess |= set(plan.previous) - present
    return plan


def relocated_rows(version: Path | None, moved: dict[str, Location], skip: set[Path] | frozenset = frozenset()
                   ) -> list[dict[str, Any]]:
    """The ``articles`` rows of ``version`` for the ``moved`` articles, with where each now comes from."""
    if version is None or not moved:
        return []
    ids = pa.array(sorted(moved), type=pa.string())
    rows = []
    for part in sorted((version / "articles").glob("*.parquet")):
        if part in skip:
            continue
        table = pq.read_table(part, schema=TABLES["articles"])
        table = table.filter(pc.is_in(table.column("article_id"), value_set=ids))
        for row in table.to_pylist():
            row["input_path"], row["input_format"], row["record"] = moved[row["article_id"]]
            rows.append(row)
    return rows


@dataclass
class Intake:
    """Counts and rejects gathered while the input is read."""

    seen: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    rejects: list = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> records that are rightly not articles


def select_articles(items, plan: RunPlan, intake: Intake):
    """The articles of ``items`` that need processing; rejects and skips are tallied in ``intake``."""
    for item in items:
        if isinstance(item, Skipped):
            intake.skipped[item.reason] = intake.skipped.get(item.reason, 0) + 1
            continue
        intake.seen += 1
        if not isinstance(item, Article):
            intake.rejects.append(item)
            continue
        kind = plan.classify(item)
        setattr(intake, kind, getattr(intake, kind) + 1)
        if kind != "unchanged":
            yield item


def batched(items, size: int):
    """Lists of up to ``size`` consecutive items (streaming)."""
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
