-- story_answers: one stored row per story with what the `stories` view shows, recounted in the batch's
-- transaction for the stories a batch, a reprocess or a rebuild touched (wiredesk.store.story_answers), so a
-- whole-store question over `stories` reads one row per story instead of aggregating every current document
-- of the store (issue 23). Same columns, same rows as the view before; a story whose documents are all
-- superseded by versions in other stories has no row.
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

INSERT INTO story_answers
SELECT ds.story_id,
       coalesce(arg_min(d.title, (d.published_at IS NULL, d.published_at, ds.seq)) FILTER (WHERE d.title IS NOT NULL),
                arg_min(d.lead_line, (d.published_at IS NULL, d.published_at, ds.seq))),
       min(d.published_at), max(d.published_at),
       min(coalesce(d.published_at, d.ingested_at)), max(coalesce(d.published_at, d.ingested_at)),
       count(*), count(DISTINCT coalesce(d.source, d.doc_key)),
       arg_min(d.source, (d.published_at IS NULL, d.published_at, ds.seq)),
       arg_min(d.document_id, (d.published_at IS NULL, d.published_at, ds.seq)),
       count(*) FILTER (WHERE ds.method = 'copy'),
       any_value(r.top_names)
FROM document_stories ds
JOIN documents d ON d.document_id = ds.document_id
LEFT JOIN story_rows r ON r.story_id = ds.story_id
GROUP BY ds.story_id;

CREATE OR REPLACE VIEW stories AS
SELECT story_id, title, first_published, last_published, first_seen, last_seen, n_documents, n_outlets,
       first_outlet, first_document_id, n_copies, top_names
FROM story_answers;
