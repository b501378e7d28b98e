"""Clusters of copies: the earliest copy each paragraph reaches by following its copy links. Pure: no database.

A paragraph's *copy link* (``copy_of``) is its exact or near link to the earliest paragraph it repeats (when it
has both, the one to the earlier copy). Following copy links from a paragraph ends at its cluster's earliest
copy, the ``cluster_id`` the duplicate views show (docs/schema.md). Links always point to an earlier copy, so
the walk ends; but a damaged or hand-edited store can hold a cycle of copy links. The walk is then **cut**: the
cycle's lowest paragraph id becomes the root of every paragraph that reaches the cycle, whichever member the
walk entered it by, so the answer is the same however the cluster is walked (in one batch's region or the whole
store). Cut roots are reported (``Resolved.cut``) so ``wiredesk status`` can name them.

The store (``wiredesk.store.clusters``) reads the links and writes the answers, in the batch's transaction. Not
here: which link is a paragraph's copy link (the earliest-copy order, ``wiredesk.dedup.links.earliest_rank``,
applied in SQL by the store).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Resolved:
    """The root of every paragraph walked, and the roots where a cycle of copy links was cut."""

    roots: dict[int, int]
    cut: frozenset[int]


def resolve_roots(parents: Mapping[int, int | None], outside: Mapping[int, int]) -> Resolved:
    """The cluster root of every paragraph of ``parents`` (paragraph -> its copy link, ``None``: it copies nothing).

    ``parents`` is a *region*: a walk that leaves it, at a paragraph not in ``parents``, ends at that paragraph's
    root as ``outside`` gives it (its stored ``cluster_id``), or at that paragraph itself when ``outside`` does
    not know it (a paragraph that copies nothing). A cycle inside the region is cut at its lowest id.
    """
    roots: dict[int, int] = {}
    cut: set[int] = set()
    for start in parents:
        if start in roots:
            continue
        path: list[int] = []
        on_path: dict[int, int] = {}
        node: int | None = start
        while True:
            if node in roots:
                root = roots[node]
                break
            if node not in parents:  # the walk left the region
                root = outside.get(node, node)
                break
            if node in on_path:  # 1. back on this walk's own path: a cycle, cut at its lowest id
                root = min(path[on_path[node]:])
                cut.add(root)
                break
            on_path[node] = len(path)
            path.append(node)
            parent = parents[node]
            if parent is None:  # 2. it copies nothing: the earliest copy of its cluster
                root = node
                break
            node = parent
        for member in path:
            roots[member] = root
    return Resolved(roots, frozenset(cut))
