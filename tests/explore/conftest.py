"""A tiny dataset written the way ``claims run`` writes one: two articles, one of them hostile HTML."""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from pipeline.export.corpus_tables import build_corpus_tables
from pipeline.export.dataset import VersionWriter

SEED_TEXT = (
    "Don't assume U.S. minds are made up about Safe Third Country treaty: Canada's envoy\n"
    "Kirsten Hillman, in Ottawa to prepare for Biden's impending arrival on Thursday, said the administration "
    "understands the agreement.\n"
    "\"I think it does benefit both countries, and I actually think they do recognize that,\" Hillman said in "
    "an interview.\n"
    "Canada agreed to spend $26.9 million in 2022 on slowing the flow of migrants from Latin America and the "
    "Caribbean.\n"
)
EVIL_TEXT = ("<script>alert('x')</script> The mayor said [bold]taxes[/bold] rose 5% in Paris. "
             "<img src=x onerror=alert(1)>\n")


def span(text: str, needle: str, after: int = 0) -> tuple[int, int]:
    start = text.index(needle, after)
    return start, start + len(needle)


def _claim(article_id: str, text: str, index: int, kind: str, content: str, speaker: str, mention: str, cue: str,
           cue_surface: str, speaker_type: str, role: str | None = None, mention_after: int = 0) -> dict:
    s, e = span(text, content)
    ms, me = span(text, mention, mention_after)
    cs, ce = span(text, cue_surface, e if kind == "direct" else 0)
    return dict(claim_id=f"{article_id}-c{index}", article_id=article_id, claim_index=index, claim_type=kind,
                content=content, start=s, end=e, speaker=speaker, speaker_mention=mention, speaker_start=ms,
                speaker_end=me, speaker_role=role, speaker_type=speaker_type, cue=cue, cue_start=cs, cue_end=ce)


def _article(article_id: str, doc_id: str, text: str, published: date | None, source: str | None, title: str) -> dict:
    return dict(article_id=article_id, doc_id=doc_id, title=title, published=published, source=source, url=None,
                author=None, country=None, text=text, n_words=len(text.split()), input_path=f"{doc_id}.txt",
                input_format="txt", record=None, content_hash="h-" + article_id, extra=None,
                pipeline_version="test", model="test-model")


def dataset_rows() -> dict[str, list[dict]]:
    seed, evil = "a-seed", "b-evil"
    articles = [
        _article(seed, "000_seed", SEED_TEXT, date(2023, 3, 22), "The Canadian Press",
                 "Don't assume U.S. minds are made up"),
        _article(evil, "evil<1>", EVIL_TEXT, date(2023, 6, 2), "<img src=x onerror=alert(2)>",
                 "<script>alert('title')</script>"),
    ]
    c0 = _claim(seed, SEED_TEXT, 0, "indirect", "the administration understands the agreement", "Kirsten Hillman",
                "Kirsten Hillman", "say", "said", "person", "Canada's ambassador to the U.S.")
    c1 = _claim(seed, SEED_TEXT, 1, "direct",
                "\"I think it does benefit both countries, and I actually think they do recognize that,\"",
                "Kirsten Hillman", "Hillman", "say", "said", "person", "Canada's ambassador to the U.S.")
    c2 = _claim(seed, SEED_TEXT, 2, "indirect",
                "to spend $26.9 million in 2022 on slowing the flow of migrants from Latin America and the Caribbean",
                "Canada", "Canada", "agree", "agreed", "organization", mention_after=SEED_TEXT.index("Canada agreed"))
    c3 = _claim(evil, EVIL_TEXT, 0, "indirect", "[bold]taxes[/bold] rose 5% in Paris",
                "<script>alert('s')</script>", "The mayor", "say", "said", "organization")
    fs, fe = span(SEED_TEXT, "$26.9 million")
    ps, pe = span(EVIL_TEXT, "5%")
    figures = [
        dict(figure_id="f1", article_id=seed, claim_id=c2["claim_id"], surface="$26.9 million", start=fs, end=fe,
             value=26.9e6, unit="dollar", unit_dimension="currency", currency="CAD", approx="="),
        dict(figure_id="f2", article_id=evil, claim_id=c3["claim_id"], surface="5%", start=ps, end=pe, value=5.0,
             unit="percentage", unit_dimension="percentage", approx="=", change="up"),
    ]
    ds, de = span(SEED_TEXT, "2022")
    ts, te = span(SEED_TEXT, "Thursday")
    dates = [
        dict(date_id="d1", article_id=seed, claim_id=c2["claim_id"], surface="2022", start=ds, end=de,
             timex_type="date", value="2022", date_start=date(2022, 1, 1), date_end=date(2022, 12, 31),
             granularity="year"),
        dict(date_id="d2", article_id=seed, claim_id=None, surface="Thursday", start=ts, end=te, timex_type="date",
             value="2023-03-23", date_start=date(2023, 3, 23), date_end=date(2023, 3, 23), granularity="day"),
    ]
    os_, oe = span(SEED_TEXT, "Ottawa")
    ls, le = span(SEED_TEXT, "Latin America")
    xs, xe = span(EVIL_TEXT, "Paris")
    places = [
        dict(place_id="p1", article_id=seed, claim_id=None, surface="Ottawa", start=os_, end=oe, label="GPE",
             name="Ottawa", feature="capital", country_code="CA", subdivision_code="CA-ON"),
        dict(place_id="p2", article_id=seed, claim_id=c2["claim_id"], surface="Latin America", start=ls, end=le,
             label="LOC", name="Latin America", feature="region"),
        dict(place_id="p3", article_id=evil, claim_id=c3["claim_id"], surface="Paris", start=xs, end=xe,
             label="GPE", name="Paris", feature="capital", country_code="FR"),
    ]
    now = datetime(2023, 6, 1, tzinfo=timezone.utc)
    runs = [dict(run_id="r1", started=now, finished=now, input="corpus", seen=3, processed=2, unchanged=0, rejected=1,
                 removed=0, rows_written="{}", pipeline_version="test", model="test-model")]
    rejects = [dict(input_path="empty.txt", record=None, doc_id="empty", reason="empty file", run_id="r1")]
    return dict(articles=articles, claims=[c0, c1, c2, c3], figures=figures, dates=dates, places=places,
                runs=runs, rejects=rejects)


@pytest.fixture()
def dataset(tmp_path: Path) -> Path:
    """A published dataset directory (symlinked tables, like `claims run` leaves it)."""
    out = tmp_path / "dataset"
    writer = VersionWriter(out, "r1")
    writer.write(dataset_rows(), "0001")
    build_corpus_tables(writer.staging)
    writer.publish()
    return out
