"""Evidence between two event mentions: whether they cannot report the same real-world event (``conflict``)
and how strongly they say they do (``pair_score``). The rules and weights are described in
``wiredesk.events.group``, which clusters with them. Pure.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

from wiredesk.events.dates import overlaps
from wiredesk.events.model import Actor, DateRef, EventMention, Place

_VIOLENT = {"ASSAULT", "COERCE"}
_STOP = set("""a an the of to in on at for and or but by with from as is was were are be been has had have that
which who it its their they he she his her this these those after before over into than then there said says
say also not no more most some many one two three""".split())
_WORD = re.compile(r"[a-z][a-z'-]+")
# capitalised words not at the start of a sentence: names ("Woodburn", "Kimani", "Lohan")
_NAME = re.compile(r"(?<=[a-z0-9,;:)\"\u201d] )[A-Z][a-z][A-Za-z'-]+")
_MIN_TIME = datetime(1970, 1, 1, tzinfo=timezone.utc)
_NAME_WORD = re.compile(r"[a-z0-9]+")
#: Words of a name that do not tell one name from another ("the", "Center" of "Betty Ford Center").
#: Capitalised words that name no one: days and months ("on Tuesday" is in every report of the day).
_CALENDAR = frozenset("@" + w for w in """monday tuesday wednesday thursday friday saturday sunday january february
march april may june july august september october november december""".split())
_NAME_FILLER = frozenset("""the of and de al s jr sr mr mrs ms dr center centre clinic hospital department ministry
inc corp co ltd company group party""".split())


@dataclass(frozen=True)
class GroupingSettings:
    threshold: float = 2.5
    max_gap_days: int = 30
    date_slack_days: int = 0
    #: two documents whose named entities overlap this much (Jaccard) report one story: the same trigger
    #: (or the same specific code) in both is the same event unless something conflicts
    same_story: float = 0.2
    #: two mentions of documents of one story (the story layer's decision) with the same trigger or the same
    #: specific code: this much more (the same action told in two reports of one happening)
    story_same_action: float = 2.5
    #: two mentions of documents of different stories: this much less (look-alike happenings)
    other_story: float = 1.0
    #: two mentions naming different kinds of action (no trigger family, no specific code in common): this
    #: much less ("arrested" and "detained" are one action, "shot" and "stabbed" two)
    other_action: float = 3.0
    #: the most a pair of mentions of two documents scores when nothing identifies their event in both: no
    #: place, named actor or target, capitalised name of both sentences, near-duplicate paragraph, story, or
    #: cast of names in common (the same day, trigger and wording alone are what look-alike happenings share)
    unanchored_cap: float = 2.0
    #: two cities closer than this (km) can name one happening's place at two grains: a neighbourhood or a
    #: suburb and its city ("East Flatbush" and "Brooklyn", "Baytown" and "Houston"), so they never conflict
    same_area_km: float = 40.0
    #: the most events a mention is compared with through one blocking key (the latest made); a larger block
    #: (thousands of mentions of one class on one day) is cut to them and the cut counted (``GroupingStats``)
    block_size: int = 64


def sentence_words(text: str) -> frozenset[str]:
    """The content words of a sentence, and its capitalised names marked with "@" (word-overlap evidence)."""
    words = {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}
    return frozenset(words | {"@" + n.lower() for n in _NAME.findall(text)})


def trigger_lemma(m: EventMention) -> str:
    """The trigger's lemma (its lower-case words without a plural "s" when the back-end gives none)."""
    return m.trigger_lemma or m.trigger.lower().rstrip("s")


