"""The SQL of ``wiredesk report``: what the HTML report draws, read from the public tables and views.

Every function takes a read-only connection (``wiredesk.store.reader.Reader`` holds it and calls them), a
date window ``since``/``until`` (inclusive, either may be None) and returns plain rows (lists of dicts); the
queries are constants, the window and limits are bound. A document's day is its publication date, else the
day it was stored; an event's day is ``date_start``, else the day its first document was published; a run's
day is the day it started. What is drawn, and how, is ``wiredesk.report``: nothing here formats.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

from wiredesk.store.sql import dict_rows, has_column, has_table

Rows = list[dict[str, Any]]

#: The day a document counts on; ``d`` is ``documents``.
_DOC_DAY = "CAST(coalesce(d.published_at, d.ingested_at) AS DATE)"
_IN_WINDOW = "(CAST(? AS DATE) IS NULL OR {day} >= ?) AND (CAST(? AS DATE) IS NULL OR {day} <= ?)"
#: The day an event counts on; ``e`` is ``events``.
_EVENT_DAY = "coalesce(e.date_start, CAST(e.first_seen AS DATE))"
#: The window over current documents: the CTE every document query starts from.
_DOCS = ("WITH docs AS (SELECT d.document_id, coalesce(d.source, '(unknown)') AS source, " + _DOC_DAY + " AS day "
         "FROM documents d WHERE d.is_current AND " + _IN_WINDOW.format(day=_DOC_DAY) + ") ")


def _window(since: date | None, until: date | None) -> list:
    return [since, since, until, until]


def totals(con: duckdb.DuckDBPyConnection, since: date | None, until: date | None) -> dict[str, Any]:
    """Documents, outlets, events and runs in the window, and the whole database's first and last day."""
    w = _window(since, until)
    out = con.execute(_DOCS + "SELECT count(*), count(DISTINCT source), min(day), max(day) FROM docs", w).fetchone()
    ev = con.execute(
        "SELECT count(*) FROM events e WHERE " + _IN_WINDOW.format(day=_EVENT_DAY), w).fetchone()[0]
    runs = con.execute("SELECT count(*) FROM runs WHERE " + _IN_WINDOW.format(day="CAST(started_at AS DATE)"), w).fetchone()[0]
    all_docs = con.execute("SELECT count(*) FROM documents WHERE is_current").fetchone()[0]
    return {"documents": out[0], "outlets": out[1], "first_day": out[2], "last_day": out[3], "events": ev,
            "runs": runs, "documents_in_database": all_docs, "has_stories": has_table(con, "stories")}


def documents_by_outlet_day(con: duckdb.DuckDBPyConnection, since: date | None, until: date | None) -> Rows:
    """``source, day, documents`` of current documents."""
    return dict_rows(con, _DOCS + "SELECT source, day, count(*) AS documents FROM docs GROUP BY ALL ORDER BY day, source",
                     _window(since, until))


def stories_by_day(con: duckdb.DuckDBPyConnection, since: date | None, until: date | None, limit: int) -> Rows:
    """The ``limit`` stories with most documents in the window: ``story_id, title, n_outlets_total, day,
    documents, outlets`` per day (empty when the database has no story layer)."""
    if not has_table(con, "stories"):
        return []
    return dict_rows(con, _DOCS + """
        , top AS (SELECT ds.story_id, count(*) AS n FROM document_stories ds JOIN docs USING (document_id)
                  GROUP BY 1 ORDER BY n DESC, 1 LIMIT ?)
        SELECT t.story_id, s.title, t.n AS story_documents, s.n_outlets AS n_outlets_total, docs.day,
               count(*) AS documents, count(DISTINCT docs.source) AS outlets, string_agg(DISTINCT docs.source, ', ') AS sources
        FROM top t JOIN document_stories ds USING (story_id) JOIN docs USING (document_id) JOIN stories s USING (story_id)
        GROUP BY ALL ORDER BY t.n DESC, t.story_id, docs.day""", [*_window(since, until), limit])


