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
