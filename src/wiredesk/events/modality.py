"""Whether an action is told as happened: negation ("did not attack", "no ...") and modality ("tried to
storm" attempted, "vowed to" intended, "urged to" demanded, "will" future, "could" possible, "if"
conditional, "memories of" recalled), read off the parse around the trigger. Pure.

Since lexicon 6 a modality is also read off what carries a noun trigger ("a *possible* gas leak", "*could*
face charges", "*if* they file a lawsuit"), off the verbs above an infinitive ("could be forced to resign",
"is expected to sign") and off "unless" and "whether". Since ``events/5`` also: obligations ("*must* first be
confirmed", "*should* be charged", "*needs* to be approved", "*has* to resign": ``demanded``; "*had* to be
hospitalized" happened), forecasts ("*is expected* to sign", "*is likely* to": ``possible``; "*is set* to",
"*is due* to", "*is going* to": ``future``), "*seeks* to", "*aims* to" (``intended``, no longer an attempt),
"*refused* to" (``failed``), a noun that is the subject of an occurrence verb ("sudden death *would ensue*") or
sits in a clause of a condition ("*if* one of them turned out to be the only hope, ... death"), "whenever" and
"when ... ever" (``conditional``), a "would" in what someone said in the past ("announced that he *would*
resign": the speaker's "will", ``future``, unless a condition of its own follows) and habitual actions ("*every
year* the festival draws", "the union *usually* strikes": ``habitual``, present tense with a word of
frequency). Since ``events/6`` also: a noun trigger that names a kind of another noun ("*crash* testing", "*fire*
danger", "the *nomination* process", "*assault* rifles": ``generic``) and an imperative ("please *visit* our
site", "*buy* now": ``demanded``) and a question ("What was the *investigation* about?": ``asked``). Since
``events/7`` also: a count of happenings rather than one ("a spike in *deaths*", "the number of *arrests*",
"*sales* fell 3 %", "*deaths* per 100,000": ``aggregate``, new), a noun trigger named by a role rather than a
happening ("the *fire* service", "*rescue* workers": ``generic``), a noun brought about by a modal verb of
causing ("*could* prompt a special *election*", "*would* require some *investment*", "*could* lead to *war*"),
a noun that is the subject of a "would" with "a" or "any" ("a guilty *plea* would ruin his life") and an action anywhere inside
an "if" or "unless" clause ("if you are using one password for every site you *visit*"). Since ``events/8``
also: what the reader is told or advised to do and a "you" in the present (``wiredesk.events.reader_address``:
``demanded``, ``generic``) and a tally of a record ("in his *first* 18 *games*", "lost *eight of* their *nine
games*": ``aggregate``). Which modalities keep a mention out of events: ``wiredesk.events.model.UNREALISED``.
"""

from __future__ import annotations

from wiredesk.events.nlp import ParsedDoc
from wiredesk.events.counts import aggregate
from wiredesk.events.reader_address import reader_address

#: Verbs (and adjectives) that make the action they govern ("tried to storm") an attempt, an intention, a
#: demand, ... French lemmas too (tenter, menacer, ...): no English word is spelled the same.
ATTEMPT = {"try": "attempted", "attempt": "attempted", "seek": "intended", "aim": "intended", "vow": "intended",
           "pledge": "intended", "promise": "intended", "threaten": "intended", "plan": "intended",
           "intend": "intended", "want": "intended", "prepare": "intended", "urge": "demanded",
           "call": "demanded", "demand": "demanded", "ask": "demanded", "deny": "denied", "fail": "failed",
           "consider": "intended", "hope": "intended", "expect": "possible", "schedule": "future",
           "set": "future", "due": "future", "likely": "possible", "unlikely": "possible", "refuse": "failed",
           "decline": "failed", "wish": "intended", "propose": "intended", "tend": "habitual",
           "require": "demanded", "suppose": "demanded", "order": "demanded",
           "tenter": "attempted", "essayer": "attempted", "menacer": "intended", "promettre": "intended",
           "vouloir": "intended", "exiger": "demanded", "appeler": "demanded", "nier": "denied"}
