"""Case-insensitive patterns run over lowercased text find what IGNORECASE finds."""
import re

import pytest

from pipeline.nlp.caseless import caseless, lowercased

SOURCE = r"\b(?:next (?:week|month)|(?:mon|tues)day|\d{1,2} ?[ap]\.m\.|[ecmp][sd]?t)\b"
TEXTS = ["The vote is NEXT WEEK, on Monday at 9 A.M. EST.",
         "Next Month? Tuesday, maybe.",
         "İstanbul talks resume next week at 10 p.m. CET on Monday."]


@pytest.mark.parametrize("text", TEXTS)
def test_spans_are_those_of_ignorecase(text):
    pattern = caseless(SOURCE)
    expected = [m.span() for m in re.finditer(SOURCE, text, re.IGNORECASE)]
    assert [m.span() for m in pattern.finditer(text, lowercased(text))] == expected
    assert expected


def test_a_text_whose_lowercase_is_longer_is_scanned_as_it_is():
    text = TEXTS[2]
    assert len(text.lower()) != len(text) and lowercased(text) is None
    assert lowercased("Next Week") == "next week"


def test_a_pattern_with_capitals_is_refused():
    with pytest.raises(ValueError, match="lowercase"):
        caseless(r"\bUTC\b")
