"""The incremental plan: new, changed, unchanged and missing articles, and streaming batches."""
import itertools

from pipeline.export.incremental import (Intake, RunPlan, article_fingerprint, batched, fingerprint, run_fingerprint,
                                         select_articles)
from pipeline.ingest.records import Article, Reject


def _article(doc_id: str, content_hash: str) -> Article:
    return Article(article_id=f"id-{doc_id}", doc_id=doc_id, title=None, text="Text.", published=None,
                   source=None, url=None, author=None, input_path=f"{doc_id}.txt", input_format="txt",
                   record=None, content_hash=content_hash, extra={})


def _plan(model: str = "m-1") -> RunPlan:
    fp = fingerprint(model)
    prev = {f"id-{d}": (h, article_fingerprint(_article(d, h), fp)) for d, h in (("a", "h1"), ("b", "h2"), ("gone", "h3"))}
    return RunPlan(previous=prev, fingerprint=fp)


def test_only_new_and_changed_articles_are_selected():
    plan, intake = _plan(), Intake()
    items = [_article("a", "h1"), _article("b", "CHANGED"), _article("c", "h9"),
             Reject("bad.txt", None, "bad", "empty file")]
    picked = [a.doc_id for a in select_articles(iter(items), plan, intake)]
    assert picked == ["b", "c"]
    assert (intake.seen, intake.new, intake.changed, intake.unchanged) == (4, 1, 1, 1)
    assert [r.reason for r in intake.rejects] == ["empty file"]
    assert plan.to_replace == {"id-b"}
    assert plan.missing() == {"id-gone"}


def test_a_new_model_or_pipeline_version_reprocesses_everything():
    old = _plan("m-1")
    plan = RunPlan(previous=old.previous, fingerprint=fingerprint("m-2"))
    picked = list(select_articles(iter([_article("a", "h1"), _article("b", "h2")]), plan, Intake()))
    assert len(picked) == 2 and plan.to_replace == {"id-a", "id-b"}


def test_batched_streams_without_reading_ahead():
    consumed = []

    def source():
        for i in itertools.count():
            consumed.append(i)
            yield i

    first = next(batched(source(), 3))
    assert first == [0, 1, 2] and len(consumed) == 3
    assert list(batched(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]


def test_other_fields_input_path_and_config_are_in_the_fingerprint():
    plan = _plan()
    base = _article("a", "h1")
    assert list(select_articles(iter([base]), plan, Intake())) == []
    for change in ({"source": "Reuters"}, {"url": "https://example.org/a"}, {"author": "A. Writer"},
                   {"extra": {"section": "world"}}):
        plan = _plan()
        changed = Article(**{**base.__dict__, **change})
        assert [a.doc_id for a in select_articles(iter([changed]), plan, Intake())] == ["a"], change
    assert run_fingerprint("m", {"model": {"name": "x"}}) != run_fingerprint("m", {"model": {"name": "y"}})
    # how fast a run goes is not what it computes
    assert run_fingerprint("m", {"run": {"batch_size": 8}}) == run_fingerprint("m", {"run": {"batch_size": 64}})
