"""Subcommands ``claims report``, ``claims sql`` and ``claims show``: looking at a finished dataset."""
from __future__ import annotations

import argparse
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from pipeline.errors import ExitCode

if TYPE_CHECKING:
    import duckdb
    from rich.table import Table

    from pipeline.explore.sql import Result

EXIT_OK, EXIT_FAILED, EXIT_USAGE = ExitCode.OK, ExitCode.FAILED, ExitCode.USAGE

_EXITS = ("exit codes: 0 ok; 1 failed unexpectedly; 2 wrong usage: no dataset at DATASET (make one with "
          "`claims run INPUT --out DATASET`){}")


def _epilog(examples: str, extra: str = "") -> str:
    return f"{examples}\n\n{_EXITS.format(extra)}."


@contextmanager
def _steps(enabled: bool, total: int, description: str) -> Iterator[Callable[[str], None]]:
    """Yield ``step(name)``; draws a progress bar on stderr when enabled and stderr is a terminal."""
    if not enabled or not sys.stderr.isatty():
        yield lambda name: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.fields[step]}"),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total, step="")
        seen: list[str] = []

        def step(name: str) -> None:
            if seen:
                bar.advance(task)
            seen.append(name)
            bar.update(task, step=name)

        yield step
        bar.update(task, completed=total)


def _fail(command: str, message: str, code: int = EXIT_USAGE) -> int:
    print(f"claims {command}: {message}", file=sys.stderr)
    return code


def cmd_report(args: argparse.Namespace) -> int:
    """Write the HTML report of a dataset."""
    from pipeline.explore.report import STEPS, write_report
    from pipeline.explore.sql import DatasetNotFound

    if args.top < 1 or args.sample < 0:
        return _fail("report", "--top must be at least 1 and --sample at least 0")
    try:
        with _steps(not args.no_progress, len(STEPS), "report") as step:
            path = write_report(args.dataset, args.output, top=args.top, sample=args.sample, seed=args.seed,
                                on_step=step)
    except DatasetNotFound as exc:
        return _fail("report", str(exc))
    except OSError as exc:
        return _fail("report", f"cannot write the report: {exc}; choose another file with -o FILE")
    print(path)
    return EXIT_OK


def _read_query(args: argparse.Namespace) -> str | None:
    if args.file:
        return Path(args.file).read_text(encoding="utf-8")
    if args.query == "-":
        return sys.stdin.read()
    return args.query


def _views_table(con: duckdb.DuckDBPyConnection) -> Table:
    from rich.table import Table
    from rich.text import Text

    from pipeline.explore.sql import describe_views

    table = Table(title="Views (query them by name)", title_justify="left")
    table.add_column("view")
    table.add_column("rows", justify="right")
    table.add_column("columns", overflow="fold")
    for view, rows, columns in describe_views(con):
        table.add_row(Text(view), Text(f"{rows:,}"), Text(", ".join(columns)))
    return table


def _result_table(result: Result, max_rows: int, max_width: int) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=False)
    for column in result.columns:
        table.add_column(column, overflow="fold", max_width=max_width)
    for row in result.rows[:max_rows]:
        cells = []
        for value in row:
            text = "NULL" if value is None else str(value)
            if len(text) > 3 * max_width:
                text = text[: 3 * max_width - 1] + "…"
            cells.append(Text(text, style="dim" if value is None else ""))
        table.add_row(*cells)
    return table


