"""Stories rebuild: every story decided again from scratch, as a run (``wiredesk stories-rebuild``).

A run like any other (``wiredesk.pipeline.run``: the lock, ``runs.kind = 'stories-rebuild'``, the finish):
the store replays every document version in its arrival order through the story features of its stored
text (``stages.story_document`` values, extracted here with the run's place index) and the story decision,
in one transaction (``wiredesk.store.story_rebuild``). Needed after the story code changed, after a
``reprocess`` changed texts, and once on a database made before stories existed.

Why a command of its own and not part of ``reprocess``: a story depends on every document that arrived
before it, so re-deciding some documents (``reprocess --since``) would have to re-decide every later one;
like the near-duplicate index (``dedup-rebuild``), stories are rebuilt whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wiredesk.domain.errors import StoreError
from wiredesk.domain.settings import Settings
from wiredesk.pipeline.run import locked, running
from wiredesk.pipeline.stages import open_store
from wiredesk.stories import DocFeatures, StoryDocument, extract_features, load_place_index
from wiredesk.stories import Settings as StorySettings


@dataclass
class StoriesRebuildSummary:
    """What a rebuild did (the run lifecycle fills ``run_id``, ``status``, ``error`` and ``seconds``)."""

    db_path: str
    run_id: int = -1
    status: str = "running"
    error: str | None = None
    seconds: float = 0.0
    documents: int = 0
    stories: int = 0
    documents_moved: int = 0  # current documents whose story changed
    events_written: int = 0   # events written when those documents' events were grouped again
    event_candidates_cut: int = 0  # candidates the grouping's block size cut then (runs.event_candidates_cut)


def run_stories_rebuild(settings: Settings, *, chunk: int = 2000,
                        progress: Callable[[int, int], None] | None = None,
                        story_settings: StorySettings | None = None) -> StoriesRebuildSummary:
    """Rebuild every story of ``settings.db_path`` (module docstring); ``progress(done, total)`` per chunk;
    ``story_settings`` replace the story layer's defaults (what a run uses) for this rebuild."""
    if not Path(settings.db_path).is_file():  # Store.open would create an empty one
        raise StoreError(f"no database at {settings.db_path} (run `wiredesk run` first, or pass --db)")
    summary = StoriesRebuildSummary(settings.db_path)
    places = load_place_index()
    story_settings = story_settings or StorySettings()

    def featurize(docs: list[StoryDocument]) -> list[DocFeatures]:
        return [extract_features(d, story_settings, places) for d in docs]

    # never while a run adds documents; it is a run of its own (runs.kind)
    with locked(settings, "stories-rebuild") as lock, running(settings, lock, summary, ["stories-rebuild"],
                                                              kind="stories-rebuild") as run:
        with open_store(settings) as store:
            counts = store.rebuild_stories(featurize, run.run_id, chunk=chunk, progress=progress,
                                           window_days=settings.events.group_window_days,
                                           story_settings=story_settings)
    summary.documents, summary.stories = counts.documents, counts.stories_new
    summary.documents_moved, summary.events_written = counts.documents_moved, counts.events_written
    summary.event_candidates_cut = counts.event_candidates_cut
    return summary
