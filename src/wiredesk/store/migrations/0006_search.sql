-- 0006_search: a BM25 full-text index over current document versions, kept by wiredesk itself in
-- plain tables (no DuckDB extension needed; see docs/search.md). Written only by
-- wiredesk.store.search_index at the end of every run. Shipped migrations are never edited.

-- One row per indexed document version (only current versions are indexed).
CREATE TABLE search_documents (
    document_id  BIGINT NOT NULL,
    n_terms      INTEGER NOT NULL,     -- indexed words (title and body text, stopwords removed): BM25's document length
    derived_run_id BIGINT,             -- documents.derived_run_id when indexed: a reprocess that changes it re-indexes
    run_id       BIGINT                -- the run that indexed it
);

-- term -> document postings with the term's frequency in the document.
CREATE TABLE search_postings (
    term         VARCHAR NOT NULL,
    document_id  BIGINT NOT NULL,
    tf           INTEGER NOT NULL
);

-- The tokenizer that made the postings; a different one makes the next run rebuild the index.
CREATE TABLE search_index (
    tokenizer    VARCHAR NOT NULL,
    built_at     TIMESTAMPTZ NOT NULL,
    run_id       BIGINT
);