def copy_edges(con: duckdb.DuckDBPyConnection, since: date | None, until: date | None) -> Rows:
    """``from_source, to_source, paragraphs``: exact and near copies whose copying document is in the
    window, from the outlet of the earliest copy to the outlet that repeated it (an outlet repeating itself
    included)."""
    return dict_rows(con, _DOCS + """
        SELECT coalesce(od.source, '(unknown)') AS from_source, docs.source AS to_source, count(*) AS paragraphs
        FROM duplicates l
        JOIN paragraphs cp ON cp.paragraph_id = l.paragraph_id
        JOIN docs ON docs.document_id = cp.document_id
        JOIN paragraphs op ON op.paragraph_id = l.duplicate_of
        JOIN documents od ON od.document_id = op.document_id
        WHERE l.kind IN ('exact', 'near') AND od.document_id <> cp.document_id
        GROUP BY ALL ORDER BY paragraphs DESC, from_source, to_source""", _window(since, until))


def novelty_by_outlet(con: duckdb.DuckDBPyConnection, since: date | None, until: date | None) -> Rows:
    """``source, documents, n_chars, n_novel_chars, novel_share`` per outlet (``document_novelty``)."""
    return dict_rows(con, _DOCS + """
        SELECT docs.source, count(*) AS documents, sum(n.n_chars)::BIGINT AS n_chars,
               sum(n.n_novel_chars)::BIGINT AS n_novel_chars,
               CASE WHEN sum(n.n_chars) > 0 THEN sum(n.n_novel_chars) / sum(n.n_chars) END AS novel_share
        FROM docs JOIN document_novelty n USING (document_id)
        GROUP BY ALL ORDER BY novel_share NULLS LAST, docs.source""", _window(since, until))


def events(con: duckdb.DuckDBPyConnection, since: date | None, until: date | None, limit: int) -> Rows:
    """The ``limit`` events in the window reported by most outlets, then mentions, with their outlets."""
    return dict_rows(con, """
        SELECT e.event_id, e.event_class, e.actor_name, e.target_name, e.place_name, e.place_country,
               e.place_latitude, e.place_longitude, e.date_start, e.date_end, e.date_precision,
               e.killed, e.wounded, e.num_mentions, e.num_documents, e.num_sources, e.confidence,
               (SELECT string_agg(DISTINCT coalesce(m.source, '(unknown)'), ', ' ORDER BY coalesce(m.source, '(unknown)'))
                FROM event_mentions m WHERE m.event_id = e.event_id) AS outlets
        FROM events e WHERE """ + _IN_WINDOW.format(day=_EVENT_DAY) + """
        ORDER BY e.num_sources DESC, e.num_mentions DESC, e.date_start DESC NULLS LAST, e.event_id LIMIT ?""",
                 [*_window(since, until), limit])


def event_places(con: duckdb.DuckDBPyConnection, since: date | None, until: date | None, limit: int) -> Rows:
    """The map's points: events in the window with coordinates, per class and place (at most ``limit``
    places, those with most events first), with how many events, mentions and outlets at most, and their days."""
    return dict_rows(con, """
        SELECT e.event_class, e.place_name, e.place_country, e.place_latitude, e.place_longitude, count(*) AS events,
               sum(e.num_mentions) AS mentions, max(e.num_sources) AS max_sources,
               min(e.date_start) AS first_day, max(e.date_end) AS last_day
        FROM events e WHERE e.place_latitude IS NOT NULL AND e.place_longitude IS NOT NULL AND """
                 + _IN_WINDOW.format(day=_EVENT_DAY) + """
        GROUP BY ALL ORDER BY events DESC, mentions DESC, 1, 2 LIMIT ?""", [*_window(since, until), limit])


