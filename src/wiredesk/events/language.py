"""One language's reading of a batch of documents: sentences, one parse call, mentions and entities.

``Language`` holds what reading one language needs (its trigger lexicon, its NLP back-end, the gazetteer, the
sentence reader; the spaCy model is loaded on the first document in it), and ``Language.read`` turns the
documents the extractor gave it into extractions:

1. splits the body paragraphs into sentences by rule (``segment.py``) and parses, in one ``parse_many``
   call, only the sentences that could hold a trigger (judged from their surface words) and that are not,
   by the language detector, surely in another language (a German quote inside an English page: "die" is
   no death); every distinct sentence text is parsed once per batch. A slot that is a reference ("they",
   "the group") and asked for an antecedent gets the sentence before it parsed in a second, small call, and
   its document is read again; a reference never resolves past a sentence that was not parsed
   (``References.skip``): what that sentence said could have blocked it;
2. for every parsed sentence, in document order, finds triggers, reads their arguments and merges them
   (``sentence.py``), resolving "the group" / "they" to a named actor of the same document; and records
   the named entities of the sentence;
3. hands each document's mentions, with what the parse and the page tell around each (``confidence.Around``),
   to the ``score`` it was given (the extractor's confidence model), once all of them are read.

What this is not: it does not choose which documents are read (language, page kind: ``extract.py``) nor what a
mention's confidence is (``confidence.py``). Nothing is read from captions, credits or boilerplate. Pure apart
from the NLP back-end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Callable, Sequence

from wiredesk.events.arguments import CONTAINERS, ArgumentReader
from wiredesk.events.confidence import Around
from wiredesk.events.domain import contest_is_read, page_domains
from wiredesk.events.lexicon import Lexicon
from wiredesk.events.model import DocumentInput, EntityMention, EventMention, Extraction
from wiredesk.events.nlp import NlpBackend, ParsedDoc, Sentence, make_backend
from wiredesk.events.pagekind import PageKind
from wiredesk.events.places import Gazetteer
from wiredesk.events.references import References
from wiredesk.events.segment import FUNCTION_WORDS, TriggerWords, other_language, split_sentences, words_of
from wiredesk.events.sentence import SentenceReader

#: What scores one document's mentions once all are read: (mentions, what is around each) -> mentions.
Score = Callable[[list[EventMention], list[Around]], list[EventMention]]


@dataclass
class Language:
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

    def load(self) -> "Language":
        if self.backend is None:
            self.backend = make_backend(self.kind, model=self.model, lexicon=self.lexicon, gazetteer=self.gazetteer,
                                        n_process=self.n_process, language=self.code)
        if self.sentences is None:
            self.sentences = SentenceReader(self.lexicon, self.gazetteer)
            forms = self.backend.surface_forms()
            inflect = self.code == "en"  # English inflection rules; other languages need the model's forms
            self.words = TriggerWords(self.lexicon, forms, inflect=inflect) if inflect or forms else None
        return self

    def read(self, docs: Sequence[DocumentInput], pages: Sequence[PageKind | None], describe: str, *,
             parse_all: bool = False, score: Score | None = None) -> list[Extraction]:
        """The extractions of ``docs`` (all in this language, loaded), in order. ``pages``: the page-kind
        gate's verdict on each (or None when not asked), passed to ``score`` with each mention; ``describe``:
        the lineage each extraction records; ``parse_all`` parses every sentence, not only those that could
        hold a trigger; ``score`` (or None: the rule score stays) is given each document's mentions."""
        # 1. sentences by rule; the ones that could hold a trigger are parsed, in one parse_many call
        words = [words_of("\n".join(text for _, _, text in body_units(doc))) for doc in docs]
        contexts = [self.words.document_context(w) if self.words is not None else frozenset() for w in words]
        domains = [page_domains(w) for w in words]
        plans = [self._plan(doc, ctx, parse_all) for doc, ctx in zip(docs, contexts)]
        parsed: list[dict[int, ParsedDoc]] = [{} for _ in docs]
        self._parse([(d, k, plan[k][2]) for d, plan in enumerate(plans) for k in range(len(plan)) if plan[k][3]],
                    parsed)
        out, asked = [], []
        for d, doc in enumerate(docs):
            x, refs = self._read_doc(doc, plans[d], parsed[d], describe, contexts[d], domains[d], pages[d], score)
            out.append(x)
            asked.append(refs.asked)
        # 2. a slot that asked for an antecedent ("they", "the group") gets the sentence before it parsed
        #    too, and its document is read again (the search never looks past a sentence not parsed)
        more = sorted({(d, k - 1) for d, ks in enumerate(asked) for k in ks if k > 0 and k - 1 not in parsed[d]})
        if more:
            self._parse([(d, k, plans[d][k][2]) for d, k in more], parsed)
            for d in sorted({d for d, _ in more}):
                out[d] = self._read_doc(docs[d], plans[d], parsed[d], describe, contexts[d], domains[d], pages[d],
                                        score)[0]
        return out

    def _parse(self, wanted: list[tuple[int, int, str]], parsed: list[dict[int, ParsedDoc]]) -> None:
        texts = [sentence_case(text) for _, _, text in wanted]
        for (d, k, text), shown, pd in zip(wanted, texts, self.backend.parse_many(texts)):
            if shown != text:  # parsed in sentence case; the words stay as written
                pd = replace(pd, text=text, tokens=[replace(t, text=text[t.start:t.end]) for t in pd.tokens],
                             entities=[replace(e, text=text[e.start_char:e.end_char]) for e in pd.entities])
            # the rule-split sentence is the sentence, whatever the parser thinks of its boundaries
            parsed[d][k] = replace(pd, sentences=[Sentence(0, 0, len(pd.tokens), 0, len(pd.text))])

    def _plan(self, doc: DocumentInput, context: frozenset[str],
              parse_all: bool) -> list[tuple[int, int, str, bool]]:
        """(paragraph position, offset in the body text, text, whether to parse) of each sentence of the
        body, in order (the list index is the sentence index)."""
        sents = [(position, offset + a, text[a:b]) for position, offset, text in body_units(doc)
                 for a, b in split_sentences(text)]
        every = parse_all or self.words is None
        return [(p, o, t, (every or self.words.possible(t, context)) and not other_language(t, self.code))
                for p, o, t in sents]

    # --- one document ------------------------------------------------------------------------------------

    def _read_doc(self, doc: DocumentInput, plan, parsed: dict[int, ParsedDoc], describe: str,
                  context: frozenset[str], domains: frozenset[str], page: PageKind | None,
                  score: Score | None) -> tuple[Extraction, References]:
        """``context``: the lexicon's disambiguation words found anywhere in the body (an ambiguous trigger
        takes its sense from the article when its own sentence does not tell: "won" in a match report,
        "charged" in a court story); ``domains``: the page's domains (``wiredesk.events.domain``), which
        keep contest words on a video-game or election page from being matches; ``page``: the gate's verdict."""
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
            reader = ArgumentReader(pd, self.lexicon, offset, refs)
            sent = pd.sentences[0]
            entities.extend(self._entities(doc, pd, reader, sent))
            self._collect_antecedents(pd, reader, sent, sidx)
            found = [m for m in self.sentences.mentions(doc, pd, reader, sent, sidx, offset, position, context)
                     if contests or m.event_class != "CONTEST"]
            mentions, around = mentions + found, around + [Around.of(pd, m.trigger_start - offset, page, domains)
                                                            for m in found]
        # the document's counts are inputs: scored once all its mentions are read
        if score is not None:
            mentions = score(mentions, around)
        return Extraction(doc.doc_key, tuple(mentions), tuple(entities), describe, self.code), refs

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
                if self.lexicon.actor_entry((t.lemma,)):
                    actor = reader.actor_from_tokens([k])
                    refs.add(sidx, reader.offset + t.start, actor, actor.kind if actor else None, t.lemma, False)
                k += 1


def body_units(doc: DocumentInput):
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


def sentence_case(text: str) -> str:
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
