"""What ``wiredesk stories`` and ``wiredesk status`` read of the stories: the views ``stories`` and
``document_stories``, and how much of the store has a story.

Functions over a read-only connection (``Reader`` delegates to them); the list and one story's documents come
back as relations, read when consumed. A database from before the story tables (migration 0007) has none of
this: the reads of the views say so with a ``StoreError`` that names the way out.

What it is not: what the views hold and how it is kept (``wiredesk.store.story_answers``), the stories'
state for the next batch (``wiredesk.store.stories``), or how a document joins a story (``wiredesk.stories``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

from wiredesk.domain.errors import StoreError
from wiredesk.store.sql import dict_rows, first_row, has_table

#: The columns of ``stories`` and ``story_documents`` (``wiredesk stories``, the Python API).
STORY_COLUMNS = ("story_id", "n_documents", "n_outlets", "first_seen", "last_seen", "first_outlet", "title",
                 "top_names")
STORY_DOCUMENT_COLUMNS = ("published_at", "outlet", "title", "novel_share", "method", "similarity", "document_id",
                          "url")


def has_stories(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether this database has the story tables (migration 0007 or later)."""
    return has_table(con, "story_assignments")


def documents_without_story(con: duckdb.DuckDBPyConnection) -> int:
    """Current document versions with no story (stored before stories existed: ``wiredesk stories-rebuild``)."""
    return first_row(con, "SELECT count(*) FROM documents d WHERE d.is_current AND NOT EXISTS "
                     "(SELECT 1 FROM story_assignments a WHERE a.document_id = d.document_id)")[0]


def story_versions(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Assigned document versions per story code (``derived_by``), most first."""
    return dict_rows(con, "SELECT derived_by, count(*) AS documents FROM story_assignments GROUP BY 1 ORDER BY 2 DESC")


def stories(con: duckdb.DuckDBPyConnection, since: date | None, min_outlets: int, limit: int | None
            ) -> duckdb.DuckDBPyRelation:
    """Stories with a document seen on or after ``since`` (publication, else ingestion date) and at least
    ``min_outlets`` outlets, biggest first, as a relation with ``STORY_COLUMNS``."""
    _require_stories(con)
    return con.sql(
        """
        SELECT story_id, n_documents, n_outlets, first_seen, last_seen, first_outlet, title, top_names
        FROM stories
        WHERE ($since IS NULL OR last_seen >= $since::DATE) AND n_outlets >= $min_outlets
        ORDER BY n_documents DESC, n_outlets DESC, first_seen, story_id
        LIMIT $limit
        """, params={"since": since, "min_outlets": min_outlets, "limit": limit})


def story(con: duckdb.DuckDBPyConnection, story_id: int) -> dict[str, Any] | None:
    """One row of the ``stories`` view, or None."""
    _require_stories(con)
    rows = dict_rows(con, "SELECT * FROM stories WHERE story_id = ?", [story_id])
    return rows[0] if rows else None


def story_documents(con: duckdb.DuckDBPyConnection, story_id: int) -> duckdb.DuckDBPyRelation:
    """The current documents of one story in time order (published, undated last, then arrival), with
    outlet, title and novel share, as a relation with ``STORY_DOCUMENT_COLUMNS``."""
    _require_stories(con)
    return con.sql(
        """
        SELECT d.published_at, d.source AS outlet, d.title, n.novel_share, ds.method, ds.similarity,
               d.document_id, d.url
        FROM document_stories ds
        JOIN documents d ON d.document_id = ds.document_id
        JOIN document_novelty n ON n.document_id = ds.document_id
        WHERE ds.story_id = $story_id
        ORDER BY d.published_at NULLS LAST, ds.seq
        """, params={"story_id": story_id})


def _require_stories(con: duckdb.DuckDBPyConnection) -> None:
    if not has_stories(con):
        raise StoreError("this database has no stories yet (made by an older wiredesk): the next "
                         "`wiredesk run` upgrades it; then `wiredesk stories-rebuild` assigns what is stored")
