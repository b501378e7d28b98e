"""Documents → event mentions: the built-in extractor, which documents it reads and how it scores them.

``DefaultEventExtractor`` is the built-in ``EventExtractor``. For a batch of documents it

1. reads each document only in a language it has both a trigger lexicon and an NLP back-end for (the
   document's ``language``, its base code: "en-GB" reads as "en"); any other document, and one without a
   language, is skipped and says so (``Extraction.skipped``), never read with another language's model;
   with ``pages="news"`` (the default) also only a document the page-kind gate calls news
   (``wiredesk.events.pagekind``: a recipe, a product page, a wiki is skipped, with the reason);
2. hands the documents of each language, with the gate's verdict on each, to that language's reader
   (``wiredesk.events.language``: sentences, one parse call, mentions and entities);
3. scores each document's mentions with the confidence model (``wiredesk.events.confidence``), where it
   applies, and shows the model's inputs to a ``record`` callback when one is given.

What this is not: the reading of a sentence or a document (``language.py``, ``sentence.py``) or the model itself.
Pure apart from the NLP back-ends it is given.
"""

from __future__ import annotations

from typing import Callable, Mapping, Protocol, Sequence

from wiredesk.domain.errors import ConfigError, ModelNotAvailableError
from wiredesk.domain.settings import EventsSettings
from wiredesk.events.confidence import DEFAULT_MIN_CONFIDENCE, Around, Confidence, apply, inputs
from wiredesk.events.confidence import load as load_confidence
from wiredesk.events.language import Language
from wiredesk.events.lexicon import Lexicon, lexicon_languages
from wiredesk.events.model import DocumentInput, EventMention, Extraction, base_language
from wiredesk.events.nlp import NlpBackend, choose_model
from wiredesk.events.pagekind import PAGE_SETTINGS, PageKind, page_kind
from wiredesk.events.places import Gazetteer

#: Version of the extraction code; bump when its output changes for the same input and lexicon.
#: 5: the page-kind gate, more modal frames and generic uses; 6: word senses (lexicon 7's "-" arguments, measures,
#: kinds, imperatives, lone words) and sentences in another language left unread (docs/events.md); 7: the class an
#: argument names ("a quake struck" is no attack), a disaster's deaths folded into it, counts of happenings
#: (``aggregate``), roles ("fire crews") and more hypotheticals flagged, releases of statements no launch; 8: signals
#: that do not depend on the trigger word: the page's domain (contest words on a video-game or election page), the
#: reader addressed ("how to apprehend", a present "you"), tallies of a record ("his first 18 games") and figures
#: ("the Nifty has been rallying", "hit a maximum of 89 degrees"); 9: ``confidence`` is a fitted probability that
#: the mention tells a real happening (``wiredesk.events.confidence``), and a mention under ``min_confidence``
#: is stored as ``doubtful`` and joins no event; 10: ``confidence/2`` also reads the trigger's tense and part of
#: speech, the page-kind gate's verdict and how deep in the page the sentence is: other mentions are doubtful; 11:
#: ``confidence/3``, refitted with seed 101's sample and fewer inputs (the class flags but one, the slot for a date,
#: the tense but a noun's taken out; a video-game page added) and a threshold re-chosen: other mentions are doubtful;
#: 12: lexicon 9, fewer THREATEN mentions: "warn" fires only with force or retaliation in its sentence (not a
#: forecast, a health warning or a PHP "Warning:"), "threat" only as one an actor makes ("death threats", "made
#: threats", "threats by"), not a danger ("the threat of pirates", "security threats")
EXTRACTION_VERSION = "events/12"


class EventExtractor(Protocol):
    """Documents → extractions (event and entity mentions). ``name`` and ``version`` are recorded with
    every derived row; ``describe()`` names back-end, model and lexicon. Raises ``ConfigError`` at
    construction when a requested back-end is unavailable, never per document; a document in a language
    it does not read comes back empty with ``skipped`` set."""

    name: str
    version: str

    def describe(self) -> str: ...

    def extract_many(self, docs: Sequence[DocumentInput]) -> list[Extraction]: ...


