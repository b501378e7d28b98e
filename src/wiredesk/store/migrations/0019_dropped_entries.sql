-- 0016_dropped_entries: feed entries and URL-list records that a source's filter dropped before fetching
-- (wiredesk.sources.filters; docs/configuration.md, Filters): counted per run, source and rule, never fetched.
-- Shipped migrations are never edited; change the schema with a new numbered file.

ALTER TABLE runs ADD COLUMN entries_dropped INTEGER DEFAULT 0;  -- entries and records dropped by filters

CREATE TABLE dropped_entries (
    run_id     BIGINT NOT NULL,
    source_id  BIGINT,                   -- the feed's row in sources; NULL for a URL list
    source     VARCHAR NOT NULL,         -- the source's name, or the URL list's path
    rule       VARCHAR NOT NULL,         -- the filter key that dropped them: drop_urls, keep_languages ...
    entries    INTEGER NOT NULL
);
CREATE INDEX dropped_entries_by_run ON dropped_entries (run_id);
