"""Clustering: scored pairs of nodes into persons, respecting numbers and analysts.

Pairs are taken strongest first (by match weight, which unlike the probability does
not saturate at 1; ties in node order, so every run and engine chooses alike) and
two groups are joined unless that would put two different valid identity numbers in
one person (two valid numbers are two people; a mistyped number can match both, and
must then go to the stronger), or join records an analyst has split. Analysts'
joins are applied first and may join two numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass
class _Groups:
    """Union-find over nodes, with each group's valid numbers and forbidden partners."""

    parent: dict[str, str] = field(default_factory=dict)
    numbers: dict[str, set[str]] = field(default_factory=dict)
    size: dict[str, int] = field(default_factory=dict)
    apart: dict[str, set[str]] = field(default_factory=dict)  # root -> nodes it must not join

    def add(self, node: str, number: str | None) -> None:
        if node not in self.parent:
            self.parent[node] = node
            self.size[node] = 1
            if number:
                self.numbers[node] = {number}

    def find(self, node: str) -> str:
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:  # path compression
            self.parent[node], node = root, self.parent[node]
        return root

    def kept_apart(self, a: str, b: str) -> bool:
        if not self.apart:  # no analyst's split
            return False
        return any(self.find(n) == b for n in self.apart.get(a, ())) or any(
            self.find(n) == a for n in self.apart.get(b, ())
        )

    def union(self, a: str, b: str, *, forced: bool) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb or self.kept_apart(ra, rb):
            return False
        if not forced and self.numbers.get(ra) and self.numbers.get(rb):
            return False
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size.pop(rb)
        self.numbers.setdefault(ra, set()).update(self.numbers.pop(rb, set()))
        self.apart.setdefault(ra, set()).update(self.apart.pop(rb, set()))
        return True


def cluster_nodes(
    numbers: Mapping[str, str | None],
    edges: Iterable[tuple[str, str, float, float]],
    *,
    threshold: float,
    joined: Iterable[tuple[str, str]] = (),
    split: Iterable[tuple[str, str]] = (),
) -> dict[str, str]:
    """Each node's cluster, named by its smallest node id.

    ``numbers`` maps every node to its valid identity number (None without one);
    ``edges`` are scored pairs (node, node, match probability, match weight); pairs
    whose probability reaches ``threshold`` are joined strongest first; ``joined`` and
    ``split`` are analysts' decisions as pairs of nodes.
    """
    strong = sorted((e for e in edges if e[2] >= threshold), key=lambda e: (-e[3], e[0], e[1]))
    joined, split = sorted(joined), list(split)
    groups = _Groups()  # only nodes in a pair: every other node is a person of its own
    for a, b in [*split, *joined, *((e[0], e[1]) for e in strong)]:
        groups.add(a, numbers[a])
        groups.add(b, numbers[b])
    for a, b in split:
        groups.apart.setdefault(a, set()).add(b)
        groups.apart.setdefault(b, set()).add(a)
    for a, b in joined:
        groups.union(a, b, forced=True)
    for a, b, _, _ in strong:
        groups.union(a, b, forced=False)
    members: dict[str, list[str]] = {}
    for node in groups.parent:
        members.setdefault(groups.find(node), []).append(node)
    clusters = dict(zip(numbers, numbers, strict=True))
    clusters.update({node: min(group) for group in members.values() for node in group})
    return clusters
