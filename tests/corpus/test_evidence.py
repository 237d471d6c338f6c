"""Per-article evidence through the real pipeline: surnames get the article's full name, gender cues
count the words that refer to the speaker, and the whole chain merges speakers across articles."""
import pytest

from pipeline.corpus.evidence import is_surname_only, link_claims, load_gender_lexicon, role_cues
from pipeline.stage.batch import extract_rows
from pipeline.corpus.link import link_table, records_table
from pipeline.ingest.records import Article, article_id_for, content_hash_for

TEXTS = {
    # two people called Clinton in one article; the surname alone is ambiguous here
    "both": ("Hillary Clinton spoke in Iowa on Monday. \"We need a fair tax system,\" Mrs. Clinton said. "
             "Bill Clinton, her husband, stayed in New York. \"I am proud of her,\" he said."),
    # only the surname at the claim; the full name is in the first sentence
    "surname": ("Donald Trump held a rally in Ohio. Supporters cheered. "
                "\"We are going to win this state,\" Trump said. He promised new jobs."),
    "woman": ("Kirsten Hillman is Canada's ambassador. She met officials in Washington on Tuesday. "
              "\"The talks were useful,\" Ms. Hillman said."),
    "other-trump": ("Melania Trump visited a school. \"Children need kindness,\" Melania Trump said. "
                    "She thanked the teachers."),
}


def _article(doc_id: str, text: str) -> Article:
    return Article(article_id=article_id_for(doc_id), doc_id=doc_id, title=None, text=text,
                   published="2016-09-01", source="Wire", url=None, author=None, input_path=f"{doc_id}.txt",
                   input_format="txt", record=None, content_hash=content_hash_for(None, text, "2016-09-01"))


@pytest.fixture(scope="module")
def rows():
    rows, result = extract_rows([_article(k, v) for k, v in TEXTS.items()])
    assert result.rejects == []
    return rows


def _claims(rows, doc_id):
    aid = article_id_for(doc_id)
    return [c for c in rows["claims"] if c["article_id"] == aid]


def test_a_surname_alone_gets_the_full_name_of_its_article():
    from pipeline.nlp import load_pipeline

    nlp = load_pipeline()
    text = ("Donald J. Trump held a rally in Ohio. Supporters cheered. \"We will win this state,\" Trump said. "
            "Donald Trump Jr. spoke later.")
    doc = nlp(text)
    start = text.index("Trump said")
    claims = [{"content": "We will win this state", "speaker": "Trump", "speaker_type": "organization",
               "speaker_mention": "Trump", "speaker_role": None, "speaker_start": start},
              {"content": "Nothing", "speaker": "Clinton", "speaker_type": "person", "speaker_mention": "Clinton",
               "speaker_role": None}]
    link_claims(doc, claims)
    assert claims[0]["speaker_full_name"] == "Donald J. Trump"  # not "Donald Trump Jr.": another person
    assert claims[1]["speaker_full_name"] is None  # the article names no Clinton
    assert claims[0]["speaker_male_cues"] is not None and claims[0]["quote_key"]


def test_an_ambiguous_surname_stays_alone():
    from pipeline.nlp import load_pipeline

    nlp = load_pipeline()
    doc = nlp("Hillary Clinton and Bill Clinton arrived in Iowa. Clinton said the plan was fair.")
    claims = [{"content": "the plan was fair", "speaker": "Clinton", "speaker_type": "person",
               "speaker_mention": "Clinton", "speaker_role": None}]
    link_claims(doc, claims)
    assert claims[0]["speaker_full_name"] is None


def test_gender_cues_from_titles_pronouns_and_roles(rows):
    hillman = [c for c in _claims(rows, "woman") if c["speaker"] == "Kirsten Hillman"]
    assert hillman and hillman[0]["speaker_female_cues"] >= 2 and hillman[0]["speaker_male_cues"] == 0
    # "Mrs. Clinton" counts although another Clinton is in the article ("her husband" is Bill's)
    hillary = [c for c in _claims(rows, "both") if c["speaker"] == "Hillary Clinton"]
    assert hillary and hillary[0]["speaker_female_cues"] >= 1 and hillary[0]["speaker_male_cues"] == 0


def test_every_claim_has_a_quotation_signature(rows):
    assert rows["claims"] and all(c["quote_key"] for c in rows["claims"])


def test_the_corpus_links_two_trumps_apart_and_gives_genders(rows):
    published = {a["article_id"]: a["published"] for a in rows["articles"]}
    records = [{**c, "published": published[c["article_id"]], "source": "Wire"} for c in rows["claims"]]
    linked = link_table(records_table(records))
    by_name = {s["name"]: s for s in linked.speakers.to_pylist()}
    assert {"Donald Trump", "Melania Trump", "Kirsten Hillman", "Hillary Clinton"} <= set(by_name)
    assert by_name["Donald Trump"]["speaker_id"] != by_name["Melania Trump"]["speaker_id"]
    assert by_name["Kirsten Hillman"]["gender"] == "female"
    assert by_name["Melania Trump"]["gender"] == "female"
    assert by_name["Donald Trump"]["gender"] == "male"
    assert by_name["Kirsten Hillman"]["gender_source"] == "text"
    assert all(linked.quote_id.to_pylist())
    assert linked.quotes.num_rows == len(records)  # four different articles: no quotation repeats


def test_small_helpers():
    lex = load_gender_lexicon()
    assert role_cues("a spokeswoman for the campaign", lex) == (1, 0)
    assert role_cues("his Democratic opponent", lex) == (0, 0)
    assert role_cues("the First Lady", lex) == (1, 0)
    assert is_surname_only("Trump") and is_surname_only("O'Neill") and not is_surname_only("Donald Trump")
    assert not is_surname_only("officials") and not is_surname_only("I")
