"""The corpus tables through the flow: a syndicated copy counted once, incremental runs equal to a
full run, unchanged claims parts left as they were."""
import json

import pandas as pd

from pipeline.flows.extract import extract_corpus

STORY = ("Kirsten Hillman, Canada's ambassador to the United States, spoke in Washington on Tuesday. "
         "\"We will not accept a deal that leaves our workers behind,\" Hillman said. "
         "She added that talks would resume next week. Officials said the meeting was useful.")
OTHER = ("Donald Trump held a rally in Ohio on Monday. \"We are going to win this state big,\" Trump said. "
         "He promised new jobs for the region, his campaign said.")
LATER = ("Kirsten Hillman met union leaders in Ottawa. \"We will not accept a deal that leaves workers behind,\" "
         "Hillman told them, repeating her warning from Washington.")


def _write(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def _rec(doc_id, text, published, source):
    return {"id": doc_id, "title": doc_id, "text": text, "published": published, "source": source}


def _tables(out):
    claims = pd.read_parquet(out / "claims")[["claim_id", "article_id", "claim_index", "speaker_id", "quote_id"]]
    speakers = pd.read_parquet(out / "speakers").drop(columns=["names", "roles"])
    quotes = pd.read_parquet(out / "quotes")
    return (claims.sort_values("claim_id").reset_index(drop=True),
            speakers.sort_values("speaker_id").reset_index(drop=True),
            quotes.sort_values("quote_id").reset_index(drop=True))


def test_a_syndicated_copy_doubles_no_quote_and_incremental_runs_equal_a_full_run(tmp_path, prefect_harness):
    originals = [_rec("cp-1", STORY, "2023-03-21", "The Canadian Press"), _rec("other", OTHER, "2023-03-20", "AP")]
    additions = [_rec("copy-of-cp-1", STORY, "2023-03-22", "Toronto Star"),
                 _rec("later", LATER, "2023-03-25", "CBC")]
    first, everything = tmp_path / "first.jsonl", tmp_path / "all.jsonl"
    _write(first, originals)
    _write(everything, originals + additions)

    full = tmp_path / "full"
    extract_corpus(str(everything), str(full))
    claims, speakers, quotes = _tables(full)
    arts = pd.read_parquet(full / "articles").set_index("doc_id")["article_id"]
    a = claims[claims.article_id == arts["cp-1"]].sort_values("claim_index")
    b = claims[claims.article_id == arts["copy-of-cp-1"]].sort_values("claim_index")
    assert len(a) == len(b) > 0
    assert a.quote_id.tolist() == b.quote_id.tolist()          # the copy's claims share quote ids
    assert quotes.quote_id.is_unique and set(quotes.quote_id) == set(claims.quote_id)
    copied = quotes[quotes.quote_id.isin(a.quote_id)]
    assert (copied.n_articles >= 2).all() and (copied.first_article_id == arts["cp-1"]).all()
    assert (copied[copied.n_articles == 2].n_sources == 2).all()
    # the later, edited wording is the same quotation (near-identical), from a third source
    workers = quotes[quotes.text.str.contains("workers behind")]
    assert len(workers) == 1 and workers.n_articles.iloc[0] == 3 and workers.n_wordings.iloc[0] >= 2
    hillman = speakers[speakers.name == "Kirsten Hillman"]
    assert len(hillman) == 1 and hillman.n_articles.iloc[0] == 3 and hillman.gender.iloc[0] == "female"
    assert set(claims.speaker_id.dropna()) <= set(speakers.speaker_id)

    inc = tmp_path / "incremental"
    extract_corpus(str(first), str(inc))
    extract_corpus(str(everything), str(inc))
    for got, want in zip(_tables(inc), (claims, speakers, quotes)):
        pd.testing.assert_frame_equal(got, want)


def test_a_rerun_with_nothing_new_rewrites_no_claims_part(tmp_path, prefect_harness):
    src = tmp_path / "in.jsonl"
    _write(src, [_rec("a", STORY, "2023-03-21", "CP")])
    out = tmp_path / "out"
    extract_corpus(str(src), str(out))
    before = {p.name: p.stat().st_ino for p in (out / "current" / "claims").resolve().glob("*.parquet")}
    extract_corpus(str(src), str(out))
    after = {p.name.removeprefix("prev-").split("-", 1)[-1]: p.stat().st_ino
             for p in (out / "current" / "claims").resolve().glob("*.parquet")}
    assert set(before.values()) & set(after.values())  # hard links of the previous version's parts
    assert pd.read_parquet(out / "claims").speaker_id.notna().any()
