"""Who, to whom, where and when for one trigger: noun phrases to actors, place and date spans.

Works on a ``ParsedDoc``. With a parse, arguments are read off dependency relations of the trigger (and of
the light verb it is the object of: "carried out strikes"); without one, off word windows that never cross a
clause boundary. Either way every slot comes from the trigger's own sentence, except that "the group",
"the militia", "they" and "it" are resolved to a named actor from the same or the three preceding sentences
of the same document (``references.References``). Precision over recall: a slot that cannot be read safely
stays empty.
"""

from __future__ import annotations

from wiredesk.events.lexicon import Lexicon
from wiredesk.events.model import Actor
from wiredesk.events.nlp import ParsedDoc, Token
from wiredesk.events.references import References

QUANTITIES = {"dozen": 12, "dozens": 24, "score": 20, "scores": 40, "hundred": 100, "hundreds": 200,
              "thousand": 1000, "thousands": 2000, "million": 1_000_000, "millions": 2_000_000,
              # French (no English word is spelled the same)
              "dizaine": 10, "dizaines": 24, "douzaine": 12, "douzaines": 24, "centaine": 100, "centaines": 200,
              "millier": 1000, "milliers": 2000}
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
                 "thirty": 30, "forty": 40, "fifty": 50,
                 "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "huit": 8, "neuf": 9, "dix": 10, "vingt": 20}
_DESCEND_OF = {"dozen", "dozens", "hundred", "hundreds", "thousand", "thousands", "score", "scores", "some",
               "many", "most", "all", "group", "number", "one", "two", "three", "several", "million", "site",
               "member", "head", "part", "half", "majority", "few", "mob", "crowd",
               "dizaine", "douzaine", "centaine", "millier", "groupe", "foule"}
_BACKING = {"backed", "sponsored", "sanctioned", "allied", "supported", "aligned", "funded", "led", "linked",
            "affiliated", "inspired", "trained", "armed", "based"}
_PRONOUNS = {"they", "them", "it", "he", "she", "him", "her"}
_TITLES = {"president", "minister", "secretary", "ambassador", "commander", "general", "chief", "leader",
           "spokesman", "spokeswoman", "governor", "mayor", "senator", "official", "king", "prince", "head"}
CONTAINERS = {"compound", "building", "headquarters", "office", "residence", "convoy", "mission", "wall",
              "gate", "consulate", "camp", "facility", "station", "post", "checkpoint", "site", "base"}
_MILITARY_TITLES = {"commander", "general", "colonel", "chief"}
LIGHT_VERBS = {"carry", "conduct", "launch", "stage", "hold", "mount", "begin", "start", "lead", "commit",
               "perpetrate", "order", "claim", "follow", "continue", "unleash", "execute", "fire", "use", "make"}


