"""``claims benchmark --scaling``: per-article NLP time against article length.

Two kinds of generated article, each at every size (10 KB to 1 MB by default):

- ``news``: the input's own article texts, paragraph after paragraph, until the size is reached;
- ``numbers``: one long run of figures and dates with no sentence end ("4,512, 17.5%, $3 million,
  March 4, 2021, ..."), the shape of a table pasted into an article, where a component that
  looks at the whole sentence for each number turns quadratic.

Each text goes through the configured pipeline (``nlp(text)``, model loaded beforehand) one
component at a time, timed. The report gives seconds per size, microseconds per character and,
per kind, the growth of the time per character from the smallest to the largest size: about 1.0
when the time is linear in the length (a quadratic component doubles it with every doubling).
"""
from __future__ import annotations

import itertools
import random
import time
from typing import Any, Iterable

from pipeline.ingest.records import Article

DEFAULT_SIZES = (10_000, 30_000, 100_000, 300_000, 1_000_000)
KINDS = ("news", "numbers")


def news_text(articles: Iterable[Article], size: int) -> str:
    """``size`` characters of the articles' paragraphs, cycled, cut at a paragraph end."""
    paragraphs = [p.strip() for a in articles for p in a.text.split("\n") if p.strip()]
    if not paragraphs:
        raise ValueError("no article text to build the news texts from")
    out: list[str] = []
    total = 0
    for p in itertools.cycle(paragraphs):
        if total + len(p) + 2 > size and out:
            break
        out.append(p)
        total += len(p) + 2
    return "\n\n".join(out)[:size]


def numbers_text(size: int, seed: int = 0) -> str:
    """``size`` characters of one comma-separated run of figures and dates (deterministic)."""
    rng = random.Random(seed)
    months = ("January", "March", "June", "September", "November")
    makers = (
        lambda: f"{rng.randint(1, 99_999):,}",
        lambda: f"{rng.randint(1, 999)}.{rng.randint(0, 9)}%",
        lambda: f"${rng.randint(1, 900)} million",
        lambda: f"{rng.choice(months)} {rng.randint(1, 28)}, {rng.randint(1990, 2024)}",
        lambda: f"{rng.randint(2, 60)} km",
        lambda: str(rng.randint(1, 999)),
    )
    out = ["The figures were"]
    total = len(out[0])
    while total < size:
        item = rng.choice(makers)()
        out.append(item)
        total += len(item) + 2
    return ", ".join(out)[:size - 1] + "."


def time_components(nlp: Any, text: str) -> dict[str, float]:
    """Seconds each pipeline component takes on ``text`` (tokenizer included as ``tokenizer``)."""
    from pipeline.nlp.extensions import make_doc

    t0 = time.perf_counter()
    doc = make_doc(nlp, text, article_id="scaling", published="2024-06-03", source=None)
    times = {"tokenizer": time.perf_counter() - t0}
    for name, proc in nlp.pipeline:
        t0 = time.perf_counter()
        doc = proc(doc)
        times[name] = time.perf_counter() - t0
    return times


def measure_scaling(articles: list[Article], sizes: Iterable[int] = DEFAULT_SIZES,
                    config_path: str | None = None, kinds: Iterable[str] = KINDS) -> dict[str, Any]:
    """Time per size and kind, and the growth of the time per character (see the module doc)."""
    from pipeline.nlp import load_pipeline

    sizes = sorted(sizes)
    nlp = load_pipeline(config_path)
    nlp.max_length = max(nlp.max_length, max(sizes) + 1)
    time_components(nlp, news_text(articles, 2_000))  # warm-up: lazy lexicons, the gazetteer
    report: dict[str, Any] = {"sizes": sizes, "runs": [], "growth": {}}
    for kind in kinds:
        per_char = []
        for size in sizes:
            text = news_text(articles, size) if kind == "news" else numbers_text(size)
            times = time_components(nlp, text)
            seconds = sum(times.values())
            per_char.append(seconds / len(text))
            report["runs"].append({"kind": kind, "chars": len(text), "seconds": round(seconds, 2),
                                   "us_per_char": round(1e6 * seconds / len(text), 2),
                                   "components": {k: round(v, 3) for k, v in times.items()}})
        report["growth"][kind] = round(per_char[-1] / per_char[0], 2)
    return report


def print_scaling(report: dict[str, Any]) -> None:
    """The scaling report as a table."""
    for run in report["runs"]:
        slowest = sorted(run["components"].items(), key=lambda kv: -kv[1])[:3]
        print(f"{run['kind']:<8} {run['chars']:>9,} chars  {run['seconds']:>8.2f} s  "
              f"{run['us_per_char']:>7.2f} us/char  ("
              + ", ".join(f"{k} {v:.2f} s" for k, v in slowest) + ")")
    for kind, growth in report["growth"].items():
        print(f"{kind:<8} time per char, largest / smallest size: {growth:.2f} (1.0 = linear)")
