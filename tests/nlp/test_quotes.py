"""Pairing quotation marks into spans (pure functions, no model)."""
from pipeline.nlp.quotes import find_quotes, paragraph_spans, word_count


def spans(text: str) -> list[str]:
    return [text[q.start:q.end] for q in find_quotes(text)]


def test_straight_and_curly_quotes_in_one_paragraph() -> None:
    text = '"They do care," Hillman said. “It just exists in a broader context.”'
    assert spans(text) == ['"They do care,"', "“It just exists in a broader context.”"]


def test_quote_over_two_paragraphs_is_one_span() -> None:
    text = '"That is part of it.\n"But it is only part of it," she said.'
    (quote,) = find_quotes(text)
    assert text[quote.start:quote.end] == '"That is part of it.\n"But it is only part of it,"'
    assert quote.paragraphs == 2 and quote.closed


def test_unclosed_quote_is_flagged_and_ends_with_its_paragraph() -> None:
    text = 'The Times reports:\n"In an illustration of the lack of enthusiasm\nNext paragraph.'
    (quote,) = find_quotes(text)
    assert not quote.closed
    assert text[quote.start:quote.end] == '"In an illustration of the lack of enthusiasm'


def test_curly_quotes_inside_an_unclosed_straight_excerpt_are_kept() -> None:
    text = '"Kevin was snoring. “Here he is, babe,” she said.'
    found = spans(text)
    assert "“Here he is, babe,”" in found


def test_doubled_apostrophes_are_quotation_marks() -> None:
    text = "''This isn't tax reform,'' said Douglas Holtz-Eakin."
    assert spans(text) == ["''This isn't tax reform,''"]


def test_inch_mark_opens_no_quote() -> None:
    assert spans('He is 5\'10" tall and "very proud of it," she said.') == ['"very proud of it,"']


def test_paragraph_spans_skip_blank_lines() -> None:
    text = "One.\n\n  Two.  \nThree."
    assert [text[s:e] for s, e in paragraph_spans(text)] == ["One.", "Two.", "Three."]


def test_word_count_keeps_contractions_whole() -> None:
    assert word_count("It's not that the U.S. doesn't") == 7


def test_mixed_marks_pair_by_position() -> None:
    text = '“We’re going to build a wall," he said. "It’s going to be built.”'
    assert spans(text) == ['“We’re going to build a wall,"', '"It’s going to be built.”']


def test_nested_quotation_is_kept_inside_its_outer_one() -> None:
    text = '"He told me “no” twice," she said.'
    assert spans(text) == ['"He told me “no” twice,"', "“no”"]
