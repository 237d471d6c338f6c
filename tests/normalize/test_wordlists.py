"""The alternations built from lexicon word lists."""
import re

from pipeline.normalize.wordlists import hyphen_or_spaced, literal, longest_first, optionally_spaced, spaced


def test_literal_keeps_the_order_and_escapes():
    assert literal(["a.m.", "U.S.", "per cent"]) == r"a\.m\.|U\.S\.|per\ cent"


def test_longest_first_tries_a_word_before_its_prefix():
    assert longest_first(["bn", "b", "billion"]) == "billion|bn|b"
    assert re.match(rf"(?:{longest_first(['Dec', 'December'])})", "December 5").group() == "December"


def test_spaced_allows_any_white_space_inside_a_phrase():
    pattern = re.compile(rf"(?:{spaced(['out of', 'per'])})")
    assert pattern.fullmatch("out  of") and pattern.fullmatch("out\nof") and not pattern.fullmatch("outof")


def test_optionally_spaced_allows_one_white_space_or_none_inside_a_phrase():
    pattern = re.compile(rf"(?:{optionally_spaced(['per cent', 'pct.'])})")
    assert pattern.fullmatch("per cent") and pattern.fullmatch("percent") and pattern.fullmatch("per\ncent")
    assert not pattern.fullmatch("per  cent") and pattern.fullmatch("pct.") and not pattern.fullmatch("pctx")


def test_hyphen_or_spaced_allows_one_white_space_or_a_hyphen_inside_a_phrase():
    pattern = re.compile(rf"(?:{hyphen_or_spaced(['percentage point', 'pp.'])})")
    assert pattern.fullmatch("percentage point") and pattern.fullmatch("percentage-point")
    assert pattern.fullmatch("percentage\npoint") and pattern.fullmatch("pp.")
    assert not pattern.fullmatch("percentagepoint") and not pattern.fullmatch("percentage  point")
