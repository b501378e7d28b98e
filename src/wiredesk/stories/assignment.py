"""Incremental story assignment: each new document joins an existing story or starts one. Pure.

``assign(features, state, settings)`` reads only its arguments and returns the decisions plus the state rows
to write; it never re-clusters what is stored. Documents are decided one after another in the given order,
each seeing the state the previous ones left (documents, stories, document frequencies), so the same
documents in the same order give the same stories whether they come in one batch or in many: a reprocess
reproduces the incremental runs that built the store.

For one document:
0. it replaces an earlier version of itself (an updated article): that version's story (``version``) when
   it still resembles it (similarity reaching ``threshold``) or has no features; otherwise it is decided
   afresh below, like any new document (a page whose address now holds another article);
1. no features (empty text, nothing analysable): a story of its own (method ``empty``);
2. it copies an earlier document (near-duplicate paragraph links), resembles it at least ``copy_threshold``
   (a lower bar than ``threshold``) and no evidence conflicts (step 4's kinds): that document's story
   (``copy``); a copy that resembles it less or conflicts (stock sentences shared by reports of different
   happenings) is decided below;
3. candidates are earlier documents holding one of its ``candidate_terms`` heaviest features (by its own
   weights, so the choice does not depend on the store): per feature the latest ``postings_per_term``
   holders among the latest ``window_documents`` documents, those published more than ``window_days``
   apart dropped when both are dated; the ``scored_candidates`` sharing the most candidate weight are
   scored in full (``candidates_for``; ``batch_candidates`` tells a store which ones to load);
4. score = cosine of tf-idf vectors (new document vs candidate document), multiplied by a penalty for each
   kind of evidence on which the two disagree (different years, places, key names, or quantities of one
   unit: look-alike happenings) and when they share no name, city or number at all (only the wording every
   report of a kind uses);
5. the best score reaching ``threshold`` joins that document's story (``joined``); else a new story starts.

Comparing with single earlier documents rather than a story centroid keeps a story's distinct details
(names, numbers) sharp: on ECB+ the centroid variant mixed look-alike happenings more and found less of
each (docs/stories.md, "What was tried").
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import chain

from wiredesk.stories.features import DocFeatures
from wiredesk.stories.model import (Assignment, AssignResult, Settings, StoredDocument, StoryState,
                                    StorySummary)
from wiredesk.stories.text import NAME_CONNECTORS


class _Overlay:
    """The stored state plus what this batch has changed so far (the only mutable thing, local to a call)."""

    def __init__(self, state: StoryState) -> None:
        self.state = state
        self.n = state.n_documents
        self.next_story_id = state.next_story_id
        self.df: Counter[str] = Counter()
        self.documents: dict[int, StoredDocument] = {}
        self.stories: dict[int, StorySummary] = {}

    def df_of(self, feature: str) -> int:
        return self.state.document_frequency.get(feature, 0) + self.df[feature]

    def idf(self, feature: str) -> float:
        return math.log((self.n + 1) / (self.df_of(feature) + 1)) + 1.0

    def document(self, document_id: int) -> StoredDocument | None:
        return self.documents.get(document_id) or self.state.documents.get(document_id)

    def story(self, story_id: int) -> StorySummary | None:
        return self.stories.get(story_id) or self.state.stories.get(story_id)


class _Idf(dict):
    """feature -> idf at this moment of the overlay, computed once per feature (a dict: lookups stay in C)."""

    def __init__(self, overlay: _Overlay) -> None:
        super().__init__()
        self.overlay = overlay

    def __missing__(self, feature: str) -> float:
        v = self[feature] = self.overlay.idf(feature)
        return v


def term_weights(doc: DocFeatures, settings: Settings) -> dict[str, float]:
    """Type weight * (1 + log count) per feature: the part of tf-idf that does not change over time."""
    weights = settings.weights
    out = {}
    for f, c in doc.counts.items():
        w = weights.get(f.split(":", 1)[0], 1.0)
        if c > 0 and w > 0:
            out[f] = w * (1.0 + math.log(c))
    return out


def _quantities(features: Iterable[str]) -> dict[str, set[str]]:
    """Unit -> values of the "#:value unit" features."""
    out: dict[str, set[str]] = {}
    for f in features:
        if f.startswith("#:") and " " in f:
            value, unit = f[2:].split(" ", 1)
            out.setdefault(unit, set()).add(value)
    return out


def _key_people(weights: Mapping[str, float], floor: float) -> list[tuple[str, ...]]:
    """Full names ("n:hasim rahman") whose last word is said at least twice (weight >= ``floor``)."""
    out = []
    for f in weights:
        if f.startswith("n:") and " " in f:
            words = tuple(f[2:].split())
            if weights.get(f"n:{words[-1]}", 0.0) >= floor:
                out.append(words)
    return out


def _anchor(feature: str) -> bool:
    """A name, a city or US state, or a number of two characters or more ("#:12 people", "#:4.1 billio"):
    a country, a year or a one-digit count ("#:7 people") is what look-alike reports share by chance."""
    kind = feature[:2]
    if kind == "n:":
        return True
    if kind == "p:":
        return not feature.startswith("p:c:")
    return kind == "#:" and len(feature[2:].split(" ", 1)[0]) >= 2


def _anchored(a: Mapping[str, float], b: Mapping[str, float]) -> bool:
    """Whether two documents share an anchor (``_anchor``): what ties two reports to one happening beyond the
    words every report of its kind uses."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return any(f in large for f in small if _anchor(f))


