"""Small inline SVG charts for the HTML report: horizontal bars and (stacked) columns.

Every label goes through ``html.escape``: labels come from article text. Each bar carries a
``<title>`` so a browser shows the exact number on hover, without any script.
"""
from __future__ import annotations

import math
from html import escape
from typing import Sequence

PALETTE = ("#3b6ea8", "#e08a2c", "#4f9a6a", "#b2475b", "#7d62a8", "#8a8a8a")
_FONT = 12
_CHAR_W = 6.6  # average glyph width at _FONT px, to size the label column


def fmt_number(value: float) -> str:
    """A number as shown on charts: thousands separators, two decimals unless whole."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def _tick(value: float) -> float:
    return float(round(value)) if abs(value) >= 2 else round(value, 1)


def _clip(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def hbar_chart(items: Sequence[tuple[str, float]], width: int = 560, color: str = PALETTE[0],
               label_chars: int = 34, aria: str = "bar chart") -> str:
    """A horizontal bar chart of ``(label, value)`` pairs, in the order given."""
    if not items:
        return '<p class="empty">Nothing to chart.</p>'
    bar_h, gap, top = 18, 6, 4
    labels = [_clip(str(label), label_chars) for label, _ in items]
    label_w = min(label_chars, max(len(x) for x in labels)) * _CHAR_W + 10
    value_w = 8 * _CHAR_W
    plot_w = max(width - label_w - value_w, 60)
    peak = max((float(v) for _, v in items), default=0.0) or 1.0
    height = top + len(items) * (bar_h + gap)
    parts = [f'<svg class="chart" role="img" aria-label="{escape(aria)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" font-size="{_FONT}">']
    for i, ((label, value), shown) in enumerate(zip(items, labels)):
        y = top + i * (bar_h + gap)
        w = max(float(value) / peak * plot_w, 1.0 if value else 0.0)
        parts.append(
            f'<g><title>{escape(str(label))}: {fmt_number(value)}</title>'
            f'<text x="{label_w - 6:.1f}" y="{y + bar_h * 0.72:.1f}" text-anchor="end">{escape(shown)}</text>'
            f'<rect x="{label_w:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="2" fill="{color}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h * 0.72:.1f}" class="num">{fmt_number(value)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def column_chart(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], width: int = 760,
                 height: int = 220, aria: str = "column chart") -> str:
    """Stacked columns: one column per label, one colored layer per ``(name, values)`` series."""
    if not labels or not series:
        return '<p class="empty">Nothing to chart.</p>'
    left, right, top, bottom = 48, 10, 24, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(float(s[1][i] or 0) for s in series) for i in range(len(labels))]
    peak = max(totals) or 1.0
    step = plot_w / len(labels)
    col_w = max(min(step * 0.8, 48), 1.0)
    parts = [f'<svg class="chart" role="img" aria-label="{escape(aria)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" font-size="{_FONT}">']
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="num">{fmt_number(_tick(peak * frac))}</text>')
    every = max(1, math.ceil(len(labels) / max(plot_w // 84, 1)))  # at most one tick label per 84 px
    for i, label in enumerate(labels):
        x = left + i * step + (step - col_w) / 2
        y = top + plot_h
        tip = [f"{escape(str(label))}: {fmt_number(totals[i])}"]
        rects = []
        for k, (name, values) in enumerate(series):
            v = float(values[i] or 0)
            h = v / peak * plot_h
            y -= h
            if v:
                rects.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{col_w:.1f}" height="{h:.1f}" '
                             f'fill="{PALETTE[k % len(PALETTE)]}"/>')
                tip.append(f"{escape(name)} {fmt_number(v)}")
        parts.append(f'<g><title>{" · ".join(tip)}</title>{"".join(rects)}</g>')
        if i % every == 0:
            parts.append(f'<text x="{x + col_w / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle">'
                         f'{escape(_clip(str(label), 12))}</text>')
    if len(series) > 1:
        x = left
        for k, (name, _) in enumerate(series):
            parts.append(f'<rect x="{x}" y="4" width="10" height="10" fill="{PALETTE[k % len(PALETTE)]}"/>'
                         f'<text x="{x + 14}" y="13">{escape(name)}</text>')
            x += 24 + len(name) * _CHAR_W
    parts.append("</svg>")
    return "".join(parts)
