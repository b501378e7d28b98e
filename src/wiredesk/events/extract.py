"""Documents → event mentions: the document loop of the built-in extractor, per language.

``DefaultEventExtractor`` is the built-in ``EventExtractor``. For a batch of documents it

1. reads each document only in a language it has both a trigger lexicon and an NLP back-end for (the
   document's ``language``, its base code: "en-GB" reads as "en"); any other document, and one without a
   language, is skipped and says so (``Extraction.skipped``), never read with another language's model;
   with ``pages="news"`` (the default) also only a document the page-kind gate calls news
   (``wiredesk.events.pagekind``: a recipe, a product page, a wiki is skipped, with the reason);
2. splits the body paragraphs into sentences by rule (``segment.py``) and parses, in one ``parse_many``
   call per language, only the sentences that could hold a trigger (judged from their surface words) and
   that are not, by the language detector, surely in another language (a German quote inside an English
   page: "die" is no death); every distinct sentence text is parsed once per batch. A slot that is a
   reference ("they", "the group") and asked for an antecedent gets the sentence before it parsed in a
   second, small call, and its document is read again; a reference never resolves past a sentence that
   was not parsed (``References.skip``): what that sentence said could have blocked it;
3. for every parsed sentence, in document order, finds triggers, reads their arguments and merges them
   (``sentence.py``), resolving "the group" / "they" to a named actor of the same document; and records
   the named entities of the sentence.

Nothing is read from captions, credits or boilerplate. Pure apart from the NLP back-ends it is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Mapping, Protocol, Sequence

from wiredesk.domain.errors import ConfigError, ModelNotAvailableError
from wiredesk.domain.settings import EventsSettings
from wiredesk.events.arguments import CONTAINERS, ArgumentReader
from wiredesk.events.confidence import DEFAULT_MIN_CONFIDENCE, Around, Confidence, load as load_confidence, rescore
from wiredesk.events.domain import contest_is_read, page_domains
from wiredesk.events.references import References
from wiredesk.events.lexicon import Lexicon, lexicon_languages
from wiredesk.events.model import DocumentInput, EntityMention, EventMention, Extraction, base_language
from wiredesk.events.nlp import NlpBackend, ParsedDoc, Sentence, choose_model, make_backend
from wiredesk.events.pagekind import PAGE_SETTINGS, page_kind
from wiredesk.events.places import Gazetteer
from wiredesk.events.segment import FUNCTION_WORDS, TriggerWords, other_language, split_sentences, words_of
from wiredesk.events.sentence import SentenceReader

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
#: speech, the page-kind gate's verdict and how deep in the page the sentence is: other mentions are doubtful
EXTRACTION_VERSION = "events/10"


class EventExtractor(Protocol):
    """Documents → extractions (event and entity mentions). ``name`` and ``version`` are recorded with
    every derived row; ``describe()`` names back-end, model and lexicon. Raises ``ConfigError`` at
    construction when a requested back-end is unavailable, never per document; a document in a language
    it does not read comes back empty with ``skipped`` set."""

    name: str
    version: str

    def describe(self) -> str: ...

    def extract_many(self, docs: Sequence[DocumentInput]) -> list[Extraction]: ...


@dataclass
class _Language:
    """Everything needed to read one language; the spaCy model is loaded on the first document in it."""

    code: str
    lexicon: Lexicon
    kind: str
    model: str | None
    n_process: int
    gazetteer: Gazetteer
    backend: NlpBackend | None = None
    words: TriggerWords | None = field(default=None, repr=False)
    sentences: SentenceReader | None = field(default=None, repr=False)

    def load(self) -> "_Language":
        if self.backend is None:
            self.backend = make_backend(self.kind, model=self.model, lexicon=self.lexicon, gazetteer=self.gazetteer,
                                        n_process=self.n_process, language=self.code)
        if self.sentences is None:
            self.sentences = SentenceReader(self.lexicon, self.gazetteer)
            forms = self.backend.surface_forms()
            inflect = self.code == "en"  # English inflection rules; other languages need the model's forms
            self.words = TriggerWords(self.lexicon, forms, inflect=inflect) if inflect or forms else None
        return self


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
    Both apply to English read with a parse only (what the model was fitted on; ``_scored``)."""

    name = "wiredesk-events"
    version = EXTRACTION_VERSION

    def __init__(self, backend: str | NlpBackend = "auto", *, model: str | None = None,
                 models: Mapping[str, str] | None = None, lexicon: Lexicon | None = None,
                 gazetteer: Gazetteer | None = None, n_process: int = 2, parse_all: bool = False,
                 pages: str = "news", confidence: Confidence | None | bool = None,
                 min_confidence: float = DEFAULT_MIN_CONFIDENCE):
        if pages not in PAGE_SETTINGS:
            raise ConfigError(f"events pages must be one of {', '.join(PAGE_SETTINGS)}, got {pages!r}")
        if not 0.0 <= min_confidence <= 1.0:
            raise ConfigError(f"events min_confidence must be between 0 and 1, got {min_confidence!r}")
        self.confidence = None if confidence is False else (
            load_confidence() if confidence is None or confidence is True else confidence)
        self.min_confidence = min_confidence
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
        self._languages: dict[str, _Language] = {}
        for code in have:
            lex = lexicon if lexicon is not None and lexicon.language == code else Lexicon(code)
            lex.add_country_names(self.gazetteer.country_names(), self.gazetteer.country_titles())
            # a back-end object is English's; other languages get spaCy models as with "auto"
            lang = _Language(code, lex, backend if isinstance(backend, str) else "auto", named.get(code),
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
    def _can_read(lang: _Language, explicit: bool) -> bool:
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

    def _scored(self, lang: _Language) -> bool:
        """Whether the confidence model scores this language's mentions: it was fitted on English mentions read
        with a parse ("-ed", "I/we/you", slots from the parse), so another language and the rules-only back-end
        keep the rule score and flag nothing."""
        return self.confidence is not None and lang.code == "en" and lang.backend.name != "rules"

    def extract_many(self, docs: Sequence[DocumentInput]) -> list[Extraction]:
        out: list[Extraction | None] = [None] * len(docs)
        by_language: dict[str, list[int]] = {}
        for i, doc in enumerate(docs):
            code = base_language(doc.language)
            kind = page_kind(doc) if code in self._languages and self.pages == "news" else None
            if kind is not None and not kind.news:  # no news: counted as skipped, never read
                out[i] = Extraction(doc.doc_key, (), (), f"{self.version} not read: {kind.reason}", code,
                                    skipped="page", skip_reason=kind.reason)
            elif code in self._languages:
                by_language.setdefault(code, []).append(i)
            else:
                out[i] = Extraction(doc.doc_key, (), (), f"{self.version} not read: language {code}", code,
                                    skipped="language")
        for code, idx in by_language.items():
            for i, x in zip(idx, self._extract_language(self._languages[code].load(), [docs[i] for i in idx])):
                out[i] = x
        return out  # type: ignore[return-value]

    def extract(self, doc: DocumentInput) -> Extraction:
        return self.extract_many([doc])[0]

    def _extract_language(self, lang: _Language, docs: Sequence[DocumentInput]) -> list[Extraction]:
        # 1. sentences by rule; the ones that could hold a trigger are parsed, in one parse_many call
        words = [words_of("\n".join(text for _, _, text in _body_units(doc))) for doc in docs]
        contexts = [lang.words.document_context(w) if lang.words is not None else frozenset() for w in words]
        domains = [page_domains(w) for w in words]
        # the page-kind gate's reason is an input of the confidence model, whatever ``pages`` is (once per page)
        pages = [page_kind(doc).reason if self._scored(lang) else "" for doc in docs]
        plans = [self._plan(lang, doc, ctx) for doc, ctx in zip(docs, contexts)]
        parsed: list[dict[int, ParsedDoc]] = [{} for _ in docs]
        self._parse(lang, [(d, k, plan[k][2]) for d, plan in enumerate(plans) for k in range(len(plan))
                           if plan[k][3]], parsed)
        describe = self.describe(lang.code)
        out, asked = [], []
        for d, doc in enumerate(docs):
            x, refs = self._extract_doc(lang, doc, plans[d], parsed[d], describe, contexts[d], domains[d], pages[d])
            out.append(x)
            asked.append(refs.asked)
        # 2. a slot that asked for an antecedent ("they", "the group") gets the sentence before it parsed
        #    too, and its document is read again (the search never looks past a sentence not parsed)
        more = sorted({(d, k - 1) for d, ks in enumerate(asked) for k in ks if k > 0 and k - 1 not in parsed[d]})
        if more:
            self._parse(lang, [(d, k, plans[d][k][2]) for d, k in more], parsed)
            for d in sorted({d for d, _ in more}):
                out[d] = self._extract_doc(lang, docs[d], plans[d], parsed[d], describe, contexts[d], domains[d],
                                          pages[d])[0]
        return out

    @staticmethod
    def _parse(lang: _Language, wanted: list[tuple[int, int, str]], parsed: list[dict[int, ParsedDoc]]) -> None:
        texts = [_sentence_case(text) for _, _, text in wanted]
        for (d, k, text), shown, pd in zip(wanted, texts, lang.backend.parse_many(texts)):
            if shown != text:  # parsed in sentence case; the words stay as written
                pd = replace(pd, text=text, tokens=[replace(t, text=text[t.start:t.end]) for t in pd.tokens],
                             entities=[replace(e, text=text[e.start_char:e.end_char]) for e in pd.entities])
            # the rule-split sentence is the sentence, whatever the parser thinks of its boundaries
            parsed[d][k] = replace(pd, sentences=[Sentence(0, 0, len(pd.tokens), 0, len(pd.text))])

    def _plan(self, lang: _Language, doc: DocumentInput, context: frozenset[str]) -> list[tuple[int, int, str, bool]]:
        """(paragraph position, offset in the body text, text, whether to parse) of each sentence of the
        body, in order (the list index is the sentence index)."""
        sents = [(position, offset + a, text[a:b]) for position, offset, text in _body_units(doc)
                 for a, b in split_sentences(text)]
        every = self.parse_all or lang.words is None
        return [(p, o, t, (every or lang.words.possible(t, context)) and not other_language(t, lang.code))
                for p, o, t in sents]

    # --- one document ------------------------------------------------------------------------------------

    def _extract_doc(self, lang: _Language, doc: DocumentInput, plan, parsed: dict[int, ParsedDoc],
                     describe: str, context: frozenset[str],
                     domains: frozenset[str] = frozenset(), page: str = "") -> tuple[Extraction, References]:
        """``context``: the lexicon's disambiguation words found anywhere in the body (an ambiguous trigger
        takes its sense from the article when its own sentence does not tell: "won" in a match report,
        "charged" in a court story); ``domains``: the page's domains (``wiredesk.events.domain``), which
        keep contest words on a video-game or election page from being matches; ``page``: the gate's reason."""
        refs = References()
        contests = contest_is_read(domains)
        mentions: list[EventMention] = []
        around: list[Around] = []
        entities: list[EntityMention] = []
        for sidx, (position, offset, _, _) in enumerate(plan):
            pd = parsed.get(sidx)
            if pd is None or not pd.tokens:
                refs.skip(sidx)
                continue
            reader = ArgumentReader(pd, lang.lexicon, offset, refs)
            sent = pd.sentences[0]
            entities.extend(self._entities(doc, pd, reader, sent))
            self._collect_antecedents(lang, pd, reader, sent, sidx)
            found = [m for m in lang.sentences.mentions(doc, pd, reader, sent, sidx, offset, position, context)
                     if contests or m.event_class != "CONTEST"]
            mentions, around = mentions + found, around + [Around.of(pd, m.trigger_start - offset, page, domains)
                                                            for m in found]
        # the document's counts are inputs: scored once all its mentions are read
        if self._scored(lang):
            mentions = rescore(mentions, self.confidence, self.min_confidence, around)
        return Extraction(doc.doc_key, tuple(mentions), tuple(entities), describe, lang.code), refs

    def _entities(self, doc, pd: ParsedDoc, reader: ArgumentReader, sent: Sentence) -> list[EntityMention]:
        out = []
        for e in pd.entities:
            if e.start < sent.start or e.end > sent.end or e.label not in ("PERSON", "ORG", "GPE", "LOC", "FAC",
                                                                           "NORP"):
                continue
            actor = reader.actor_from_tokens(list(range(e.start, e.end)))
            name = actor.name if actor else e.text
            country = actor.country if actor else None
            if e.label in ("GPE", "LOC", "FAC"):
                geo = self.gazetteer.lookup(e.text)
                if geo:
                    name, country = geo.name, geo.country
            kind = actor.kind if actor and e.label in ("PERSON", "ORG", "NORP") else None
            out.append(EntityMention(doc.doc_key, e.text, _strip_the(name), e.label, kind,
                                     country, reader.offset + e.start_char, reader.offset + e.end_char))
        return out

    def _collect_antecedents(self, lang: _Language, pd: ParsedDoc, reader: ArgumentReader, sent: Sentence,
                             sidx: int) -> None:
        """Record every actor-like phrase of the sentence, in order, for reference resolution."""
        refs = reader.refs
        if pd.has_parse:
            for t in pd.tokens[sent.start:sent.end]:
                if t.dep not in ("nsubj", "nsubjpass", "dobj", "pobj", "appos", "conj", "ROOT", "dative", "attr"):
                    continue
                if t.ent in ("GPE", "LOC", "FAC") and t.dep in ("pobj", "conj"):
                    continue  # "in Iraq and Syria": places, not actors that "it" could mean
                subject = t.dep in ("nsubj", "nsubjpass")
                start = reader.offset + t.start
                if t.pos == "PRON" and t.text.lower() in ("it", "they", "them"):
                    res = refs.resolve_pronoun(t.text.lower(), sidx, start, ask=False)
                    refs.add(sidx, start, res, res.kind if res else None, t.lemma, subject)
                elif t.pos in ("NOUN", "PROPN") and t.lemma not in CONTAINERS:
                    actor = reader.actor_from_tokens(reader.np_tokens(t.i))
                    if actor:
                        refs.add(sidx, start, actor, actor.kind, t.lemma, subject)
        else:
            k = sent.start
            while k < sent.end:
                t = pd.tokens[k]
                e = pd.entity_at(k)
                if e is not None and e.label in ("ORG", "PERSON", "NORP"):
                    actor = reader.actor_from_tokens(list(range(e.start, e.end)))
                    if actor:
                        refs.add(sidx, reader.offset + t.start, actor, actor.kind, e.text.lower(), False)
                    k = e.end
                    continue
                if lang.lexicon.actor_entry((t.lemma,)):
                    actor = reader.actor_from_tokens([k])
                    refs.add(sidx, reader.offset + t.start, actor, actor.kind if actor else None, t.lemma, False)
                k += 1


def _body_units(doc: DocumentInput):
    """(paragraph position, offset in body text, text) for each body paragraph."""
    if doc.paragraphs:
        offset = 0
        for p in doc.paragraphs:
            if p.role != "body":
                continue
            yield p.position, offset, p.text
            offset += len(p.text) + 2
    else:
        text = doc.body or ""
        offset = 0
        for k, part in enumerate(text.split("\n\n")):
            if part.strip():
                yield k, offset, part
            offset += len(part) + 2



def _sentence_case(text: str) -> str:
    """A headline or shouted line ("Colts Clinch Playoff Berth", "GRANDMOTHER KILLED BY DRUNK DRIVER") in
    sentence case, for the tagger and parser, which read capitals as names; other text unchanged. A line
    that ends like a sentence and keeps a long word other than a title's small words in lower case is a
    sentence with many names ("The announcement was made by Erik Feig, Summit's President of Production."):
    its capitals are names and stay. Offsets stay valid: only the case changes (a text whose length would
    change is left as it is)."""
    words = [w for w in _LONG_WORD.findall(text)]
    if len(words) < 3 or sum(w[0].isupper() for w in words) < 0.7 * len(words):
        return text
    if text.rstrip(" \"'\u201d\u2019").endswith((".", "?", "!")) and any(
            not w[0].isupper() and w.lower() not in _TITLE_SMALL for w in words):
        return text  # "The announcement was made by Erik Feig, Summit's President ...": a sentence, not a title
    lowered = text[:1] + text[1:].lower()
    return lowered if len(lowered) == len(text) else text


_LONG_WORD = re.compile(r"[^\W\d_]{4,}")
#: Long words a title leaves in lower case ("Clinch Berth *with* Victory *over* Jaguars").
_TITLE_SMALL = FUNCTION_WORDS | {"than", "about", "against", "during", "amid", "amidst", "through", "that", "this",
                                 "near", "upon", "onto", "under", "says", "said", "will", "were", "from"}


def _strip_the(name: str) -> str:
    return name[4:] if name.lower().startswith("the ") else name
