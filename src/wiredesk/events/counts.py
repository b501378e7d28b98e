"""Whether a trigger noun names a count of happenings rather than one happening: "the number of *arrests*", "a
spike in *deaths*", "*sales* fell 3 %", "*deaths* per 100,000" (since ``events/7``) and a tally of a record, "in
his first 18 *games*", "lost eight of their nine *games*" (since ``events/8``). Such a mention is ``aggregate``
(``wiredesk.events.modality``) and joins no event. Pure; read off the parse.
"""

from __future__ import annotations

from wiredesk.events.nlp import ParsedDoc

#: Nouns that count or measure happenings: a trigger noun below their "of" is a number, not one happening ("the
#: number *of* arrests", "a growing number *of* attacks", "95 % *of* murders"; a plural; "a number of" alone is
#: "several": "a number of attacks" were real). Not "count" nor "total": "two counts
#: *of* murder" are charges for real killings, "a total *of* 11 shots" were fired.
COUNTS = {"number", "rate", "share", "percentage", "percent", "%", "proportion", "tally", "average", "statistic",
          "statistics", "figure"}
#: Nouns of a figure going up or down: a trigger noun below their "in" or "of" is a statistic ("a spike *in*
#: deaths", "a rise *in* attacks").
SHIFTS = {"spike", "rise", "increase", "surge", "jump", "drop", "decline", "fall", "decrease", "uptick", "growth",
          "reduction", "upswing", "downturn"}
#: Verbs of a figure going up or down: a plural trigger noun as their subject is a statistic ("*sales* fell 3 %",
#: "*arrests* rose", "*deaths* have doubled").
CHANGES = {"rise", "fall", "increase", "decrease", "drop", "climb", "decline", "double", "triple", "jump", "surge",
           "soar", "plunge", "grow", "slump", "dip", "spike", "tumble", "rebound", "slide", "shrink", "plummet",
           "fluctuate", "outpace", "outnumber", "exceed", "top", "total", "average"}


def aggregate(pd: ParsedDoc, h: int, kids) -> bool:
    """Whether a noun trigger names a count of happenings rather than one: below the "of" or "in" of a noun that
    counts or measures ("the number *of* arrests", "a spike *in* deaths", "a 3 % rise in *sales*"), a plural as
    the subject of a verb of a figure going up or down ("*sales* fell 3 %", "*arrests* rose"), or a plural counted
    "per" something ("*deaths* per 100,000"). "The death toll rose" is not one: "toll" is no trigger, and a
    toll counts the victims of one happening."""
    toks = pd.tokens
    t = toks[h]
    if t.pos not in ("NOUN", "PROPN"):
        return False
    if t.dep == "pobj" and t.head != h and toks[t.head].lemma in ("of", "in") and toks[t.head].head != t.head:
        counter = toks[toks[t.head].head]
        word = counter.lemma.lower()
        several = word == "number" and not kids(counter.i, "amod", "compound") and any(
            toks[c].lemma.lower() in ("a", "an") for c in kids(counter.i, "det"))
        if counter.pos in ("NOUN", "SYM", "NUM") and not several and (
                word in SHIFTS or (word in COUNTS and toks[t.head].lemma == "of" and t.tag == "NNS")):
            return True  # not "58 % of the vote" (of one real election): a count is of happenings, plural
    if t.tag != "NNS":
        return False
    if _counted(pd, h, kids):
        return True
    if t.dep == "nsubj" and t.head != h and toks[t.head].lemma in CHANGES:
        return True
    return any(toks[c].lemma == "per" for c in kids(h, "prep"))


#: Words that, with a number, make a plural a stretch of a record ("his *first* 18 games", "the *last* 10 games").
#: Not "consecutive": "four *consecutive* life *sentences*" were handed down at once.
STRETCH = {"first", "last", "past", "previous", "next", "opening", "final", "recent", "latest"}


def _counted(pd: ParsedDoc, h: int, kids) -> bool:
    """Whether a plural trigger noun is a tally of a record rather than happenings told one by one: a number
    (not a sum) with a word of a stretch ("in his *first* 18 *games*", "in the *last* 10 *games*") or a number
    of a number ("lost *eight of* their *nine games*"). Not a plain number: "two *attacks* killed 10"
    are two happenings, "five 787 Dreamliner *sales*" counted sales."""
    toks = pd.tokens
    t = toks[h]
    if not any(toks[c].pos == "NUM" and toks[c].ent != "MONEY" for c in kids(h, "nummod")):
        return False  # not "$500,000 grants": a sum, not a number of grants
    if any(toks[c].lemma.lower() in STRETCH for c in kids(h, "amod", "advmod")):
        return True
    if t.dep != "pobj" or t.head == h or toks[t.head].lemma != "of":
        return False
    outer = toks[toks[t.head].head]  # "eight of their nine games"; not "one of its grants": that one is told
    return outer.pos == "NUM" and outer.lemma.lower() not in ("one", "1")
