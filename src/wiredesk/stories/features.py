"""What a document says, as the story layer sees it: weighted features from plain text, no parse.

``extract_features`` turns a ``StoryDocument`` into ``DocFeatures``: a count per feature, where a feature is
a typed string (the type is its prefix, so one postings table holds them all):

- ``w:``  content words: lower case, stop words of the document's language removed, cut to their first
  ``Settings.stem_chars`` letters (a crude stemmer that works the same in every language);
- ``n:``  proper-name words ("n:nichols") and whole name phrases ("n:brian nichols"): capitalised words not
  at the start of a sentence, or at the start when the document never writes them in lower case;
  names travel across languages and outlets;
- ``#:``  numbers with their unit or context word ("#:7.1 magnit", "#:1200 people") and, from two digits
  on or with a decimal point or a dash, the bare value too ("#:7.1", "#:1200", "#:9-14");
- ``y:``  years ("y:2009");
- ``p:``  places from the ``PlaceIndex``: a city gives its own key and its country's ("p:g:4699066", "p:c:USA").

Title words count ``Settings.title_boost`` times. Nothing here reads a database or a model.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from wiredesk.stories.model import Settings, StoryDocument
from wiredesk.stories.places import PlaceIndex
from wiredesk.stories.text import (NAME_CONNECTORS, base_language, fold, guess_language, iter_token_sentences,
                                   stopwords_for)

#: Bumped whenever the features of a document change for the same input: stored features are then stale.
FEATURES_VERSION = "stories-features/2"

_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
_NUMBER = re.compile(r"^\d[\d,.]*$")
_RANGE = re.compile(r"^\d+(?:-\d+)+$")  # a score or record: "9-14", "2008-09"
# Words that are capitalised for reasons other than being a name: weekdays, months and titles in the
# languages news most often comes in (function words are in the stop lists).
_NOT_NAMES = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july august "
    "september october november december jan feb mar apr jun jul aug sep sept oct nov dec mr mrs ms dr "
    "montag dienstag mittwoch donnerstag freitag samstag sonntag januar februar marz juni juli oktober dezember "
    "lundi mardi mercredi jeudi vendredi samedi dimanche janvier fevrier mars avril mai juin juillet aout "
    "septembre octobre novembre decembre lunes martes miercoles jueves viernes sabado domingo enero febrero "
    "marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre lunedi martedi mercoledi "
    "giovedi venerdi sabato domenica gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre "
    "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag".split())
# English number words count as their digits, so "seven killed" and "7 killed" are one quantity
_NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split()) if i >= 2}


@dataclass(frozen=True)
class DocFeatures:
    """The features of one document version, ready for ``assign``."""

    document_id: int
    language: str | None
    counts: dict[str, float] = field(default_factory=dict)  # feature -> weighted count
    published_at: datetime | None = None
    outlet: str | None = None
    copies_of: tuple[int, ...] = ()
    previous_version: int | None = None

    @property
    def empty(self) -> bool:
        return not self.counts


def _is_capitalised(tok: str) -> bool:
    return tok[:1].isupper() and any(c.isalpha() for c in tok)


def _headline_like(sentence: str, toks: list[str]) -> bool:
    """Title Case or ALL CAPS lines capitalise every word, so capitals say nothing about names there.

    A line ending in . ! or ? is running text even when most words are capitalised (German nouns).
    """
    words = [t for t in toks if t.isalpha() and len(t) > 3]
    if len(words) < 3:
        return False
    if all(t.isupper() for t in words):
        return True
    caps = sum(1 for t in words if t[:1].isupper())
    return caps >= 0.7 * len(words) and not sentence.rstrip("\"'\u201d\u2019)] ").endswith((".", "!", "?"))


def _name_runs(toks: list[str], lower_seen: set[str], stop: frozenset[str], known: set[str],
               headline: bool, inner_caps: frozenset[str] | set[str] = frozenset()) -> list[list[str]]:
    """Runs of capitalised tokens that are names (see module docstring), connectors kept inside."""
    runs: list[list[str]] = []
    run: list[str] = []

    def close() -> None:
        while run and fold(run[-1]) in NAME_CONNECTORS:
            run.pop()
        if run:
            runs.append(list(run))
        run.clear()

    for i, tok in enumerate(toks):
        f = fold(tok)
        if _is_capitalised(tok) and len(tok) > 1 and f not in _NOT_NAMES:
            if headline:
                ok = f in known
            elif i == 0 or (not run and f in stop):
                # sentence start (or a capitalised stop word such as "The"): a name only if the document
                # never writes it in lower case, it is no stop word, and the document capitalises it inside
                # a sentence too or a capitalised word follows ("Brian Nichols said"); a lone capital at the
                # start is any word ("Firefighters said", "Riot police fired", "Flames engulfed")
                nxt = toks[i + 1] if i + 1 < len(toks) else ""
                ok = f not in lower_seen and f not in stop and (
                    f in inner_caps or (_is_capitalised(nxt) and fold(nxt) not in stop))
            else:
                ok = True
            if ok:
                run.append(tok)
                continue
        elif run and f in NAME_CONNECTORS and tok.islower():
            run.append(tok)
            continue
        close()
    close()
    return runs


def _number_key(tok: str) -> str | None:
    if _RANGE.match(tok):
        return tok
    if not _NUMBER.match(tok):
        return None
    value = tok.replace(",", "")
    try:
        number = float(value)
    except ValueError:
        return None
    return f"{number:g}" if number != int(number) else str(int(number))


def extract_features(doc: StoryDocument, settings: Settings, places: PlaceIndex | None = None) -> DocFeatures:
    """Features of ``doc`` (see the module docstring). Empty text gives empty features, never an error."""
    places = places or PlaceIndex()
    stem = settings.stem_chars
    sentences = list(iter_token_sentences(doc.text or ""))
    title_sentences = list(iter_token_sentences(doc.title or ""))
    all_words = [t.lower() for _, s in sentences for t in s]
    language = base_language(doc.language)
    if language is None or not stopwords_for(language):
        language = guess_language(all_words) or language
    stop = stopwords_for(language) | stopwords_for("en") if language != "en" else stopwords_for("en")
    lower_seen = {fold(t) for _, s in sentences for t in s[1:] if t.islower()}
    # words capitalised inside a running-text sentence (not at its start): names the document uses as names
    inner_caps = {fold(t) for sentence, s in sentences if not _headline_like(sentence, s)
                  for t in s[1:] if _is_capitalised(t)}
    counts: Counter[str] = Counter()
    # names capitalised in running text: what headline-like lines may reuse
    known: set[str] = set()
    body_runs: list[tuple[list[str], bool]] = []
    for sentence, toks in sentences:
        headline = _headline_like(sentence, toks)
        runs = [] if headline else _name_runs(toks, lower_seen, stop, set(), False, inner_caps)
        body_runs.append((toks, headline))
        for run in runs:
            known.update(fold(t) for t in run)

    def add_sentence(toks: list[str], headline: bool, weight: float) -> None:
        for run in _name_runs(toks, lower_seen, stop, known, headline, inner_caps):
            words = [fold(t).removesuffix("'s") for t in run]
            content = [w for w in words if w not in NAME_CONNECTORS]
            for w in content:
                counts[f"n:{w}"] += weight
            if len(content) > 1:
                counts[f"n:{' '.join(words)}"] += weight
            # a single word the document also writes in lower case is a common word there, not a town
            # ("the Union" of a union, "Police" of police: towns in New Jersey and Poland)
            if len(content) > 1 or content and content[0] not in lower_seen:
                for place in places.lookup(" ".join(run)):
                    counts[f"p:{place}"] += weight
        for i, tok in enumerate(toks):
            low = fold(tok)
            if low in _NUMBER_WORDS:
                unit = _unit(toks, i, stop, stem)
                if unit:
                    counts[f"#:{_NUMBER_WORDS[low]} {unit}"] += weight
                continue
            if low.isalpha():
                if len(low) >= 3 and low not in stop:
                    counts[f"w:{low[:stem]}"] += weight
                continue
            if _YEAR.match(tok):
                counts[f"y:{tok}"] += weight
                continue
            key = _number_key(tok)
            if key is None:
                continue
            unit = None if "-" in key else _unit(toks, i, stop, stem)
            if unit:
                counts[f"#:{key} {unit}"] += weight
            # the bare value too, when it says something on its own: units are words of one language
            if "-" in key or "." in key or len(key) >= 2:
                counts[f"#:{key}"] += weight

    for sentence, toks in title_sentences:
        add_sentence(toks, _headline_like(sentence, toks), settings.title_boost)
    for toks, headline in body_runs:
        add_sentence(toks, headline, 1.0)
    if len(counts) > settings.max_features:
        # keep the most frequent (ties: alphabetical), so one huge document cannot flood the index
        kept = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:settings.max_features]
        counts = Counter(dict(kept))
    return DocFeatures(doc.document_id, language, dict(counts), doc.published_at, doc.outlet, tuple(doc.copies_of),
                       doc.previous_version)


def _unit(toks: list[str], i: int, stop: frozenset[str], stem: int) -> str | None:
    """The word a number counts or measures: the next content word, else the previous one ("magnitude 7.1")."""
    for j in (i + 1, i - 1):
        if 0 <= j < len(toks):
            w = fold(toks[j])
            if w.isalpha() and len(w) >= 3 and w not in stop:
                return w[:stem]
    return None
