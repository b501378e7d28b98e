"""Mentions → events: one row per real-world event, within and across documents and outlets.

Greedy, deterministic clustering (the pairwise evidence is ``wiredesk.events.evidence``). Mentions are
visited in a fixed order (publication time, document, offset); each joins the best-scoring existing event
of its class or starts a new one.

1. **Hard conflicts keep look-alikes apart** (checked against *every* mention already in the event):
   different class; different specific CAMEO code for violent classes (air strike 195 vs rocket attack 194);
   known dates whose windows (day / week / month / year) do not overlap;
   places that cannot be the same (two cities farther apart than ``same_area_km``, 40: a neighbourhood or suburb
   and its city can be one place; a place outside the other's country; a city and a US state only when the city
   is outside the US); actors or targets of different countries or names that cannot be one ("Reid" and "Tara
   Reid" can, and "Mat Maid" and "Matanuska Maid": a clipped word beside a shared one); different death
   tolls; two mentions of one sentence (unless one is a bare re-mention, "called the attack a violation",
   or a recalled action of the dated earlier event beside it); publication dates more than
   ``max_gap_days`` apart; an earlier event brought to mind ("memories of the murder", modality
   ``recalled``) and an event of the days around the article.
2. **Evidence joins** (the best single member counts): same day (+2) or overlapping window (+1); same city
   (+2) or same country (+1); same named actor / target (+2) or same country and kind (+1); same death toll
   (+2); same document (+1.5, and +1 more when the joining mention names nothing but its class and the
   event is the only one of its class in that document so far or has the same trigger lemma or specific
   code: "the airstrikes" re-mentions an event of its own article; such bare mentions are placed last);
   near-duplicate paragraphs (+3, from the dedup stage's links); the same trigger lemma (+0.5; the same
   trigger *family*, ``evidence._FAMILIES``: "shooting", "shot", "gunfire";
   "quake", "temblor"), or -``other_action`` (3) for two different kinds of action (no family, and no
   specific code or generic-and-specific code of one family in common: "raid" and "clash", both 190); word overlap
   of the two sentences (Jaccard × 3); for mentions in different documents, each capitalised name both
   sentences contain (+1, at most +2) and how alike the two documents' named entities are (Jaccard × 3),
   and +2 more when they are alike enough to report one story (``same_story``, Jaccard 0.2) and the two
   mentions have the same trigger or the same specific code; with the story layer's decisions
   (``stories``), documents of one story +``story_same_action`` (2.5) when the two mentions have the same
   trigger or the same specific code, of two stories -``other_story`` (1). A mention joins when the score
   reaches ``threshold`` (2.5). Days and months ("on Tuesday") are no capitalised names.
   **Across documents, only identifying evidence reaches the threshold**: without one place or one named actor
   or target in both mentions, a capitalised name in both sentences, near-duplicate paragraphs, a cast of names
   in common, or one story whose two documents name someone or something in common, a pair scores at most
   ``unanchored_cap`` (2): the same day, trigger and wording are what unrelated happenings of a busy day share.
   Near-duplicate paragraphs count as a copy only between documents sharing two or more of them (``_copied``):
   one stock line ("the cause of the fire was not immediately known") is no copy.
3. **Blocks are bounded**: a mention is compared only with events filed under one of its blocking keys
   (``_block_keys``), and through one key with at most ``block_size`` (64) of them, the latest made; a larger
   block (every ASSAULT of a busy day) is cut to those, and ``GroupingStats`` counts the cut. Grouping costs
   at most ``block_size`` events per key of a mention, whatever the number of mentions of a day.
4. **Documents that share two or more events report the same story**: in a second pass, the only event of
   a class in one of them and the only event of that class in the other are merged unless they conflict.

Only mentions told as happened are grouped (``groupable``): not negated ones ("made no effort to stop": nothing
happened to group), not hypothetical ones (a modality of ``wiredesk.events.model.UNREALISED``: "could face
charges", "if confirmed"), and not statements (``UNGROUPED``: "Pompeo said ..."): each outlet quotes its own way,
and a story's many statements would tie its documents together as if they reported the same events.
"""

from __future__ import annotations

import hashlib
from bisect import insort
from collections import Counter, defaultdict
from datetime import timedelta
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from wiredesk.events.evidence import (GroupingSettings, conflict, informative, name_words, named, pair_score,
                                      published, same_action, sentence_words, trigger_family)
from wiredesk.events.model import UNKNOWN_DATE, EntityMention, Event, EventMention

__all__ = ["GROUPING_VERSION", "UNGROUPED", "GroupingSettings", "GroupingStats", "block_key_texts", "conflict",
           "group_mentions", "groupable", "informative", "lookup_key_texts", "pair_score"]

