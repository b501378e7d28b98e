"""What storing a batch changes, decided before any row is written. Pure: no database, no clock.

Given the cleaned items of a batch, the raw hash stored last for each origin, the current version of each
document key and the next free ids, ``decide_versions`` says for every item one of three things:

- *same bytes*: the origin's stored raw hash equals the item's (a batch repeating an origin, or a rerun
  that raced another): nothing is written for it;
- *same content*: new bytes whose cleaned text hashes like the current version (an ad or a timestamp
  changed): the bytes and the origin's state are remembered, no new version;
- *new version*: the first version of a document, or the next one of a known document (the current one is
  superseded): a ``NewVersion`` with its ids.

The writer (``wiredesk.store.writer``) applies the decision with SQL, in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from wiredesk.dedup.settings import DedupSettings
from wiredesk.domain.counts import BatchCounts
from wiredesk.domain.models import Article, InputItem
from wiredesk.domain.normalize import content_hash, match_hash
from wiredesk.domain.urls import host_of


@dataclass(frozen=True)
class CurrentVersion:
    """The current stored version of a document key."""

    document_id: int
    version: int
    content_hash: str


@dataclass(frozen=True)
class NewVersion:
    """One document version to insert, with its paragraphs' ids and match hashes (in paragraph order)."""

    item: InputItem
    article: Article
    document_id: int
    version: int
    content_hash: str
    paragraph_ids: tuple[int, ...]
    match_hashes: tuple[int, ...]
    #: the version it replaces as current (None when there was none): the revisit queue moves from it to this one
    previous_document_id: int | None


@dataclass
class VersionDecision:
    """The decision for one batch; ``counts`` has the document and paragraph counters filled in."""

    versions: list[NewVersion] = field(default_factory=list)
    #: raw bytes to keep, by hash (the first item that brought them)
    raws: dict[str, InputItem] = field(default_factory=dict)
    #: origin -> (raw_sha256, doc_key, document_id) to record in item_state
    states: dict[str, tuple[str, str, int]] = field(default_factory=dict)
    #: document ids of the versions that stop being current
    superseded: list[int] = field(default_factory=list)
    #: match hashes of the new paragraphs that take part in exact linking
    dedup_hashes: set[int] = field(default_factory=set)
    counts: BatchCounts = field(default_factory=BatchCounts)

    @property
    def new_paragraph_ids(self) -> list[int]:
        return [pid for v in self.versions for pid in v.paragraph_ids]


def decide_versions(cleaned: Sequence[tuple[InputItem, Article]], known_raw: Mapping[str, str],
                    current: Mapping[str, CurrentVersion], next_document_id: int, next_paragraph_id: int,
                    dedup: DedupSettings) -> VersionDecision:
    """Decide every cleaned item of a batch, in order (a later item of the same document key sees the
    version an earlier one made)."""
    known = dict(known_raw)
    current = dict(current)
    out = VersionDecision()
    next_doc, next_par = next_document_id, next_paragraph_id
    for item, article in cleaned:
        if known.get(item.origin) == item.raw_sha256:  # stored meanwhile: idempotent
            out.counts.items_unchanged += 1
            continue
        known[item.origin] = item.raw_sha256
        out.raws.setdefault(item.raw_sha256, item)
        chash = content_hash(article.text)
        cur = current.get(article.doc_key)
        if cur is not None and cur.content_hash == chash:
            # new bytes, same content (an ad or a timestamp changed): remember the bytes, no new version
            out.counts.items_unchanged += 1
            out.states[item.origin] = (item.raw_sha256, article.doc_key, cur.document_id)
            continue
        doc_id, next_doc = next_doc, next_doc + 1
        if cur is not None:
            out.superseded.append(cur.document_id)
            out.counts.documents_updated += 1
        else:
            out.counts.documents_new += 1
        current[article.doc_key] = CurrentVersion(doc_id, cur.version + 1 if cur else 1, chash)
        out.states[item.origin] = (item.raw_sha256, article.doc_key, doc_id)
        if article.site_rule:
            out.counts.site_rules[article.site_rule] += 1
            if article.site_rule == "keep_unmatched":  # the rule's keep selectors matched nothing on this host
                out.counts.site_rule_fallbacks[host_of(article.url) if article.url else "(no host)"] += 1
        hashes = tuple(match_hash(p.text) for p in article.paragraphs)
        ids = tuple(range(next_par, next_par + len(hashes)))
        next_par += len(hashes)
        for p, h in zip(article.paragraphs, hashes):
            out.counts.paragraphs_by_role[p.role] += 1
            if dedup.takes_part(p.role, len(p.text)):
                out.dedup_hashes.add(h)
        out.versions.append(NewVersion(item, article, doc_id, current[article.doc_key].version, chash, ids, hashes,
                                       cur.document_id if cur is not None else None))
    out.counts.paragraphs_new = sum(len(v.paragraph_ids) for v in out.versions)
    return out