#: Auxiliaries of what has not happened (yet).
FUTURE = {"will": "future", "'ll": "future", "shall": "future", "would": "possible", "could": "possible",
          "may": "possible", "might": "possible", "wo": "future", "must": "demanded", "should": "possible",
          "ought": "demanded"}
#: Verbs of saying in the past that turn "will" into "would": "said it *would* take over the rival" is the speaker's
#: "will take over", a plan told as future, not a possibility.
REPORTING = {"say", "announce", "tell", "confirm", "state", "report"}
#: Verbs that make the infinitive they govern an obligation in the present only ("needs to be approved",
#: "has to resign"; "had to be hospitalized" happened).
OBLIGATION = {"need": "demanded", "have": "demanded"}
#: Verbs whose subject noun is told to happen ("sudden death would *ensue*"): their modality is the noun's.
OCCURRENCE = {"ensue", "happen", "occur", "follow", "result", "arise", "erupt", "unfold", "break", "come"}
#: Words of frequency that make a present-tense action habitual ("*usually* strikes", "*every year* ... draws").
FREQUENCY = {"usually", "often", "always", "regularly", "typically", "generally", "frequently", "sometimes",
             "rarely", "seldom", "routinely", "normally", "annually", "traditionally", "customarily", "occasionally"}
#: Time nouns that, after "every" or "each", say how often ("every year", "each summer").
_PERIODS = {"year", "week", "day", "month", "night", "morning", "evening", "summer", "winter", "spring", "autumn",
            "fall", "season", "weekend", "time", "sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
            "saturday"}
#: Adjectives that make a noun trigger a possibility or a plan: "a *possible* gas leak", "the *planned* merger".
HEDGES = {"possible": "possible", "potential": "possible", "likely": "possible", "probable": "possible",
          "hypothetical": "possible", "would-be": "possible", "planned": "future", "proposed": "future",
          "upcoming": "future", "impending": "future", "scheduled": "future", "future": "future"}
#: Subordinators of a condition: "*if* confirmed by the Senate", "*unless* the deal is approved".
CONDITIONS = {"if", "unless", "whether", "whenever", "si"}
#: Verbs that carry a noun trigger without telling an action of their own: "*could face* charges", "*if*
#: they *file* a lawsuit", "*will hold* talks".
CARRIERS = {"face", "file", "hold", "stage", "launch", "carry", "conduct", "make", "take", "mount", "begin",
            "start", "undergo", "seek", "bring", "have", "see", "get", "suffer", "open", "reach", "sign", "win"}
#: Verbs that bring about what their object (or the object of their "to", "in", "into", "for") names: under a
#: modal the noun is only possible ("*could prompt* a special election", "*would require* some investment",
#: "*could lead to* war", "*would allow for* the withdrawal"); told as done they say nothing ("the blast
#: *caused* a fire").
CAUSING = {"cause", "spark", "trigger", "prompt", "provoke", "require", "need", "mean", "allow", "permit",
           "enable", "lead", "result", "risk", "set", "force", "invite", "produce", "create", "ensure", "unleash",
           "precipitate", "necessitate", "spur", "fuel"}
#: The prepositions through which a verb of ``CAUSING`` names what it brings about ("lead *to* war").
_CAUSING_PREPS = {"to", "in", "into", "for"}


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


