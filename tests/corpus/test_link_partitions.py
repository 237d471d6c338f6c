"""Linking speaker families apart gives the links of linking the corpus at once: the property a
publish relies on to link a large corpus a partition at a time."""
from collections import defaultdict
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

from helpers import claim
from pipeline.corpus.link import link_table, records_table, speaker_families

SENATE = "We will pass the infrastructure bill before the summer recess, whatever the cost."
EDITED = "We will pass the infrastructure bill before the summer recess whatever it costs."
BUDGET = "The budget office counted every dollar of the new spending twice over."


def _corpus() -> list[dict]:
    d1, d2, d3, d4 = date(2024, 3, 1), date(2024, 3, 2), date(2024, 3, 4), date(2024, 3, 9)
    return [
        # a senator quoted by full name and surname, his words copied by a second paper and edited by a third
        claim("a1", "John Smith", role="Senator", content=SENATE, published=d1, source="AP", male=2),
        claim("a2", "Smith", content=SENATE, published=d2, source="Reuters"),
        claim("a2", "John Smith", role="Republican senator from Ohio", content=BUDGET, published=d2, source="Reuters"),
        claim("a4", "Smith", content=EDITED, published=d4, source="CBC"),
        # a namesake: a dairy farmer in another article
        claim("a3", "John Smith", role="a dairy farmer", content="Milk prices fell by half this spring.",
              published=d3, source="Farm Weekly"),
        # "Smith's" and "Smith" in one article: one speaker id across two families
        claim("a4", "Smith's", content="The hearing will go ahead on Monday as planned.", published=d4, source="CBC"),
        # another person across articles, a shared quote, an organization by two spellings
        claim("a1", "Jane Doe", role="professor of law", content=BUDGET, published=d1, source="AP", female=1),
        claim("a3", "Jane Doe", role="professor of law", content=BUDGET, published=d3, source="Farm Weekly"),
        claim("a2", "the Pentagon", kind="organization", content="No troops will be moved this year.",
              published=d2, source="Reuters"),
        claim("a4", "Pentagon", kind="organization", content="No troops will be moved this year.",
              published=d4, source="CBC"),
        # claims that name no speaker, one of them copied
        claim("a1", "", kind=None, content="Turnout was the highest in forty years across the state.",
              published=d1, source="AP"),
        claim("a3", "", kind=None, content="Turnout was the highest in forty years across the state.",
              published=d3, source="Farm Weekly"),
        claim("a5", "Mary Major", role="mayor", content="The bridge reopens on Friday.", published=None, source="AP"),
    ]


def _groups(table: pa.Table) -> list[int]:
    """Each row's group: its speaker family, joined with the families one speaker id spans."""
    family, pairs = speaker_families(table)
    parent: dict[str, str] = {}

    def find(f):
        while parent.get(f, f) != f:
            f = parent[f]
        return f

    for a, b in pairs:
        parent[max(find(a), find(b))] = min(find(a), find(b))
    roots = sorted({find(f) for f in family.to_pylist()})
    return [roots.index(find(f)) for f in family.to_pylist()]


def test_the_fixture_has_what_partitions_must_keep_together():
    table = records_table(_corpus())
    whole = link_table(table)
    sid, qid = whole.speaker_id.to_pylist(), whole.quote_id.to_pylist()
    assert qid[0] == qid[1] == qid[3]                                  # a quote across articles and wordings
    assert sid[0] != sid[4]                                            # namesakes told apart
    assert sid[6] == sid[7] and qid[6] == qid[7] != qid[2]             # a speaker across articles
    assert sid[3] == sid[5]                                            # "Smith" and "Smith's" in a4: one id
    family, pairs = speaker_families(table)
    assert family.to_pylist()[3] != family.to_pylist()[5] and ("smith's", "smith") in pairs
    assert len(set(_groups(table))) >= 5


def test_linking_each_family_group_apart_gives_the_links_of_the_whole():
    table = records_table(_corpus())
    whole = link_table(table)
    groups = _groups(table)
    rows_of = defaultdict(list)
    for i, g in enumerate(groups):
        rows_of[g].append(i)
    sid, qid = [None] * table.num_rows, [None] * table.num_rows
    speakers, quotes = [], []
    for rows in rows_of.values():
        part = link_table(table.take(pa.array(rows)))
        for i, s, q in zip(rows, part.speaker_id.to_pylist(), part.quote_id.to_pylist()):
            sid[i], qid[i] = s, q
        speakers.append(part.speakers)
        quotes.append(part.quotes)
    assert sid == whole.speaker_id.to_pylist() and qid == whole.quote_id.to_pylist()
    speakers = pa.concat_tables(speakers).sort_by([("n_claims", "descending"), ("speaker_id", "ascending")])
    assert speakers.equals(whole.speakers)
    quotes = pa.concat_tables(quotes)
    quotes = quotes.take(pc.sort_indices(quotes, sort_keys=[("first_published", "ascending"),
                                                            ("quote_id", "ascending")]))
    assert quotes.equals(whole.quotes)
