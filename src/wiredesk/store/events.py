"""Event storage: extracted mentions and entities of new document versions, and the events they form.

Called only by the writers (``wiredesk.store.writer`` and ``wiredesk.store.rederive``), inside the batch's
transaction, so documents, their mentions and the regrouped events commit together or not at all. Deciding
what is an event is ``wiredesk.events.regroup`` (pure); this module only reads the rows it needs, calls it,
and writes the result.

Regrouping is incremental and bounded: the batch's mentions, the stored mentions of current documents
published within ``window_days`` of the batch's documents that share a blocking key with them (at most
``block_size`` per key, the nearest in time: ``wiredesk.store.event_neighbours``), and every mention of the
events those belong to are grouped again and their events rewritten. Event ids derive from an event's earliest mention
(``doc_key`` + offset), so they survive reruns and new versions of other documents.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from wiredesk.events.evidence import published
from wiredesk.events.group import GROUPING_VERSION, GroupingSettings, groupable, lookup_key_texts
from wiredesk.events.model import Actor, DateRef, EntityMention, EventMention, Extraction, Place
from wiredesk.events.regroup import regroup
from wiredesk.store.event_neighbours import (Neighbours, ensure_mention_keys, find_neighbours, forget_mention_keys,
                                             store_mention_keys)
from wiredesk.store.sql import insert_columns
from wiredesk.store.stories import stories_of

MENTION_COLUMNS = {
    "mention_id": "BIGINT", "document_id": "BIGINT", "paragraph_position": "INTEGER", "sentence_index": "INTEGER",
    "sentence": "VARCHAR", "sentence_start": "INTEGER", "sentence_end": "INTEGER", "trigger": "VARCHAR",
    "trigger_lemma": "VARCHAR", "trigger_start": "INTEGER", "trigger_end": "INTEGER", "event_class": "VARCHAR",
    "cameo": "VARCHAR", "actor_name": "VARCHAR", "actor_text": "VARCHAR", "actor_kind": "VARCHAR",
    "actor_country": "VARCHAR", "actor_named": "BOOLEAN", "actor_resolved_from": "INTEGER",
    "target_name": "VARCHAR", "target_text": "VARCHAR", "target_kind": "VARCHAR", "target_country": "VARCHAR",
    "target_named": "BOOLEAN", "target_resolved_from": "INTEGER", "place_name": "VARCHAR", "place_text": "VARCHAR",
    "place_country": "VARCHAR", "place_feature": "VARCHAR", "place_latitude": "DOUBLE", "place_longitude": "DOUBLE",
    "place_geonameid": "BIGINT", "place_start": "INTEGER", "place_end": "INTEGER", "date_start": "DATE",
    "date_end": "DATE", "date_precision": "VARCHAR", "date_text": "VARCHAR", "killed": "INTEGER",
    "wounded": "INTEGER", "crowd": "INTEGER", "negated": "BOOLEAN", "modality": "VARCHAR", "confidence": "DOUBLE",
    "event_id": "VARCHAR", "extractor": "VARCHAR", "run_id": "BIGINT",
}
_EVENT_COLUMNS = {
    "event_id": "VARCHAR", "event_class": "VARCHAR", "cameo": "VARCHAR", "actor_name": "VARCHAR",
    "actor_kind": "VARCHAR", "actor_country": "VARCHAR", "target_name": "VARCHAR", "target_kind": "VARCHAR",
    "target_country": "VARCHAR", "place_name": "VARCHAR", "place_country": "VARCHAR", "place_feature": "VARCHAR",
    "place_latitude": "DOUBLE", "place_longitude": "DOUBLE", "date_start": "DATE", "date_end": "DATE",
    "date_precision": "VARCHAR", "killed": "INTEGER", "wounded": "INTEGER", "crowd": "INTEGER",
    "num_mentions": "INTEGER", "num_documents": "INTEGER", "num_sources": "INTEGER", "first_seen": "TIMESTAMPTZ",
    "last_seen": "TIMESTAMPTZ", "confidence": "DOUBLE", "grouped_by": "VARCHAR", "run_id": "BIGINT",
}


def _insert(con, table: str, columns: dict[str, str], rows: dict[str, list]) -> None:
    insert_columns(con, table, {k: (columns[k], rows[k]) for k in columns})


def mention_values(m: EventMention) -> dict:
    a, t, p, d = m.actor, m.target, m.place, m.date
    return {
        "paragraph_position": m.paragraph_position, "sentence_index": m.sentence_index, "sentence": m.sentence,
        "sentence_start": m.sentence_start, "sentence_end": m.sentence_end, "trigger": m.trigger,
        "trigger_lemma": m.trigger_lemma, "trigger_start": m.trigger_start, "trigger_end": m.trigger_end,
        "event_class": m.event_class, "cameo": m.cameo,
        "actor_name": a and a.name, "actor_text": a and a.text, "actor_kind": a and a.kind,
        "actor_country": a and a.country, "actor_named": a and a.named, "actor_resolved_from": a and a.resolved_from,
        "target_name": t and t.name, "target_text": t and t.text, "target_kind": t and t.kind,
        "target_country": t and t.country, "target_named": t and t.named,
        "target_resolved_from": t and t.resolved_from,
        "place_name": p and p.name, "place_text": p and p.text, "place_country": p and p.country,
        "place_feature": p and p.feature, "place_latitude": p and p.latitude, "place_longitude": p and p.longitude,
        "place_geonameid": p and p.geonameid, "place_start": p and p.start, "place_end": p and p.end,
        "date_start": d.start, "date_end": d.end, "date_precision": d.precision, "date_text": d.text or None,
        "killed": m.killed, "wounded": m.wounded, "crowd": m.crowd, "negated": m.negated, "modality": m.modality,
        "confidence": m.confidence,
    }


def store_extractions(con: duckdb.DuckDBPyConnection, run_id: int, doc_ids: dict[str, int],
                      extractions: Sequence[Extraction]) -> int:
    """Insert the mentions and entity mentions of the documents just stored (``doc_key → document_id``);
    extractions of documents not stored in this batch (unchanged content) are ignored. Returns the number
    of mentions inserted."""
    wanted = _one_per_stored(doc_ids, extractions)
    if not wanted:
        return 0
    next_id = con.execute("SELECT coalesce(max(mention_id), 0) + 1 FROM event_mention_rows").fetchone()[0]
    rows: dict[str, list] = {k: [] for k in MENTION_COLUMNS}
    for x in wanted:
        for m in x.mentions:
            values = mention_values(m)
            values.update(mention_id=next_id, document_id=doc_ids[x.doc_key], event_id=None, extractor=x.extractor,
                          run_id=run_id)
            next_id += 1
            for k in MENTION_COLUMNS:
                rows[k].append(values[k])
    _insert(con, "event_mention_rows", MENTION_COLUMNS, rows)
    store_mention_keys(con, [doc_ids[x.doc_key] for x in wanted])  # their blocking keys (event_neighbours)
    _store_entities(con, run_id, doc_ids, wanted)
    return len(rows["mention_id"])


def _one_per_stored(doc_ids: dict[str, int], extractions: Sequence[Extraction]) -> list[Extraction]:
    """One extraction per stored document: when two items of a batch share a doc_key, the later version is
    stored (and so is its extraction); extractions of documents not stored are left out."""
    return list({x.doc_key: x for x in extractions if x.doc_key in doc_ids}.values())


def skipped_languages(doc_ids: dict[str, int], extractions: Sequence[Extraction]) -> Counter:
    """How many of the documents just stored (``doc_key → document_id``) were not read for events, by
    base language ("de", "unknown"): the run's ``event_documents_skipped``. The same one extraction per
    stored document as ``store_extractions``."""
    return Counter(x.language or "unknown" for x in _one_per_stored(doc_ids, extractions) if x.skipped == "language")


def skipped_pages(doc_ids: dict[str, int], extractions: Sequence[Extraction]) -> Counter:
    """How many of the documents just stored were not read for events because the page-kind gate found they
    report no news, by its reason ("type Recipe", "url /wiki/", "text: addressed to the reader"): the run's
    ``event_documents_not_news`` (``wiredesk.events.pagekind``). The same one extraction per stored document."""
    return Counter(x.skip_reason or "page" for x in _one_per_stored(doc_ids, extractions) if x.skipped == "page")


def _store_entities(con, run_id: int, doc_ids: dict[str, int], extractions: Sequence[Extraction]) -> None:
    found: dict[tuple, tuple] = {}
    for x in extractions:
        for e in x.entities:
            found.setdefault((e.label, e.name, e.country), (e.kind,))
    if not found:
        return
    keys = sorted(found, key=lambda k: (k[0], k[1], k[2] or ""))
    known = {
        (label, name, country): eid
        for eid, label, name, country in con.execute(
            "SELECT entity_id, label, name, country FROM entity_rows WHERE name IN (SELECT unnest(?::VARCHAR[]))",
            [sorted({k[1] for k in keys})],
        ).fetchall()
    }
    next_id = con.execute("SELECT coalesce(max(entity_id), 0) + 1 FROM entity_rows").fetchone()[0]
    new = [k for k in keys if k not in known]
    for k in new:
        known[k] = next_id
        next_id += 1
    insert_columns(con, "entity_rows", {
        "entity_id": ("BIGINT", [known[k] for k in new]), "label": ("VARCHAR", [k[0] for k in new]),
        "name": ("VARCHAR", [k[1] for k in new]), "country": ("VARCHAR", [k[2] for k in new]),
        "kind": ("VARCHAR", [found[k][0] for k in new]),
    })
    ems = [(doc_ids[x.doc_key], e, x.extractor) for x in extractions for e in x.entities]
    insert_columns(con, "entity_mention_rows", {
        "entity_id": ("BIGINT", [known[(e.label, e.name, e.country)] for _, e, _ in ems]),
        "document_id": ("BIGINT", [d for d, _, _ in ems]), "text": ("VARCHAR", [e.text for _, e, _ in ems]),
        "start_offset": ("INTEGER", [e.start for _, e, _ in ems]), "end_offset": ("INTEGER", [e.end for _, e, _ in ems]),
        "extractor": ("VARCHAR", [x for _, _, x in ems]), "run_id": ("BIGINT", [run_id] * len(ems)),
    })


def _actor(name, text, kind, country, named, resolved) -> Actor | None:
    if name is None:
        return None
    return Actor(text or name, name, kind, country, 0, 0, resolved_from=resolved, named=bool(named))


_LOAD = """
SELECT m.mention_id, d.doc_key, d.source, d.published_at, m.sentence_index, m.sentence, m.sentence_start,
       m.sentence_end, m.trigger, m.trigger_start, m.trigger_end, m.event_class, m.cameo,
       m.actor_name, m.actor_text, m.actor_kind, m.actor_country, m.actor_named, m.actor_resolved_from,
       m.target_name, m.target_text, m.target_kind, m.target_country, m.target_named, m.target_resolved_from,
       m.place_name, m.place_text, m.place_country, m.place_latitude, m.place_longitude, m.place_feature,
       m.place_geonameid, m.date_start, m.date_end, m.date_precision, m.date_text, m.killed, m.wounded, m.crowd,
       m.negated, m.modality, m.confidence, m.paragraph_position, m.trigger_lemma, m.event_id, m.document_id