#: Version of the grouping rules; bump when events change for the same mentions.
GROUPING_VERSION = "group/8"  # 8: no place conflict within one area (a city and its state or suburb); clipped names

#: Classes whose mentions stay mentions: no event is made of them (see the module docstring).
UNGROUPED = frozenset({"STATEMENT"})


def groupable(m: EventMention) -> bool:
    """Whether a mention can join an event: told as happened (``EventMention.happened``: not negated, no
    modality of ``UNREALISED``) and not of an ``UNGROUPED`` class. The one test ``group_mentions``, the store's
    neighbour look-up and its stored keys (``wiredesk.store.event_neighbours``) apply."""
    return m.happened and m.event_class not in UNGROUPED


@dataclass
class GroupingStats:
    """What one grouping did: clusters compared, and what the block size (``GroupingSettings.block_size``) cut:
    lookups of an oversized block, and the events of those blocks not compared through them (they may still
    be compared through another key the two mentions share)."""

    comparisons: int = 0
    blocks_cut: int = 0
    candidates_cut: int = 0


class _Cluster:
    def __init__(self, first: EventMention, words: frozenset[str]):
        self.members: list[tuple[EventMention, frozenset[str]]] = [(first, words)]
        self.event_class = first.event_class


def group_mentions(mentions: Iterable[EventMention], *, near_links: Iterable[tuple] = (),
                   entities: Iterable[EntityMention] = (), stories: Mapping[str, object] | None = None,
                   settings: GroupingSettings = GroupingSettings(), stats: GroupingStats | None = None,
                   ) -> list[Event]:
    """Group mentions into events. ``near_links`` are pairs ``((doc_key, paragraph_position), (doc_key,
    paragraph_position))`` of near-identical paragraphs (from deduplication); ``entities`` are the
    documents' entity mentions (how alike two articles' casts of names are); ``stories`` each document's story
    (``doc_key`` -> story id, from the story layer). Deterministic: the same
    mentions in any order give the same events with the same ids. ``stats``, when given, counts the comparisons
    made and what the block size cut (``GroupingStats``). Mentions that are not ``groupable`` (negated,
    hypothetical, statements) join no event and are left out of the result."""
    near = _copied(near_links)
    names: dict[str, set[str]] = {}
    for e in entities:
        if e.label in ("PERSON", "ORG", "GPE", "LOC", "FAC"):
            names.setdefault(e.doc_key, set()).add(e.name.lower())
    doc_names = {k: frozenset(v) for k, v in names.items()}
    # informative mentions first: bare re-mentions ("the attack") then join the events they re-mention
    ordered = sorted((m for m in mentions if groupable(m)),
                     key=lambda m: (not informative(m), published(m), m.doc_key, m.trigger_start, m.event_class))
    clusters: list[_Cluster] = []
    index: dict[tuple, list[int]] = defaultdict(list)  # blocking key → clusters holding a mention with it, ascending
    filed: dict[tuple, set[int]] = defaultdict(set)  # the same, as a set (membership in constant time)
    partners: dict[tuple, list[tuple]] = defaultdict(list)
    for pair in near:
        a, b = sorted(pair) if len(pair) == 2 else (next(iter(pair)),) * 2
        partners[a].append(b)
        partners[b].append(a)
    cap = settings.block_size
    for m in ordered:
        mw = sentence_words(m.sentence)
        best, best_score = None, settings.threshold
        bare = not informative(m)
        own_keys = _block_keys(m, mw, stories.get(m.doc_key) if stories else None)
        lookup = own_keys | _extra_lookup_keys(m, partners)
        found: set[int] = set()
        for k in lookup:
            block = index.get(k)
            if not block:
                continue
            if len(block) > cap:  # the latest events of an oversized block (mentions come in time order)
                if stats is not None:
                    stats.blocks_cut += 1
                    stats.candidates_cut += len(block) - cap
                block = block[-cap:]
            found.update(block)
        candidates = sorted(found)
        in_doc = filed.get(("doc", m.event_class, m.doc_key), set())
        if stats is not None:
            stats.comparisons += len(candidates)
        for i in candidates:
            c = clusters[i]
            if c.event_class != m.event_class:
                continue
            if any(conflict(m, x, settings) for x, _ in c.members):
                continue
            s = max(pair_score(m, mw, x, xw, near, settings, doc_names, stories) for x, xw in c.members)
            if bare and i in in_doc and (len(in_doc) == 1 or any(
                    same_action(x, m) for x, _ in c.members)):
                s += 1.0  # "the airstrikes", "the calls for revenge": a bare re-mention of an event of this document
            if s >= best_score + (1e-9 if best is not None else 0):
                best, best_score = i, s
        if best is None:
            best = len(clusters)
            clusters.append(_Cluster(m, mw))
        else:
            clusters[best].members.append((m, mw))
        for k in own_keys:
            if best not in filed[k]:
                filed[k].add(best)
                insort(index[k], best)
    clusters = _merge_by_affinity(clusters, settings)
    return [_event(c) for c in clusters]


