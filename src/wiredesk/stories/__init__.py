"""Stories: every report of one real-world happening, across outlets, over everything ever ingested.

A pure package: documents' text in, story decisions and row-shaped state out. It reads no database, runs
no model and starts no flow (storage, CLI and API live elsewhere; design in docs/stories.md).

- ``extract_features`` (features.py): cheap typed features of a document (words, names, numbers, years,
  places), no parse;
- ``assign`` (assignment.py): each new document joins a story or starts one, incrementally and reproducibly;
- ``MemoryStoryStore`` (memory.py): the in-memory reference of the store's side;
- ``load_place_index`` (places.py): the offline gazetteer the features use.
"""

from wiredesk.stories.assignment import Posting, assign, batch_candidates, conflicts, similarity
from wiredesk.stories.features import FEATURES_VERSION, DocFeatures, extract_features
from wiredesk.stories.memory import MemoryStoryStore
from wiredesk.stories.model import (ASSIGN_VERSION, Assignment, AssignResult, Settings, StoryDocument, StoredDocument,
                                    StoryState, StorySummary)
from wiredesk.stories.places import PlaceIndex, load_place_index

__all__ = [
    "ASSIGN_VERSION", "FEATURES_VERSION", "Assignment", "AssignResult", "DocFeatures", "MemoryStoryStore",
    "PlaceIndex", "Posting", "Settings", "StoredDocument", "StoryDocument", "StoryState", "StorySummary", "assign",
    "batch_candidates", "conflicts", "extract_features", "load_place_index", "similarity",
]