def cmd_sql(args: argparse.Namespace) -> int:
    """Run SQL over a dataset and print the result."""
    import duckdb
    from rich.console import Console

    from pipeline.explore.sql import DatasetNotFound, connect, format_csv, format_json, run_query

    try:
        con = connect(args.dataset)
    except DatasetNotFound as exc:
        return _fail("sql", str(exc))
    try:
        query = _read_query(args)
    except OSError as exc:
        return _fail("sql", f"cannot read the query: {exc}")
    console = Console(file=open(args.output, "w", encoding="utf-8") if args.output else None,
                      width=None if not args.output else 200)
    try:
        if not query or not query.strip():
            console.print(_views_table(con))
            return EXIT_OK
        try:
            result = run_query(con, query)
        except duckdb.Error as exc:
            return _fail("sql", f"{exc}\nThe views are articles, claims, figures, dates, places, rejects, runs, "
                                "claim_figures, claim_dates and claim_places; `claims sql DATASET` lists their columns.")
        if args.format == "table":
            console.print(_result_table(result, args.max_rows, args.max_width))
            if len(result.rows) > args.max_rows:
                console.print(f"[dim]… {len(result.rows) - args.max_rows:,} more rows "
                              f"(--max-rows N to see more, --format csv for all)[/dim]")
            else:
                console.print(f"[dim]{len(result.rows):,} rows[/dim]")
        else:
            text = (format_csv(result) if args.format == "csv"
                    else format_json(result, lines=args.format == "jsonl"))
            out = console.file
            out.write(text)
            out.flush()
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    finally:
        if args.output:
            console.file.close()
        con.close()
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    """Print one article with its claims marked."""
    from rich.console import Console

    from pipeline.explore.show import ArticleNotFound, show_article
    from pipeline.explore.sql import DatasetNotFound, connect

    try:
        con = connect(args.dataset)
    except DatasetNotFound as exc:
        return _fail("show", str(exc))
    color = {"auto": None, "always": True, "never": False}[args.color]
    console = Console(force_terminal=color, no_color=args.color == "never", width=args.width,
                      highlight=False)
    try:
        show_article(con, args.article, console=console, show_text=not args.no_text)
    except ArticleNotFound as exc:
        return _fail("show", str(exc).replace("DATASET", str(args.dataset)))
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    finally:
        con.close()
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``report``, ``sql`` and ``show`` to the ``claims`` command."""
    fmt = argparse.RawDescriptionHelpFormatter
    report = subparsers.add_parser(
        "report", help="write one self-contained HTML page summarising a dataset", formatter_class=fmt,
        description="Write a single HTML file (no server, no network, no script) with counts, top speakers and "
                    "organizations, claims over time and by source, figures by unit and currency, dates and places, "
                    "and a sample of claims with speaker, cue and figures marked in their sentence.",
        epilog=_epilog("example:\n  claims report outputs/dataset -o report.html && xdg-open report.html",
                       ", or the output file cannot be written"))
    report.add_argument("dataset", metavar="DATASET", help="dataset directory written by `claims run`")
    report.add_argument("-o", "--output", metavar="FILE", default=None,
                        help="HTML file to write (default: DATASET/report.html)")
    report.add_argument("--top", type=int, default=15, help="bars per ranking chart (default 15)")
    report.add_argument("--sample", type=int, default=40, help="claims in the sample section (default 40)")
    report.add_argument("--seed", type=int, default=0, help="choose a different sample (default 0)")
    report.add_argument("--no-progress", action="store_true", help="no progress bar")
    report.set_defaults(func=cmd_report)

    sql = subparsers.add_parser(
        "sql", help="run SQL (DuckDB) over a dataset", formatter_class=fmt,
        description="Run SQL over the dataset with DuckDB. Views: articles, claims, figures, dates, places, "
                    "rejects, runs (one per table), and claim_figures, claim_dates, claim_places (each span inside "
                    "a claim, with the claim's speaker, cue and content and the article's published date and "
                    "source). Without a query, list the views and their columns.",
        epilog=_epilog(
            "examples:\n"
            "  claims sql outputs/dataset\n"
            "  claims sql outputs/dataset \"SELECT speaker, count(*) n FROM claims GROUP BY 1 ORDER BY n DESC LIMIT 10\"\n"
            "  claims sql outputs/dataset \"SELECT speaker, surface, value, currency FROM claim_figures "
            "WHERE unit_dimension = 'currency'\" --format csv > money.csv\n"
            "  echo \"SELECT * FROM runs\" | claims sql outputs/dataset - --format json",
            ", or the SQL fails (the message is DuckDB's)"))
    sql.add_argument("dataset", metavar="DATASET", help="dataset directory written by `claims run`")
    sql.add_argument("query", metavar="QUERY", nargs="?", default=None,
                     help="SQL to run ('-' reads it from stdin; several statements: the last one's result prints)")
    sql.add_argument("-f", "--file", metavar="FILE", default=None, help="read the SQL from FILE")
    sql.add_argument("--format", choices=("table", "csv", "json", "jsonl"), default="table",
                     help="table (default, for reading), csv, json (an array of objects) or jsonl (one per line)")
    sql.add_argument("-o", "--output", metavar="FILE", default=None, help="write the result to FILE instead of stdout")
    sql.add_argument("--max-rows", type=int, default=100, help="rows shown by --format table (default 100)")
    sql.add_argument("--max-width", type=int, default=60, help="column width of --format table (default 60)")
    sql.set_defaults(func=cmd_sql)

    show = subparsers.add_parser(
        "show", help="print one article with its claims marked", formatter_class=fmt,
        description="Print an article in the terminal: its text with claim contents, speakers, cues, figures, "
                    "dates and places highlighted and each claim numbered, then tables of its claims, figures, "
                    "dates and places. ARTICLE is an article_id, a doc_id, or the start of either.",
        epilog=_epilog("examples:\n  claims show outputs/dataset 000_a296936b9495a481\n"
                       "  claims show outputs/dataset 3f9c --no-text | less -R",
                       ", or no article (or several) matches ARTICLE"))
    show.add_argument("dataset", metavar="DATASET", help="dataset directory written by `claims run`")
    show.add_argument("article", metavar="ARTICLE", help="article_id or doc_id (or a unique prefix of either)")
    show.add_argument("--no-text", action="store_true", help="only the tables, not the marked text")
    show.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                      help="colors: auto (when a terminal, default), always (e.g. for `less -R`) or never")
    show.add_argument("--width", type=int, default=None, help="output width in characters (default: terminal)")
    show.set_defaults(func=cmd_show)