def conflicts(a: Mapping[str, float], b: Mapping[str, float], settings: Settings) -> tuple[str, ...]:
    """The kinds of evidence on which two documents' feature weights disagree: "year", "place", "number",
    "name", and "anchor" when they share no name, city or US state, or number of two digits or more.

    Years or places disagree when both name some and share none; a quantity disagrees when both count the
    same unit ("magnit", "killed") and share no value; names disagree when each names someone ("Hasim Rahman",
    "Tony Thompson"; the surname said at least twice) no word of whose name the other mentions: two fights
    of one champion.
    """
    found = []
    for prefix, kind in (("y:", "year"), ("p:", "place")):
        x = {f for f in a if f.startswith(prefix)}
        y = {f for f in b if f.startswith(prefix)}
        if x and y and not x & y:
            found.append(kind)
    qa, qb = _quantities(a), _quantities(b)
    if any(qa[u].isdisjoint(qb[u]) for u in qa.keys() & qb.keys()):
        found.append("number")
    floor = settings.weights.get("n", 1.0) * (1.0 + math.log(2))

    def unknown_to(words: tuple[str, ...], other: Mapping[str, float]) -> bool:
        return not any(f"n:{w}" in other for w in words if w not in NAME_CONNECTORS)

    if any(unknown_to(p, b) for p in _key_people(a, floor)) and any(unknown_to(p, a) for p in _key_people(b, floor)):
        found.append("name")
    if not _anchored(a, b):
        found.append("anchor")
    return tuple(found)


def _penalties(settings: Settings) -> dict[str, float]:
    return {"year": settings.year_penalty, "place": settings.place_penalty, "number": settings.number_penalty,
            "name": settings.name_penalty, "anchor": settings.anchor_penalty}


def candidate_terms(tw: Mapping[str, float], settings: Settings) -> list[tuple[str, float]]:
    """A document's ``candidate_terms`` heaviest features by its own weights (ties: alphabetical)."""
    return sorted(tw.items(), key=lambda kv: (-kv[1], kv[0]))[:settings.candidate_terms]


@dataclass(frozen=True)
class Posting:
    """A document holding a feature, as the index returns it (features are loaded only for candidates)."""

    document_id: int
    seq: int
    published_at: datetime | None


def _holders(seq: int, published_at, postings, settings: Settings) -> list[Posting]:
    """Step 3's reading of one feature's postings (latest first): of the documents before ``seq``, the
    latest ``postings_per_term`` among the latest ``window_documents``; then, when both are dated, those
    published at most ``window_days`` apart. Depends only on the global arrival order, never on batching."""
    out = []
    for p in postings:
        if p.seq >= seq:
            continue
        if seq - p.seq > settings.window_documents or len(out) >= settings.postings_per_term:
            break
        out.append(p)
    if published_at is None:
        return out
    window = timedelta(days=settings.window_days)
    return [p for p in out if p.published_at is None or abs(published_at - p.published_at) <= window]


