"""An in-memory story store: the reference for what a database-backed one must answer. No I/O.

``MemoryStoryStore.snapshot(batch)`` returns the ``StoryState`` a batch needs, exactly as the DuckDB store
will read it (docs/stories.md): the latest stored postings of the batch's candidate terms, the kept
features and stories of the stored documents among the batch's candidates (``batch_candidates``) and of
those the batch copies or replaces, and the document frequencies of every feature involved. ``apply`` writes
an ``AssignResult`` back. Evaluation and tests use it.
"""

from __future__ import annotations

from collections.abc import Sequence

from wiredesk.stories.assignment import Posting, assign, batch_candidates, candidate_terms, term_weights
from wiredesk.stories.features import DocFeatures
from wiredesk.stories.model import Assignment, AssignResult, Settings, StoredDocument, StoryState, StorySummary


class MemoryStoryStore:
    """All story state in dictionaries: documents, stories, postings (feature -> documents, in arrival
    order) and document frequencies."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.n_documents = 0
        self.next_story_id = 1
        self.df: dict[str, int] = {}
        self.documents: dict[int, StoredDocument] = {}
        self.stories: dict[int, StorySummary] = {}
        self.postings: dict[str, list[Posting]] = {}
        self.assignments: list[Assignment] = []

    def snapshot(self, batch: Sequence[DocFeatures]) -> StoryState:
        """What ``assign`` needs for ``batch``, read as the store's index join would read it."""
        settings = self.settings
        n = self.n_documents
        # 1. postings of the batch's candidate terms: latest postings_per_term stored holders in the window
        terms = {f for doc in batch for f, _ in candidate_terms(term_weights(doc, settings), settings)}
        postings = {}
        for f in terms:
            latest = []
            for p in reversed(self.postings.get(f, ())):
                if n - p.seq > settings.window_documents or len(latest) >= settings.postings_per_term:
                    break
                latest.append(p)
            if latest:
                postings[f] = tuple(latest)
        # 2. the stored documents among the candidates, and those copied: their features and stories
        found = batch_candidates(list(batch), n, postings, settings)
        needed = {d for pairs in found.values() for d, _ in pairs if d in self.documents}
        needed |= {d for doc in batch for d in doc.copies_of if d in self.documents}
        needed |= {doc.previous_version for doc in batch if doc.previous_version in self.documents}
        documents = {d: self.documents[d] for d in needed}
        # scoring weighs every kept feature of a loaded document, so their frequencies are needed too
        features = {f for doc in batch for f in doc.counts} | {f for d in documents.values() for f in d.features}
        return StoryState(
            n_documents=n, next_story_id=self.next_story_id,
            document_frequency={f: self.df[f] for f in features if f in self.df},
            documents=documents, stories={d.story_id: self.stories[d.story_id] for d in documents.values()},
            postings=postings)

    def apply(self, result: AssignResult) -> None:
        """Write what ``assign`` decided (one transaction's worth of rows)."""
        for a in result.assignments:  # arrival order, so postings stay in arrival order
            stored = result.documents[a.document_id]
            self.documents[a.document_id] = stored
            for f in stored.features:
                self.postings.setdefault(f, []).append(Posting(stored.document_id, stored.seq, stored.published_at))
        self.stories.update(result.stories)
        for f, k in result.df_increments.items():
            self.df[f] = self.df.get(f, 0) + k
        self.assignments.extend(result.assignments)
        self.n_documents = result.n_documents
        self.next_story_id = result.next_story_id

    def add(self, batch: Sequence[DocFeatures]) -> AssignResult:
        """Assign one batch against the current state and apply it."""
        batch = list(batch)
        result = assign(batch, self.snapshot(batch), self.settings)
        self.apply(result)
        return result

    def story_of(self, document_id: int) -> int:
        return self.documents[document_id].story_id
