"""The counts the ``entities`` view shows, stored per entity in ``entity_rows`` over the current document
versions (migration ``stored_view_answers``), with, per entity and outlet, how many current documents mention it
in ``entity_outlets`` (migration ``entity_outlets``), kept right in the writer's transaction.

A batch of new versions changes them by what its documents add and what the versions they supersede take
away: ``add_entity_counts`` reads only the mentions of those documents, the rows of the entities they mention and
the ``entity_outlets`` rows of the (entity, outlet) pairs they touch (a key look-up: an upsert on the table's
primary key), so its cost does not grow with the store, nor with the number of outlets an entity has.
``num_sources`` (distinct outlets) changes by the pairs that reach or leave zero documents.
``first_seen``/``last_seen`` follow by least/greatest; when a superseded version held an entity's earliest or
latest date and nothing the batch adds reaches it, that entity alone is counted again from its mentions
(``count_entities``: it reads every mention of the entity).

``count_entities`` counts entities again from every one of their mentions: reprocess (which may re-date,
re-source or re-mention any document), the migration's backfill and the fallback above.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import numpy as np

# per entity, from the mentions in current documents, grouped by outlet first (a document has one outlet)
_PER_OUTLET = """
SELECT em.entity_id, d.source, count(*) AS n_mentions, count(DISTINCT d.document_id) AS n_documents,
       min(d.published_at) AS first_seen, max(d.published_at) AS last_seen
FROM entity_mention_rows em JOIN documents d ON d.document_id = em.document_id AND d.is_current
WHERE em.entity_id IN (SELECT unnest(?::BIGINT[]))
GROUP BY em.entity_id, d.source
"""
_COUNT = f"""
UPDATE entity_rows SET num_mentions = a.num_mentions, num_documents = a.num_documents,
       num_sources = a.num_sources, first_seen = a.first_seen, last_seen = a.last_seen
FROM (SELECT e.id AS entity_id, coalesce(sum(s.n_mentions), 0) AS num_mentions,
             coalesce(sum(s.n_documents), 0) AS num_documents, count(s.source) AS num_sources,
             min(s.first_seen) AS first_seen, max(s.last_seen) AS last_seen
      FROM (SELECT unnest(?::BIGINT[]) AS id) e
      LEFT JOIN ({_PER_OUTLET}) s ON s.entity_id = e.id
      GROUP BY e.id) a
WHERE entity_rows.entity_id = a.entity_id
"""
_COUNT_OUTLETS = f"""
INSERT INTO entity_outlets (entity_id, source, n_documents)
SELECT entity_id, source, n_documents FROM ({_PER_OUTLET}) WHERE source IS NOT NULL
"""

# what the given documents contribute, per entity and outlet: +1 for the added ones, -1 for the removed ones
_DELTA = """
SELECT em.entity_id, d.source, c.sign, count(*), count(DISTINCT d.document_id), epoch_us(min(d.published_at)),
       epoch_us(max(d.published_at))
FROM entity_mention_rows em
JOIN documents d ON d.document_id = em.document_id
JOIN (SELECT unnest(?::BIGINT[]) AS document_id, unnest(?::INTEGER[]) AS sign) c ON c.document_id = d.document_id
WHERE em.document_id IN (SELECT unnest(?::BIGINT[]))
GROUP BY em.entity_id, d.source, c.sign
"""
_STATE = """
SELECT entity_id, num_mentions, num_documents, num_sources, epoch_us(first_seen), epoch_us(last_seen)
FROM entity_rows WHERE entity_id IN (SELECT unnest(?::BIGINT[]))
"""
# each touched (entity, outlet) pair changed by its documents' net change (``pairs``: numpy columns, DuckDB's
# replacement scan), a count below zero taken as zero (as if its row had been deleted); the new counts come back
_ADD_OUTLETS = """
INSERT INTO entity_outlets (entity_id, source, n_documents) SELECT entity_id, source, n_documents FROM pairs
ON CONFLICT (entity_id, source) DO UPDATE SET n_documents = greatest(entity_outlets.n_documents, 0) + excluded.n_documents
RETURNING entity_id, source, n_documents
"""
# the new values, from ``counts`` (numpy columns); times in microseconds since the epoch, NULL as $none
_SET = """
UPDATE entity_rows SET num_mentions = u.num_mentions, num_documents = u.num_documents, num_sources = u.num_sources,
       first_seen = timezone('UTC', make_timestamp(nullif(u.first_seen, $none))),
       last_seen = timezone('UTC', make_timestamp(nullif(u.last_seen, $none)))
