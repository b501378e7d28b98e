"""Direction: which copy is the earliest, and which stored links a batch changes.

Canonical order (the issue's "who published it first"): earliest ``published_at`` (unknown dates last), then
earliest ingested (lowest ``document_id`` of the document's first version), then lowest ``position`` in the document. It is a total order, so
the result never depends on the order paragraphs arrive in.

A paragraph links to the earliest paragraph it *directly* matches, if that one precedes it: at most one link
per kind (``near``, ``partial``; ``exact`` links are made by ``wiredesk.dedup.exact`` for whole clusters of
equal text). As a batch brings new matches, a stored paragraph's link moves to a new paragraph only if that one
is earlier than its current target; the target is therefore the minimum over all matches ever seen, which is
why incremental runs give the same links as one big run. Pure: no database access.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from wiredesk.dedup.verify import Verdict


def earliest_rank(published_at: datetime | None, document_id: int, position: int) -> tuple:
    """Sort key of the earliest-copy order shared by exact and near links: published (unknown last),
    then ingested (``document_id``: pass the first version's, so new versions keep their place), then position."""
    return (published_at is None, published_at.timestamp() if published_at else 0.0, document_id, position)


@dataclass(frozen=True)
class Placement:
    """Where a paragraph sits in canonical order (``document_id``: of its document's first version)."""

    paragraph_id: int
    document_id: int
    position: int
    published_at: datetime | None

    @property
    def rank(self) -> tuple:
        return earliest_rank(self.published_at, self.document_id, self.position)


@dataclass(frozen=True)
class Link:
    """``paragraph_id`` repeats the earlier ``duplicate_of``; ``kind`` is ``exact``, ``near`` or ``partial``.

    The one link type of every duplicate decision (``exact_links`` and ``decide_links``); the code version
    that made it is the kind's (``EXACT_DEDUP_VERSION``, ``NEAR_DEDUP_VERSION``), written by the store."""

    paragraph_id: int
    duplicate_of: int
    kind: str
    similarity: float

    @property
    def link_class(self) -> str:
        return link_class(self.kind)


@dataclass(frozen=True)
class Match:
    """A verified, undirected pair."""

    a: int
    b: int
    verdict: Verdict


def link_class(kind: str) -> str:
    """Links of one class compete for "earliest": an exact or near copy is a copy; a partial overlap is not."""
    return "partial" if kind == "partial" else "copy"


def decide_links(
    matches: Iterable[Match],
    placements: Mapping[int, Placement],
    current: Mapping[tuple[int, str], Link],
) -> tuple[list[Link], list[Link]]:
    """The links to write and the stored links they replace.

    ``placements`` covers every paragraph in ``matches`` and every current target; ``current`` maps
    ``(paragraph_id, link_class)`` to the stored link. Returns ``(new_links, replaced_links)``, both sorted.
    """
    best: dict[tuple[int, str], Link] = dict(current)
    for m in sorted(matches, key=lambda m: (min(m.a, m.b), max(m.a, m.b))):
        pa, pb = placements[m.a], placements[m.b]
        later, earlier = (pa, pb) if pa.rank > pb.rank else (pb, pa)
        slot = (later.paragraph_id, link_class(m.verdict.kind))
        held = best.get(slot)
        if held is None or placements[held.duplicate_of].rank > earlier.rank:
            best[slot] = Link(later.paragraph_id, earlier.paragraph_id, m.verdict.kind, m.verdict.similarity)
    new = sorted((link for slot, link in best.items() if current.get(slot) != link), key=_link_key)
    replaced = sorted((current[slot] for slot, link in best.items() if slot in current and current[slot] != link), key=_link_key)
    return new, replaced


def _link_key(link: Link) -> tuple:
    return (link.paragraph_id, link.link_class, link.duplicate_of)