#: Trigger lemmas (lexicon entries) that name one kind of action with different words: a verb and its
#: nouns, synonyms ("the shooting", "shot", "gunfire"; "quake", "temblor"). They count only within one class
#: (a class conflict comes first: "killed", ASSAULT, and "death", DIE, never meet). A lemma in no family
#: is its own. English lemmas; another language's lemmas are their own families.
_FAMILIES = (
    "shoot,shooting,shot,gunfire,gunshot,open fire,gun down,shootout,spray,crossfire",
    "kill,killing,murder,massacre",
    "die,death,dead,pass away,perish,succumb,drown",
    "bomb,bombing,explosion,blast,explode,detonate,blow up",
    "attack,assault",
    "airstrike,air strike,drone strike,strike",
    "stab,stabbing",
    "kidnap,kidnapping,abduct,take hostage",
    "earthquake,quake,temblor,tremor,aftershock",
    "fire,blaze,inferno,wildfire,bushfire,burn,burn down,set fire,engulf,gut,catch fire",
    "flood,flooding",
    "crash,collision,collide,hit,hit and run,hit - and - run,mow down,accident",
    "arrest,detain,apprehend,capture,nab,book,custody",
    "charge,indict,indictment,prosecute,arraign,arraignment",
    "convict,conviction,find guilty,find,verdict,plead",
    "sentence,sentencing,jail,imprison,hand down",
    "trial,hearing,testify",
    "acquire,acquisition,merge,merger,takeover,take over,buy,purchase,buyout,deal",
    "sell,sale",
    "resign,resignation,step down,quit",
    "dismiss,sack,terminate,oust,ouster",
    "appoint,appointment,nominate,nomination,name,hire",
    "elect,re-elect,election,vote",
    "protest,demonstrate,demonstration,rally,march",
    "riot,rioting,unrest",
    "rob,robbery,heist,steal,theft,hold up,burglary",
    "launch,unveil,release",
    "check into,check in,check herself into,check himself into,check herself in,check himself in,enter,rehab,"
    "rehabilitation,admit",
    "win,victory,beat,defeat,clinch",
    "pass,enact,adopt,sign,approve",
    "veto,repeal,overturn,rescind,revoke,strike down",
    "injure,injured,wound,wounded,injury",
)
_FAMILY_OF = {lemma: f.split(",")[0] for f in reversed(_FAMILIES) for lemma in f.split(",")}


def trigger_families() -> dict[str, str]:
    """Every lemma of ``_FAMILIES`` -> the name of its family (its first lemma); a lemma not here is its own."""
    return dict(_FAMILY_OF)


def name_fillers() -> frozenset[str]:
    """The words ``name_words`` leaves out."""
    return _NAME_FILLER


def trigger_family(m: EventMention) -> str:
    """The family of the mention's trigger (``_FAMILIES``): "shooting", "shot" and "gunfire" are one."""
    lemma = trigger_lemma(m)
    return _FAMILY_OF.get(lemma, lemma)


def same_action(a: EventMention, b: EventMention) -> bool:
    """Whether two mentions name the same kind of action: one trigger family or one specific code."""
    return trigger_family(a) == trigger_family(b) or same_code(a, b)


def named(a: Actor) -> bool:
    """Whether an actor has a name of its own ("Kataeb Hezbollah"), not only a kind ("protesters")."""
    return a.named


def name_words(name: str) -> frozenset[str]:
    """The words of a name that tell it apart ("Betty Ford Center" → betty, ford), for comparing names."""
    return frozenset(w for w in _NAME_WORD.findall(name.lower()) if w not in _NAME_FILLER)


def same_name(a: str, b: str) -> bool:
    """Whether two names can name the same one: equal, one's words within the other's ("Reid", "Tara
    Reid"), or two words in common ("Betty Ford Center", "Betty Ford Clinic"), one of them possibly clipped
    when the other is shared ("Mat Maid", "Matanuska Maid"; a lone clipped word is not enough: "Ali" is not
    "Alice")."""
    if a.lower() == b.lower():
        return True
    wa, wb = name_words(a), name_words(b)
    if not (wa and wb):
        return False
    if wa <= wb or wb <= wa or len(wa & wb) >= 2:
        return True
    # two words in common, one of them clipped: "Mat Maid" and "Matanuska Maid"
    small, large = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    return bool(wa & wb) and sum(1 for w in small if any(_same_word(w, v) for v in large)) >= 2


def _same_word(a: str, b: str) -> bool:
    """One word of a name, or its clipped form ("Mat" of "Matanuska": "Mat Maid" is "Matanuska Maid")."""
    return a == b or (min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a)))


def _actor_conflict(a: Actor | None, b: Actor | None) -> bool:
    if a is None or b is None:
        return False
    if a.country and b.country and a.country != b.country:
        return True
    return named(a) and named(b) and not same_name(a.name, b.name)


