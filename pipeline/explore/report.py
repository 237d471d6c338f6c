"""``claims report``: one self-contained HTML file summarising a dataset.

The page has counts, charts (inline SVG, no script, no network: a Content-Security-Policy
forbids any fetch) and a sample of claims with speaker, cue, figures, dates and places marked in
their sentence. All dataset text is escaped: articles are untrusted input.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from html import escape
from pathlib import Path
from typing import Any, Callable, Sequence

import duckdb

from pipeline.explore import charts
from pipeline.explore.spans import Mark, context_window, cut_marks, segments
from pipeline.explore.sql import Dataset, connect, open_dataset

STEPS = ("counts", "speakers", "quotations", "time", "sources", "figures", "dates and places", "sample", "page")
GENDERS = ("female", "male", "unknown")

Rows = list[tuple[Any, ...]]


@dataclass
class Sample:
    """One claim of the sample, ready to render."""

    claim_type: str
    speaker: str | None
    speaker_role: str | None
    cue: str | None
    title: str | None
    doc_id: str
    source: str | None
    published: date | None
    pieces: list[tuple[str, frozenset[str]]]
    cut_left: bool
    cut_right: bool
    figures: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ReportData:
    """Everything the page shows, gathered by ``collect``."""

    dataset: str
    version: str
    generated: str
    counts: dict[str, int]
    runs: Rows
    speakers: Rows
    organizations: Rows
    speaker_types: Rows
    cues: Rows
    time_granularity: str
    time_labels: list[str]
    time_direct: list[int]
    time_indirect: list[int]
    undated_claims: int
    sources: Rows
    units: Rows
    dimensions: Rows
    currencies: Rows
    date_years: list[tuple[str, int]]
    places: Rows
    rejects: Rows
    samples: list[Sample]
    most_quoted: Rows = field(default_factory=list)
    gender_totals: dict[str, int] = field(default_factory=dict)
    gender_granularity: str = "day"
    gender_labels: list[str] = field(default_factory=list)
    gender_counts: dict[str, list[int]] = field(default_factory=dict)


# `rejects` keeps every run's rejects: the report shows those of the latest run (the input as it is now).
_LAST_RUN = "run_id = coalesce((SELECT run_id FROM runs ORDER BY finished DESC LIMIT 1), run_id)"

def _one(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> Any:
    return con.execute(sql, list(params)).fetchone()[0]


def _all(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> Rows:
    return con.execute(sql, list(params)).fetchall()


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {
        "articles": _one(con, "SELECT count(*) FROM articles"),
        "words": _one(con, "SELECT coalesce(sum(n_words), 0) FROM articles"),
        "claims": _one(con, "SELECT count(*) FROM claims"),
        "direct": _one(con, "SELECT count(*) FROM claims WHERE claim_type = 'direct'"),
        "indirect": _one(con, "SELECT count(*) FROM claims WHERE claim_type = 'indirect'"),
        "speakers": _one(con, "SELECT count(DISTINCT speaker) FROM claims"),
        "articles_with_claims": _one(con, "SELECT count(DISTINCT article_id) FROM claims"),
        "figures": _one(con, "SELECT count(*) FROM figures"),
        "figures_in_claims": _one(con, "SELECT count(claim_id) FROM figures"),
        "dates": _one(con, "SELECT count(*) FROM dates"),
        "places": _one(con, "SELECT count(*) FROM places"),
        "rejects": _one(con, f"SELECT count(*) FROM rejects WHERE {_LAST_RUN}"),
        "runs": _one(con, "SELECT count(*) FROM runs"),
        "linked_speakers": _one(con, "SELECT count(*) FROM speakers"),
        "quotations": _one(con, "SELECT count(*) FROM quotes"),
    }


def _periods(first: date, last: date) -> tuple[str, list[date]]:
    """A granularity that gives a readable number of columns, and every period start in range."""
    days = (last - first).days
    if days <= 62:
        return "day", [date.fromordinal(first.toordinal() + i) for i in range(days + 1)]
    if days <= 366 * 4:
        out, y, m = [], first.year, first.month
        while (y, m) <= (last.year, last.month):
            out.append(date(y, m, 1))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return "month", out
    return "year", [date(y, 1, 1) for y in range(first.year, last.year + 1)]


def _label(period: date, granularity: str) -> str:
    return {"day": period.isoformat(), "month": period.strftime("%Y-%m"), "year": str(period.year)}[granularity]


def _over_time(con: duckdb.DuckDBPyConnection) -> tuple[str, list[str], list[int], list[int], int]:
    span = con.execute("SELECT min(a.published), max(a.published) FROM claims c JOIN articles a USING (article_id) "
                       "WHERE a.published IS NOT NULL").fetchone()
    undated = _one(con, "SELECT count(*) FROM claims c LEFT JOIN articles a USING (article_id) "
                        "WHERE a.published IS NULL")
    if span[0] is None:
        return "day", [], [], [], undated
    granularity, periods = _periods(span[0], span[1])
    rows = _all(con, f"SELECT CAST(date_trunc('{granularity}', a.published) AS DATE), c.claim_type, count(*) "
                     "FROM claims c JOIN articles a USING (article_id) WHERE a.published IS NOT NULL GROUP BY ALL")
    index = {p: i for i, p in enumerate(periods)}
    direct, indirect = [0] * len(periods), [0] * len(periods)
    for period, kind, n in rows:
        (direct if kind == "direct" else indirect)[index[period]] += n
    return granularity, [_label(p, granularity) for p in periods], direct, indirect, undated


# Distinct quotations by persons, with the gender of their speaker and the date they first appeared.
_PERSON_QUOTES = ("SELECT q.quote_id, coalesce(s.gender, 'unknown') AS gender, q.first_published FROM quotes q "
                  "JOIN speakers s ON s.speaker_id = q.speaker_id WHERE s.speaker_type = 'person'")


def _gender_over_time(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, int], str, list[str], dict[str, list[int]]]:
    """Quotations by persons per gender: totals, and counts per period of first appearance."""
    totals = {g: 0 for g in GENDERS}
    for gender, n in _all(con, f"SELECT gender, count(*) FROM ({_PERSON_QUOTES}) GROUP BY gender"):
        totals[gender if gender in totals else "unknown"] += n
    span = con.execute(f"SELECT min(first_published), max(first_published) FROM ({_PERSON_QUOTES})").fetchone()
    if span[0] is None:
        return totals, "day", [], {g: [] for g in GENDERS}
    granularity, periods = _periods(span[0], span[1])
    index = {p: i for i, p in enumerate(periods)}
    counts = {g: [0] * len(periods) for g in GENDERS}
    for period, gender, n in _all(con, f"SELECT CAST(date_trunc('{granularity}', first_published) AS DATE), gender, "
                                       f"count(*) FROM ({_PERSON_QUOTES}) WHERE first_published IS NOT NULL "
                                       "GROUP BY ALL"):
        counts[gender if gender in counts else "unknown"][index[period]] += n
    return totals, granularity, [_label(p, granularity) for p in periods], counts


def _date_years(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """Dates per year referred to; years outside the central 98% are pooled as "before"/"after"."""
    rows = _all(con, "SELECT year(date_start) AS y, count(*) FROM dates WHERE date_start IS NOT NULL "
                     "GROUP BY y ORDER BY y")
    if not rows:
        return []
    total, seen = sum(n for _, n in rows), 0
    first = last = None
    for y, n in rows:
        seen += n
        if first is None and seen > total * 0.01:
            first = y
        if last is None and seen >= total * 0.99:
            last = y
    counts = dict(rows)
    if last - first > 60:
        first, last = last - 60, last
    out = []
    before = sum(n for y, n in rows if y < first)
    if before:
        out.append((f"<{first}", before))
    out += [(str(y), counts.get(y, 0)) for y in range(first, last + 1)]
    after = sum(n for y, n in rows if y > last)
    if after:
        out.append((f">{last}", after))
    return out


def _figure_note(f: dict[str, Any]) -> str:
    """The normalized reading of a figure, e.g. ``~ 2,400,000 encounter``."""
    value = f["value"]
    text = charts.fmt_number(value) if value is not None and math.isfinite(value) else "?"
    if f.get("value_max") is not None:
        text += f"–{charts.fmt_number(f['value_max'])}"
    unit = f.get("currency") or f.get("unit")
    if unit:
        text = f"{unit} {text}" if f.get("currency") else f"{text} {unit}"
    if f.get("per_unit"):
        text += f" per {f['per_unit']}"
    if f.get("approx") and f["approx"] != "=":
        text = f"{f['approx']} {text}"
    if f.get("change"):
        text += f" ({f['change']})"
    return text


def _samples(con: duckdb.DuckDBPyConnection, size: int, seed: int) -> list[Sample]:
    """About ``size`` claims in a stable pseudo-random order; half of them hold figures when possible."""
    if size <= 0:
        return []
    order = "hash(c.claim_id || ?)"
    with_figures = _all(con, f"SELECT c.claim_id FROM claims c WHERE EXISTS (SELECT 1 FROM figures f "
                             f"WHERE f.claim_id = c.claim_id) ORDER BY {order} LIMIT ?", [str(seed), (size + 1) // 2])
    chosen = [r[0] for r in with_figures]
    others = _all(con, f"SELECT c.claim_id FROM claims c WHERE NOT list_contains(?, c.claim_id) "
                       f"ORDER BY {order} LIMIT ?", [chosen, str(seed), size - len(chosen)])
    chosen += [r[0] for r in others]
    if not chosen:
        return []
    claims = _all(con, "SELECT c.claim_id, c.article_id, c.claim_type, c.speaker, c.speaker_role, c.cue, c.start, "
                       'c."end", c.speaker_start, c.speaker_end, c.cue_start, c.cue_end, a.title, a.doc_id, a.source, '
                       "a.published, a.text FROM claims c JOIN articles a USING (article_id) "
                       "WHERE list_contains(?, c.claim_id) ORDER BY a.published NULLS LAST, a.doc_id, c.claim_index",
                  [chosen])
    article_ids = sorted({r[1] for r in claims})
    spans: dict[str, list[tuple[str, int, int]]] = {}
    for table, kind in (("figures", "figure"), ("dates", "date"), ("places", "place")):
        for aid, s, e in _all(con, f'SELECT article_id, start, "end" FROM {table} WHERE list_contains(?, article_id)',
                              [article_ids]):
            spans.setdefault(aid, []).append((kind, s, e))
    fig_cols = ["surface", "value", "value_max", "unit", "currency", "per_unit", "approx", "change"]
    figs: dict[str, list[dict[str, Any]]] = {}
    for row in _all(con, f"SELECT claim_id, {', '.join(fig_cols)} FROM figures WHERE list_contains(?, claim_id) "
                         "ORDER BY start", [chosen]):
        figs.setdefault(row[0], []).append(dict(zip(fig_cols, row[1:])))
    out = []
    for (claim_id, aid, ctype, speaker, role, cue, start, end, ss, se, cs, ce, title, doc_id, source, published,
         text) in claims:
        marks = [Mark(start, end, "content")]
        near = [start, end]
        for s, e, kind in ((ss, se, "speaker"), (cs, ce, "cue")):
            # A mention far from the claim would blow the excerpt up; it is named in the header anyway.
            if s is not None and e is not None and abs(s - start) < 600 and abs(e - end) < 600:
                marks.append(Mark(s, e, kind))
                near += [s, e]
        lo, hi = context_window(text, min(near), max(near))
        marks += [Mark(s, e, kind) for kind, s, e in spans.get(aid, []) if s < hi and e > lo]
        out.append(Sample(ctype, speaker, role, cue, title, doc_id, source, published,
                          segments(text, marks, lo, hi), *cut_marks(text, lo, hi), figs.get(claim_id, [])))
    return out


def collect(con: duckdb.DuckDBPyConnection, dataset: Dataset, top: int = 15, sample: int = 40, seed: int = 0,
            on_step: Callable[[str], None] = lambda step: None) -> ReportData:
    """Query everything the report shows."""
    on_step("counts")
    counts = _counts(con)
    runs = _all(con, "SELECT run_id, started, finished, input, seen, processed, unchanged, rejected, removed "
                     "FROM runs ORDER BY started DESC LIMIT 5")
    on_step("speakers")
    speaker_sql = ("SELECT speaker, count(*) AS n, count(DISTINCT article_id) FROM claims WHERE speaker IS NOT NULL "
                   "{} GROUP BY speaker ORDER BY n DESC, speaker LIMIT ?")
    speakers = _all(con, speaker_sql.format(""), [top])
    organizations = _all(con, speaker_sql.format("AND speaker_type = 'organization'"), [top])
    speaker_types = _all(con, "SELECT coalesce(speaker_type, '(unknown)') AS t, count(*) AS n FROM claims "
                              "GROUP BY t ORDER BY n DESC")
    cues = _all(con, "SELECT coalesce(cue, '(none)') AS c, count(*) AS n FROM claims GROUP BY c ORDER BY n DESC, c "
                     "LIMIT ?", [top])
    on_step("quotations")
    most_quoted = _all(con, "SELECT name, n_quotes, n_claims, n_articles, coalesce(gender, ''), speaker_type, "
                            "speaker_id FROM speakers WHERE scope = 'corpus' ORDER BY n_quotes DESC, n_claims DESC, "
                            "speaker_id LIMIT ?", [top])
    gender_totals, gender_granularity, gender_labels, gender_counts = _gender_over_time(con)
    on_step("time")
    granularity, labels, direct, indirect, undated = _over_time(con)
    on_step("sources")
    sources = _all(con, "SELECT coalesce(a.source, '(unknown)') AS s, count(DISTINCT a.article_id), count(c.claim_id) "
                        "AS n FROM articles a LEFT JOIN claims c USING (article_id) GROUP BY s ORDER BY n DESC, s "
                        "LIMIT ?", [top])
    on_step("figures")
    units = _all(con, "SELECT coalesce(unit, '(bare number)') AS u, count(*) AS n FROM figures GROUP BY u "
                      "ORDER BY n DESC, u LIMIT ?", [top])
    dimensions = _all(con, "SELECT coalesce(unit_dimension, '(none)') AS d, count(*) AS n FROM figures GROUP BY d "
                           "ORDER BY n DESC, d")
    currencies = _all(con, "SELECT currency, count(*) AS n FROM figures WHERE currency IS NOT NULL "
                           "GROUP BY currency ORDER BY n DESC, currency LIMIT ?", [top])
    on_step("dates and places")
    years = _date_years(con)
    places = _all(con, "SELECT coalesce(name, surface) AS p, any_value(country_code), count(*) AS n FROM places "
                       "GROUP BY p ORDER BY n DESC, p LIMIT ?", [top])
    rejects = _all(con, f"SELECT reason, count(*) AS n FROM rejects WHERE {_LAST_RUN} GROUP BY reason "
                        "ORDER BY n DESC LIMIT 10")
    on_step("sample")
    samples = _samples(con, sample, seed)
    return ReportData(
        dataset=str(dataset.root), version=dataset.version_name,
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), counts=counts, runs=runs,
        speakers=speakers, organizations=organizations, speaker_types=speaker_types, cues=cues,
        time_granularity=granularity, time_labels=labels, time_direct=direct, time_indirect=indirect,
        undated_claims=undated, sources=sources, units=units, dimensions=dimensions, currencies=currencies,
        date_years=years, places=places, rejects=rejects, samples=samples, most_quoted=most_quoted,
        gender_totals=gender_totals, gender_granularity=gender_granularity, gender_labels=gender_labels,
        gender_counts=gender_counts)


# ---------------------------------------------------------------------------------------------
# HTML

_CSS = """
:root{--fg:#1d2430;--muted:#5d6776;--line:#dde2e8;--bg:#f6f7f9;--card:#fff;--accent:#3b6ea8}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header.top{background:#1f3350;color:#fff;padding:18px 28px}
header.top h1{margin:0 0 4px;font-size:22px}
header.top p{margin:0;color:#c9d4e3;font-size:13px}
nav{padding:8px 28px;background:#fff;border-bottom:1px solid var(--line);font-size:13px}
nav a{margin-right:14px;color:var(--accent);text-decoration:none}
main{padding:18px 28px;max-width:1280px}
section{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:14px 18px;margin:0 0 18px}
section h2{margin:0 0 10px;font-size:17px}
h3{font-size:14px;margin:6px 0}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:8px 28px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(130px,1fr));gap:10px}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 12px;background:#fbfcfd}
.card b{display:block;font-size:22px}
.card span{color:var(--muted);font-size:12px}
.note,.empty{color:var(--muted);font-size:12.5px}
svg.chart{max-width:100%;height:auto;overflow:visible}
svg.chart text{fill:var(--fg)}
svg.chart text.num{fill:var(--muted)}
svg.chart line.grid{stroke:var(--line)}
table{border-collapse:collapse;font-size:12.5px;margin:4px 0}
th,td{border-bottom:1px solid var(--line);padding:3px 10px 3px 0;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
details{margin:4px 0 8px}
summary{cursor:pointer;color:var(--accent);font-size:12.5px}
.claim{border-top:1px solid var(--line);padding:10px 0}
.claim .meta{font-size:12.5px;color:var(--muted)}
.claim .meta b{color:var(--fg)}
.claim blockquote{margin:6px 0;padding:6px 12px;border-left:3px solid var(--line);background:#fcfcfd;font-size:14px}
.tag{display:inline-block;border-radius:3px;padding:0 6px;font-size:11.5px;color:#fff;background:#3b6ea8}
.tag.indirect{background:#e08a2c}
.content{background:#fff3c4}
.speaker{background:#d7e6fb;font-weight:600;border-radius:2px}
.cue{text-decoration:underline 2px #b2475b;color:#8c2339;font-weight:600}
.figure{background:#c9ecd3;outline:1px solid #4f9a6a;border-radius:2px}
.date{border-bottom:2px dotted #7d62a8}
.place{border-bottom:2px solid #3b6ea8}
.legend span{margin-right:10px;padding:0 4px}
ul.figs{margin:2px 0 0;padding-left:18px;font-size:12.5px}
code{font-size:12px;background:#eef1f4;padding:0 3px;border-radius:3px}
"""


def _e(value: Any) -> str:
    return "" if value is None else escape(str(value))


def _num(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else _e(value)


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f'<td class="n">{_num(v)}</td>' if isinstance(v, (int, float)) else f"<td>{_e(v)}</td>"
                                    for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _numbers(headers: Sequence[str], rows: Sequence[Sequence[Any]], summary: str = "the numbers") -> str:
    if not rows:
        return ""
    return f"<details><summary>{_e(summary)}</summary>{_table(headers, rows)}</details>"


def _bars(title: str, rows: Rows, headers: Sequence[str], note: str = "", color: str = charts.PALETTE[0],
          value_col: int = 1) -> str:
    chart = charts.hbar_chart([(r[0], r[value_col]) for r in rows], color=color, aria=title)
    note_html = f'<p class="note">{note}</p>' if note else ""
    return f"<div><h3>{_e(title)}</h3>{note_html}{chart}{_numbers(headers, rows)}</div>"


def _card(value: int, label: str) -> str:
    return f'<div class="card"><b>{value:,}</b><span>{_e(label)}</span></div>'


def _sample_html(s: Sample) -> str:
    body = "".join(f'<span class="{" ".join(sorted(kinds))}">{_e(piece)}</span>' if kinds else _e(piece)
                   for piece, kinds in s.pieces)
    body = ("… " if s.cut_left else "") + body + (" …" if s.cut_right else "")
    who = f"<b>{_e(s.speaker)}</b>" if s.speaker else "<i>unknown speaker</i>"
    if s.speaker_role:
        who += f" ({_e(s.speaker_role)})"
    cue = f" · cue <code>{_e(s.cue)}</code>" if s.cue else ""
    where = " · ".join(_e(x) for x in (s.source, s.published.isoformat() if s.published else None) if x)
    title = _e(s.title or s.doc_id)
    figs = ""
    if s.figures:
        figs = '<ul class="figs">' + "".join(f'<li><span class="figure">{_e(f["surface"])}</span> → {_e(_figure_note(f))}</li>'
                                             for f in s.figures) + "</ul>"
    return (f'<div class="claim"><div class="meta"><span class="tag {_e(s.claim_type)}">{_e(s.claim_type)}</span> '
            f'{who}{cue}<br>{title} <span title="doc_id">[{_e(s.doc_id)}]</span>{" · " + where if where else ""}</div>'
            f"<blockquote>{body}</blockquote>{figs}</div>")


def _share(n: int, total: int) -> float:
    return round(100.0 * n / total, 1) if total else 0.0


def _quotations_html(data: ReportData) -> str:
    """Most quoted speakers (by speaker_id) and the share of quotations by gender over time."""
    top = _bars("Most quoted speakers", [(r[0], r[1]) for r in data.most_quoted], ["speaker", "quotations"],
                note="Distinct quotations per speaker across the corpus (<code>speakers.n_quotes</code>): a "
                     "quotation printed by several articles counts once.", color=charts.PALETTE[1])
    if data.most_quoted:
        top += _numbers(["speaker", "quotations", "claims", "articles", "gender", "type", "speaker_id"],
                        data.most_quoted, summary="the speakers and their ids")
    totals = data.gender_totals or {g: 0 for g in GENDERS}
    all_quotes = sum(totals.values())
    known = totals.get("female", 0) + totals.get("male", 0)
    cards = "".join(_card(totals.get(g, 0), f"quotations by {g} speakers ({_share(totals.get(g, 0), all_quotes)} %)")
                    for g in GENDERS)
    shares = {g: [_share(n, sum(data.gender_counts[h][i] for h in GENDERS))
                  for i, n in enumerate(data.gender_counts.get(g, []))] for g in GENDERS}
    chart = charts.column_chart(data.gender_labels, [(g, shares[g]) for g in GENDERS],
                                aria="share of quotations by gender over time")
    rows = [[label, *(data.gender_counts[g][i] for g in GENDERS),
             *(shares[g][i] for g in GENDERS)] for i, label in enumerate(data.gender_labels)
            if any(data.gender_counts[g][i] for g in GENDERS)]
    female_share = _share(totals.get("female", 0), known)
    return ('<section id="quotations"><h2>Quotations and gender</h2>'
            f'<div class="cards">{cards}</div>'
            f'<p class="note">Among quotations whose speaker\'s gender is known, {female_share} % are by women. '
            'Gender comes from the text first (pronouns, titles and role nouns referring to the speaker), then from '
            'the first name (offline resource); <code>unknown</code> when the evidence is weak or conflicting '
            '(see the README).</p>'
            f'<h3>Share of quotations by gender, per {data.gender_granularity} they first appeared (%)</h3>'
            + chart + _numbers([data.gender_granularity, *GENDERS, *(f"% {g}" for g in GENDERS)], rows)
            + f'<div class="grid">{top}</div></section>')


def render(data: ReportData) -> str:
    """The report page as one HTML string."""
    c = data.counts
    cards = "".join([
        _card(c["articles"], "articles"), _card(c["claims"], "claims"), _card(c["direct"], "direct quotes"),
        _card(c["indirect"], "reported speech"), _card(c["speakers"], "distinct speakers"),
        _card(c["figures"], "figures"), _card(c["figures_in_claims"], "figures inside claims"),
        _card(c["dates"], "dates"), _card(c["places"], "places"), _card(c["words"], "words analysed"),
        _card(c["rejects"], "rejected inputs"), _card(c.get("linked_speakers", 0), "speakers across articles"),
        _card(c.get("quotations", 0), "distinct quotations")])
    per_article = c["claims"] / c["articles"] if c["articles"] else 0.0
    overview = (f'<section id="overview"><h2>Overview</h2><div class="cards">{cards}</div>'
                f'<p class="note">{per_article:.1f} claims per article; {c["articles_with_claims"]:,} of '
                f'{c["articles"]:,} articles hold at least one claim.</p>')
    if data.runs:
        overview += _numbers(["run", "started", "finished", "input", "seen", "processed", "unchanged", "rejected",
                              "removed"], [[r[0], str(r[1])[:19], str(r[2])[:19], *r[3:]] for r in data.runs],
                             summary="latest runs")
    overview += "</section>"

    speakers = ('<section id="speakers"><h2>Who speaks</h2><div class="grid">'
                + _bars("Top speakers", data.speakers, ["speaker", "claims", "articles"])
                + _bars("Top organizations", data.organizations, ["organization", "claims", "articles"],
                        note="Speakers whose <code>speaker_type</code> is organization.", color=charts.PALETTE[4])
                + _bars("Speaker types", data.speaker_types, ["type", "claims"], color=charts.PALETTE[5])
                + _bars("Reporting cues", data.cues, ["cue", "claims"], color=charts.PALETTE[3])
                + "</div></section>")

    quotations = _quotations_html(data)

    undated = (f" {data.undated_claims:,} claims come from articles without a publication date and are left out."
               if data.undated_claims else "")
    time_rows = list(zip(data.time_labels, data.time_direct, data.time_indirect))
    time_html = ('<section id="time"><h2>Claims over time and by source</h2>'
                 f'<h3>Claims per {data.time_granularity} of publication</h3>'
                 + charts.column_chart(data.time_labels, [("direct", data.time_direct), ("indirect", data.time_indirect)],
                                       aria="claims over time")
                 + f'<p class="note">By the articles\' publication date.{undated}</p>'
                 + _numbers([data.time_granularity, "direct", "indirect"], [r for r in time_rows if r[1] or r[2]])
                 + '<div class="grid">'
                 + _bars("Claims by source", data.sources, ["source", "articles", "claims"], value_col=2)
                 + _bars("Articles by source", sorted(data.sources, key=lambda r: (-r[1], r[0])),
                         ["source", "articles", "claims"], color=charts.PALETTE[5])
                 + "</div></section>")

    figures = ('<section id="figures"><h2>Figures</h2><div class="grid">'
               + _bars("Figures by unit", data.units, ["unit", "figures"], color=charts.PALETTE[2])
               + _bars("Figures by dimension", data.dimensions, ["dimension", "figures"], color=charts.PALETTE[2])
               + _bars("Money by currency", data.currencies, ["currency (ISO 4217)", "figures"], color=charts.PALETTE[1])
               + "</div></section>")

    years_chart = charts.column_chart([y for y, _ in data.date_years], [("dates", [n for _, n in data.date_years])],
                                      width=560, aria="years the dates refer to")
    places = ('<section id="places"><h2>Dates and places</h2><div class="grid">'
              f'<div><h3>Years the dates refer to</h3>{years_chart}'
              '<p class="note">Year of the start of each resolved date interval; rare years at either end are pooled.</p>'
              + _numbers(["year", "dates"], [r for r in data.date_years if r[1]]) + "</div>"
              + _bars("Places named most", [(p, n, cc) for p, cc, n in data.places], ["place", "mentions", "country"],
                      color=charts.PALETTE[0])
              + "</div></section>")

    legend = ('<p class="legend note"><span class="content">claim content</span><span class="speaker">speaker</span>'
              '<span class="cue">cue</span><span class="figure">figure</span><span class="date">date</span>'
              '<span class="place">place</span></p>')
    sample = (f'<section id="sample"><h2>A sample of claims</h2><p class="note">{len(data.samples)} claims, half of them '
              f'(when there are enough) among claims that hold figures; each shown in its sentence.</p>{legend}'
              + ("".join(_sample_html(s) for s in data.samples) or '<p class="empty">No claims in this dataset.</p>')
              + "</section>")

    rejects = ""
    if data.rejects:
        rejects = ('<section id="rejects"><h2>Rejected inputs</h2>' + _table(["reason", "records"], data.rejects)
                   + "</section>")

    nav = "".join(f'<a href="#{a}">{t}</a>' for a, t in (("overview", "Overview"), ("speakers", "Speakers"),
                                                            ("quotations", "Quotations and gender"),
                                                            ("time", "Time and sources"), ("figures", "Figures"),
                                                            ("places", "Dates and places"), ("sample", "Sample")))
    name = Path(data.dataset).name or data.dataset
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
            "img-src data:\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Claims report: {_e(name)}</title><style>{_CSS}</style></head><body>"
            f'<header class="top"><h1>Claims report: {_e(name)}</h1><p>Dataset {_e(data.dataset)} · version '
            f"{_e(data.version)} · generated {_e(data.generated)}</p></header><nav>{nav}</nav><main>"
            f"{overview}{speakers}{quotations}{time_html}{figures}{places}{sample}{rejects}</main></body></html>\n")


def write_report(dataset: str | Path, out: str | Path | None = None, top: int = 15, sample: int = 40, seed: int = 0,
                 on_step: Callable[[str], None] = lambda step: None) -> Path:
    """Build the report of ``dataset`` and write it to ``out`` (default: DATASET/report.html)."""
    ds = open_dataset(dataset)
    target = Path(out) if out else ds.root / "report.html"
    con = connect(ds)
    try:
        data = collect(con, ds, top=top, sample=sample, seed=seed, on_step=on_step)
    finally:
        con.close()
    on_step("page")
    page = render(data)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(target)
    return target
