"""A batch through the whole NLP pipeline: hostile texts come out as rows (or a reject), never a crash."""
import random

from pipeline.stage.batch import extract_rows
from pipeline.ingest.records import Article, article_id_for, content_hash_for


def _article(doc_id: str, text: str) -> Article:
    return Article(article_id=article_id_for(doc_id), doc_id=doc_id, title=None, text=text,
                   published="2023-03-22", source=None, url=None, author=None, input_path=f"{doc_id}.txt",
                   input_format="txt", record=None, content_hash=content_hash_for(None, text, "2023-03-22"))


def test_hostile_texts_in_one_batch():
    rng = random.Random(7)
    words = ["Ottawa", "said", "million", "Thursday", "the", "border", "Hillman", "agents", "2022", "$26"]
    long_sentence = " ".join(rng.choice(words) for _ in range(15_000))[:100_000]  # no punctuation at all
    batch = [
        _article("no-sentences", "... --- *** ...\n\n\n!!!"),
        _article("long", long_sentence),
        _article("normal", '"We will act," Kirsten Hillman said in Ottawa on Thursday.'),
    ]
    rows, result = extract_rows(batch)
    assert result.rejects == []
    assert sorted(r["doc_id"] for r in rows["articles"]) == ["long", "no-sentences", "normal"]
    for table in ("claims", "figures", "dates", "places"):
        for r in rows[table]:
            text = next(a.text for a in batch if a.article_id == r["article_id"])
            assert 0 <= r["start"] < r["end"] <= len(text)
    normal = article_id_for("normal")
    assert any(c["article_id"] == normal and c["speaker"] == "Kirsten Hillman" for c in rows["claims"])
