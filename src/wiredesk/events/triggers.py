"""Trigger words in a parsed sentence: the longest lemma sequence of the lexicon, checked against the parse.

``TriggerMatcher.find`` walks a sentence left to right and takes at each token the longest lemma sequence
with a lexicon entry whose part of speech, context words and neighbours fit (a verb entry does not fire on
a noun; "strike" needs "air", "missile", ...; "fire" does not fire after "opened"; a word inside a
person's or organization's name, a participle used as an adjective and a noun that only modifies another
trigger noun are not triggers). Pure: a parsed sentence in, (start, end, entry) out; it knows nothing of
arguments.
"""

from __future__ import annotations

from dataclasses import replace

from wiredesk.events.lexicon import Lexicon, TriggerEntry
from wiredesk.events.nlp import ParsedDoc, Sentence

_SKIP_ENTS = {"PERSON", "ORG", "WORK_OF_ART", "LAW", "PRODUCT"}
#: Dependencies of an adjective used as a predicate ("she is dead", "left a woman dead").
_PREDICATIVE = {"acomp", "oprd", "xcomp", "ccomp", "ROOT", "conj", "attr", "advcl"}
#: Confidence taken off an ambiguous trigger whose sense only the rest of the document tells.
DOCUMENT_SENSE_PENALTY = 0.1


class TriggerMatcher:
    """Finds the triggers of one sentence; one per language (holds only the lexicon)."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    @staticmethod
    def _in_name(pd: ParsedDoc, k: int, n: int) -> bool:
        """Whether the words k..k+n are part of a longer name ("Riot Games", "Operation Desert Storm") or a
        person's name; a name that is just the trigger word ("suspicion of DUI" tagged ORG) is a tagging
        slip, not a name."""
        for i in range(k, k + n):
            e = pd.entity_at(i)
            if e is not None and e.label in _SKIP_ENTS and (e.label == "PERSON" or e.start < k or e.end > k + n):
                return True
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
                if not entries:
                    continue
                entry = self._pick(pd, k, n, entries, context, document)
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
              document: frozenset[str]):
        toks = pd.tokens
        best = None
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
            if best is None or e.weight > best.weight:
                best = e
        return best