def _copied(near_links: Iterable[tuple]) -> set[frozenset]:
    """The near-duplicate paragraph pairs that tell of a copy: within one document, or between two documents
    that share two or more such paragraphs. One short stock paragraph shared by two reports ("The cause of the
    fire was not immediately known.") is wording, not a copy, and says nothing of which happening they tell."""
    pairs = {frozenset(pair) for pair in near_links}
    docs_of = {p: frozenset(doc for doc, _ in p) for p in pairs}
    shared = Counter(docs_of.values())
    return {p for p in pairs if len(docs_of[p]) == 1 or shared[docs_of[p]] >= 2}


def _block_keys(m: EventMention, words: frozenset[str], story: object = None) -> set[tuple]:
    """Keys a mention is filed under. Two mentions are only compared when they share one (blocking keeps
    grouping near-linear): same document, place, day (or year for coarse dates), named actor or target,
    death toll, capitalised name in the sentence, trigger on the same publication day, or trigger or specific
    code in the same story. Evidence that no key carries (same country only, similar wording alone, similar
    documents alone) is not searched."""
    c = m.event_class
    keys = {("doc", c, m.doc_key), ("para", m.doc_key, m.paragraph_position)}
    if m.place is not None:
        keys.add(("place", c, m.place.name.lower()))
    if m.date.known:
        if m.date.precision in ("day", "week"):
            d = m.date.start
            while d <= m.date.end:
                keys.add(("day", c, d))
                d += timedelta(days=1)
        else:
            keys.add(("coarse", c, m.date.start.year))
    for a in (m.actor, m.target):
        if a is not None and a.named:  # every word of the name: "Reid" meets "Tara Reid"
            keys.update(("who", c, w) for w in name_words(a.name) or {a.name.lower()})
    if m.killed is not None:
        keys.add(("killed", c, m.killed))
    keys.update(("name", c, w) for w in words if w.startswith("@"))
    keys.add(("lemma", c, trigger_family(m), published(m).date()))
    if story is not None:  # the same action in another report of the same story
        keys.add(("story", c, story, trigger_family(m)))
        if m.cameo and not m.cameo.endswith("0"):
            keys.add(("story", c, story, m.cameo))
    return keys


#: Separates the parts of a blocking key written as text (``block_key_texts``); the store writes the same.
KEY_SEPARATOR = "\x1f"


def _key_text(k: tuple) -> str:
    return KEY_SEPARATOR.join(str(v) for v in k)


def block_key_texts(m: EventMention, story: object = None) -> set[str]:
    """The blocking keys a mention is filed under, as text: what the store computes in SQL for stored mentions
    (``wiredesk.store.event_neighbours``) to find the ones a batch's mentions can be compared with."""
    return {_key_text(k) for k in _block_keys(m, sentence_words(m.sentence), story)}


def lookup_key_texts(m: EventMention, story: object = None, partners: Iterable[tuple] = ()) -> set[str]:
    """The keys a mention looks up (its own, coarse dates, and ``partners``: the ``(doc_key, paragraph
    position)`` of paragraphs that near-duplicate its own), as text."""
    own = _block_keys(m, sentence_words(m.sentence), story)
    extra = _extra_lookup_keys(m, {(m.doc_key, m.paragraph_position): list(partners)})
    return {_key_text(k) for k in own | extra}


def _extra_lookup_keys(m: EventMention, partners: dict[tuple, list[tuple]]) -> set[tuple]:
    """Keys a mention looks up beyond its own: coarse-dated events of its year, the days of its month, and
    the paragraphs that near-duplicate its own."""
    c = m.event_class
    keys = {("para",) + p for p in partners.get((m.doc_key, m.paragraph_position), ())}
    if m.date.known:
        keys.add(("coarse", c, m.date.start.year))
        if m.date.precision == "month":
            d = m.date.start
            while d <= m.date.end:
                keys.add(("day", c, d))
                d += timedelta(days=1)
    return keys


