-- revisit_queue keeps only what selects the due pages: the page (origin), when it is due, whose budget it uses
-- (source_id, source), the document version it follows, and first_seen_at. The revisit's state (slot,
-- validators, fetch URL, document key) lives in `revisits` alone, read by primary key for the pages a run
-- chooses (wiredesk.store.revisits.due_revisits), so a revisit updates one row of `revisits` and the queue's
-- due time, not ten columns twice. first_seen_at never changes: it is kept so that the join with `revisits`
-- can skip the row groups of pages first seen before the oldest one chosen (`revisits` grows in first-seen
-- order), which keeps the due query's cost with the pages queued and not with every page ever scheduled.
-- The rows are those of the old queue, unchanged. Shipped migrations are never edited.

CREATE TABLE revisit_queue_new (
    origin          VARCHAR PRIMARY KEY,   -- revisits.origin
    next_due_at     TIMESTAMPTZ NOT NULL,  -- when the next revisit is due (revisits.next_due_at)
    source_id       BIGINT,                -- whose budget it uses: the followed source, or
    source          VARCHAR NOT NULL,      -- the URL list's path
    document_id     BIGINT,                -- the page's current version (NULL, or not current: the store was
                                           -- edited past wiredesk; the page is taken off the schedule when due)
    first_seen_at   TIMESTAMPTZ NOT NULL   -- revisits.first_seen_at (never changes)
);

INSERT INTO revisit_queue_new (origin, next_due_at, source_id, source, document_id, first_seen_at)
SELECT origin, next_due_at, source_id, source, document_id, first_seen_at FROM revisit_queue ORDER BY next_due_at;

DROP TABLE revisit_queue;
ALTER TABLE revisit_queue_new RENAME TO revisit_queue;
