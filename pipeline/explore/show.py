"""``claims show``: one article in the terminal, its claims marked, its figures, dates and places listed.

Article text is only ever put into ``rich.text.Text`` objects, never parsed as rich markup, so
brackets in the text print as they are.
"""
from __future__ import annotations

import difflib
from typing import Any

import duckdb
from rich.console import Console, Group
from rich.panel import Panel
from rich.style import Style
from rich.table import Table
from rich.text import Text

from pipeline.errors import UsageError
from pipeline.explore.spans import Mark, segments

STYLES: dict[str, Style] = {
    "content": Style(color="yellow"),
    "speaker": Style(color="magenta", bold=True),
    "cue": Style(color="cyan", bold=True, underline=True),
    "figure": Style(color="green", bold=True),
    "date": Style(color="bright_blue", italic=True),
    "place": Style(color="blue", underline=True),
}
_ORDER = ("content", "place", "date", "figure", "cue", "speaker")  # later styles win

ARTICLE_COLUMNS = ("article_id", "doc_id", "title", "published", "source", "author", "url", "country", "n_words",
                   "input_path", "text")


class ArticleNotFound(UsageError, LookupError):
    """No article, or more than one, matches the id given (the message lists candidates)."""


def find_article(con: duckdb.DuckDBPyConnection, key: str) -> dict[str, Any]:
    """The article whose ``article_id`` or ``doc_id`` is ``key``, or the only one they start with."""
    cols = ", ".join(ARTICLE_COLUMNS)
    rows = con.execute(f"SELECT {cols} FROM articles WHERE article_id = ? OR doc_id = ? ORDER BY article_id",
                       [key, key]).fetchall()
    if not rows:
        rows = con.execute(f"SELECT {cols} FROM articles WHERE starts_with(article_id, ?) OR starts_with(doc_id, ?) "
                           "ORDER BY doc_id LIMIT 11", [key, key]).fetchall()
        if len(rows) > 1:
            listed = "\n".join(f"  {r[0]}  {r[1]}" for r in rows[:10])
            raise ArticleNotFound(f"{len(rows) if len(rows) <= 10 else 'more than 10'} articles start with {key!r}; "
                                  f"give more of the id:\n{listed}")
    if not rows:
        ids = [r[0] for r in con.execute("SELECT doc_id FROM articles").fetchall()]
        close = difflib.get_close_matches(key, ids, n=5, cutoff=0.5)
        hint = ("; did you mean: " + ", ".join(close)) if close else ""
        raise ArticleNotFound(f"no article with article_id or doc_id {key!r}{hint}. "
                              "List them with: claims sql DATASET \"SELECT article_id, doc_id, title FROM articles\"")
    if len(rows) > 1:
        raise ArticleNotFound(f"{len(rows)} articles have doc_id {key!r} (from different inputs); "
                              "give the article_id: " + ", ".join(r[0] for r in rows))
    return dict(zip(ARTICLE_COLUMNS, rows[0]))


def _rows(con: duckdb.DuckDBPyConnection, sql: str, article_id: str) -> list[dict[str, Any]]:
    cur = con.execute(sql, [article_id])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _style(kinds: frozenset[str]) -> Style | None:
    style = None
    for kind in _ORDER:
        if kind in kinds:
            style = STYLES[kind] if style is None else style + STYLES[kind]
    return style


def marked_text(text: str, claims: list[dict[str, Any]], spans: list[tuple[str, int, int]]) -> Text:
    """The article text with every claim, speaker, cue and span styled, and ``[n]`` before claim n."""
    marks = [Mark(s, e, kind) for kind, s, e in spans]
    starts: dict[int, list[int]] = {}
    for n, c in enumerate(claims, 1):
        marks.append(Mark(c["start"], c["end"], "content"))
        starts.setdefault(c["start"], []).append(n)
        for kind in ("speaker", "cue"):
            if c[f"{kind}_start"] is not None and c[f"{kind}_end"] is not None:
                marks.append(Mark(c[f"{kind}_start"], c[f"{kind}_end"], kind))
    out = Text()
    offset = 0
    for piece, kinds in segments(text, marks, breaks=starts):
        for n in starts.pop(offset, []):
            out.append(f"[{n}]", style="bold reverse")
        out.append(piece, style=_style(kinds))
        offset += len(piece)
    return out


def _t(value: Any) -> Text:
    """A table cell that never interprets rich markup."""
    return Text("" if value is None else str(value))


def _claim_no(claim_numbers: dict[str, int], claim_id: str | None) -> Text:
    return _t(claim_numbers.get(claim_id, "") if claim_id else "")


def _fmt_value(value: float | None) -> str:
    if value is None:
        return ""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.4g}"


