"""A command-line progress bar for runs (articles done, words per second)."""
from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Callable, Iterator

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn


@contextmanager
def progress_bar(enabled: bool, description: str = "articles") -> Iterator[Callable[[int, int], None]]:
    """Yield ``advance(articles, words)``; draws a bar on stderr when enabled and a terminal."""
    if not enabled or not sys.stderr.isatty():
        yield lambda articles, words: None
        return
    start = time.monotonic()
    words_done = 0
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed} done"),
                  TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), transient=False) as bar:
        task = bar.add_task(description, total=None, rate="")

        def advance(articles: int, words: int) -> None:
            nonlocal words_done
            words_done += words
            rate = words_done / max(time.monotonic() - start, 1e-6)
            bar.update(task, advance=articles, rate=f"{rate:,.0f} words/s")

        yield advance
