"""Trigger words in a parsed sentence: the longest lemma sequence of the lexicon, checked against the parse.

``TriggerMatcher.find`` walks a sentence left to right and takes at each token the longest lemma sequence
with a lexicon entry whose part of speech, context words and neighbours fit (a verb entry does not fire on
a noun; "strike" needs "air", "missile", ...; "fire" does not fire after "opened"; a word inside a
person's or organization's name, a participle used as an adjective and a noun that only modifies another
trigger noun are not triggers). Since lexicon 6 also not: a capitalised word used as a name on its own
("*Summit* did not invite her", the film company), a noun a sentence names something by ("commonly known as
the *genius grant*"), earlier happenings in general ("from *previous altercations*"), an entry whose sense
words are not among its own arguments ("^": "*earned* the gangs millions"), or one governing a preposition
of its other sense ("~": "*go public* with the claims"). Since lexicon 7 also not: an entry one of whose
core arguments names its other sense ("-": "*stopped* 30 shots" is a goalie's save, "*seized* the moment",
"dealers *sold* 303,417 vehicles" a sales figure), a noun with a number of its own that measures another
noun ("a three-*game* streak", "a one-*game* lead") and a verb standing alone as a line ("*Fall*" over a
paragraph: the season). Since ``events/7``, when a word has entries of several classes whose sense words are in
the sentence, the entry whose sense word is one of the trigger's own arguments wins ("a *quake* struck ...,
killing seven" is a DISASTER, not an attack for the "killing" beside it), and an entry marked "+singular" does
not fire in the plural ("*sales* rose": turnover). Since ``events/8`` an attack, a disaster or a protest
said of a figure is not a trigger ("the Nifty has been *rallying*", "*hit* a maximum of 89 degrees":
``wiredesk.events.figures``). Pure: a parsed sentence in, (start, end, entry) out; it knows nothing of arguments.
"""

from __future__ import annotations

from dataclasses import replace

from wiredesk.events.figures import FIGURE_CLASSES, said_of_figure
from wiredesk.events.lexicon import Lexicon, TriggerEntry
from wiredesk.events.nlp import ParsedDoc, Sentence

_SKIP_ENTS = {"PERSON", "ORG", "WORK_OF_ART", "LAW", "PRODUCT"}
#: Dependencies of an adjective used as a predicate ("she is dead", "left a woman dead").
_PREDICATIVE = {"acomp", "oprd", "xcomp", "ccomp", "ROOT", "conj", "attr", "advcl"}
#: Confidence taken off an ambiguous trigger whose sense only the rest of the document tells.
DOCUMENT_SENSE_PENALTY = 0.1
#: Verbs that give something a name: what follows "known as", "dubbed" is a name, not a happening.
_NAMING = {"know", "call", "dub", "nickname", "term", "brand", "style", "bill", "refer"}
#: Adjectives that turn a plural noun into earlier happenings in general ("previous altercations").
_GENERIC_PAST = {"previous", "prior", "past", "former"}
#: Dependents that open a clause or a phrase of their own: not part of a trigger's own arguments.
_OTHER_PHRASE = {"advcl", "ccomp", "relcl", "parataxis", "conj", "csubj", "acl", "appos", "cc", "punct", "mark",
                 "dep"}
#: Dependencies of a trigger's core arguments, the words that tell a verb's or a noun's sense ("stopped
#: *shots*", "*fleet* sales", "*corporate* profits", "*documents* have unveiled").
_CORE = {"dobj", "nsubj", "nsubjpass", "attr", "dative", "compound", "amod", "nmod", "poss"}
#: Tokens before a capitalised word that make the capital no sign of a name (a quote or a clause opening).
_OPENERS = {'"', "\u201c", "'", "\u2018", ":", "(", "\u2014", "\u2013", "-", ";"}