class ArgumentReader:
    """Reads actors and places off a parsed document; one per document (it holds the references)."""

    def __init__(self, doc: ParsedDoc, lexicon: Lexicon, offset: int = 0, refs: References | None = None):
        self.doc = doc
        self.lex = lexicon
        self.offset = offset  # where this parsed text starts in the document's body text
        self.refs = refs or References()

    # --- noun phrases -------------------------------------------------------------------------------------

    def np_tokens(self, head: int) -> list[int]:
        """The head noun with its left modifiers (compounds, adjectives, possessives, numbers, names)."""
        out = {head}
        stack = [head]
        while stack:
            j = stack.pop()
            for c in self.doc.children(j):
                if c < head + 1 and self.doc.tokens[c].dep in (
                        "compound", "amod", "nmod", "poss", "nummod", "npadvmod", "punct", "case", "quantmod"):
                    if self.doc.tokens[c].dep == "punct" and self.doc.tokens[c].text != "-":
                        continue
                    out.add(c)
                    stack.append(c)
        toks = sorted(out)
        # keep it contiguous
        lo = toks[0]
        while lo < head and lo not in out:
            lo += 1
        return [i for i in range(lo, head + 1) if i in out]

    def descend(self, head: int) -> tuple[int, int | None]:
        """From "dozens of militiamen" / "five sites of Kataeb Hezbollah" to the noun that names the actor,
        with the quantity that was skipped (for crowd sizes)."""
        quantity = None
        for _ in range(3):
            t = self.doc.tokens[head]
            low = t.text.lower()
            if low in QUANTITIES:
                quantity = QUANTITIES[low]
            elif t.like_num and t.pos == "NUM":
                quantity = _to_int(t.text)
            if t.lemma not in _DESCEND_OF and low not in _DESCEND_OF and not (t.like_num and t.pos == "NUM"):
                break
            nxt = None
            for c in self.doc.children(head):
                if self.doc.tokens[c].dep == "prep" and self.doc.tokens[c].lemma in ("of", "de"):
                    pobj = [g for g in self.doc.children(c) if self.doc.tokens[g].dep == "pobj"]
                    nxt = pobj[0] if pobj else None
            if nxt is None:
                break
            head = nxt
        for c in self.doc.children(head):
            ct = self.doc.tokens[c]
            if ct.dep == "nummod" or (ct.dep == "amod" and ct.text.lower() in QUANTITIES):
                quantity = quantity or _to_int(ct.text) or QUANTITIES.get(ct.text.lower())
        return head, quantity

    def actor_from_head(self, head: int, sentence: int, default_kind: str | None = None) -> Actor | None:
        """An actor for the noun phrase headed by ``head`` or None when it names no one."""
        head, _ = self.descend(head)
        t = self.doc.tokens[head]
        if t.pos == "PRON" or t.text.lower() in _PRONOUNS:
            if t.text.lower() not in _PRONOUNS:
                return None
            res = self.refs.resolve_pronoun(t.text.lower(), sentence, self.offset + t.start)
            return _resolved(res, t, self.offset) if res else None
        toks = self.np_tokens(head)
        actor = self.actor_from_tokens(toks, None, default_kind)
        kids = self.doc.children(head)
        if actor is None and t.lemma in ("group", "organization", "organisation", "movement") and self._is_definite(
                toks):
            res = self.refs.resolve_definite(None, t.lemma, sentence, self.offset + self.doc.tokens[toks[0]].start)
            return _resolved(res, t, self.offset, first=self.doc.tokens[toks[0]]) if res else None
        # "25 fighters of the militia", "five sites of Kataeb Hezbollah": the named owner names the actor
        if actor is None or (actor.country is None and actor.name == actor.text):
            for c in kids:
                if self.doc.tokens[c].dep == "prep" and self.doc.tokens[c].lemma == "of":
                    for g in self.doc.children(c):
                        if self.doc.tokens[g].dep == "pobj":
                            owner = self.actor_from_head(g, sentence, default_kind)
                            if owner and (owner.country or owner.name != owner.text):
                                return owner
        if actor is None:
            return None
        if actor.country is None and self.lex.language != "en":  # "l'ambassade américaine": adjectives follow
            for c in kids:
                country = self.lex.country_of(self.doc.tokens[c].text) if self.doc.tokens[c].dep == "amod" else None
                if country and c > head:
                    actor = Actor(actor.text, actor.name, actor.kind, country, actor.start, actor.end,
                                  named=actor.named)
                    break
        # "its fighters": whose fighters
        poss = [c for c in kids if self.doc.tokens[c].dep == "poss" and self.doc.tokens[c].text.lower() in (
            "its", "their")]
        if poss and actor.country is None:
            p = self.doc.tokens[poss[0]]
            res = self.refs.resolve_pronoun("its" if p.text.lower() == "its" else "they", sentence,
                                            self.offset + p.start)
            if res:
                return Actor(actor.text, res.name, res.kind if res.kind else actor.kind, res.country, actor.start,
                             actor.end, resolved_from=res.start, named=res.named)
        # Appositive name: "Kataib Hezbollah's commander, Abu Mahdi al-Muhandis".
        appos = [c for c in kids if self.doc.tokens[c].dep == "appos" and self.doc.tokens[c].ent == "PERSON"]
        if appos:
            person = [i for i in self.np_tokens(appos[0]) if self.doc.tokens[i].ent == "PERSON"]
            if person:
                name = self.doc.text[self.doc.tokens[person[0]].start:self.doc.tokens[person[-1]].end]
                return Actor(actor.text, name, actor.kind or "person", actor.country, actor.start, actor.end,
                             named=True)
        if actor.country is None and actor.name == actor.text and self._is_definite(toks):
            res = self.refs.resolve_definite(actor.kind, t.lemma, sentence, self.offset + self.doc.tokens[toks[0]].start)
            if res:
                return _resolved(res, t, self.offset, first=self.doc.tokens[toks[0]])
        return actor

    def _is_definite(self, toks: list[int]) -> bool:
        first = self.doc.tokens[toks[0]]
        det = [c for c in self.doc.children(toks[-1]) if self.doc.tokens[c].dep == "det"]
        words = {self.doc.tokens[d].text.lower() for d in det}
        if first.text.lower() in ("the", "this", "that", "these", "those"):
            words.add(first.text.lower())
        return bool(words & {"the", "this", "that", "these", "those"}) and not any(
            self.doc.tokens[i].ent in ("PERSON", "ORG", "GPE") for i in toks)

    def actor_from_tokens(self, toks: list[int], name_toks: list[int] | None = None,
                          default_kind: str | None = None) -> Actor | None:
        """Classify a span of tokens: lexicon names and words, entities, country adjectives."""
        tokens = [self.doc.tokens[i] for i in toks]
        name_tokens = [self.doc.tokens[i] for i in (name_toks or toks)]
        words, lemmas = _glued(tokens)
        kind = None
        canonical = None
        country = None
        # 1. lexicon phrases, longest first, on surface words then lemmas
        best = None
        for seq in (words, lemmas):
            for n in range(min(self.lex.max_actor_len, len(seq)), 0, -1):
                for a in range(0, len(seq) - n + 1):
                    entry = self.lex.actor_entry(tuple(seq[a:a + n]))
                    if entry and (best is None or (a + n, n, entry.name is not None) > (
                            best[0][2] + best[0][0], best[0][0], best[0][1])):
                        best = ((n, entry.name is not None, a), entry)
        named_mod = None
        for seq in (words, lemmas):
            for n in range(min(self.lex.max_actor_len, len(seq)), 1, -1):
                for a in range(0, len(seq) - n + 1):
                    entry = self.lex.actor_entry(tuple(seq[a:a + n]))
                    if entry and entry.name and named_mod is None:
                        named_mod = entry
        if best and best[0][0] + best[0][2] < len(words) and lemmas[-1] not in CONTAINERS:
            best = None  # "military base": the phrase must name the head, not modify it
        if best:
            entry = best[1]
            kind, canonical, country = entry.kind, entry.name, entry.country
            if canonical is None and named_mod is not None and named_mod.kind == kind:
                # "Hashd al-Shaabi fighters", "Kataeb Hezbollah militia": the name modifies the head
                canonical, country = named_mod.name, named_mod.country
        # 2. countries from adjectives and names, skipping "Iran-backed" / "pro-Iran"
        for k, t in enumerate(tokens):
            if self._is_backing(toks[k]):
                continue
            c = self.lex.country_of(t.text)
            if c and country is None:
                country = c
        # 3. named entities
        ents = {t.ent for t in name_tokens if t.ent}
        head = tokens[-1]
        if "PERSON" in ents and canonical is None:
            person = [t for t in name_tokens if t.ent == "PERSON"]
            canonical = self.doc.text[person[0].start:person[-1].end]
            if kind is None or kind in ("civilians",):
                kind = "person"
            titles = {t.lemma for t in tokens} & _TITLES
            if titles:
                kind = "military" if titles & _MILITARY_TITLES and kind != "government" else (
                    "government" if kind in (None, "person") else kind)
        elif head.ent == "GPE" and canonical is None and country is None:
            return None
        elif head.ent == "GPE" and canonical is None and kind is None:
            kind = default_kind or "government"
            canonical = self.lex.country_name(country) or head.text
        elif "ORG" in ents and kind is None:
            kind = "organization"
        elif head.ent == "NORP" and kind is None:
            kind = default_kind
        if kind is None and canonical is None:
            if country and head.ent in ("GPE", "NORP"):
                kind = default_kind or "government"
                canonical = self.lex.country_name(country)
            else:
                return None
        start = self.offset + tokens[0].start
        end = self.offset + tokens[-1].end
        surface = self.doc.text[tokens[0].start:tokens[-1].end]
        if tokens[0].text.lower() in ("the", "a", "an") and len(tokens) > 1:
            surface = self.doc.text[tokens[1].start:tokens[-1].end]
            start = self.offset + tokens[1].start
        name = canonical or surface
        named = canonical is not None or bool(ents & {"PERSON", "ORG"})
        return Actor(surface, name, kind, country, start, end, named=named)

    def _is_backing(self, i: int) -> bool:
        toks = self.doc.tokens
        if i + 2 < len(toks) and toks[i + 1].text == "-" and toks[i + 2].text.lower() in _BACKING:
            return True
        if "-" in toks[i].text and toks[i].text.lower().split("-")[-1] in _BACKING:
            return True
        if i >= 2 and toks[i - 1].text == "-" and toks[i - 2].text.lower() == "pro":
            return True
        return toks[i].text.lower().startswith("pro-")

    # --- windows for back-ends without a parse -----------------------------------------------------------

    def actor_in_window(self, lo: int, hi: int, prefer: str, sentence: int) -> Actor | None:
        """The actor phrase nearest the trigger inside [lo, hi): nearest to ``hi`` when ``prefer`` is
        "left", nearest to ``lo`` when "right"."""
        rng = range(hi - 1, lo - 1, -1) if prefer == "left" else range(lo, hi)
        for i in rng:
            t = self.doc.tokens[i]
            lw = t.text.lower()
            if lw in _PRONOUNS and prefer == "left":
                res = self.refs.resolve_pronoun(lw, sentence, self.offset + t.start)
                return _resolved(res, t, self.offset) if res else None
            is_head = (self.lex.actor_entry((t.lemma,)) is not None or t.ent in ("PERSON", "ORG")
                       or (t.ent in ("GPE", "NORP") and (i + 1 >= hi or not self._is_modifier(i + 1, hi))))
            if not is_head:
                continue
            # extend to the whole phrase: capitalised/country/adjective words before, name words after
            a = i
            while a - 1 >= lo and (self.doc.tokens[a - 1].text[:1].isupper() or self.doc.tokens[a - 1].text in (
                    "-",) or self.lex.country_of(self.doc.tokens[a - 1].text)) and self.doc.tokens[a - 1].text not in (
                    ",", "the", "The"):
                a -= 1
            b = i + 1
            while b < hi and self.doc.tokens[b].ent and self.doc.tokens[b].ent == t.ent and t.ent:
                b += 1
            if prefer == "left" and b < hi and self.lex.actor_entry((self.doc.tokens[b].lemma,)):
                continue
            actor = self.actor_from_tokens(list(range(a, b)))
            if actor:
                return actor
        return None

    def _is_modifier(self, i: int, hi: int) -> bool:
        return i < hi and (self.doc.tokens[i].text[:1].isupper() or self.lex.actor_entry(
            (self.doc.tokens[i].lemma,)) is not None or self.doc.tokens[i].text == "-")


