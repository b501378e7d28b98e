"""Story storage: the state a batch's story decision reads, and the rows it writes, in the caller's transaction.

``assign_documents(con, batch, run_id)`` is the story step of a batch (``wiredesk.store.writer``, step 6) and
of a rebuild (``wiredesk.store.story_rebuild``): it reads what ``wiredesk.stories.assign`` needs for these
documents, calls it, and writes its result. The read is bounded per document, never all pairs
(docs/stories.md, "Storage"):

1. the latest ``postings_per_term`` holders of each candidate term of the batch inside the window of the
   latest ``window_documents`` arrivals: one join of the batch's terms against ``story_postings``, whose
   rows are appended in ``seq`` order so DuckDB's zone maps skip everything older than the window;
2. the stored documents among the candidates ``batch_candidates`` names, and those the batch copies or
   replaces, by primary key from ``story_assignments``; their stories from ``story_rows``;
3. the document frequencies of the features involved from ``story_df``.

Features are strings in ``story_assignments.features``; in the index tables they are 64-bit hashes
(``term_key``), which keeps the postings two integers a row. Not here: what a story is (``wiredesk.stories``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import duckdb
import numpy as np

from wiredesk.stories import (ASSIGN_VERSION, FEATURES_VERSION, AssignResult, DocFeatures, Posting, StoredDocument,
                              StoryState, StorySummary, assign, batch_candidates)
from wiredesk.stories import Settings as StorySettings
from wiredesk.stories.assignment import candidate_terms, term_weights
from wiredesk.store.sql import insert_columns

#: What derived the stored stories: the feature and the assignment code.
DERIVED_BY = f"{FEATURES_VERSION}+{ASSIGN_VERSION}"
#: Names shown per story (``story_rows.top_names``).
TOP_NAMES = 5


def term_key(feature: str) -> int:
    """The feature's key in the index tables: a signed 64-bit BLAKE2b hash (a collision only adds a candidate,
    which is then scored on the real features)."""
    return int.from_bytes(hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


class TermKeys(dict):
    """feature -> ``term_key``, hashed once per feature and call."""

    def __missing__(self, feature: str) -> int:
        key = self[feature] = term_key(feature)
        return key


def _ints(values: Iterable[int]) -> np.ndarray:
    return np.fromiter(values, dtype=np.int64)


@dataclass(frozen=True)
class StoryCounts:
    """What one story step did: documents assigned, stories started."""

    documents: int = 0
    stories_new: int = 0


# -- 1-3: the state a batch needs -------------------------------------------------------------------------


def arrival_counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """``(documents assigned so far, next story id)``: the next ``seq`` and story id."""
    return con.execute(
        "SELECT coalesce(max(seq) + 1, 0), coalesce(max(story_id) + 1, 1) FROM story_assignments").fetchone()


def read_postings(con: duckdb.DuckDBPyConnection, features: Iterable[str], keys: TermKeys, since_seq: int,
                  per_term: int) -> dict[str, tuple[Posting, ...]]:
    """Step 1: per feature, its latest ``per_term`` holders with ``seq >= since_seq``, latest first."""
    wanted = {"term": _ints(sorted({keys[f] for f in features}))}  # noqa: F841 (read by DuckDB's replacement scan)
    rows = con.execute(
        """
        WITH latest AS (
            SELECT p.term, p.seq FROM story_postings p
            WHERE p.seq >= ? AND p.term IN (SELECT term FROM wanted)
            QUALIFY row_number() OVER (PARTITION BY p.term ORDER BY p.seq DESC) <= ?
        )
        SELECT l.term, a.document_id, l.seq, a.published_at
        FROM latest l JOIN story_assignments a ON a.seq = l.seq
        ORDER BY l.term, l.seq DESC
        """, [since_seq, per_term]).fetchall()
    by_key: dict[int, list[Posting]] = {}
    for term, document_id, seq, published in rows:
        by_key.setdefault(term, []).append(Posting(document_id, seq, published))
    return {f: tuple(by_key[keys[f]]) for f in features if keys[f] in by_key}


def read_documents(con: duckdb.DuckDBPyConnection, ids: Iterable[int]) -> dict[int, StoredDocument]:
    """Step 2: assigned documents by id, with their kept features."""
    wanted = {"id": _ints(sorted(set(ids)))}  # noqa: F841
    # keys and values as two lists: Python builds the dicts 2-3x faster than DuckDB converts a MAP
    rows = con.execute(
        "SELECT document_id, story_id, seq, published_at, map_keys(features), map_values(features) "
        "FROM story_assignments WHERE document_id IN (SELECT id FROM wanted)").fetchall()
    return {r[0]: StoredDocument(r[0], r[1], r[2], r[3], dict(zip(r[4], r[5]))) for r in rows}


def read_stories(con: duckdb.DuckDBPyConnection, ids: Iterable[int]) -> dict[int, StorySummary]:
    wanted = {"id": _ints(sorted(set(ids)))}  # noqa: F841
    rows = con.execute(
        "SELECT story_id, n_documents, first_seq, last_seq, first_published, last_published, map_keys(profile), "
        "map_values(profile) FROM story_rows WHERE story_id IN (SELECT id FROM wanted)").fetchall()
    return {r[0]: StorySummary(*r[:6], dict(zip(r[6], r[7]))) for r in rows}


def read_frequencies(con: duckdb.DuckDBPyConnection, features: Iterable[str], keys: TermKeys) -> dict[str, int]:
    """Step 3: document frequency per feature (features never seen are left out)."""
    features = set(features)
    wanted = {"term": _ints(sorted({keys[f] for f in features}))}  # noqa: F841
    found = dict(con.execute("SELECT term, df FROM story_df WHERE term IN (SELECT term FROM wanted)").fetchall())
    return {f: found[keys[f]] for f in features if keys[f] in found}


def read_state(con: duckdb.DuckDBPyConnection, batch: Sequence[DocFeatures], settings: StorySettings,
               keys: TermKeys) -> StoryState:
    """What ``assign`` needs for ``batch`` (steps 1-3 of the module docstring)."""
    n, next_story_id = arrival_counts(con)
    terms = {f for doc in batch for f, _ in candidate_terms(term_weights(doc, settings), settings)}
    postings = read_postings(con, terms, keys, n - settings.window_documents, settings.postings_per_term)
    found = batch_candidates(list(batch), n, postings, settings)
    wanted = {d for pairs in found.values() for d, _ in pairs}
    wanted |= {d for doc in batch for d in doc.copies_of}
    wanted |= {doc.previous_version for doc in batch if doc.previous_version is not None}
    documents = read_documents(con, wanted)
    # scoring weighs every kept feature of a loaded document, so their frequencies are needed too
    features = {f for doc in batch for f in doc.counts} | {f for d in documents.values() for f in d.features}
    return StoryState(n_documents=n, next_story_id=next_story_id,
                      document_frequency=read_frequencies(con, features, keys), documents=documents,
                      stories=read_stories(con, {d.story_id for d in documents.values()}), postings=postings)


# -- writing what was decided -----------------------------------------------------------------------------


def top_names(profile: Mapping[str, float], n: int = TOP_NAMES) -> list[str]:
    """The heaviest names of a story's profile ("n:" features, folded), a word on its own only when it is in
    none of the full names."""
    names = sorted(((f[2:], w) for f, w in profile.items() if f.startswith("n:")), key=lambda kv: (-kv[1], kv[0]))
    inside = {word for name, _ in names if " " in name for word in name.split()}
    return [name for name, _ in names if " " in name or name not in inside][:n]


def _decided_copies(batch: Sequence[DocFeatures], stored: Iterable[int]) -> dict[int, list[int]]:
    """Each document's ``copies_of`` that had a story when it was decided (stored, or earlier in the batch):
    the evidence it was decided with, which a rebuild replays."""
    known = set(stored)
    out = {}
    for doc in batch:
        out[doc.document_id] = [d for d in doc.copies_of if d in known]
        known.add(doc.document_id)
    return out


def write_result(con: duckdb.DuckDBPyConnection, result: AssignResult, batch: Sequence[DocFeatures],
                 state: StoryState, run_id: int, keys: TermKeys) -> None:
    """Insert the assignments with their features and postings, add the document frequencies, replace the
    rows of the stories that changed."""
    copies = _decided_copies(batch, state.documents)
    stored = [result.documents[a.document_id] for a in result.assignments]
    con.execute(
        """
        INSERT INTO story_assignments (document_id, story_id, seq, method, similarity, matched_document_id, copies_of,
                                       published_at, features, derived_by, run_id)
        SELECT unnest($1::BIGINT[]), unnest($2::BIGINT[]), unnest($3::BIGINT[]), unnest($4::VARCHAR[]),
               unnest($5::DOUBLE[]), unnest($6::BIGINT[]), unnest($7::BIGINT[][]), unnest($8::TIMESTAMPTZ[]),
               map(unnest($9::VARCHAR[][]), unnest($10::DOUBLE[][])), $11, $12
        """,
        [[a.document_id for a in result.assignments], [a.story_id for a in result.assignments],
         [a.seq for a in result.assignments], [a.method for a in result.assignments],
         [a.similarity for a in result.assignments], [a.matched_document_id for a in result.assignments],
         [copies[a.document_id] for a in result.assignments], [d.published_at for d in stored],
         [list(d.features) for d in stored], [list(d.features.values()) for d in stored], DERIVED_BY, run_id])
    # postings in arrival order: their row groups stay ordered by seq (the window's zone maps)
    rows = {"term": _ints(keys[f] for d in stored for f in d.features),  # noqa: F841
            "seq": _ints(d.seq for d in stored for _ in d.features)}
    con.execute("INSERT INTO story_postings SELECT term, seq FROM rows")
    by_key: dict[int, int] = {}
    for f, k in result.df_increments.items():
        by_key[keys[f]] = by_key.get(keys[f], 0) + k
    increments = {"term": _ints(by_key), "k": _ints(by_key.values())}  # noqa: F841
    con.execute("UPDATE story_df SET df = story_df.df + i.k FROM increments i WHERE story_df.term = i.term")
    con.execute("INSERT INTO story_df SELECT i.term, i.k FROM increments i ANTI JOIN story_df d ON d.term = i.term")
    changed = sorted(result.stories)
    con.execute("DELETE FROM story_rows WHERE story_id IN (SELECT unnest(?::BIGINT[]))", [changed])
    rows_ = [result.stories[s] for s in changed]
    con.execute(
        """
        INSERT INTO story_rows (story_id, n_documents, first_seq, last_seq, first_published, last_published, profile,
                                top_names, derived_by, run_id)
        SELECT unnest($1::BIGINT[]), unnest($2::INTEGER[]), unnest($3::BIGINT[]), unnest($4::BIGINT[]),
               unnest($5::TIMESTAMPTZ[]), unnest($6::TIMESTAMPTZ[]),
               map(unnest($7::VARCHAR[][]), unnest($8::DOUBLE[][])), unnest($9::VARCHAR[][]), $10, $11
        """,
        [changed, [s.n_documents for s in rows_], [s.first_seq for s in rows_], [s.last_seq for s in rows_],
         [s.first_published for s in rows_], [s.last_published for s in rows_],
         [list(s.profile) for s in rows_], [list(s.profile.values()) for s in rows_],
         [top_names(s.profile) for s in rows_], DERIVED_BY, run_id])


def assign_documents(con: duckdb.DuckDBPyConnection, batch: Sequence[DocFeatures], run_id: int,
                     settings: StorySettings | None = None) -> StoryCounts:
    """The story step: decide the stories of ``batch`` (in its order) against everything stored, and write
    them. The documents' ``copies_of`` and ``previous_version`` must be filled (``copied_documents``,
    ``previous_versions``)."""
    if not batch:
        return StoryCounts()
    settings = settings or StorySettings()
    keys = TermKeys()
    state = read_state(con, batch, settings, keys)
    result = assign(batch, state, settings)
    write_result(con, result, batch, state, run_id, keys)
    return StoryCounts(len(result.assignments), result.next_story_id - state.next_story_id)


# -- the evidence the store holds for a document: copies and previous versions --------------------------------


def copied_documents(con: duckdb.DuckDBPyConnection, paragraphs: Mapping[int, int]) -> dict[int, tuple[int, ...]]:
    """For the documents owning ``paragraphs`` (paragraph id -> document id), the other documents they share
    an exact or near duplicate link with (either direction), most shared links first (ties: lower id)."""
    if not paragraphs:
        return {}
    mine = {"paragraph_id": _ints(paragraphs), "document_id": _ints(paragraphs.values())}  # noqa: F841
    rows = con.execute(
        """
        WITH linked AS (
            SELECT m.document_id, l.duplicate_of AS other FROM duplicates l JOIN mine m ON m.paragraph_id = l.paragraph_id
            WHERE l.kind IN ('exact', 'near')
            UNION ALL
            SELECT m.document_id, l.paragraph_id FROM duplicates l JOIN mine m ON m.paragraph_id = l.duplicate_of
            WHERE l.kind IN ('exact', 'near')
        )
        SELECT k.document_id, p.document_id AS other, count(*) AS n
        FROM linked k JOIN paragraphs p ON p.paragraph_id = k.other
        WHERE p.document_id <> k.document_id
        GROUP BY ALL ORDER BY k.document_id, n DESC, other
        """).fetchall()
    out: dict[int, list[int]] = {}
    for document_id, other, _ in rows:
        out.setdefault(document_id, []).append(other)
    return {d: tuple(o) for d, o in out.items()}


def paragraphs_of(con: duckdb.DuckDBPyConnection, document_ids: Sequence[int]) -> dict[int, int]:
    """paragraph id -> document id of the given documents' paragraphs."""
    docs = {"id": _ints(document_ids)}  # noqa: F841
    return dict(con.execute(
        "SELECT paragraph_id, document_id FROM paragraphs WHERE document_id IN (SELECT id FROM docs)").fetchall())


def previous_versions(con: duckdb.DuckDBPyConnection, document_ids: Sequence[int]) -> dict[int, int]:
    """document id -> the id of the version it replaced (same ``doc_key``, version one lower), where there is one."""
    docs = {"id": _ints(document_ids)}  # noqa: F841
    return dict(con.execute(
        """
        SELECT d.document_id, p.document_id FROM documents d
        JOIN documents p ON p.doc_key = d.doc_key AND p.version = d.version - 1
        WHERE d.document_id IN (SELECT id FROM docs)
        """).fetchall())


def stories_of(con: duckdb.DuckDBPyConnection, document_ids: Iterable[int]) -> dict[int, int]:
    """document id -> story id, for those of ``document_ids`` that have one (in the caller's transaction, a
    batch's new versions have theirs once the story step ran)."""
    docs = {"id": _ints(sorted(set(document_ids)))}  # noqa: F841
    return dict(con.execute(
        "SELECT document_id, story_id FROM story_assignments WHERE document_id IN (SELECT id FROM docs)").fetchall())
