"""End to end on the seed article: corpus in, dataset out, the facts a reader of the story expects."""
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "corpus" / "000_a296936b9495a481.txt"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory, prefect_harness):
    from pipeline.flows.extract import extract_corpus

    out = tmp_path_factory.mktemp("seed") / "dataset"
    summary = extract_corpus(str(SEED), str(out))
    assert (summary.processed, summary.rejected) == (1, 0)
    return {t: pd.read_parquet(out / t) for t in ("articles", "claims", "figures", "dates", "places")}


def _claim(claims, needle):
    hits = claims[claims["content"].str.contains(needle, regex=False)]
    assert len(hits), f"no claim contains {needle!r}"
    return hits.iloc[0]


def test_article_metadata(dataset):
    art = dataset["articles"].iloc[0]
    assert art["title"].startswith("Don't assume U.S. minds are made up")
    assert str(art["published"]) == "2023-03-22"
    assert art["text"].rstrip().endswith("was first published March 22, 2023.")
    assert "IN DEPTH" not in art["text"]


def test_direct_and_reported_claims(dataset):
    claims = dataset["claims"]
    quote = _claim(claims, "I think it does benefit both countries")
    assert (quote["speaker"], quote["cue"], quote["claim_type"]) == ("Kirsten Hillman", "say", "direct")
    she = _claim(claims, "would be in the interest of both countries")
    assert (she["speaker"], she["speaker_mention"], she["cue"]) == ("Kirsten Hillman", "she", "acknowledge")
    envoy = _claim(claims, "not dismissing out of hand")
    assert envoy["speaker"] == "Kirsten Hillman" and "ambassador" in envoy["speaker_role"]
    kirby = _claim(claims, "There are a range of issues")
    assert kirby["speaker"] == "John Kirby" and "spokesman" in kirby["speaker_role"]
    cbp = _claim(claims, "68,784 encounters")
    assert cbp["cue"] == "record" and "Customs and Border Protection" in cbp["speaker"]


def test_figures(dataset):
    figs = dataset["figures"].set_index("surface")
    row = figs[figs.index.str.contains("39,000")].iloc[0]
    assert (row["value"], row["approx"]) == (39000, ">") and "claim" in row["unit"]
    money = figs[figs.index.str.contains("26.9 million")].iloc[0]
    assert (money["value"], money["currency"]) == (26_900_000, "CAD")
    assert not figs.index.str.contains("Third").any()
    assert not (dataset["figures"]["value"] == 2004).any()


def test_figures_inside_claims_are_linked(dataset):
    figs, claims = dataset["figures"], dataset["claims"]
    row = figs[figs["surface"].str.contains("68,784")].iloc[0]
    assert row["claim_id"] in set(claims["claim_id"])


def test_dates(dataset):
    dates = dataset["dates"]
    fiscal = dates[dates["surface"].str.contains("fiscal 2022")].iloc[0]
    assert (str(fiscal["date_start"]), str(fiscal["date_end"])) == ("2021-10-01", "2022-09-30")
    thursday = dates[dates["surface"].str.contains("Thursday")].iloc[0]
    assert str(thursday["date_start"]) == "2023-03-23"


def test_places(dataset):
    places = dataset["places"]
    ottawa = places[places["surface"] == "Ottawa"].iloc[0]
    assert (ottawa["country_code"], ottawa["geonameid"]) == ("CA", 6094817)
    quebec = places[places["surface"] == "Quebec"].iloc[0]
    assert quebec["subdivision_code"] == "CA-QC"


def test_boilerplate_yields_nothing(dataset):
    for bad in ("Lindsey Graham", "Danielle Smith", "120,000", "Upper Tantallon"):
        for table, col in (("claims", "content"), ("claims", "speaker"), ("figures", "surface"), ("places", "surface")):
            assert not dataset[table][col].fillna("").str.contains(bad, regex=False).any(), (table, bad)
