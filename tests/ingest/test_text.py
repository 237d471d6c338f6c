"""Text hygiene: decoding, the boilerplate cut, the wire sign-off and date normalisation."""
import codecs

import pytest
from hypothesis import given, settings, strategies as st

from pipeline.ingest.text import UndecodableInput, cut_boilerplate, decode_bytes, normalize_date, sign_off

BODY = "The council met on Monday and approved the plan after a long debate. " * 4


@pytest.mark.parametrize("heading", ["IN DEPTH", "Related Stories", "Read more", "Trending Now", "Top Stories",
                                     "Opinion", "More from Politics", "You might also like:"])
def test_cut_at_section_heading_without_sign_off(heading):
    text = f"Headline\n{BODY}\n{heading}\nOther story teaser\n"
    assert cut_boilerplate(text) == f"Headline\n{BODY}".rstrip()


def test_no_cut_for_heading_word_inside_a_sentence_or_at_the_top():
    in_sentence = f"Headline\n{BODY}\nRead more about the plan at city hall, she said.\nEnd."
    assert cut_boilerplate(in_sentence) == in_sentence
    top = "Opinion\nWhy the plan matters\n" + BODY
    assert cut_boilerplate(top) == top


def test_sign_off_ends_the_story_and_gives_source_and_date():
    text = f"Headline\n{BODY}\nThis report by The Associated Press was first published Sept. 5, 2021.\n\nMost Read\nTeaser"
    cut = cut_boilerplate(text)
    assert cut.endswith("first published Sept. 5, 2021.") and "Teaser" not in cut
    assert sign_off(cut) == ("The Associated Press", "2021-09-05")
    assert sign_off(BODY) == (None, None)


@pytest.mark.parametrize("value, iso", [
    ("2023-03-22", "2023-03-22"), ("1998-08-07T10:00:00Z", "1998-08-07"), ("2023-03-22 23:30:00-05:00", "2023-03-22"),
    ("March 22, 2023", "2023-03-22"), ("Mar. 22, 2023", "2023-03-22"), ("Wednesday, March 22, 2023", "2023-03-22"),
    ("22 March 2023", "2023-03-22"), ("Wed, 22 Mar 2023 10:00:00 GMT", "2023-03-22"), ("19980807", "1998-08-07"),
    (19980807, "1998-08-07"), (1679500000, "2023-03-22"), ("22 mars 2023", "2023-03-22"),
    ("2023-02-30", None), ("March 2023", None), ("yesterday", None), ("3 hours ago", None), ("not a date", None),
    ("", None), (None, None), (True, None),
])
def test_normalize_date(value, iso):
    assert normalize_date(value) == iso


def test_decode_order():
    assert decode_bytes("é".encode("utf-8")) == ("é", "utf-8")
    assert decode_bytes(codecs.BOM_UTF8 + b"x") == ("x", "utf-8-sig")
    assert decode_bytes(codecs.BOM_UTF16_BE + "é".encode("utf-16-be")) == ("é", "utf-16")
    assert decode_bytes(b"caf\xe9 \x93q\x94") == ("café “q”", "cp1252")
    assert decode_bytes(b"caf\xe9", declared="iso-8859-15") == ("café", "iso8859-15")
    assert decode_bytes("é é é".encode("utf-8") + b"\xe9") == ("é é é\ufffd", "utf-8 (damaged)")
    with pytest.raises(UndecodableInput, match="NUL"):
        decode_bytes(b"PK\x03\x04\x00\x00")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from([None, "latin-1", "shift_jis", "no-such-charset", "utf-16"]))
def test_fuzz_decode_gives_text_or_undecodable(data, declared):
    try:
        text, _ = decode_bytes(data, declared)
    except UndecodableInput:
        return
    assert isinstance(text, str)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=600))
def test_fuzz_cut_keeps_a_prefix(text):
    cut = cut_boilerplate(text)
    assert text.startswith(cut)
