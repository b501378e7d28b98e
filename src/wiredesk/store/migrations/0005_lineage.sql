-- 0005_lineage: which run and code derived every row, and what `wiredesk reprocess` changed (issue 6).
-- Shipped migrations are never edited; change the schema with a new numbered file.

-- Runs: what kind of run, the versions of the code it ran, and a reprocess's removals (its additions use
-- the existing *_new counters).
ALTER TABLE runs ADD COLUMN kind VARCHAR DEFAULT 'ingest';           -- ingest | reprocess | dedup-rebuild
UPDATE runs SET kind = CASE WHEN inputs = ['dedup-rebuild'] THEN 'dedup-rebuild' ELSE 'ingest' END;
ALTER TABLE runs ADD COLUMN code_versions VARCHAR;                   -- JSON: component -> version (NULL before 0005)
ALTER TABLE runs ADD COLUMN documents_changed INTEGER DEFAULT 0;     -- reprocess: documents whose derived rows changed
ALTER TABLE runs ADD COLUMN paragraphs_removed INTEGER DEFAULT 0;    -- reprocess
ALTER TABLE runs ADD COLUMN duplicates_removed INTEGER DEFAULT 0;    -- reprocess
ALTER TABLE runs ADD COLUMN event_mentions_removed INTEGER DEFAULT 0; -- reprocess

-- Documents: the run whose code derived the text, metadata and paragraphs (the ingest run, or the last
-- reprocess that changed them), and the metadata supplied with the item (sidecar, feed entry, JSON record,
-- front matter) so a reprocess can apply it again: raw_pages holds only the bytes.
ALTER TABLE documents ADD COLUMN derived_run_id BIGINT;
UPDATE documents SET derived_run_id = run_id;
ALTER TABLE documents ADD COLUMN supplied_meta VARCHAR;              -- JSON; NULL for documents stored before 0005

-- Paragraphs: the run that derived each one.
ALTER TABLE paragraphs ADD COLUMN run_id BIGINT;
UPDATE paragraphs SET run_id = d.run_id FROM documents d WHERE d.document_id = paragraphs.document_id;

-- Duplicate links: fingerprint of the [dedup] settings that decided them (NULL: made before 0005).
ALTER TABLE duplicates ADD COLUMN dedup_settings VARCHAR;

-- One row per document whose derived rows a reprocess changed: before/after versions and what changed.
CREATE TABLE reprocess_changes (
    run_id              BIGINT NOT NULL,     -- the reprocess run
    document_id         BIGINT NOT NULL,
    text_changed        BOOLEAN NOT NULL,
    metadata_changed    VARCHAR[] NOT NULL,  -- names of the documents columns whose value changed
    cleaner_before      VARCHAR,
    cleaner_after       VARCHAR,
    content_hash_before VARCHAR,
    text_before         VARCHAR,             -- the previous body text, only when it changed
    paragraphs_added    INTEGER NOT NULL,
    paragraphs_removed  INTEGER NOT NULL,
    links_added         INTEGER NOT NULL,
    links_removed       INTEGER NOT NULL,
    mentions_added      INTEGER NOT NULL,
    mentions_removed    INTEGER NOT NULL,
    extractor_before    VARCHAR,
    extractor_after     VARCHAR,
    PRIMARY KEY (run_id, document_id)
);

-- Earliest-copy order: ties on publication time are broken on the document's FIRST version id, so a new
-- version of a document keeps its place and links do not flip direction (wiredesk.dedup.exact). The
-- cluster view follows the same order (0002's definition with that one change).
CREATE OR REPLACE VIEW paragraph_clusters AS
WITH RECURSIVE copy_links AS (
    -- a paragraph may have an exact and a near link: follow the one to the earlier copy
    SELECT l.paragraph_id, l.duplicate_of
    FROM duplicates l
    JOIN paragraphs q ON q.paragraph_id = l.duplicate_of
    JOIN documents d ON d.document_id = q.document_id
    LEFT JOIN documents f ON f.doc_key = d.doc_key AND f.version = 1
    WHERE l.kind IN ('exact', 'near')
    QUALIFY row_number() OVER (
        PARTITION BY l.paragraph_id
        ORDER BY d.published_at NULLS LAST, coalesce(f.document_id, q.document_id), q.position) = 1
), walk(paragraph_id, cluster_id, depth) AS (
    SELECT p.paragraph_id, coalesce(l.duplicate_of, p.paragraph_id), CASE WHEN l.duplicate_of IS NULL THEN 0 ELSE 1 END
    FROM paragraphs p LEFT JOIN copy_links l USING (paragraph_id)
    UNION ALL
    SELECT w.paragraph_id, l.duplicate_of, w.depth + 1
    FROM walk w JOIN copy_links l ON l.paragraph_id = w.cluster_id
    WHERE w.depth BETWEEN 1 AND 31
)
SELECT paragraph_id, arg_max(cluster_id, depth) AS cluster_id, max(depth) > 0 AS is_copy
FROM walk GROUP BY paragraph_id;
