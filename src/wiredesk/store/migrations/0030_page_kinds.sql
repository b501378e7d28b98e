-- page_kinds: what kind of page a document says it is, and the documents a run did not read for events because
-- they do not report news (wiredesk.events.pagekind; docs/events.md, "Which pages are read").
-- documents.page_types: og:type as 'og:TYPE' and the page's schema.org types ('NewsArticle', 'Recipe', ...;
-- wiredesk.clean.pagetypes), the evidence the page-kind gate reads with the URL and the text, kept so that a
-- reprocess of the events stage decides as the ingest did. NULL for documents stored before this migration
-- until a reprocess re-cleans them (the gate then reads their URL and text only).
-- runs.event_documents_not_news: stored (or re-derived) documents the gate kept out of event extraction.
-- Shipped migrations are never edited; change the schema with a new numbered file.

ALTER TABLE documents ADD COLUMN page_types VARCHAR[];
ALTER TABLE runs ADD COLUMN event_documents_not_news INTEGER DEFAULT 0;