#: A recording hook: called with one document's mentions (their ``confidence`` still the trigger's rule score)
#: and the confidence model's inputs of each (``confidence.features``), in the same order.
Record = Callable[[Sequence[EventMention], Sequence[dict[str, float]]], None]


class DefaultEventExtractor:
    """The built-in extractor: spaCy (or rules-only) parse + curated lexicons + offline gazetteer.

    ``backend`` is ``auto``, ``spacy`` or ``rules`` (or an ``NlpBackend`` for English). ``models`` maps a
    language to a spaCy model package (``{"fr": "fr_core_news_md"}``; ``model`` is the English one); a
    language with a lexicon and no model named is read when one of ``PREFERRED_MODELS[language]`` is
    installed. A model named for a language without a lexicon, or named and not installed, is a
    ``ConfigError``. ``parse_all`` parses every sentence instead of only those that could hold a trigger
    (same mentions, more entities, several times slower). ``pages``: "news" reads only the documents the
    page-kind gate calls news (``wiredesk.events.pagekind``), "all" every document in a language it reads.
    ``confidence``: the model that scores each mention (``wiredesk.events.confidence``; default the shipped
    one; ``False`` keeps the trigger's rule score and flags nothing, for fitting a model);
    ``min_confidence``: under it a mention that would join an event is stored ``doubtful`` and joins none.
    ``record`` (``Record``): called once for each reading of a document with its mentions and the model's inputs
    of each, before they are scored (a document whose references asked for more of the page is read, and
    recorded, again: the last call is what comes back); for measuring and fitting a model
    (``bench/mention_confidence.py``), with ``confidence=False`` or not. All three apply to English read with
    a parse only (what the model was fitted on; ``_scored``)."""

    name = "wiredesk-events"
    version = EXTRACTION_VERSION

    def __init__(self, backend: str | NlpBackend = "auto", *, model: str | None = None,
                 models: Mapping[str, str] | None = None, lexicon: Lexicon | None = None,
                 gazetteer: Gazetteer | None = None, n_process: int = 2, parse_all: bool = False,
                 pages: str = "news", confidence: Confidence | None | bool = None,
                 min_confidence: float = DEFAULT_MIN_CONFIDENCE, record: Record | None = None):
        if pages not in PAGE_SETTINGS:
            raise ConfigError(f"events pages must be one of {', '.join(PAGE_SETTINGS)}, got {pages!r}")
        if not 0.0 <= min_confidence <= 1.0:
            raise ConfigError(f"events min_confidence must be between 0 and 1, got {min_confidence!r}")
        self.confidence = None if confidence is False else (
            load_confidence() if confidence is None or confidence is True else confidence)
        self.min_confidence = min_confidence
        self.record = record
        self.gazetteer = gazetteer or Gazetteer()
        self.parse_all = parse_all
        self.pages = pages
        named = {base_language(k): v for k, v in (models or {}).items() if v}
        if model:
            named.setdefault("en", model)
        have = lexicon_languages()
        unknown = sorted(set(named) - set(have))
        if unknown:
            raise ConfigError(f"no trigger lexicon for language(s) {', '.join(unknown)} (events read: "
                              f"{', '.join(have)}); see docs/events.md, Languages")
        self._languages: dict[str, Language] = {}
        for code in have:
            lex = lexicon if lexicon is not None and lexicon.language == code else Lexicon(code)
            lex.add_country_names(self.gazetteer.country_names(), self.gazetteer.country_titles())
            # a back-end object is English's; other languages get spaCy models as with "auto"
            lang = Language(code, lex, backend if isinstance(backend, str) else "auto", named.get(code),
                             n_process, self.gazetteer)
            if code == "en":
                if not isinstance(backend, str):
                    lang.backend = backend
                lang.load()  # English is always read (spaCy, or rules): a missing model fails now
            elif not self._can_read(lang, explicit=code in named):
                continue
            self._languages[code] = lang
        en = self._languages["en"]
        self.lexicon, self.backend, self.sentences = en.lexicon, en.backend, en.sentences

    @classmethod
    def from_settings(cls, events: EventsSettings, n_process: int) -> DefaultEventExtractor:
        """The extractor ``[events]`` asks for (back-end, models, which pages) with ``n_process`` spaCy
        processes: the run's (``wiredesk.pipeline.stages``) and each pool worker's (``scaleout``)."""
        return cls(events.backend, model=events.model or None, models=dict(m.split("=", 1) for m in events.models),
                   n_process=n_process, pages=events.pages, min_confidence=events.min_confidence)

    @staticmethod
    def _can_read(lang: Language, explicit: bool) -> bool:
        """Whether a language other than English has a model; a model named and missing is an error."""
        if lang.kind == "rules" and not explicit:
            return False
        try:
            if lang.kind == "rules":
                raise ModelNotAvailableError(f"the rules-only back-end reads English only, not {lang.code!r}")
            choose_model(lang.model, lang.code)
        except ModelNotAvailableError:
            if explicit:
                raise
            return False
        return True

    @property
    def languages(self) -> tuple[str, ...]:
        """The base language codes this extractor reads; documents in any other are skipped."""
        return tuple(self._languages)

    def describe(self, language: str = "en") -> str:
        lang = self._languages[language].load()
        b = lang.backend
        engine = f"spacy/{getattr(b, 'spacy_version', '?')}" if b.name == "spacy" else b.name
        # "pages=all" in the lineage of mentions read from every page: they are not the default's
        pages = "" if self.pages == "news" else f" pages={self.pages}"
        # the confidence model's version, and a threshold other than the default (it changes which mentions join)
        scored = self._scored(lang)
        conf = f" {self.confidence.version}" if scored else " confidence=rule"
        if scored and self.min_confidence != DEFAULT_MIN_CONFIDENCE:
            conf += f" min_confidence={self.min_confidence:g}"
        return (f"{self.version} {engine} model={b.model} {lang.lexicon.version} {self.gazetteer.version}"
                f"{conf}{pages}")

    def _scored(self, lang: Language) -> bool:
        """Whether the confidence model scores this language's mentions: it was fitted on English mentions read
        with a parse ("-ed", "I/we/you", slots from the parse), so another language and the rules-only back-end
        keep the rule score and flag nothing."""
        return self.confidence is not None and self._modelled(lang)

    def _modelled(self, lang: Language) -> bool:
        """Whether the model's inputs are computed for this language's mentions (to score or to record them)."""
        return (self.confidence is not None or self.record is not None) and lang.code == "en" and \
            lang.backend.name != "rules"

    def _score(self, mentions: list[EventMention], around: list[Around]) -> list[EventMention]:
        """One document's mentions, shown to ``record`` with their inputs and then scored by the model."""
        xs = inputs(mentions, around)
        if self.record is not None:
            self.record(mentions, xs)
        return apply(mentions, xs, self.confidence, self.min_confidence) if self.confidence is not None else mentions

    def extract_many(self, docs: Sequence[DocumentInput]) -> list[Extraction]:
        out: list[Extraction | None] = [None] * len(docs)
        by_language: dict[str, list[int]] = {}
        kinds: list[PageKind | None] = []
        for i, doc in enumerate(docs):
            code = base_language(doc.language)
            # the verdict is also an input of the confidence model, whatever ``pages`` is: asked once per page
            kind = page_kind(doc) if code in self._languages and (
                self.pages == "news" or self._modelled(self._languages[code])) else None
            kinds.append(kind)
            if self.pages == "news" and kind is not None and not kind.news:  # no news: skipped, never read
                out[i] = Extraction(doc.doc_key, (), (), f"{self.version} not read: {kind.reason}", code,
                                    skipped="page", skip_reason=kind.reason)
            elif code in self._languages:
                by_language.setdefault(code, []).append(i)
            else:
                out[i] = Extraction(doc.doc_key, (), (), f"{self.version} not read: language {code}", code,
                                    skipped="language")
        for code, idx in by_language.items():
            lang = self._languages[code].load()
            read = lang.read([docs[i] for i in idx], [kinds[i] for i in idx], self.describe(code),
                             parse_all=self.parse_all, score=self._score if self._modelled(lang) else None)
            for i, x in zip(idx, read):
                out[i] = x
        return out  # type: ignore[return-value]

    def extract(self, doc: DocumentInput) -> Extraction:
        return self.extract_many([doc])[0]
