"""Whether a physical trigger (an attack, a disaster, a protest) is said of a figure, not of people or places:
"the Nifty has been *rallying*" (an index), "it *hit* a maximum of 89 degrees" (a temperature), "shares
*plunged* 5 %", "the 2008 financial *crash*". Pure; read off the trigger's subject, object and modifiers,
whatever the trigger word.

A rally, a hit or a crash of a figure is a figure of speech: nobody marched, nothing was struck. The classes
are only those whose participants are bodies and buildings (``FIGURE_CLASSES``); a contest ("*scored* 30
points"), a seizure ("*seized* 5 kg of cocaine") or an election ("*won* 58 % of the vote") is told with
figures and is real.
"""

from __future__ import annotations

from wiredesk.events.nlp import ParsedDoc

#: Classes whose triggers said of a figure are a figure of speech.
FIGURE_CLASSES = frozenset({"ASSAULT", "DISASTER", "PROTEST"})
#: Nouns of figures that move: markets, prices, indices, currencies, readings.
FIGURE_NOUNS = frozenset({
    "index", "indices", "market", "markets", "stock", "stocks", "share", "shares", "price", "prices", "sensex",
    "nifty", "dow", "nasdaq", "ftse", "nikkei", "rupee", "dollar", "euro", "yen", "pound", "currency", "bond",
    "bonds", "yield", "yields", "bitcoin", "inflation", "temperature", "temperatures", "economy", "valuation",
    "valuations", "equity", "equities"})
#: Words of a reading as the object of a verb, or its unit: "*hit* a maximum", "*hit* 107 degrees", "a maximum of
#: 44 dBa". Not "record" nor "level" ("destroyed church *records*"), and no unit of distance or weight: "*fell*
#: 2,000 feet" from a ridge is a real fall.
READINGS = frozenset({"maximum", "minimum", "high", "low", "peak", "degree", "degrees", "fahrenheit", "celsius",
                      "dba", "decibel", "decibels", "percent", "%"})
#: Entities that are figures: a share or a sum ("*plunged* 5 %"); a QUANTITY only by its unit (``READINGS``).
FIGURE_ENTITIES = frozenset({"PERCENT", "MONEY"})
#: Modifiers that make a noun trigger a figure of the economy: "the financial *crash*", "a market *crash*".
ECONOMIC = frozenset({"financial", "economic", "market", "stock", "fiscal", "monetary", "banking", "housing"})


def said_of_figure(pd: ParsedDoc, k: int, n: int) -> bool:
    """Whether the trigger at tokens ``k..k+n`` has a figure as its subject ("the Nifty has been *rallying*",
    "stocks *crashed*"), a reading or a quantity as its object ("*hit* a maximum of 89 degrees", "*plunged*
    5 %"; not "*fell* 2,000 feet"), or, as a noun, a modifier of the economy ("the 2008 financial *crash*")."""
    toks = pd.tokens
    head = toks[k + n - 1]
    verb = toks[k].pos in ("VERB", "AUX")
    h = k if verb else k + n - 1
    for c in pd.children(h):
        tc = toks[c]
        word = tc.lemma.lower()
        if verb and tc.dep in ("nsubj", "nsubjpass") and (word in FIGURE_NOUNS or tc.text.lower() in FIGURE_NOUNS):
            return True
        if verb and tc.dep in ("dobj", "attr", "npadvmod") and (_figure_noun(pd, c)):
            return True
        if not verb and head.pos in ("NOUN", "PROPN") and tc.dep in ("amod", "compound") and word in ECONOMIC:
            return True
    return False


def _figure_noun(pd: ParsedDoc, i: int) -> bool:
    """A reading, a share or a sum ("*plunged* 5 %"), or a word whose "of" is one ("a maximum *of* 89 degrees").
    Not a share of people or things: "*killed* 40 percent of the passengers", "*burned* 80 % of the houses" tell
    a toll of a real happening, not a figure that moved."""
    toks = pd.tokens
    of = [g for c in pd.children(i) if toks[c].dep == "prep" and toks[c].lemma == "of"
          for g in pd.children(c) if toks[g].dep == "pobj"]
    if _reading(toks[i]):
        return not any(not _reading(toks[g]) and toks[g].lemma.lower() not in FIGURE_NOUNS for g in of)
    return any(_reading(toks[g]) for g in of)


def _reading(t) -> bool:
    """A token that is a reading, a share or a sum: its entity or its word (``READINGS``)."""
    return t.ent in FIGURE_ENTITIES or t.lemma.lower() in READINGS