def event_mentions(con: duckdb.DuckDBPyConnection, event_ids: list[str], per_event: int) -> Rows:
    """Up to ``per_event`` mentions of each event: the sentence, its trigger and document, earliest first."""
    if not event_ids:
        return []
    return dict_rows(con, """
        SELECT mention_id, event_id, coalesce(source, '(unknown)') AS source, title, published_at, sentence, trigger,
               trigger_start - sentence_start AS trigger_offset, confidence
        FROM (SELECT m.*, row_number() OVER (PARTITION BY m.event_id ORDER BY m.published_at NULLS LAST, m.mention_id) AS k
              FROM event_mentions m WHERE m.event_id IN (SELECT unnest(?::VARCHAR[])))
        WHERE k <= ? ORDER BY event_id, k""", [event_ids, per_event])


def sources_health(con: duckdb.DuckDBPyConnection) -> Rows:
    """Every followed source with its state: ``ok``, ``failing`` (with the reason) or ``disabled``."""
    return dict_rows(con, """
        SELECT source_id, name, kind, url,
               CASE WHEN disabled_reason IS NOT NULL OR NOT enabled THEN 'disabled'
                    WHEN consecutive_failures > 0 THEN 'failing' ELSE 'ok' END AS state,
               coalesce(disabled_reason, CASE WHEN consecutive_failures > 0 THEN last_error END) AS reason,
               consecutive_failures, last_status, last_success_at, next_fetch_at
        FROM sources ORDER BY CASE state WHEN 'failing' THEN 0 WHEN 'disabled' THEN 1 ELSE 2 END, name""", [])


def revisits_by_run(con: duckdb.DuckDBPyConnection, since: date | None, until: date | None, limit: int) -> Rows:
    """The newest ``limit`` runs started in the window that had revisits due, oldest first, with what their
    revisits found (empty for a database from before these counters)."""
    if not has_column(con, "runs", "revisits_dropped"):
        return []
    return dict_rows(con, """
        SELECT * FROM (
            SELECT run_id, started_at, revisits_due, revisits_done, revisits_changed, revisits_not_modified,
                   revisits_failed, revisits_done - revisits_changed - revisits_not_modified - revisits_failed AS revisits_same,
                   revisits_skipped, revisits_dropped
            FROM runs WHERE revisits_due > 0 AND """ + _IN_WINDOW.format(day="CAST(started_at AS DATE)") + """
            ORDER BY run_id DESC LIMIT ?) ORDER BY run_id""", [*_window(since, until), limit])


def site_rule_fallbacks(con: duckdb.DuckDBPyConnection, since: date | None, until: date | None) -> Rows:
    """``host, documents``: current documents of the window whose site rule's keep selectors matched nothing
    (``documents.site_rule = 'keep_unmatched'``: generic extraction), most first (empty before site rules)."""
    if not has_column(con, "documents", "site_rule"):
        return []
    return dict_rows(con, """
        SELECT coalesce(d.host, '(no host)') AS host, count(*) AS documents FROM documents d
        WHERE d.is_current AND d.site_rule = 'keep_unmatched' AND """ + _IN_WINDOW.format(day=_DOC_DAY) + """
        GROUP BY 1 ORDER BY documents DESC, host""", _window(since, until))


