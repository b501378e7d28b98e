"""Where a trigger happened: the place names of its sentence that are used as its place (parse or word windows).

A place is a GPE, LOC or FAC entity that is the object of a locative preposition ("in Basra", "at the
embassy in Baghdad"), or stands for the noun such a preposition governs: "the Leipzig district", "the German
city of Leipzig", "the streets of Lyon". It belongs to a trigger when the preposition hangs off the trigger
(``owner_ok``, decided by the argument reader: "a fire in Leipzig", "the blaze at a hotel in Rosario"), or,
failing that, when it lies in the trigger's own clause, such as a place on the subject ("Rail workers in
Sofia went on strike"), but never one of another clause ("Officials in Washington said militants attacked a
convoy"), one hanging off another trigger, or one scoping an adjective ("the worst in Nigeria"). Without a
parse: an entity right after a locative preposition inside the trigger's window.

The small English model often labels a city it has not seen as a person or an organisation ("in the city of
Durban", "a hotel in Rosario"): in a locative position, a PERSON or ORG entity the gazetteer knows as a place
(``known``) is taken as one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from wiredesk.events.nlp import ParsedDoc, Sentence, Token

PLACE_PREPS = {"in", "at", "near", "outside", "inside", "across", "throughout", "around", "within", "through",
               "à", "au", "aux", "dans", "en", "près", "devant"}  # French after "au": no English word is spelled so
PLACE_NOUNS = {"neighbourhood", "neighborhood", "district", "province", "suburb", "street", "area", "region",
               "town", "village", "city", "capital", "port", "state", "county"}
_PLACE_LABELS = ("GPE", "LOC", "FAC")
_MISLABELLED = ("PERSON", "ORG")
_CLAUSE_HEADS = ("VERB", "AUX")


def span_root(doc: ParsedDoc, a: int, b: int) -> int:
    """The token of ``a:b`` whose head lies outside it (the last token without a parse)."""
    if not doc.has_parse:
        return b - 1
    for i in range(a, b):
        h = doc.tokens[i].head
        if h < a or h >= b or h == i:
            return i
    return b - 1


def place_phrase(doc: ParsedDoc, t: Token) -> Token:
    """The noun a place name stands in for as a place: "the Leipzig district" -> district, "the German city of
    Leipzig" / "the streets of Lyon" -> city / streets (what the locative preposition governs)."""
    toks = doc.tokens
    if t.dep == "compound" and toks[t.head].lemma in PLACE_NOUNS:
        return toks[t.head]
    if t.dep == "pobj" and toks[t.head].lemma == "of" and toks[t.head].dep == "prep":
        noun = toks[toks[t.head].head]
        if noun.lemma in PLACE_NOUNS and noun.pos in ("NOUN", "PROPN"):
            return noun
    return t


def _locative(doc: ParsedDoc, root: int) -> int | None:
    """The locative preposition a place entity (its root token) is the object of, or None."""
    t = place_phrase(doc, doc.tokens[root])
    if t.dep == "pobj" and doc.tokens[t.head].lemma in PLACE_PREPS:
        return t.head
    return None


def _place_entity(e, known: Callable[[str], bool] | None) -> bool:
    return e.label in _PLACE_LABELS or (known is not None and e.label in _MISLABELLED and known(e.text))


def place_candidates(doc: ParsedDoc, owner_ok: Callable[[int], bool],
                     known: Callable[[str], bool] | None = None) -> list[int]:
    """Root tokens of place entities used as places whose preposition belongs to the trigger
    (``owner_ok(preposition index)``)."""
    out = []
    for e in doc.entities:
        if not _place_entity(e, known):
            continue
        root = span_root(doc, e.start, e.end)
        if doc.has_parse:
            if doc.tokens[root].dep == "conj":  # "in Iraq and Syria": only the first conjunct is taken
                continue
            prep = _locative(doc, root)
            if prep is not None and owner_ok(prep):
                out.append(root)
        else:
            prev = e.start - 1
            while prev >= 0 and doc.tokens[prev].text.lower() in ("the", "a"):
                prev -= 1
            if prev >= 0 and doc.tokens[prev].text.lower() in PLACE_PREPS and owner_ok(prev) and (
                    e.label in _PLACE_LABELS):
                out.append(root)
    return out


def _clause_of(doc: ParsedDoc, i: int, others: Iterable[int]) -> int | None:
    """The verb heading the clause of token ``i`` (``i`` itself when a verb), or None when the way up passes
    through one of ``others`` (another trigger: what hangs off it is its own)."""
    toks = doc.tokens
    others = set(others)
    for _ in range(12):
        if toks[i].pos in _CLAUSE_HEADS:
            return i
        if i in others or toks[i].head == i:
            return None
        i = toks[i].head
    return None


def clause_places(doc: ParsedDoc, sent: Sentence, h: int, other_triggers: Iterable[int],
                  known: Callable[[str], bool] | None = None) -> list[int]:
    """Root tokens of the sentence's place entities used as places in the clause of trigger ``h`` (see the
    module docstring), in text order; empty without a parse."""
    if not doc.has_parse:
        return []
    others = set(other_triggers) - {h}
    clause = _clause_of(doc, h, others)
    if clause is None or clause in others:
        return []
    out = []
    for e in doc.entities:
        if not _place_entity(e, known) or e.start < sent.start or e.end > sent.end:
            continue
        root = span_root(doc, e.start, e.end)
        if doc.tokens[root].dep == "conj":
            continue
        prep = _locative(doc, root)
        # on the clause's verb or on one of its nouns ("workers in Sofia"), not on an adjective: "the crash
        # was the worst in Nigeria in a decade" scopes a superlative, it does not say where the crash was
        if prep is not None and doc.tokens[doc.tokens[prep].head].pos in (*_CLAUSE_HEADS, "NOUN", "PROPN") and (
                _clause_of(doc, prep, others) == clause):
            out.append(root)
    return out
