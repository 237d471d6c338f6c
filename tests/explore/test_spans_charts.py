"""Cutting text by overlapping spans, sentence windows, and the SVG charts."""
import re

from pipeline.explore.charts import column_chart, hbar_chart
from pipeline.explore.spans import Mark, context_window, cut_marks, segments

SEED = ("Kirsten Hillman, in Ottawa to prepare for Biden's impending arrival on Thursday, said the administration "
        "understands the agreement.\n\"I think it does benefit both countries, and I actually think they do "
        "recognize that,\" Hillman said in an interview.\nThe agreement was signed in 2002.")


def test_segments_flatten_nested_and_overlapping_spans():
    pieces = segments("abcdefghij", [Mark(1, 5, "content"), Mark(3, 4, "figure"), Mark(4, 8, "speaker")])
    assert pieces == [("a", frozenset()), ("bc", {"content"}), ("d", {"content", "figure"}),
                      ("e", {"content", "speaker"}), ("fgh", {"speaker"}), ("ij", frozenset())]
    assert "".join(p for p, _ in pieces) == "abcdefghij"


def test_segments_window_and_breaks():
    assert segments("abcdef", [Mark(0, 6, "content")], 2, 4) == [("cd", {"content"})]
    assert segments("abcdef", [Mark(0, 6, "content")], breaks=[3]) == [("abc", {"content"}), ("def", {"content"})]


def test_context_window_is_the_sentence_around_a_quote():
    start = SEED.index('"I think')
    lo, hi = context_window(SEED, start, SEED.index("recognize that") + 14)
    assert SEED[lo:hi] == ("\"I think it does benefit both countries, and I actually think they do recognize "
                           "that,\" Hillman said in an interview.")
    assert cut_marks(SEED, lo, hi) == (False, False)
    lo, hi = context_window(SEED, SEED.index("Ottawa"), SEED.index("Ottawa") + 6, reach=10)
    assert cut_marks(SEED, lo, hi) == (True, True)


def test_hbar_chart_escapes_labels_and_scales_bars():
    svg = hbar_chart([("<b>A</b>", 10), ("B & C", 5)])
    assert "<b>" not in svg and "&lt;b&gt;A&lt;/b&gt;" in svg and "B &amp; C" in svg
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert len(widths) == 2 and abs(widths[0] - 2 * widths[1]) < 0.2
    assert "Nothing to chart" in hbar_chart([])


def test_column_chart_stacks_series():
    svg = column_chart(["2023-01", "2023-02"], [("direct", [1, 0]), ("indirect", [3, 2])], height=220)
    heights = [float(h) for h in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"', svg)]
    # Three non-empty layers, then two legend swatches; the first column (1 + 3) is twice the second (2).
    assert len(heights) == 5 and abs(heights[0] + heights[1] - 2 * heights[2]) < 0.2
    assert ">direct<" in svg and ">indirect<" in svg
