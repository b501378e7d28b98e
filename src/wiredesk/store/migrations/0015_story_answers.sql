-- story_answers: one stored row per story with what the `stories` view shows, recounted in the batch's
-- transaction for the stories a batch, a reprocess or a rebuild touched (wiredesk.store.story_answers), so a
-- whole-store question over `stories` reads one row per story instead of aggregating every current document
-- of the store (issue 23). Same columns, same rows as the view before; a story whose documents are all
-- superseded by versions in other stories has no row. Filled for an existing database in this migration's
-- transaction by wiredesk.store.story_answers.recount_stories (wiredesk.store.migrate's backfills).
CREATE TABLE story_answers (
    story_id           BIGINT PRIMARY KEY,
    title              VARCHAR,
    first_published    TIMESTAMPTZ,
    last_published     TIMESTAMPTZ,
    first_seen         TIMESTAMPTZ,
    last_seen          TIMESTAMPTZ,
    n_documents        BIGINT NOT NULL,
    n_outlets          BIGINT NOT NULL,
    first_outlet       VARCHAR,
    first_document_id  BIGINT NOT NULL,
    n_copies           BIGINT NOT NULL,
    top_names          VARCHAR[]
);

CREATE OR REPLACE VIEW stories AS
SELECT story_id, title, first_published, last_published, first_seen, last_seen, n_documents, n_outlets,
       first_outlet, first_document_id, n_copies, top_names
FROM story_answers;