class TriggerMatcher:
    """Finds the triggers of one sentence; one per language (holds only the lexicon)."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    @staticmethod
    def _in_name(pd: ParsedDoc, k: int, n: int) -> bool:
        """Whether the words k..k+n are part of a longer name ("Riot Games", "Operation Desert Storm") or a
        person's name; a name that is just the trigger word ("suspicion of DUI" tagged ORG) is a tagging
        slip, not a name, and so is one ceremony named by its name ("the 79th Academy *Awards*", "the 2013
        Emmy *Awards*": the name's last word, plural, with an ordinal or a year; "the Academy Awards" alone is
        the series, no happening)."""
        for i in range(k, k + n):
            e = pd.entity_at(i)
            if e is not None and e.label in _SKIP_ENTS and (e.label == "PERSON" or e.start < k or e.end > k + n):
                return not _ceremony(pd, e, k + n)
        return False

    def find(self, pd: ParsedDoc, sent: Sentence,
             document: frozenset[str] = frozenset()) -> list[tuple[int, int, TriggerEntry]]:
        """(first token, end token, entry) of each trigger, longest match first, no overlaps. ``document``:
        disambiguation lemmas found elsewhere in the document (``TriggerWords.document_context``); an entry
        fired by one of them alone has its weight lowered by ``DOCUMENT_SENSE_PENALTY``."""
        toks = pd.tokens
        context = {t.lemma for t in toks[sent.start:sent.end]} | {
            t.text.lower() for t in toks[sent.start:sent.end]}
        out = []
        k = sent.start
        while k < sent.end:
            matched = None
            for n in range(min(self.lexicon.max_trigger_len, sent.end - k), 0, -1):
                lemmas = tuple(t.lemma for t in toks[k:k + n])
                entries = self.lexicon.trigger_entries(lemmas)
                if not entries and n == 1 and toks[k].pos == "PROPN" and ceremony_lemma(lemmas[0]):
                    entries = self.lexicon.trigger_entries((ceremony_lemma(lemmas[0]),))  # "Academy Awards"
                if not entries:
                    continue
                entry = self._pick(pd, k, n, entries, context, document, sent.start)
                if entry:
                    matched = (k, k + n, entry)
                    break
            if matched:
                out.append(matched)
                k = matched[1]
            else:
                k += 1
        return out

    @staticmethod
    def fold_modifiers(pd: ParsedDoc, found: list[tuple[int, int, TriggerEntry]]):
        """Triggers that only modify the noun of another trigger ("a *hit-and-run* crash", "the *DUI*
        charge", "a *murder* charge") are no mentions of their own: they are returned apart, as
        ``{token of the modified trigger's noun: [(start, end) token spans]}``, to be merged into its
        mention. A modifier of a noun that is no trigger ("*playoff* contention", "the *accident* scene")
        stays a trigger. Needs a parse; without one nothing is folded."""
        if not pd.has_parse:
            return found, {}
        toks = pd.tokens
        noun_heads = {b - 1 for a, b, e in found if toks[b - 1].pos in ("NOUN", "PROPN")}
        kept, folded = [], {}
        for a, b, e in found:
            root = next((t for t in toks[a:b] if not a <= t.head < b or t.head == t.i), toks[b - 1])
            if root.dep in ("compound", "amod", "nmod") and root.head != root.i and root.head in noun_heads:
                folded.setdefault(root.head, []).append((a, b))
            else:
                kept.append((a, b, e))
        return kept, folded

    def _pick(self, pd: ParsedDoc, k: int, n: int, entries: list[TriggerEntry], context: set[str],
              document: frozenset[str], first: int = 0):
        toks = pd.tokens
        best, best_rank = None, (False, 0.0)
        if pd.has_parse and (_bare_name(pd, k, n, first) or _named_by(pd, k + n - 1) or _generic_past(pd, k + n - 1)
                             or _measure(pd, k + n - 1) or _lone_verb(pd, k, n)):
            return None
        for e in entries:
            head = toks[k] if e.pos == "V" else toks[k + n - 1]
            if any(t.ent in _SKIP_ENTS for t in toks[k:k + n]) and self._in_name(pd, k, n):
                continue
            if pd.has_parse:
                pos = head.pos
                ok_v = pos in ("VERB",) and "V" in e.pos
                ok_n = pos in ("NOUN", "PROPN") and "N" in e.pos
                # an adjective entry ("dead") fires only as a predicate: "is dead", "left her dead"
                ok_a = pos == "ADJ" and "A" in e.pos and head.dep in _PREDICATIVE
                if not (ok_v or ok_n or ok_a) and not (n > 1 and "V" in e.pos and toks[k].pos == "VERB"):
                    continue
                if ok_v and head.dep == "amod":  # "state-sanctioned", "Iran-backed": modifiers, not actions
                    continue
            else:
                prev = toks[k - 1].text.lower() if k else ""
                if e.pos == "N" and prev == "to":
                    continue
                if e.pos == "V" and prev in ("the", "a", "an"):
                    continue
            if e.requires and not (e.requires & context):
                if e.sentence_only or not (e.requires & document):
                    continue
                e = replace(e, weight=round(e.weight - DOCUMENT_SENSE_PENALTY, 3))
            if e.not_after and k > 0 and {toks[k - 1].lemma, toks[k - 1].text.lower()} & e.not_after:
                continue  # "opened fire", "under fire": not a blaze
            if e.not_with and _governs(pd, k, n, e.not_with):
                continue  # "go public with the claims": speaking out, not a listing
            if e.argument_only and pd.has_parse and not (e.requires & own_phrase(pd, k, n, e.pos == "V")):
                continue  # the sense word is in the sentence but not an argument of this trigger
            if e.singular and pd.has_parse and toks[k + n - 1].tag in ("NNS", "NNPS") and not any(
                    toks[c].dep == "nummod" for c in pd.children(k + n - 1)):
                continue  # "*sales* rose 3 %": turnover; "five 787 Dreamliner *sales*" are counted sales
            if e.not_args and pd.has_parse and e.not_args & core_arguments(pd, k, n):
                continue  # "stopped 30 shots", "seized the moment": the argument names the other sense
            if pd.has_parse and e.event_class in FIGURE_CLASSES and said_of_figure(pd, k, n):
                continue  # "the Nifty has been rallying", "hit a maximum of 89 degrees": a figure moved
            # the class an argument names beats the class a word elsewhere in the sentence names: "a quake
            # *struck*, killing seven" is the quake's (DISASTER), not an attack because "killing" is there
            rank = (bool(pd.has_parse and e.requires and e.requires & sense_arguments(pd, k, n)), e.weight)
            if best is None or rank > best_rank:
                best, best_rank = e, rank
        return best


def _bare_name(pd: ParsedDoc, k: int, n: int, first: int) -> bool:
    """Whether the trigger's words are a capitalised name standing alone in mid-sentence ("*Summit*
    memorably did not invite her", "*Summit*'s president": the film company): tagged a proper noun, in title
    case, not the sentence's first word nor after a quote or colon, with no determiner ("the NATO Summit" is
    a summit) and not naming the name that follows ("Hurricane Katrina" is a hurricane). A line parsed in
    sentence case (a headline) has no such tags."""
    toks = pd.tokens
    last = toks[k + n - 1]
    if k <= first or toks[k - 1].text in _OPENERS or last.pos != "PROPN":
        return False
    if not all(t.text[:1].isupper() and t.text[1:].islower() for t in toks[k:k + n] if t.text.isalpha()):
        return False
    if any(toks[c].dep in ("det", "amod", "nummod") for c in pd.children(last.i)):
        return False
    return not (last.dep == "compound" and last.head > last.i and toks[last.head].pos == "PROPN")


#: Trigger lemmas whose plural, as the last word of a name, names a ceremony ("the Academy Awards").
_CEREMONIES = {"award"}
_ORDINAL = ("st", "nd", "rd", "th")


def ceremony_lemma(lemma: str) -> str | None:
    """The ceremony word of a plural name's last word ("awards" → "award": a proper noun keeps its plural as
    its lemma), or None."""
    return lemma[:-1] if lemma.endswith("s") and lemma[:-1] in _CEREMONIES else None


def _ceremony(pd: ParsedDoc, e, end: int) -> bool:
    """Whether the entity ``e`` ending at ``end`` is one ceremony named by its name: its last word a plural
    ceremony word ("Awards"), with an ordinal ("79th", "81st") or a year ("2013") in the name or just before
    it; not a person's name."""
    toks = pd.tokens
    last = toks[end - 1]
    word = last.lemma.lower()
    if e.label == "PERSON" or e.end != end or not last.text.endswith("s") or (
            word not in _CEREMONIES and ceremony_lemma(word) is None):
        return False
    before = toks[max(0, e.start - 2):end - 1]
    return any((t.text[:-2].isdigit() and t.text[-2:].lower() in _ORDINAL) or (t.text.isdigit() and len(t.text) == 4)
               for t in before)


