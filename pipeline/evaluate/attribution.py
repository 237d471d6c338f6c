"""Attribution benchmark breakdown: where the claims extraction is weak on PolNeAR.

Reads a dataset directory written by ``claims run`` (tables ``articles`` and ``claims``) and a
PolNeAR gold JSONL, matches claims to gold attributions the way the shared scorer does (a
claim matches when the contents' bag-of-words F1 is at least 0.5; the speaker is right when
``speaker_mention`` or ``speaker`` shares a word with the gold source) and prints precision and
recall per publisher (the id prefix before the first ``_``), per claim type (direct: the gold
content holds quotation marks) and per kind of speaker (pronoun, name, other).

    python -m pipeline.evaluate.attribution OUT GOLD.jsonl [--json]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
QUOTE_MARKS = "\"“”"
STOP = {"the", "a", "of", "and"}
PRONOUNS = frozenset(
    "i me my we us our you your he him his she her it its they them their this that these those "
    "who which one someone somebody anyone everyone nobody many some others".split())


def words(text: str | None) -> list[str]:
    """Lower-cased word tokens, as the shared scorer counts them."""
    return [w.lower() for w in WORD.findall(text if isinstance(text, str) else "")]


def overlap_f1(gold: str | None, pred: str | None) -> float:
    """Bag-of-words F1 between two texts."""
    g, p = words(gold), words(pred)
    if not g or not p:
        return 0.0
    common = sum(min(g.count(w), p.count(w)) for w in set(g))
    if not common:
        return 0.0
    prec, rec = common / len(p), common / len(g)
    return 2 * prec * rec / (prec + rec)


def speaker_kind(text: str | None) -> str:
    """Kind of a speaker mention: "pronoun" ("she", "his team"), "name" (holds a capitalised
    word: "Donald Trump", "the Trump campaign"), "other" ("officials") or "none"."""
    toks = WORD.findall(text if isinstance(text, str) else "")
    if not toks:
        return "none"
    if len(toks) <= 2 and toks[0].lower() in PRONOUNS:
        return "pronoun"
    if any(t[0].isupper() for t in toks if t.lower() not in STOP | {"an", "in", "for", "to"}):
        return "name"
    return "other"


def speaker_right(gold_source: str, claim: dict[str, Any]) -> bool:
    """True when the claim's mention or canonical speaker shares a content word with the gold source."""
    g = set(words(gold_source))
    return any(isinstance(claim.get(f), str) and g & (set(words(claim[f])) - STOP)
               for f in ("speaker_mention", "speaker"))


def is_direct(content: str) -> bool:
    """The shared scorer's definition of a direct quotation: the content holds a quotation mark."""
    return any(m in content for m in QUOTE_MARKS)


def read_table(out: Path, name: str) -> pd.DataFrame:
    """One table of the dataset (a parquet file or a partitioned directory)."""
    for path in (out / name, out / f"{name}.parquet"):
        if path.exists():
            return pd.read_parquet(path)
    raise FileNotFoundError(f"no table {name!r} under {out}")


def claims_by_doc(out: Path) -> dict[str, list[dict[str, Any]]]:
    """Claims of the dataset grouped by the input's own id (``doc_id``)."""
    arts = read_table(out, "articles")[["article_id", "doc_id"]]
    claims = read_table(out, "claims").merge(arts, on="article_id", how="left")
    return {str(k): g.to_dict("records") for k, g in claims.groupby("doc_id")}


def match(golds: list[dict[str, Any]], claims: list[dict[str, Any]], threshold: float = 0.5
          ) -> list[tuple[dict[str, Any], int | None, bool]]:
    """For each gold attribution: (gold, index of its best claim or None, speaker right)."""
    out = []
    for g in golds:
        best, best_i = 0.0, None
        for i, c in enumerate(claims):
            f = overlap_f1(g["content"]["text"], c.get("content"))
            if f > best:
                best, best_i = f, i
        if best < threshold:
            out.append((g, None, False))
            continue
        right = "source" not in g or speaker_right(g["source"]["text"], claims[best_i])
        out.append((g, best_i, right))
    return out