def _merge_by_affinity(clusters: list[_Cluster], settings: GroupingSettings) -> list[_Cluster]:
    """Second pass across documents that already share at least two events (they report the same story):
    the only event of a class in one and the only event of that class in the other are the same event,
    unless they conflict ("the tear gas" in one report, "US troops fired tear gas" in the other)."""
    def docs(c: _Cluster) -> frozenset[str]:
        return frozenset(m.doc_key for m, _ in c.members)

    doc_sets = [docs(c) for c in clusters]
    affinity: Counter = Counter()
    for d_set in doc_sets:
        ds = sorted(d_set)
        for i, a in enumerate(ds):
            for b in ds[i + 1:]:
                affinity[(a, b)] += 1
    story_pairs = sorted(pair for pair, n in affinity.items() if n >= 2)
    while story_pairs:
        per_doc_class: Counter = Counter()
        only: dict[tuple[str, str], int] = {}
        classes_of: dict[str, set[str]] = defaultdict(set)
        for i, (c, d_set) in enumerate(zip(clusters, doc_sets)):
            for d in d_set:
                per_doc_class[(d, c.event_class)] += 1
                only[(d, c.event_class)] = i
                classes_of[d].add(c.event_class)
        # the first mergeable pair in cluster order, as a scan of all pairs would find it
        found = None
        for a, b in story_pairs:
            for cls in classes_of.get(a, ()):
                if per_doc_class[(a, cls)] != 1 or per_doc_class[(b, cls)] != 1:
                    continue
                i, j = sorted((only[(a, cls)], only[(b, cls)]))
                if i == j or (found is not None and (i, j) >= found):
                    continue
                c1, c2 = clusters[i], clusters[j]
                d1, d2 = doc_sets[i], doc_sets[j]
                if d1 & d2:
                    continue
                if any(per_doc_class[(d, cls)] != 1 for d in d1 | d2):
                    continue
                if any(affinity[tuple(sorted((x, y)))] < 2 for x in d1 for y in d2):
                    continue
                if any(conflict(m, x, settings) for m, _ in c1.members for x, _ in c2.members):
                    continue
                found = (i, j)
        if found is None:
            break
        i, j = found
        clusters[i].members.extend(clusters[j].members)
        clusters[i].members.sort(key=lambda mw: (published(mw[0]), mw[0].doc_key, mw[0].trigger_start))
        doc_sets[i] = doc_sets[i] | doc_sets[j]
        del clusters[j], doc_sets[j]
    return clusters


def _most_common(values: list, key=lambda v: v):
    if not values:
        return None
    counts = Counter(key(v) for v in values)
    top = max(counts.values())
    for v in values:  # first in mention order among the most frequent: deterministic
        if counts[key(v)] == top:
            return v
    return None


def _event(c: _Cluster) -> Event:
    ms = [m for m, _ in c.members]
    first = ms[0]
    event_id = "ev_" + hashlib.sha1(f"{first.doc_key}\x00{first.trigger_start}".encode()).hexdigest()[:16]
    actors = [m.actor for m in ms if m.actor is not None]
    named_actors = [a for a in actors if named(a)] or actors
    targets = [m.target for m in ms if m.target is not None]
    named_targets = [a for a in targets if named(a)] or targets
    place_counts = Counter(m.place.name for m in ms if m.place is not None)
    places = sorted((m.place for m in ms if m.place is not None),
                    key=lambda p: (-place_counts[p.name],
                                   {"city": 0, "us_state": 1, "country": 2, "unresolved": 3}[p.feature]))
    dates = [m.date for m in ms if m.date.known]
    precision_rank = {"day": 0, "week": 1, "month": 2, "year": 3}
    date = min(dates, key=lambda d: (precision_rank[d.precision], d.start)) if dates else UNKNOWN_DATE
    cameos = [m.cameo for m in ms if m.cameo]
    specific = [x for x in cameos if not x.endswith("0")] or cameos
    sources = {m.source or m.doc_key for m in ms}
    published = [m.published_at for m in ms if m.published_at is not None]
    conf = max(m.confidence for m in ms)
    return Event(
        event_id=event_id, event_class=c.event_class, cameo=_most_common(specific),
        actor=_most_common(named_actors, key=lambda a: a.name.lower()),
        target=_most_common(named_targets, key=lambda a: a.name.lower()),
        place=places[0] if places else None, date=date,
        killed=_most_common([m.killed for m in ms if m.killed is not None]),
        wounded=_most_common([m.wounded for m in ms if m.wounded is not None]),
        crowd=max((m.crowd for m in ms if m.crowd is not None), default=None),
        mentions=tuple(ms), num_mentions=len(ms), num_documents=len({m.doc_key for m in ms}),
        num_sources=len(sources), first_seen=min(published) if published else None,
        last_seen=max(published) if published else None,
        confidence=round(min(0.99, conf + 0.05 * (len(sources) - 1)), 3))