FROM counts u
WHERE entity_rows.entity_id = u.entity_id
"""
#: Stands for NULL in the int64 columns handed to DuckDB.
_NONE = np.iinfo(np.int64).min


def entities_of(con, document_ids: Sequence[int]) -> set[int]:
    """The entities these documents mention (read before their mentions are replaced, to recount them after)."""
    return {r[0] for r in con.execute(
        "SELECT DISTINCT entity_id FROM entity_mention_rows WHERE document_id IN (SELECT unnest(?::BIGINT[]))",
        [list(document_ids)]).fetchall()}


def count_entities(con, document_ids: Sequence[int], entity_ids: Sequence[int] = ()) -> int:
    """Count again, from every one of their mentions in current document versions, the entities these
    documents mention and ``entity_ids``; returns the entities counted. Reads every mention of those entities
    (and every ``entity_outlets`` row, to replace theirs): for reprocess and repairs; a batch of new versions uses
    ``add_entity_counts``."""
    ids = sorted(entities_of(con, document_ids) | set(entity_ids))
    if ids:
        con.execute(_COUNT, [ids, ids])
        con.execute("DELETE FROM entity_outlets WHERE entity_id IN (SELECT unnest(?::BIGINT[]))", [ids])
        con.execute(_COUNT_OUTLETS, [ids])
    return len(ids)


def recount_all_entities(con: duckdb.DuckDBPyConnection) -> None:
    """``count_entities`` for every entity (the ``entity_outlets`` migration's backfill)."""
    count_entities(con, [], [r[0] for r in con.execute("SELECT entity_id FROM entity_rows").fetchall()])


def add_entity_counts(con, added: Sequence[int], removed: Sequence[int]) -> int:
    """Change the stored counts by what the mentions of ``added`` documents (current versions new in this
    batch) bring and those of ``removed`` ones (versions current before the batch, superseded by it) take
    away; returns the entities changed. A document in both, or an added one that is not current, counts for
    neither (it was never counted and is not now)."""
    added_set, removed_set = set(added), set(removed)
    current = {r[0] for r in con.execute(
        "SELECT document_id FROM documents WHERE is_current AND document_id IN (SELECT unnest(?::BIGINT[]))",
        [sorted(added_set)]).fetchall()} if added_set else set()
    signs = {d: 1 for d in current - removed_set} | {d: -1 for d in removed_set - added_set - current}
    if not signs:
        return 0
    docs = sorted(signs)
    delta: dict[int, list] = {}
    for entity, source, sign, mentions, documents, first, last in con.execute(
            _DELTA, [docs, [signs[d] for d in docs], docs]).fetchall():
        delta.setdefault(entity, []).append((source, sign, mentions, documents, first, last))
    if not delta:
        return 0
    rows: dict[int, list] = {}
    outlets: dict[tuple[int, str], int] = {}
    again = []
    for entity, n_mentions, n_documents, n_sources, first, last in con.execute(
            _STATE, [sorted(delta)]).fetchall():
        gained = [x for x in delta[entity] if x[1] > 0]
        lost = [x for x in delta[entity] if x[1] < 0]
        gained_first, gained_last = _least([x[4] for x in gained]), _greatest([x[5] for x in gained])
        lost_first, lost_last = _least([x[4] for x in lost]), _greatest([x[5] for x in lost])
        # a removed document held the earliest (latest) date and nothing added reaches it: count this one again
        if (_held(lost_first, first, gained_first, later=False)
                or _held(lost_last, last, gained_last, later=True)):
            again.append(entity)
            continue
        for source, sign, mentions, documents, _, _ in delta[entity]:
            n_mentions += sign * mentions
            n_documents += sign * documents
            if source is not None:
                outlets[entity, source] = outlets.get((entity, source), 0) + sign * documents
        new_first, new_last = _least([first, gained_first]), _greatest([last, gained_last])
        if n_documents <= 0:
            new_first = new_last = None
        rows[entity] = [entity, n_mentions, n_documents, n_sources, _NONE if new_first is None else new_first,
                        _NONE if new_last is None else new_last]
    changed = {pair: n for pair, n in outlets.items() if n}
    if changed:
        _add_outlets(con, changed, rows)
    if rows:
        counts = {name: np.asarray(col, dtype=np.int64) for name, col in zip(  # noqa: F841 (replacement scan)
            ("entity_id", "num_mentions", "num_documents", "num_sources", "first_seen", "last_seen"),
            zip(*rows.values()))}
        con.execute(_SET, {"none": int(_NONE)})
    if again:
        count_entities(con, [], again)
    return len(delta)


def _add_outlets(con, changed: dict[tuple[int, str], int], rows: dict[int, list]) -> None:
    """Change the ``entity_outlets`` rows of ``changed`` pairs by their net change in documents, and each
    entity's ``num_sources`` (column 3 of its ``rows`` entry) by the pairs that reached or left zero."""
    keys = sorted(changed)
    pairs = {"entity_id": np.asarray([e for e, _ in keys], dtype=np.int64),  # noqa: F841 (replacement scan)
             "source": np.asarray([s for _, s in keys], dtype=object),
             "n_documents": np.asarray([changed[k] for k in keys], dtype=np.int64)}
    emptied = []
    for entity, source, n in con.execute(_ADD_OUTLETS).fetchall():
        before = n - changed[entity, source]  # what the row held (0: no row, or below zero)
        rows[entity][3] += (n > 0) - (before > 0)
        if n <= 0:
            emptied.append((entity, source))
    if emptied:
        con.execute("DELETE FROM entity_outlets WHERE n_documents <= 0 AND entity_id IN (SELECT unnest(?::BIGINT[]))",
                    [sorted({e for e, _ in emptied})])


def _held(lost, stored, gained, *, later: bool) -> bool:
    """Whether the removed documents' earliest (``later``: latest) date may have been the entity's only one
    at ``stored``, so that what remains cannot be told without reading its mentions."""
    if lost is None:
        return False
    if stored is None or (lost > stored if later else lost < stored):
        return True  # out of step with the stored value: count again
    if lost != stored:
        return False  # a document that is not removed holds the stored date
    return gained is None or (gained < lost if later else gained > lost)


def _least(values):
    values = [v for v in values if v is not None]
    return min(values) if values else None


def _greatest(values):
    values = [v for v in values if v is not None]
    return max(values) if values else None
