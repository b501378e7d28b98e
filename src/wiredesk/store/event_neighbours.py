"""Which stored mentions a batch's mentions can be grouped with, found by a look-up of stored blocking keys.

A stored mention can join an event with a batch's mention only through a blocking key they share
(``wiredesk.events.group``: place, day, named actor or target, death toll, a name in the sentence, trigger
on the publication day, story, near-duplicate paragraph). Each mention's keys are computed once, in SQL, as
the same text ``wiredesk.events.group.block_key_texts`` gives (``tests/integration/events/test_neighbours.py``
compares them on stored mentions), and stored in ``event_mention_keys`` with the mention, its document, class
and publication time, when the mention is written (``store_mention_keys``). A batch then joins the keys its
mentions look up with that table, within the time window, and cuts each key to the ``block_size`` nearest in
publication time: it reads the key rows, never the mentions' sentences, and reloads only what shares a key
with it; the cut is counted (``runs.event_candidates_cut``).

The table holds the keys of the current mentions that can join an event (``wiredesk.events.group.groupable``:
told as happened, not statements; the others never join, so their keys would be rows nobody reads), kept right
where what they derive from
changes: a superseded version's keys go (``forget_mention_keys``, from ``wiredesk.store.events``), reprocess
replaces the keys of the mentions it replaces and of the documents it re-dates, ``wiredesk stories-rebuild``
those of the documents whose story id changed (``refresh_mention_keys``). ``event_key_index`` records which
key rules made them (``KEYS_VERSION``: a digest of the key SQL and the lexicon tables it reads); when the code
makes other keys, the next regrouping computes every key again (``ensure_mention_keys``), once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from wiredesk.events.evidence import name_fillers, trigger_families
from wiredesk.events.group import UNGROUPED
from wiredesk.events.model import UNREALISED

#: The blocking keys of stored mentions (``{filter}``: a constant condition on ``m`` and ``d``), as the text of
#: ``wiredesk.events.group._block_keys``, parts joined by chr(31). $families/$lemmas: ``trigger_families()``,
#: $filler: ``name_fillers()``.
_KEYS = """
SELECT mention_id, t, document_id, c AS event_class, published_at, list_distinct(list_concat(
    ['para' || s || doc_key || s || paragraph_position],
    CASE WHEN place_name IS NOT NULL THEN ['place' || s || c || s || lower(place_name)] ELSE [] END,
    CASE WHEN date_start IS NULL THEN []
         WHEN date_precision IN ('day', 'week') THEN list_transform(
             generate_series(date_start::TIMESTAMP, date_end::TIMESTAMP, INTERVAL 1 DAY),
             lambda x: 'day' || s || c || s || strftime(x, '%Y-%m-%d'))
         ELSE ['coarse' || s || c || s || year(date_start)] END,
    CASE WHEN actor_name IS NOT NULL AND actor_named THEN list_transform(
        CASE WHEN len(actor_words) > 0 THEN actor_words ELSE [lower(actor_name)] END,
        lambda w: 'who' || s || c || s || w) ELSE [] END,
    CASE WHEN target_name IS NOT NULL AND target_named THEN list_transform(
        CASE WHEN len(target_words) > 0 THEN target_words ELSE [lower(target_name)] END,
        lambda w: 'who' || s || c || s || w) ELSE [] END,
    CASE WHEN killed IS NOT NULL THEN ['killed' || s || c || s || killed] ELSE [] END,
    list_transform(list_filter(list_transform(range(2, len(tok) + 1),
        lambda i: CASE WHEN regexp_matches(tok[i - 1], '[a-z0-9,;:)"\u201d]$')
                  THEN regexp_extract(tok[i], '^[A-Z][a-z][A-Za-z''-]+') ELSE '' END), lambda n: n <> ''),
        lambda n: 'name' || s || c || s || '@' || lower(n)),
    ['lemma' || s || c || s || family || s || strftime(pubday, '%Y-%m-%d')],
    CASE WHEN story_id IS NOT NULL THEN ['story' || s || c || s || story_id || s || family] ELSE [] END,
    CASE WHEN story_id IS NOT NULL AND coalesce(cameo, '') <> '' AND NOT ends_with(cameo, '0')
         THEN ['story' || s || c || s || story_id || s || cameo] ELSE [] END)) AS keys
