-- story_outlet_answers: one stored row per story and outlet with what the `story_outlets` view shows,
-- recounted in the caller's transaction for the stories whose rows (`story_answers`) or whose documents'
-- novelty counts (`document_novelty_rows`) changed (wiredesk.store.story_answers.recount_story_outlets), so a
-- whole-store question over `story_outlets` reads one row per story and outlet instead of joining every current
-- document to its novelty counts and its story per query (issue 23: 8.4x a plain aggregation at 1M
-- paragraphs). Same columns, same rows as the view before. Filled for an existing database in this
-- migration's transaction by wiredesk.store.story_answers.recount_story_outlets (wiredesk.store.migrate's
-- backfills). No key: `outlet` is NULL for the documents without a source.
CREATE TABLE story_outlet_answers (
    story_id           BIGINT NOT NULL,
    outlet             VARCHAR,
    first_published    TIMESTAMPTZ,
    first_seen         TIMESTAMPTZ,
    n_documents        BIGINT NOT NULL,
    first_document_id  BIGINT NOT NULL,
    is_first           BOOLEAN,
    n_copies           BIGINT NOT NULL,
    n_chars            BIGINT NOT NULL,
    n_novel_chars      BIGINT NOT NULL
);

CREATE OR REPLACE VIEW story_outlets AS
SELECT story_id, outlet, first_published, first_seen, n_documents, first_document_id, is_first, n_copies,
       n_chars, n_novel_chars,
       CASE WHEN n_chars > 0 THEN n_novel_chars / n_chars END AS novel_share
FROM story_outlet_answers;
