"""``claims benchmark --scaling``: generated texts and the time-per-character report."""
from pathlib import Path

from pipeline.evaluate.scaling import measure_scaling, news_text, numbers_text
from pipeline.ingest.records import Article

BASE_ONLY = str(Path(__file__).resolve().parents[1] / "fixtures" / "base_only.toml")
TEXTS = ["Council votes on budget\nThe council voted 7-2 on Tuesday to raise the levy by 3%.\n",
         "Ferry service resumes\nThe ferry carried 1,200 passengers on its first day back.\n"]


def _articles() -> list[Article]:
    return [Article(article_id=f"a{i}", doc_id=f"a{i}", title=None, text=t, published=None, source=None,
                    url=None, author=None, input_path="mem", input_format="txt", record=None,
                    content_hash=str(i))
            for i, t in enumerate(TEXTS)]


def test_generated_texts_have_the_size_asked_for() -> None:
    arts = _articles()
    for size in (500, 5_000):
        news = news_text(arts, size)
        assert size - 200 < len(news) <= size and "council" in news and "ferry" in news
        nums = numbers_text(size)
        assert len(nums) == size and nums.count(", ") > size // 20
        assert nums.endswith(".") and ". " not in nums  # one sentence


def test_measure_scaling_reports_each_kind_and_size() -> None:
    report = measure_scaling(_articles(), [4_000, 2_000], BASE_ONLY)
    assert report["sizes"] == [2_000, 4_000]
    assert [r["kind"] for r in report["runs"]] == ["news", "news", "numbers", "numbers"]
    assert [r["chars"] for r in report["runs"]][2:] == [2_000, 4_000]
    assert set(report["growth"]) == {"news", "numbers"} and all(g > 0 for g in report["growth"].values())
    assert all("parser" in r["components"] and r["seconds"] > 0 for r in report["runs"])
