"""The near-duplicate stage: index a batch of stored paragraphs and link them to their earliest copies.

``link_near`` runs inside the batch's transaction (``Store.write_batch``), after the batch's documents and
paragraphs are inserted and after exact links:

1. index: match tokens and keys of the batch's paragraphs not indexed yet (``wiredesk.dedup.keys``), stored
   in ``dedup_keys``;
2. candidates: one SQL join of those keys against every stored key (``near_index.find_candidates``);
3. verify: each candidate pair on its words (``wiredesk.dedup.verify``): near, partial or nothing (pairs of
   equal normalized text are the exact stage's);
4. direct: link each paragraph to the earliest paragraph it matches, moving stored links when the batch
   brings an earlier copy (``wiredesk.dedup.links``), and write the links.

Paragraphs of a superseded document version leave the index; paragraphs that linked to them are relinked
(step 2-4 again, for them). Idempotent: already indexed paragraphs are skipped.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from wiredesk.dedup.keys import compute_keys
from wiredesk.dedup.links import Link, Match, decide_links
from wiredesk.dedup.settings import DedupSettings
from wiredesk.dedup.verify import MatchText, compare
from wiredesk.domain.versions import NEAR_DEDUP_VERSION
from wiredesk.store import near_index as index


@dataclass
class NearResult:
    """Counts and timings of one call (seconds per step, for benchmarks and run statistics)."""

    indexed: int = 0
    keys: int = 0
    candidates: int = 0
    links_new: int = 0
    links_replaced: int = 0
    new_links: list[Link] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def add(self, other: "NearResult") -> None:
        for name in ("indexed", "keys", "candidates", "links_new", "links_replaced"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.new_links += other.new_links
        for k, v in other.timings.items():
            self.timings[k] = self.timings.get(k, 0.0) + v


def _eligible(row, settings: DedupSettings) -> bool:
    return row.is_current and row.role in settings.roles and len(row.text) >= settings.min_chars


def link_near(
    con,
    paragraph_ids: Iterable[int],
    settings: DedupSettings,
    run_id: int,
    *,
    superseded_documents: Sequence[int] = (),
) -> NearResult:
    """Index the given (already stored) paragraphs and write their near/partial links."""
    index.check_index_version(con, settings, run_id)
    result = NearResult()
    relink: list[int] = []
    if superseded_documents:
        relink = index.forget_paragraphs(con, index.paragraphs_of_documents(con, superseded_documents))
    result.add(_link(con, index.not_yet_indexed(con, paragraph_ids), settings, run_id, fresh=True))
    if relink:
        result.add(_link(con, relink, settings, run_id, fresh=False))
    return result


def _link(con, ids: Sequence[int], settings: DedupSettings, run_id: int, *, fresh: bool) -> NearResult:
    """Steps 1-4 for ``ids``: newly stored paragraphs (``fresh``: index them), or indexed ones to relink."""
    result = NearResult()
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.timings[name] = result.timings.get(name, 0.0) + now - clock
        clock = now

    rows = index.load_paragraphs(con, ids)
    ids = [pid for pid in ids if pid in rows]
    lap("load")

    # 1. index
    texts: dict[int, MatchText] = {}
    token_lists = []
    for pid in ids:
        if _eligible(rows[pid], settings):
            texts[pid] = MatchText.of(rows[pid].text)
            token_lists.append(texts[pid].tokens)
        else:
            token_lists.append(())
    keys = compute_keys(token_lists, settings)
    lap("keys")
    if fresh:
        result.indexed = len(ids)
        result.keys = index.insert_keys(con, ids, keys, [len(t) for t in token_lists], run_id)
    lap("insert_keys")

    # 2. candidates
    pairs = index.find_candidates(con, ids, keys, settings)
    result.candidates = len(pairs)
    lap("candidates")
    rows.update(index.load_paragraphs(con, {pid for pair in pairs for pid in pair} - rows.keys()))
    lap("load_candidates")

    # 3. verify
    matches = []
    for a, b in sorted(pairs):
        ra, rb = rows.get(a), rows.get(b)
        if ra is None or rb is None or not (_eligible(ra, settings) and _eligible(rb, settings)):
            continue
        if ra.match_hash == rb.match_hash:
            continue  # equal normalized text: an exact link, made by the exact stage
        if ra.doc_key == rb.doc_key and ra.document_id != rb.document_id:
            continue  # another version of the same document is not a copy
        for pid, row in ((a, ra), (b, rb)):
            if pid not in texts:
                texts[pid] = MatchText.of(row.text)
        verdict = compare(texts[a], texts[b], settings)
        if verdict is not None:
            matches.append(Match(a, b, verdict))
    lap("verify")

    # 4. direct and write
    involved = {pid for m in matches for pid in (m.a, m.b)}
    current = index.load_current_links(con, involved)
    rows.update(index.load_paragraphs(con, {link.duplicate_of for link in current.values()} - rows.keys()))
    placements = {pid: row.placement for pid, row in rows.items()}
    new, replaced = decide_links(matches, placements, current)
    index.write_links(con, new, replaced, NEAR_DEDUP_VERSION, run_id, settings.fingerprint)
    result.links_new, result.links_replaced = len(new), len(replaced)
    result.new_links = new
    lap("links")
    return result


def relink(con, ids: Sequence[int], settings: DedupSettings, run_id: int) -> NearResult:
    """Link already indexed paragraphs again (steps 2-4), e.g. those whose target was re-derived (issue 6)."""
    return _link(con, list(ids), settings, run_id, fresh=False) if ids else NearResult()


def rebuild_index(con, settings: DedupSettings, run_id: int, chunk: int = 20_000) -> NearResult:
    """Recompute every key with ``settings`` (after an index parameter changed) and re-link in id order.

    Existing links are kept and only ever move to earlier copies, so a rebuild never loses a link; pairs the
    new parameters find are added. Runs in the caller's transaction.
    """
    index.clear_index(con, settings, run_id)
    total = NearResult()
    after = -(2**63)
    while ids := index.all_paragraph_ids(con, after, chunk):
        total.add(_link(con, ids, settings, run_id, fresh=True))
        after = ids[-1]
    return total
