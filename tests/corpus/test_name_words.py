"""The name words of the corpus linking come from models/lexicon/names.toml; a broken file is named."""
import pytest

from pipeline.corpus.name_words import NAMES_LEXICON, name_parts
from pipeline.corpus.speakers import is_pronoun, is_proper, organization_key, person_name


def test_the_shipped_name_words_hold_known_words():
    parts = name_parts()
    assert {"van", "von", "de", "bin"} <= parts.particles
    assert {"jr", "jr.", "sr", "iii"} <= parts.suffixes
    assert {"he", "she", "they", "it"} <= parts.pronouns and "trump" not in parts.pronouns
    assert parts.articles == {"the", "a", "an"}


def test_the_rules_read_the_name_words():
    assert person_name("Ludwig van Beethoven") == ("ludwig", "", "van beethoven", "")
    assert person_name("Martin Luther King Jr.") == ("martin", "l", "king", "jr")
    assert is_pronoun("They") and not is_proper("They") and is_proper("Fox News")
    assert organization_key("The White House") == "white house"


def test_a_names_file_that_lacks_a_key_is_named(tmp_path):
    bad = tmp_path / "names.toml"
    text = NAMES_LEXICON.read_text(encoding="utf-8").replace("pronouns =", "pronoun_list =")
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"the name words in .*names.toml.*'pronouns'"):
        name_parts(str(bad))
    bad.write_text("particles = [\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="names.toml"):
        name_parts(bad)
