"""What a batch did: the counters a run adds up, prints and stores in its ``runs`` row. Values only.

The names are kept once, here: ``BatchCounts`` (an ingest batch) and ``ReprocessCounts`` (a re-derived batch)
add up field by field, and ``INGEST_RUN_COLUMNS`` / ``REPROCESS_RUN_COLUMNS`` say which ``runs`` column each
counter adds to (the store builds its ``UPDATE runs`` from them).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields


class _Adds:
    """``add`` sums every int field and every ``Counter`` field of another instance into this one, and appends
    its lists to this one's."""

    def add(self, other: _Adds) -> None:
        for f in fields(self):  # type: ignore[arg-type]
            mine = getattr(self, f.name)
            if isinstance(mine, Counter):
                mine.update(getattr(other, f.name))
            else:
                setattr(self, f.name, mine + getattr(other, f.name))


@dataclass
class BatchCounts(_Adds):
    """What storing one batch did. Added up over batches into the run's summary."""

    documents_new: int = 0
    documents_updated: int = 0
    items_unchanged: int = 0
    items_failed: int = 0
    paragraphs_new: int = 0
    duplicates_new: int = 0
    event_mentions_new: int = 0
    events_written: int = 0
    #: stored documents whose events were not extracted: a language the extractor does not read, or none
    event_documents_skipped: int = 0
    #: stored documents whose events were not extracted because the page reports no news (events.pages = "news")
    event_documents_not_news: int = 0
    #: document versions given a story, and the stories they started (wiredesk.store.stories)
    documents_assigned: int = 0
    stories_new: int = 0
    #: feed entries and URL-list records a source's filter dropped before fetching (``dropped_entries``)
    entries_dropped: int = 0
    #: pages fetched by URL whose revisit had come, revisited, found edited (a new version), and left by the
    #: per-source budget for a later run (``wiredesk.pipeline.revisits``); of those revisited, answered 304 and
    #: failed (an error or a page that is not the article); due but without a current document (taken off the
    #: schedule, not fetched)
    revisits_due: int = 0
    revisits_done: int = 0
    revisits_changed: int = 0
    revisits_skipped: int = 0
    revisits_not_modified: int = 0
    revisits_failed: int = 0
    revisits_dropped: int = 0
    #: stored mentions and events a batch's mentions were not compared with because a blocking key held more
    #: than ``GroupingSettings.block_size`` (wiredesk.store.event_neighbours, wiredesk.events.group)
    event_candidates_cut: int = 0
    paragraphs_by_role: Counter = field(default_factory=Counter)
    #: ``event_documents_skipped`` by base language code ("de", "unknown"); printed, not stored
    event_skipped_languages: Counter = field(default_factory=Counter)
    #: ``event_documents_not_news`` by the gate's reason ("type Recipe", "url /wiki/"); printed, not stored
    event_skipped_pages: Counter = field(default_factory=Counter)
    #: web-archive records that are no HTML page, by kind ("request", "image/png", "http 3xx"); printed, not stored
    records_skipped: Counter = field(default_factory=Counter)
    #: stored versions cleaned under a site rule, by what the rule did ("keep", "generic", "keep_unmatched");
    #: printed, not stored (each document has it: ``documents.site_rule``)
    site_rules: Counter = field(default_factory=Counter)
    #: of those, the ``keep_unmatched`` ones (generic extraction: the rule needs a look), by host; printed, not stored
    site_rule_fallbacks: Counter = field(default_factory=Counter)
    #: fetched pages that were not the article (consent, paywall, blocked, empty), by state; printed, not
    #: stored here (each is a ``page_access`` row)
    not_articles: Counter = field(default_factory=Counter)


#: ``runs`` column -> the ``BatchCounts`` field added to it by each stored batch (``items_seen`` is the batch's
#: size, counted by the store).
INGEST_RUN_COLUMNS = {name: name for name in (
    "documents_new", "documents_updated", "items_unchanged", "items_failed", "paragraphs_new", "duplicates_new",
    "event_mentions_new", "events_written", "event_documents_skipped", "event_documents_not_news", "documents_assigned",
    "stories_new", "entries_dropped",
    "revisits_due", "revisits_done", "revisits_changed", "revisits_skipped", "revisits_not_modified",
    "revisits_failed", "revisits_dropped",
    "event_candidates_cut")}


@dataclass(frozen=True)
class DocumentChange:
    """What re-deriving changed in one document: what its ``reprocess_changes`` row says, for a dry run, which
    writes no row, to list."""

    document_id: int
    origin: str
    title: str | None
    text_changed: bool
    metadata_changed: tuple[str, ...]
    paragraphs_added: int
    paragraphs_removed: int
    links_added: int
    links_removed: int
    mentions_added: int
    mentions_removed: int


@dataclass
class ReprocessCounts(_Adds):
    """What re-deriving one batch changed (added up over batches into the reprocess summary). ``changes``:
    document by document, kept by a dry run only (a real one writes them to ``reprocess_changes``)."""

    documents_seen: int = 0
    documents_changed: int = 0
    text_changed: int = 0
    metadata_changed: int = 0
    paragraphs_added: int = 0
    paragraphs_removed: int = 0
    links_added: int = 0
    links_removed: int = 0
    mentions_added: int = 0
    mentions_removed: int = 0
    events_written: int = 0
    #: re-derived documents whose events were not extracted (their language is not read)
    event_documents_skipped: int = 0
    #: re-derived documents whose events were not extracted because the page reports no news
    event_documents_not_news: int = 0
    #: stored mentions and events the regrouping did not compare because a blocking key held more than the
    #: block size (as ``BatchCounts.event_candidates_cut``)
    event_candidates_cut: int = 0
    failed: int = 0
    fields_changed: Counter = field(default_factory=Counter)
    changes: list[DocumentChange] = field(default_factory=list)


#: ``runs`` column -> the ``ReprocessCounts`` field a re-derived batch adds to it.
REPROCESS_RUN_COLUMNS = {
    "items_seen": "documents_seen", "items_failed": "failed", "documents_changed": "documents_changed",
    "paragraphs_new": "paragraphs_added", "paragraphs_removed": "paragraphs_removed",
    "duplicates_new": "links_added", "duplicates_removed": "links_removed",
    "event_mentions_new": "mentions_added", "event_mentions_removed": "mentions_removed",
    "events_written": "events_written", "event_documents_skipped": "event_documents_skipped",
    "event_documents_not_news": "event_documents_not_news",
    "event_candidates_cut": "event_candidates_cut",
}