FROM (SELECT *, coalesce($families[list_position($lemmas, lemma)], lemma) AS family
      FROM (SELECT m.mention_id, m.document_id, d.published_at, chr(31) AS s, d.doc_key, m.paragraph_position, m.event_class AS c, m.place_name,
                   m.date_start, m.date_end, m.date_precision, m.actor_name, m.actor_named, m.target_name,
                   m.target_named, m.killed, m.cameo, a.story_id, string_split(m.sentence, ' ') AS tok,
                   epoch(coalesce(d.published_at, TIMESTAMPTZ '1970-01-01 00:00:00+00')) AS t,
                   coalesce(d.published_at::DATE, DATE '1970-01-01') AS pubday,
                   coalesce(nullif(m.trigger_lemma, ''), rtrim(lower(m.trigger), 's')) AS lemma,
                   list_filter(regexp_extract_all(lower(m.actor_name), '[a-z0-9]+'),
                               lambda w: NOT list_contains($filler, w)) AS actor_words,
                   list_filter(regexp_extract_all(lower(m.target_name), '[a-z0-9]+'),
                               lambda w: NOT list_contains($filler, w)) AS target_words
            FROM event_mention_rows m JOIN documents d USING (document_id)
            LEFT JOIN story_assignments a ON a.document_id = m.document_id
            WHERE {filter}))
"""

#: The stored keys of mentions near the batch in time (or undated), of the batch's classes, not of the batch's
#: documents (``event_mention_keys`` holds only current, groupable mentions); those sharing a looked-up key,
#: ranked per key by distance in time to the batch's mentions with that key (then the latest stored first).
_NEIGHBOURS = """
WITH b AS (SELECT unnest($keys::VARCHAR[]) AS key, unnest($t_lo::DOUBLE[]) AS t_lo, unnest($t_hi::DOUBLE[]) AS t_hi),
     s AS (SELECT key, mention_id, epoch(coalesce(published_at, TIMESTAMPTZ '1970-01-01 00:00:00+00')) AS t
           FROM event_mention_keys
           WHERE event_class IN (SELECT unnest($classes::VARCHAR[]))
             AND NOT document_id IN (SELECT unnest($documents::BIGINT[]))
             AND (published_at BETWEEN $lo AND $hi OR published_at IS NULL OR $undated)),
     j AS (SELECT s.mention_id, row_number() OVER (PARTITION BY s.key ORDER BY greatest(b.t_lo - s.t, s.t - b.t_hi, 0),
                                                   s.mention_id DESC) AS r
           FROM s JOIN b USING (key))
