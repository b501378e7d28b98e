"""Rebuilding every story from scratch: each document version replayed through the current story code in the
order it arrived, in the caller's one transaction (``Store.rebuild_stories``; ``wiredesk stories-rebuild``).

The replay order is the stored arrival order (``story_assignments.seq``), then the versions that never got a
story (a database from before stories) by ``document_id``. Each version is given the copy evidence it was
decided with when it arrived (``story_assignments.copies_of``; for a version never assigned, the duplicate
links stored now) and the version it replaced, and its features are extracted again from its stored title,
text, language, date and outlet by the caller's ``featurize``. So with the same code the rebuild writes the
same stories the incremental runs wrote, id for id (tests/integration/test_stories.py); with new code or
settings it writes what incremental runs of that code would have written.

Superseded versions are replayed too: the stories of their successors depended on them.

Events group using stories (``wiredesk.events.group``), so afterwards the events of the current documents whose
story changed (or that had none) are grouped again through the events' own entry point
(``wiredesk.store.events.regroup_events``: those documents, the documents near them in time, and whole events
they touch), in the same transaction: the events are then those grouped with the stories just decided.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import duckdb
import numpy as np

from wiredesk.store.event_neighbours import refresh_mention_keys
from wiredesk.store.events import regroup_events_counted, store_event_stories
from wiredesk.store.stories import assign_documents, copied_documents, paragraphs_of, previous_versions
from wiredesk.store.story_answers import recount_stories
from wiredesk.stories import DocFeatures, StoryDocument
from wiredesk.stories import Settings as StorySettings

Featurize = Callable[[list[StoryDocument]], list[DocFeatures]]


@dataclass(frozen=True)
class RebuildCounts:
    """What a rebuild did: versions assigned, stories started, current documents whose story changed, and
    events written when their events were grouped again (and the candidates the block size cut then)."""

    documents: int = 0
    stories_new: int = 0
    documents_moved: int = 0
    events_written: int = 0
    event_candidates_cut: int = 0  # what the block size cut when those events were grouped again


def replay_order(con: duckdb.DuckDBPyConnection) -> list[tuple[int, list[int] | None]]:
    """``(document_id, recorded copies_of or None when never assigned)`` of every version, in replay order."""
    return con.execute(
        "SELECT d.document_id, a.copies_of FROM documents d LEFT JOIN story_assignments a USING (document_id) "
        "ORDER BY a.seq NULLS LAST, d.document_id").fetchall()


def clear_stories(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM story_assignments")
    con.execute("DELETE FROM story_postings")
    con.execute("DELETE FROM story_df")
    con.execute("DELETE FROM story_rows")


def load_story_documents(con: duckdb.DuckDBPyConnection, ids: Sequence[int]) -> dict[int, StoryDocument]:
    """The stored values the story layer reads, per document version (``pipeline.stages.story_document``
    reads the same ones from an article)."""
    docs = {"id": np.asarray(ids, dtype=np.int64)}  # noqa: F841 (read by DuckDB's replacement scan)
    rows = con.execute(
        "SELECT document_id, text, title, language, published_at, source FROM documents "
        "WHERE document_id IN (SELECT id FROM docs)").fetchall()
    return {r[0]: StoryDocument(r[0], r[1], title=r[2], language=r[3], published_at=r[4], outlet=r[5]) for r in rows}


def current_stories(con: duckdb.DuckDBPyConnection) -> dict[int, int]:
    """document id -> story id of the current document versions that have one."""
    return dict(con.execute(
        "SELECT a.document_id, a.story_id FROM story_assignments a JOIN documents d USING (document_id) "
        "WHERE d.is_current").fetchall())


def moved_documents(con: duckdb.DuckDBPyConnection, before: dict[int, int]) -> list[int]:
    """Current documents whose story is not the one they had in ``before`` (or that had none), as partitions:
    a story renumbered but holding the same documents moves nobody."""
    after = current_stories(con)

    def members(stories: dict[int, int]) -> dict[int, frozenset[int]]:
        groups: dict[int, set[int]] = {}
        for d, s in stories.items():
            groups.setdefault(s, set()).add(d)
        return {d: frozenset(groups[s]) for d, s in stories.items()}

    old, new = members(before), members(after)
    return sorted(d for d in after if old.get(d) != new[d])


def rebuild_stories(con: duckdb.DuckDBPyConnection, featurize: Featurize, run_id: int, chunk: int = 2000,
                    progress: Callable[[int, int], None] | None = None, window_days: int = 30,
                    settings: StorySettings | None = None) -> RebuildCounts:
    """Delete every story and replay every document version (module docstring), ``chunk`` at a time, decided
    with ``settings`` (the story layer's defaults when None); then group again the events of the documents
    whose story changed (``window_days``: the grouping gap)."""
    order = replay_order(con)
    before = current_stories(con)
    clear_stories(con)
    documents = stories = 0
    for start in range(0, len(order), chunk):
        part = order[start:start + chunk]
        ids = [d for d, _ in part]
        stored = load_story_documents(con, ids)
        previous = previous_versions(con, ids)
        never = [d for d, copies in part if copies is None]
        linked = copied_documents(con, paragraphs_of(con, never)) if never else {}
        batch = [replace(stored[d], copies_of=tuple(copies) if copies is not None else linked.get(d, ()),
                         previous_version=previous.get(d)) for d, copies in part]
        done = assign_documents(con, featurize(batch), run_id, settings)
        documents, stories = documents + done.documents, stories + done.stories_new
        if progress is not None:
            progress(start + len(part), len(order))
    moved = moved_documents(con, before)
    # the story is part of a mention's stored blocking keys: those of every document whose story id changed
    after = current_stories(con)
    refresh_mention_keys(con, [d for d in before.keys() | after.keys() if before.get(d) != after.get(d)])
    # only mentions carry a story into the grouping: a moved document without mentions changes no event
    with_mentions = [d for (d,) in con.execute(
        "SELECT DISTINCT document_id FROM event_mention_rows WHERE document_id IN (SELECT unnest(?::BIGINT[])) "
        "ORDER BY 1", [moved]).fetchall()] if moved else []
    regrouped = regroup_events_counted(con, run_id, with_mentions, [], window_days) if with_mentions else None
    # every event's stored story and every story's stored answers follow the rebuilt ones (ids may be
    # renumbered where no document moved)
    store_event_stories(con)
    recount_stories(con)
    return RebuildCounts(documents, stories, len(moved), regrouped.events if regrouped else 0,
                         regrouped.cut if regrouped else 0)
