"""Sentence → event mentions: trigger, class, actor, target, place, date, numbers, negation, modality.

``DefaultEventExtractor`` is the built-in ``EventExtractor``: it parses the body paragraphs of a batch of
documents with one ``nlp.pipe`` call (``nlp.py``), then for every sentence

1. finds triggers in the lexicon (longest lemma sequence first, part of speech and disambiguation words
   checked),
2. reads each trigger's arguments (``arguments.py``) from the same sentence, resolving "the group" / "they"
   to a named actor of the same document,
3. folds casualty verbs into the attack they report ("airstrikes that killed 25" is one mention with
   killed=25, not two), and merges same-class triggers of one sentence ("broke into ..., smashing ... and
   setting fire ...") unless their actors or targets disagree,
4. scores a confidence.

Nothing is read from captions, credits or boilerplate. Pure apart from the NLP back-end it is given.
"""

from __future__ import annotations

from typing import Protocol, Sequence

from wiredesk.events.arguments import CONTAINERS, ArgumentReader, References
from wiredesk.events.lexicon import Lexicon
from wiredesk.events.model import DocumentInput, EntityMention, EventMention, Extraction
from wiredesk.events.nlp import NlpBackend, ParsedDoc, Sentence, make_backend
from wiredesk.events.places import Gazetteer
from wiredesk.events.sentence import SentenceReader

#: Version of the extraction code; bump when its output changes for the same input and lexicon.
EXTRACTION_VERSION = "events/1"



class EventExtractor(Protocol):
    """Documents → extractions (event and entity mentions). ``name`` and ``version`` are recorded with
    every derived row; ``describe()`` names back-end, model and lexicon. Raises ``ConfigError`` at
    construction when a requested back-end is unavailable, never per document."""

    name: str
    version: str

    def describe(self) -> str: ...

    def extract_many(self, docs: Sequence[DocumentInput]) -> list[Extraction]: ...


class DefaultEventExtractor:
    """The built-in extractor: spaCy (or rules-only) parse + curated lexicons + offline gazetteer."""

    name = "wiredesk-events"
    version = EXTRACTION_VERSION

    def __init__(self, backend: str | NlpBackend = "auto", *, model: str | None = None,
                 lexicon: Lexicon | None = None, gazetteer: Gazetteer | None = None, n_process: int = 2):
        self.lexicon = lexicon or Lexicon()
        self.gazetteer = gazetteer or Gazetteer()
        self.lexicon.add_country_names(self.gazetteer.country_names(), self.gazetteer.country_titles())
        if isinstance(backend, str):
            backend = make_backend(backend, model=model, lexicon=self.lexicon, gazetteer=self.gazetteer,
                                   n_process=n_process)
        self.backend = backend
        self.sentences = SentenceReader(self.lexicon, self.gazetteer)

    def describe(self) -> str:
        b = self.backend
        engine = f"spacy/{getattr(b, 'spacy_version', '?')}" if b.name == "spacy" else b.name
        return f"{self.version} {engine} model={b.model} {self.lexicon.version} {self.gazetteer.version}"

    def extract_many(self, docs: Sequence[DocumentInput]) -> list[Extraction]:
        # 1. one nlp.pipe over every body paragraph of the batch (paragraphs never share a sentence)
        units: list[tuple[int, int, int]] = []  # (doc index, paragraph position, offset in body text)
        texts: list[str] = []
        for d, doc in enumerate(docs):
            for position, offset, text in _body_units(doc):
                units.append((d, position, offset))
                texts.append(text)
        parsed = self.backend.parse_many(texts)
        per_doc: list[list[tuple[ParsedDoc, int, int]]] = [[] for _ in docs]
        for (d, position, offset), pd in zip(units, parsed):
            per_doc[d].append((pd, offset, position))
        describe = self.describe()
        return [self._extract_doc(doc, per_doc[d], describe) for d, doc in enumerate(docs)]

    def extract(self, doc: DocumentInput) -> Extraction:
        return self.extract_many([doc])[0]

    # --- one document ------------------------------------------------------------------------------------

    def _extract_doc(self, doc: DocumentInput, units, describe: str) -> Extraction:
        refs = References()
        mentions: list[EventMention] = []
        entities: list[EntityMention] = []
        sidx = 0
        for pd, offset, position in units:
            reader = ArgumentReader(pd, self.lexicon, offset, refs)
            for sent in pd.sentences:
                entities.extend(self._entities(doc, pd, reader, sent))
                self._collect_antecedents(pd, reader, sent, sidx)
                found = self.sentences.mentions(doc, pd, reader, sent, sidx, offset, position)
                mentions.extend(found)
                sidx += 1
        return Extraction(doc.doc_key, tuple(mentions), tuple(entities), describe)

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

    def _collect_antecedents(self, pd: ParsedDoc, reader: ArgumentReader, sent: Sentence, sidx: int) -> None:
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
                    res = refs.resolve_pronoun(t.text.lower(), sidx, start)
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
                if self.lexicon.actor_entry((t.lemma,)):
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



def _strip_the(name: str) -> str:
    return name[4:] if name.lower().startswith("the ") else name