#: Nouns that turn a trigger noun qualifying them into a kind of thing, not a happening: "*crash* testing",
#: "*fire* danger", "the *nomination* process", "a *game*-time decision", "a *fighting* major" (a penalty),
#: "*assault* rifles", "the *death* penalty".
KINDS = {"test", "testing", "danger", "risk", "hazard", "process", "procedure", "time", "major", "minor",
         "penalty", "rifle", "simulator", "drill", "prevention", "insurance", "rate", "police", "gear", "type",
         # since events/7: roles and bodies named after the action they stand ready for ("the *fire* service",
         # "*rescue* workers", "*election* officials"), and what a thing is for ("a *launch* vehicle",
         # "*crash* statistics")
         "service", "brigade", "department", "crew", "worker", "squad", "official", "engine",
         "vehicle", "statistic", "statistics", "weather",
         # weather warnings ("flash *flood* watches"), and what investors are offered ("*investment* decisions")
         "watch", "warning", "advisory", "alert", "decision", "tip", "opportunity", "strategy", "advice", "banker",
         "fund", "portfolio"}


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
    nominal = t.pos in ("NOUN", "PROPN") or t.dep == "compound"  # "riot police": "riot" tagged a verb
    if nominal and t.dep in ("compound", "amod", "nmod") and t.head != h and (
            toks[t.head].pos == "NOUN" and toks[t.head].lemma.lower() in KINDS):
        return "generic"  # "crash testing", "fire danger": a kind of thing named after the action
    if aggregate(pd, h, kids):
        return "aggregate"  # "a spike in deaths", "sales fell 3 %": a figure, not one happening
    if _imperative(pd, h, kids):
        return "demanded"  # "please visit our site": the reader is asked to act
    if _question(pd, h):
        return "asked"  # "What was the investigation about?", "How does a hurricane see?"
    j = h
    if t.pos in ("NOUN", "PROPN"):
        base = _base_noun(pd, h)
        b = toks[base]
        causer = _causing_verb(pd, base)
        if b.dep in ("dobj", "nsubjpass") and b.head != base and toks[b.head].lemma in CARRIERS:
            j = b.head  # "could face charges": the verb that carries the noun tells its modality
        elif causer is not None:
            j = causer  # "could prompt a special election", "could lead to war": the causing verb tells it
        elif b.dep == "nsubj" and b.head != base and toks[b.head].lemma in OCCURRENCE:
            j = b.head  # "sudden death would ensue": the occurrence verb tells it
        elif _in_condition(pd, base, kids):
            return "conditional"  # "if one of them turned out to be the only hope, ... death would ensue"
        elif b.dep == "nsubj" and b.head != base and _would(pd, b.head, kids) and any(
                toks[c].lemma.lower() in ("a", "an", "any", "another") for c in kids(base, "det")):
            return "possible"  # "a guilty plea would ruin his life"; not "the earthquake would cause tsunamis"
    if _in_if_clause(pd, h):
        return "conditional"  # "if you use one password for every site you visit"
    addressed = reader_address(pd, h, kids)
    if addressed:
        return addressed  # "how to apprehend", "what you should know to ... apprehend": the reader's to do
    for _ in range(3):
        for c in kids(j, "aux"):
            word = toks[c].text.lower()
            if word == "would" and _reported(pd, j, kids):
                return "future"  # "announced that he would resign": a reported "will"
            if word in FUTURE:
                return FUTURE[word]
        if any(toks[c].lemma.lower() in CONDITIONS for c in kids(j, "mark")) or _when_ever(pd, j, kids):
            return "conditional"
        if toks[j].dep in ("xcomp", "ccomp") and toks[j].head != j:
            above = toks[toks[j].head]
            if above.lemma in ATTEMPT:
                return ATTEMPT[above.lemma]
            if above.lemma in OBLIGATION and above.tag in ("VBZ", "VBP", "VB") and toks[j].dep == "xcomp":
                return OBLIGATION[above.lemma]  # "needs to be approved", "has to resign"; not "had to"
            if above.lemma == "go" and above.tag == "VBG" and any(
                    toks[c].lemma == "be" for c in kids(above.i, "aux")):
                return "future"  # "is going to announce"
        if _habitual(pd, j, kids):
            return "habitual"
        if toks[j].dep != "xcomp" or toks[j].head == j:
            break
        j = toks[j].head  # "could be forced to resign": the modal of the verb above the infinitive
    return None


#: First words of a direct question: a question word or an inverted auxiliary ("*Would* there have been ...?").
_ASKING = {"what", "who", "whom", "whose", "which", "when", "where", "why", "how", "is", "are", "was", "were", "do",
           "does", "did", "can", "could", "will", "would", "should", "has", "have", "had", "may", "might", "shall"}