def candidates_for(seq: int, published_at, terms: list[tuple[str, float]], postings, settings: Settings
                   ) -> list[tuple[int, float]]:
    """Documents sharing candidate ``terms``, with the summed weight of the terms they share, best first
    (ties: lower id), at most ``scored_candidates``. ``postings(feature)`` lists the documents holding a
    feature, latest first."""
    shared: Counter[int] = Counter()
    for f, w in terms:
        for p in _holders(seq, published_at, postings(f), settings):
            shared[p.document_id] += w
    # rounded so a store summing in another order ranks ties the same way
    ranked = sorted(((d, round(w, 9)) for d, w in shared.items()), key=lambda kv: (-kv[1], kv[0]))
    return ranked[:settings.scored_candidates]


def batch_candidates(batch: list[DocFeatures], n_documents: int, stored_postings: Mapping[str, tuple],
                     settings: Settings) -> dict[int, list[tuple[int, float]]]:
    """Every batch document's candidates, exactly as ``assign`` will find them: a store calls it before
    ``assign`` to know which stored documents' features to load. ``stored_postings`` holds, for each
    candidate term of the batch, its latest ``postings_per_term`` stored holders (``Posting``s, latest
    first) within ``window_documents`` of the batch's first document."""
    in_batch: dict[str, list[Posting]] = {}
    out = {}
    for i, doc in enumerate(batch):
        seq = n_documents + i
        tw = term_weights(doc, settings)

        def postings(f: str) -> Iterable[Posting]:  # latest first, read lazily: _holders stops early
            return chain(reversed(in_batch.get(f, ())), stored_postings.get(f, ()))

        out[doc.document_id] = candidates_for(seq, doc.published_at, candidate_terms(tw, settings), postings,
                                              settings)
        if tw:
            for f in kept_features(tw, settings):
                in_batch.setdefault(f, []).append(Posting(doc.document_id, seq, doc.published_at))
    return out


def norm(tw: Mapping[str, float], idf: Mapping[str, float]) -> float:
    """Squared length of a document's tf-idf vector (``idf``: feature -> weight)."""
    na = 0.0
    for f, w in tw.items():
        v = w * idf[f]
        na += v * v
    return na


def cosine(tw: Mapping[str, float], other: Mapping[str, float], idf: Mapping[str, float],
           na: float | None = None) -> float:
    """Cosine of two documents' tf-idf vectors (weights times ``idf``: feature -> weight); ``na``: the squared
    length of ``tw``'s vector when the caller has it (it is the same for every candidate)."""
    if na is None:
        na = norm(tw, idf)
    nb = dot = 0.0
    for f, w in other.items():
        v = w * idf[f]
        nb += v * v
        o = tw.get(f)
        if o is not None:
            dot += v * o * idf[f]
    return dot / math.sqrt(na * nb) if dot > 0.0 else 0.0


def penalised(score: float, tw: Mapping[str, float], other: Mapping[str, float], settings: Settings) -> float:
    """``score`` times the penalty of every kind of evidence on which the two documents disagree."""
    penalty = _penalties(settings)
    for kind in conflicts(tw, other, settings):
        score *= penalty[kind]
    return score


def similarity(tw: Mapping[str, float], other: Mapping[str, float], idf: Mapping[str, float],
               settings: Settings) -> float:
    """Cosine of two documents' tf-idf vectors, times the conflict penalties."""
    return penalised(cosine(tw, other, idf), tw, other, settings)


def kept_features(tw: Mapping[str, float], settings: Settings) -> dict[str, float]:
    """The document's ``document_features`` heaviest features by its own weights (ties: alphabetical): the
    ones stored for later comparisons and posted in the index. They depend on the document alone, so a
    store can tell which batch documents hold a feature before ``assign`` runs."""
    if len(tw) <= settings.document_features:
        return dict(tw)
    return dict(sorted(tw.items(), key=lambda kv: (-kv[1], kv[0]))[:settings.document_features])


def _updated_story(story: StorySummary | None, story_id: int, doc: DocFeatures, kept: Mapping[str, float],
                   seq: int, overlay: _Overlay, settings: Settings) -> StorySummary:
    profile: dict[str, float] = dict(story.profile) if story else {}
    for f, w in kept.items():
        profile[f] = profile.get(f, 0.0) + w
    if len(profile) > settings.profile_size:
        ranked = sorted(profile.items(), key=lambda kv: (-kv[1] * overlay.idf(kv[0]), kv[0]))
        profile = dict(ranked[:settings.profile_size])
    when = doc.published_at
    if story is None:
        return StorySummary(story_id, 1, seq, seq, when, when, profile)
    first = min((d for d in (story.first_published, when) if d is not None), default=None)
    last = max((d for d in (story.last_published, when) if d is not None), default=None)
    return StorySummary(story_id, story.n_documents + 1, story.first_seq, seq, first, last, profile)


