"""The values that travel through the pipeline. Plain frozen dataclasses: no I/O, no database.

An item's journey: ``InputItem`` (loaded, not yet cleaned) → ``Article`` (cleaned, split into
``Paragraph``s with roles) → stored as rows of ``documents`` and ``paragraphs``. A ``Failure`` is
what one bad item costs: a row in ``failures``, never the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

#: Paragraph roles. ``body`` is the article text; ``caption`` describes a picture; ``credit`` names who
#: made the picture (split off its caption, kept as data); ``boilerplate`` is page furniture such as
#: "Read more of this story ... >>>". Only body paragraphs make up ``documents.text``.
ROLES = ("body", "caption", "credit", "boilerplate")


@dataclass(frozen=True)
class ItemMeta:
    """Metadata supplied with an item (sidecar ``.meta.json``, front matter or JSON record fields).

    Supplied metadata wins over what the cleaner finds in the page.
    """

    url: str | None = None
    title: str | None = None
    source: str | None = None
    published_at: datetime | None = None
    language: str | None = None
    authors: tuple[str, ...] = ()
    #: when the page was fetched, where the input says so (a WARC record's ``WARC-Date``)
    fetched_at: datetime | None = None
    #: what the input kept of the HTTP exchange, as ``(name, value)`` pairs: ``content_type``,
    #: ``last_modified``, ``warc_record_id`` (WARC records; empty otherwise)
    http: tuple[tuple[str, str], ...] = ()
    #: the input record's own fields as ``(name, value)`` pairs, kept as given (a URL list's row: a CSV's
    #: columns, a GDELT event's codebook fields); empty for inputs that are not records of a list
    record: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class UrlRecord:
    """One URL to fetch, read from a list (a URL-only JSON record, a CSV row, a GDELT line): the page is
    fetched later and becomes an ``InputItem`` with ``meta``. ``origin`` names the record (``path#line``)
    for its failures; ``title`` and ``summary`` are what filters read before fetching."""

    url: str
    origin: str
    meta: ItemMeta = field(default_factory=ItemMeta)
    summary: str | None = None


@dataclass(frozen=True)
class PageFetch:
    """How a page fetched by URL (a feed's article, a URL list's page) was fetched: what to ask for when it is
    revisited (``wiredesk.sources.revisits``), with its validators for a conditional GET."""

    url: str  # the URL asked for
    source: str  # the followed source's name or the URL list's path (whose revisit budget it uses)
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class InputItem:
    """One article as loaded from disk (or, later, fetched), before cleaning.

    ``origin`` says where it came from (a file path, ``path#N`` for the N-th JSONL record, or a URL)
    and is stable across runs; ``raw_sha256`` identifies the exact bytes, so an unchanged input is
    skipped before any cleaning.
    """

    origin: str
    kind: str  # "html" | "text" | "markdown"
    content: str
    raw: bytes
    raw_sha256: str
    meta: ItemMeta = field(default_factory=ItemMeta)
    #: ``match_hash`` of the short lines that earlier documents of the item's site carried (site furniture,
    #: from the store when the batch is planned: ``wiredesk.store.site_lines``); empty when unknown
    site_furniture: frozenset[int] = frozenset()
    #: the followed source (``sources.source_id``) the page was fetched for; None for files and records
    source_id: int | None = None
    #: how the page was fetched, for pages fetched by URL (revisited later); None for files and archives
    fetched: PageFetch | None = None

    @property
    def doc_key(self) -> str:
        """Stable identity of the document across versions: its URL when known, else its origin."""
        return self.meta.url or self.origin


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a cleaned article, in reading order, with its role.

    ``attached_to`` is set on a credit: the position of the caption (or paragraph) it was split from.
    """

    position: int
    role: str
    text: str
    attached_to: int | None = None


@dataclass(frozen=True)
class Article:
    """A cleaned article, ready to store as one document version with its paragraphs."""

    origin: str
    doc_key: str
    kind: str
    raw_sha256: str
    url: str | None
    title: str | None
    authors: tuple[str, ...]
    source: str | None
    published_at: datetime | None
    language: str | None
    paragraphs: tuple[Paragraph, ...]
    cleaner: str  # name/version of the code that cleaned it, e.g. "trafilatura/2.3.1+paragraphs/1"
    #: where ``language`` came from: "supplied", "declared", "detected", or None (no language)
    language_source: str | None = None
    #: what the site rule of its host did ("keep", "generic", "keep_unmatched": ``wiredesk.clean.siterules``);
    #: None when its host has no rule
    site_rule: str | None = None
    #: the kinds the page declares: ``og:TYPE`` and its schema.org types ("og:article", "NewsArticle", "Recipe";
    #: ``wiredesk.clean.pagetypes``); empty for text and pages that declare none
    page_types: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The article's body text: body paragraphs only, separated by blank lines."""
        return "\n\n".join(p.text for p in self.paragraphs if p.role == "body")


@dataclass(frozen=True)
class Failure:
    """One item that could not be ingested, and why. Stored in ``failures``; the run goes on."""

    origin: str
    stage: str  # "load" | "clean" | "fetch" | "store"
    reason: str  # short machine-readable reason, e.g. "empty", "binary", "too_large", "no_text"
    message: str
    #: what failed, to try again only when it changes: the bytes' SHA-256 (cleaning), a file's size and
    #: times (loading); None when nothing was received (a fetch)
    content: str | None = None
    #: whether trying again with the same content may succeed (a timeout, a 5xx, a page whose text may
    #: appear later): such failures are retried with backoff (``wiredesk.domain.retry``)
    may_pass: bool = False
