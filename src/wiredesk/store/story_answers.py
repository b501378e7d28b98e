"""What the ``stories`` view shows, stored per story (``story_answers``, migration 0015) and recounted in the
caller's transaction for the stories that changed: a whole-store question over ``stories`` reads one row per
story instead of aggregating every current document of the store.

A story changes when a document joins it or leaves it (a new version decided into another story, the old
version no longer current), when a document of it is re-derived (title, source, date or text by
``wiredesk reprocess``), when its ``story_rows`` (top names) are rewritten, and on ``wiredesk stories-rebuild``.
The writer, reprocess and the rebuild call ``recount_stories`` for those; the definition is the view's
before this table existed (tests/integration/test_stored_story_answers.py compares them). Also each
document's first line (``documents.lead_line``), which a story without any title shows.

What ``story_outlets`` shows is stored per story and outlet (``story_outlet_answers``, migration 0017) and
recounted with the story's row, and when the novelty counts of a document of the story change
(``wiredesk.store.clusters``): a new batch, a reprocess, ``wiredesk dedup-rebuild``, removed links.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from wiredesk.store.sql import id_table

_RECOUNT = """
INSERT INTO story_answers
SELECT ds.story_id,
       coalesce(arg_min(d.title, (d.published_at IS NULL, d.published_at, ds.seq)) FILTER (WHERE d.title IS NOT NULL),
                arg_min(d.lead_line, (d.published_at IS NULL, d.published_at, ds.seq))),
       min(d.published_at), max(d.published_at),
       min(coalesce(d.published_at, d.ingested_at)), max(coalesce(d.published_at, d.ingested_at)),
       count(*), count(DISTINCT coalesce(d.source, d.doc_key)),
       arg_min(d.source, (d.published_at IS NULL, d.published_at, ds.seq)),
       arg_min(d.document_id, (d.published_at IS NULL, d.published_at, ds.seq)),
       count(*) FILTER (WHERE ds.method = 'copy'),
       any_value(r.top_names)
FROM document_stories ds
JOIN documents d ON d.document_id = ds.document_id
LEFT JOIN story_rows r ON r.story_id = ds.story_id
WHERE {scope}
GROUP BY ds.story_id
"""
_RECOUNT_SOME = _RECOUNT.format(scope="ds.story_id IN (SELECT id FROM wanted)")
_RECOUNT_ALL = _RECOUNT.format(scope="true")

# story_outlets as migration 0007 defined it, over the stored novelty counts and story rows
_OUTLETS = """
INSERT INTO story_outlet_answers
SELECT ds.story_id, d.source, min(d.published_at), min(coalesce(d.published_at, d.ingested_at)), count(*),
       arg_min(d.document_id, (d.published_at IS NULL, d.published_at, ds.seq)),
       bool_or(d.document_id = s.first_document_id),
       count(*) FILTER (WHERE ds.method = 'copy'),
       coalesce(sum(n.n_chars), 0), coalesce(sum(n.n_novel_chars), 0)
FROM document_stories ds
JOIN documents d ON d.document_id = ds.document_id
JOIN story_answers s ON s.story_id = ds.story_id
LEFT JOIN document_novelty_rows n ON n.document_id = ds.document_id
WHERE {scope}
GROUP BY ds.story_id, d.source
"""
_OUTLETS_SOME = _OUTLETS.format(scope="ds.story_id IN (SELECT id FROM wanted)")
_OUTLETS_ALL = _OUTLETS.format(scope="true")


def recount_stories(con: duckdb.DuckDBPyConnection, story_ids: Iterable[int] | None = None, *,
                    outlets: bool = True) -> None:
    """Store again what ``stories`` shows for these stories (``None``: every story), and what
    ``story_outlets`` shows (``outlets=False``: not; only migration 0015's backfill, before that table)."""
    if story_ids is None:
        con.execute("DELETE FROM story_answers")
        con.execute(_RECOUNT_ALL)
    else:
        story_ids = list(story_ids)
        wanted = id_table(story_ids)
        if not len(wanted["id"]):
            return
        con.execute("DELETE FROM story_answers WHERE story_id IN (SELECT id FROM wanted)")
        con.execute(_RECOUNT_SOME)
    if outlets:
        recount_story_outlets(con, story_ids)


def recount_story_outlets(con: duckdb.DuckDBPyConnection, story_ids: Iterable[int] | None = None) -> None:
    """Store again what ``story_outlets`` shows for these stories (``None``: every story), from their rows in
    ``story_answers`` and their documents' ``document_novelty_rows``: after either changed."""
    if story_ids is None:
        con.execute("DELETE FROM story_outlet_answers")
        con.execute(_OUTLETS_ALL)
        return
    wanted = id_table(story_ids)  # noqa: F841 (DuckDB's replacement scan)
    if not len(wanted["id"]):
        return
    con.execute("DELETE FROM story_outlet_answers WHERE story_id IN (SELECT id FROM wanted)")
    con.execute(_OUTLETS_SOME)


def recount_outlets_of(con: duckdb.DuckDBPyConnection, document_ids: Iterable[int]) -> None:
    """``recount_story_outlets`` for the stories of these document versions (their novelty counts changed)."""
    recount_story_outlets(con, stories_touched(con, document_ids))


def stories_touched(con: duckdb.DuckDBPyConnection, document_ids: Iterable[int]) -> list[int]:
    """The stories these document versions are assigned to (current or not)."""
    docs = id_table(document_ids)  # noqa: F841 (DuckDB's replacement scan)
    return [r[0] for r in con.execute(
        "SELECT DISTINCT story_id FROM story_assignments WHERE document_id IN (SELECT id FROM docs)").fetchall()]


_LEAD_LINE = "UPDATE documents SET lead_line = left(split_part(trim(text), chr(10), 1), 100)"


def set_lead_lines(con: duckdb.DuckDBPyConnection, document_ids: list[int] | None = None) -> None:
    """Store the first line of these documents' text (up to 100 characters; ``None``: every document): what
    the ``stories`` view shows for a story none of whose documents has a title, stored so the view never
    reads every whole text."""
    if document_ids is None:
        con.execute(_LEAD_LINE)
    else:
        con.execute(_LEAD_LINE + " WHERE document_id IN (SELECT unnest(?::BIGINT[]))", [document_ids])
