"""The curated lexicons: trigger words to event classes, actor words to kinds, demonyms to countries.

The data lives in ``wiredesk/events/data/*.tsv`` (documented in their headers and in docs/events.md), one
set of three files per language: ``triggers.tsv``, ``actors.tsv`` and ``countries.tsv`` for English,
``triggers.fr.tsv``, ... for French. A language is read only where its trigger file exists
(``lexicon_languages``). This module loads them once per ``Lexicon`` object (no module-level cache: callers
keep the object) and answers look-ups. ``Lexicon.version`` names the curated version, the language (other
than English) and a digest of the files, so two extractions with different lexicon files never claim the
same version.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources

from wiredesk.domain.errors import ConfigError

#: Bump when the meaning of the lexicon files changes; the digest catches edits that forget to. 9: "warn" asks its
#: sentence for force or retaliation, "threat" an actor who makes it ("^" on a noun sees the verb it is the object of)
LEXICON_VERSION = "9"

# Irregular verb forms the rules-only backend needs to see past tenses ("broke into", "shot").
_IRREGULAR = {
    "break": ("broke", "broken"), "set": ("set",), "shoot": ("shot",), "fight": ("fought",),
    "seize": ("seized",), "hold": ("held",), "strike": ("struck", "stricken"), "take": ("took", "taken"),
    "lead": ("led",), "meet": ("met",), "throw": ("threw", "thrown"), "run": ("ran",), "stab": ("stabbed",),
    "sign": ("signed",), "die": ("died", "dies", "dying"), "vow": ("vowed",), "flee": ("fled",),
    "put": ("put",), "bring": ("brought",), "withdraw": ("withdrew", "withdrawn"), "sit": ("sat",),
    "push": ("pushed", "pushes"), "quit": ("quit",), "catch": ("caught",), "blow": ("blew", "blown"),
    "mow": ("mown",), "win": ("won",), "lose": ("lost",), "sell": ("sold",), "buy": ("bought",),
    "go": ("went", "gone"),
}


@dataclass(frozen=True)
class TriggerEntry:
    lemma: str  # one or more space-separated lemmas
    pos: str  # "V", "N" or "VN"
    event_class: str
    cameo: str | None
    weight: float
    requires: frozenset[str]
    not_after: frozenset[str] = frozenset()  # lemmas or words that must not come right before the trigger
    #: ``requires`` must be met in the trigger's own sentence (lexicon "=word,..."), not elsewhere in the document
    sentence_only: bool = False
    #: ``requires`` must be met among the trigger's own arguments (lexicon "^word,...": "earned a profit", not
    #: "earned the gangs millions" in a sentence about profits); implies ``sentence_only``
    argument_only: bool = False
    #: prepositions or particles the trigger must not govern (lexicon "~with": "go public *with* the claims"
    #: is speaking out, "her disappearance *from* public view" no missing person)
    not_with: frozenset[str] = frozenset()
    #: words that must not be among the trigger's core arguments (lexicon "-word": its object, subject,
    #: modifier or what it qualifies): "*stopped* 30 shots" is a save, "*seized* the moment" no seizure
    not_args: frozenset[str] = frozenset()
    #: the noun fires only in the singular or with a number of its own (lexicon "+singular"): "the *sale* of its
    #: unit", "five Dreamliner *sales*", not "*sales* rose 3 %" (turnover)
    singular: bool = False

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.lemma.split(" "))


@dataclass(frozen=True)
class ActorEntry:
    phrase: str
    kind: str
    country: str | None
    name: str | None


def _data_dir():
    return resources.files("wiredesk.events").joinpath("data")


def lexicon_languages() -> tuple[str, ...]:
    """Languages with a trigger lexicon (base ISO 639-1 codes), English first."""
    found = {p.name[len("triggers."):-len(".tsv")] for p in _data_dir().iterdir()
             if p.name.startswith("triggers.") and p.name.endswith(".tsv") and p.name.count(".") == 2}
    return ("en",) + tuple(sorted(found - {"en"}))


def _file(kind: str, language: str) -> str:
    return f"{kind}.tsv" if language == "en" else f"{kind}.{language}.tsv"


def _rows(name: str) -> tuple[list[list[str]], bytes]:
    raw = _data_dir().joinpath(name).read_bytes()
    rows = []
    header_seen = False
    for line in raw.decode("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not header_seen:
            header_seen = True
            continue
        rows.append(line.split("\t"))
    return rows, raw


def verb_forms(lemma: str) -> set[str]:
    """English inflections of a verb lemma (regular rules and the irregular table); a superset is harmless."""
    forms = {lemma, lemma + "s", lemma + "es", lemma + "ed", lemma + "ing"}
    if lemma.endswith("e"):
        forms |= {lemma + "d", lemma[:-1] + "ing"}
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if len(lemma) >= 3 and lemma[-1] not in "aeiouwxy" and lemma[-2] in "aeiou" and lemma[-3] not in "aeiou":
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    forms |= set(_IRREGULAR.get(lemma, ()))
    return forms


def noun_forms(lemma: str) -> set[str]:
    """English plural forms of a noun lemma."""
    forms = {lemma, lemma + "s", lemma + "es"}
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        forms.add(lemma[:-1] + "ies")
    if lemma.endswith("man"):
        forms.add(lemma[:-3] + "men")
    if lemma == "child":
        forms.add("children")
    if lemma == "person":
        forms.add("people")
    return forms


class Lexicon:
    """The loaded lexicons. Construct once and pass around; look-ups are dictionary reads."""

    def __init__(self, language: str = "en") -> None:
        if language not in lexicon_languages():
            raise ConfigError(f"no trigger lexicon for language {language!r} (have: {', '.join(lexicon_languages())})")
        self.language = language
        trig_rows, trig_raw = _rows(_file("triggers", language))
        actor_rows, actor_raw = _rows(_file("actors", language))
        country_rows, country_raw = _rows(_file("countries", language))
        digest = hashlib.sha256(trig_raw + actor_raw + country_raw).hexdigest()[:8]
        name = "lexicon" if language == "en" else f"lexicon.{language}"
        self.version = f"{name}/{LEXICON_VERSION}+{digest}"

        self.triggers: dict[tuple[str, ...], list[TriggerEntry]] = {}
        for lemma, pos, cls, cameo, weight, requires in trig_rows:
            argument_only = requires.startswith("^")
            sentence_only = argument_only or requires.startswith("=")
            words = [] if requires == "-" else requires.lstrip("=^").split(",")
            entry = TriggerEntry(lemma, pos, cls, None if cameo == "-" else cameo, float(weight),
                                 frozenset(w for w in words if w[:1] not in ("!", "~", "-", "+")),
                                 frozenset(w[1:] for w in words if w.startswith("!")), sentence_only,
                                 argument_only, frozenset(w[1:] for w in words if w.startswith("~")),
                                 frozenset(w[1:] for w in words if w.startswith("-")), "+singular" in words)
            self.triggers.setdefault(entry.words, []).append(entry)
        self.max_trigger_len = max(len(k) for k in self.triggers)
        # Surface form → lemma, for backends without a lemmatizer (the rules-only backend).
        self.surface_lemmas: dict[str, set[str]] = {}
        for words, entries in self.triggers.items():
            for i, word in enumerate(words):
                pos = "".join(sorted({e.pos for e in entries}))
                forms = set()
                if "V" in pos and i == 0:
                    forms |= verb_forms(word)
                if "N" in pos and i == len(words) - 1:
                    forms |= noun_forms(word)
                forms.add(word)
                for form in forms:
                    self.surface_lemmas.setdefault(form, set()).add(word)

        self.actors: dict[tuple[str, ...], ActorEntry] = {}
        for phrase, kind, country, name in actor_rows:
            self.actors[tuple(phrase.split(" "))] = ActorEntry(
                phrase, kind, None if country == "-" else country, None if name == "-" else name)
        self.max_actor_len = max(len(k) for k in self.actors)
        #: the head words of actor phrases, in every noun form ("militia", "militias", "police")
        self.actor_words: set[str] = set()
        for words, entry in list(self.actors.items()):
            for form in noun_forms(words[-1]):
                self.surface_lemmas.setdefault(form, set()).add(words[-1])
                self.actor_words.add(form)

        self.country_titles: dict[str, str] = {}
        self.countries: dict[str, str | None] = {}
        for word, iso3 in country_rows:
            self.countries[word] = None if iso3 == "-" else iso3

    def add_country_names(self, names: dict[str, str], titles: dict[str, str] | None = None) -> None:
        """Add gazetteer country names (lower case → ISO3) without overriding curated entries, and the
        names to record for a country acting ("Iran described ..." → actor "Iran")."""
        for name, iso3 in names.items():
            self.countries.setdefault(name, iso3)
        self.country_titles.update(titles or {})

    def country_name(self, iso3: str | None) -> str | None:
        return self.country_titles.get(iso3) if iso3 else None

    def trigger_entries(self, lemmas: tuple[str, ...]) -> list[TriggerEntry]:
        return self.triggers.get(lemmas, [])

    def actor_entry(self, lemmas: tuple[str, ...]) -> ActorEntry | None:
        return self.actors.get(lemmas)

    def is_actor_word(self, word: str) -> bool:
        """Whether a lower-case surface word is the head word of an actor phrase of the lexicon."""
        return word in self.actor_words

    def country_of(self, word: str) -> str | None:
        """ISO3 of a country name or demonym ("Iraqi" → IRQ; "Iran-backed" → None: backing is not origin)."""
        w = word.lower().strip().replace("\u2019", "'")
        return self.countries.get(w)

    def lemmas_of_surface(self, form: str) -> set[str]:
        return self.surface_lemmas.get(form.lower(), set())
