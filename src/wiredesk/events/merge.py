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


#: Verbs that tell the course of an action named by their subject ("the protest began ..., after which they
#: marched ..."): a same-class trigger inside their clause is the same action going on.
_ASPECTUAL = {"begin", "start", "continue", "resume", "erupt", "spread", "escalate", "end", "turn", "last"}
#: Prepositions whose gerund clause is one more step of the action they attach to ("pushed into the
#: compound after smashing the gate", "broke in by smashing a door").
_STEP_PREPS = {"after", "before", "while", "by", "upon", "on", "in"}
#: Prepositions through which a verb acts on its object noun.
_INTO = {"into", "onto", "to", "out", "from"}
_CLAUSAL = ("conj", "advcl", "xcomp", "relcl", "acl", "ccomp", "pcomp", "prep", "pobj")


def _compatible_codes(a: str | None, b: str | None) -> bool:
    """Same code, or one of them generic (a family's code ending in 0: "140" protest joins "141" march)."""
    return a is None or b is None or a == b or a.endswith("0") or b.endswith("0")


def linked(pd: ParsedDoc, a: int, b: int) -> bool:
    """Whether two triggers are one action told in several words: coordinated or participial clauses
    ("broke into ..., smashing ... and setting fire ..."), a gerund after "after"/"by" ("pushed into the
    compound after smashing the gate"), a clause under the aspectual verb whose subject names the action
    ("the protest began ..., after which they marched ..."), or a noun trigger that is the object of a verb
    trigger ("clinched the win"); without a parse, adjacent in the sentence."""
    if not pd.has_parse:
        return abs(a - b) <= 6
    toks = pd.tokens
    for x, y in ((a, b), (b, a)):
        j, steps = x, 0
        while steps < 4 and toks[j].head != j:
            dep = toks[j].dep
            if dep in ("conj", "advcl", "xcomp"):
                j = toks[j].head
            elif dep == "pcomp" and toks[toks[j].head].lemma in _STEP_PREPS and toks[toks[j].head].dep == "prep":
                j = toks[toks[j].head].head  # "after smashing": the gerund, its preposition, what it attaches to
            else:
                break
            steps += 1
            if j == y:
                return True
        if toks[y].dep == "nsubj" and toks[toks[y].head].lemma in _ASPECTUAL and _under(pd, x, toks[y].head):
            return True
        if _object_of(pd, y, x):  # "clinched the win", "checked into rehab", "entered a rehab program"
            return True
        if renames(pd, x, y):  # "the breach was one of the worst attacks"
            return True
    return False


def renames(pd: ParsedDoc, subject: int, attribute: int) -> bool:
    """Whether the noun trigger ``attribute`` names again what the trigger ``subject`` is, through a copula:
    "the breach was one of the worst attacks" (one action, whatever the classes of the two words)."""
    toks = pd.tokens
    if toks[subject].dep != "nsubj" or toks[toks[subject].head].lemma != "be":
        return False
    j, steps = attribute, 0
    while steps < 3 and toks[j].head != j:
        if toks[j].dep == "attr" and toks[j].head == toks[subject].head:
            return True
        if toks[j].dep not in ("pobj", "prep"):  # "one of the worst attacks"
            return False
        j, steps = toks[j].head, steps + 1
    return False


def _object_of(pd: ParsedDoc, y: int, x: int) -> bool:
    """Whether the noun ``y`` is what the verb ``x`` acts on: its object, the object of a preposition of
    direction ("checked into *rehab*"; not "injured in the crash": two triggers of one accident, each a
    mention), or a modifier of either ("entered a *rehab* program")."""
    toks = pd.tokens
    j, steps, preps = y, 0, 0
    while steps < 4 and toks[j].head != j:
        dep, head = toks[j].dep, toks[j].head
        if dep in ("compound", "amod", "nmod") and toks[head].pos in ("NOUN", "PROPN") and j == y:
            j = head
        elif dep in ("dobj", "pobj", "nsubjpass"):
            j = head
        elif dep == "prep" and preps == 0 and toks[j].lemma in _INTO:
            j, preps = head, 1
        else:
            return False
        steps += 1
        if j == x:
            return toks[x].pos == "VERB"
    return False


def _under(pd: ParsedDoc, x: int, top: int) -> bool:
    """Whether ``x`` hangs under ``top`` through clausal and prepositional links only (no subject or object
    noun of another action on the way up, apart from the nouns prepositions and clauses attach to)."""
    j, steps = x, 0
    while steps < 8 and pd.tokens[j].head != j:
        if pd.tokens[j].dep not in _CLAUSAL and pd.tokens[j].pos != "NOUN" and pd.tokens[j].pos != "PRON":
            return False
        j = pd.tokens[j].head
        steps += 1
        if j == top:
            return True
    return False


def merge_same_class(mentions: list[EventMention], linked: list[list[bool]],
                     renamed: list[list[bool]] | None = None) -> list[EventMention]:
    """Same-class, linked triggers of one sentence whose slots agree report one action; else both stay.
    ``renamed[i][j]``: a copula makes the two one thing, whatever their classes (the first one's class
    stays)."""
    renamed = renamed or [[False] * len(mentions) for _ in mentions]
    out: list[EventMention] = []
    index: list[int] = []
    for i, m in enumerate(mentions):
        for k, prev in enumerate(out):
            if not linked[index[k]][i]:
                continue
            if prev.negated != m.negated:
                continue
            if prev.event_class != m.event_class or not _compatible_codes(prev.cameo, m.cameo):
                # "scored 17 points to clinch the win": two results, W72 and W71; other classes only when a
                # copula says they are one thing ("the breach was one of the worst attacks")
                if not renamed[index[k]][i]:
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
                             crowd=prev.crowd or m.crowd, confidence=max(prev.confidence, m.confidence),
                             merged_triggers=prev.merged_triggers + ((m.trigger_start, m.trigger_end),)
                             + m.merged_triggers)
            break
        else:
            out.append(m)
            index.append(i)
    return out
