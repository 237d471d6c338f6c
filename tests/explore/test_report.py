"""The HTML report: numbers, charts, escaping of article text, and `claims report`."""
from datetime import date
from html.parser import HTMLParser

from pipeline.cli import main
from pipeline.explore.report import _periods, collect, write_report
from pipeline.explore.sql import connect, open_dataset


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data):
        self.text.append(data)


def _parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    return parser


def test_collect_counts_and_rankings(dataset):
    ds = open_dataset(dataset)
    data = collect(connect(ds), ds, top=5, sample=10)
    assert data.counts["articles"] == 2 and data.counts["claims"] == 4
    assert (data.counts["direct"], data.counts["indirect"]) == (1, 3)
    assert data.counts["figures_in_claims"] == 2 and data.counts["rejects"] == 1
    assert data.speakers[0][:2] == ("Kirsten Hillman", 2)
    assert [r[0] for r in data.organizations] == ["<script>alert('s')</script>", "Canada"]
    assert dict(data.currencies) == {"CAD": 1}
    assert data.time_granularity == "month" and data.time_labels == ["2023-03", "2023-04", "2023-05", "2023-06"]
    assert (data.time_direct, data.time_indirect) == ([1, 0, 0, 0], [2, 0, 0, 1])
    assert len(data.samples) == 4
    assert sum(1 for s in data.samples if s.figures) == 2


def test_periods_pick_a_readable_granularity():
    assert _periods(date(2023, 1, 30), date(2023, 2, 2))[0] == "day"
    gran, periods = _periods(date(2022, 11, 5), date(2023, 2, 1))
    assert gran == "month" and periods == [date(2022, 11, 1), date(2022, 12, 1), date(2023, 1, 1), date(2023, 2, 1)]
    assert _periods(date(2001, 5, 1), date(2023, 1, 1))[0] == "year"


def test_page_is_self_contained_and_escapes_article_text(dataset, tmp_path):
    page = write_report(dataset, tmp_path / "r.html").read_text(encoding="utf-8")
    parsed = _parse(page)
    assert "script" not in parsed.tags and "img" not in parsed.tags and "link" not in parsed.tags
    assert not [v for k, v in parsed.attrs if k in ("src", "href") and v and not v.startswith("#")]
    assert "default-src 'none'" in page
    # The hostile strings are there, as text.
    text = "".join(parsed.text)
    assert "<script>alert('x')</script>" in text and "<img src=x onerror=alert(2)>" in text
    assert parsed.tags.count("svg") >= 8


def test_sample_marks_speaker_cue_and_figures_in_the_sentence(dataset, tmp_path):
    page = write_report(dataset, tmp_path / "r.html", sample=10).read_text(encoding="utf-8")
    assert '<span class="content figure">$26.9 million</span>' in page
    assert '<span class="speaker">Hillman</span>' in page
    assert '<span class="cue">agreed</span>' in page
    assert '<span class="content place">Latin America</span>' in page
    assert '<span class="content date">2022</span>' in page
    assert "CAD 26,900,000" in page  # the figure's normalized reading under the claim


def test_report_command_writes_beside_the_dataset(dataset, capsys):
    assert main(["report", str(dataset), "--no-progress"]) == 0
    target = dataset / "report.html"
    assert capsys.readouterr().out.strip() == str(target)
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_report_command_on_a_missing_dataset(tmp_path, capsys):
    assert main(["report", str(tmp_path / "none")]) == 2
    assert "claims run" in capsys.readouterr().err


def test_report_of_an_empty_dataset_still_renders(tmp_path):
    from pipeline.export.dataset import VersionWriter

    writer = VersionWriter(tmp_path / "empty", "r0")
    writer.publish()
    page = write_report(tmp_path / "empty", tmp_path / "e.html").read_text(encoding="utf-8")
    assert "No claims in this dataset." in page and "Nothing to chart." in page


def test_date_years_pool_rare_years_at_the_ends():
    import duckdb

    from pipeline.explore.report import _date_years

    con = duckdb.connect()
    years = [1850] + [2020] * 50 + [2021] * 40 + [2023] * 8 + [2090]
    con.execute("CREATE TABLE dates AS SELECT make_date(y, 1, 1) AS date_start FROM unnest(?) AS t(y)", [years])
    assert _date_years(con) == [("<2020", 1), ("2020", 50), ("2021", 40), ("2022", 0), ("2023", 8), (">2023", 1)]


def test_most_quoted_speakers_and_quotations_by_gender(dataset):
    ds = open_dataset(dataset)
    data = collect(connect(ds), ds, top=5, sample=10)
    name, quotes, claims, articles, gender, kind, speaker_id = data.most_quoted[0]
    assert (name, quotes, claims, articles, gender, kind) == ("Kirsten Hillman", 2, 2, 1, "female", "person")
    assert len(speaker_id) == 16
    # by persons only: the organizations' quotations are not in the gender share
    assert data.gender_totals == {"female": 2, "male": 0, "unknown": 0}
    assert data.gender_labels == ["2023-03-22"] and data.gender_counts["female"] == [2]
    page = write_report(dataset).read_text(encoding="utf-8")
    assert "Quotations and gender" in page and "Most quoted speakers" in page and speaker_id in page
