"""Attribution benchmark breakdown: where the claims extraction is weak on PolNeAR.

Reads a dataset directory written by ``claims run`` (tables ``articles`` and ``claims``) and a
PolNeAR gold JSONL, matches claims to gold attributions the way the shared scorer does (a
claim matches when the contents' bag-of-words F1 is at least 0.5; the speaker is right when
``speaker_mention`` or ``speaker`` shares a word with the gold source) and prints precision and
recall per publisher (the id prefix before the first ``_``), per claim type (direct: the gold
content holds quotation marks) and per kind of speaker (pronoun, name, other).

With ``--errors`` it prints instead what became of each gold attribution and of each claim
(:func:`error_classes`): found; content found but the speaker wrong; a claim overlaps the gold
content's characters but shares too few of its words (a boundary, split or merge error);
missed (no claim touches it); and, for claims, right, speaker wrong, overlapping or spurious.

    python -m pipeline.evaluate.attribution OUT GOLD.jsonl [--json] [--errors]
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


GOLD_CLASSES = ("found", "speaker_wrong", "partial", "missed")
CLAIM_CLASSES = ("right", "speaker_wrong", "partial", "spurious")


def _touches(gold: dict[str, Any], claim: dict[str, Any]) -> bool:
    """True when the claim's content shares a character with the gold content (offsets of both)."""
    spans = gold["content"].get("spans") or []
    start, end = claim.get("start"), claim.get("end")
    if not spans or start is None or end is None or start != start:  # NaN: no offsets
        return False
    return any(s < end and start < e for s, e in spans)


def error_classes(gold_docs: Iterable[dict[str, Any]], pred: dict[str, list[dict[str, Any]]]
                  ) -> dict[str, dict[str, int]]:
    """Counts of what became of every gold attribution and every claim, by class.

    Keys ``"gold:<type>:<speaker kind>"`` count gold attributions (their class: one of
    :data:`GOLD_CLASSES`); keys ``"claims:<claim_type>"`` count claims (:data:`CLAIM_CLASSES`).
    A claim matches as in :func:`match`; "partial" needs character offsets (``start``/``end``
    of the claim, ``spans`` of the gold content), else such a case counts as missed or spurious.
    """
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for doc in gold_docs:
        golds = [a for a in doc["attributions"] if "content" in a]
        claims = pred.get(doc["id"], [])
        matched: dict[int, bool] = {}
        for g, i, ok in match(golds, claims):
            kind = speaker_kind(g.get("source", {}).get("text"))
            group = f"gold:{'direct' if is_direct(g['content']['text']) else 'indirect'}:{kind}"
            if i is not None:
                matched[i] = matched.get(i, False) or ok
                cls = "found" if ok else "speaker_wrong"
            else:
                cls = "partial" if any(_touches(g, c) for c in claims) else "missed"
            out[group][cls] += 1
        for i, c in enumerate(claims):
            if i in matched:
                cls = "right" if matched[i] else "speaker_wrong"
            else:
                cls = "partial" if any(_touches(g, c) for g in golds) else "spurious"
            out[f"claims:{c['claim_type'] if isinstance(c.get('claim_type'), str) else 'none'}"][cls] += 1
    return {k: dict(v) for k, v in sorted(out.items())}


def read_gold(gold_path: Path) -> list[dict[str, Any]]:
    """The gold documents of a PolNeAR JSONL file."""
    with open(gold_path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def error_rows(out: Path | Iterable[Path], gold_path: Path | Iterable[Path]) -> list[dict[str, Any]]:
    """:func:`error_classes` of one dataset (or of several, each with its gold file, summed) as
    rows: group, total, then the count and share of each class."""
    outs = [out] if isinstance(out, Path) else list(out)
    golds = [gold_path] if isinstance(gold_path, Path) else list(gold_path)
    total: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for o, g in zip(outs, golds, strict=True):
        for group, counts in error_classes(read_gold(g), claims_by_doc(o)).items():
            for cls, n in counts.items():
                total[group][cls] += n
    rows = []
    for side, classes in (("gold", GOLD_CLASSES), ("claims", CLAIM_CLASSES)):
        groups = {k: v for k, v in total.items() if k.startswith(side + ":")}
        every: dict[str, int] = defaultdict(int)
        for counts in groups.values():
            for cls, n in counts.items():
                every[cls] += n
        for name, counts in [(f"{side}:all", every), *sorted(groups.items())]:
            n = sum(counts.values())
            rows.append({"group": name, "total": n, **{c: counts.get(c, 0) for c in classes},
                         **{f"{c}_share": round(counts.get(c, 0) / n, 3) if n else None for c in classes}})
    return rows


def format_error_rows(rows: list[dict[str, Any]]) -> str:
    """A plain-text table of :func:`error_rows` (count and share of each class)."""
    lines = []
    for side, classes in (("gold", GOLD_CLASSES), ("claims", CLAIM_CLASSES)):
        lines.append(f"{side:<26} {'total':>7} " + " ".join(f"{c:>20}" for c in classes))
        for r in rows:
            if r["group"].startswith(side + ":"):
                cells = " ".join(f"{r[c]:>12} ({r[c + '_share']:.3f})" if r["total"] else f"{0:>20}" for c in classes)
                lines.append(f"{r['group']:<26} {r['total']:>7} {cells}")
    return "\n".join(lines)


def report(out: Path, gold_path: Path) -> list[dict[str, Any]]:
    """All rows of the breakdown for dataset ``out`` against ``gold_path``."""
    tallies = breakdown(read_gold(gold_path), claims_by_doc(out))
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
    ap.add_argument("--errors", action="store_true", help="what became of each gold attribution and claim")
    args = ap.parse_args(argv)
    if args.errors:
        rows = error_rows(args.out, args.gold)
        print("\n".join(json.dumps(r) for r in rows) if args.json else format_error_rows(rows))
        return 0
    rows = report(args.out, args.gold)
    print("\n".join(json.dumps(r) for r in rows) if args.json else format_rows(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
