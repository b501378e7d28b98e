-- 0001_initial: documents, paragraphs, exact duplicate links, runs, failures, raw inputs and per-item state.
-- Shipped migrations are never edited; change the schema with a new numbered file.

CREATE TABLE runs (
    run_id            BIGINT PRIMARY KEY,
    started_at        TIMESTAMPTZ NOT NULL,
    finished_at       TIMESTAMPTZ,
    status            VARCHAR NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'abandoned')),
    pipeline_version  VARCHAR NOT NULL,
    inputs            VARCHAR[] NOT NULL,        -- paths or URLs the run was asked to ingest
    flow_run_id       VARCHAR,                   -- Prefect flow run id, when run by Prefect
    items_seen        INTEGER NOT NULL DEFAULT 0,
    documents_new     INTEGER NOT NULL DEFAULT 0, -- first version of a document
    documents_updated INTEGER NOT NULL DEFAULT 0, -- a new version of a known document
    items_unchanged   INTEGER NOT NULL DEFAULT 0,
    items_failed      INTEGER NOT NULL DEFAULT 0,
    paragraphs_new    INTEGER NOT NULL DEFAULT 0,
    duplicates_new    INTEGER NOT NULL DEFAULT 0,
    error             VARCHAR
);

-- The exact bytes of every ingested input, zlib-compressed, so a later pipeline can re-clean offline.
CREATE TABLE raw_pages (
    raw_sha256    VARCHAR PRIMARY KEY,
    origin        VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,
    size_bytes    BIGINT NOT NULL,
    codec         VARCHAR NOT NULL,
    data          BLOB NOT NULL,
    run_id        BIGINT NOT NULL,
    stored_at     TIMESTAMPTZ NOT NULL
);

-- What was last seen at each origin (file path, JSONL record, URL): the per-item state that makes reruns
-- incremental. Written in the same transaction as the documents it describes.
CREATE TABLE item_state (
    origin          VARCHAR PRIMARY KEY,
    raw_sha256      VARCHAR NOT NULL,
    doc_key         VARCHAR NOT NULL,
    document_id     BIGINT,                     -- current document made from it
    last_seen_run   BIGINT NOT NULL,
    last_changed_run BIGINT NOT NULL
);

CREATE TABLE documents (
    document_id      BIGINT PRIMARY KEY,
    doc_key          VARCHAR NOT NULL,          -- stable identity across versions: URL when known, else origin
    version          INTEGER NOT NULL,
    is_current       BOOLEAN NOT NULL,
    url              VARCHAR,
    title            VARCHAR,
    authors          VARCHAR[],
    source           VARCHAR,                   -- outlet or site name
    published_at     TIMESTAMPTZ,
    language         VARCHAR,
    text             VARCHAR NOT NULL,          -- body paragraphs only
    content_hash     VARCHAR NOT NULL,          -- SHA-256 of the normalized body text
    origin           VARCHAR NOT NULL,
    kind             VARCHAR NOT NULL,          -- html | text | markdown
    raw_sha256       VARCHAR NOT NULL,
    cleaner          VARCHAR NOT NULL,          -- code version that cleaned and split it
    pipeline_version VARCHAR NOT NULL,
    run_id           BIGINT NOT NULL,
    ingested_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (doc_key, version)
);

CREATE TABLE paragraphs (
    paragraph_id  BIGINT PRIMARY KEY,
    document_id   BIGINT NOT NULL,
    position      INTEGER NOT NULL,            -- reading order within the document, from 0
    role          VARCHAR NOT NULL CHECK (role IN ('body', 'caption', 'credit', 'boilerplate')),
    text          VARCHAR NOT NULL,
    attached_to   INTEGER,                     -- for a credit: position of the caption it was split from
    match_hash    BIGINT NOT NULL,             -- hash of the normalized text; equal for exact duplicates
    n_chars       INTEGER NOT NULL,
    derived_by    VARCHAR NOT NULL,
    UNIQUE (document_id, position)
);
CREATE INDEX paragraphs_by_match_hash ON paragraphs (match_hash);
CREATE INDEX paragraphs_by_document ON paragraphs (document_id);

-- A paragraph that repeats an earlier one links to the earliest copy (earliest published, then earliest
-- ingested). kind: exact now; near and partial arrive with near-duplicate detection.
CREATE TABLE duplicates (
    paragraph_id  BIGINT NOT NULL,
    duplicate_of  BIGINT NOT NULL,
    kind          VARCHAR NOT NULL CHECK (kind IN ('exact', 'near', 'partial')),
    similarity    DOUBLE NOT NULL CHECK (similarity BETWEEN 0 AND 1),
    method        VARCHAR NOT NULL,            -- code version that found the link
    run_id        BIGINT NOT NULL,
    PRIMARY KEY (paragraph_id, duplicate_of)
);

CREATE TABLE failures (
    run_id   BIGINT NOT NULL,
    origin   VARCHAR NOT NULL,
    stage    VARCHAR NOT NULL,                 -- load | clean | store
    reason   VARCHAR NOT NULL,
    message  VARCHAR NOT NULL,
    failed_at TIMESTAMPTZ NOT NULL
);