def _glued(tokens: list[Token]) -> tuple[list[str], list[str]]:
    """Words as written ("al-Shaabi", "Iran-backed" stay one word) and their lemmas, lower case."""
    words: list[str] = []
    lemmas: list[str] = []
    prev = None
    for t in tokens:
        text = t.text.lower().replace("\u2019", "'")
        if prev is not None and (t.start == prev.end and (t.text == "-" or prev.text == "-")):
            words[-1] += text
            lemmas[-1] = words[-1] if t.text == "-" else lemmas[-1][: len(lemmas[-1])] + t.lemma
            lemmas[-1] = words[-1]
        else:
            words.append(text)
            lemmas.append(t.lemma)
        prev = t
    return words, lemmas


def _resolved(res: Actor, t: Token, offset: int, first: Token | None = None) -> Actor:
    start = offset + (first or t).start
    return Actor(res.text, res.name, res.kind, res.country, start, offset + t.end, resolved_from=res.start,
                 named=res.named)


def _to_int(text: str) -> int | None:
    low = text.lower().replace(",", "")
    if low in _NUMBER_WORDS:
        return _NUMBER_WORDS[low]
    if low in QUANTITIES:
        return QUANTITIES[low]
    try:
        return int(float(low))
    except ValueError:
        return None


def count_of(doc: ParsedDoc, i: int) -> int | None:
    """A number for the noun phrase at ``i``: "25 fighters" → 25, "an American contractor" → 1,
    "dozens more" → 24, "25 of its fighters" → 25."""
    t = doc.tokens[i]
    if t.like_num or t.text.lower() in QUANTITIES or t.text.lower() in _NUMBER_WORDS:
        n = _to_int(t.text)
        if n is not None and t.text.lower() not in ("a", "an"):
            return n
    for c in doc.children(i):
        ct = doc.tokens[c]
        if ct.dep in ("nummod", "quantmod") or (ct.dep == "amod" and ct.text.lower() in QUANTITIES):
            n = _to_int(ct.text)
            if n is not None:
                return n
        if ct.dep == "det" and ct.text.lower() in ("a", "an") and t.tag in ("NN", "NNP"):
            return 1
    return None


def count_of_victims(doc: ParsedDoc, i: int) -> int | None:
    """Like ``count_of``, and one for a singular victim ("the murder of the US ambassador")."""
    n = count_of(doc, i)
    if n is None and doc.tokens[i].tag in ("NN", "NNP") and doc.tokens[i].pos in ("NOUN", "PROPN"):
        return 1
    return n

