-- stored_view_answers: the duplicate views and `entities` read answers stored when a batch is written, instead
-- of walking every copy link, or counting every entity mention, of the store on every query (issue 23). Same
-- names, same columns, same rows.
-- The columns are filled for an existing database in this migration's transaction (wiredesk.store.migrate runs
-- wiredesk.store.clusters.rebuild_clusters after this file) and kept right by every write that changes links
-- (wiredesk.store.clusters.refresh_clusters). Shipped migrations are never edited; change the schema with a new file.

-- Per paragraph: its copy link (the earliest copy among its exact and near links), the earliest copy its
-- cluster starts at, whether it repeats nothing from another document, its partial link to another document.
ALTER TABLE paragraphs ADD COLUMN copy_of BIGINT;
ALTER TABLE paragraphs ADD COLUMN cluster_id BIGINT;
ALTER TABLE paragraphs ADD COLUMN novel BOOLEAN;
ALTER TABLE paragraphs ADD COLUMN partial_of BIGINT;
-- On the earliest copy of a cluster other paragraphs copy (else NULL): what duplicate_clusters counts.
ALTER TABLE paragraphs ADD COLUMN cluster_paragraphs BIGINT;
ALTER TABLE paragraphs ADD COLUMN cluster_documents BIGINT;
ALTER TABLE paragraphs ADD COLUMN cluster_sources BIGINT;
ALTER TABLE paragraphs ADD COLUMN cluster_last_seen TIMESTAMPTZ;

CREATE OR REPLACE VIEW paragraph_clusters AS
SELECT paragraph_id, cluster_id, copy_of IS NOT NULL AS is_copy
FROM paragraphs;

-- One row per cluster: its earliest copy (cluster_id = paragraph_id), with the counts stored on it; a
-- paragraph nobody copied is a cluster of one.
CREATE OR REPLACE VIEW duplicate_clusters AS
SELECT p.paragraph_id                                                AS cluster_id,
       p.text                                                        AS text,
       p.document_id                                                 AS first_document_id,
       d.source                                                      AS first_source,
       coalesce(d.published_at, d.ingested_at)                       AS first_seen,
       coalesce(p.cluster_last_seen, d.published_at, d.ingested_at)  AS last_seen,
       coalesce(p.cluster_paragraphs, 1)                             AS n_paragraphs,
       coalesce(p.cluster_documents, 1)                              AS n_documents,
       coalesce(p.cluster_sources, 1)                                AS n_sources
FROM paragraphs p
JOIN documents d ON d.document_id = p.document_id
WHERE p.cluster_id = p.paragraph_id;

CREATE OR REPLACE VIEW novel_paragraphs AS
SELECT document_id, paragraph_id, position, text, n_chars, partial_of
FROM paragraphs
WHERE role = 'body' AND novel;

-- The body paragraphs are counted per document first, then joined to their document: a filter on
-- document_id reaches both tables.
CREATE OR REPLACE VIEW document_novelty AS
SELECT d.document_id, d.doc_key, d.source, d.published_at, d.is_current,
       coalesce(b.n_paragraphs, 0)                                   AS n_paragraphs,
       coalesce(b.n_novel, 0)                                        AS n_novel,
       coalesce(b.n_novel_with_partial_overlap, 0)                   AS n_novel_with_partial_overlap,
       coalesce(b.n_chars, 0)                                        AS n_chars,
       coalesce(b.n_novel_chars, 0)                                  AS n_novel_chars,
       CASE WHEN b.n_chars > 0 THEN coalesce(b.n_novel_chars, 0) / b.n_chars END AS novel_share
FROM documents d
LEFT JOIN (
    SELECT document_id,
           count(*)                                                  AS n_paragraphs,
           count(*) FILTER (WHERE novel)                             AS n_novel,
           count(*) FILTER (WHERE novel AND partial_of IS NOT NULL)  AS n_novel_with_partial_overlap,
           sum(n_chars)                                              AS n_chars,
           sum(n_chars) FILTER (WHERE novel)                         AS n_novel_chars
    FROM paragraphs
    WHERE role = 'body'
    GROUP BY document_id
) b ON b.document_id = d.document_id;

-- Per entity: its counts over the current document versions, kept by wiredesk.store.events with every batch
-- that adds, replaces or supersedes mentions (0 when no current document mentions it).
ALTER TABLE entity_rows ADD COLUMN num_mentions BIGINT DEFAULT 0;
ALTER TABLE entity_rows ADD COLUMN num_documents BIGINT DEFAULT 0;
ALTER TABLE entity_rows ADD COLUMN num_sources BIGINT DEFAULT 0;
ALTER TABLE entity_rows ADD COLUMN first_seen TIMESTAMPTZ;
ALTER TABLE entity_rows ADD COLUMN last_seen TIMESTAMPTZ;
UPDATE entity_rows SET num_mentions = a.num_mentions, num_documents = a.num_documents, num_sources = a.num_sources,
                       first_seen = a.first_seen, last_seen = a.last_seen
FROM (SELECT em.entity_id, count(*) AS num_mentions, count(DISTINCT em.document_id) AS num_documents,
             count(DISTINCT d.source) AS num_sources, min(d.published_at) AS first_seen, max(d.published_at) AS last_seen
      FROM entity_mention_rows em JOIN documents d ON d.document_id = em.document_id
      WHERE d.is_current GROUP BY em.entity_id) a
WHERE entity_rows.entity_id = a.entity_id;

CREATE OR REPLACE VIEW entities AS
SELECT entity_id, name, label, kind, country, num_mentions, num_documents, num_sources, first_seen, last_seen
FROM entity_rows
WHERE num_mentions > 0;