FROM event_mention_rows m JOIN documents d USING (document_id)
WHERE d.is_current AND ({where})
"""


#: The near-duplicate links between paragraphs of some documents (``_LINKS_WITHIN``) or from or to them
#: (``_LINKS_TOUCHING``), as ``(doc_key, position)`` pairs: the documents' paragraphs first, then their links, so
#: that no join reads every link of the store against every paragraph (a filter on either end of a joined link
#: did: 74 ms at 1M stored paragraphs, 28 ms this way).
_LINKS = """
WITH p AS (SELECT paragraph_id FROM paragraphs WHERE document_id IN (SELECT unnest(?::BIGINT[]))),
     l AS ({links})
SELECT da.doc_key, pa.position, db.doc_key, pb.position FROM l
JOIN paragraphs pa ON pa.paragraph_id = l.paragraph_id JOIN documents da ON da.document_id = pa.document_id
JOIN paragraphs pb ON pb.paragraph_id = l.duplicate_of JOIN documents db ON db.document_id = pb.document_id
"""
_LINKS_WITHIN = _LINKS.format(links="SELECT paragraph_id, duplicate_of FROM duplicates WHERE paragraph_id IN "
                                    "(SELECT paragraph_id FROM p) AND duplicate_of IN (SELECT paragraph_id FROM p)")
_LINKS_TOUCHING = _LINKS.format(links="SELECT paragraph_id, duplicate_of FROM duplicates WHERE paragraph_id IN "
                                      "(SELECT paragraph_id FROM p) UNION SELECT paragraph_id, duplicate_of "
                                      "FROM duplicates WHERE duplicate_of IN (SELECT paragraph_id FROM p)")


def _to_mention(r) -> EventMention:
    place = None
    if r[25] is not None:
        place = Place(r[26] or r[25], r[25], r[27], r[28], r[29], r[30], r[31], 0, 0)
    return EventMention(
        doc_key=r[1], source=r[2], published_at=r[3], sentence_index=r[4], sentence=r[5], sentence_start=r[6],
        sentence_end=r[7], trigger=r[8], trigger_start=r[9], trigger_end=r[10], event_class=r[11], cameo=r[12],
        actor=_actor(*r[13:19]), target=_actor(*r[19:25]), place=place,
        date=DateRef(r[32], r[33], r[34], r[35] or ""), killed=r[36], wounded=r[37], crowd=r[38], negated=r[39],
        modality=r[40], confidence=r[41], paragraph_position=r[42], trigger_lemma=r[43])


def stored_mentions(con: duckdb.DuckDBPyConnection, mention_ids: Sequence[int]) -> dict[int, tuple[int, EventMention]]:
    """Stored mentions of current documents as grouping reads them: mention id -> (document id, mention)."""
    rows = con.execute(_LOAD.format(where="m.mention_id IN (SELECT unnest(?::BIGINT[]))"), [sorted(mention_ids)])
    return {r[0]: (r[45], _to_mention(r)) for r in rows.fetchall()}


def regroup_events(con: duckdb.DuckDBPyConnection, run_id: int, document_ids: Sequence[int],
                   superseded: Sequence[int], window_days: int) -> int:
    """Group again the mentions near these documents in time and rewrite their events. Returns the number
    of events written."""
    return regroup_events_counted(con, run_id, document_ids, superseded, window_days).events


@dataclass(frozen=True)
class RegroupCounts:
    """What one regrouping wrote: events, and the stored mentions and events not compared because a block
    held more than ``block_size`` (``GroupingSettings``): those the reload left out, and those grouping cut."""

    events: int = 0
    cut: int = 0


def regroup_events_counted(con: duckdb.DuckDBPyConnection, run_id: int, document_ids: Sequence[int],
                           superseded: Sequence[int], window_days: int,
                           block_size: int = GroupingSettings.block_size) -> RegroupCounts:
    """``regroup_events``, with what the block size cut."""
    touched = list(document_ids) + list(superseded)
    if not touched:
        return RegroupCounts()
    # 1. the old events of superseded versions lose those mentions
    old_ids = {r[0] for r in con.execute(
        "SELECT DISTINCT event_id FROM event_mention_rows WHERE event_id IS NOT NULL "
        "AND document_id IN (SELECT unnest(?::BIGINT[]))", [touched]).fetchall()}
    if superseded:
        con.execute("UPDATE event_mention_rows SET event_id = NULL WHERE document_id IN (SELECT unnest(?::BIGINT[]))",
                    [list(superseded)])
        forget_mention_keys(con, superseded)  # no longer current: no batch finds them
    ensure_mention_keys(con)  # once, when the key rules changed since the keys were stored
    if not document_ids and not old_ids:
        return RegroupCounts()
    # 2. the mentions to group again: the batch's, those of the events it touches, the stored mentions that share
    #    a blocking key with them near them in time (wiredesk.store.event_neighbours), and whole events
    lo, hi, any_null = con.execute(
        "SELECT min(published_at), max(published_at), bool_or(published_at IS NULL) FROM documents "
        "WHERE document_id IN (SELECT unnest(?::BIGINT[]))", [touched]).fetchone()
    clauses, params = ["m.document_id IN (SELECT unnest(?::BIGINT[]))"], [list(document_ids)]
    if old_ids:
        clauses.append("m.event_id IN (SELECT unnest(?::VARCHAR[]))")
        params.append(sorted(old_ids))
    rows = con.execute(_LOAD.format(where=" OR ".join(clauses)), params).fetchall()
    found = _neighbours(con, rows, document_ids, (lo, hi, bool(any_null)), window_days, block_size)
    loaded = {r[0] for r in rows}
    new_ids = [i for i in found.mention_ids if i not in loaded]
    if new_ids:
        rows += con.execute(_LOAD.format(where="m.mention_id IN (SELECT unnest(?::BIGINT[]))"), [new_ids]).fetchall()
    ids_in_rows = sorted({r[44] for r in rows if r[44]} - old_ids)
    if ids_in_rows:  # whole events, not parts of them
        # the mentions not loaded yet, by mention: a document can have some mentions loaded and others not
        # (an undated one outside the window), and a skipped mention would keep the id of a deleted event
        rows += con.execute(_LOAD.format(where="m.event_id IN (SELECT unnest(?::VARCHAR[])) "
                                               "AND NOT m.mention_id IN (SELECT unnest(?::BIGINT[]))"),
                            [ids_in_rows, sorted({r[0] for r in rows})]).fetchall()
        rows = list({r[0]: r for r in rows}.values())
    old_ids |= set(ids_in_rows)
    mention_of = {r[0]: _to_mention(r) for r in rows}
    docs = sorted({r[45] for r in rows})
    # 3. evidence beyond the mentions: near-identical paragraphs and the documents' named entities
    links = con.execute(_LINKS_WITHIN, [docs]).fetchall()
    entities = [EntityMention(doc_key, "", name, label, None, None, 0, 0) for doc_key, name, label in con.execute(
        "SELECT DISTINCT d.doc_key, e.name, e.label FROM entity_mention_rows em JOIN entity_rows e USING (entity_id) "
        "JOIN documents d ON d.document_id = em.document_id WHERE em.document_id IN (SELECT unnest(?::BIGINT[]))",
        [docs]).fetchall()]
    # ... and the documents' stories (the story step of this batch ran before this one)
    story_of = stories_of(con, docs)
    stories = {r[1]: story_of[r[45]] for r in rows if r[45] in story_of}
    # 4. group (pure) and rewrite
    grouped = regroup(mention_of, near_links=[((a, b), (c, e)) for a, b, c, e in links], entities=entities,
                      stories=stories, window_days=window_days, block_size=block_size)
    events = grouped.events
    new_ids = sorted(e.event_id for e in events)
    con.execute("DELETE FROM event_rows WHERE event_id IN (SELECT unnest(?::VARCHAR[]))",
                [sorted(old_ids | set(new_ids))])
    con.execute("UPDATE event_mention_rows SET event_id = NULL WHERE mention_id IN (SELECT unnest(?::BIGINT[]))",
                [sorted(mention_of)])
    pairs = grouped.assignments
    if pairs:
        con.execute(
            "UPDATE event_mention_rows SET event_id = p.event_id FROM (SELECT unnest(?::BIGINT[]) AS mention_id, "
            "unnest(?::VARCHAR[]) AS event_id) p WHERE event_mention_rows.mention_id = p.mention_id",
            [[p[0] for p in pairs], [p[1] for p in pairs]])
    rows_out: dict[str, list] = {k: [] for k in _EVENT_COLUMNS}
    for e in events:
        a, t, p, d = e.actor, e.target, e.place, e.date
        values = {
            "event_id": e.event_id, "event_class": e.event_class, "cameo": e.cameo,
            "actor_name": a and a.name, "actor_kind": a and a.kind, "actor_country": a and a.country,
            "target_name": t and t.name, "target_kind": t and t.kind, "target_country": t and t.country,
            "place_name": p and p.name, "place_country": p and p.country, "place_feature": p and p.feature,
            "place_latitude": p and p.latitude, "place_longitude": p and p.longitude,
            "date_start": d.start, "date_end": d.end, "date_precision": d.precision, "killed": e.killed,
            "wounded": e.wounded, "crowd": e.crowd, "num_mentions": e.num_mentions,
            "num_documents": e.num_documents, "num_sources": e.num_sources, "first_seen": e.first_seen,
            "last_seen": e.last_seen, "confidence": e.confidence, "grouped_by": GROUPING_VERSION, "run_id": run_id,
        }
        for k in _EVENT_COLUMNS:
            rows_out[k].append(values[k])
    _insert(con, "event_rows", _EVENT_COLUMNS, rows_out)
    store_event_stories(con, new_ids)
    return RegroupCounts(len(events), found.cut + grouped.cut)


def _neighbours(con, rows: list, document_ids: Sequence[int], times: tuple, window_days: int,
                block_size: int) -> Neighbours:
    """The stored mentions sharing a blocking key with the loaded ``rows`` (the batch's), near them in time."""
    mentions = [(r[45], _to_mention(r)) for r in rows]
    mentions = [(d, m) for d, m in mentions if groupable(m)]
    if not mentions:
        return Neighbours([], 0)
    docs = sorted({d for d, _ in mentions})
    story_of = stories_of(con, docs)
    partners: dict[tuple, list[tuple]] = {}
    for a, pa, b, pb in con.execute(_LINKS_TOUCHING, [docs]).fetchall():
        partners.setdefault((a, pa), []).append((b, pb))
        partners.setdefault((b, pb), []).append((a, pa))
    lookups: dict[str, tuple[float, float]] = {}
    for d, m in mentions:
        t = published(m).timestamp()
        for k in lookup_key_texts(m, story_of.get(d), partners.get((m.doc_key, m.paragraph_position), ())):
            lo, hi = lookups.get(k, (t, t))
            lookups[k] = (min(lo, t), max(hi, t))
    return find_neighbours(con, lookups, sorted({m.event_class for _, m in mentions}), document_ids, times,
                           window_days, block_size)


#: ``event_rows.story_id`` for the events in scope: the story holding most of their mentions' current documents.
_EVENT_STORIES = """
UPDATE event_rows SET story_id = es.story_id
FROM (SELECT e.event_id, s.story_id
      FROM (SELECT event_id FROM event_rows WHERE {events}) e
      LEFT JOIN (SELECT m.event_id, ds.story_id
                 FROM event_mention_rows m JOIN document_stories ds ON ds.document_id = m.document_id
                 WHERE m.event_id IS NOT NULL AND {mentions}
                 GROUP BY m.event_id, ds.story_id
                 QUALIFY row_number() OVER (PARTITION BY m.event_id
                                            ORDER BY count(DISTINCT m.document_id) DESC, ds.story_id) = 1
                ) s ON s.event_id = e.event_id) es
WHERE event_rows.event_id = es.event_id AND event_rows.story_id IS DISTINCT FROM es.story_id
"""
_SOME_EVENTS = _EVENT_STORIES.format(events="event_id IN (SELECT unnest($1::VARCHAR[]))",
                                     mentions="m.event_id IN (SELECT unnest($1::VARCHAR[]))")
_ALL_EVENTS = _EVENT_STORIES.format(events="true", mentions="true")


def store_event_stories(con: duckdb.DuckDBPyConnection, event_ids: Sequence[str] | None = None) -> None:
    """Store each event's story (``event_rows.story_id``, shown by the ``events`` view): the story holding most
    of its mentions' current documents, ties to the lower story id; NULL when none has a story. ``None``: every
    event (after ``wiredesk stories-rebuild``)."""
    if event_ids is None:
        con.execute(_ALL_EVENTS)
    elif event_ids:
        con.execute(_SOME_EVENTS, [sorted(event_ids)])
