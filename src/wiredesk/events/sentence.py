"""One sentence → event mentions: triggers, their arguments, casualty folding, merging, confidence.

``SentenceReader`` is the per-sentence half of ``DefaultEventExtractor`` (``extract.py`` holds the
document loop): it finds triggers (``triggers.py``), reads each trigger's slots with ``ArgumentReader``
(from the parse, or from word windows without one), folds casualty verbs into the attack they report,
merges linked same-class triggers and scores a confidence. Pure: a parsed sentence in, mentions out.
"""

from __future__ import annotations

from dataclasses import replace

from wiredesk.events.arguments import LIGHT_VERBS, ArgumentReader, count_of, count_of_victims
from wiredesk.events.dates import resolve_date
from wiredesk.events.lexicon import Lexicon, TriggerEntry
from wiredesk.events.locations import clause_places, place_candidates
from wiredesk.events.model import UNKNOWN_DATE, DateRef, DocumentInput, EventMention, Place
from wiredesk.events.nlp import ParsedDoc, Sentence
from wiredesk.events.merge import linked, merge_same_class, renames
from wiredesk.events.modality import FUTURE, modality, negated
from wiredesk.events.places import Gazetteer
from wiredesk.events.triggers import TriggerMatcher

_CASUALTY = {"kill": "killed", "wound": "wounded", "injure": "wounded", "tuer": "killed", "blesser": "wounded"}
#: Classes whose mentions need a named actor (the speaker of a statement).
SPEAKER_REQUIRED = frozenset({"STATEMENT"})
_BOUNDARY = {",", ";", ":", "(", ")", "\u2014", "\u2013", "\"", "\u201c", "\u201d", "that", "which", "who",
             "after", "before", "when", "while", "because", "as", "but", "amid", "following", "since"}
_DEFAULT_KIND = {"ASSAULT": "military", "COERCE": "military", "MOBILIZE": "military", "RETREAT": "military",
                 "PROTEST": "protesters", "STATEMENT": None}
#: Classes a casualty verb reports the toll of ("airstrikes that *killed* 25"; since ``events/7`` also "a fire
#: *killed* two": the deaths belong to the disaster, not to an attack of their own)
_CAUSES = {"ASSAULT", "DISASTER"}
#: CAMEO codes of attacks that say nothing of the weapon: by a crowd they are a violent protest
_GENERIC_ATTACK = {"190", "182"}


