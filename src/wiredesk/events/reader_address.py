"""Whether a sentence speaks to the reader rather than telling a happening: advice ("how to safely
*apprehend* a train groper"), the infinitive of an instruction ("To *urge* your MP to vote, click this box")
and the generic "you" ("here's what you should know to stay calm and *apprehend* the culprit", "when you're
*lost* in a book"). Pure; read off the parse, whatever the trigger word.

Such an action is the reader's to do, or anyone's: no specific happening. Not "you" in the past, which a
quote can tell of a real act ("you *attacked* my son", said in court), and not "you" in a clause of its own
that the trigger is not part of ("you know, they *attacked* us").
"""

from __future__ import annotations

from wiredesk.events.nlp import ParsedDoc

#: Edges followed from a trigger up to the verb whose subject or form tells who is to act: an infinitive or
#: a conjunct shares its subject ("should know to stay calm and *apprehend*"), an adverbial infinitive serves
#: its head ("To *urge* your MP ..., click"). Not a clause complement: "said *you* ..." is the speaker's.
_UP = ("xcomp", "conj", "advcl", "acl", "pcomp")
#: Auxiliaries of the past: "you *were* attacked", "*did* you arrest".
_PAST_AUX = {"was", "were", "did", "had"}


def reader_address(pd: ParsedDoc, h: int, kids) -> str | None:
    """``demanded`` when the action at ``h`` is advice or an instruction to the reader ("how to *apprehend*",
    "To *urge* your MP ..., click"); ``generic`` when its subject is a "you" in the present ("what you should
    know to ... *apprehend*", "if you *buy* something"); None otherwise. A noun trigger is read through the
    verb that carries it ("you can *make* a *purchase*")."""
    toks = pd.tokens
    t = toks[h]
    j = h
    if t.pos in ("NOUN", "PROPN") and t.dep in ("dobj", "nsubj", "nsubjpass", "attr") and t.head != h:
        j = t.head
    came_by = None
    for _ in range(5):
        v = toks[j]
        if v.pos in ("VERB", "AUX"):
            words = {toks[c].text.lower() for c in kids(j, "advmod", "aux")}
            if "how" in words and "to" in words:
                return "demanded"  # "how to safely apprehend"
            if any(toks[c].text.lower() == "you" for c in kids(j, "nsubj", "nsubjpass")) and v.tag != "VBD" and not (
                    {toks[c].text.lower() for c in kids(j, "aux", "auxpass")} & _PAST_AUX):
                return "generic"  # "what you should know to ... apprehend", "when you're lost in a book"
            if came_by == "advcl" and v.dep == "ROOT" and v.tag == "VB" and not kids(
                    j, "nsubj", "nsubjpass", "aux", "auxpass", "expl"):
                return "demanded"  # "To urge your MP to vote ..., click this box": an instruction
        if v.dep not in _UP or v.head == j:
            return None
        came_by = v.dep if v.dep != "conj" else came_by
        j = v.head
    return None
