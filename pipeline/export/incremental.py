"""What a run must do: which input articles are new, changed or unchanged since the last run."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline import __version__
from pipeline.export.dataset import read_table
from pipeline.ingest.records import Article
from pipeline.ingest.skips import Skipped

MISSING_POLICIES = ("keep", "drop")


@dataclass
class RunPlan:
    """The previous dataset's articles (id -> content hash and fingerprint) and this run's choices."""

    previous: dict[str, tuple[str, str]] = field(default_factory=dict)
    fingerprint: str = ""
    seen: set[str] = field(default_factory=set)
    to_replace: set[str] = field(default_factory=set)

    def classify(self, article: Article) -> str:
        """``new``, ``changed`` or ``unchanged``; records the article as seen in this run."""
        self.seen.add(article.article_id)
        before = self.previous.get(article.article_id)
        if before is None:
            return "new"
        if before != (article.content_hash, self.fingerprint):
            self.to_replace.add(article.article_id)
            return "changed"
        return "unchanged"

    def missing(self) -> set[str]:
        """Articles of the previous dataset that this run's input no longer holds."""
        return set(self.previous) - self.seen


def fingerprint(model: str) -> str:
    """What, besides the text, decides an article's rows: pipeline version and model."""
    return f"{__version__}|{model}"


def load_plan(out: Path, model: str) -> RunPlan:
    """The plan for a run into ``out``, from the current version's articles table."""
    arts = read_table(out, "articles", ["article_id", "content_hash", "pipeline_version", "model"])
    prev = {
        aid: (h, f"{v}|{m}")
        for aid, h, v, m in zip(*(arts.column(c).to_pylist() for c in arts.column_names))
    }
    return RunPlan(previous=prev, fingerprint=fingerprint(model))


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