def _actor_score(a: Actor | None, b: Actor | None) -> float:
    if a is None or b is None:
        return 0.0
    if named(a) and named(b) and same_name(a.name, b.name):
        return 2.0
    if a.country and a.country == b.country and a.kind == b.kind:
        return 1.0
    return 0.0


def _place_conflict(a: Place | None, b: Place | None, same_area_km: float = GroupingSettings.same_area_km) -> bool:
    """Whether two places cannot be where one happening was: two countries, a place outside the other's country,
    two US states, or two cities farther apart than ``same_area_km``. A place and a place it contains do not
    conflict: a country and its cities, a US state and any US city (the gazetteer does not tell a city's
    state: "Memphis, Tennessee"), a city and its neighbourhood or suburb (two points of one area)."""
    if a is None or b is None or a.name.lower() == b.name.lower():
        return False
    if a.feature == "unresolved" or b.feature == "unresolved":
        return False
    if a.feature == "country" or b.feature == "country":
        return a.country != b.country
    if a.feature != b.feature:  # a US state and a city: the city's country decides
        return a.country != b.country
    if a.feature == "city" and None not in (a.latitude, a.longitude, b.latitude, b.longitude):
        return _km(a, b) > same_area_km
    return True  # two different states, or cities without coordinates


def _km(a: Place, b: Place) -> float:
    """Great-circle distance between two places with coordinates (haversine, mean Earth radius)."""
    la1, lo1, la2, lo2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


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


def published(m: EventMention) -> datetime:
    """The mention's publication time, timezone-aware (the epoch when unknown), for ordering and gaps."""
    p = m.published_at or _MIN_TIME
    return p if p.tzinfo else p.replace(tzinfo=timezone.utc)


def conflict(m: EventMention, x: EventMention, settings: GroupingSettings = GroupingSettings()) -> bool:
    """Whether two mentions cannot report the same real-world event."""
    if m.event_class != x.event_class:
        return True
    if m.event_class in _VIOLENT and m.cameo and x.cameo and m.cameo != x.cameo and not (
            m.cameo.endswith("0") or x.cameo.endswith("0")):
        return True
    if m.date.known and x.date.known and not overlaps(m.date, x.date, settings.date_slack_days):
        return True
    if _place_conflict(m.place, x.place, settings.same_area_km):
        return True
    if _actor_conflict(m.actor, x.actor) or _actor_conflict(m.target, x.target):
        return True
    if m.killed is not None and x.killed is not None and m.killed != x.killed:
        return True
    if m.doc_key == x.doc_key and m.sentence_index == x.sentence_index and not _one_in_a_sentence(m, x, settings):
        return True
    if m.published_at and x.published_at and abs((published(m) - published(x)).days) > settings.max_gap_days:
        return True
    if _recalled_apart(m, x, settings) or _recalled_apart(x, m, settings):
        return True
    return False


def _one_in_a_sentence(m: EventMention, x: EventMention, settings: GroupingSettings) -> bool:
    """Two mentions of one sentence the extraction kept apart may still be one event: a bare re-mention
    ("the air strikes outraged ... which called *the attack* a violation"), or a recalled action and the
    dated earlier event it is part of ("memories of the murder ... after the Benghazi siege in 2012")."""
    if not informative(m) or not informative(x):
        return True
    for a, b in ((m, x), (x, m)):
        if a.modality == "recalled" and not a.date.known and b.date.known and not _recalled_apart(a, b, settings):
            return True
    return False


def _recalled_apart(m: EventMention, x: EventMention, settings: GroupingSettings) -> bool:
    """An earlier event brought to mind ("memories of the murder ...") is not today's news: it joins only
    a recalled mention or one dated before the grouping window of its own publication."""
    if m.modality != "recalled" or x.modality == "recalled" or m.date.known:
        return False
    if not x.date.known:
        return True
    return (published(m).date() - x.date.end).days <= settings.max_gap_days


def informative(m: EventMention) -> bool:
    """Whether a mention says anything that identifies its event beyond its class."""
    return bool((m.actor and (named(m.actor) or m.actor.country)) or (m.target and (
        named(m.target) or m.target.country)) or m.place or m.date.known or m.killed is not None)