def _decide(doc: DocFeatures, tw: Mapping[str, float], seq: int, overlay: _Overlay, postings,
            idf: Mapping[str, float], settings: Settings) -> tuple[str, int | None, int | None, float]:
    """Steps 0-5 of the module docstring for one document: ``(method, story or None for a new one, the
    document that decided it, similarity)``."""
    previous = overlay.document(doc.previous_version) if doc.previous_version is not None else None
    if previous is not None:
        score = similarity(tw, previous.features, idf, settings) if tw else 0.0
        if not tw or score >= settings.threshold:
            return "version", previous.story_id, previous.document_id, score
    if not tw:
        return "empty", None, None, 0.0
    # a shared paragraph lowers the bar to the copied document's story, it does not remove it: one stock
    # sentence ("A .38-caliber revolver was recovered.") links reports of unrelated happenings; and a copy
    # that disagrees on any evidence (another place, toll, year or person, or nothing specific shared) shares
    # stock lines only: two fires' "The cause of the fire was not immediately known."
    for copied in doc.copies_of:
        stored = overlay.document(copied)
        if stored is not None and not conflicts(tw, stored.features, settings):
            score = cosine(tw, stored.features, idf)
            if score >= settings.copy_threshold:
                return "copy", stored.story_id, copied, score
    best, best_score = None, 0.0
    na = norm(tw, idf)
    for candidate, _ in candidates_for(seq, doc.published_at, candidate_terms(tw, settings), postings, settings):
        loaded = overlay.document(candidate)
        if loaded is None:  # skipping it would make decisions depend on the store's batching
            raise ValueError(f"the state lacks candidate document {candidate}: a store must load "
                             "every document batch_candidates names")
        other = loaded.features
        s = cosine(tw, other, idf, na)
        # penalties only lower a score: one that cannot win or cannot join needs no conflict check
        if s > best_score and s >= settings.threshold:
            s = penalised(s, tw, other, settings)
            if s > best_score:
                best, best_score = candidate, s
    if best is not None and best_score >= settings.threshold:
        return "joined", overlay.document(best).story_id, best, best_score
    return "new", None, None, 0.0


def assign(features: Iterable[DocFeatures], state: StoryState, settings: Settings | None = None) -> AssignResult:
    """Decide the story of each document, in order (see the module docstring).

    Never fails on a document's content; raises ValueError only when ``state`` lacks a stored document that
    ``batch_candidates`` names (a store bug, which would otherwise make stories depend on batching).
    """
    settings = settings or Settings()
    overlay = _Overlay(state)
    out: list[Assignment] = []
    new_documents: dict[int, StoredDocument] = {}
    batch_postings: dict[str, list[Posting]] = {}  # feature -> this batch's documents holding it, in order
    for doc in features:
        seq = overlay.n
        tw = term_weights(doc, settings)
        idf = _Idf(overlay)  # the frequencies do not change while one document is decided
        kept = kept_features(tw, settings)

        def postings(f: str) -> Iterable[Posting]:  # latest first, read lazily
            return chain(reversed(batch_postings.get(f, ())), state.postings.get(f, ()))

        method, story_id, matched, score = _decide(doc, tw, seq, overlay, postings, idf, settings)
        if story_id is None:
            story_id = overlay.next_story_id
            overlay.next_story_id += 1
        # then the state this document changes, as a store would see it after it
        overlay.n += 1
        for f in tw:
            overlay.df[f] += 1
        overlay.stories[story_id] = _updated_story(overlay.story(story_id), story_id, doc, kept, seq, overlay,
                                                   settings)
        stored = StoredDocument(doc.document_id, story_id, seq, doc.published_at, kept)
        overlay.documents[doc.document_id] = stored
        new_documents[doc.document_id] = stored
        for f in kept:
            batch_postings.setdefault(f, []).append(Posting(doc.document_id, seq, doc.published_at))
        out.append(Assignment(doc.document_id, story_id, method, round(score, 6), seq, matched))
    return AssignResult(tuple(out), new_documents, dict(overlay.stories), dict(overlay.df), overlay.n,
                        overlay.next_story_id)