def _question(pd: ParsedDoc, h: int) -> bool:
    """Whether the sentence holding ``h`` is a direct question: it opens with a question word or an inverted
    auxiliary and ends with "?" (before any closing quote). A question asks; it does not tell a happening
    ("*Would* there have been impeachment proceedings?", "What was the Swedish investigation about?"). A "?"
    alone proves nothing: some sources print a character they cannot encode as "?" ("in return for ?")."""
    toks = pd.tokens
    s = next((s for s in pd.sentences if s.start <= h < s.end), None)
    start, end = (s.start, s.end) if s is not None else (0, len(toks))
    words = [t for t in toks[start:end] if t.pos != "PUNCT"]
    text = pd.text[toks[start].start:toks[end - 1].end] if end > start else ""
    return bool(words) and words[0].text.lower() in _ASKING and (
        text.rstrip().rstrip("\"'\u201d\u2019)").rstrip().endswith("?"))


def _imperative(pd: ParsedDoc, h: int, kids) -> bool:
    """Whether the verb at ``h`` is an imperative: the root of its sentence (or joined to one by "and") in
    the base form, with no subject and no auxiliary of its own, opening its sentence or right after "please"
    ("please *visit* www...", "*Buy* it now"); not a headline whose root has a finite verb joined to it ("*Hit*
    and run outside a store leaves woman dead")."""
    toks = pd.tokens
    j = h
    if toks[j].dep == "conj" and toks[j].head != j:
        j = toks[j].head
    for i in {h, j}:
        t = toks[i]
        if t.pos != "VERB" or t.tag != "VB" or kids(i, "nsubj", "nsubjpass", "aux", "auxpass", "mark", "expl"):
            return False
    if toks[j].dep != "ROOT" or any(toks[c].tag in ("VBZ", "VBD", "VBP") for c in kids(j, "conj")):
        return False
    start = next((s.start for s in pd.sentences if s.start <= j < s.end), 0)
    words = [t for t in toks[start:j] if t.pos != "PUNCT"]
    return not words or words[-1].text.lower() == "please"


def _reported(pd: ParsedDoc, j: int, kids) -> bool:
    """Whether the clause at ``j`` is what someone said, announced or reported in the past ("said it would"),
    with no condition of its own ("said the army would attack *if* the talks failed" stays a possibility)."""
    toks = pd.tokens
    t = toks[j]
    above = toks[t.head]
    if t.dep != "ccomp" or t.head == j or above.lemma not in REPORTING or above.tag not in ("VBD", "VBN"):
        return False
    return not any(toks[m].lemma.lower() in CONDITIONS for a in kids(j, "advcl") for m in kids(a, "mark"))


def _base_noun(pd: ParsedDoc, h: int) -> int:
    """The noun a coordinated or apposed noun stands for ("hijinks and sudden *death*": "hijinks")."""
    toks = pd.tokens
    j, steps = h, 0
    while toks[j].dep in ("conj", "appos") and toks[j].head != j and toks[toks[j].head].pos in ("NOUN", "PROPN") and (
            steps < 4):
        j, steps = toks[j].head, steps + 1
    return j


def _in_condition(pd: ParsedDoc, noun: int, kids) -> bool:
    """Whether a noun is the subject or complement of a clause of a condition ("*if* ... turned out to be the
    only *hope*"), through infinitives up to the clause's marker."""
    toks = pd.tokens
    if toks[noun].dep not in ("nsubj", "nsubjpass", "attr", "dobj") or toks[noun].head == noun:
        return False
    j, steps = toks[noun].head, 0
    while steps < 3:  # not "whether": "whether today's outage is the same order of magnitude" asks of a real one
        if any(toks[c].lemma.lower() in CONDITIONS - {"whether"} for c in kids(j, "mark")):
            return True
        if toks[j].dep != "xcomp" or toks[j].head == j:
            return False
        j, steps = toks[j].head, steps + 1
    return False


