-- stored_view_answers_2: three more answers stored when a batch is written, so that whole-store questions
-- over duplicate_clusters, stories and events read what they show instead of recomputing it (issue 23).

-- 1. Every paragraph carries its document's source and first-seen instant, so
-- duplicate_clusters reads one table. A top 20 of clusters "with their text" then fetches the text of the 20
-- rows it returns instead of joining every cluster's earliest copy to `documents` and reading every text
-- (issue 23: that join made the documented query 6-8x a plain aggregation at 1M paragraphs).
-- Kept by the writer (a new paragraph gets its document's values) and by reprocess (a re-derived document's
-- paragraphs get its new source and date); `wiredesk status` counts paragraphs out of step with documents.
ALTER TABLE paragraphs ADD COLUMN document_source VARCHAR;
ALTER TABLE paragraphs ADD COLUMN document_seen_at TIMESTAMPTZ;
UPDATE paragraphs SET document_source = d.source, document_seen_at = coalesce(d.published_at, d.ingested_at)
FROM documents d WHERE d.document_id = paragraphs.document_id;

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
-- pick one line (the documented "biggest stories" query took about 1 s at 1M paragraphs, 40 ms after).
-- Kept by the writer and by reprocess, which set it with the text.
ALTER TABLE documents ADD COLUMN lead_line VARCHAR;
UPDATE documents SET lead_line = left(split_part(trim(text), chr(10), 1), 100);

CREATE OR REPLACE VIEW stories AS
SELECT ds.story_id,
       coalesce(arg_min(d.title, (d.published_at IS NULL, d.published_at, ds.seq)) FILTER (WHERE d.title IS NOT NULL),
                arg_min(d.lead_line, (d.published_at IS NULL, d.published_at, ds.seq)))
                                                                             AS title,
       min(d.published_at)                                                   AS first_published,
       max(d.published_at)                                                   AS last_published,
       min(coalesce(d.published_at, d.ingested_at))                          AS first_seen,
       max(coalesce(d.published_at, d.ingested_at))                          AS last_seen,
       count(*)                                                              AS n_documents,
       count(DISTINCT coalesce(d.source, d.doc_key))                         AS n_outlets,
       arg_min(d.source, (d.published_at IS NULL, d.published_at, ds.seq))   AS first_outlet,
       arg_min(d.document_id, (d.published_at IS NULL, d.published_at, ds.seq)) AS first_document_id,
       count(*) FILTER (WHERE ds.method = 'copy')                            AS n_copies,
       any_value(r.top_names)                                                AS top_names
FROM document_stories ds
JOIN documents d ON d.document_id = ds.document_id
LEFT JOIN story_rows r ON r.story_id = ds.story_id
GROUP BY ds.story_id;

-- 3. Every event carries its story (the story holding most of its mentions' documents; ties: the lower id),
-- stored when its mentions are grouped and after `wiredesk stories-rebuild`: `events` is event_rows again,
-- where it joined every mention of the store to document_stories on every query (30x a plain aggregation).
ALTER TABLE event_rows ADD COLUMN story_id BIGINT;
UPDATE event_rows SET story_id = es.story_id
FROM (SELECT m.event_id, ds.story_id
      FROM event_mention_rows m JOIN document_stories ds ON ds.document_id = m.document_id
      WHERE m.event_id IS NOT NULL
      GROUP BY m.event_id, ds.story_id
      QUALIFY row_number() OVER (PARTITION BY m.event_id ORDER BY count(DISTINCT m.document_id) DESC, ds.story_id) = 1
     ) es
WHERE event_rows.event_id = es.event_id;

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
INSERT INTO document_novelty_rows
SELECT document_id, count(*), count(*) FILTER (WHERE novel), count(*) FILTER (WHERE novel AND partial_of IS NOT NULL),
       sum(n_chars), coalesce(sum(n_chars) FILTER (WHERE novel), 0)
FROM paragraphs WHERE role = 'body' GROUP BY document_id;

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