SELECT coalesce(list(DISTINCT mention_id) FILTER (WHERE r <= $cap), []), count(*) FILTER (WHERE r > $cap) FROM j
"""
_SOME_KEYS = _KEYS.format(filter="m.mention_id IN (SELECT unnest($ids::BIGINT[]))")
#: Which stored mentions have keys: current ones that can join an event (``groupable``, in SQL: not negated, no
#: modality of $unrealised, no class of $ungrouped).
_GROUPABLE = ("d.is_current AND NOT coalesce(m.negated, false) AND NOT list_contains($unrealised, "
              "coalesce(m.modality, '')) AND NOT list_contains($ungrouped, m.event_class)")
#: The keys of the current, groupable mentions of some documents, stored.
_STORE_KEYS = """
INSERT INTO event_mention_keys (key, mention_id, document_id, event_class, published_at)
SELECT unnest(keys), mention_id, document_id, event_class, published_at FROM ({keys})
""".format(keys=_KEYS.format(filter="m.document_id IN (SELECT unnest($documents::BIGINT[])) AND " + _GROUPABLE))
_STORE_ALL_KEYS = """
INSERT INTO event_mention_keys (key, mention_id, document_id, event_class, published_at)
SELECT unnest(keys), mention_id, document_id, event_class, published_at FROM ({keys}) ORDER BY published_at, mention_id
""".format(keys=_KEYS.format(filter=_GROUPABLE))


@dataclass(frozen=True)
class Neighbours:
    """The stored mentions found (ids), and how many more shared a key beyond the ``block_size`` nearest."""

    mention_ids: list[int]
    cut: int


def _tables() -> dict:  # the lexicon's tables the key SQL reads
    families = trigger_families()
    lemmas = sorted(families)
    return {"lemmas": lemmas, "families": [families[k] for k in lemmas], "filler": sorted(name_fillers())}


def _groupable() -> dict:  # what ``_GROUPABLE`` reads: ``groupable`` as lists
    return {"unrealised": sorted(UNREALISED), "ungrouped": sorted(UNGROUPED)}


def stored_block_keys(con: duckdb.DuckDBPyConnection, mention_ids: Iterable[int]) -> dict[int, set[str]]:
    """The blocking keys of stored mentions as the store computes them (``block_key_texts`` in SQL)."""
    rows = con.execute(_SOME_KEYS, {"ids": sorted(set(mention_ids)), **_tables()}).fetchall()
    return {r[0]: set(r[-1]) for r in rows}


def find_neighbours(con: duckdb.DuckDBPyConnection, lookups: dict[str, tuple[float, float]], classes: Sequence[str],
                    document_ids: Sequence[int], published: tuple[datetime | None, datetime | None, bool],
                    window_days: int, block_size: int) -> Neighbours:
    """Stored mentions of current documents, of ``classes``, within ``window_days`` of the batch's publication
    times ``published`` = (earliest, latest, any undated), outside ``document_ids``, that share one of the
    ``lookups`` (key text -> the batch's earliest and latest publication time with it, epoch seconds): per
    key the ``block_size`` nearest in time."""
    if not lookups or not classes:
        return Neighbours([], 0)
    lo, hi, undated = published
    w = timedelta(days=window_days)
    keys = sorted(lookups)
    ids, cut = con.execute(_NEIGHBOURS, {
        "keys": keys, "t_lo": [lookups[k][0] for k in keys], "t_hi": [lookups[k][1] for k in keys],
        "cap": block_size, "classes": sorted(set(classes)), "documents": sorted(set(document_ids)),
        "lo": lo - w if lo is not None else None, "hi": hi + w if hi is not None else None,
        "undated": bool(undated or lo is None)}).fetchone()
    return Neighbours(sorted(ids), int(cut))


def keys_version() -> str:
    """A digest of what makes the stored keys: the key SQL, which mentions have keys, and the tables they read
    (a store whose keys were made otherwise has them all computed again by its next regrouping)."""
    text = _KEYS + _GROUPABLE + json.dumps({**_tables(), **_groupable()}, sort_keys=True)
    return "keys/" + hashlib.sha1(text.encode()).hexdigest()[:12]


def store_mention_keys(con: duckdb.DuckDBPyConnection, document_ids: Iterable[int]) -> None:
    """Store the keys of the current, groupable mentions of these documents (their mentions just written)."""
    docs = sorted(set(document_ids))
    if docs:
        con.execute(_STORE_KEYS, {"documents": docs, **_tables(), **_groupable()})


def forget_mention_keys(con: duckdb.DuckDBPyConnection, document_ids: Iterable[int]) -> None:
    """Drop the stored keys of these documents' mentions (a superseded version, mentions about to be replaced)."""
    docs = sorted(set(document_ids))
    if docs:
        con.execute("DELETE FROM event_mention_keys WHERE document_id IN (SELECT unnest(?::BIGINT[]))", [docs])


def refresh_mention_keys(con: duckdb.DuckDBPyConnection, document_ids: Iterable[int]) -> None:
    """Compute again the keys of these documents' mentions (their date, outlet or story changed)."""
    docs = sorted(set(document_ids))
    forget_mention_keys(con, docs)
    store_mention_keys(con, docs)


def rebuild_mention_keys(con: duckdb.DuckDBPyConnection) -> None:
    """Every stored key computed again, in publication order, by the current key rules (the migration's
    backfill, and the first regrouping after the rules change)."""
    con.execute("DELETE FROM event_mention_keys")
    con.execute(_STORE_ALL_KEYS, {**_tables(), **_groupable()})
    con.execute("DELETE FROM event_key_index")
    con.execute("INSERT INTO event_key_index (version) VALUES (?)", [keys_version()])


def ensure_mention_keys(con: duckdb.DuckDBPyConnection) -> bool:
    """Rebuild the stored keys when other key rules made them; whether it did."""
    if con.execute("SELECT version FROM event_key_index").fetchall() == [(keys_version(),)]:
        return False
    rebuild_mention_keys(con)
    return True
