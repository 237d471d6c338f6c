"""Quotations counted once: normalized and near-identical wordings by compatible speakers."""
from datetime import date

from pipeline.corpus.quotes import normalize_quote, quote_signature, similarity

from helpers import claim, link

LONG = "We will not accept a deal that leaves our workers behind, and we said so from the start."


def quotes_of(cs):
    _, qids, _, quotes = link(cs)
    return qids, quotes


def test_normalization_ignores_quote_marks_case_spacing_and_punctuation():
    assert normalize_quote("“We’re  READY,” — and   willing.") == normalize_quote('"we\'re ready and willing"')
    assert normalize_quote("'Tis the season's end") == "tis the season's end"
    assert quote_signature("“Yes.”")[0] == quote_signature("yes")[0]


def test_the_same_words_by_the_same_speaker_in_two_articles_are_one_quote():
    cs = [claim("a1", "Kirsten Hillman", content=f"“{LONG}”", published=date(2023, 3, 2)),
          claim("a2", "Kirsten Hillman", content=LONG.upper(), published=date(2023, 3, 1))]
    qids, quotes = quotes_of(cs)
    assert qids[0] == qids[1] and len(quotes) == 1
    (q,) = quotes
    assert q["first_article_id"] == "a2" and q["first_claim_id"] == cs[1]["claim_id"]  # the earliest copy
    assert (q["n_claims"], q["n_articles"], q["n_wordings"]) == (2, 2, 1)


def test_near_identical_wire_edits_merge_and_different_statements_do_not():
    edited = LONG.replace("leaves our workers behind", "leaves workers behind")
    other = "We will accept any deal that the workers vote for, whatever the government says about it."
    cs = [claim("a1", "Kirsten Hillman", content=LONG), claim("a2", "Kirsten Hillman", content=edited),
          claim("a3", "Kirsten Hillman", content=other)]
    qids, quotes = quotes_of(cs)
    assert qids[0] == qids[1] != qids[2]
    assert sorted(q["n_wordings"] for q in quotes) == [1, 2]


def test_the_same_words_by_different_speakers_are_different_quotes():
    cs = [claim("a1", "Kirsten Hillman", content=LONG), claim("a2", "Chrystia Freeland", content=LONG)]
    qids, _ = quotes_of(cs)
    assert qids[0] != qids[1]


def test_a_surname_alone_meets_the_full_name_in_a_copy_but_never_joins_two_people():
    cs = [claim("a1", "Justin Trudeau", content=LONG), claim("a2", "Trudeau", content=LONG),
          claim("a3", "Pierre Trudeau", content=LONG)]
    qids, quotes = quotes_of(cs)
    assert qids[0] == qids[1] != qids[2]
    speaker_ids = link(cs)[0]
    joined = next(q for q in quotes if q["n_claims"] == 2)
    assert joined["speaker_id"] == speaker_ids[0] and joined["speaker"] == "Justin Trudeau"


def test_copies_of_one_article_share_every_quote_even_without_a_named_speaker():
    texts = [("officials", "group", "The plan is on track and will be delivered in the spring."),
             ("", None, "Nobody saw it coming, a resident wrote online about the flood."),
             ("Smith", "person", "I have never seen water rise so fast in all my years here.")]
    cs = [claim(aid, s, kind=k, content=t) for aid in ("copy1", "copy2") for s, k, t in texts]
    qids, quotes = quotes_of(cs)
    assert qids[:3] == qids[3:] and len(quotes) == 3


def test_short_quotations_merge_only_when_exact():
    cs = [claim("a1", "Kirsten Hillman", content="Absolutely not, never."),
          claim("a2", "Kirsten Hillman", content="Absolutely not, ever.")]
    qids, _ = quotes_of(cs)
    assert qids[0] != qids[1]


def test_similarity_is_word_level():
    assert similarity("a b c d".split(), "a b c d".split()) == 1.0
    assert similarity("a b c d".split(), "a b x d".split()) == 0.75


def test_the_hashes_are_exact_in_64_bit_arithmetic():
    import numpy

    from pipeline.corpus.quotes import _HASHES, _MERSENNE, _universal_hashes

    xs = [0, 1, 2, 12345, (1 << 31) + 7, (1 << 32) - 1]
    got = _universal_hashes(numpy.array(xs, dtype=numpy.uint64)).tolist()
    assert got == [[(a * x + b) % _MERSENNE for x in xs] for a, b in _HASHES]


def test_an_articles_signatures_together_equal_each_alone():
    from pipeline.corpus.quotes import quote_signatures

    contents = ["We will not back down from this fight, ever.", "No.", "",
                "The deal is done and the workers know it is done."]
    together = quote_signatures(contents)
    assert together == [quote_signature(c) for c in contents]
    assert together[1][1] is None and together[0][1] is not None and len(together[0][1]) == 6


def test_signatures_of_more_contents_than_one_chunk_are_those_of_each_alone(monkeypatch):
    from pipeline.corpus import quotes

    monkeypatch.setattr(quotes, "SIGNATURE_CHUNK", 2)
    contents = [f"the {n} workers know the deal is done" for n in range(5)] + ["No."]
    assert quotes.quote_signatures(contents) == [quote_signature(c) for c in contents]