class SentenceReader:
    """Reads the event mentions of one sentence. One per extractor; holds only the lexicon and gazetteer."""

    def __init__(self, lexicon: Lexicon, gazetteer: Gazetteer) -> None:
        self.lexicon = lexicon
        self.gazetteer = gazetteer
        self._known_place = lambda name: gazetteer.lookup(name) is not None  # a mislabelled city in place position
        self.triggers = TriggerMatcher(lexicon)

    def mentions(self, doc: DocumentInput, pd: ParsedDoc, reader: ArgumentReader, sent: Sentence,
                 sidx: int, offset: int, position: int, context: frozenset[str] = frozenset()) -> list[EventMention]:
        """The mentions of one parsed sentence; ``context``: the document's disambiguation words
        (``TriggerWords.document_context``)."""
        triggers, modifiers = self.triggers.fold_modifiers(pd, self.triggers.find(pd, sent, context))
        if not triggers:
            return []
        heads = {}
        for a, b, e in triggers:
            h = a if (e.pos == "V" or (pd.has_parse and pd.tokens[a].pos == "VERB")) else b - 1
            heads[h] = (a, b, e)
        built: dict[int, dict] = {}
        for h, (a, b, e) in heads.items():
            built[h] = self._arguments(doc, pd, reader, sent, sidx, h, a, b, e, heads)
            if h in modifiers:  # "the DUI charge": the modifier's words belong to this mention
                built[h].setdefault("merged", []).extend(modifiers[h])
        # 3. casualty verbs fold into the attack or disaster they report; "killing ... in a rocket attack" into the attack
        for h in list(built):
            slots = built[h]
            owner = slots.get("owner")
            if owner is not None and owner in built and owner != h:
                target = built[owner]
                for key in ("actor", "target", "date", "place"):
                    if target.get(key) in (None, UNKNOWN_DATE) and slots.get(key) not in (None, UNKNOWN_DATE):
                        target[key] = slots[key]
                for key in ("killed", "wounded"):
                    if target.get(key) is None and slots.get(key) is not None:
                        target[key] = slots[key]
                if slots.get("victims") is not None:
                    target["target"] = slots["victims"]  # the dead are whom the attack hit
                target.setdefault("merged", []).append((slots["a"], slots["b"]))
                del built[h]
        # 4. a statement counts only with a named speaker ("Pompeo said", "the Pentagon said", "Iraqi
        #    officials said"; not "he said", "officials said"): who said it is all that makes "said" news
        for h in [h for h, slots in built.items() if slots["entry"].event_class in SPEAKER_REQUIRED]:
            if _speaker_unnamed(built[h]):
                del built[h]
        order = sorted(built)
        mentions = [self._mention(doc, pd, sent, sidx, offset, position, h, built[h]) for h in order]
        links = [[linked(pd, order[i], order[j]) for j in range(len(order))] for i in range(len(order))]
        renamed = [[pd.has_parse and (renames(pd, order[i], order[j]) or renames(pd, order[j], order[i]))
                    for j in range(len(order))] for i in range(len(order))]
        return merge_same_class(mentions, links, renamed)

    def _arguments(self, doc, pd: ParsedDoc, reader: ArgumentReader, sent: Sentence, sidx: int, h: int, a: int,
                   b: int, entry: TriggerEntry, heads: dict) -> dict:
        toks = pd.tokens
        cls = entry.event_class
        default_kind = _DEFAULT_KIND.get(cls, "government")
        slots: dict = {"entry": entry, "a": a, "b": b, "actor": None, "target": None, "place": None,
                       "date": UNKNOWN_DATE, "killed": None, "wounded": None, "crowd": None, "negated": False,
                       "modality": None, "owner": None}
        t = toks[h]
        is_verb = t.pos == "VERB" if pd.has_parse else ("V" in entry.pos and t.lemma == entry.words[0])
        if pd.has_parse:
            anchors = {h}
            kids = lambda i, *deps: [c for c in pd.children(i) if toks[c].dep in deps]  # noqa: E731
            light = None
            if not is_verb and t.dep in ("dobj", "nsubjpass") and toks[t.head].pos == "VERB" and (
                    t.head not in heads and toks[t.head].lemma in LIGHT_VERBS):
                light = t.head
                anchors.add(light)
            actor_head = target_head = None
            if is_verb:
                subj = kids(h, "nsubj")
                agent = [g for c in kids(h, "agent") for g in kids(c, "pobj")]
                passive = kids(h, "nsubjpass")
                if agent:
                    actor_head = agent[0]
                elif subj:
                    actor_head = subj[0]
                    if toks[actor_head].lemma in ("that", "which", "who") and t.dep == "relcl":
                        actor_head = t.head
                elif t.dep == "relcl" and not kids(h, "auxpass", "nsubjpass"):
                    actor_head = t.head
                else:
                    j, steps = h, 0
                    while _inherits_subject(pd, j) and steps < 3:
                        j = toks[j].head
                        steps += 1
                        s = kids(j, "nsubj")
                        if s:
                            actor_head = s[0]
                            break
                objs = [o for o in kids(h, "dobj") + passive if toks[o].lemma not in ("that", "which", "who")]
                for p in kids(h, "prep"):
                    if toks[p].lemma in ("on", "against", "at", "into", "upon"):
                        objs.extend(kids(p, "pobj"))
                for o in objs:
                    if o not in heads and reader.actor_from_head(o, sidx, "government") is not None:
                        target_head = o
                        break
            else:
                for c in pd.children(h):
                    ct = toks[c]
                    if ct.dep in ("compound", "amod", "poss", "nmod") and ct.i < h and not reader._is_backing(c):
                        if ct.ent in ("GPE", "NORP", "ORG") or ct.lemma in ("pentagon",):
                            geo = self.gazetteer.lookup(ct.text) if ct.ent == "GPE" else None
                            if geo and geo.feature == "city":
                                continue  # "the Benghazi embassy siege": a place, read below
                            actor_head = c
                    if ct.dep == "prep" and ct.lemma == "by":
                        pobj = kids(c, "pobj")
                        if pobj:
                            actor_head = pobj[0]
                    if ct.dep == "acl":
                        for ag in kids(c, "agent"):
                            pobj = kids(ag, "pobj")
                            if pobj:
                                actor_head = pobj[0]
                        if toks[c].lemma in ("target", "hit", "against"):
                            obj = kids(c, "dobj")
                            if obj:
                                target_head = obj[0]
                    if ct.dep == "prep" and ct.lemma in ("on", "against", "of", "targeting") and target_head is None:
                        if ct.lemma == "of" and cls not in ("ASSAULT", "COERCE"):
                            continue
                        pobj = kids(c, "pobj")
                        if pobj and pobj[0] not in heads:
                            target_head = pobj[0]
                if light is not None:
                    subj = kids(light, "nsubj")
                    agent = [g for c in kids(light, "agent") for g in kids(c, "pobj")]
                    if actor_head is None and (agent or subj):
                        actor_head = (agent or subj)[0]
                    if target_head is None:
                        for p in kids(light, "prep"):
                            if toks[p].lemma in ("on", "against", "at"):
                                pobj = kids(p, "pobj")
                                if pobj:
                                    target_head = pobj[0]
                                    break
            if not is_verb:  # "the siege led by ... in 2012", "strikes targeting ... in Iraq"
                anchors.update(c for c in pd.children(h) if toks[c].dep == "acl" and c not in heads)
            if actor_head is not None and actor_head not in heads:
                slots["actor"] = reader.actor_from_head(actor_head, sidx, default_kind)
                if cls == "PROTEST":
                    _, q = reader.descend(actor_head)
                    slots["crowd"] = q
            if target_head is not None and target_head not in heads:
                slots["target"] = reader.actor_from_head(target_head, sidx, "government")

            def owner_ok(i: int) -> bool:
                j, steps = i, 0
                while steps < 10:
                    if j in anchors:
                        return True
                    nxt = toks[j].head
                    if nxt == j:
                        return False
                    if nxt in heads and nxt not in anchors:
                        return False
                    if toks[nxt].pos in ("VERB", "AUX") and nxt not in anchors:
                        # a noun trigger that is the object of this verb shares its time and place
                        if not is_verb and t.head == nxt and t.dep in ("dobj", "nsubjpass") and not any(
                                c in heads for c in pd.children(nxt) if c != h):
                            anchors.add(nxt)
                            return True
                        return False
                    j, steps = nxt, steps + 1
                return False

            # casualties: this verb reports deaths/injuries of an attack named elsewhere in the sentence
            if t.lemma in _CASUALTY and is_verb:
                self._casualty(pd, h, slots, heads, kids)
            elif cls == "ASSAULT" and not is_verb:
                for p in kids(h, "prep"):
                    if toks[p].lemma == "in":
                        for g in kids(p, "pobj"):
                            if g in heads and heads[g][2].event_class == "ASSAULT":
                                slots["owner"] = g
                                if toks[h].lemma in ("killing", "murder") and target_head is not None:
                                    slots["killed"] = count_of_victims(pd, target_head)
                                    slots["victims"] = slots["target"]
            if not is_verb and toks[h].lemma in ("killing", "murder", "assassination") and slots["killed"] is None and (
                    target_head is not None):
                slots["killed"] = count_of_victims(pd, target_head)
            slots["negated"] = negated(pd, h, kids)
            slots["modality"] = modality(pd, h, kids)
        else:
            owner_ok = self._window_args(pd, reader, sent, sidx, h, a, b, slots, default_kind, heads)
        slots["date"] = self._date(doc, pd, sent, owner_ok, slots["modality"], heads)
        slots["place"] = self._place(pd, reader, owner_ok, h if not is_verb else None) or self._place(
            pd, reader, None, None, clause_places(pd, sent, h, heads, self._known_place))
        return slots

    def _casualty(self, pd: ParsedDoc, h: int, slots: dict, heads: dict, kids) -> None:
        toks = pd.tokens
        key = _CASUALTY[toks[h].lemma]
        j = h
        while toks[j].dep == "conj" and toks[toks[j].head].lemma in _CASUALTY:
            j = toks[j].head
        subj = kids(j, "nsubj")
        owner = None
        if subj and subj[0] in heads:
            owner = subj[0]
        elif toks[j].dep == "relcl" and toks[j].head in heads:
            owner = toks[j].head
        elif subj and toks[subj[0]].lemma in ("that", "which"):
            owner = next((i for i in range(j - 1, max(j - 10, 0) - 1, -1)
                          if i in heads and heads[i][2].event_class in _CAUSES), None)
        elif not subj and (toks[j].dep == "conj" or (toks[j].dep == "advcl" and toks[j].tag == "VBG")) and (
                toks[j].head in heads and heads[toks[j].head][2].event_class == "DISASTER"):
            owner = toks[j].head  # "a quake struck southern Iran, killing seven", "was struck and killed by a car"
        victims = kids(h, "nsubjpass") or kids(h, "dobj")
        for p in kids(h, "prep", "agent"):
            if toks[p].lemma in ("in", "by", "during"):
                for g in kids(p, "pobj"):
                    if g in heads:
                        owner = g
        if victims:
            slots[key] = count_of(pd, victims[0])
            slots["victims"] = slots["target"]
        if owner is not None and heads[owner][2].event_class in _CAUSES:
            slots["owner"] = owner

    def _window_args(self, pd: ParsedDoc, reader: ArgumentReader, sent: Sentence, sidx: int, h: int, a: int,
                     b: int, slots: dict, default_kind: str, heads: dict):
        """Arguments without a parse: nearest actor phrase left and right inside the clause."""
        toks = pd.tokens
        lo = a
        while lo > sent.start and toks[lo - 1].text.lower() not in _BOUNDARY and (lo - 1) not in heads:
            lo -= 1
        hi = b
        while hi < sent.end and toks[hi].text.lower() not in _BOUNDARY and hi not in heads and hi - b < 8:
            hi += 1
        slots["actor"] = reader.actor_in_window(lo, a, "left", sidx)
        slots["target"] = reader.actor_in_window(b, hi, "right", sidx)
        if slots["actor"] is not None and slots["actor"].kind is None:
            slots["actor"] = replace(slots["actor"], kind=default_kind)
        left = [x.text.lower() for x in toks[max(lo, a - 3):a]]
        slots["negated"] = bool({"not", "no", "never", "n't"} & set(left))
        for w in left:
            if w in FUTURE:
                slots["modality"] = FUTURE[w]
            if w in ("tried", "attempted", "sought"):
                slots["modality"] = "attempted"
            if w in ("vowed", "pledged", "promised", "threatened", "planned"):
                slots["modality"] = "intended"
        if toks[h].lemma in _CASUALTY:
            # "airstrikes on Sunday that killed 25 fighters": the number, and the attack it belongs to
            n = count_of(pd, b) if b < sent.end else None
            key = _CASUALTY[toks[h].lemma]
            slots[key] = n
            for i in range(a - 1, max(a - 9, sent.start) - 1, -1):
                if i in heads and heads[i][2].event_class == "ASSAULT" and toks[i].lemma not in _CASUALTY:
                    slots["owner"] = i
                    break
        n_triggers = len(heads)
        return lambda i: (lo - 2 <= i <= hi) or n_triggers == 1

    def _date(self, doc: DocumentInput, pd: ParsedDoc, sent: Sentence, owner_ok, modality, heads) -> DateRef:
        for e in pd.entities:
            if e.start < sent.start or e.end > sent.end or e.label not in ("DATE", "TIME"):
                continue
            root = e.end - 1
            if pd.has_parse:
                for i in range(e.start, e.end):
                    hh = pd.tokens[i].head
                    if hh < e.start or hh >= e.end or hh == i:
                        root = i
                        break
            if not owner_ok(root):
                continue
            ref = resolve_date(e.text, doc.published_at, future=modality == "future")
            if ref is not None:
                return ref
        return UNKNOWN_DATE

    def _place(self, pd: ParsedDoc, reader: ArgumentReader, owner_ok, noun_head: int | None,
               candidates: list[int] | None = None) -> Place | None:  # the most specific of the trigger's
        candidates = place_candidates(pd, owner_ok, self._known_place) if candidates is None else candidates
        if noun_head is not None and pd.has_parse:
            for c in reader.np_tokens(noun_head):  # "the Benghazi embassy siege"
                ct = pd.tokens[c]
                if ct.dep == "compound" and ct.ent == "GPE" and c < noun_head:
                    geo = self.gazetteer.lookup(ct.text)
                    if geo and geo.feature == "city":
                        candidates.append(c)
        best = None
        rank = {"city": 0, "us_state": 1, "country": 2, "unresolved": 3}
        for root in candidates:
            ent = pd.entity_at(root)
            if ent is None:
                continue
            text = ent.text
            geo = self.gazetteer.lookup(text)
            start, end = reader.offset + ent.start_char, reader.offset + ent.end_char
            if geo:
                place = Place(text, geo.name, geo.country, geo.latitude, geo.longitude, geo.feature, geo.geonameid,
                              start, end)
            elif ent.label in ("FAC", "LOC", "GPE"):
                place = Place(text, _strip_the(text), None, None, None, "unresolved", None, start, end)
            else:
                continue
            if best is None or rank[place.feature] < rank[best.feature]:
                best = place
        return best

    def _mention(self, doc: DocumentInput, pd: ParsedDoc, sent: Sentence, sidx: int, offset: int, position: int,
                 h: int, slots: dict) -> EventMention:
        entry: TriggerEntry = slots["entry"]
        a, b = slots["a"], slots["b"]
        toks = pd.tokens
        filled = sum(slots[k] is not None for k in ("actor", "target", "place")) + (slots["date"].known)
        conf = entry.weight + 0.05 * filled
        if not pd.has_parse:
            conf -= 0.15
        for k in ("actor", "target"):
            if slots[k] is not None and slots[k].resolved_from is not None:
                conf -= 0.05
        if slots["modality"]:
            conf *= 0.8
        conf = round(min(0.99, max(0.05, conf)), 3)
        cls, cameo = entry.event_class, entry.cameo
        if cls == "ASSAULT" and cameo in _GENERIC_ATTACK and slots["actor"] is not None and (
                slots["actor"].kind == "protesters"):
            cls, cameo = "PROTEST", "145"  # a mob or crowd attacking: violent protest (CAMEO 145), not war
        return EventMention(
            doc_key=doc.doc_key, source=doc.source, published_at=doc.published_at, sentence_index=sidx,
            sentence=pd.text[sent.start_char:sent.end_char], sentence_start=offset + sent.start_char,
            sentence_end=offset + sent.end_char, trigger=pd.text[toks[a].start:toks[b - 1].end],
            trigger_start=offset + toks[a].start, trigger_end=offset + toks[b - 1].end,
            event_class=cls, cameo=cameo, actor=slots["actor"], target=slots["target"],
            place=slots["place"], date=slots["date"], killed=slots["killed"], wounded=slots["wounded"],
            crowd=slots["crowd"], negated=slots["negated"], modality=slots["modality"], confidence=conf,
            paragraph_position=position, trigger_lemma=entry.lemma,
            merged_triggers=tuple((offset + toks[x].start, offset + toks[y - 1].end) for x, y in slots.get("merged", ())))


def _speaker_unnamed(slots: dict) -> bool:
    """Whether a statement's speaker is unknown: not a proper name ("Pompeo", "the Pentagon") nor a
    country's institution ("the U.S. military", "Iraqi officials")."""
    actor = slots.get("actor")
    return actor is None or not (actor.named or (actor.country and actor.kind in ("government", "military", "police")))


def _inherits_subject(pd: ParsedDoc, j: int) -> bool:
    """Whether a verb without a subject shares its governor's: "tried to storm", "broke in, smashing",
    "smashed and set fire"; not "after they smashed" (a clause with a marker has a subject of its own)."""
    t = pd.tokens[j]
    if pd.tokens[t.head].pos not in ("VERB", "AUX") or t.head == j:
        return False
    if t.dep in ("xcomp", "conj"):
        return True
    if t.dep == "advcl":
        return t.tag in ("VBG", "VBN") and not any(pd.tokens[c].dep == "mark" for c in pd.children(j))
    return False


def _strip_the(name: str) -> str:
    return name[4:] if name.lower().startswith("the ") else name