def _named_by(pd: ParsedDoc, h: int) -> bool:
    """Whether the noun at ``h`` is what something is called ("commonly known as the *genius grant*",
    "dubbed the *trial* of the century"): a name for a thing, not a happening told."""
    toks = pd.tokens
    t = toks[h]
    if t.dep == "pobj" and toks[t.head].lemma == "as":
        return toks[toks[t.head].head].lemma in _NAMING
    if t.dep != "oprd" or toks[t.head].lemma not in _NAMING:
        return False
    # "what he called the *murder* of three bank workers": a speaker's word for a real happening, not a name
    return not any(toks[c].lemma == "what" for c in pd.children(t.head) if toks[c].dep in ("dobj", "nsubjpass"))


def _generic_past(pd: ParsedDoc, h: int) -> bool:
    """Whether the noun at ``h`` names earlier happenings in general, none in particular ("knew him from
    *previous altercations*", "*past attacks*"): a plural with "previous", "prior", "past", "former"."""
    toks = pd.tokens
    return toks[h].tag == "NNS" and any(
        toks[c].dep == "amod" and toks[c].lemma in _GENERIC_PAST for c in pd.children(h))


def core_arguments(pd: ParsedDoc, k: int, n: int) -> set[str]:
    """Lemmas and lower-case words of the trigger's core arguments: its subject, object, attribute,
    compound and adjective modifiers and possessor, the object of its "of" ("the withdrawal *of* a bill"),
    and, for a trigger that itself qualifies a noun ("products *sold*", "crop *burning*"), that noun. Not
    the rest of its phrase (``own_phrase``): the words that say which sense a word is in."""
    toks = pd.tokens
    out = set()
    for i in range(k, k + n):
        for c in pd.children(i):
            if toks[c].dep in _CORE:
                out |= {toks[c].lemma, toks[c].text.lower()}
            elif toks[c].dep == "prep" and toks[c].lemma == "of":
                out |= {x for g in pd.children(c) if toks[g].dep == "pobj"
                        for x in (toks[g].lemma, toks[g].text.lower())}
    last = toks[k + n - 1]
    if last.dep in ("acl", "amod", "compound") and last.head != last.i and not k <= last.head < k + n:
        out |= {toks[last.head].lemma, toks[last.head].text.lower()}
    return out


