"""Entry identity and the plan for a feed's entries: which are new, which changed, which to skip. Pure.

An entry is recognised by any of three keys, so that a feed that rewrites one of them adds no duplicate:

1. ``guid`` — scoped to its source, since GUIDs are only unique within a feed;
2. ``url`` — the canonical URL (``wiredesk.domain.urls.canonical_url``), global: the same article reached through
   two feeds, ``www.`` or not, with or without ``?utm_...`` is one document;
3. ``content`` — hash of the normalized title and text, scoped to its source: a feed that rewrites its
   GUIDs and URLs but not its text does not create duplicates.

A matched entry keeps the ``doc_key`` it was first given, so an edited article becomes a new version of
the same document. Whether it changed is decided by its ``fingerprint`` (title, link, summary, content,
updated date). This module reads no database: the caller passes what is known (``KnownEntries``) for
the keys of this batch (``EntryKeys.all``) and stores the ``EntryRecord``s of the plan afterwards.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from wiredesk.domain.normalize import content_hash, normalize_for_match
from wiredesk.domain.urls import canonical_url, is_http_url
from wiredesk.sources.feeds.model import FeedEntry

ENTRIES_VERSION = "entries/1"
#: Below this many normalized characters of text, the content key is too weak to identify an entry.
MIN_CONTENT_CHARS = 40

ACTIONS = ("new", "changed", "unchanged", "skipped")


@dataclass(frozen=True)
class EntryKeys:
    """The identity keys of one entry; each is a string prefixed by its kind, or None."""

    guid: str | None
    url: str | None
    content: str | None

    @property
    def all(self) -> tuple[str, ...]:
        return tuple(k for k in (self.guid, self.url, self.content) if k)


@dataclass(frozen=True)
class EntryRecord:
    """What is remembered about an entry between runs (one row per key in storage)."""

    doc_key: str
    keys: EntryKeys
    fingerprint: str


@dataclass(frozen=True)
class KnownEntries:
    """Known entries indexed by key (``EntryKeys.all`` strings) → record."""

    by_key: dict[str, EntryRecord] = field(default_factory=dict)

    @classmethod
    def of(cls, records: Iterable[EntryRecord]) -> KnownEntries:
        index: dict[str, EntryRecord] = {}
        for rec in records:
            for key in rec.keys.all:
                index.setdefault(key, rec)
        return cls(index)

    def find(self, keys: EntryKeys) -> EntryRecord | None:
        """First match in order of strength: GUID, URL, content."""
        for key in keys.all:
            if key in self.by_key:
                return self.by_key[key]
        return None


@dataclass(frozen=True)
class PlannedEntry:
    entry: FeedEntry
    action: str  # one of ACTIONS
    reason: str  # e.g. "first_seen", "matched_by_url", "edited", "duplicate_in_feed", "no_identity"
    record: EntryRecord | None  # what to remember; None when skipped
    url: str | None  # canonical http(s) URL of the article, if any


def _text_of(entry: FeedEntry) -> str:
    return "\n".join(t for t in (entry.title, entry.content or entry.summary) if t)


def entry_keys(entry: FeedEntry, source_key: str) -> EntryKeys:
    """Identity keys of ``entry`` read from the source identified by ``source_key``."""
    guid = f"guid:{source_key}|{entry.guid.strip()}" if entry.guid and entry.guid.strip() else None
    url = f"url:{canonical_url(entry.link)}" if entry.link and is_http_url(entry.link) else None
    text = _text_of(entry)
    has_body = bool(entry.content or entry.summary)
    content = (f"content:{source_key}|{content_hash(text)}"
               if has_body and len(normalize_for_match(text)) >= MIN_CONTENT_CHARS else None)
    return EntryKeys(guid, url, content)


def fingerprint(entry: FeedEntry) -> str:
    """Hash of what a reader would notice changing in the entry (not the GUID, not tracking params)."""
    parts = [
        normalize_for_match(entry.title or ""),
        canonical_url(entry.link) if entry.link else "",
        normalize_for_match(entry.summary or ""),
        normalize_for_match(entry.content or ""),
        entry.updated_at.isoformat() if entry.updated_at else "",
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def new_doc_key(keys: EntryKeys) -> str:
    """Document key for an entry seen for the first time: its canonical URL, else a feed-scoped key."""
    if keys.url:
        return keys.url.removeprefix("url:")
    return "feed:" + (keys.guid or keys.content or "").split(":", 1)[1]


def plan_entries(entries: Sequence[FeedEntry], source_key: str, known: KnownEntries) -> list[PlannedEntry]:
    """Decide, for each entry in feed order, whether it is new, changed, unchanged or skipped."""
    plans: list[PlannedEntry] = []
    batch: dict[str, EntryRecord] = {}  # keys claimed earlier in this same feed document
    for entry in entries:
        keys = entry_keys(entry, source_key)
        url = keys.url.removeprefix("url:") if keys.url else None
        if not keys.all:
            plans.append(PlannedEntry(entry, "skipped", "no_identity", None, url))
            continue
        if any(k in batch for k in keys.all):
            plans.append(PlannedEntry(entry, "skipped", "duplicate_in_feed", None, url))
            continue
        fp = fingerprint(entry)
        prev = known.find(keys)
        if prev is None:
            rec = EntryRecord(new_doc_key(keys), keys, fp)
            plans.append(PlannedEntry(entry, "new", "first_seen", rec, url))
        else:
            how = next(k.split(":", 1)[0] for k in keys.all if k in known.by_key)
            rec = EntryRecord(prev.doc_key, keys, fp)
            if prev.fingerprint == fp:
                plans.append(PlannedEntry(entry, "unchanged", f"matched_by_{how}", rec, url))
            else:
                plans.append(PlannedEntry(entry, "changed", f"edited_matched_by_{how}", rec, url))
        for k in keys.all:
            batch[k] = rec
    return plans
