-- revisits: pages fetched by URL (feed articles, URL lists' pages) are fetched again on a schedule to catch
-- edits (wiredesk.sources.revisits, docs/revisits.md); paragraph_revisions: what each new version of a
-- document changed against the version before, stored when the version is written (wiredesk.store.revisits),
-- read through the view document_revisions. Shipped migrations are never edited.

-- One row per page first stored from a fetch: when its next revisit is due and what the last one found.
-- Written in the transaction of the batch that stored the page, and of the batch that stored the revisit.
CREATE TABLE revisits (
    origin          VARCHAR PRIMARY KEY,   -- the page's canonical URL (documents.origin, item_state.origin)
    fetch_url       VARCHAR NOT NULL,      -- the URL fetched
    doc_key         VARCHAR NOT NULL,
    source_id       BIGINT,                -- the followed source; NULL for a URL list's page
    source          VARCHAR NOT NULL,      -- the source's name or the URL list's path: whose budget it uses
    first_seen_at   TIMESTAMPTZ NOT NULL,
    next_slot       INTEGER NOT NULL,      -- index into [revisits] offsets of the next revisit
    next_due_at     TIMESTAMPTZ,           -- first_seen_at + that offset; NULL when no revisit is left
    revisits_done   INTEGER NOT NULL DEFAULT 0,
    etag            VARCHAR,               -- validators of the last response, for a conditional GET
    last_modified   VARCHAR,
    last_revisit_at TIMESTAMPTZ,
    last_outcome    VARCHAR,               -- changed | same | not_modified | error:REASON | an access state
    last_run_id     BIGINT
);

-- One row per paragraph added, removed or changed by a version after the first (body paragraphs only).
CREATE TABLE paragraph_revisions (
    document_id          BIGINT NOT NULL,  -- the new version
    previous_document_id BIGINT NOT NULL,  -- the version before it
    change               VARCHAR NOT NULL CHECK (change IN ('added', 'removed', 'changed')),
    old_position         INTEGER,          -- in the version before (NULL: added)
    new_position         INTEGER,          -- in the new version (NULL: removed)
    old_text             VARCHAR,
    new_text             VARCHAR,
    similarity           DOUBLE,           -- word similarity of a changed pair (wiredesk.domain.revisions)
    derived_by           VARCHAR NOT NULL  -- code version, e.g. revisions/1
);
CREATE INDEX paragraph_revisions_by_document ON paragraph_revisions (document_id);

-- Per version of a URL (after the first): its changed paragraphs with the old and the new text.
CREATE OR REPLACE VIEW document_revisions AS
SELECT d.doc_key, d.url, d.version, d.document_id, r.previous_document_id, d.ingested_at, d.run_id,
       r.change, r.old_position, r.new_position, r.old_text, r.new_text, r.similarity
FROM paragraph_revisions r JOIN documents d ON d.document_id = r.document_id;

ALTER TABLE runs ADD COLUMN revisits_due INTEGER DEFAULT 0;      -- pages whose revisit had come
ALTER TABLE runs ADD COLUMN revisits_done INTEGER DEFAULT 0;     -- revisited (a response, a 304 or an error)
ALTER TABLE runs ADD COLUMN revisits_changed INTEGER DEFAULT 0;  -- revisited and stored as a new version
ALTER TABLE runs ADD COLUMN revisits_skipped INTEGER DEFAULT 0;  -- left by the per-source budget
