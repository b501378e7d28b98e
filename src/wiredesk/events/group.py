"""Mentions → events: one row per real-world event, within and across documents and outlets.

Greedy, deterministic clustering. Mentions are visited in a fixed order (publication time, document, offset);
each joins the best-scoring existing event of its class or starts a new one.

1. **Hard conflicts keep look-alikes apart** (checked against *every* mention already in the event):
   different class; different specific CAMEO code for violent classes (air strike 195 vs rocket attack 194);
   known dates whose windows (day / week / month / year) do not overlap;
   places that cannot be the same (two different cities, a city outside the other's country); actors or
   targets of different countries or different names; different death tolls; two mentions of one sentence;
   publication dates more than ``max_gap_days`` apart.
2. **Evidence joins** (the best single member counts): same day (+2) or overlapping window (+1); same city
   (+2) or same country (+1); same named actor / target (+2) or same country and kind (+1); same death toll
   (+2); same document (+1.5, and +1 more when the joining mention names nothing but its class and the
   event is the only one of its class in that document so far or has the same trigger lemma: "the
   airstrikes" re-mentions an event of its own article; such bare mentions are placed last); near-duplicate paragraphs (+3, from the dedup
   stage's links); the same trigger lemma (+0.5); word overlap of the two sentences (Jaccard × 3); for
   mentions in different documents, each capitalised name both sentences contain (+1, at most +2) and how
   alike the two documents' named entities are (Jaccard × 3). A
   mention joins when the score reaches ``threshold`` (2.5).
3. **Documents that share two or more events report the same story**: in a second pass, the only event of
   a class in one of them and the only event of that class in the other are merged unless they conflict.

Negated mentions ("made no effort to stop") are never grouped: nothing happened to group. Nor are
statements (``UNGROUPED``: "Pompeo said ..."): each outlet quotes its own way, and a story's many
statements would tie its documents together as if they reported the same events.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable

from wiredesk.events.dates import overlaps
from wiredesk.events.model import UNKNOWN_DATE, Actor, DateRef, EntityMention, Event, EventMention, Place

#: Version of the grouping rules; bump when events change for the same mentions.
GROUPING_VERSION = "group/2"

_VIOLENT = {"ASSAULT", "COERCE"}
#: Classes whose mentions stay mentions: no event is made of them (see the module docstring).
UNGROUPED = frozenset({"STATEMENT"})
_STOP = set("""a an the of to in on at for and or but by with from as is was were are be been has had have that
which who it its their they he she his her this these those after before over into than then there said says
say also not no more most some many one two three""".split())
_WORD = re.compile(r"[a-z][a-z'-]+")
# capitalised words not at the start of a sentence: names ("Woodburn", "Kimani", "Lohan")
_NAME = re.compile(r"(?<=[a-z0-9,;:)\"\u201d] )[A-Z][a-z][A-Za-z'-]+")
_MIN_TIME = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class GroupingSettings:
    threshold: float = 2.5
    max_gap_days: int = 30
    date_slack_days: int = 0


def _words(text: str) -> frozenset[str]:
    words = {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}
    return frozenset(words | {"@" + n.lower() for n in _NAME.findall(text)})


def _lemma(m: EventMention) -> str:
    return m.trigger_lemma or m.trigger.lower().rstrip("s")


def _named(a: Actor) -> bool:
    return a.named


def _actor_conflict(a: Actor | None, b: Actor | None) -> bool:
    if a is None or b is None:
        return False
    if a.country and b.country and a.country != b.country:
        return True
    return _named(a) and _named(b) and a.name.lower() != b.name.lower()


def _actor_score(a: Actor | None, b: Actor | None) -> float:
    if a is None or b is None:
        return 0.0
    if _named(a) and _named(b) and a.name.lower() == b.name.lower():
        return 2.0
    if a.country and a.country == b.country and a.kind == b.kind:
        return 1.0
    return 0.0


def _place_conflict(a: Place | None, b: Place | None) -> bool:
    if a is None or b is None or a.name.lower() == b.name.lower():
        return False
    if a.feature == "unresolved" or b.feature == "unresolved":
        return False
    if a.feature == "country" or b.feature == "country":
        return a.country != b.country
    return True  # two different cities or states


def _place_score(a: Place | None, b: Place | None) -> float:
    if a is None or b is None:
        return 0.0
    if a.name.lower() == b.name.lower():
        return 2.0 if a.feature != "country" else 1.0
    if a.country and a.country == b.country:
        return 1.0
    return 0.0


def _date_score(a: DateRef, b: DateRef, slack: int) -> float:
    if not (a.known and b.known) or not overlaps(a, b, slack):
        return 0.0
    return 2.0 if a.precision == b.precision == "day" else 1.0


def _published(m: EventMention) -> datetime:
    p = m.published_at or _MIN_TIME
    return p if p.tzinfo else p.replace(tzinfo=timezone.utc)


class _Cluster:
    def __init__(self, first: EventMention, words: frozenset[str]):
        self.members: list[tuple[EventMention, frozenset[str]]] = [(first, words)]
        self.event_class = first.event_class


def conflict(m: EventMention, x: EventMention, settings: GroupingSettings = GroupingSettings()) -> bool:
    """Whether two mentions cannot report the same real-world event."""
    if m.event_class != x.event_class:
        return True
    if m.event_class in _VIOLENT and m.cameo and x.cameo and m.cameo != x.cameo and not (
            m.cameo.endswith("0") or x.cameo.endswith("0")):
        return True
    if m.date.known and x.date.known and not overlaps(m.date, x.date, settings.date_slack_days):
        return True
    if _place_conflict(m.place, x.place):
        return True
    if _actor_conflict(m.actor, x.actor) or _actor_conflict(m.target, x.target):
        return True
    if m.killed is not None and x.killed is not None and m.killed != x.killed:
        return True
    if m.doc_key == x.doc_key and m.sentence_index == x.sentence_index:
        return True
    if m.published_at and x.published_at and abs((_published(m) - _published(x)).days) > settings.max_gap_days:
        return True
    return False


def informative(m: EventMention) -> bool:
    """Whether a mention says anything that identifies its event beyond its class."""
    return bool((m.actor and (_named(m.actor) or m.actor.country)) or (m.target and (
        _named(m.target) or m.target.country)) or m.place or m.date.known or m.killed is not None)


def pair_score(m: EventMention, mw: frozenset[str], x: EventMention, xw: frozenset[str],
               near: set[frozenset], settings: GroupingSettings = GroupingSettings(),
               doc_names: dict[str, frozenset[str]] | None = None) -> float:
    """Evidence that two non-conflicting mentions report the same event (see the module docstring)."""
    score = _date_score(m.date, x.date, settings.date_slack_days)
    score += _place_score(m.place, x.place)
    score += _actor_score(m.actor, x.actor) + _actor_score(m.target, x.target)
    if m.killed is not None and m.killed == x.killed:
        score += 2.0
    if m.doc_key == x.doc_key:
        score += 1.5
    else:
        # different articles: the same names in both sentences, and the same cast of names overall
        score += min(2.0, 1.0 * sum(1 for w in mw & xw if w.startswith("@")))
        a = doc_names.get(m.doc_key, frozenset()) if doc_names else frozenset()
        b = doc_names.get(x.doc_key, frozenset()) if doc_names else frozenset()
        if a and b:
            score += 3.0 * len(a & b) / len(a | b)
    if near and frozenset(((m.doc_key, m.paragraph_position), (x.doc_key, x.paragraph_position))) in near:
        score += 3.0
    if _lemma(m) == _lemma(x):
        score += 0.5
    if mw and xw:
        score += 3.0 * len(mw & xw) / len(mw | xw)
    return score


def group_mentions(mentions: Iterable[EventMention], *, near_links: Iterable[tuple] = (),
                   entities: Iterable[EntityMention] = (),
                   settings: GroupingSettings = GroupingSettings()) -> list[Event]:
    """Group mentions into events. ``near_links`` are pairs ``((doc_key, paragraph_position), (doc_key,
    paragraph_position))`` of near-identical paragraphs (from deduplication); ``entities`` are the
    documents' entity mentions (how alike two articles' casts of names are). Deterministic: the same
    mentions in any order give the same events with the same ids."""
    near = {frozenset(pair) for pair in near_links}
    names: dict[str, set[str]] = {}
    for e in entities:
        if e.label in ("PERSON", "ORG", "GPE", "LOC", "FAC"):
            names.setdefault(e.doc_key, set()).add(e.name.lower())
    doc_names = {k: frozenset(v) for k, v in names.items()}
    # informative mentions first: bare re-mentions ("the attack") then join the events they re-mention
    ordered = sorted((m for m in mentions if not m.negated and m.event_class not in UNGROUPED),
                     key=lambda m: (not informative(m), _published(m), m.doc_key, m.trigger_start, m.event_class))
    clusters: list[_Cluster] = []
    index: dict[tuple, list[int]] = defaultdict(list)  # blocking key → clusters holding a mention with it
    partners: dict[tuple, list[tuple]] = defaultdict(list)
    for pair in near:
        a, b = sorted(pair) if len(pair) == 2 else (next(iter(pair)),) * 2
        partners[a].append(b)
        partners[b].append(a)
    for m in ordered:
        mw = _words(m.sentence)
        best, best_score = None, settings.threshold
        bare = not informative(m)
        own_keys = _block_keys(m, mw)
        lookup = own_keys | _extra_lookup_keys(m, partners)
        candidates = sorted({i for k in lookup for i in index.get(k, ())})
        in_doc = [i for i in index.get(("doc", m.event_class, m.doc_key), ())]
        for i in candidates:
            c = clusters[i]
            if c.event_class != m.event_class:
                continue
            if any(conflict(m, x, settings) for x, _ in c.members):
                continue
            s = max(pair_score(m, mw, x, xw, near, settings, doc_names) for x, xw in c.members)
            if bare and i in in_doc and (len(in_doc) == 1 or any(_lemma(x) == _lemma(m) for x, _ in c.members)):
                s += 1.0  # "the airstrikes", "the tear gas": a bare re-mention of an event of this document
            if s >= best_score + (1e-9 if best is not None else 0):
                best, best_score = i, s
        if best is None:
            best = len(clusters)
            clusters.append(_Cluster(m, mw))
        else:
            clusters[best].members.append((m, mw))
        for k in own_keys:
            if not index[k] or index[k][-1] != best:
                if best not in index[k]:
                    index[k].append(best)
                    index[k].sort()
    clusters = _merge_by_affinity(clusters, settings)
    return [_event(c) for c in clusters]


def _block_keys(m: EventMention, words: frozenset[str]) -> set[tuple]:
    """Keys a mention is filed under. Two mentions are only compared when they share one (blocking keeps
    grouping near-linear): same document, place, day (or year for coarse dates), named actor or target,
    death toll, capitalised name in the sentence, or trigger on the same publication day. Evidence that
    no key carries (same country only, similar wording alone, similar documents alone) is not searched."""
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
        if a is not None and a.named:
            keys.add(("who", c, a.name.lower()))
    if m.killed is not None:
        keys.add(("killed", c, m.killed))
    keys.update(("name", c, w) for w in words if w.startswith("@"))
    keys.add(("lemma", c, _lemma(m), _published(m).date()))
    return keys


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

    affinity: Counter = Counter()
    for c in clusters:
        ds = sorted(docs(c))
        for i, a in enumerate(ds):
            for b in ds[i + 1:]:
                affinity[(a, b)] += 1
    story_pairs = sorted(pair for pair, n in affinity.items() if n >= 2)
    while story_pairs:
        per_doc_class: Counter = Counter()
        only: dict[tuple[str, str], int] = {}
        for i, c in enumerate(clusters):
            for d in docs(c):
                per_doc_class[(d, c.event_class)] += 1
                only[(d, c.event_class)] = i
        # the first mergeable pair in cluster order, as a scan of all pairs would find it
        found = None
        for a, b in story_pairs:
            for cls in {k[1] for k in only if k[0] == a}:
                if per_doc_class[(a, cls)] != 1 or per_doc_class[(b, cls)] != 1:
                    continue
                i, j = sorted((only[(a, cls)], only[(b, cls)]))
                if i == j or (found is not None and (i, j) >= found):
                    continue
                c1, c2 = clusters[i], clusters[j]
                if docs(c1) & docs(c2):
                    continue
                if any(per_doc_class[(d, cls)] != 1 for d in docs(c1) | docs(c2)):
                    continue
                if any(affinity[tuple(sorted((x, y)))] < 2 for x in docs(c1) for y in docs(c2)):
                    continue
                if any(conflict(m, x, settings) for m, _ in c1.members for x, _ in c2.members):
                    continue
                found = (i, j)
        if found is None:
            break
        i, j = found
        clusters[i].members.extend(clusters[j].members)
        clusters[i].members.sort(key=lambda mw: (_published(mw[0]), mw[0].doc_key, mw[0].trigger_start))
        del clusters[j]
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
    named_actors = [a for a in actors if _named(a)] or actors
    targets = [m.target for m in ms if m.target is not None]
    named_targets = [a for a in targets if _named(a)] or targets
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
