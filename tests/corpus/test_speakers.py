"""Merging speakers across articles: full names merge, surnames stay in their article, namesakes
with clearly different roles stay apart, organizations merge on their normalized name."""
from pipeline.corpus.speakers import organization_key, person_name

from helpers import claim, link


def ids(cs):
    return link(cs)[0]


def speakers_of(cs):
    return {r["speaker_id"]: r for r in link(cs)[2]}


def test_the_same_full_name_merges_across_articles_whatever_the_title_or_middle_initial():
    cs = [claim("a1", "Donald Trump"), claim("a2", "President Donald Trump"), claim("a3", "Donald J. Trump"),
          claim("a4", "Donald Trump's")]
    assert len(set(ids(cs))) == 1
    (sp,) = speakers_of(cs).values()
    assert sp["name"] == "Donald Trump" and sp["scope"] == "corpus" and sp["n_articles"] == 4


def test_two_people_with_the_same_surname_stay_apart():
    cs = [claim("a1", "Hillary Clinton"), claim("a1", "Bill Clinton"), claim("a2", "Hillary Clinton"),
          claim("a3", "Bill Clinton")]
    hillary, bill, hillary2, bill2 = ids(cs)
    assert hillary == hillary2 and bill == bill2 and hillary != bill


def test_a_surname_alone_merges_only_inside_its_article():
    # a2 gives the full name elsewhere in its text (evidence: speaker_full_name); a3 does not
    cs = [claim("a1", "Justin Trudeau"), claim("a2", "Trudeau", full="Justin Trudeau"), claim("a3", "Trudeau"),
          claim("a4", "Trudeau")]
    justin, linked, alone3, alone4 = ids(cs)
    assert linked == justin
    assert alone3 != justin and alone4 != justin and alone3 != alone4
    sp = speakers_of(cs)[alone3]
    assert (sp["scope"], sp["article_id"]) == ("article", "a3")


def test_a_surname_tagged_as_an_organization_is_not_an_organization_of_the_corpus():
    cs = [claim("a1", "Donald Trump"), claim("a2", "Trump", kind="organization"),
          claim("a3", "Trump", kind="organization")]
    assert len(set(ids(cs))) == 3


def test_different_middle_initials_are_different_people_and_the_bare_name_stays_apart():
    cs = [claim("a1", "George H. W. Bush"), claim("a2", "George W. Bush"), claim("a3", "George Bush"),
          claim("a4", "George W. Bush")]
    elder, younger, bare, younger2 = ids(cs)
    assert younger == younger2
    assert len({elder, younger, bare}) == 3


def test_namesakes_with_clearly_different_roles_stay_apart():
    cs = [claim("a1", "John Smith", role="Senator"), claim("a2", "John Smith", role="Republican senator from Ohio"),
          claim("a3", "John Smith", role="a dairy farmer"), claim("a4", "John Smith")]
    senator, senator2, farmer, unroled = ids(cs)
    assert senator == senator2 != farmer
    assert unroled == senator  # no role: with the namesake of most articles
    assert {s["name"] for s in speakers_of(cs).values()} == {"John Smith"}


def test_roles_one_person_moves_between_do_not_split():
    cs = [claim("a1", "Donald Trump", role="billionaire businessman"),
          claim("a2", "Donald Trump", role="Republican presidential nominee"),
          claim("a3", "Donald Trump", role="reality TV star")]
    assert len(set(ids(cs))) == 1


def test_an_article_joining_two_fields_keeps_one_person():
    cs = [claim("a1", "Jane Doe", role="professor of law"), claim("a2", "Jane Doe", role="dairy farmer"),
          claim("a3", "Jane Doe", role="farmer and professor")]
    assert len(set(ids(cs))) == 1


def test_organizations_merge_on_their_normalized_name():
    cs = [claim("a1", "the White House", kind="organization"), claim("a2", "White House", kind="organization"),
          claim("a3", "U.S. Senate", kind="organization"), claim("a4", "US Senate", kind="organization"),
          claim("a5", "Republicans", kind="group")]
    wh1, wh2, s1, s2, rep = ids(cs)
    assert wh1 == wh2 and s1 == s2 and len({wh1, s1, rep}) == 3
    assert organization_key("The White House's") == "white house"


def test_generic_groups_unnamed_roles_and_no_speaker():
    cs = [claim("a1", "officials", kind="group"), claim("a2", "officials", kind="group"),
          claim("a1", "the ambassador"), claim("a2", "", kind=None)]
    o1, o2, amb, nobody = ids(cs)
    assert o1 != o2 and amb is not None and nobody is None


def test_ids_are_stable_and_do_not_depend_on_the_other_speakers():
    a = claim("a1", "Kirsten Hillman")
    alone = ids([a])[0]
    assert ids([claim("a9", "Someone Else"), claim("a7", "Kirsten Hillman"), a])[2] == alone


def test_person_name_parts():
    assert person_name("Sen. Elizabeth A. Warren's") == ("elizabeth", "a", "warren", "")
    assert person_name("Martin Luther King Jr.") == ("martin", "l", "king", "jr")
    assert person_name("Ludwig van Beethoven") == ("ludwig", "", "van beethoven", "")
    assert person_name("Trump") is None and person_name("the ambassador") is None
    assert person_name("José Núñez") == person_name("Jose Nunez")


def test_only_the_head_noun_of_a_role_names_a_field():
    from pipeline.corpus.speakers import load_role_fields

    fields = load_role_fields()
    assert fields.of("Republican senator from Ohio") == {"politics"}
    assert fields.of("professor of law") == {"academia"}
    assert fields.of("Student loans") == frozenset()  # "student" only modifies the head
    cs = [claim("a1", "Jeb Bush", role="former Florida governor"), claim("a2", "Jeb Bush", role="Student loans")]
    assert len(set(ids(cs))) == 1
