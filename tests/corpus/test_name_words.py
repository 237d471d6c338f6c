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


def test_a_names_file_that_lacks_a_key_is_named(edited_copy):
    bad = edited_copy(NAMES_LEXICON, "pronouns =", "pronoun_list =")
    with pytest.raises(RuntimeError, match=r"the name words in .*names.toml.*'pronouns'"):
        name_parts(str(bad))
    bad.write_text("particles = [\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="names.toml"):
        name_parts(bad)


def test_the_shipped_speaker_words_hold_known_words():
    from pipeline.corpus.name_words import speaker_words

    words = speaker_words()
    assert {"mr.", "senator"} <= words.titles and "ambassador" in words.person_roles
    assert "ambassador" in words.role_synonyms["envoy"]
    assert "she" in words.female_pronouns and "he" in words.male_pronouns and "they" in words.plural_pronouns
    assert words.singular_first_person == {"i", "me"} and words.singular_first_person <= words.first_person
    assert "hillary" in words.female_names and "the" in words.leading_determiners
    assert "this" in words.definite_determiners and "officials" in words.anonymous_heads


def test_a_speakers_or_gender_or_roles_file_that_lacks_a_key_is_named(edited_copy):
    from pipeline.corpus.evidence import GENDER_LEXICON, load_gender_lexicon
    from pipeline.corpus.name_words import SPEAKERS_LEXICON, speaker_words
    from pipeline.corpus.speakers import ROLES_LEXICON, load_role_fields

    bad = edited_copy(SPEAKERS_LEXICON, "anonymous_heads =", "anon =")
    with pytest.raises(RuntimeError, match=r"the speaker words in .*speakers.toml.*'anonymous_heads'"):
        speaker_words(str(bad))
    gender = edited_copy(GENDER_LEXICON, "[pronouns]", "[pronoun]")
    with pytest.raises(RuntimeError, match=r"the gender lexicon in .*gender.toml.*'pronouns'"):
        load_gender_lexicon(gender)
    roles = edited_copy(ROLES_LEXICON, "pairs =", "pair =")
    with pytest.raises(RuntimeError, match=r"the fields of work in .*roles.toml.*'pairs'"):
        load_role_fields(roles)
