"""Merging the triggers of one sentence that report one action.

"Militiamen broke into the compound, smashing a main door and setting fire to a reception area" has three
PROTEST triggers and one action. Triggers of one class are merged when the parse links them (coordinated or
participial clauses; without a parse, when they are close) and none of their slots disagree; otherwise
both stay (precision: two actions are never fused on a guess).
"""

from __future__ import annotations

from dataclasses import replace

from wiredesk.events.model import Actor, EventMention
from wiredesk.events.nlp import ParsedDoc


def _same_actor(a: Actor | None, b: Actor | None) -> bool:
    if a is None or b is None:
        return True
    if a.country and b.country and a.country != b.country:
        return False
    return a.name.lower() == b.name.lower() or a.kind == b.kind


def linked(pd: ParsedDoc, a: int, b: int) -> bool:
    """Whether two triggers are one action told in several verbs: coordinated or participial clauses
    ("broke into ..., smashing ... and setting fire ..."); without a parse, adjacent in the sentence."""
    if not pd.has_parse:
        return abs(a - b) <= 6
    for x, y in ((a, b), (b, a)):
        j, steps = x, 0
        while steps < 4 and pd.tokens[j].dep in ("conj", "advcl", "xcomp") and pd.tokens[j].head != j:
            j = pd.tokens[j].head
            steps += 1
            if j == y:
                return True
    return False


def merge_same_class(mentions: list[EventMention], linked: list[list[bool]]) -> list[EventMention]:
    """Same-class, linked triggers of one sentence whose slots agree report one action; else both stay."""
    out: list[EventMention] = []
    index: list[int] = []
    for i, m in enumerate(mentions):
        for k, prev in enumerate(out):
            if not linked[index[k]][i]:
                continue
            if prev.event_class != m.event_class or prev.negated != m.negated:
                continue
            if not (_same_actor(prev.actor, m.actor) and _same_actor(prev.target, m.target)):
                continue
            if prev.killed and m.killed and prev.killed != m.killed:
                continue
            if prev.date.known and m.date.known and prev.date != m.date:
                continue
            if prev.place and m.place and prev.place.name != m.place.name:
                continue
            out[k] = replace(prev, actor=prev.actor or m.actor, target=prev.target or m.target,
                             place=prev.place or m.place, date=prev.date if prev.date.known else m.date,
                             killed=prev.killed or m.killed, wounded=prev.wounded or m.wounded,
                             crowd=prev.crowd or m.crowd, confidence=max(prev.confidence, m.confidence))
            break
        else:
            out.append(m)
            index.append(i)
    return out
