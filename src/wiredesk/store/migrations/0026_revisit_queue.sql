-- revisit_queue: the revisits still to come, one row per page that has a slot left, so that a run reads
-- only these (wiredesk.store.revisits.due_revisits) and not every page ever scheduled: the table is as big
-- as the pages first seen within the last offset (default 24 h) plus any backlog, whatever the store's size.
-- A row leaves the queue when its page has no slot left or no current document. `revisits` keeps the whole
-- history (its next_slot and next_due_at are the queue's, kept in the same transaction).
-- Shipped migrations are never edited; change the schema with a new numbered file.

CREATE TABLE revisit_queue (
    origin          VARCHAR PRIMARY KEY,   -- revisits.origin
    next_due_at     TIMESTAMPTZ NOT NULL,  -- when the next revisit is due
    next_slot       INTEGER NOT NULL,
    document_id     BIGINT,                -- the page's current version (NULL, or not current: the store was
                                           -- edited past wiredesk; the page is taken off the schedule when due)
    source_id       BIGINT,                -- whose budget it uses: the followed source, or
    source          VARCHAR NOT NULL,      -- the URL list's path
    fetch_url       VARCHAR NOT NULL,
    doc_key         VARCHAR NOT NULL,
    first_seen_at   TIMESTAMPTZ NOT NULL,
    etag            VARCHAR,               -- validators of the last response, for a conditional GET
    last_modified   VARCHAR
);

INSERT INTO revisit_queue (origin, next_due_at, next_slot, document_id, source_id, source, fetch_url, doc_key,
                           first_seen_at, etag, last_modified)
SELECT r.origin, r.next_due_at, r.next_slot, d.document_id, r.source_id, r.source, r.fetch_url, r.doc_key,
       r.first_seen_at, r.etag, r.last_modified
FROM revisits r LEFT JOIN documents d ON d.doc_key = r.doc_key AND d.is_current
WHERE r.next_due_at IS NOT NULL ORDER BY r.next_due_at;

ALTER TABLE runs ADD COLUMN revisits_not_modified INTEGER DEFAULT 0;  -- revisited: 304 Not Modified
ALTER TABLE runs ADD COLUMN revisits_failed INTEGER DEFAULT 0;        -- revisited: an error (404, timeout, robots...)
ALTER TABLE runs ADD COLUMN revisits_dropped INTEGER DEFAULT 0;       -- due, but the page has no current document:
                                                                      -- taken off the schedule, not fetched