def fetches_by_day(con: duckdb.DuckDBPyConnection, since: date | None, until: date | None) -> Rows:
    """``source, day, requests, failed, new_items`` per followed source and day: HTTP exchanges, those
    that failed, and the documents the source's runs stored (first versions of its feed entries)."""
    w = _window(since, until)
    return dict_rows(con, """
        WITH f AS (
            SELECT s.name AS source, CAST(x.started_at AS DATE) AS day, count(*) AS requests,
                   count(*) FILTER (WHERE x.error IS NOT NULL OR x.status >= 400) AS failed
            FROM fetches x JOIN sources s USING (source_id)
            WHERE """ + _IN_WINDOW.format(day="CAST(x.started_at AS DATE)") + """ GROUP BY ALL),
        n AS (
            SELECT s.name AS source, CAST(d.ingested_at AS DATE) AS day, count(DISTINCT d.document_id) AS new_items
            FROM feed_entries fe JOIN sources s USING (source_id)
            JOIN documents d ON d.doc_key = fe.doc_key AND d.version = 1 AND d.run_id = fe.first_seen_run
            WHERE """ + _IN_WINDOW.format(day="CAST(d.ingested_at AS DATE)") + """ GROUP BY ALL)
        SELECT source, day, coalesce(f.requests, 0) AS requests, coalesce(f.failed, 0) AS failed,
               coalesce(n.new_items, 0) AS new_items
        FROM f FULL JOIN n USING (source, day) ORDER BY day, source""", [*w, *w])


def runs(con: duckdb.DuckDBPyConnection, since: date | None, until: date | None, limit: int) -> Rows:
    """The newest ``limit`` runs started in the window, oldest first, with their length and failures."""
    return dict_rows(con, """
        SELECT * FROM (
            SELECT r.run_id, r.kind, r.status, r.started_at, round(epoch(r.finished_at) - epoch(r.started_at), 2) AS seconds,
                   r.items_seen, r.documents_new, r.documents_updated, r.items_unchanged, r.items_failed,
                   r.duplicates_new, r.error,
                   (SELECT count(*) FROM failures f WHERE f.run_id = r.run_id) AS failures
            FROM runs r WHERE """ + _IN_WINDOW.format(day="CAST(r.started_at AS DATE)") + """
            ORDER BY r.run_id DESC LIMIT ?) ORDER BY run_id""", [*_window(since, until), limit])


def failure_reasons(con: duckdb.DuckDBPyConnection, since: date | None, until: date | None) -> Rows:
    """``stage, reason, failures, example`` of the failures recorded in the window, most first."""
    return dict_rows(con, """
        SELECT stage, reason, count(*) AS failures, any_value(message) AS example
        FROM failures WHERE """ + _IN_WINDOW.format(day="CAST(failed_at AS DATE)") + """
        GROUP BY ALL ORDER BY failures DESC, stage, reason""", _window(since, until))


def run_additions(con: duckdb.DuckDBPyConnection, run_id: int, limit: int) -> dict[str, Rows]:
    """What one run added: documents per outlet (new and updated versions), the events it wrote (most outlets
    first) and the copies its documents made of earlier paragraphs, per pair of outlets; ``limit`` rows each."""
    return {
        "outlets": dict_rows(con, """
            SELECT coalesce(source, '(unknown)') AS source, count(*) FILTER (WHERE version = 1) AS new,
                   count(*) FILTER (WHERE version > 1) AS updated
            FROM documents WHERE run_id = ? GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ?""", [run_id, limit]),
        "events": dict_rows(con, """
            SELECT event_class, actor_name, target_name, place_name, place_country, date_start, num_sources, num_mentions
            FROM events WHERE run_id = ?
            ORDER BY num_sources DESC, num_mentions DESC, date_start DESC NULLS LAST, event_id LIMIT ?""", [run_id, limit]),
        "copies": dict_rows(con, """
            SELECT coalesce(od.source, '(unknown)') AS from_source, coalesce(cd.source, '(unknown)') AS to_source,
                   count(*) AS paragraphs
            FROM duplicates l
            JOIN paragraphs cp ON cp.paragraph_id = l.paragraph_id JOIN documents cd ON cd.document_id = cp.document_id
            JOIN paragraphs op ON op.paragraph_id = l.duplicate_of JOIN documents od ON od.document_id = op.document_id
            WHERE l.run_id = ? AND l.kind IN ('exact', 'near') AND od.document_id <> cd.document_id
            GROUP BY ALL ORDER BY paragraphs DESC, 1, 2 LIMIT ?""", [run_id, limit]),
    }
