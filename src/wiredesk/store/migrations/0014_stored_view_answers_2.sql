-- stored_view_answers_2: more answers stored when a batch is written, so that whole-store questions over
-- duplicate_clusters, stories, events and document_novelty read what they show instead of recomputing it
-- (issue 23). The new columns and table are filled for an existing database in this migration's transaction
-- by the store's own code (wiredesk.store.migrate runs backfill_stored_view_answers_2 after this file).

-- 1. Every paragraph carries its document's source and first-seen instant, so
-- duplicate_clusters reads one table. A top 20 of clusters "with their text" then fetches the text of the 20
-- rows it returns instead of joining every cluster's earliest copy to `documents` and reading every text
-- (issue 23: that join made the documented query 6-8x a plain aggregation at 1M paragraphs).
-- Kept by the writer (a new paragraph gets its document's values) and by reprocess (a re-derived document's
-- paragraphs get its new source and date); `wiredesk status` counts paragraphs out of step with documents.
ALTER TABLE paragraphs ADD COLUMN document_source VARCHAR;
ALTER TABLE paragraphs ADD COLUMN document_seen_at TIMESTAMPTZ;

CREATE OR REPLACE VIEW duplicate_clusters AS
SELECT paragraph_id                                    AS cluster_id,
       text                                            AS text,
       document_id                                     AS first_document_id,
       document_source                                 AS first_source,
       document_seen_at                                AS first_seen,
       coalesce(cluster_last_seen, document_seen_at)   AS last_seen,
       coalesce(cluster_paragraphs, 1)                 AS n_paragraphs,
       coalesce(cluster_documents, 1)                  AS n_documents,
       coalesce(cluster_sources, 1)                    AS n_sources
FROM paragraphs
WHERE cluster_id = paragraph_id;

-- 2. Every document carries the first line of its text (up to 100 characters), what `stories` shows as the
-- title of a story none of whose documents has one: the view no longer reads every document's whole text to
-- pick one line (the documented "biggest stories" query took about 1 s at 1M paragraphs). Kept by the writer
-- and by reprocess, which set it with the text; read by story_answers (migration 0015).
ALTER TABLE documents ADD COLUMN lead_line VARCHAR;

-- 3. Every event carries its story (the story holding most of its mentions' documents; ties: the lower id),
-- stored when its mentions are grouped and after `wiredesk stories-rebuild`: `events` is event_rows again,
-- where it joined every mention of the store to document_stories on every query (30x a plain aggregation).
ALTER TABLE event_rows ADD COLUMN story_id BIGINT;
CREATE OR REPLACE VIEW events AS
SELECT * FROM event_rows;

-- 4. Per document, the body-paragraph counts `document_novelty` shows (and `story_outlets` sums), stored
-- when the paragraphs' `novel` flags change (wiredesk.store.clusters): the view reads one row per document
-- where it summed every paragraph of the store per query. A document without body paragraphs has no row.
CREATE TABLE document_novelty_rows (
    document_id                   BIGINT PRIMARY KEY,
    n_paragraphs                  BIGINT NOT NULL,
    n_novel                       BIGINT NOT NULL,
    n_novel_with_partial_overlap  BIGINT NOT NULL,
    n_chars                       BIGINT NOT NULL,
    n_novel_chars                 BIGINT NOT NULL
);
CREATE OR REPLACE VIEW document_novelty AS
SELECT d.document_id, d.doc_key, d.source, d.published_at, d.is_current,
       coalesce(b.n_paragraphs, 0)                                   AS n_paragraphs,
       coalesce(b.n_novel, 0)                                        AS n_novel,
       coalesce(b.n_novel_with_partial_overlap, 0)                   AS n_novel_with_partial_overlap,
       coalesce(b.n_chars, 0)::HUGEINT                               AS n_chars,  -- the types of the sums it was
       coalesce(b.n_novel_chars, 0)::HUGEINT                         AS n_novel_chars,
       CASE WHEN b.n_chars > 0 THEN b.n_novel_chars / b.n_chars END  AS novel_share
FROM documents d
LEFT JOIN document_novelty_rows b ON b.document_id = d.document_id;
