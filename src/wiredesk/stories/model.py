"""The values of the story layer: documents in, settings, story state, assignments out.

Plain dataclasses; no I/O. All state is small and row-shaped so a store can keep it in tables
(docs/stories.md): one ``Assignment`` row per document version, its kept features as (document, feature,
weight) rows, one ``StorySummary`` row per story with its profile as (story, feature, weight) rows, and a
document-frequency row per feature.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

#: Bumped whenever ``assign`` would place the same documents differently: stored stories are then stale.
ASSIGN_VERSION = "stories-assign/3"

#: How a document came to its story: it started one, joined its nearest earlier document's, copies an
#: earlier document, kept its previous version's, or has nothing to compare (a story of its own).
METHODS = ("new", "joined", "copy", "version", "empty")


@dataclass(frozen=True)
class StoryDocument:
    """What the story layer needs of one document version.

    ``copies_of`` are earlier documents this one copies paragraphs from (near-duplicate links), most copied
    first; a syndicated copy joins their story. ``previous_version`` is the document version this one
    replaces (an updated article): it keeps that version's story while it still resembles it.
    """

    document_id: int
    text: str
    title: str | None = None
    language: str | None = None  # e.g. "en" or "de-AT", from the cleaner; guessed from stop words when None
    published_at: datetime | None = None
    outlet: str | None = None
    copies_of: tuple[int, ...] = ()
    previous_version: int | None = None


@dataclass(frozen=True)
class Settings:
    """Every knob of the story layer, with the defaults docs/stories.md explains and the evaluation tuned.

    Feature weights multiply a feature's (1 + log count) * idf by its type (the prefix before ":").
    """

    # 1. features
    stem_chars: int = 6             # content words are cut to this many letters
    title_boost: float = 2.0        # a title word counts this many times
    max_features: int = 400         # per document, most frequent first
    weights: Mapping[str, float] = field(default_factory=lambda: {"w": 1.0, "n": 1.0, "#": 1.5, "y": 1.0,
                                                                  "p": 1.0})
    # 2. stored state
    document_features: int = 200    # features kept per document for comparisons and postings (heaviest first)
    profile_size: int = 40          # features kept per story (its top terms, names, numbers)
    # 3. candidates (what the store's index join reads)
    candidate_terms: int = 15       # a document's heaviest features (by its own weights) that find candidates
    postings_per_term: int = 20     # latest documents read per candidate feature
    scored_candidates: int = 30     # candidates scored in full, the most shared candidate weight first
    window_documents: int = 100_000  # only the latest this many documents can be candidates
    window_days: float = 30.0       # ...and, when both are dated, those published at most this far apart
    # 4. decision
    threshold: float = 0.25         # cosine (after penalties) a document needs to join a story
    copy_threshold: float = 0.15    # ...and to join the story of a document it shares a duplicate paragraph with
    # penalties (1.0 = off): mild, so evidence of a different happening needs a clearly better match
    # (docs/stories.md: chosen after the full-stream run, not by the tuning search alone)
    year_penalty: float = 0.7       # similarity multiplier when the two documents' years differ
    place_penalty: float = 0.7      # ...when their places differ
    number_penalty: float = 1.0     # ...when a quantity of the same unit differs
    name_penalty: float = 0.7       # ...when each names someone the other never mentions
    anchor_penalty: float = 0.5     # ...when they share no name, city, or number of 2+ digits: wording alone


@dataclass(frozen=True)
class StoredDocument:
    """A document already assigned, as later decisions see it: its story, position and kept features.

    ``features`` are its ``document_features`` heaviest features with their type-weighted (1 + log count)
    weights; idf is applied at comparison time, with the document frequencies of that moment.
    """

    document_id: int
    story_id: int
    seq: int
    published_at: datetime | None
    features: Mapping[str, float]


@dataclass(frozen=True)
class StorySummary:
    """One story's row: size, span (arrival positions and publication times) and its top features.

    ``profile`` (the ``profile_size`` heaviest summed feature weights of its documents) says what the story
    is about for people and later stages; the decision reads only the span.
    """

    story_id: int
    n_documents: int
    first_seq: int
    last_seq: int
    first_published: datetime | None
    last_published: datetime | None
    profile: Mapping[str, float]


@dataclass(frozen=True)
class StoryState:
    """The part of the store a batch needs (or all of it, in memory).

    ``postings`` maps each candidate term of the batch to its latest ``postings_per_term`` stored holders
    (``Posting``s) within ``window_documents`` of the batch's first document, latest first; ``documents``
    holds the stored documents among the batch's candidates (``batch_candidates``) and those new documents
    copy, ``stories`` their stories. ``document_frequency`` counts assigned documents per feature (for the
    batch's features and those of the loaded documents); ``n_documents`` all assigned documents.
    """

    n_documents: int = 0
    next_story_id: int = 1
    document_frequency: Mapping[str, int] = field(default_factory=dict)
    documents: Mapping[int, StoredDocument] = field(default_factory=dict)
    stories: Mapping[int, StorySummary] = field(default_factory=dict)
    postings: Mapping[str, tuple] = field(default_factory=dict)  # feature -> Postings, latest first


@dataclass(frozen=True)
class Assignment:
    """Where one document went: its story, how (``METHODS``), the similarity that placed it, the document
    that decided it (its nearest earlier one, or the one it copies), and its arrival position."""

    document_id: int
    story_id: int
    method: str
    similarity: float
    seq: int
    matched_document_id: int | None = None


@dataclass(frozen=True)
class AssignResult:
    """What ``assign`` decided and the state rows a store must write in the same transaction.

    ``documents`` are the new documents' rows, ``stories`` every story created or changed (its full new
    row), ``df_increments`` the document-frequency change per feature.
    """

    assignments: tuple[Assignment, ...]
    documents: Mapping[int, StoredDocument]
    stories: Mapping[int, StorySummary]
    df_increments: Mapping[str, int]
    n_documents: int
    next_story_id: int