def _when_ever(pd: ParsedDoc, j: int, kids) -> bool:
    """ "*when* they *ever* win a title": a clause of "when" with "ever" is a condition, not a time."""
    toks = pd.tokens
    mods = {toks[c].lemma.lower() for c in kids(j, "advmod", "mark")}
    return "when" in mods and "ever" in mods


def _causing_verb(pd: ParsedDoc, noun: int) -> int | None:
    """The verb of ``CAUSING`` whose object, or the object of whose "to", "in", "into" or "for", the noun is
    ("could *prompt* a special election", "could *lead to* war"), or None."""
    toks = pd.tokens
    t = toks[noun]
    head = t.head
    if head == noun:
        return None
    if t.dep == "pobj" and toks[head].lemma in _CAUSING_PREPS and toks[head].head != head:
        head = toks[head].head
    elif t.dep != "dobj":  # not a passive subject: "the shooting *may* have been caused by a ricochet" happened
        return None
    return head if toks[head].pos == "VERB" and toks[head].lemma in CAUSING else None


def _would(pd: ParsedDoc, j: int, kids) -> bool:
    """Whether the verb at ``j`` carries "would" as what might be ("would ruin his life"), not a past habit or a
    later turn of a story ("would *later* become") nor the reported "will" of what someone said."""
    toks = pd.tokens
    if not any(toks[c].text.lower() == "would" for c in kids(j, "aux")) or _reported(pd, j, kids):
        return False
    return not any(toks[c].lemma.lower() in ("later", "eventually", "soon", "then", "often", "always")
                   for c in kids(j, "advmod"))


#: Verbs whose "if" means "whether" ("*asked if* that gave him pause for issuing new rules"): an indirect question.
_ASKING_VERBS = {"ask", "wonder", "know", "see", "check", "question", "decide", "determine", "unsure", "sure",
                 "doubt", "tell", "say", "find", "learn", "investigate", "examine", "consider", "discuss", "debate"}


def _in_if_clause(pd: ParsedDoc, h: int) -> bool:
    """Whether the word at ``h`` lies inside an adverbial clause of "if" or "unless" anywhere above it ("if you
    are still using the same password for every site you *visit*"): a verb, or a noun that is a subject, an
    object or a modifier of one, not the object of a preposition. Not a clause that is the object of a verb
    ("asked *if* the attack was planned": whether, of a real attack), and not past the sentence's root."""
    toks = pd.tokens
    if toks[h].pos in ("NOUN", "PROPN") and toks[h].dep not in ("nsubj", "nsubjpass", "dobj", "attr", "compound"):
        return False  # "faces life *if* convicted of *murder*": the murder charged is real, the verdict is not
    j, steps = h, 0
    while steps < 8:
        t = toks[j]
        if t.dep == "advcl" and toks[t.head].lemma not in _ASKING_VERBS and any(
                toks[c].dep == "mark" and toks[c].lemma.lower() in ("if", "unless") for c in pd.children(j)):
            return True
        if t.head == j:
            return False
        j, steps = t.head, steps + 1
    return False


def _habitual(pd: ParsedDoc, j: int, kids) -> bool:
    """Whether the verb at ``j`` tells a habit: present tense (or a present passive) with a word of frequency
    ("the union *usually* strikes", "*every year* the festival draws", "are *routinely* arrested")."""
    toks = pd.tokens
    t = toks[j]
    if t.pos not in ("VERB", "AUX"):
        return False
    present = t.tag in ("VBZ", "VBP") or (t.tag == "VBN" and any(
        toks[c].tag in ("VBZ", "VBP") for c in kids(j, "auxpass", "aux")))
    if not present:
        return False
    for c in kids(j, "advmod", "npadvmod"):
        w = toks[c].lemma.lower()
        if w in FREQUENCY:
            return True
        if w in _PERIODS and any(toks[d].lemma.lower() in ("every", "each") for d in kids(c, "det")):
            return True
    return False
