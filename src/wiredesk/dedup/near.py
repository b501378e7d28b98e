"""The near-duplicate stage: index a batch of stored paragraphs and link them to their earliest copies.

``dedup_batch`` is what the pipeline calls, inside the batch's transaction, after the batch's documents and
paragraphs are inserted:

1. index: match tokens and keys of the batch's paragraphs not indexed yet (``keys``), stored in ``dedup_keys``;
2. candidates: one SQL join of those keys against every stored key (``index.find_candidates``);
3. verify: each candidate pair on its words (``verify.compare``): exact, near, partial or nothing;
4. direct: link each paragraph to the earliest copy it matches, moving stored links when the batch brings an
   earlier copy (``links.decide_links``), and write the links (``index.write_links``).

Idempotent: already indexed paragraphs are skipped, so a second call adds nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from wiredesk.dedup import index
from wiredesk.dedup.keys import compute_keys
from wiredesk.dedup.links import Match, decide_links
from wiredesk.dedup.settings import DedupSettings
from wiredesk.dedup.verify import MatchText, compare
from wiredesk.version import NEAR_DEDUP_VERSION


@dataclass
class NearResult:
    """Counts and timings of one ``dedup_batch`` call (seconds per step, for benchmarks and run stats)."""

    indexed: int = 0
    keys: int = 0
    candidates: int = 0
    links_new: int = 0
    links_replaced: int = 0
    timings: dict[str, float] = field(default_factory=dict)


def dedup_batch(con, paragraph_ids: Iterable[int], settings: DedupSettings, run_id: int) -> NearResult:
    """Index the given (already stored) paragraphs and write their exact/near/partial links."""
    result = NearResult()
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.timings[name] = result.timings.get(name, 0.0) + now - clock
        clock = now

    index.check_index_version(con, settings, run_id)
    todo = index.not_yet_indexed(con, paragraph_ids)
    rows = index.load_paragraphs(con, todo)
    todo = [pid for pid in todo if pid in rows]
    lap("load")

    # 1. index
    texts: dict[int, MatchText] = {}
    token_lists = []
    for pid in todo:
        row = rows[pid]
        if row.is_current and row.role in settings.roles:
            texts[pid] = MatchText.of(row.text)
            token_lists.append(texts[pid].tokens)
        else:
            token_lists.append(())
    keys = compute_keys(token_lists, settings)
    lap("keys")
    result.indexed = len(todo)
    result.keys = index.insert_keys(con, todo, keys, [len(t) for t in token_lists], run_id)
    lap("insert_keys")

    # 2. candidates
    with_keys = [(pid, k) for pid, k in zip(todo, keys) if len(k)]
    pairs = index.find_candidates(con, [p for p, _ in with_keys], [k for _, k in with_keys], settings.max_candidates)
    result.candidates = len(pairs)
    lap("candidates")
    others = {pid for pair in pairs for pid in pair} - rows.keys()
    rows.update(index.load_paragraphs(con, others))
    lap("load_candidates")

    # 3. verify
    matches = []
    for a, b in sorted(pairs):
        ra, rb = rows.get(a), rows.get(b)
        if ra is None or rb is None or not (ra.is_current and rb.is_current):
            continue
        if ra.doc_key == rb.doc_key and ra.document_id != rb.document_id:
            continue  # another version of the same document is not a copy
        for pid, row in ((a, ra), (b, rb)):
            if pid not in texts:
                texts[pid] = MatchText.of(row.text)
        verdict = compare(texts[a], texts[b], settings, same_exact_text=ra.match_hash == rb.match_hash)
        if verdict is not None:
            matches.append(Match(a, b, verdict))
    lap("verify")

    # 4. direct and write
    involved = {pid for m in matches for pid in (m.a, m.b)}
    current = index.load_current_links(con, involved)
    missing = {link.duplicate_of for link in current.values()} - rows.keys()
    rows.update(index.load_paragraphs(con, missing))
    placements = {pid: row.placement for pid, row in rows.items()}
    new, replaced = decide_links(matches, placements, current)
    index.write_links(con, new, replaced, NEAR_DEDUP_VERSION, run_id)
    result.links_new, result.links_replaced = len(new), len(replaced)
    lap("links")
    return result


def rebuild_index(con, settings: DedupSettings, run_id: int, chunk: int = 20_000) -> NearResult:
    """Recompute every key with ``settings`` (after an index parameter changed) and re-link in id order.

    Existing links are kept and only ever move to earlier copies, so a rebuild never loses a link; pairs the
    new parameters find are added. Runs in the caller's transaction.
    """
    index.clear_index(con, settings, run_id)
    total = NearResult()
    after = -(2**63)
    while ids := index.all_paragraph_ids(con, after, chunk):
        part = dedup_batch(con, ids, settings, run_id)
        total.indexed += part.indexed
        total.keys += part.keys
        total.candidates += part.candidates
        total.links_new += part.links_new
        total.links_replaced += part.links_replaced
        after = ids[-1]
    return total
