"""The near-duplicate stage: index a batch of stored paragraphs and link them to their earliest copies.

``link_near`` runs inside the batch's transaction (``Store.write_batch``), after the batch's documents and
paragraphs are inserted and after exact links, against a ``ParagraphIndex`` (the store's implementation is
``wiredesk.store.near_index.DuckDBParagraphIndex``; this module holds the decisions and no SQL):

1. index: match tokens, keys (``wiredesk.dedup.keys``) and token sketches (``wiredesk.dedup.sketch``) of the
   batch's paragraphs not indexed yet, stored in the index;
2. candidates: every stored paragraph sharing enough keys with a batch paragraph (``ParagraphIndex.candidates``),
   less the pairs whose token sketches show they cannot match (no stored text is read for those);
3. verify: each candidate pair on its words (``wiredesk.dedup.verify``): near, partial or nothing (pairs of
   equal normalized text are the exact stage's);
4. direct: link each paragraph to the earliest paragraph it matches, moving stored links when the batch
   brings an earlier copy (``wiredesk.dedup.links``), and write the links.

Paragraphs of a superseded document version leave the index; paragraphs that linked to them are relinked
(step 2-4 again, for them). Idempotent: already indexed paragraphs are skipped.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple, Protocol

import numpy as np

from wiredesk.dedup.keys import BatchKeys
from wiredesk.dedup.links import Link, Match, Placement, decide_links
from wiredesk.dedup.matchtext import match_tokens_batch
from wiredesk.dedup.settings import DedupSettings
from wiredesk.dedup.sketch import SketchTable, filter_pairs
from wiredesk.dedup.tokenwork import Carried, carried_work, split_carried
from wiredesk.dedup.verify import TokenRows, compare_pairs
from wiredesk.domain.versions import NEAR_DEDUP_VERSION


class IndexedParagraph(NamedTuple):
    """What verification and ordering need of one stored paragraph (a tuple: a batch makes thousands)."""

    paragraph_id: int
    document_id: int
    doc_key: str
    is_current: bool
    position: int
    published_at: datetime | None
    role: str
    text: str | None  # None when loaded without it (``ParagraphIndex.paragraphs(..., texts=False)``)
    match_hash: int
    first_document_id: int  # of the document's first version: ties are broken on it, so new versions keep their place
    language: str | None = None  # the document's: chooses the common words of its keys
    chars: int = 0  # characters of the text (what ``DedupSettings.takes_part`` measures)

    @property
    def placement(self) -> Placement:
        return Placement(self.paragraph_id, self.first_document_id, self.position, self.published_at)


class StoredFacts(NamedTuple):
    """What the stage first needs of a batch's paragraphs, as columns: one row per stored paragraph of the ids
    asked, ascending id (ids not stored have none). Enough to tell which to index and link; the full rows
    (``IndexedParagraph``) are read only for the paragraphs that end up in pairs."""

    paragraph_id: np.ndarray  # int64, ascending
    is_current: np.ndarray  # bool: of its document's current version
    role: np.ndarray  # object (str)
    chars: np.ndarray  # int64: characters of the text
    indexed: np.ndarray  # bool: already in the index


class ParagraphIndex(Protocol):
    """The persistent near-duplicate index and the stored paragraphs and links it decides over.

    Every call works in the caller's transaction and never commits: links land with the batch that caused
    them. ``check_version`` raises ``StoreError`` when the stored keys were made with other index settings.
    ``candidates`` returns the candidate pairs as an ``(n, 2)`` array of ids, lower id first, sorted, unique;
    ``paragraphs(..., texts=False)`` leaves ``text`` out (``chars`` still says how long it is).
    """

    def check_version(self, settings: DedupSettings, run_id: int | None) -> None: ...
    def facts(self, ids: Iterable[int]) -> StoredFacts: ...
    def paragraphs(self, ids: Iterable[int], texts: bool = True) -> dict[int, IndexedParagraph]: ...
    def insert_keys(self, ids: Sequence[int], keys: BatchKeys, n_tokens: Sequence[int], run_id: int,
                    sketches: Sequence[bytes | None]) -> int: ...
    def sketches(self, ids: Iterable[int]) -> SketchTable: ...
    def candidates(self, ids: Sequence[int], keys: BatchKeys, settings: DedupSettings) -> np.ndarray: ...
    def current_links(self, ids: Iterable[int]) -> Mapping[tuple[int, str], Link]: ...
    def write_links(self, new: Sequence[Link], replaced: Sequence[Link], method: str, run_id: int,
                    dedup_settings: str | None) -> None: ...
    def forget(self, ids: Sequence[int]) -> list[int]: ...
    def paragraphs_of_documents(self, document_ids: Sequence[int]) -> list[int]: ...
    def clear(self, settings: DedupSettings, run_id: int | None) -> None: ...
    def paragraph_ids_after(self, after: int, limit: int) -> list[int]: ...


@dataclass
class NearResult:
    """Counts and timings of one call (seconds per step, for benchmarks and run statistics)."""

    indexed: int = 0
    keys: int = 0
    candidates: int = 0
    prefiltered: int = 0  # candidates left to verify on their texts after the sketch filter
    carried: int = 0  # new paragraphs whose tokens, keys and sketch came with the batch (not made here)
    links_new: int = 0
    links_replaced: int = 0
    new_links: list[Link] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def add(self, other: "NearResult") -> None:
        for name in ("indexed", "keys", "candidates", "prefiltered", "carried", "links_new", "links_replaced"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.new_links += other.new_links
        for k, v in other.timings.items():
            self.timings[k] = self.timings.get(k, 0.0) + v


def _eligible(row: IndexedParagraph, settings: DedupSettings) -> bool:
    return row.is_current and settings.takes_part(row.role, row.chars)


def link_near(
    index: ParagraphIndex,
    paragraph_ids: Iterable[int],
    settings: DedupSettings,
    run_id: int,
    *,
    superseded_documents: Sequence[int] = (),
    prefilter: bool = True,
    carried: Carried | None = None,
) -> NearResult:
    """Index the given (already stored) paragraphs and write their near/partial links. ``prefilter=False``
    verifies every candidate on its text, each aligned (the same links, slower: for tests and benchmarks). ``carried``:
    the token work of new paragraphs made where they were cleaned (``wiredesk.dedup.tokenwork``); the
    paragraphs without are done here. The links are the same either way."""
    started = time.perf_counter()
    index.check_version(settings, run_id)
    result = NearResult()
    orphans: list[int] = []
    if superseded_documents:
        orphans = index.forget(index.paragraphs_of_documents(superseded_documents))
    result.timings["check"] = time.perf_counter() - started
    result.add(_link(index, paragraph_ids, settings, run_id, fresh=True, prefilter=prefilter, carried=carried))
    if orphans:
        result.add(_link(index, orphans, settings, run_id, fresh=False, prefilter=prefilter))
    return result


def _linked(facts: StoredFacts, settings: DedupSettings, fresh: bool) -> tuple[list[int], list[int]]:
    """Of a batch's stored paragraphs (``facts``), those to index (``fresh``: the ones not indexed yet, which are
    the only ones indexed: re-indexing is a no-op) or relink, and of these the ones linked at all (a current
    document's, of a role and length that take part), both ascending."""
    keep = ~facts.indexed if fresh else np.ones(len(facts.paragraph_id), dtype=bool)
    ids = facts.paragraph_id[keep]
    eligible = facts.is_current[keep] & settings.takes_part_all(facts.role[keep], facts.chars[keep])
    return ids.tolist(), ids[eligible].tolist()


def _link(index: ParagraphIndex, ids: Iterable[int], settings: DedupSettings, run_id: int, *, fresh: bool,
          prefilter: bool = True, carried: Carried | None = None) -> NearResult:
    """Steps 1-4 for ``ids``: newly stored paragraphs (``fresh``: index those not indexed yet), or indexed ones
    to relink."""
    result = NearResult()
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.timings[name] = result.timings.get(name, 0.0) + now - clock
        clock = now

    # which of the batch to index and link, from a few columns of its rows (the full rows of the paragraphs in
    # pairs are read after the candidates: a few thousand of them, not the whole batch)
    ids, eligible = _linked(index.facts(ids), settings, fresh)
    rows: dict[int, IndexedParagraph] = {}
    lap("load")

    # 1. index: match tokens, keys and sketches of the batch, as carried with it (made where its paragraphs
    #    were cleaned) or, for the paragraphs without, made here in one batch pass (wiredesk.dedup.tokenwork):
    #    only their texts are read
    use, here = split_carried(eligible, settings, carried)
    if here:
        rows.update(index.paragraphs(here))
    work = carried_work(ids, use, here, [rows[pid].text for pid in here], [rows[pid].language for pid in here],
                        settings)
    keys, sketches = work.keys, work.sketches
    result.carried = work.carried
    lap("keys")
    if fresh:
        result.indexed = len(ids)
        result.keys = index.insert_keys(ids, keys, work.n_tokens, run_id, sketches.blobs(ids))
    lap("insert_keys")

    # 2. candidates, less those whose token sketches cannot match (their texts are never read)
    pairs = index.candidates(ids, keys, settings)
    result.candidates = len(pairs)
    lap("candidates")
    if prefilter and len(pairs):
        sketches = SketchTable.concat([sketches, index.sketches(np.setdiff1d(pairs, sketches.ids).tolist())])
        lap("read_sketches")
        pairs = filter_pairs(pairs, sketches, settings)
        lap("prefilter")
    result.prefiltered = len(pairs)
    pair_list = [tuple(pair) for pair in pairs.tolist()]
    # the rows of the paragraphs in pairs, in one read (the batch's among them are its newest rows: their texts,
    # unused when the batch's work holds their tokens, cost less to read than a second statement)
    rows.update(index.paragraphs({pid for pair in pair_list for pid in pair} - rows.keys()))
    lap("load_candidates")

    # 3. verify: each pair on its words (``compare_pairs``: ``compare``'s verdicts, the pairs at once)
    kept = []
    for a, b in pair_list:
        ra, rb = rows.get(a), rows.get(b)
        if ra is None or rb is None or not (_eligible(ra, settings) and _eligible(rb, settings)):
            continue
        if ra.match_hash == rb.match_hash:
            continue  # equal normalized text: an exact link, made by the exact stage
        if ra.doc_key == rb.doc_key and ra.document_id != rb.document_id:
            continue  # another version of the same document is not a copy
        kept.append((a, b))
    needed = sorted({pid for pair in kept for pid in pair})
    # the batch's tokens (made or carried with the rest of its token work), then the stored paragraphs' in
    # one batch pass over their texts; one row each
    batch_ids, batch_rows = work.token_rows(needed)
    rest = sorted(set(needed) - set(batch_ids))
    row_of = {pid: k for k, pid in enumerate(batch_ids + rest)}
    token_rows = TokenRows.concat([batch_rows, TokenRows.of(*match_tokens_batch([rows[pid].text for pid in rest]))])
    verdicts = compare_pairs(token_rows, [(row_of[a], row_of[b]) for a, b in kept], settings)
    matches = [Match(a, b, verdict) for (a, b), verdict in zip(kept, verdicts) if verdict is not None]
    lap("verify")

    # 4. direct and write
    involved = {pid for m in matches for pid in (m.a, m.b)}
    current = index.current_links(involved)
    targets = {link.duplicate_of for link in current.values()}
    rows.update(index.paragraphs(targets - rows.keys(), texts=False))
    placements = {pid: rows[pid].placement for pid in involved | targets if pid in rows}
    new, replaced = decide_links(matches, placements, current)
    index.write_links(new, replaced, NEAR_DEDUP_VERSION, run_id, settings.fingerprint)
    result.links_new, result.links_replaced = len(new), len(replaced)
    result.new_links = new
    lap("links")
    return result


def relink(index: ParagraphIndex, ids: Sequence[int], settings: DedupSettings, run_id: int) -> NearResult:
    """Link already indexed paragraphs again (steps 2-4), e.g. those whose target was re-derived by a reprocess."""
    return _link(index, list(ids), settings, run_id, fresh=False) if ids else NearResult()


def rebuild_index(index: ParagraphIndex, settings: DedupSettings, run_id: int, chunk: int = 20_000) -> NearResult:
    """Recompute every key with ``settings`` (after an index parameter changed) and re-link in id order.

    Existing links are kept and only ever move to earlier copies, so a rebuild never loses a link; pairs the
    new parameters find are added. Runs in the caller's transaction.
    """
    index.clear(settings, run_id)
    total = NearResult()
    after = -(2**63)
    while ids := index.paragraph_ids_after(after, chunk):
        total.add(_link(index, ids, settings, run_id, fresh=True))
        after = ids[-1]
    return total
