-- page_access: what each fetched page turned out to be (wiredesk.clean.access): the article, or a consent
-- wall, a paywall stub, a bot check or an empty/error page served in its place. One row per page cleaned
-- in a run, written in the transaction of the batch that cleaned it, beside that run's rows of `fetches`
-- (join on run_id and url = origin). A page that is not an article is never stored as a document: it is a
-- row of `failures` (stage 'access', reason = its state) and is fetched again later, within
-- [ingest] retry_attempts. `wiredesk sources list` and `wiredesk status` count each source's pages whose
-- latest row is not an article. Idempotent (IF NOT EXISTS). Shipped migrations are never edited.
CREATE TABLE IF NOT EXISTS page_access (
    run_id      BIGINT NOT NULL,
    source_id   BIGINT,                 -- the followed source the page was fetched for (NULL: not from a feed)
    origin      VARCHAR NOT NULL,       -- the page's origin (its canonical URL), as in documents and failures
    state       VARCHAR NOT NULL,       -- article | consent | paywall | blocked | empty
    reason      VARCHAR,                -- what decided it (NULL for an article)
    raw_sha256  VARCHAR NOT NULL,       -- the bytes classified
    checked_at  TIMESTAMPTZ NOT NULL,
    derived_by  VARCHAR NOT NULL        -- code version, e.g. access/1
);
CREATE INDEX IF NOT EXISTS page_access_by_source ON page_access (source_id);
