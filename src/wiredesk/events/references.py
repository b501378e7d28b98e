"""References inside one document: which named actor "they", "it", "the group" or "the militia" means.

``References`` collects the actor phrases of a document's sentences in reading order and resolves a
reference to the nearest fitting named one, conservatively (GDELT's best-known failure is gluing the wrong
actor to an action). Pure bookkeeping over ``Actor`` values; the parse is read by ``ArgumentReader``.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiredesk.events.model import Actor

#: Head words that only refer ("the group"): an actor named just so is not a named antecedent.
_REFERRING = {"group", "militia", "organization", "organisation", "movement", "faction", "force", "government",
              "protester", "mob", "crowd", "demonstrator", "fighter", "militant", "rebel", "military", "army"}


@dataclass(frozen=True)
class Antecedent:
    sentence: int
    start: int  # offset in the body text
    actor: Actor | None  # None: an actor-like phrase that names no one ("the protesters")
    kind: str | None
    head: str  # head word, lower case
    subject: bool


_PERSONAL_KINDS = {"civilians", "protesters", "person", "media"}


class References:
    """Actor phrases seen so far in one document, for resolving "the group" / "they" / "it".

    Conservative on purpose (GDELT's failure is gluing the wrong actor to an action):
    - "they"/"them": the nearest preceding actor phrase must be a *named subject*; anything else nearer wins
      and blocks resolution;
    - "it"/"its": the same, skipping people and crowds (an organization is "it");
    - "the militia" / "the embassy": the nearest named phrase of the same kind whose words include the
      same head word (or, for armed groups, "group"/"militia").
    Only the same sentence (before the reference) and the ``window`` sentences before it are searched, and
    never past a sentence that was not parsed (``skipped``): an actor phrase there could have blocked the
    resolution, so the search stops rather than guess.
    """

    def __init__(self, window: int = 3) -> None:
        self.window = window
        self.items: list[Antecedent] = []
        self.skipped: set[int] = set()
        #: sentences where a slot asked for an antecedent (the extractor may parse the sentence before)
        self.asked: set[int] = set()

    def skip(self, sentence: int) -> None:
        """Record that ``sentence`` was not read: references after it do not look past it."""
        self.skipped.add(sentence)

    def add(self, sentence: int, start: int, actor: Actor | None, kind: str | None, head: str,
            subject: bool) -> None:
        named = actor is not None and (
            actor.country is not None or actor.named or actor.kind in ("armed_group", "organization")
        ) and actor.name.lower() not in _REFERRING
        self.items.append(Antecedent(sentence, start, actor if named else None, kind, head, subject))

    def _candidates(self, sentence: int, before: int):
        floor = sentence - self.window
        for k in range(sentence - 1, floor - 1, -1):
            if k in self.skipped:
                floor = k + 1
                break
        for ante in reversed(self.items):
            if ante.sentence < floor:
                return
            if ante.start >= before:
                continue
            yield ante

    def resolve_pronoun(self, word: str, sentence: int, before: int, ask: bool = True) -> Actor | None:
        """The named actor "they"/"it" (at ``before``) refers to, or None. ``ask`` false: only noting what
        the pronoun refers to, for later references, not filling a slot."""
        if ask:
            self.asked.add(sentence)
        singular = word in ("it", "its")
        for ante in self._candidates(sentence, before):
            if singular and ante.kind in _PERSONAL_KINDS:
                continue
            if ante.actor is not None and (ante.subject or singular):
                return ante.actor
            return None
        return None

    def resolve_definite(self, kind: str | None, head: str, sentence: int, before: int) -> Actor | None:
        self.asked.add(sentence)
        for ante in self._candidates(sentence, before):
            a = ante.actor
            if a is None or (a.kind != kind and not (kind is None and a.kind in ("armed_group", "organization"))):
                continue
            words = a.text.lower() + " " + a.name.lower()
            if head in words or head.rstrip("s") in words or (
                    a.kind in ("armed_group", "organization") and head in ("group", "militia", "faction",
                                                                       "organization", "organisation", "movement")):
                return a
        return None
