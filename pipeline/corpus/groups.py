"""Disjoint sets of item numbers (union-find), the groups that corpus-level linking builds."""
from __future__ import annotations


class DisjointSets:
    """Union-find over the items ``0 .. n - 1``; a set's root is its smallest member."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        """The root of ``i``'s set (paths are halved on the way)."""
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(self, a: int, b: int) -> tuple[int, int] | None:
        """Merge the sets of ``a`` and ``b``: (kept root, merged root), or None when they are one set."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        lo, hi = min(ra, rb), max(ra, rb)
        self.parent[hi] = lo
        return lo, hi
