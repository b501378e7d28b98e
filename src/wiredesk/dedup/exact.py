"""Exact-duplicate links: paragraphs with the same normalized text link to the earliest copy.

Pure: given the stored paragraphs of the clusters a batch touched, decide the links. The store reads
the clusters and writes the result; this module never sees a database.

"Earliest copy" is the paragraph with the earliest ``published_at`` (unknown dates last), then the
document ingested first (the ``document_id`` of its first version, so a new version of a document keeps
its place and links do not flip direction), then the lowest position: a total order, so the answer does
not depend on the order rows arrive in, and a late-ingested but earlier-published copy takes over as
canonical when it arrives.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from wiredesk.dedup.links import Link, earliest_rank


@dataclass(frozen=True)
class ParagraphRef:
    """What the earliest-copy rule needs to know of one stored paragraph."""

    paragraph_id: int
    match_hash: int
    published_at: datetime | None
    document_id: int
    position: int
    #: ``document_id`` of the first version of its document (ties on ``published_at`` are broken on it)
    first_document_id: int | None = None


def earliest_key(p: ParagraphRef) -> tuple:
    return earliest_rank(p.published_at, p.first_document_id or p.document_id, p.position)


def exact_links(paragraphs: Iterable[ParagraphRef]) -> list[Link]:
    """Links from every paragraph of a cluster (same ``match_hash``) to the cluster's earliest copy."""
    clusters: dict[int, list[ParagraphRef]] = defaultdict(list)
    for p in paragraphs:
        clusters[p.match_hash].append(p)
    links = []
    for members in clusters.values():
        if len(members) < 2:
            continue
        members.sort(key=earliest_key)
        first = members[0]
        links.extend(
            Link(m.paragraph_id, first.paragraph_id, "exact", 1.0) for m in members[1:]
        )
    links.sort(key=lambda link: link.paragraph_id)
    return links
