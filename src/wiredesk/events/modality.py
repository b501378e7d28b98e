"""Whether an action is told as happened: negation ("did not attack", "no ...") and modality ("tried to
storm" attempted, "vowed to" intended, "urged to" demanded, "will" future, "could" possible, "if"
conditional, "memories of" recalled), read off the parse around the trigger. Pure.

Since lexicon 6 a modality is also read off what carries a noun trigger ("a *possible* gas leak", "*could*
face charges", "*if* they file a lawsuit"), off the verbs above an infinitive ("could be forced to resign",
"is expected to sign") and off "unless" and "whether". Which modalities keep a mention out of events:
``wiredesk.events.model.UNREALISED``.
"""

from __future__ import annotations

from wiredesk.events.nlp import ParsedDoc

#: Verbs (and adjectives) that make the action they govern ("tried to storm") an attempt, an intention, a
#: demand, ... French lemmas too (tenter, menacer, ...): no English word is spelled the same.
ATTEMPT = {"try": "attempted", "attempt": "attempted", "seek": "attempted", "vow": "intended",
           "pledge": "intended", "promise": "intended", "threaten": "intended", "plan": "intended",
           "intend": "intended", "want": "intended", "prepare": "intended", "urge": "demanded",
           "call": "demanded", "demand": "demanded", "ask": "demanded", "deny": "denied", "fail": "failed",
           "consider": "intended", "hope": "intended", "expect": "future", "schedule": "future",
           "set": "future", "due": "future", "likely": "possible", "unlikely": "possible",
           "tenter": "attempted", "essayer": "attempted", "menacer": "intended", "promettre": "intended",
           "vouloir": "intended", "exiger": "demanded", "appeler": "demanded", "nier": "denied"}
#: Auxiliaries of what has not happened (yet).
FUTURE = {"will": "future", "'ll": "future", "shall": "future", "would": "possible", "could": "possible",
          "may": "possible", "might": "possible", "wo": "future"}
#: Adjectives that make a noun trigger a possibility or a plan: "a *possible* gas leak", "the *planned* merger".
HEDGES = {"possible": "possible", "potential": "possible", "likely": "possible", "probable": "possible",
          "hypothetical": "possible", "would-be": "possible", "planned": "future", "proposed": "future",
          "upcoming": "future", "impending": "future", "scheduled": "future", "future": "future"}
#: Subordinators of a condition: "*if* confirmed by the Senate", "*unless* the deal is approved".
CONDITIONS = {"if", "unless", "whether", "si"}
#: Verbs that carry a noun trigger without telling an action of their own: "*could face* charges", "*if*
#: they *file* a lawsuit", "*will hold* talks".
CARRIERS = {"face", "file", "hold", "stage", "launch", "carry", "conduct", "make", "take", "mount", "begin",
            "start", "undergo", "seek", "bring", "have", "see", "get", "suffer", "open", "reach", "sign", "win"}


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
    t = toks[h]
    if t.dep == "pobj" and toks[t.head].lemma == "of" and toks[t.head].dep == "prep" and (
            toks[toks[t.head].head].lemma in RECALLING):
        return "recalled"
    for c in kids(h, "amod"):
        if toks[c].lemma.lower() in HEDGES:
            return HEDGES[toks[c].lemma.lower()]
    j = h
    if t.pos in ("NOUN", "PROPN") and t.dep in ("dobj", "nsubjpass") and t.head != h and (
            toks[t.head].lemma in CARRIERS):
        j = t.head  # "could face charges": the verb that carries the noun tells its modality
    for _ in range(3):
        for c in kids(j, "aux"):
            if toks[c].text.lower() in FUTURE:
                return FUTURE[toks[c].text.lower()]
        if any(toks[c].lemma.lower() in CONDITIONS for c in kids(j, "mark")):
            return "conditional"
        if toks[j].dep in ("xcomp", "ccomp") and toks[toks[j].head].lemma in ATTEMPT:
            return ATTEMPT[toks[toks[j].head].lemma]
        if toks[j].dep != "xcomp" or toks[j].head == j:
            break
        j = toks[j].head  # "could be forced to resign": the modal of the verb above the infinitive
    return None