class Tally:
    """Counts behind precision and recall for one group of gold and predicted items."""

    def __init__(self) -> None:
        self.gold = self.pred = self.gold_content = self.gold_attr = 0
        self.pred_content = self.pred_attr = 0

    def row(self, name: str) -> dict[str, Any]:
        """Precision/recall/F1 of content and of attribution (content + speaker)."""
        def ratio(a: int, b: int) -> float | None:
            return round(a / b, 3) if b else None

        def f1(p: float | None, r: float | None) -> float | None:
            return round(2 * p * r / (p + r), 3) if p and r else (0.0 if p is not None and r is not None else None)
        cp, cr = ratio(self.pred_content, self.pred), ratio(self.gold_content, self.gold)
        ap, ar = ratio(self.pred_attr, self.pred), ratio(self.gold_attr, self.gold)
        return {"group": name, "gold": self.gold, "predicted": self.pred,
                "content_p": cp, "content_r": cr, "content_f1": f1(cp, cr),
                "attribution_p": ap, "attribution_r": ar, "attribution_f1": f1(ap, ar)}


def breakdown(gold_docs: Iterable[dict[str, Any]], pred: dict[str, list[dict[str, Any]]]
              ) -> dict[str, dict[str, Tally]]:
    """Tallies by dimension ("all", "publisher", "type", "speaker") and group name.

    Gold attributions are grouped by their own publisher/type/speaker kind; predicted claims by
    the publisher of their article, their ``claim_type`` and the kind of their
    ``speaker_mention``, so a group's precision says how many of the claims put there were right.
    """
    tallies: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    for doc in gold_docs:
        publisher = doc["id"].split("_", 1)[0]
        golds = [a for a in doc["attributions"] if "content" in a]
        claims = pred.get(doc["id"], [])
        right_content: set[int] = set()
        right_attr: set[int] = set()
        for g, i, ok in match(golds, claims):
            groups = {"all": "all", "publisher": publisher,
                      "type": "direct" if is_direct(g["content"]["text"]) else "indirect",
                      "speaker": speaker_kind(g.get("source", {}).get("text"))}
            for dim, name in groups.items():
                t = tallies[dim][name]
                t.gold += 1
                t.gold_content += i is not None
                t.gold_attr += i is not None and ok
            if i is not None:
                right_content.add(i)
                if ok:
                    right_attr.add(i)
        for i, c in enumerate(claims):
            groups = {"all": "all", "publisher": publisher,
                      "type": c["claim_type"] if isinstance(c.get("claim_type"), str) else "none",
                      "speaker": speaker_kind(c.get("speaker_mention"))}
            for dim, name in groups.items():
                t = tallies[dim][name]
                t.pred += 1
                t.pred_content += i in right_content
                t.pred_attr += i in right_attr
    return tallies


def report(out: Path, gold_path: Path) -> list[dict[str, Any]]:
    """All rows of the breakdown for dataset ``out`` against ``gold_path``."""
    with open(gold_path, encoding="utf-8") as fh:
        gold = [json.loads(line) for line in fh if line.strip()]
    tallies = breakdown(gold, claims_by_doc(out))
    rows = []
    for dim in ("all", "publisher", "type", "speaker"):
        for name in sorted(tallies.get(dim, {})):
            rows.append({"dimension": dim, **tallies[dim][name].row(name)})
    return rows


def format_rows(rows: list[dict[str, Any]]) -> str:
    """A plain-text table of the breakdown."""
    cols = ["gold", "predicted", "content_p", "content_r", "content_f1",
            "attribution_p", "attribution_r", "attribution_f1"]
    lines = [f"{'dimension':<10} {'group':<16} " + " ".join(f"{c:>14}" for c in cols)]
    for r in rows:
        cells = " ".join(f"{'-' if r[c] is None else r[c]:>14}" for c in cols)
        lines.append(f"{r['dimension']:<10} {r['group']:<16} {cells}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: print the breakdown table (or JSON lines with ``--json``)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path, help="dataset directory written by claims run")
    ap.add_argument("gold", type=Path, help="PolNeAR gold JSONL (e.g. polnear/dev.gold.jsonl)")
    ap.add_argument("--json", action="store_true", help="one JSON object per row")
    args = ap.parse_args(argv)
    rows = report(args.out, args.gold)
    print("\n".join(json.dumps(r) for r in rows) if args.json else format_rows(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
