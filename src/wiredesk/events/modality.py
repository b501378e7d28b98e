"""Whether an action is told as happened: negation ("did not attack", "no ...") and modality ("tried to
storm" attempted, "vowed to" intended, "urged to" demanded, "will" future, "could" possible, "if"
conditional, "memories of" recalled), read off the parse around the trigger. Pure.
"""

from __future__ import annotations

from wiredesk.events.nlp import ParsedDoc

#: Verbs that make the action they govern ("tried to storm") an attempt, an intention, a demand, ...
#: French lemmas too (tenter, menacer, ...): no English word is spelled the same.
ATTEMPT = {"try": "attempted", "attempt": "attempted", "seek": "attempted", "vow": "intended",
           "pledge": "intended", "promise": "intended", "threaten": "intended", "plan": "intended",
           "intend": "intended", "want": "intended", "prepare": "intended", "urge": "demanded",
           "call": "demanded", "demand": "demanded", "ask": "demanded", "deny": "denied", "fail": "failed",
           "tenter": "attempted", "essayer": "attempted", "menacer": "intended", "promettre": "intended",
           "vouloir": "intended", "exiger": "demanded", "appeler": "demanded", "nier": "denied"}
#: Auxiliaries of what has not happened (yet).
FUTURE = {"will": "future", "'ll": "future", "shall": "future", "would": "possible", "could": "possible",
          "may": "possible", "might": "possible"}


def negated(pd: ParsedDoc, h: int, kids) -> bool:
    """Whether the action at ``h`` is denied: a negation of the trigger or of the verb it completes, or
    "no ..." (``kids(i, *deps)`` lists the children of ``i`` with those labels)."""
    toks = pd.tokens
    if kids(h, "neg"):
        return True
    if any(toks[c].lemma == "no" for c in kids(h, "det")):
        return True
    if toks[h].dep == "xcomp" and kids(toks[h].head, "neg"):
        return True
    return False


#: Nouns whose "of" names an earlier event, not today's news: "memories of the murder", "the anniversary of".
RECALLING = {"memory", "reminder", "anniversary", "echo", "legacy", "repeat", "repetition", "recollection"}


def modality(pd: ParsedDoc, h: int, kids) -> str | None:
    """The modality of the action at ``h``, or None when it is told as happened ("recalled": an earlier
    event this one brings to mind, "raised memories of the murder ...")."""
    toks = pd.tokens
    if toks[h].dep == "pobj" and toks[toks[h].head].lemma == "of" and toks[toks[h].head].dep == "prep" and (
            toks[toks[toks[h].head].head].lemma in RECALLING):
        return "recalled"
    for c in kids(h, "aux"):
        if toks[c].text.lower() in FUTURE:
            return FUTURE[toks[c].text.lower()]
    j = h
    for _ in range(2):
        if toks[j].dep in ("xcomp", "ccomp") and toks[toks[j].head].lemma in ATTEMPT:
            return ATTEMPT[toks[toks[j].head].lemma]
        if toks[j].dep != "xcomp":
            break
        j = toks[j].head
    if any(toks[c].lemma == "if" for c in kids(h, "mark")):
        return "conditional"
    return None