def sense_arguments(pd: ParsedDoc, k: int, n: int) -> set[str]:
    """The trigger's core arguments (``core_arguments``), the words that name its subject or object ("*outfielder*
    Raul Ibanez *signed*") and, for a relative clause whose subject is "which", "that" or "who", the noun the
    clause qualifies ("the quake, which *struck* at 1353": the quake struck)."""
    out = core_arguments(pd, k, n)
    toks = pd.tokens
    t = toks[k]
    if t.dep == "relcl" and t.head != k and out & {"which", "that", "who"}:
        out |= {toks[t.head].lemma, toks[t.head].text.lower()}
    for i in range(k, k + n):  # and what names those arguments: "*outfielder* Raul Ibanez signed"
        for c in pd.children(i):
            if toks[c].dep in ("nsubj", "nsubjpass", "dobj"):
                out |= {x for g in pd.children(c) if toks[g].dep in ("compound", "amod", "appos")
                        for x in (toks[g].lemma, toks[g].text.lower())}
    return out


def _measure(pd: ParsedDoc, h: int) -> bool:
    """Whether the noun at ``h`` is a measure of another noun, not a happening: it qualifies that noun and is
    joined by a hyphen to a number of its own ("a three-*game* winning streak", "a one-*game* lead", "a
    10-*match* ban"; not "5.9 *Earthquake* Jolts Iran")."""
    toks = pd.tokens
    t = toks[h]
    if t.pos not in ("NOUN", "PROPN") or t.dep not in ("compound", "amod", "nmod", "npadvmod") or t.head == h:
        return False
    if h < 2 or toks[h - 1].text not in ("-", "\u2011") or toks[t.head].pos != "NOUN":
        return False
    return any(toks[c].dep == "nummod" and c == h - 2 for c in pd.children(h))


