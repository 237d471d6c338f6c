"""Tests of the disjoint sets that corpus-level linking groups items with."""
from pipeline.corpus.groups import DisjointSets


def test_join_keeps_the_smallest_member_as_root() -> None:
    sets = DisjointSets(6)
    assert sets.join(4, 2) == (2, 4)
    assert sets.join(5, 4) == (2, 5)
    assert sets.join(2, 5) is None
    assert [sets.find(i) for i in range(6)] == [0, 1, 2, 3, 2, 2]
