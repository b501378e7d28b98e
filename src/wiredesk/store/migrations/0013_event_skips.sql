-- 0013_event_skips: documents whose events were not extracted because the extractor does not read their
-- language (or they have none): counted per run, never guessed (docs/events.md, Languages).
-- Shipped migrations are never edited; change the schema with a new numbered file.

ALTER TABLE runs ADD COLUMN event_documents_skipped INTEGER DEFAULT 0;  -- stored documents not read for events