def _lone_verb(pd: ParsedDoc, k: int, n: int) -> bool:
    """Whether a one-word verb trigger is the root of its sentence with nothing below it: a word standing
    alone as a line or a heading ("*Fall*" over a paragraph about the season), which tells no action."""
    t = pd.tokens[k]
    return n == 1 and t.pos == "VERB" and t.dep == "ROOT" and not pd.children(k)


def _governs(pd: ParsedDoc, k: int, n: int, words: frozenset[str]) -> bool:
    """Whether a word of the trigger governs one of ``words`` as a preposition or particle ("go public
    *with*"); without a parse, whether one of them follows the trigger."""
    toks = pd.tokens
    if not pd.has_parse:
        return k + n < len(toks) and toks[k + n].text.lower() in words
    return any(toks[c].dep in ("prep", "prt", "agent") and toks[c].lemma in words
               for i in range(k, k + n) for c in pd.children(i))


def own_phrase(pd: ParsedDoc, k: int, n: int, verb: bool) -> set[str]:
    """Lemmas and lower-case words of the trigger's own arguments: its words and everything below them that
    is not a clause or phrase of its own (a relative clause, an adverbial clause, a conjunct, ...); for a
    verb also the subject, object and agent of the verbs it shares its subject with ("the Senate voted to
    *confirm* her"); for a noun also the verb it is the object of ("*made* threats", "a threat was
    *received*"): who does what with the noun. "Earned the gangs tens of millions in ransoms" holds no profit;
    "promoting the film when his role was announced" no post."""
    toks = pd.tokens
    seen = set(range(k, k + n))
    todo = list(seen)
    last = toks[k + n - 1]
    extra = set()
    if not verb and last.dep in ("dobj", "nsubjpass") and last.head != last.i:
        extra = {toks[last.head].lemma, toks[last.head].text.lower()}
    j, steps = k, 0
    while verb and toks[j].dep in ("xcomp", "conj") and toks[j].head != j and steps < 3:
        j, steps = toks[j].head, steps + 1
        for c in pd.children(j):
            if toks[c].dep in ("nsubj", "nsubjpass", "agent", "dobj") and c not in seen:
                seen.add(c)
                todo.append(c)
    while todo:
        i = todo.pop()
        for c in pd.children(i):
            if c not in seen and toks[c].dep not in _OTHER_PHRASE:
                seen.add(c)
                todo.append(c)
    return {toks[i].lemma for i in seen} | {toks[i].text.lower() for i in seen} | extra