def article_view(con: duckdb.DuckDBPyConnection, article: dict[str, Any], show_text: bool = True,
                 content_width: int = 100) -> Group:
    """Everything ``claims show`` prints about one article, as one rich renderable."""
    aid = article["article_id"]
    claims = _rows(con, 'SELECT * FROM claims WHERE article_id = ? ORDER BY start, claim_index', aid)
    figures = _rows(con, 'SELECT * FROM figures WHERE article_id = ? ORDER BY start', aid)
    dates = _rows(con, 'SELECT * FROM dates WHERE article_id = ? ORDER BY start', aid)
    places = _rows(con, 'SELECT * FROM places WHERE article_id = ? ORDER BY start', aid)
    numbers = {c["claim_id"]: n for n, c in enumerate(claims, 1)}

    meta = Table.grid(padding=(0, 2))
    meta.add_column(style="bold")
    meta.add_column()
    for key in ("doc_id", "article_id", "published", "source", "author", "country", "url", "n_words", "input_path"):
        if article.get(key) is not None:
            meta.add_row(key, _t(article[key]))
    meta.add_row("found", _t(f"{len(claims)} claims, {len(figures)} figures, {len(dates)} dates, "
                             f"{len(places)} places"))
    parts: list[Any] = [Panel(meta, title=_t(article.get("title") or article["doc_id"]), title_align="left")]

    if show_text:
        legend = Text("legend: ")
        for kind in ("content", "speaker", "cue", "figure", "date", "place"):
            legend.append(kind, style=STYLES[kind])
            legend.append("  ")
        spans = ([("figure", f["start"], f["end"]) for f in figures] + [("date", d["start"], d["end"]) for d in dates]
                 + [("place", p["start"], p["end"]) for p in places])
        parts += [legend, Panel(marked_text(article["text"], claims, spans), title="text", title_align="left")]

    if claims:
        table = Table(title="Claims", title_justify="left", expand=True)
        table.add_column("#", no_wrap=True)
        table.add_column("type", no_wrap=True)
        table.add_column("speaker, mention → cue", max_width=30)
        table.add_column("content", ratio=1, min_width=24, overflow="fold")
        for n, c in enumerate(claims, 1):
            who = Text(c["speaker"] or "?", style=STYLES["speaker"])
            if c.get("speaker_role"):
                who.append(f"\n{c['speaker_role']}", style="dim")
            who.append("\n")
            if c.get("speaker_mention") and c["speaker_mention"] != c["speaker"]:
                who.append(f"\"{c['speaker_mention']}\" ", style="dim")
            who.append(f"→ {c['cue'] or '?'}", style=STYLES["cue"])
            content = c["content"] if len(c["content"]) <= 2 * content_width else c["content"][: 2 * content_width] + "…"
            table.add_row(_t(n), _t(c["claim_type"]), who, _t(content))
        parts.append(table)
    else:
        parts.append(Text("No claims found in this article.", style="dim"))

    if figures:
        table = Table(title="Figures", title_justify="left")
        for col in ("surface", "value", "unit", "currency", "per", "approx", "change", "claim"):
            table.add_column(col, justify="right" if col == "value" else "left",
                             no_wrap=col not in ("surface", "unit", "per"))
        for f in figures:
            value = _fmt_value(f["value"]) + (f"–{_fmt_value(f['value_max'])}" if f.get("value_max") is not None else "")
            table.add_row(Text(f["surface"], style=STYLES["figure"]), _t(value), _t(f["unit"]), _t(f["currency"]),
                          _t(f["per_unit"]), _t(f["approx"]), _t(f["change"]), _claim_no(numbers, f["claim_id"]))
        parts.append(table)
    if dates:
        table = Table(title="Dates", title_justify="left")
        for col in ("surface", "type", "value", "from", "to", "granularity", "claim"):
            table.add_column(col)
        for d in dates:
            table.add_row(Text(d["surface"], style=STYLES["date"]), _t(d["timex_type"]), _t(d["value"]),
                          _t(d["date_start"]), _t(d["date_end"]), _t(d["granularity"]), _claim_no(numbers, d["claim_id"]))
        parts.append(table)
    if places:
        table = Table(title="Places", title_justify="left")
        for col in ("surface", "name", "feature", "country", "subdivision", "claim"):
            table.add_column(col)
        for p in places:
            table.add_row(Text(p["surface"], style=STYLES["place"]), _t(p["name"]), _t(p["feature"]),
                          _t(p["country_code"]), _t(p["subdivision_code"]), _claim_no(numbers, p["claim_id"]))
        parts.append(table)
    return Group(*parts)


def show_article(con: duckdb.DuckDBPyConnection, key: str, console: Console | None = None,
                 show_text: bool = True) -> dict[str, Any]:
    """Print the article ``key`` (article_id, doc_id or a unique prefix); returns its row."""
    article = find_article(con, key)
    (console or Console()).print(article_view(con, article, show_text=show_text))
    return article