def pair_score(m: EventMention, mw: frozenset[str], x: EventMention, xw: frozenset[str],
               near: set[frozenset], settings: GroupingSettings = GroupingSettings(),
               doc_names: dict[str, frozenset[str]] | None = None, stories: Mapping[str, object] | None = None,
               ) -> float:
    """Evidence that two non-conflicting mentions report the same event (see the module docstring).
    ``stories``: the story of each document (``doc_key`` -> story id), when the story layer decided them."""
    score = _date_score(m.date, x.date, settings.date_slack_days)
    score += _place_score(m.place, x.place)
    score += _actor_score(m.actor, x.actor) + _actor_score(m.target, x.target)
    if m.killed is not None and m.killed == x.killed:
        score += 2.0
    anchored = m.doc_key == x.doc_key or _slot_anchor(m, x) or bool(
        near and frozenset(((m.doc_key, m.paragraph_position), (x.doc_key, x.paragraph_position))) in near)
    if m.doc_key == x.doc_key:
        score += 1.5
    else:
        # different articles: the same names in both sentences, and the same cast of names overall
        shared = sum(1 for w in mw & xw if w.startswith("@") and w not in _CALENDAR)
        score += min(2.0, 1.0 * shared)
        anchored = anchored or shared > 0
        a = doc_names.get(m.doc_key, frozenset()) if doc_names else frozenset()
        b = doc_names.get(x.doc_key, frozenset()) if doc_names else frozenset()
        common = len(a & b)
        if a and b:
            alike = common / len(a | b)
            score += 3.0 * alike
            if alike >= settings.same_story and common >= 2 and same_action(m, x):
                score += 2.0  # two reports of one story naming the same action: the same event
                anchored = True
        s1 = stories.get(m.doc_key) if stories else None
        s2 = stories.get(x.doc_key) if stories else None
        if s1 is not None and s2 is not None:
            if s1 == s2 and (common or not (a and b)):
                # one story, and both documents name someone or something the other names (or either names
                # no one): a story that lumps two happenings of one kind still has no name in common
                anchored = True
                if same_action(m, x):
                    score += settings.story_same_action
            elif s1 != s2:
                score -= settings.other_story
    if near and frozenset(((m.doc_key, m.paragraph_position), (x.doc_key, x.paragraph_position))) in near:
        score += 3.0
    if trigger_family(m) == trigger_family(x):
        score += 0.5
    elif not _compatible_codes(m.cameo, x.cameo) and (m.killed is None or m.killed != x.killed):
        score -= settings.other_action  # "killed 25" and "the airstrikes that killed 25" stay one
    if mw and xw:
        score += 3.0 * len(mw & xw) / len(mw | xw)
    return score if anchored else min(score, settings.unanchored_cap)


def _slot_anchor(m: EventMention, x: EventMention) -> bool:
    """Whether two mentions name one place or one named actor or target: a slot that identifies the event.
    The day, the death toll and the kinds of actor do not: many happenings of one day share them."""
    if m.place is not None and x.place is not None and m.place.name.lower() == x.place.name.lower():
        return True
    return any(a is not None and b is not None and named(a) and named(b) and same_name(a.name, b.name)
               for a, b in ((m.actor, x.actor), (m.target, x.target)))


def _compatible_codes(a: str | None, b: str | None) -> bool:
    """Whether two mentions of different trigger families can still name one action by their codes: the same
    specific code ("vowed" and "calls for revenge", 138), or a generic code (ending in 0) and a specific one
    of its family ("attack", 190, and "airstrikes", 195). Two different words with one generic code ("raid"
    and "clash", 190) name two actions."""
    if not a or not b:
        return True
    if a == b:
        return not a.endswith("0")
    if "180" in (a, b) and not (a + b).startswith("W"):
        return True  # a killing is what any attack may do ("the airstrikes ... killed 25")
    return any(g.endswith("0") and not o.endswith("0") and len(g) == len(o) and o.startswith(g[:-1])
               for g, o in ((a, b), (b, a)))


def same_code(a: EventMention, b: EventMention) -> bool:
    """The same specific code ("vowed" and "calls for revenge": 138); a generic one (ending in 0) says little."""
    return bool(a.cameo) and a.cameo == b.cameo and not a.cameo.endswith("0")
