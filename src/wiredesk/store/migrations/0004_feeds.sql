-- 0004_feeds: feed sources with their state, the log of every HTTP exchange, and feed entry identity.
-- Issue 3. Shipped migrations are never edited; change the schema with a new numbered file.

-- One row per followed feed, sitemap or site. Configuration columns come from config/sources.toml,
-- `wiredesk sources add`, OPML import or `wiredesk run URL`; state columns (after added_at) are
-- wiredesk.schedule.SourceState and are written in the same transaction as the documents they produced.
CREATE TABLE sources (
    source_id            BIGINT PRIMARY KEY,
    name                 VARCHAR NOT NULL UNIQUE,
    url                  VARCHAR NOT NULL UNIQUE,
    kind                 VARCHAR NOT NULL,          -- feed | sitemap | site (autodiscovered)
    interval_seconds     INTEGER NOT NULL,
    tags                 VARCHAR[] NOT NULL,
    enabled              BOOLEAN NOT NULL,
    full_articles        BOOLEAN NOT NULL,          -- fetch each entry's page, or trust the feed's content
    added_by             VARCHAR NOT NULL,          -- config | cli | opml | run
    added_at             TIMESTAMPTZ NOT NULL,
    feed_url             VARCHAR,                   -- where to fetch: autodiscovered (site) or after a 301/308
    etag                 VARCHAR,                   -- validators sent back as If-None-Match / If-Modified-Since
    last_modified        VARCHAR,
    next_fetch_at        TIMESTAMPTZ,               -- NULL: due now
    last_fetch_at        TIMESTAMPTZ,
    last_success_at      TIMESTAMPTZ,
    last_status          INTEGER,                   -- HTTP status of the last fetch (NULL: no response)
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    last_error           VARCHAR,
    disabled_reason      VARCHAR,                   -- set (e.g. 'gone: HTTP 410'): not fetched until re-added
    last_run_id          BIGINT
);

-- Every HTTP exchange (each redirect hop is one): feeds, sitemaps, robots.txt, article pages.
CREATE TABLE fetches (
    run_id       BIGINT NOT NULL,
    source_id    BIGINT,                            -- NULL for fetches not tied to one source
    url          VARCHAR NOT NULL,
    purpose      VARCHAR NOT NULL,                  -- feed | sitemap | article | robots | discover
    started_at   TIMESTAMPTZ NOT NULL,
    status       INTEGER,                           -- NULL when no response (timeout, refused address...)
    bytes        BIGINT NOT NULL,                   -- body bytes received on the wire
    duration_ms  DOUBLE NOT NULL,
    error        VARCHAR,                           -- FetchError reason: timeout, too_large, blocked_address...
    message      VARCHAR,
    redirect_to  VARCHAR
);
CREATE INDEX fetches_by_run ON fetches (run_id);

-- Identity keys of feed entries (wiredesk.entries): guid:<source url>|<guid>, url:<canonical url>,
-- content:<source url>|<hash>. Every key of an entry points to the document key it was first given.
CREATE TABLE feed_entries (
    entry_key      VARCHAR PRIMARY KEY,
    doc_key        VARCHAR NOT NULL,
    fingerprint    VARCHAR NOT NULL,                -- changes when the entry is edited
    source_id      BIGINT NOT NULL,
    first_seen_run BIGINT NOT NULL,
    last_seen_run  BIGINT NOT NULL,
    derived_by     VARCHAR NOT NULL                 -- code version, e.g. entries/1
);
CREATE INDEX feed_entries_by_doc_key ON feed_entries (doc_key);
